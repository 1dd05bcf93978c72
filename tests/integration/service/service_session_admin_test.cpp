// Issue 18, item 10: the administrators', auditors' and trainers' calls through the service (admin.proto,
// client::ServiceSession) against the same calls on a store this process opened (app::LocalSession): the same
// results and the same error codes. Also, through the real service process: a key rotation and its rule, a
// removed user's open session, failed sign-ins in the trail at once, and hostile raw requests.

#include "service_process.h"
#include "test_support.h"

#include <local_session.h>

#include <secondline/client/client.h>
#include <secondline/client/service_session.h>
#include <secondline/privacy/audit.h>
#include <secondline/privacy/audit_action.h>
#include <secondline/storage/store.h>

#include <secondline/v1/admin.grpc.pb.h>
#include <secondline/v1/secondline.grpc.pb.h>

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace secondline::test {
namespace {

using core::ErrorCode;
using privacy::Role;
namespace fs = std::filesystem;

const privacy::KdfParams kFastKdf = privacy::KdfParams::fastForTests();

std::string errorText(const core::Error& e) {
    return "error " + std::string(core::errorCodeName(e.code));
}
std::string show(const core::Status& s) {
    return s ? "ok" : errorText(s.error());
}
template <class T, class F>
std::string show(const core::Result<T>& r, F&& f) {
    return r ? f(*r) : errorText(r.error());
}

std::string usersText(const std::vector<storage::UserInfo>& users) {
    std::string out;
    for (const auto& u : users)
        out += u.name + "/" + std::string(privacy::roleName(u.role)) + (u.active ? "/active" : "/removed") +
               (u.passwordResetRequired ? "/reset" : "") + " ";
    return out;
}

/// The trail without what differs between two runs of the same calls (times, hashes, signatures, where a
/// sign-in came from).
std::string trailText(const std::vector<privacy::AuditEntry>& entries) {
    std::string out;
    for (const auto& e : entries) {
        out += std::to_string(e.sequence) + " " + e.action + " " + e.userName + " " + e.role + " " +
               (e.recordId ? std::to_string(*e.recordId) : "-") + " " + e.purpose;
        if (e.action != privacy::auditActionName(privacy::AuditAction::SessionLogin)) out += " [" + e.detail + "]";
        out += e.signature.empty() ? " unsigned\n" : " signed\n";
    }
    return out;
}

std::string trailCheckText(const privacy::TrailCheck& c) {
    return std::string(c.ok ? "ok " : "bad ") + std::to_string(c.entries) + " " + std::to_string(c.signedEntries) +
           " " + (c.firstBadSequence ? std::to_string(*c.firstBadSequence) : "-") + " " + c.problem;
}

std::string purgeText(const storage::PurgeReport& p) {
    std::string out = std::to_string(p.erased) + " " + std::to_string(p.images) + " " + std::to_string(p.encounters) +
                      " " + std::to_string(p.held) + " ids";
    for (const auto id : p.erasedIds) out += " " + std::to_string(id.value());
    return out;
}

std::string retentionText(const std::vector<storage::RetentionRow>& rows) {
    std::string out;
    for (const auto& r : rows)
        out += r.outcome + " " + (r.days ? std::to_string(*r.days) : "-") + " " + std::to_string(r.records) + " " +
               std::to_string(r.expired) + " " + std::to_string(r.within7) + " " + std::to_string(r.within30) + " " +
               std::to_string(r.later) + " " + std::to_string(r.held) + (r.next ? " next" : " -") + "; ";
    return out;
}

std::string checkText(const storage::CheckReport& c) {
    return std::to_string(c.integrityOk) + std::to_string(c.cipherIntegrityOk) + std::to_string(c.auditChainOk) +
           std::to_string(c.schemaOk) + " " + c.problems;
}

std::string cipherText(const storage::CipherSettings& c) {
    return c.version + " " + std::to_string(c.pageSize) + " " + c.hmacAlgorithm + " " + c.kdfAlgorithm + " " +
           std::to_string(c.plaintextHeaderSize) + " " + std::to_string(c.memorySecurity);
}

std::string statisticsText(const storage::StatisticsData& s) {
    std::string out = std::to_string(s.rows.size()) + " rows; values";
    for (const auto& v : s.values) out += " " + std::to_string(v.size());
    return out;
}

std::string exercisesText(const std::vector<storage::ExerciseResult>& results) {
    std::string out;
    for (const auto& r : results)
        out += std::to_string(r.id) + " " + r.trainee + " " + r.pack + " " + std::to_string(r.exercise) + " " +
               r.problem + " " + std::to_string(r.fieldsRight) + "/" + std::to_string(r.fieldsTotal) + " " +
               std::to_string(r.problemsCaught) + "/" + std::to_string(r.problemsPlanted) + " " +
               std::to_string(r.falseAlarms) + " " + std::to_string(r.seconds) + "; ";
    return out;
}

using SignIn = std::function<std::unique_ptr<client::Session>(const std::string& user, const std::string& pw)>;

/// The same administrator's, officer's, trainer's and auditor's calls, one user after the other, each line
/// what a call gave (its error code when it failed).
std::vector<std::string> script(const SignIn& signIn) {
    std::vector<std::string> out;
    auto line = [&](const char* what, std::string result) { out.push_back(std::string(what) + ": " + result); };
    {
        auto admin = signIn("admin", "pw-admin");
        line("admin listUsers", show(admin->listUsers(), usersText));
        line("admin addUser aud2", show(admin->addUser("aud2", Role::Auditor, password("pw-aud2"), kFastKdf)));
        line("admin addUser o1 again", show(admin->addUser("o1", Role::Officer, password("pw-x"), kFastKdf)));
        line("admin addUser bad name", show(admin->addUser("bad name", Role::Officer, password("pw-x"), kFastKdf)));
        line("admin addUser o2", show(admin->addUser("o2", Role::Officer, password("pw-o2"), kFastKdf)));
        line("admin setPassword o2", show(admin->setPassword("o2", password("pw-o2b"), kFastKdf)));
        line("admin setPassword nobody", show(admin->setPassword("nobody", password("pw-x"), kFastKdf)));
        line("admin removeUser aud2", show(admin->removeUser("aud2")));
        line("admin removeUser aud2 again", show(admin->removeUser("aud2")));
        line("admin removeUser self", show(admin->removeUser("admin")));
        line("admin listUsers after", show(admin->listUsers(), usersText));
        line("admin cipherSettings", show(admin->cipherSettings(), cipherText));
        line("admin check", show(admin->check(), checkText));
        line("admin purge dry run", show(admin->purge(true), purgeText));
        line("admin purge", show(admin->purge(false), purgeText));
        line("admin retentionReport", show(admin->retentionReport(), retentionText));
        line("admin statistics",
             show(admin->statistics(core::TimePoint{}, core::TimePoint{std::chrono::hours{24 * 365 * 200}},
                                    std::nullopt),
                  statisticsText));
        line("admin auditEntries", show(admin->auditEntries(), [](const auto& e) { return std::to_string(e.size()); }));
        line("admin exercises", show(admin->exercises(), exercisesText));
        line("admin rekey", show(admin->rekey()));
        line("admin cipherSettings after rekey", show(admin->cipherSettings(), cipherText));
        admin->signOut();
    }
    {
        auto o2 = signIn("o2", "pw-o2b");
        line("o2 changePassword", show(o2->changePassword(password("pw-o2c"), kFastKdf)));
        line("o2 listUsers", show(o2->listUsers(), usersText));
        line("o2 addUser", show(o2->addUser("o3", Role::Officer, password("pw-x"), kFastKdf)));
        line("o2 removeUser o1", show(o2->removeUser("o1")));
        line("o2 setPassword o1", show(o2->setPassword("o1", password("pw-x"), kFastKdf)));
        line("o2 auditEntries", show(o2->auditEntries(), [](const auto& e) { return std::to_string(e.size()); }));
        line("o2 auditCheckpoint", show(o2->auditCheckpoint(), [](const auto&) { return std::string("text"); }));
        line("o2 rekey", show(o2->rekey()));
        line("o2 check", show(o2->check(), checkText));
        line("o2 purge", show(o2->purge(true), purgeText));
        line("o2 purgeDue", show(o2->purgeDue(), purgeText));
        line("o2 statistics",
             show(o2->statistics(core::TimePoint{}, core::TimePoint{std::chrono::hours{1}}, "desk-1"), statisticsText));
        line("o2 cipherSettings", show(o2->cipherSettings(), cipherText));
        o2->signOut();
    }
    {
        auto t1 = signIn("t1", "pw-t1");
        storage::ExerciseResult result;
        result.pack = "pack-7";
        result.exercise = 3;
        result.problem = "check_digit";
        result.fieldsRight = 9;
        result.fieldsTotal = 10;
        result.problemsCaught = 1;
        result.problemsPlanted = 1;
        result.seconds = 42.5;
        line("t1 addExercise", show(t1->addExercise(result), [](auto id) { return std::to_string(id); }));
        result.exercise = -1;
        line("t1 addExercise out of range", show(t1->addExercise(result), [](auto id) { return std::to_string(id); }));
        line("t1 exercises", show(t1->exercises(), exercisesText));
        line("t1 addUser", show(t1->addUser("o4", Role::Officer, password("pw-x"), kFastKdf)));
        line("t1 retentionReport", show(t1->retentionReport(), retentionText));
        t1->signOut();
    }
    {
        auto aud = signIn("aud1", "pw-aud1");
        line("aud1 auditEntries", show(aud->auditEntries(), trailText));
        line("aud1 verifyAudit", show(aud->verifyAudit(nullptr), trailCheckText));
        auto checkpoint = aud->auditCheckpoint();
        line("aud1 auditCheckpoint", show(checkpoint, [](const std::string& text) {
                 auto decoded = privacy::decodeCheckpoint(text);
                 return decoded ? "sequence " + std::to_string(decoded->sequence) + " key " + decoded->publicKeyHex
                                : errorText(decoded.error());
             }));
        if (checkpoint) {
            auto decoded = privacy::decodeCheckpoint(*checkpoint);
            if (decoded) line("aud1 verifyAudit checkpoint", show(aud->verifyAudit(&*decoded), trailCheckText));
            // A checkpoint of another trail: same key, an entry the trail does not hold.
            if (decoded) {
                decoded->hash = std::string(64, '0');
                line("aud1 verifyAudit wrong checkpoint", show(aud->verifyAudit(&*decoded), trailCheckText));
            }
        }
        line("aud1 exportAudit",
             show(aud->exportAudit(), [](const std::string& t) { return std::to_string(!t.empty()); }));
        line("aud1 auditPublicKey", show(aud->auditPublicKey(), [](const std::string& k) { return k; }));
        line("aud1 check", show(aud->check(), checkText));
        line("aud1 retentionReport", show(aud->retentionReport(), retentionText));
        line("aud1 purge", show(aud->purge(false), purgeText));
        line("aud1 listUsers", show(aud->listUsers(), usersText));
        line("aud1 rekey", show(aud->rekey()));
        line("aud1 exercises", show(aud->exercises(), exercisesText));
        aud->signOut();
    }
    return out;
}

/// A private folder (the service refuses others) under the test's temporary folder.
std::string privateFolder(const TempDir& dir, const char* name) {
    const auto folder = dir.path() / name;
    fs::create_directories(folder);
    fs::permissions(folder, fs::perms::owner_all);
    return folder.string();
}

class ServiceSessionAdminTest : public ::testing::Test {
protected:
    TempDir dir;
    core::SystemClock clock;
    std::string store;
    std::string socket;
    std::unique_ptr<ServiceProcess> service;

    /// A store with admin, o1 (officer), aud1 (auditor) and, in a training store, t1 (trainer). A production
    /// store is a test store (exempt from the password rule) with its root key file at `rootKeyFile`.
    void makeStore(bool training, const std::string& rootKeyFile = {}) {
        store = privateStoreFolder(dir, "store.db");
        storage::CreateOptions options{};
        options.training = training;
        options.kdf = kFastKdf;
        options.testStore = !training;
        options.rootKeyFile = rootKeyFile;
        ASSERT_OK(storage::Store::create(store, "admin", password("pw-admin"), options, clock));
        auto admin = storage::Store::open(store, "admin", password("pw-admin"), {.rootKeyFile = rootKeyFile}, clock);
        ASSERT_OK(admin);
        ASSERT_OK(admin->users().add("o1", Role::Officer, password("pw-o1"), kFastKdf));
        ASSERT_OK(admin->users().add("aud1", Role::Auditor, password("pw-aud1"), kFastKdf));
        if (training) {
            ASSERT_OK(admin->users().add("t1", Role::Trainer, password("pw-t1"), kFastKdf));
        }
        admin->logout();
    }

    void startService(std::vector<std::string> extra = {}) {
        socket = (fs::path(privateFolder(dir, "run")) / "service.sock").string();
        service =
            std::make_unique<ServiceProcess>(SECONDLINE_CLI, store, socket, dir.file("service.log"), std::move(extra));
        ASSERT_TRUE(service->start()) << service->log();
    }

    core::Result<std::unique_ptr<client::ServiceSession>> trySignIn(const std::string& user, const std::string& pw) {
        auto c = client::Client::connect(service->address());
        if (!c) return core::fail(c.error());
        return client::ServiceSession::signIn(std::move(*c), user, password(pw));
    }

    std::unique_ptr<client::ServiceSession> signIn(const std::string& user, const std::string& pw) {
        auto s = trySignIn(user, pw);
        if (!s) throw std::runtime_error("sign-in failed: " + errorText(s.error()));
        return std::move(*s);
    }
};

TEST_F(ServiceSessionAdminTest, TheSameCallsGiveTheSameResultsThroughTheServiceAsOnTheStoreItself) {
    makeStore(true);
    // Two copies of one store: one opened here (LocalSession), one served by the service process.
    const auto local = privateFolder(dir, "local");
    for (const auto& f : fs::directory_iterator(fs::path(store).parent_path()))
        if (f.is_regular_file()) fs::copy_file(f.path(), fs::path(local) / f.path().filename());
    const auto localStore = (fs::path(local) / "store.db").string();

    const auto direct = script([&](const std::string& user, const std::string& pw) -> std::unique_ptr<client::Session> {
        auto opened = storage::Store::open(localStore, user, password(pw), {}, clock);
        if (!opened) throw std::runtime_error("local sign-in failed: " + errorText(opened.error()));
        return std::make_unique<app::LocalSession>(std::move(*opened));
    });
    startService();
    const auto served = script([&](const std::string& user, const std::string& pw) -> std::unique_ptr<client::Session> {
        return signIn(user, pw);
    });
    ASSERT_EQ(direct.size(), served.size());
    for (std::size_t i = 0; i < direct.size(); ++i) EXPECT_EQ(direct[i], served[i]);
    // The script reaches what it means to: refusals by role and by argument, and a rotation that worked.
    auto has = [&](const std::string& text) { return std::find(served.begin(), served.end(), text) != served.end(); };
    EXPECT_TRUE(has("admin rekey: ok"));
    EXPECT_TRUE(has("o2 listUsers: error permission_denied"));
    EXPECT_TRUE(has("aud1 rekey: error permission_denied"));
    EXPECT_TRUE(has("admin addUser o1 again: error user_exists"));
    EXPECT_TRUE(has("admin setPassword nobody: error user_not_found"));
    EXPECT_TRUE(service->stop()) << service->log();
}

TEST_F(ServiceSessionAdminTest, RekeyIsRefusedWhileOthersAreSignedInAndLaterSignInsUseTheNewKey) {
    // A production store whose root key file is outside the store's folder, as the service is installed.
    const auto keyFile = (fs::path(privateFolder(dir, "keys")) / "store.root-key").string();
    makeStore(false, keyFile);
    startService({"--root-key", keyFile});
    const auto oldKeyCopy = dir.file("old.root-key");
    fs::copy_file(keyFile, oldKeyCopy);

    auto o1 = signIn("o1", "pw-o1");
    client::EncounterRequest encounter;
    encounter.mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n";
    encounter.inspectionDate = "2011-06-01";
    encounter.source = "synthetic";
    auto saved = o1->client().saveEncounter(encounter);
    ASSERT_OK(saved);

    auto admin = signIn("admin", "pw-admin");
    EXPECT_ERROR_CODE(admin->rekey(), ErrorCode::StoreBusy) << "o1's session is open on the database file";
    ASSERT_OK(o1->client().getRecord(saved->recordId)) << "the refusal changed nothing for the others";
    o1->signOut();
    o1.reset();
    ASSERT_OK(admin->rekey());
    ASSERT_OK(admin->cipherSettings()) << "the rotating session goes on, on the new file";
    EXPECT_FALSE(fs::exists(storage::rootKeyPath(store)))
        << "the new root key went to --root-key, not the store folder";
    EXPECT_NE(readFile(keyFile), readFile(oldKeyCopy));

    // Another user signs in afterwards: the service opens the store with the new key.
    auto again = signIn("o1", "pw-o1");
    auto record = again->client().getRecord(saved->recordId);
    ASSERT_OK(record);
    EXPECT_EQ(record->id, saved->recordId);
    again->signOut();
    admin->signOut();
    again.reset();
    admin.reset();
    ASSERT_TRUE(service->stop()) << service->log();

    // The old key file opens nothing: not directly, not as the service's key.
    EXPECT_ERROR_CODE(storage::Store::open(store, "admin", password("pw-admin"), {.rootKeyFile = oldKeyCopy}, clock),
                      ErrorCode::KeySlotCorrupt);
    ServiceProcess withOldKey(SECONDLINE_CLI, store, socket, dir.file("service-old-key.log"),
                              {"--root-key", oldKeyCopy});
    EXPECT_FALSE(withOldKey.start(std::chrono::seconds{10})) << "a service with the old key must not start";
    // The current key still opens it.
    EXPECT_OK(storage::Store::open(store, "admin", password("pw-admin"), {.rootKeyFile = keyFile}, clock));
}

TEST_F(ServiceSessionAdminTest, RemovingAUserEndsTheirOpenSessionAtItsNextCall) {
    makeStore(true);
    startService();
    auto o1 = signIn("o1", "pw-o1");
    ASSERT_OK(o1->cipherSettings());
    auto admin = signIn("admin", "pw-admin");
    ASSERT_OK(admin->removeUser("o1"));
    EXPECT_ERROR_CODE(o1->cipherSettings(), ErrorCode::AuthenticationFailed);
    // The service ended the session with it: every later call is refused the same way.
    EXPECT_ERROR_CODE(o1->exercises(), ErrorCode::AuthenticationFailed);
    EXPECT_ERROR_CODE(o1->client().getRecord(core::RecordId{1}), ErrorCode::AuthenticationFailed);
    EXPECT_ERROR_CODE(trySignIn("o1", "pw-o1"), ErrorCode::AuthenticationFailed);
    ASSERT_OK(admin->listUsers()) << "the administrator's session goes on";
}

TEST_F(ServiceSessionAdminTest, AFailedSignInIsInTheAuditTrailAtOnce) {
    makeStore(true);
    startService();
    auto auditor = signIn("aud1", "pw-aud1");
    const auto failed = std::string(privacy::auditActionName(privacy::AuditAction::SessionLoginFailed));
    auto count = [&](const std::string& user) {
        auto entries = auditor->auditEntries();
        if (!entries) throw std::runtime_error(errorText(entries.error()));
        return std::count_if(entries->begin(), entries->end(),
                             [&](const auto& e) { return e.action == failed && e.userName == user; });
    };
    ASSERT_EQ(count("o1"), 0);
    EXPECT_ERROR_CODE(trySignIn("o1", "wrong password"), ErrorCode::AuthenticationFailed);
    EXPECT_EQ(count("o1"), 1) << "written when it happened, with no successful sign-in since";
    EXPECT_ERROR_CODE(trySignIn("no-such-user", "whatever"), ErrorCode::AuthenticationFailed);
    EXPECT_EQ(count("(unknown)"), 1) << "an unknown name is not written as typed";
    EXPECT_EQ(count("no-such-user"), 0);

    // A successful sign-in does not write them a second time; the trail still verifies.
    auto o1 = signIn("o1", "pw-o1");
    o1->signOut();
    EXPECT_EQ(count("o1"), 1);
    EXPECT_EQ(count("(unknown)"), 1);
    auto check = auditor->verifyAudit(nullptr);
    ASSERT_OK(check);
    EXPECT_TRUE(check->ok) << check->problem;
    EXPECT_EQ(service->log().find("no-such-user"), std::string::npos) << "the attempted name is not logged";
}

/// A raw call's gRPC status and SecondLine code.
struct Raw {
    grpc::StatusCode status;
    std::string code;
};

template <class Call>
Raw rawCall(Call&& call, const std::string& token, bool deadline = true) {
    grpc::ClientContext context;
    if (deadline) context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds{10});
    if (!token.empty()) context.AddMetadata("secondline-session", token);
    const grpc::Status status = call(&context);
    const auto& trailing = context.GetServerTrailingMetadata();
    auto it = trailing.find("secondline-error-code");
    return {status.error_code(), it == trailing.end() ? "" : std::string(it->second.data(), it->second.size())};
}

TEST_F(ServiceSessionAdminTest, HostileRawRequestsAreRefusedWithStableCodesAndTheServiceKeepsServing) {
    makeStore(true);
    startService();
    auto channel = grpc::CreateChannel(service->address(), grpc::InsecureChannelCredentials());
    auto admin = v1::Admin::NewStub(channel);
    auto main = v1::SecondLine::NewStub(channel);

    v1::ListUsersReply users;
    auto noSession = rawCall([&](auto* c) { return admin->ListUsers(c, {}, &users); }, "");
    EXPECT_EQ(noSession.status, grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(noSession.code, "authentication_failed");
    auto madeUp = rawCall([&](auto* c) { return admin->ListUsers(c, {}, &users); }, std::string(64, 'a'));
    EXPECT_EQ(madeUp.code, "authentication_failed");
    v1::RekeyReply rekeyed;
    auto noDeadline = rawCall([&](auto* c) { return admin->Rekey(c, {}, &rekeyed); }, "", false);
    EXPECT_EQ(noDeadline.status, grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(noDeadline.code, "invalid_argument");

    // Signed in on this channel (the session is bound to its connection).
    v1::SignInRequest signInRequest;
    signInRequest.set_user("admin");
    signInRequest.set_password("pw-admin");
    v1::SignInReply signedIn;
    ASSERT_EQ(rawCall([&](auto* c) { return main->SignIn(c, signInRequest, &signedIn); }, "").status,
              grpc::StatusCode::OK);
    const std::string token = signedIn.session_token();

    auto addUser = [&](v1::AddUserRequest request) {
        v1::AddUserReply reply;
        return rawCall([&](auto* c) { return admin->AddUser(c, request, &reply); }, token);
    };
    v1::AddUserRequest ok;
    ok.set_name("o9");
    ok.set_role("officer");
    ok.set_password("pw-o9");
    ok.mutable_kdf()->set_ops_limit(1);
    ok.mutable_kdf()->set_mem_limit_bytes(8192);
    auto longPassword = ok;
    longPassword.set_password(std::string(1025, 'p'));
    EXPECT_EQ(addUser(longPassword).code, "invalid_argument");
    auto longName = ok;
    longName.set_name(std::string(65, 'n'));
    EXPECT_EQ(addUser(longName).code, "invalid_argument");
    auto badRole = ok;
    badRole.set_role("root");
    EXPECT_EQ(addUser(badRole).code, "invalid_argument");
    auto costly = ok;
    costly.mutable_kdf()->set_ops_limit(1000000);
    EXPECT_EQ(addUser(costly).code, "invalid_argument") << "a verifier that would hold the store for hours";
    auto memory = ok;
    memory.mutable_kdf()->set_mem_limit_bytes(1ull << 40);
    EXPECT_EQ(addUser(memory).code, "invalid_argument");

    v1::VerifyAuditRequest bigCheckpoint;
    bigCheckpoint.mutable_checkpoint()->set_signature(std::string(257, 'c'));
    v1::VerifyAuditReply verified;
    EXPECT_EQ(rawCall([&](auto* c) { return admin->VerifyAudit(c, bigCheckpoint, &verified); }, token).code,
              "invalid_argument");
    v1::VerifyAuditRequest garbled;
    garbled.mutable_checkpoint()->set_hash("not hex");
    garbled.mutable_checkpoint()->set_sequence(-5);
    EXPECT_EQ(rawCall([&](auto* c) { return admin->VerifyAudit(c, garbled, &verified); }, token).code, "audit_invalid")
        << "another store's checkpoint (the store's own refusal)";
    v1::HelloReply hello;
    ASSERT_EQ(rawCall([&](auto* c) { return main->Hello(c, {}, &hello); }, "").status, grpc::StatusCode::OK);
    garbled.mutable_checkpoint()->set_store_id(hello.store_id());
    EXPECT_EQ(rawCall([&](auto* c) { return admin->VerifyAudit(c, garbled, &verified); }, token).status,
              grpc::StatusCode::OK)
        << "a checkpoint of this store that does not match is a finding, not an error";
    EXPECT_FALSE(verified.ok());
    v1::StatisticsRequest longDesk;
    longDesk.set_desk(std::string(65, 'd'));
    v1::StatisticsReply statistics;
    EXPECT_EQ(rawCall([&](auto* c) { return admin->Statistics(c, longDesk, &statistics); }, token).code,
              "invalid_argument");
    v1::AddExerciseRequest longPack;
    longPack.mutable_result()->set_pack(std::string(65, 'k'));
    v1::AddExerciseReply exercise;
    EXPECT_EQ(rawCall([&](auto* c) { return admin->AddExercise(c, longPack, &exercise); }, token).code,
              "invalid_argument");
    v1::SetPasswordRequest longSet;
    longSet.set_name("o1");
    longSet.set_password(std::string(4096, 'p'));
    v1::SetPasswordReply set;
    EXPECT_EQ(rawCall([&](auto* c) { return admin->SetPassword(c, longSet, &set); }, token).code, "invalid_argument");
    EXPECT_EQ(service->log().find(std::string(64, 'p')), std::string::npos) << "no password in the log";

    // Still serving, the same session included.
    EXPECT_EQ(addUser(ok).status, grpc::StatusCode::OK);
    EXPECT_EQ(rawCall([&](auto* c) { return admin->ListUsers(c, {}, &users); }, token).status, grpc::StatusCode::OK);
    EXPECT_TRUE(
        std::any_of(users.users().begin(), users.users().end(), [](const auto& u) { return u.name() == "o9"; }));
    auto fresh = signIn("o9", "pw-o9");
    EXPECT_OK(fresh->cipherSettings());
}

} // namespace
} // namespace secondline::test
