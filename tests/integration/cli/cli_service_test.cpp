// Issue 18, item 10: every store command of the command-line tool runs on a client::Session, through the service
// (--service, SECONDLINE_SERVICE, the default socket) or on a store it opens itself (--store), and prints the same
// JSON with the same exit status either way (app/cli/session.cpp). The real service process on a training store;
// exit 5 (service_unavailable) when no service answers.
//
// Each comparison runs the same command on two identical copies of one store: copy A through the service, copy B
// with --store (never served, so the store is free for the command as with the service stopped). Same state, same
// ids; timestamps are normalised. A command whose call the service does not carry yet on this branch (the client
// answers "does not go through the service yet") is skipped and says which call is missing: never a pass.

#include <secondline/privacy/policy.h>

#include "cli_fixture.h"
#include "service_process.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

using namespace secondline;
using namespace secondline::test;
using nlohmann::json;

namespace {

/// The client's refusal of a call that the service does not carry yet (client/src/service_session*.cpp).
bool notCarried(const CliRun& r) {
    return r.exitCode != 0 && r.err.find("does not go through the service yet") != std::string::npos;
}

/// Timestamps (formatUtc: 2026-12-08T01:02:03.456Z) as "<time>": the two copies are used seconds apart.
std::string normalised(const std::string& text) {
    static const std::regex time(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z)");
    return std::regex_replace(text, time, "<time>");
}

} // namespace

/// Skips the rest of the test, naming the call the service does not carry yet, when `run` was refused for it.
#define SKIP_UNLESS_CARRIED(run, call)                                                                                 \
    do {                                                                                                               \
        if (notCarried(run)) {                                                                                         \
            GTEST_SKIP() << call << " does not go through the service yet on this branch: " << (run).err;              \
        }                                                                                                              \
    } while (false)

class CliServiceTest : public CliTest {
protected:
    std::string storeA; ///< served
    std::string storeB; ///< opened by the command itself (--store)
    std::string socket;
    std::string address;
    std::unique_ptr<ServiceProcess> service;

    struct Both {
        CliRun service;
        CliRun local;
    };

    static std::string pw(const std::string& user) { return "pw-" + user + "\n"; }

    std::vector<std::string> on(const std::string& store, const std::string& user, std::vector<std::string> args) {
        for (const std::string& a :
             {std::string("--store"), store, std::string("--user"), user, std::string("--password-stdin")})
            args.push_back(a);
        return args;
    }

    std::vector<std::string> through(const std::string& user, std::vector<std::string> args) {
        for (const std::string& a :
             {std::string("--service"), address, std::string("--user"), user, std::string("--password-stdin")})
            args.push_back(a);
        return args;
    }

    /// `args` as `user`, through the service (copy A) and on copy B; `more` is read after the user's password.
    Both both(const std::string& user, const std::vector<std::string>& args, const std::string& more = "") {
        return {run(through(user, args), pw(user) + more), run(on(storeB, user, args), pw(user) + more)};
    }

    /// The same exit status and, timestamps aside, the same standard output.
    static void expectSame(const Both& b) {
        EXPECT_EQ(b.service.exitCode, b.local.exitCode) << "service: " << b.service.err << "\nstore: " << b.local.err;
        EXPECT_EQ(normalised(b.service.out), normalised(b.local.out));
    }

    void SetUp() override {
        storeA = privateStoreFolder(dir, "training.db");
        std::vector<std::string> init = on(storeA, "admin", {"store", "init", "--training"});
        init.insert(init.end(), kFast.begin(), kFast.end());
        ASSERT_EQ(run(init, pw("admin")).exitCode, 0);
        for (const auto& [user, role] : std::vector<std::pair<std::string, std::string>>{
                 {"o1", "officer"}, {"s1", "supervisor"}, {"au1", "auditor"}}) {
            auto add = on(storeA, "admin", {"user", "add", user, "--role", role});
            add.insert(add.end(), kFast.begin(), kFast.end());
            auto r = run(add, pw("admin") + pw(user));
            ASSERT_EQ(r.exitCode, 0) << user << ": " << r.err;
        }
        // The pack in force is not the built-in default, so a session that did not read it shows.
        auto pack = json::parse(privacy::Policy::presetText("default"));
        pack["version"] = "2026.1-cli-service-test";
        writeFile(dir.file("pack.json"), pack.dump(2));
        auto load = run(on(storeA, "admin", {"policy", "load", dir.file("pack.json")}), pw("admin"));
        ASSERT_EQ(load.exitCode, 0) << load.err;
        // Three records of one generated passport by o1 (1: flagged, 2: rectified, 3: erased), the first flagged.
        const std::string image = renderImage(4242, validation::MrzFormat::TD3);
        auto ingest = run(on(storeA, "o1", {"ingest", image, image, image}), pw("o1"));
        ASSERT_EQ(ingest.exitCode, 0) << ingest.err;
        ASSERT_EQ(run(on(storeA, "o1", {"records", "flag", "1", "--reason", "photo mismatch"}), pw("o1")).exitCode, 0);

        // Copy B: the same files in a second private folder.
        const auto twin = dir.path() / "twin";
        std::filesystem::create_directory(twin);
        std::filesystem::permissions(twin, std::filesystem::perms::owner_all);
        for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(storeA).parent_path()))
            std::filesystem::copy_file(entry.path(), twin / entry.path().filename());
        storeB = (twin / "training.db").string();

        const auto runDir = dir.path() / "run";
        std::filesystem::create_directory(runDir);
        std::filesystem::permissions(runDir, std::filesystem::perms::owner_all);
        socket = (runDir / "service.sock").string();
        service = std::make_unique<ServiceProcess>(SECONDLINE_CLI, storeA, socket, dir.file("service.log"));
        ASSERT_TRUE(service->start()) << service->log();
        address = service->address();
    }

    void TearDown() override {
        if (service && service->running()) {
            EXPECT_TRUE(service->stop()) << service->log();
        }
    }
};

TEST_F(CliServiceTest, RecordsListIsTheSameThroughTheService) {
    const auto b = both("o1", {"records", "list"});
    SKIP_UNLESS_CARRIED(b.service, "ListRecords (ServiceSession::listRecords)");
    expectSame(b);
    EXPECT_EQ(b.local.jsonLines().size(), 3u);
}

TEST_F(CliServiceTest, RecordsShowIsTheSameThroughTheService) {
    const auto b = both("o1", {"records", "show", "1"});
    ASSERT_EQ(b.service.exitCode, 0) << b.service.err;
    ASSERT_EQ(b.local.exitCode, 0) << b.local.err;
    auto throughService = json::parse(normalised(b.service.out));
    auto local = json::parse(normalised(b.local.out));
    const bool images = throughService.contains("images");
    if (!images) local.erase("images");
    EXPECT_EQ(throughService, local);
    EXPECT_EQ(local["officer"], "o1");
    const auto missing = both("o1", {"records", "show", "99"});
    EXPECT_EQ(missing.service.exitCode, 1) << missing.service.err;
    EXPECT_EQ(missing.local.exitCode, 1) << missing.local.err;
    if (!images)
        GTEST_SKIP() << "records show through the service has every key but \"images\": Images "
                        "(ServiceSession::images) is not carried yet";
}

TEST_F(CliServiceTest, RecordsFindIsTheSameThroughTheService) {
    const auto b = both("o1", {"records", "find", "--document", "UTO:L898902C3"});
    SKIP_UNLESS_CARRIED(b.service, "FindRecordsByDocument (ServiceSession::findByDocument)");
    expectSame(b);
    EXPECT_EQ(b.local.exitCode, 1) << "no such document: exit 1 both ways";
    auto records = run(on(storeB, "o1", {"records", "show", "1"}), pw("o1"));
    ASSERT_EQ(records.exitCode, 0) << records.err;
    const auto fields = json::parse(records.out)["document"]["fields"];
    const std::string document = fields["issuing_state"]["value"].get<std::string>() + ":" +
                                 fields["document_number"]["value"].get<std::string>();
    const auto found = both("o1", {"records", "find", "--document", document});
    expectSame(found);
    EXPECT_EQ(found.local.jsonLines().size(), 3u);
}

TEST_F(CliServiceTest, FlagsListAndResolveAreTheSameThroughTheService) {
    const auto list = both("s1", {"flags", "list"});
    SKIP_UNLESS_CARRIED(list.service, "ListFlags (ServiceSession::listFlags)");
    expectSame(list);
    ASSERT_EQ(list.local.jsonLines().size(), 1u);
    const auto resolve = both("s1", {"flags", "update", "1", "--status", "resolved", "--note", "checked"});
    SKIP_UNLESS_CARRIED(resolve.service, "UpdateFlag (ServiceSession::updateFlag)");
    expectSame(resolve);
    EXPECT_EQ(resolve.local.exitCode, 0) << resolve.local.err;
    const auto officer = both("o1", {"flags", "update", "1", "--status", "open", "--note", "mine"});
    expectSame(officer);
    EXPECT_EQ(officer.local.exitCode, 3) << "officers do not review flags";
    expectSame(both("s1", {"flags", "list"}));
    expectSame(both("s1", {"flags", "list", "--open"}));
}

TEST_F(CliServiceTest, RectifyIsTheSameThroughTheService) {
    const auto b =
        both("o1", {"records", "rectify", "2", "--field", "given_names", "--value", "ANNE", "--reason", "visual zone"});
    SKIP_UNLESS_CARRIED(b.service, "Rectify (ServiceSession::rectify)");
    expectSame(b);
    EXPECT_EQ(b.local.exitCode, 0) << b.local.err;
    const auto refused =
        both("au1", {"records", "rectify", "2", "--field", "given_names", "--value", "X", "--reason", "none"});
    expectSame(refused);
    EXPECT_EQ(refused.local.exitCode, 3) << "auditors do not rectify";
}

TEST_F(CliServiceTest, EraseIsTheSameThroughTheService) {
    const auto b = both("s1", {"records", "erase", "3", "--reason", "request 7"});
    SKIP_UNLESS_CARRIED(b.service, "Erase (ServiceSession::erase)");
    expectSame(b);
    EXPECT_EQ(b.local.exitCode, 0) << b.local.err;
    expectSame(both("s1", {"records", "erase", "3", "--reason", "request 7"}));
    const auto list = both("s1", {"records", "list"});
    SKIP_UNLESS_CARRIED(list.service, "ListRecords (ServiceSession::listRecords)");
    expectSame(list);
    EXPECT_EQ(list.local.jsonLines().size(), 2u);
}

TEST_F(CliServiceTest, UserListIsTheSameThroughTheService) {
    const auto b = both("admin", {"user", "list"});
    SKIP_UNLESS_CARRIED(b.service, "ListUsers (ServiceSession::listUsers)");
    expectSame(b);
    EXPECT_EQ(b.local.jsonLines().size(), 4u);
    const auto refused = both("o1", {"user", "list"});
    expectSame(refused);
    EXPECT_EQ(refused.local.exitCode, 3);
}

TEST_F(CliServiceTest, AuditVerifyIsTheSameThroughTheService) {
    const auto b = both("au1", {"audit", "verify"});
    SKIP_UNLESS_CARRIED(b.service, "VerifyAudit (ServiceSession::verifyAudit)");
    expectSame(b);
    EXPECT_EQ(b.local.exitCode, 0) << b.local.err;
    EXPECT_EQ(json::parse(b.local.out)["ok"], true);
}

TEST_F(CliServiceTest, RetentionReportIsTheSameThroughTheService) {
    const auto b = both("au1", {"retention", "report"});
    SKIP_UNLESS_CARRIED(b.service, "RetentionReport (ServiceSession::retentionReport)");
    expectSame(b);
    EXPECT_EQ(b.local.exitCode, 0) << b.local.err;
    EXPECT_FALSE(b.local.jsonLines().empty());
}

TEST_F(CliServiceTest, StatisticsReportIsTheSameThroughTheService) {
    const std::vector<std::string> args = {"report", "--from", "2000-01-01", "--to", "2099-12-31", "--format", "json"};
    auto viaService = args, local = args;
    for (auto* side : {&viaService, &local}) side->push_back("--out");
    viaService.push_back(dir.file("service-report.json"));
    local.push_back(dir.file("local-report.json"));
    const Both b{run(through("s1", viaService), pw("s1")), run(on(storeB, "s1", local), pw("s1"))};
    SKIP_UNLESS_CARRIED(b.service, "Statistics (ServiceSession::statistics)");
    ASSERT_EQ(b.service.exitCode, 0) << b.service.err;
    ASSERT_EQ(b.local.exitCode, 0) << b.local.err;
    auto printedService = json::parse(b.service.out), printedLocal = json::parse(b.local.out);
    printedService.erase("out");
    printedLocal.erase("out");
    EXPECT_EQ(printedService, printedLocal) << "records and min_cell (the pack in force, read through the session)";
    EXPECT_EQ(normalised(readFile(dir.file("service-report.json"))),
              normalised(readFile(dir.file("local-report.json"))));
}

TEST_F(CliServiceTest, PolicyShowIsTheSameThroughTheService) {
    const auto b = both("o1", {"policy", "show"});
    ASSERT_EQ(b.local.exitCode, 0) << b.local.err;
    EXPECT_EQ(json::parse(b.local.out)["version"], "2026.1-cli-service-test");
    if (b.service.exitCode == 0 && json::parse(b.service.out)["version"] == "2026.1")
        GTEST_SKIP() << "the session through the service shows the built-in default pack, not the one in force: "
                        "SessionFacts (ServiceSession reading the pack at sign-in) is not carried yet";
    expectSame(b);
}

TEST_F(CliServiceTest, TheEnvironmentNamesTheServiceAndAnExplicitStoreWins) {
    environment = {"SECONDLINE_SERVICE=" + address};
    auto show = run({"records", "show", "1", "--user", "o1", "--password-stdin"}, pw("o1"));
    EXPECT_EQ(show.exitCode, 0) << "through the service named by SECONDLINE_SERVICE: " << show.err;
    environment = {"SECONDLINE_SERVICE=unix:" + dir.file("nothing-here.sock")};
    auto local = run(on(storeB, "o1", {"records", "show", "1"}), pw("o1"));
    EXPECT_EQ(local.exitCode, 0) << "--store wins over the environment: " << local.err;
    EXPECT_EQ(json::parse(local.out)["id"], 1);

    auto both =
        run({"records", "list", "--service", address, "--store", storeB, "--user", "o1", "--password-stdin"}, pw("o1"));
    EXPECT_EQ(both.exitCode, 2) << "--service and --store exclude each other";
    auto rootKey = run(through("o1", {"records", "list", "--root-key", dir.file("key")}), pw("o1"));
    EXPECT_EQ(rootKey.exitCode, 2) << "--root-key goes with --store";
}

TEST_F(CliServiceTest, EveryStoreCommandExitsFiveWithoutAService) {
    ASSERT_TRUE(service->stop()) << service->log();
    const std::vector<std::pair<std::string, std::vector<std::string>>> commands = {
        {"o1", {"records", "list"}},
        {"o1", {"records", "show", "1"}},
        {"o1", {"records", "find", "--document", "UTO:L898902C3"}},
        {"o1", {"records", "flag", "1", "--reason", "x"}},
        {"o1", {"records", "close", "1", "--outcome", "cleared"}},
        {"o1", {"records", "rectify", "2", "--field", "given_names", "--value", "ANNE", "--reason", "r"}},
        {"s1", {"records", "hold", "1", "--reason", "order"}},
        {"s1", {"records", "erase", "3", "--reason", "request"}},
        {"s1", {"flags", "list"}},
        {"s1", {"flags", "update", "1", "--status", "resolved", "--note", "ok"}},
        {"s1", {"subject", "export", "--document", "UTO:L898902C3", "--out", dir.file("subject")}},
        {"s1", {"share", "export", "1", "--agreement", "liaison", "--justification", "j", "--out", dir.file("share")}},
        {"s1", {"report", "--from", "2000-01-01", "--to", "2099-12-31", "--out", dir.file("report.json")}},
        {"admin", {"user", "list"}},
        {"admin", {"user", "remove", "o1"}},
        {"admin", {"store", "check"}},
        {"admin", {"store", "rekey"}},
        {"admin", {"policy", "show"}},
        {"admin", {"purge", "--dry-run"}},
        {"au1", {"retention", "report"}},
        {"au1", {"audit", "verify"}},
        {"au1", {"audit", "export"}},
        {"au1", {"audit", "checkpoint"}},
        {"au1", {"breakglass", "--reason", "incident"}},
    };
    for (const auto& [user, args] : commands) {
        const auto r = run(through(user, args), pw(user));
        EXPECT_EQ(r.exitCode, 5) << args[0] << " " << args[1] << ": " << r.err;
        EXPECT_NE(r.err.find("secondline: service_unavailable: "), std::string::npos) << args[0] << ": " << r.err;
    }
    // Commands that read more after the password still stop at the sign-in.
    auto add = run(through("admin", {"user", "add", "o2", "--role", "officer"}), pw("admin") + pw("o2"));
    EXPECT_EQ(add.exitCode, 5) << add.err;
    auto ingest = run(through("o1", {"ingest", renderImage(7, validation::MrzFormat::TD3)}), pw("o1"));
    EXPECT_EQ(ingest.exitCode, 5) << ingest.err;

    // The same without --service: SECONDLINE_SERVICE, else the per-user socket under XDG_RUNTIME_DIR.
    environment = {"SECONDLINE_SERVICE=" + address};
    auto fromEnvironment = run({"user", "list", "--user", "admin", "--password-stdin"}, pw("admin"));
    EXPECT_EQ(fromEnvironment.exitCode, 5) << fromEnvironment.err;
    EXPECT_NE(fromEnvironment.err.find("service_unavailable"), std::string::npos) << fromEnvironment.err;
    const auto runtime = dir.path() / "xdg";
    std::filesystem::create_directory(runtime);
    environment = {"XDG_RUNTIME_DIR=" + runtime.string()};
    auto byDefault = run({"records", "list", "--user", "o1", "--password-stdin"}, pw("o1"));
    EXPECT_EQ(byDefault.exitCode, 5) << byDefault.err;
    EXPECT_NE(byDefault.err.find("service_unavailable"), std::string::npos) << byDefault.err;

    // With --store the command still runs without a service (where the OS lets this user read the store).
    auto check = run(on(storeB, "admin", {"store", "check"}), pw("admin"));
    EXPECT_EQ(check.exitCode, 0) << check.err;
}
