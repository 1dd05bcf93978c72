// Issue 18, task 2: kill -9 of the real service process, twenty times, while a client ingests batches.
//
// The test spawns `secondline service run` on a training store (the cheapest Argon2 cost), signs in through
// the client library and saves batches (SaveEncounters) from a second thread. At a random point (after a
// random number of acknowledged batches, then a random delay inside the next one) it kills the service with
// SIGKILL. Then, every round:
//   - the ingesting client's call in flight ended with ServiceUnavailable, and the CLI exits 5 (checked every
//     fifth round: a process start is the slowest step);
//   - `secondline store check` finds the store intact (integrity, page HMACs, audit chain);
//   - a restarted service takes a new sign-in, and every record of every acknowledged batch is there and
//     intact (GetRecord: the document number and name sent; FindByDocument: found by its number).
// Nothing acknowledged may be lost; an unacknowledged batch may or may not be there (its commit may have
// happened just before the kill), but never in part.
//
// Test data is generated: document numbers made from a counter, a made-up name, valid check digits.

#include "../cli/cli_fixture.h"
#include "test_support.h"
#include "wait_until.h"

#include <secondline/client/client.h>
#include <secondline/validation/check_digit.h>

#include <condition_variable>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <random>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace secondline::test {
namespace {

using core::ErrorCode;

constexpr int kRounds = 20;
constexpr std::size_t kBatch = 25;

/// A TD3 MRZ for a generated document: number "Q" + 8 digits of `n`, a made-up name, check digits computed.
std::string generatedMrz(int n) {
    char number[10];
    std::snprintf(number, sizeof number, "Q%08d", n);
    auto cd = [](std::string_view s) { return *validation::computeCheckDigit(s); };
    const std::string doc = std::string(number) + cd(number);
    const std::string birth = std::string("800101") + cd("800101");
    const std::string expiry = std::string("300101") + cd("300101");
    const std::string optional = "<<<<<<<<<<<<<<";
    const std::string opt = optional + cd(optional);
    const std::string composite = doc + birth + expiry + opt;
    std::string line2 = doc + "UTO" + birth + "F" + expiry + opt + cd(composite);
    std::string line1 = "P<UTOTESTPERSON<<SYNTHETIC";
    line1.resize(44, '<');
    return line1 + "\n" + line2 + "\n";
}

std::string numberOf(int n) {
    char number[10];
    std::snprintf(number, sizeof number, "Q%08d", n);
    return number;
}

/// kBatch encounters of generated documents `first`, `first + 1`, ...
std::vector<client::EncounterRequest> requestsFrom(int first) {
    std::vector<client::EncounterRequest> batch(kBatch);
    for (std::size_t i = 0; i < kBatch; ++i) {
        batch[i].mrz = generatedMrz(first + static_cast<int>(i));
        batch[i].inspectionDate = "2026-01-15";
        batch[i].source = "synthetic";
        batch[i].desk = "desk-crash";
    }
    return batch;
}

class ServiceCrashTest : public CliTest {
protected:
    std::string store;
    std::string socket;
    std::string address;
    std::string log;
    pid_t service = -1;

    void SetUp() override {
        store = privateStoreFolder(dir, "training.db");
        log = dir.file("service.log");
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
    }

    void TearDown() override {
        if (service > 0) {
            ::kill(service, SIGTERM);
            int status = 0;
            ::waitpid(service, &status, 0);
        }
    }

    void startService() {
        std::vector<std::string> args = {SECONDLINE_CLI, "service", "run", "--store", store, "--socket", socket};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        ASSERT_EQ(::posix_spawn(&service, argv[0], &actions, nullptr, argv.data(), environ), 0);
        posix_spawn_file_actions_destroy(&actions);
        const bool up = waitUntil(
            [&] {
                auto c = client::Client::connect(address, {.deadline = std::chrono::milliseconds{500}});
                return c && c->hello().has_value();
            },
            std::chrono::seconds{20});
        ASSERT_TRUE(up) << readFile(log);
    }

    void killService() {
        ASSERT_EQ(::kill(service, SIGKILL), 0);
        int status = 0;
        ::waitpid(service, &status, 0);
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        service = -1;
    }

    client::Client signedIn() {
        auto c = client::Client::connect(address);
        if (!c) throw std::runtime_error(c.error().message);
        auto session = c->signIn("o1", password("pw-o1"));
        if (!session) throw std::runtime_error(std::string(core::errorCodeName(session.error().code)));
        return std::move(*c);
    }
};

struct Acknowledged {
    core::RecordId id;
    int number; ///< the generated document's counter
};

TEST_F(ServiceCrashTest, EveryAcknowledgedBatchSurvivesTwentyKills) {
    std::mt19937 random(std::random_device{}());
    std::vector<Acknowledged> acknowledged;
    int next = 0; // the next generated document's counter
    startService();
    for (int round = 0; round < kRounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round + 1));
        auto c = signedIn(); // on the service the previous round restarted

        std::mutex mutex;
        std::condition_variable progress;
        std::size_t acksThisRound = 0;
        std::optional<core::Error> failure;
        std::vector<Acknowledged> fresh;
        std::thread ingest([&] {
            for (;;) { // until the service is gone: the call in flight (or the next one) fails
                const int first = next;
                const auto batch = requestsFrom(first);
                next += static_cast<int>(kBatch);
                auto saved = c.saveEncounters(batch);
                std::lock_guard guard(mutex);
                if (!saved) {
                    failure = saved.error();
                    progress.notify_all();
                    return;
                }
                for (std::size_t i = 0; i < saved->size(); ++i)
                    fresh.push_back({(*saved)[i].recordId, first + static_cast<int>(i)});
                ++acksThisRound;
                progress.notify_all();
            }
        });
        // A random point: after 0 to 3 acknowledged batches, 0 to 15 ms into what follows.
        const std::size_t acksBeforeKill = std::uniform_int_distribution<std::size_t>(0, 3)(random);
        bool reached = false;
        std::optional<core::Error> failedEarly;
        {
            std::unique_lock guard(mutex);
            reached = progress.wait_for(guard, std::chrono::seconds{30},
                                        [&] { return acksThisRound >= acksBeforeKill || failure; });
            failedEarly = failure;
        }
        std::this_thread::sleep_for(std::chrono::microseconds{
            std::uniform_int_distribution<int>(0, 15000)(random)}); // the random kill point within a batch
        killService();
        ingest.join(); // its call in flight fails: the service is gone
        ASSERT_TRUE(reached) << "the ingest made no progress";
        ASSERT_FALSE(failedEarly.has_value()) << "before the kill: " << failedEarly->message;
        ASSERT_TRUE(failure.has_value());
        EXPECT_EQ(failure->code, ErrorCode::ServiceUnavailable) << failure->message;
        // Whatever the ingest saw, a call now is refused the same way.
        EXPECT_ERROR_CODE(c.saveEncounters(requestsFrom(next)), ErrorCode::ServiceUnavailable);
        acknowledged.insert(acknowledged.end(), fresh.begin(), fresh.end());

        // While it is down: the CLI says so with exit status 5, and the store is intact.
        if (round % 5 == 0) { // a CLI process costs half a second on a loaded debug build: every fifth round
            auto hello = run({"hello", "--service", address});
            EXPECT_EQ(hello.exitCode, 5) << hello.err;
        }
        auto check = run({"store", "check", "--store", store, "--user", "admin", "--password-stdin"}, "pw-admin\n");
        ASSERT_EQ(check.exitCode, 0) << check.out << check.err;
        EXPECT_EQ(nlohmann::json::parse(check.out)["ok"], true) << check.out;

        // Restarted: a new session works and every acknowledged record is there, intact. This round's are read
        // one by one; earlier rounds' by a sample (all of them were read in their own round).
        startService();
        auto again = signedIn();
        std::vector<Acknowledged> toRead = fresh;
        for (int i = 0; i < 10 && !acknowledged.empty(); ++i)
            toRead.push_back(
                acknowledged[std::uniform_int_distribution<std::size_t>(0, acknowledged.size() - 1)(random)]);
        for (const auto& a : toRead) {
            auto record = again.getRecord(a.id);
            ASSERT_OK(record) << "acknowledged record " << a.id.value() << " is missing";
            EXPECT_EQ(record->value("document_number"), numberOf(a.number));
            EXPECT_EQ(record->value("surname"), "TESTPERSON");
            EXPECT_TRUE(record->valid);
        }
        if (!fresh.empty()) {
            auto found = again.findByDocument("UTO", numberOf(fresh.back().number));
            ASSERT_OK(found);
            ASSERT_EQ(found->size(), 1u);
            EXPECT_EQ(found->front().id, fresh.back().id);
        }
        ASSERT_OK(again.signOut()); // the next session works: the next round signs in on this service
    }
    // Everything acknowledged over all rounds, once more at the end, by document number.
    auto last = signedIn();
    for (const auto& a : acknowledged) {
        auto found = last.findByDocument("UTO", numberOf(a.number));
        ASSERT_OK(found);
        ASSERT_EQ(found->size(), 1u) << "document " << a.number;
        EXPECT_EQ(found->front().id, a.id);
    }
    RecordProperty("acknowledged_records", static_cast<int>(acknowledged.size()));
}

} // namespace
} // namespace secondline::test
