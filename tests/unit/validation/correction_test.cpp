#include <secondline/validation/check_digit.h>
#include <secondline/validation/correction.h>
#include <secondline/validation/mrz_writer.h>

#include "test_support.h"

#include <random>

using namespace secondline;
using namespace secondline::validation;

namespace {

/// A reading where every character is confident, except the given (line, column) -> (read as, confidence).
std::vector<std::vector<ReadCharacter>> reading(const std::vector<std::string>& printed) {
    std::vector<std::vector<ReadCharacter>> r;
    for (const auto& line : printed) {
        std::vector<ReadCharacter> chars;
        for (char c : line) chars.push_back({c, 0.99f, 0});
        r.push_back(std::move(chars));
    }
    return r;
}

const std::vector<std::string> kTd3 = {"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                                       "L898902C36UTO7408122F1204159ZE184226B<<<<<10"};
const std::vector<std::string> kMrva = {"V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                                        "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"};

} // namespace

TEST(Correction, NothingToDoForAGoodReading) {
    auto c = correctMrz(reading(kTd3));
    ASSERT_OK(c);
    EXPECT_EQ(c->lines, kTd3);
    EXPECT_TRUE(c->substitutions.empty());
}

TEST(Correction, UnsureLookalikeInTheDocumentNumberIsFixedByItsCheckDigit) {
    auto r = reading(kTd3);
    r[1][1] = {'B', 0.55f, '8'}; // "L898..." read as "LB98..."
    auto c = correctMrz(r);
    ASSERT_OK(c);
    EXPECT_EQ(c->lines, kTd3);
    ASSERT_EQ(c->substitutions.size(), 1u);
    EXPECT_EQ(c->substitutions[0].line, 2);
    EXPECT_EQ(c->substitutions[0].position, 2);
    EXPECT_EQ(c->substitutions[0].from, 'B');
    EXPECT_EQ(c->substitutions[0].to, '8');
    EXPECT_EQ(c->substitutions[0].check, "document_number");
}

TEST(Correction, LetterInADateIsAFieldTypeFix) {
    auto r = reading(kTd3);
    r[1][15] = {'O', 0.97f, 0}; // birth date "740812" read as "74O812", confidently
    auto c = correctMrz(r);
    ASSERT_OK(c);
    EXPECT_EQ(c->lines, kTd3);
    ASSERT_FALSE(c->substitutions.empty());
    EXPECT_EQ(c->substitutions[0].check, "field_type");
}

TEST(Correction, DigitInANameBecomesItsClosestLetter) {
    auto r = reading(kTd3);
    r[0][4] = {'0', 0.9f, 0}; // issuing state "UTO" read as "UT0": a digit cannot be there
    r[0][7] = {'1', 0.9f, 0}; // "ERIKSSON" read as "ER1KSSON"
    auto c = correctMrz(r);
    ASSERT_OK(c);
    EXPECT_EQ(c->lines, kTd3);
    ASSERT_EQ(c->substitutions.size(), 2u);
    EXPECT_EQ(c->substitutions[0].to, 'O');
    EXPECT_EQ(c->substitutions[1].to, 'I');
    // The OCR's second choice wins over the default lookalike when it fits the field.
    r = reading(kTd3);
    r[0][4] = {'0', 0.9f, 'D'};
    c = correctMrz(r);
    ASSERT_OK(c);
    EXPECT_EQ(c->lines[0].substr(0, 5), "P<UTD");
}

TEST(Correction, UnsureOAndZeroFollowTheirNeighboursOnlyWhereTheChecksAgree) {
    // Visa optional data has no check digit: an unsure O between digits is the digit.
    const std::vector<std::string> visa = {"V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                                           "L8988901C4XXX4009078F96121096ZE1842026B<<<<<"};
    auto r = reading(visa);
    r[1][35] = {'O', 0.5f, '0'};
    auto c = correctMrz(r);
    ASSERT_OK(c);
    EXPECT_EQ(c->lines, visa);
    ASSERT_EQ(c->substitutions.size(), 1u);
    EXPECT_EQ(c->substitutions[0].check, "context");
    // A confident O stays: context never overrules a sure reading.
    r[1][35] = {'O', 0.95f, 0};
    c = correctMrz(r);
    ASSERT_OK(c);
    EXPECT_EQ(c->lines[1][35], 'O');
    // Where a check digit covers the position, the change stands only if it makes the check pass: a
    // document number printed with a letter O between digits keeps it.
    const MrzFields fields{MrzFormat::TD3, "P",      "UTO", "ERIKSSON", "ANNA", "X12O45678",
                           "UTO",          "740812", "F",   "300101",   "",     ""};
    const auto printed = composeMrz(fields);
    ASSERT_OK(printed);
    r = reading(*printed);
    r[1][3] = {'O', 0.5f, '0'};
    c = correctMrz(r);
    ASSERT_OK(c);
    EXPECT_EQ(c->lines, *printed);
    EXPECT_TRUE(c->substitutions.empty());
}

TEST(Correction, ConfidentCharactersAreNeverChanged) {
    auto r = reading(kTd3);
    r[1][1] = {'B', 0.95f, '8'}; // wrong, but the OCR was sure: the officer sees the failing check
    auto c = correctMrz(r);
    ASSERT_OK(c);
    EXPECT_EQ(c->lines[1][1], 'B');
    EXPECT_TRUE(c->substitutions.empty());
}

TEST(Correction, MisreadCompositeDigitIsFixed) {
    auto r = reading(kTd3);
    r[1][43] = {'O', 0.6f, '0'};
    auto c = correctMrz(r);
    ASSERT_OK(c);
    EXPECT_EQ(c->lines, kTd3);
}

TEST(Correction, VisaChangesOnlyToTheOcrsSecondChoice) {
    auto r = reading(kMrva);
    r[1][2] = {'B', 0.5f, 0}; // "L898..." as "L8B8...": no second choice and no composite to confirm
    auto c = correctMrz(r);
    ASSERT_OK(c);
    EXPECT_EQ(c->lines[1][2], 'B');
    r[1][2] = {'B', 0.5f, '9'};
    c = correctMrz(r);
    ASSERT_OK(c);
    EXPECT_EQ(c->lines, kMrva);
}

// Documents whose printed check digit is genuinely wrong: whatever the OCR is unsure of, correction never
// produces a reading whose checks all pass.
TEST(Correction, GenuinelyWrongCheckDigitsAreNeverMadeValid) {
    std::mt19937_64 rng(99);
    const ParseOptions at{.inspectionDate = test::testDate()};
    int tried = 0;
    for (int i = 0; i < 3000; ++i) {
        const auto format = i % 3 == 0 ? MrzFormat::TD1 : i % 3 == 1 ? MrzFormat::TD2 : MrzFormat::TD3;
        MrzFields f{format, format == MrzFormat::TD3 ? "P" : "I", "UTO", "SMITH", "JO", "", "UTO", "", "F", "", "", ""};
// GCC 12 at -O2 and above: bogus -Wrestrict in std::string from a short literal (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
        f.documentNumber = "X" + std::to_string(1000000 + rng() % 8999999);
        f.birthDate =
            "8" + std::to_string(rng() % 10) + "0" + std::to_string(1 + rng() % 9) + "1" + std::to_string(rng() % 10);
        f.expiryDate =
            "3" + std::to_string(rng() % 10) + "0" + std::to_string(1 + rng() % 9) + "2" + std::to_string(rng() % 10);
#pragma GCC diagnostic pop
        auto lines = composeMrz(f);
        ASSERT_OK(lines);
        // The issuer printed a wrong document number check digit, and computed the composite over what it
        // printed (as issuers do).
        auto printed = *lines;
        const auto& checks = printed;
        (void)checks;
        const std::size_t numberLine = format == MrzFormat::TD1 ? 0 : 1;
        const std::size_t digitPos = format == MrzFormat::TD1 ? 14 : 9;
        char& digit = printed[numberLine][digitPos];
        digit = static_cast<char>('0' + (digit - '0' + 1 + static_cast<int>(rng() % 9)) % 10);
        // Recompute the composite over the printed text.
        auto doc = parseMrz(printed, at);
        ASSERT_OK(doc);
        std::string compositeData;
        if (format == MrzFormat::TD3)
            compositeData = printed[1].substr(0, 10) + printed[1].substr(13, 7) + printed[1].substr(21, 22);
        if (format == MrzFormat::TD2)
            compositeData = printed[1].substr(0, 10) + printed[1].substr(13, 7) + printed[1].substr(21, 14);
        if (format == MrzFormat::TD1)
            compositeData = printed[0].substr(5, 25) + printed[1].substr(0, 7) + printed[1].substr(8, 7) +
                            printed[1].substr(18, 11);
        printed[1].back() = *computeCheckDigit(compositeData);
        // OCR unsure of a few characters, each with a lookalike as second choice.
        auto r = reading(printed);
        for (int k = 0; k < 3; ++k) {
            const std::size_t l = numberLine;
            const std::size_t c = (format == MrzFormat::TD1 ? 5 : 0) + rng() % 10;
            const char ch = printed[l][c];
            const std::string alts = lookalikes(ch, true, true);
            r[l][c] = {ch, 0.4f, alts.empty() ? static_cast<char>(0) : alts[rng() % alts.size()]};
        }
        auto c = correctMrz(r);
        ASSERT_OK(c);
        auto result = parseMrz(c->lines, at);
        ASSERT_OK(result);
        EXPECT_FALSE(result->checksPass()) << "a wrong printed check digit was corrected away:\n"
                                           << c->lines[0] << "\n"
                                           << c->lines[1];
        ++tried;
    }
    EXPECT_EQ(tried, 3000);
}

TEST(Correction, NotAnMrzShapeIsAnError) {
    std::vector<std::vector<ReadCharacter>> r(2, std::vector<ReadCharacter>(40));
    EXPECT_ERROR_CODE(correctMrz(r), core::ErrorCode::MrzLineLength);
}
