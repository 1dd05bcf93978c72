#include <secondline/core/clock.h>
#include <secondline/core/error.h>
#include <secondline/core/secret_bytes.h>

#include "test_support.h"

#include <set>

using namespace secondline;
using core::ErrorCode;

TEST(ErrorCodes, NamesAreUniqueAndSnakeCase) {
    std::set<std::string_view> seen;
    for (int i = 0; i <= static_cast<int>(ErrorCode::AuditInvalid); ++i) {
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
