#include <secondline/validation/check_digit.h>

#include <gtest/gtest.h>

using namespace secondline::validation;

TEST(CheckDigit, Doc9303Examples) {
    // Doc 9303 Part 3 worked examples and the Part 4 specimen passport.
    EXPECT_EQ(computeCheckDigit("520727"), '3');
    EXPECT_EQ(computeCheckDigit("L898902C3"), '6');
    EXPECT_EQ(computeCheckDigit("740812"), '2');
    EXPECT_EQ(computeCheckDigit("120415"), '9');
    EXPECT_EQ(computeCheckDigit("ZE184226B<<<<<"), '1');
    EXPECT_EQ(computeCheckDigit("L898902C36740812212041594ZE184226B<<<<<1"),
              computeCheckDigit("L898902C36740812212041594ZE184226B<<<<<1"));
}

TEST(CheckDigit, FillerCountsAsZero) {
    EXPECT_EQ(computeCheckDigit("<<<<<<<<<<<<<<"), '0');
    EXPECT_EQ(computeCheckDigit("AB<"), computeCheckDigit("AB0"));
}

TEST(CheckDigit, RejectsNonMrzCharacters) {
    EXPECT_FALSE(computeCheckDigit("ab").has_value());
    EXPECT_FALSE(computeCheckDigit("A B").has_value());
    EXPECT_FALSE(computeCheckDigit("\xC3\x9C").has_value());
}

TEST(CheckDigit, CharacterValues) {
    EXPECT_EQ(mrzCharValue('0'), 0);
    EXPECT_EQ(mrzCharValue('9'), 9);
    EXPECT_EQ(mrzCharValue('A'), 10);
    EXPECT_EQ(mrzCharValue('Z'), 35);
    EXPECT_EQ(mrzCharValue('<'), 0);
    EXPECT_FALSE(mrzCharValue('a').has_value());
}
