// Issue 18, item 6: the password rule and the Argon2id floor of production stores (privacy decides; storage
// enforces, tests/integration/storage/store_test.cpp). Word lists here are generated in the test.

#include <secondline/privacy/password_rule.h>

#include "test_support.h"

#include <sodium.h>

using namespace secondline;
using namespace secondline::privacy;
using core::ErrorCode;

namespace {

const CommonPasswords& words() {
    static const CommonPasswords list =
        CommonPasswords::fromWordList("aardvark\nMississippi\nharbour's\npassword\r\n\nkestrel\ncorrect\nhorse\n");
    return list;
}

core::Status check(std::string_view password, std::string_view user = "officer1") {
    return checkPassword(test::password(password), user, words());
}

bool says(const core::Status& s, std::string_view text) {
    return !s && test::contains(s.error().message, text);
}

} // namespace

TEST(PasswordRule, AcceptsALongUncommonPassword) {
    EXPECT_OK(check("Lantern-Meadow-7731"));
    EXPECT_OK(check("correct horse battery staple")) << "common words inside a longer phrase are fine";
    EXPECT_OK(check("twelve chars")) << "exactly 12";
}

TEST(PasswordRule, AtLeastTwelveCharacters) {
    EXPECT_ERROR_CODE(check(""), ErrorCode::PasswordWeak);
    EXPECT_ERROR_CODE(check("eleven char"), ErrorCode::PasswordWeak);
    EXPECT_TRUE(says(check("Zq7-short"), "at least 12 characters"));
    // Characters, not bytes: six two-byte letters are six characters.
    EXPECT_ERROR_CODE(check("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"), ErrorCode::PasswordWeak);
    EXPECT_OK(check("\xc3\xa9t\xc3\xa9-\xc3\xa0-Ouagadougou"));
}

TEST(PasswordRule, NotTheUserNameNorContainingIt) {
    EXPECT_TRUE(says(check("supervisor.north", "supervisor.north"), "user name"));
    EXPECT_TRUE(says(check("SUPERVISOR.NORTH", "supervisor.north"), "user name")) << "case-insensitive";
    EXPECT_TRUE(says(check("my-Officer1-password-x"), "user name"));
    EXPECT_TRUE(says(check("2026officer1!!!"), "user name"));
    // A name of one or two characters is refused only as the whole password.
    EXPECT_OK(check("Lantern-Meadow-7731", "la"));
}

TEST(PasswordRule, NotACommonWordOrPassword) {
    // From the word list, whatever the case, and possessives folded ("harbour's" lists "harbour").
    for (const char* weak : {"MISSISSIPPI!", "Mississippi2026", "!!mississippi!!", "2026-Mississippi-2026"}) {
        EXPECT_ERROR_CODE(check(weak), ErrorCode::PasswordWeak) << weak;
        EXPECT_TRUE(says(check(weak), "common word or password")) << weak;
    }
    EXPECT_TRUE(says(check("harbour123456"), "common word or password"));
    EXPECT_TRUE(says(check("Password2026!"), "common word or password"));
    // From the built-in list of leaked passwords, even with an empty word list.
    const auto none = CommonPasswords::fromWordList("");
    EXPECT_GT(none.size(), 20u);
    EXPECT_TRUE(none.contains("QWERTYUIOP"));
    EXPECT_ERROR_CODE(checkPassword(test::password("123456789012"), "x", none), ErrorCode::PasswordWeak);
    EXPECT_ERROR_CODE(checkPassword(test::password("qwertyuiop!!"), "x", none), ErrorCode::PasswordWeak);
    EXPECT_ERROR_CODE(checkPassword(test::password("Password123456"), "x", none), ErrorCode::PasswordWeak);
    // A word in the middle of other letters is not a word.
    EXPECT_OK(check("kestrelharbourmeadow"));
}

TEST(PasswordRule, MessagesNeverHoldThePassword) {
    for (const char* weak : {"Mississippi2026", "my-Officer1-password-x", "Zq7-short"}) {
        const auto s = check(weak);
        ASSERT_FALSE(s) << weak;
        EXPECT_FALSE(test::contains(s.error().message, weak)) << s.error().message;
    }
}

TEST(PasswordRule, TheWordListFailsClosedWhenMissing) {
    auto missing = CommonPasswords::load("/nonexistent/secondline/american-english");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::FileNotFound);
    EXPECT_TRUE(test::contains(missing.error().message, "wamerican")) << missing.error().message;
    test::TempDir dir;
    test::writeFile(dir.file("words"), "Kestrel\nmeadow's\n");
    auto loaded = CommonPasswords::load(dir.file("words"));
    ASSERT_OK(loaded);
    EXPECT_TRUE(loaded->contains("kestrel"));
    EXPECT_TRUE(loaded->contains("MEADOW"));
    EXPECT_FALSE(loaded->contains("lantern"));
}

TEST(PasswordRule, ArgonFloorIsLibsodiumsModerate) {
    EXPECT_EQ(kProductionKdfFloor.opsLimit, crypto_pwhash_OPSLIMIT_MODERATE);
    EXPECT_EQ(kProductionKdfFloor.memLimitBytes, crypto_pwhash_MEMLIMIT_MODERATE);
    EXPECT_OK(checkKdfCost(KdfParams{})) << "the default is the floor";
    EXPECT_OK(checkKdfCost({4, 1ull << 30}));
    EXPECT_ERROR_CODE(checkKdfCost(KdfParams::fastForTests()), ErrorCode::PasswordWeak);
    EXPECT_ERROR_CODE(checkKdfCost({2, 256ull << 20}), ErrorCode::PasswordWeak);
    EXPECT_ERROR_CODE(checkKdfCost({3, (256ull << 20) - 1}), ErrorCode::PasswordWeak);
    EXPECT_ERROR_CODE(checkKdfCost({100, 64ull << 20}), ErrorCode::PasswordWeak) << "passes do not buy back memory";
}
