#include <secondline/core/clock.h>
#include <secondline/core/error.h>
#include <secondline/core/process.h>
#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>

#include "test_support.h"

#include <csignal>
#include <cstdint>
#include <memory>
#include <set>

using namespace secondline;
using core::ErrorCode;

TEST(ErrorCodes, NamesAreUniqueAndSnakeCase) {
    std::set<std::string_view> seen;
    for (int i = 0; i <= static_cast<int>(core::kLastErrorCode); ++i) {
        const auto name = core::errorCodeName(static_cast<ErrorCode>(i));
        EXPECT_TRUE(seen.insert(name).second) << "duplicate name " << name;
        for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
    }
}

TEST(ErrorCodes, ContractNamesAreStable) {
    // These names are in the command-line JSON contract; changing one breaks other agencies' tools.
    EXPECT_EQ(core::errorCodeName(ErrorCode::MrzNotFound), "mrz_not_found");
    EXPECT_EQ(core::errorCodeName(ErrorCode::ImageUnreadable), "image_unreadable");
    EXPECT_EQ(core::errorCodeName(ErrorCode::FileNotFound), "file_not_found");
    EXPECT_EQ(core::errorCodeName(ErrorCode::AuthenticationFailed), "authentication_failed");
    EXPECT_EQ(core::errorCodeName(ErrorCode::MrzCharacter), "mrz_invalid_character");
    EXPECT_EQ(core::errorCodeName(ErrorCode::PasswordWeak), "password_weak");
    EXPECT_EQ(core::errorCodeName(ErrorCode::ServiceUnavailable), "service_unavailable");
    EXPECT_EQ(core::errorCodeName(ErrorCode::RootKeyUnavailable), "root_key_unavailable");
    EXPECT_EQ(core::errorCodeName(ErrorCode::ErasureLedgerInvalid), "erasure_ledger_invalid");
}

TEST(ErrorCodes, NamesMapBackToTheirCodes) {
    // Clients of the service map the stable name sent with an error back to the same code (issue 18).
    for (int i = 0; i <= static_cast<int>(core::kLastErrorCode); ++i) {
        const auto code = static_cast<ErrorCode>(i);
        EXPECT_EQ(core::errorCodeFromName(core::errorCodeName(code)), code) << core::errorCodeName(code);
    }
    EXPECT_FALSE(core::errorCodeFromName("no_such_code").has_value());
    EXPECT_FALSE(core::errorCodeFromName("").has_value());
}

TEST(Clock, FormatsAndParsesUtc) {
    const auto t = test::FakeClock{}.now() + std::chrono::milliseconds{1234};
    const std::string text = core::formatUtc(t);
    EXPECT_EQ(text, "2026-11-27T09:00:01.234Z");
    ASSERT_TRUE(core::parseUtc(text).has_value());
    EXPECT_EQ(*core::parseUtc(text), t);
    EXPECT_FALSE(core::parseUtc("2026-13-01T00:00:00Z").has_value());
    EXPECT_FALSE(core::parseUtc("2026-11-27 09:00:00").has_value());
    EXPECT_FALSE(core::parseUtc("").has_value());
}

TEST(SecretBytes, RandomCopiesCompareAndMove) {
    auto a = core::SecretBytes::random(32);
    ASSERT_OK(a);
    EXPECT_EQ(a->size(), 32u);
    std::vector<std::uint8_t> plain;
    {
        auto r = a->read();
        plain.assign(r.bytes().begin(), r.bytes().end());
    }
    auto b = core::SecretBytes::copyOf(plain);
    ASSERT_OK(b);
    EXPECT_TRUE(a->equals(*b));
    {
        auto w = b->write();
        w.bytes()[0] ^= 1;
    }
    EXPECT_FALSE(a->equals(*b));
    core::SecretBytes moved = std::move(*a);
    EXPECT_EQ(moved.size(), 32u);
    EXPECT_EQ(a->size(), 0u); // NOLINT(bugprone-use-after-move): moved-from state is specified as empty
}

// Death tests first (gtest runs *DeathTest suites before the others), in a re-executed child.
TEST(SecretBytesDeathTest, BytesAreUnreadableOutsideAnAccessor) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    auto secret = core::SecretBytes::random(32);
    ASSERT_OK(secret);
    const volatile std::uint8_t* raw = nullptr;
    {
        auto access = secret->read();
        raw = access.bytes().data();
        EXPECT_EQ(raw[0], access.bytes()[0]); // readable while the accessor lives
    }
    const auto readAfterClose = [&] {
        core::ignoreResult(core::hardenProcess(), "only spares the expected crash a core file");
        [[maybe_unused]] const std::uint8_t byte = raw[0];
    };
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer catches the fault, reports it as a SEGV and exits non-zero.
    EXPECT_DEATH(readAfterClose(), "SEGV");
#else
    EXPECT_EXIT(readAfterClose(), testing::KilledBySignal(SIGSEGV), "");
#endif
}

TEST(IgnoreResult, TakesAnyResultAndLeavesItUntouched) {
    core::Status failed = core::fail(ErrorCode::Io, "test failure");
    core::ignoreResult(failed, "the test checks the value afterwards");
    EXPECT_ERROR_CODE(failed, ErrorCode::Io);
    auto owned = std::make_unique<int>(7);
    core::ignoreResult(owned, "a move-only lvalue is neither moved nor destroyed");
    ASSERT_NE(owned, nullptr);
    EXPECT_EQ(*owned, 7);
    core::ignoreResult(core::Result<int>(3), "a temporary is accepted too");
    static_assert(noexcept(core::ignoreResult(1, "x")));
}

TEST(SecretBytes, AccessorsNest) {
    auto a = core::SecretBytes::allocate(8);
    ASSERT_OK(a);
    auto outer = a->read();
    {
        auto inner = a->read();
        EXPECT_EQ(inner.bytes()[0], 0);
    }
    EXPECT_EQ(outer.bytes()[7], 0); // still readable after the inner accessor closed
}
