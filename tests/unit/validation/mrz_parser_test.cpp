#include <secondline/validation/check_digit.h>
#include <secondline/validation/mrz_parser.h>
#include <secondline/validation/mrz_writer.h>

#include "test_support.h"

#include <random>

using namespace secondline;
using namespace secondline::validation;
using core::ErrorCode;

namespace {

ParseOptions at2026() {
    ParseOptions o;
    o.inspectionDate = test::testDate();
    return o;
}

const CheckResult* check(const TravelDocument& d, std::string_view name) {
    for (const auto& c : d.checks)
        if (c.name == name) return &c;
    return nullptr;
}

bool hasFinding(const TravelDocument& d, FindingCode code) {
    for (const auto& f : d.findings)
        if (f.code == code) return true;
    return false;
}

// ICAO Doc 9303 specimens (Parts 4-7): the fictional Anna Maria Eriksson of Utopia.
const std::vector<std::string> kTd3 = {"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                                       "L898902C36UTO7408122F1204159ZE184226B<<<<<10"};
const std::vector<std::string> kTd1 = {"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
                                       "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"};
const std::vector<std::string> kTd2 = {"I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"};
const std::vector<std::string> kMrva = {"V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                                        "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"};
const std::vector<std::string> kMrvb = {"V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<"};

} // namespace

TEST(MrzParser, Td3Specimen) {
    auto doc = parseMrz(kTd3, at2026());
    ASSERT_OK(doc);
    EXPECT_EQ(doc->format, MrzFormat::TD3);
    EXPECT_EQ(doc->documentCode(), "P");
    EXPECT_EQ(doc->issuingState(), "UTO");
    EXPECT_EQ(doc->surname(), "ERIKSSON");
    EXPECT_EQ(doc->givenNames(), "ANNA MARIA");
    EXPECT_EQ(doc->documentNumber(), "L898902C3");
    EXPECT_EQ(doc->nationality(), "UTO");
    EXPECT_EQ(doc->birthDate.iso(), "1974-08-12");
    EXPECT_EQ(doc->sex(), "F");
    EXPECT_EQ(doc->expiryDate.iso(), "2012-04-15");
    EXPECT_EQ(doc->optionalData(), "ZE184226B");
    ASSERT_EQ(doc->checks.size(), 5u);
    for (const auto& c : doc->checks) EXPECT_EQ(c.status, CheckStatus::Pass) << c.name;
    EXPECT_TRUE(doc->checksPass());
    EXPECT_TRUE(hasFinding(*doc, FindingCode::DocumentExpired));
    EXPECT_TRUE(doc->valid()) << "expiry is a warning for the officer, not a malformed document";
    ASSERT_NE(doc->field("document_number"), nullptr);
    EXPECT_TRUE(doc->field("document_number")->checkDigitVerified);
    EXPECT_FALSE(doc->field("surname")->checkDigitVerified) << "names have no check digit";
    EXPECT_EQ(doc->field("document_number")->line, 2);
    EXPECT_EQ(doc->field("document_number")->position, 1);
    EXPECT_EQ(check(*doc, "composite")->position, 44);
    ASSERT_TRUE(doc->ageAtInspection.has_value());
    EXPECT_EQ(*doc->ageAtInspection, 52);
    ASSERT_TRUE(doc->daysToExpiry.has_value());
    EXPECT_EQ(*doc->daysToExpiry, -5339) << "2012-04-15 to 2026-11-27";
}

TEST(MrzParser, AgeTurnsOnTheBirthday) {
    for (auto [yymmdd, age] :
         std::vector<std::pair<std::string, int>>{{"001127", 26}, {"001128", 25}, {"001126", 26}}) {
        MrzFields f{MrzFormat::TD3, "P", "UTO", "A", "B", "X1", "UTO", yymmdd, "M", "300101", "", ""};
        auto doc = parseMrz(*composeMrz(f), at2026());
        ASSERT_OK(doc);
        EXPECT_EQ(doc->ageAtInspection, age) << yymmdd;
    }
}

TEST(MrzParser, ReusedDocumentMatchesAFreshParse) {
    // parseMrzInto reuses buffers: parsing a TD1 after a TD3 into one document must leave nothing behind.
    TravelDocument reused;
    ASSERT_OK(parseMrzInto(kTd3, at2026(), reused));
    ASSERT_OK(parseMrzInto(kTd1, at2026(), reused));
    auto fresh = parseMrz(kTd1, at2026());
    ASSERT_OK(fresh);
    ASSERT_EQ(reused.fields.size(), fresh->fields.size());
    for (std::size_t i = 0; i < fresh->fields.size(); ++i) {
        EXPECT_EQ(reused.fields[i].name, fresh->fields[i].name);
        EXPECT_EQ(reused.fields[i].raw, fresh->fields[i].raw);
        EXPECT_EQ(reused.fields[i].value, fresh->fields[i].value);
        EXPECT_EQ(reused.fields[i].description, fresh->fields[i].description);
        EXPECT_EQ(reused.fields[i].checkDigitVerified, fresh->fields[i].checkDigitVerified);
    }
    ASSERT_EQ(reused.checks.size(), fresh->checks.size());
    EXPECT_EQ(reused.findings.size(), fresh->findings.size());
    EXPECT_EQ(reused.optionalData(), fresh->optionalData());
    EXPECT_EQ(reused.lines, fresh->lines);
}

TEST(MrzParser, Td1Specimen) {
    auto doc = parseMrz(kTd1, at2026());
    ASSERT_OK(doc);
    EXPECT_EQ(doc->format, MrzFormat::TD1);
    EXPECT_EQ(doc->documentCode(), "I");
    EXPECT_EQ(doc->documentNumber(), "D23145890");
    EXPECT_EQ(doc->birthDate.iso(), "1974-08-12");
    EXPECT_EQ(doc->surname(), "ERIKSSON");
    EXPECT_EQ(doc->givenNames(), "ANNA MARIA");
    EXPECT_TRUE(doc->checksPass());
    EXPECT_EQ(check(*doc, "composite")->status, CheckStatus::Pass);
}

TEST(MrzParser, Td2Specimen) {
    auto doc = parseMrz(kTd2, at2026());
    ASSERT_OK(doc);
    EXPECT_EQ(doc->format, MrzFormat::TD2);
    EXPECT_EQ(doc->documentNumber(), "D23145890");
    EXPECT_TRUE(doc->checksPass());
}

TEST(MrzParser, VisaSpecimensAreNotPassportsOrCards) {
    auto a = parseMrz(kMrva, at2026());
    ASSERT_OK(a);
    EXPECT_EQ(a->format, MrzFormat::MRVA);
    EXPECT_EQ(a->checks.size(), 3u) << "visas have no composite check";
    EXPECT_TRUE(a->checksPass());
    EXPECT_EQ(a->optionalData(), "6ZE184226B");
    EXPECT_EQ(a->expiryDate.iso(), "1996-12-10") << "2096 lies beyond the expiry window";
    auto b = parseMrz(kMrvb, at2026());
    ASSERT_OK(b);
    EXPECT_EQ(b->format, MrzFormat::MRVB);
    EXPECT_TRUE(b->checksPass());
}

TEST(MrzParser, EmptyPersonalNumberMayCarryFillerCheckDigit) {
    auto lines = kTd3;
    lines[1] = "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<<8"; // composite worked out by hand
    auto doc = parseMrz(lines, at2026());
    ASSERT_OK(doc);
    EXPECT_EQ(check(*doc, "optional_data")->status, CheckStatus::NotApplicable);
}

TEST(MrzParser, ReportsEachFailingCheckWithoutPersonalData) {
    auto lines = kTd3;
    lines[1][9] = '7'; // document number check digit
    auto doc = parseMrz(lines, at2026());
    ASSERT_OK(doc);
    EXPECT_EQ(check(*doc, "document_number")->status, CheckStatus::Fail);
    EXPECT_EQ(check(*doc, "composite")->status, CheckStatus::Fail);
    EXPECT_EQ(check(*doc, "birth_date")->status, CheckStatus::Pass);
    EXPECT_FALSE(doc->valid());
    EXPECT_FALSE(doc->field("document_number")->checkDigitVerified);
    for (const auto& f : doc->findings) {
        EXPECT_FALSE(test::contains(f.message, "L898902C3")) << f.message;
        EXPECT_FALSE(test::contains(f.message, "ERIKSSON")) << f.message;
    }
}

TEST(MrzParser, TwoDigitYearsFollowTheInspectionDate) {
    // Born "251231": 2025 is before the inspection date (2026-11-27), so 2025.
    // Born "261231": 2026-12-31 would be after the inspection, so 1926.
    for (auto [yymmdd, iso] : std::vector<std::pair<std::string, std::string>>{
             {"251231", "2025-12-31"}, {"261231", "1926-12-31"}, {"261127", "2026-11-27"}, {"000101", "2000-01-01"}}) {
        MrzFields f{MrzFormat::TD3, "P", "UTO", "A", "B", "X1", "UTO", yymmdd, "M", "300101", "", ""};
        auto lines = composeMrz(f);
        ASSERT_OK(lines);
        auto doc = parseMrz(*lines, at2026());
        ASSERT_OK(doc);
        EXPECT_EQ(doc->birthDate.iso(), iso) << yymmdd;
    }
}

TEST(MrzParser, ImpossibleAndUnknownDatesAreFindings) {
    MrzFields f{MrzFormat::TD3, "P", "UTO", "A", "B", "X1", "UTO", "741332", "M", "300230", "", ""};
    auto lines = composeMrz(f);
    ASSERT_OK(lines);
    auto doc = parseMrz(*lines, at2026());
    ASSERT_OK(doc);
    EXPECT_TRUE(hasFinding(*doc, FindingCode::BirthDateImpossible));
    EXPECT_TRUE(hasFinding(*doc, FindingCode::ExpiryDateImpossible)) << "30 February";
    EXPECT_FALSE(doc->valid());

    f.birthDate = "74<<<<";
    f.expiryDate = "300101";
    lines = composeMrz(f);
    ASSERT_OK(lines);
    doc = parseMrz(*lines, at2026());
    ASSERT_OK(doc);
    EXPECT_EQ(doc->birthDate.iso(), "1974-XX-XX");
    EXPECT_TRUE(hasFinding(*doc, FindingCode::BirthDatePartlyUnknown));
    EXPECT_TRUE(doc->valid());
}

TEST(MrzParser, HostileTextGetsStableErrors) {
    const ParseOptions o = at2026();
    EXPECT_ERROR_CODE(parseMrzText("", o), ErrorCode::MrzEmpty);
    EXPECT_ERROR_CODE(parseMrzText("\n\n  \n", o), ErrorCode::MrzEmpty);
    EXPECT_ERROR_CODE(parseMrzText(std::string(5'000'000, 'A'), o), ErrorCode::MrzTooLong);
    EXPECT_ERROR_CODE(parseMrzText(kTd3[0], o), ErrorCode::MrzLineCount);
    EXPECT_ERROR_CODE(parseMrzText(kTd3[0] + "\n" + kTd3[1].substr(0, 43), o), ErrorCode::MrzLineLength);
    std::string lower = kTd3[0] + "\n" + kTd3[1];
    lower[7] = 'r';
    EXPECT_ERROR_CODE(parseMrzText(lower, o), ErrorCode::MrzCharacter);
    std::string control = kTd3[0] + "\n" + kTd3[1];
    control[3] = '\x01';
    EXPECT_ERROR_CODE(parseMrzText(control, o), ErrorCode::MrzCharacter);
    std::string utf8 = "P<UTO\xC3\x9C" + kTd3[0].substr(6) + "\n" + kTd3[1];
    EXPECT_ERROR_CODE(parseMrzText(utf8, o), ErrorCode::MrzCharacter);
    EXPECT_ERROR_CODE(parseMrzText(kTd3[0] + "\n\n" + kTd3[1], o), ErrorCode::MrzLineCount);
    EXPECT_ERROR_CODE(parseMrzText("A\nB\nC\nD", o), ErrorCode::MrzLineCount);
    EXPECT_ERROR_CODE(parseMrzText(std::string(30, '<') + "\n" + std::string(30, '<'), o), ErrorCode::MrzLineLength);
    // Windows line endings and surrounding spaces are fine.
    EXPECT_OK(parseMrzText("  " + kTd3[0] + "\r\n" + kTd3[1] + "  \r\n", o));
}

TEST(MrzParser, ErrorMessagesNameThePositionNotTheCharacter) {
    std::string text = kTd3[0] + "\n" + kTd3[1];
    text[10] = 'x';
    auto r = parseMrzText(text, at2026());
    ASSERT_FALSE(r);
    EXPECT_TRUE(test::contains(r.error().message, "line 1, position 11")) << r.error().message;
    EXPECT_FALSE(test::contains(r.error().message, "x")) << r.error().message;
}

TEST(MrzWriter, RoundTripsGeneratedDocumentsOfEveryFormat) {
    std::mt19937_64 rng(42);
    const char* kLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    auto word = [&](int n) {
        std::string s;
        for (int i = 0; i < n; ++i) s += kLetters[rng() % 26];
        return s;
    };
    for (int i = 0; i < 2000; ++i) {
        const auto format = static_cast<MrzFormat>(i % 5);
        MrzFields f;
        f.format = format;
        f.documentCode = format == MrzFormat::TD3                                   ? "P"
                         : (format == MrzFormat::MRVA || format == MrzFormat::MRVB) ? "V"
                                                                                    : "ID";
        f.issuingState = word(3);
        f.nationality = word(3);
        f.surname = word(2 + static_cast<int>(rng() % 8));
        f.givenNames = word(2 + static_cast<int>(rng() % 6));
        f.documentNumber = word(2) + std::to_string(1000000 + rng() % 8999999);
        f.birthDate =
            "8" + std::to_string(rng() % 10) + "0" + std::to_string(1 + rng() % 9) + "1" + std::to_string(rng() % 10);
        f.expiryDate =
            "3" + std::to_string(rng() % 10) + "1" + std::to_string(rng() % 3) + "2" + std::to_string(rng() % 10);
        f.sex = std::string(1, "MFX"[rng() % 3]);
        if (rng() % 2) f.optionalData = std::to_string(rng() % 100000);
        auto lines = composeMrz(f);
        ASSERT_OK(lines);
        auto doc = parseMrz(*lines, at2026());
        ASSERT_OK(doc);
        EXPECT_EQ(doc->format, format);
        EXPECT_TRUE(doc->checksPass()) << (*lines)[0] << "\n" << (*lines)[1];
        EXPECT_EQ(doc->surname(), f.surname);
        EXPECT_EQ(doc->givenNames(), f.givenNames);
        EXPECT_EQ(doc->documentNumber(), f.documentNumber);
        EXPECT_EQ(doc->issuingState(), f.issuingState);
        EXPECT_EQ(doc->nationality(), f.nationality);
        EXPECT_EQ(doc->sex(), f.sex);
        EXPECT_EQ(doc->optionalData(), f.optionalData);
    }
}

TEST(MrzWriter, LongDocumentNumbersContinueInOptionalData) {
    for (auto format : {MrzFormat::TD1, MrzFormat::TD2}) {
        MrzFields f{format, "I", "UTO", "SMITH", "JO", "AB1234567890", "UTO", "800101", "F", "300101", "", ""};
        auto lines = composeMrz(f);
        ASSERT_OK(lines);
        auto doc = parseMrz(*lines, at2026());
        ASSERT_OK(doc);
        EXPECT_EQ(doc->documentNumber(), "AB1234567890") << formatName(format);
        EXPECT_TRUE(doc->checksPass()) << (*lines)[0] << "\n" << (*lines)[1];
        EXPECT_TRUE(doc->field("document_number")->checkDigitVerified);
        // Damaging the continuation is caught by the document number check.
        auto broken = *lines;
        const int line = format == MrzFormat::TD1 ? 0 : 1;
        const std::size_t pos = format == MrzFormat::TD1 ? 15 : 28;
        broken[static_cast<std::size_t>(line)][pos] = broken[static_cast<std::size_t>(line)][pos] == '7' ? '8' : '7';
        auto bad = parseMrz(broken, at2026());
        ASSERT_OK(bad);
        EXPECT_EQ(check(*bad, "document_number")->status, CheckStatus::Fail);
    }
}

TEST(MrzParser, SingleCharacterChangesInCheckedFieldsAreCaught) {
    // Every change to a character covered by a check digit is caught, except swaps between characters of
    // equal value (mod 10) at that weight: Doc 9303's check digits are not proof.
    auto base = parseMrz(kTd3, at2026());
    ASSERT_OK(base);
    const std::string chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";
    int caught = 0, missed = 0;
    for (std::size_t pos = 0; pos < 44; ++pos) {
        const bool covered = pos <= 9 || (pos >= 13 && pos <= 19) || (pos >= 21 && pos <= 43);
        if (!covered) continue;
        for (char c : chars) {
            auto lines = kTd3;
            if (lines[1][pos] == c) continue;
            const auto before = mrzCharValue(lines[1][pos]).value_or(0);
            lines[1][pos] = c;
            auto doc = parseMrz(lines, at2026());
            ASSERT_OK(doc);
            const bool sameValueMod10 = (before - mrzCharValue(c).value_or(0)) % 10 == 0;
            if (sameValueMod10) {
                ++missed;
                continue;
            }
            EXPECT_FALSE(doc->checksPass()) << "position " << pos + 1 << " changed to " << c;
            ++caught;
        }
    }
    EXPECT_GT(caught, 1000);
    EXPECT_GT(missed, 0) << "equal-value pairs such as < and K exist";
}
