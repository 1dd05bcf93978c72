// Issue 18, tasks 5 and 6: the service's own count of failed sign-ins, and its automatic checkpoints (the
// folder check and the timer, on a fake clock).

#include "checkpoints.h"
#include "sign_in_guard.h"

#include "test_support.h"
#include "wait_until.h"

#include <secondline/client/client.h>
#include <secondline/service/service.h>
#include <secondline/storage/store.h>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

namespace secondline::test {
namespace {

using core::ErrorCode;
using service::detail::CheckpointTimer;
using service::detail::SignInGuard;
using namespace std::chrono_literals;

TEST(SignInGuardTest, FiveFailuresOfOneUserLockThatUserUntilTheyAgeOut) {
    FakeClock clock;
    SignInGuard guard;
    for (std::size_t i = 0; i < SignInGuard::kMaxFailures; ++i) {
        EXPECT_FALSE(guard.locked("o1", 1000 + static_cast<uid_t>(i), clock.now()));
        guard.failed("o1", 1000 + static_cast<uid_t>(i), clock.now()); // from different OS users
        clock.advance(1s);
    }
    EXPECT_TRUE(guard.locked("o1", 2000, clock.now()));
    EXPECT_FALSE(guard.locked("o2", 2000, clock.now())) << "another user name from another OS user";
    clock.advance(SignInGuard::kWindow);
    EXPECT_FALSE(guard.locked("o1", 2000, clock.now())) << "failures older than the window no longer count";
}

TEST(SignInGuardTest, FiveFailuresFromOneOsUserLockItWhateverTheNames) {
    FakeClock clock;
    SignInGuard guard;
    for (std::size_t i = 0; i < SignInGuard::kMaxFailures; ++i)
        guard.failed("guess" + std::to_string(i), 1000, clock.now());
    EXPECT_TRUE(guard.locked("admin", 1000, clock.now()));
    EXPECT_FALSE(guard.locked("admin", 1001, clock.now()));
}

TEST(SignInGuardTest, ASuccessForgetsTheUsersFailuresNotTheOsUsers) {
    FakeClock clock;
    SignInGuard guard;
    for (std::size_t i = 0; i + 1 < SignInGuard::kMaxFailures; ++i) guard.failed("o1", 1000, clock.now());
    guard.succeeded("o1");
    guard.failed("o1", 1001, clock.now());
    EXPECT_FALSE(guard.locked("o1", 1001, clock.now()));
    guard.failed("o2", 1000, clock.now()); // the fifth failure from uid 1000
    EXPECT_TRUE(guard.locked("o3", 1000, clock.now())) << "signing into one account does not reset the OS user's";
}

TEST(CheckpointTimerTest, DueEveryIntervalWhileSessionsAreOpenOnly) {
    FakeClock clock;
    CheckpointTimer timer(3600s);
    EXPECT_FALSE(timer.due(clock.now(), false));
    clock.advance(2h);
    EXPECT_FALSE(timer.due(clock.now(), false)) << "no session, no checkpoint";
    EXPECT_FALSE(timer.due(clock.now(), true)) << "a session opened: the first one is an hour away";
    clock.advance(59min);
    EXPECT_FALSE(timer.due(clock.now(), true));
    clock.advance(1min);
    EXPECT_TRUE(timer.due(clock.now(), true));
    EXPECT_FALSE(timer.due(clock.now(), true)) << "once per interval";
    clock.advance(1h);
    EXPECT_TRUE(timer.due(clock.now(), true));
    EXPECT_FALSE(timer.due(clock.now(), false)) << "sessions closed: the timer stops";
    clock.advance(1h);
    EXPECT_FALSE(timer.due(clock.now(), true)) << "and starts again an interval after the next session";
}

TEST(CheckpointFolderTest, MustExistBeAFolderAndBeWritableByItsOwnerOnly) {
    TempDir dir;
    namespace fs = std::filesystem;
    EXPECT_ERROR_CODE(service::detail::checkCheckpointFolder(dir.file("missing")), ErrorCode::FileNotFound);
    EXPECT_ERROR_CODE(service::detail::checkCheckpointFolder(""), ErrorCode::FileNotFound);
    writeFile(dir.file("file"), "x");
    EXPECT_ERROR_CODE(service::detail::checkCheckpointFolder(dir.file("file")), ErrorCode::InvalidArgument);
    const auto folder = dir.path() / "checkpoints";
    fs::create_directory(folder);
    fs::permissions(folder, fs::perms::owner_all);
    EXPECT_OK(service::detail::checkCheckpointFolder(folder.string()));
    fs::permissions(folder, fs::perms::owner_all | fs::perms::group_write);
    EXPECT_ERROR_CODE(service::detail::checkCheckpointFolder(folder.string()), ErrorCode::InvalidArgument);
    fs::permissions(folder, fs::perms::owner_all | fs::perms::others_write);
    EXPECT_ERROR_CODE(service::detail::checkCheckpointFolder(folder.string()), ErrorCode::InvalidArgument);
    fs::permissions(folder, fs::perms::owner_all);
    fs::create_directory_symlink(folder, dir.path() / "link");
    EXPECT_ERROR_CODE(service::detail::checkCheckpointFolder(dir.file("link")), ErrorCode::InvalidArgument)
        << "a link could be pointed elsewhere later";
}

/// A clock the test moves while the service's threads read it.
class SharedFakeClock final : public core::Clock {
public:
    [[nodiscard]] core::TimePoint now() const override {
        return core::TimePoint{core::TimePoint::duration{m_ticks.load()}};
    }
    void advance(std::chrono::milliseconds d) {
        m_ticks += std::chrono::duration_cast<core::TimePoint::duration>(d).count();
    }

private:
    std::atomic<core::TimePoint::rep> m_ticks{FakeClock().now().time_since_epoch().count()};
};

// The service's timer and sign-out hook, end to end on a real store and socket, the clock moved by the test.
TEST(ServiceCheckpointTest, WrittenEveryIntervalWhileASessionIsOpenAndAtSignOut) {
    TempDir dir;
    namespace fs = std::filesystem;
    fs::permissions(dir.path(), fs::perms::owner_all);
    const auto store = dir.file("store.db");
    SharedFakeClock clock;
    storage::CreateOptions create;
    create.training = true;
    create.kdf = privacy::KdfParams::fastForTests();
    create.firstUserRole = privacy::Role::Trainer;
    ASSERT_OK(storage::Store::create(store, "trainer", password("pw-trainer"), create, clock));
    const auto folder = dir.path() / "checkpoints";
    fs::create_directory(folder);
    fs::permissions(folder, fs::perms::owner_all);

    service::ServiceOptions options{.storePath = store,
                                    .socketPath = dir.file("s.sock"),
                                    .rootKeyFile = {},
                                    .sessionIdle = std::chrono::hours{24}, // the clock jumps hours below
                                    .tls = {},
                                    .checkpointFolder = folder.string(),
                                    .checkpointInterval = std::chrono::hours{1},
                                    .checkpointTick = std::chrono::milliseconds{2}};
    auto started = service::Service::start(options, clock);
    ASSERT_OK(started);
    auto& service = **started;
    auto c = client::Client::connect("unix:" + dir.file("s.sock"));
    ASSERT_OK(c);
    ASSERT_OK(c->signIn("trainer", password("pw-trainer")));
    ASSERT_TRUE(waitUntil([&] { return service.sessionCount() == 1; }, std::chrono::seconds{5}));
    // Ticks every 2 ms: after a few, the timer has seen the session and counts the hour from now.
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
    clock.advance(std::chrono::minutes{59});
    std::this_thread::sleep_for(std::chrono::milliseconds{20}); // several ticks: nothing is due yet
    EXPECT_EQ(service.checkpointsWritten(), 0u);
    clock.advance(std::chrono::minutes{1});
    EXPECT_TRUE(waitUntil([&] { return service.checkpointsWritten() == 1; }, std::chrono::seconds{5}));
    clock.advance(std::chrono::hours{1});
    EXPECT_TRUE(waitUntil([&] { return service.checkpointsWritten() == 2; }, std::chrono::seconds{5}));
    ASSERT_OK(c->signOut());
    EXPECT_EQ(service.checkpointsWritten(), 3u) << "one at sign-out";
    clock.advance(std::chrono::hours{3});
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
    EXPECT_EQ(service.checkpointsWritten(), 3u) << "no session open: no periodic checkpoint";
    service.shutdown();
    // The files are there (storage also writes one at each sign-in, before its purge, and one at sign-out).
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(folder)) {
        EXPECT_EQ(entry.path().extension(), ".json") << entry.path().filename();
        ++files;
    }
    EXPECT_GE(files, 3u);
}

} // namespace
} // namespace secondline::test
