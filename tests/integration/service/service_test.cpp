// Issue 18 (foundation): the real `secondline service run` process on a training store and a Unix socket,
// driven through the client library and the real command-line tool. No mocks: the service, the store, gRPC
// and the socket are those of production.

#include "../cli/cli_fixture.h"
#include "test_support.h"
#include "wait_until.h"

#include <secondline/client/client.h>

#include <secondline/v1/secondline.grpc.pb.h>

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace secondline::test {
namespace {

using core::ErrorCode;

class ServiceTest : public CliTest {
protected:
    std::string store;
    std::string socket;
    std::string address;
    pid_t service = -1;

    void SetUp() override {
        store = privateStoreFolder(dir, "training.db");
        const auto runDir = dir.path() / "run";
        std::filesystem::create_directory(runDir);
        std::filesystem::permissions(runDir, std::filesystem::perms::owner_all);
        socket = (runDir / "service.sock").string();
        address = "unix:" + socket;
        std::vector<std::string> init = {"store",  "init",  "--store",    store,
                                         "--user", "admin", "--training", "--password-stdin"};
        init.insert(init.end(), kFast.begin(), kFast.end());
        ASSERT_EQ(run(init, "pw-admin\n").exitCode, 0);
        std::vector<std::string> add = {"user",    "add", "o1",     "--role", "officer",
                                        "--store", store, "--user", "admin",  "--password-stdin"};
        add.insert(add.end(), kFast.begin(), kFast.end());
        ASSERT_EQ(run(add, "pw-admin\npw-o1\n").exitCode, 0);
        startService();
    }

    void TearDown() override {
        if (service > 0) {
            ::kill(service, SIGTERM);
            int status = 0;
            ::waitpid(service, &status, 0);
            EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the service did not stop cleanly";
        }
    }

    /// Stops the service (SIGTERM) and waits for it: the store is free for the command line again.
    void stopService() {
        if (service <= 0) return;
        ::kill(service, SIGTERM);
        int status = 0;
        ::waitpid(service, &status, 0);
        service = -1;
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the service did not stop cleanly";
    }

    /// Starts `secondline service run` and waits until it answers.
    void startService() {
        std::vector<std::string> args = {SECONDLINE_CLI, "service", "run", "--store", store, "--socket", socket};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        const std::string log = dir.file("service.log");
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        ASSERT_EQ(::posix_spawn(&service, argv[0], &actions, nullptr, argv.data(), environ), 0);
        posix_spawn_file_actions_destroy(&actions);
        // Each attempt on a fresh client: a fresh channel has no reconnection back-off to wait out.
        const bool up = waitUntil(
            [&] {
                auto c = client::Client::connect(address, {.deadline = std::chrono::milliseconds{500}});
                return c && c->hello().has_value();
            },
            std::chrono::seconds{20});
        ASSERT_TRUE(up) << readFile(log);
    }

    client::Client connect() {
        auto c = client::Client::connect(address);
        if (!c) throw std::runtime_error(c.error().message);
        return std::move(*c);
    }

    static client::EncounterRequest specimenEncounter() {
        client::EncounterRequest r;
        r.mrz = kTd3;
        r.inspectionDate = "2011-06-01";
        r.source = "synthetic";
        r.desk = "desk-1";
        r.notes = "traveller calm";
        r.corrections = {{"given_names", "ANNA"}};
        r.correctionReason = "visual zone shows one given name";
        r.referral =
            client::Referral{.toService = false, .basis = "fact", .reason = "entry stamp missing", .referredTo = {}};
        // No outcome: the encounter stays open, so the officer still sees the record (closed cases are not theirs
        // to read).
        return r;
    }
};

TEST_F(ServiceTest, HelloNamesTheStoreAndTheProtocolWithoutASignIn) {
    auto c = connect();
    auto info = c.hello();
    ASSERT_OK(info);
    EXPECT_EQ(info->protocol, "secondline.v1");
    EXPECT_EQ(info->serverVersion, "0.1.0");
    EXPECT_TRUE(info->training);
    EXPECT_EQ(info->storeId.size() > 8, true);
    struct stat st {};
    ASSERT_EQ(::lstat(socket.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0660u) << "the socket is created 0660";

    auto cli = run({"hello", "--service", address, "--json"});
    ASSERT_EQ(cli.exitCode, 0) << cli.err;
    const auto j = nlohmann::json::parse(cli.out);
    EXPECT_EQ(j["store_id"], info->storeId);
    EXPECT_EQ(j["training"], true);
}

TEST_F(ServiceTest, SignInSaveAndReadBack) {
    auto c = connect();
    EXPECT_ERROR_CODE(c.signIn("o1", password("wrong")), ErrorCode::AuthenticationFailed);
    EXPECT_ERROR_CODE(c.signIn("nobody", password("pw-o1")), ErrorCode::AuthenticationFailed);
    auto session = c.signIn("o1", password("pw-o1"));
    ASSERT_OK(session);
    EXPECT_EQ(session->role, "officer");

    auto saved = c.saveEncounter(specimenEncounter());
    ASSERT_OK(saved);
    EXPECT_GT(saved->recordId.value(), 0);
    EXPECT_TRUE(saved->flagId.has_value()) << "the referral was raised with the record";

    auto record = c.getRecord(saved->recordId);
    ASSERT_OK(record);
    EXPECT_EQ(record->officer, "o1");
    EXPECT_EQ(record->format, "TD3");
    EXPECT_EQ(record->value("surname"), "ERIKSSON");
    EXPECT_EQ(record->value("given_names"), "ANNA") << "the correction was saved";
    EXPECT_EQ(record->value("document_number"), "L898902C3");
    EXPECT_EQ(record->source, "synthetic");
    EXPECT_EQ(record->desk, "desk-1");
    EXPECT_EQ(record->notes, "traveller calm");
    EXPECT_EQ(record->outcome, "open");
    EXPECT_EQ(record->encounterId, saved->encounterId);
    ASSERT_EQ(record->lines.size(), 2u);

    auto found = c.findByDocument("UTO", "L898902C3");
    ASSERT_OK(found);
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ(found->front().id, saved->recordId);
    EXPECT_ERROR_CODE(c.getRecord(core::RecordId{saved->recordId.value() + 100}), ErrorCode::RecordNotFound);

    // The service re-validates: an MRZ that does not parse, a correction its field rule refuses.
    auto badMrz = specimenEncounter();
    badMrz.mrz = "P<UTO\nSHORT\n";
    auto refused = c.saveEncounter(badMrz);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(core::errorCodeName(refused.error().code).substr(0, 4), "mrz_");
    auto badValue = specimenEncounter();
    badValue.corrections = {{"birth_date", "1974-13-40"}};
    EXPECT_ERROR_CODE(c.saveEncounter(badValue), ErrorCode::InvalidArgument);

    ASSERT_OK(c.signOut());
    EXPECT_ERROR_CODE(c.getRecord(saved->recordId), ErrorCode::AuthenticationFailed) << "signed out";

    // The same record through the command-line tool, with `records show`'s JSON.
    auto cli = run({"records", "show", std::to_string(saved->recordId.value()), "--service", address, "--user", "o1",
                    "--password-stdin"},
                   "pw-o1\n");
    ASSERT_EQ(cli.exitCode, 0) << cli.err;
    const auto j = nlohmann::json::parse(cli.out);
    EXPECT_EQ(j["id"], saved->recordId.value());
    EXPECT_EQ(j["officer"], "o1");
    EXPECT_EQ(j["document"]["fields"]["given_names"]["value"], "ANNA");
    EXPECT_EQ(j["encounter"]["outcome"], "open");
    EXPECT_TRUE(j["document"]["derived"]["age_at_inspection"].is_number());

    // Issue 18, task 4: one JSON helper for both ways: in-process (the service stopped, so the store is free),
    // the same record prints the same JSON.
    stopService();
    auto local = run({"records", "show", std::to_string(saved->recordId.value()), "--store", store, "--user", "o1",
                      "--password-stdin"},
                     "pw-o1\n");
    ASSERT_EQ(local.exitCode, 0) << local.err;
    const auto k = nlohmann::json::parse(local.out);
    EXPECT_EQ(k["document"], j["document"]);
    EXPECT_EQ(k["id"], j["id"]);
    EXPECT_EQ(k["created"], j["created"]);
}

TEST_F(ServiceTest, RequestsWithoutASessionOrADeadlineAreRefused) {
    auto c = connect();
    EXPECT_ERROR_CODE(c.getRecord(core::RecordId{1}), ErrorCode::AuthenticationFailed);
    EXPECT_ERROR_CODE(c.saveEncounter(specimenEncounter()), ErrorCode::AuthenticationFailed);
    EXPECT_ERROR_CODE(c.findByDocument("UTO", "L898902C3"), ErrorCode::AuthenticationFailed);

    // A raw stub, as a hostile client would use it: no deadline, and a made-up session token.
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    auto stub = v1::SecondLine::NewStub(channel);
    {
        grpc::ClientContext context;
        v1::HelloReply reply;
        const auto status = stub->Hello(&context, v1::HelloRequest{}, &reply);
        EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
        auto code = context.GetServerTrailingMetadata().find("secondline-error-code");
        ASSERT_NE(code, context.GetServerTrailingMetadata().end());
        EXPECT_EQ(std::string(code->second.data(), code->second.size()), "invalid_argument");
    }
    {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds{5});
        context.AddMetadata("secondline-session", std::string(64, 'a'));
        v1::GetRecordRequest request;
        request.set_id(1);
        v1::GetRecordReply reply;
        const auto status = stub->GetRecord(&context, request, &reply);
        EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    }
}

TEST_F(ServiceTest, OversizedRequestsAreRefusedAndTheServiceKeepsServing) {
    auto c = connect();
    ASSERT_OK(c.signIn("o1", password("pw-o1")));
    auto longNotes = specimenEncounter();
    longNotes.notes.assign(5000, 'n');
    EXPECT_ERROR_CODE(c.saveEncounter(longNotes), ErrorCode::InvalidArgument) << "a string over its limit";
    auto huge = specimenEncounter();
    huge.notes.assign(2u << 20, 'n');
    EXPECT_ERROR_CODE(c.saveEncounter(huge), ErrorCode::InvalidArgument) << "a message over the service's limit";
    auto longUser = connect();
    EXPECT_ERROR_CODE(longUser.signIn(std::string(100, 'u'), password("x")), ErrorCode::InvalidArgument);

    ASSERT_OK(c.hello());
    auto saved = c.saveEncounter(specimenEncounter());
    ASSERT_OK(saved) << "the session and the service are still there";
    ASSERT_OK(c.getRecord(saved->recordId));
}

TEST_F(ServiceTest, SessionsOfSeveralUsersRunAtOnceAndAClosedConnectionEndsItsSession) {
    // The service opens the store with its own key for every session: an officer and the administrator work at
    // the same time, each as themselves.
    auto officer = connect();
    ASSERT_OK(officer.signIn("o1", password("pw-o1")));
    auto admin = connect();
    auto adminSession = admin.signIn("admin", password("pw-admin"));
    ASSERT_OK(adminSession);
    EXPECT_EQ(adminSession->role, "administrator");
    auto saved = officer.saveEncounter(specimenEncounter());
    ASSERT_OK(saved);
    EXPECT_ERROR_CODE(admin.getRecord(saved->recordId), ErrorCode::PermissionDenied)
        << "each session is its own user: the administrator's role does not read records";
    ASSERT_OK(officer.getRecord(saved->recordId));
    auto second = connect();
    ASSERT_OK(second.signIn("o1", password("pw-o1"))) << "the same user on a second desk";

    // Sessions end with their connections: a client that goes away leaves nothing signed in.
    {
        auto brief = connect();
        ASSERT_OK(brief.signIn("o1", password("pw-o1")));
    }
    auto stillWorks = officer.getRecord(saved->recordId);
    ASSERT_OK(stillWorks) << "another connection closing ends only its own session";
}

TEST_F(ServiceTest, WhileTheServiceRunsNoOtherProcessOpensTheStore) {
    auto officer = connect();
    ASSERT_OK(officer.signIn("o1", password("pw-o1")));
    // The service holds the store's lock for its whole life, with or without sessions: a command that would
    // open the store itself (here the administrator's user removal) is refused until the service stops.
    // (Removal ending open sessions at once: storage's root_key_test.)
    auto removed = run({"user", "remove", "o1", "--store", store, "--user", "admin", "--password-stdin"}, "pw-admin\n");
    EXPECT_EQ(removed.exitCode, 2) << "the store is the service's while it runs: " << removed.err;
    EXPECT_NE(removed.err.find("store_busy"), std::string::npos) << removed.err;
    ASSERT_OK(officer.hello());
}

TEST_F(ServiceTest, AKilledServiceIsUnavailableAndTheCliExitsFive) {
    auto c = connect();
    ASSERT_OK(c.hello());
    ::kill(service, SIGKILL);
    int status = 0;
    ::waitpid(service, &status, 0);
    service = -1;
    EXPECT_ERROR_CODE(c.hello(), ErrorCode::ServiceUnavailable);
    EXPECT_ERROR_CODE(connect().signIn("o1", password("pw-o1")), ErrorCode::ServiceUnavailable);

    auto hello = run({"hello", "--service", address});
    EXPECT_EQ(hello.exitCode, 5) << hello.err;
    EXPECT_NE(hello.err.find("service_unavailable"), std::string::npos) << hello.err;
    auto show = run({"records", "show", "1", "--service", address, "--user", "o1", "--password-stdin"}, "pw-o1\n");
    EXPECT_EQ(show.exitCode, 5) << show.err;
    auto tls = run({"hello", "--service", "tls:centre.example:443"});
    EXPECT_EQ(tls.exitCode, 2) << "a tls: address without this desk's TLS files (service_tls_test has the rest)";
    EXPECT_NE(tls.err.find("--tls-cert"), std::string::npos) << tls.err;

    // The killed service left its socket behind: a new one replaces it and serves the same store.
    startService();
    auto again = connect();
    ASSERT_OK(again.signIn("o1", password("pw-o1")));
}

// Issue 18, task 1: many encounters in one call and one store transaction; a refused one saves none of them.
TEST_F(ServiceTest, SaveEncountersSavesABatchInOneTransactionOrNothing) {
    auto c = connect();
    ASSERT_OK(c.signIn("o1", password("pw-o1")));
    std::vector<client::EncounterRequest> batch(3, specimenEncounter());
    auto saved = c.saveEncounters(batch);
    ASSERT_OK(saved);
    ASSERT_EQ(saved->size(), 3u);
    for (const auto& s : *saved) {
        auto record = c.getRecord(s.recordId);
        ASSERT_OK(record);
        EXPECT_EQ(record->encounterId, s.encounterId);
        EXPECT_EQ(record->value("given_names"), "ANNA");
    }
    auto before = c.findByDocument("UTO", "L898902C3");
    ASSERT_OK(before);
    EXPECT_EQ(before->size(), 3u);

    batch.back().mrz = "NOT AN MRZ";
    auto refused = c.saveEncounters(batch);
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().message.find("encounter 3"), std::string::npos) << refused.error().message;
    batch.back() = specimenEncounter();
    batch.back().corrections = {{"optional_data_2", "X"}}; // refused by the store, inside the transaction
    EXPECT_FALSE(c.saveEncounters(batch).has_value());
    auto after = c.findByDocument("UTO", "L898902C3");
    ASSERT_OK(after);
    EXPECT_EQ(after->size(), 3u) << "nothing of a refused batch was saved";

    EXPECT_ERROR_CODE(c.saveEncounters({}), ErrorCode::InvalidArgument);
    std::vector<client::EncounterRequest> tooMany(client::kMaxBatchEncounters + 1, specimenEncounter());
    EXPECT_ERROR_CODE(c.saveEncounters(tooMany), ErrorCode::InvalidArgument);
    // Past the client's check, the service holds its own limit (a hostile client's raw stub).
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    auto stub = v1::SecondLine::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds{5});
    v1::SaveEncountersRequest request;
    for (std::size_t i = 0; i < client::kMaxBatchEncounters + 1; ++i) request.add_encounters()->set_mrz("X");
    v1::SaveEncountersReply reply;
    EXPECT_EQ(stub->SaveEncounters(&context, request, &reply).error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << "no session on this connection";
    auto unsignedIn = connect();
    EXPECT_ERROR_CODE(unsignedIn.saveEncounters(batch), ErrorCode::AuthenticationFailed);
}

// Issue 18, task 5: the service counts failed sign-ins itself; deleting the store's sign-in file while it runs
// resets nothing.
TEST_F(ServiceTest, TheServiceKeepsItsOwnLockoutWhenTheSignInFileIsDeleted) {
    auto c = connect();
    for (int i = 0; i < 5; ++i) EXPECT_ERROR_CODE(c.signIn("o1", password("wrong")), ErrorCode::AuthenticationFailed);
    std::filesystem::remove(store + ".logins");
    EXPECT_ERROR_CODE(c.signIn("o1", password("pw-o1")), ErrorCode::AccountLocked);
    // (The five failures came from this test's OS user too, which is now locked as well: the next test.)
    const auto log = readFile(dir.file("service.log"));
    EXPECT_NE(log.find("sign-in failed (authentication_failed)"), std::string::npos) << log;
    EXPECT_EQ(log.find("o1"), std::string::npos) << "no user name in the log";
}

TEST_F(ServiceTest, FailuresFromOneOsUserLockItOutWhateverTheUserNames) {
    auto c = connect();
    for (int i = 0; i < 5; ++i)
        EXPECT_ERROR_CODE(c.signIn("guess" + std::to_string(i), password("wrong")), ErrorCode::AuthenticationFailed);
    std::filesystem::remove(store + ".logins");
    EXPECT_ERROR_CODE(c.signIn("admin", password("pw-admin")), ErrorCode::AccountLocked)
        << "the peer's OS user has failed five times";
}

// The socket is made where nobody else can replace it, and never over something that is not a socket.
using ServiceSocketTest = CliTest;

// Issue 18, item 3: a production store's root key is kept away from the store's folder, so a copy of that
// folder and every password decrypt nothing; the service refuses to serve one whose key sits beside it.
TEST_F(ServiceSocketTest, AProductionStoresRootKeyMustLiveOutsideItsFolder) {
    const std::string store = privateStoreFolder(dir, "store.db");
    const auto sockets = dir.path() / "run";
    std::filesystem::create_directory(sockets);
    std::filesystem::permissions(sockets, std::filesystem::perms::owner_all);
    const std::string sock = (sockets / "s.sock").string();
    // A real production store: the password rule and the production Argon2id cost apply (no --test-store).
    const std::string strong = "Correct-Horse-Battery-Staple-42\n";
    auto made = run({"store", "init", "--store", store, "--user", "admin", "--password-stdin"}, strong);
    ASSERT_EQ(made.exitCode, 0) << made.err;
    auto beside = run({"service", "run", "--store", store, "--socket", sock});
    EXPECT_EQ(beside.exitCode, 2);
    EXPECT_NE(beside.err.find("store_folder_unsafe"), std::string::npos) << beside.err;

    // Moved where it belongs, the same store is served.
    const auto keys = dir.path() / "keys";
    std::filesystem::create_directory(keys);
    std::filesystem::permissions(keys, std::filesystem::perms::owner_all);
    const std::string key = (keys / "root-key").string();
    std::filesystem::rename(store + ".root-key", key);
    auto missing = run({"service", "run", "--store", store, "--socket", sock});
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_NE(missing.err.find("store_folder_unsafe"), std::string::npos)
        << "still refused (the default place is the folder): " << missing.err;
    auto direct = run({"records", "list", "--store", store, "--user", "admin", "--password-stdin"}, strong);
    EXPECT_NE(direct.exitCode, 0);
    EXPECT_NE(direct.err.find("root_key_unavailable"), std::string::npos)
        << "the password alone opens nothing: " << direct.err;
    auto withKey =
        run({"records", "list", "--store", store, "--user", "admin", "--password-stdin", "--root-key", key}, strong);
    EXPECT_EQ(withKey.err.find("root_key_unavailable"), std::string::npos)
        << "with its root key the store opens (for whoever may read that file): " << withKey.err;
}

TEST_F(ServiceSocketTest, TheServiceRefusesAnUnsafeSocketFolderAndAFileInTheWay) {
    const std::string store = privateStoreFolder(dir, "training.db");
    std::vector<std::string> init = {"store",  "init",  "--store",    store,
                                     "--user", "admin", "--training", "--password-stdin"};
    init.insert(init.end(), kFast.begin(), kFast.end());
    ASSERT_EQ(run(init, "pw-admin\n").exitCode, 0);

    const auto open = dir.path() / "open";
    std::filesystem::create_directory(open);
    std::filesystem::permissions(open, std::filesystem::perms::all);
    auto r = run({"service", "run", "--store", store, "--socket", (open / "s.sock").string()});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("invalid_argument"), std::string::npos) << r.err;

    const auto safe = dir.path() / "safe";
    std::filesystem::create_directory(safe);
    std::filesystem::permissions(safe, std::filesystem::perms::owner_all);
    const auto inTheWay = (safe / "s.sock").string();
    writeFile(inTheWay, "not a socket");
    r = run({"service", "run", "--store", store, "--socket", inTheWay});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("not a socket"), std::string::npos) << r.err;
    EXPECT_EQ(readFile(inTheWay), "not a socket") << "left as it was";

    r = run({"service", "run", "--store", dir.file("missing.db"), "--socket", (safe / "t.sock").string()});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("store_not_found"), std::string::npos) << r.err;

    // Issue 18, task 6: the checkpoint folder must exist and be writable by its owner only.
    const auto sock = (safe / "u.sock").string();
    r = run({"service", "run", "--store", store, "--socket", sock, "--checkpoint-dir", dir.file("none")});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_NE(r.err.find("checkpoint folder does not exist"), std::string::npos) << r.err;
    r = run({"service", "run", "--store", store, "--socket", sock, "--checkpoint-dir", open.string()});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_NE(r.err.find("writable by group or others"), std::string::npos) << r.err;
    r = run({"service", "run", "--store", store, "--socket", sock, "--checkpoint-dir", inTheWay});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_NE(r.err.find("not a folder"), std::string::npos) << r.err;
}

} // namespace
} // namespace secondline::test
