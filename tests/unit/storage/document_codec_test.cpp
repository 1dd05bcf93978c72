// The stored form of a travel document: round trips and malformed input, with no database. The codec is
// private to storage; its own tests see the module's src/ folder.

#include "document_codec.h"

#include <secondline/validation/mrz_parser.h>

#include "test_support.h"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace secondline;
using namespace secondline::storage::detail;
using core::ErrorCode;
using nlohmann::json;
using validation::TravelDocument;

namespace {

const std::vector<std::string> kTd3 = {"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                                       "L898902C36UTO7408122F1204159ZE184226B<<<<<10"};
const std::vector<std::string> kTd1 = {"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
                                       "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"};

TravelDocument parsed(const std::vector<std::string>& lines) {
    auto doc = validation::parseMrz(lines, {.inspectionDate = test::testDate()});
    if (!doc) throw std::runtime_error(doc.error().message);
    return std::move(*doc);
}

/// Every stored member of `a` and `b` equal; the first difference named.
::testing::AssertionResult sameDocument(const TravelDocument& a, const TravelDocument& b) {
    auto differ = [](const std::string& what) { return ::testing::AssertionFailure() << what << " differs"; };
    if (a.format != b.format) return differ("format");
    if (a.lines != b.lines) return differ("lines");
    if (a.fields.size() != b.fields.size()) return differ("number of fields");
    for (std::size_t i = 0; i < a.fields.size(); ++i) {
        const auto &x = a.fields[i], &y = b.fields[i];
        if (x.name != y.name || x.raw != y.raw || x.value != y.value || x.line != y.line || x.position != y.position ||
            x.checkDigitVerified != y.checkDigitVerified || x.confidence != y.confidence ||
            x.description != y.description)
            return differ("field " + x.name);
    }
    if (a.checks.size() != b.checks.size()) return differ("number of checks");
    for (std::size_t i = 0; i < a.checks.size(); ++i) {
        const auto &x = a.checks[i], &y = b.checks[i];
        if (x.name != y.name || x.status != y.status || x.line != y.line || x.position != y.position)
            return differ("check " + x.name);
    }
    if (a.findings.size() != b.findings.size()) return differ("number of findings");
    for (std::size_t i = 0; i < a.findings.size(); ++i) {
        const auto &x = a.findings[i], &y = b.findings[i];
        if (x.field != y.field || x.code != y.code || x.severity != y.severity || x.message != y.message)
            return differ("finding " + std::string(validation::findingCodeName(x.code)));
    }
    if (a.birthDate.year != b.birthDate.year || a.birthDate.month != b.birthDate.month ||
        a.birthDate.day != b.birthDate.day)
        return differ("birth date");
    if (a.expiryDate.year != b.expiryDate.year || a.expiryDate.month != b.expiryDate.month ||
        a.expiryDate.day != b.expiryDate.day)
        return differ("expiry date");
    if (a.ageAtInspection != b.ageAtInspection) return differ("age at inspection");
    if (a.daysToExpiry != b.daysToExpiry) return differ("days to expiry");
    return ::testing::AssertionSuccess();
}

} // namespace

TEST(DocumentCodec, ParsedDocumentsOfEveryShapeRoundTrip) {
    for (const auto& lines : {kTd3, kTd1}) {
        const auto doc = parsed(lines);
        ASSERT_FALSE(doc.fields.empty());
        ASSERT_FALSE(doc.checks.empty());
        const auto back = decodeDocument(encodeDocument(doc));
        ASSERT_OK(back);
        EXPECT_TRUE(sameDocument(doc, *back));
        EXPECT_EQ(encodeDocument(*back), encodeDocument(doc)) << "encoding is stable";
    }
}

TEST(DocumentCodec, TheEncodingIsJsonWithItsVersionFirst) {
    const auto text = encodeDocument(parsed(kTd3));
    EXPECT_EQ(text.rfind("{\"v\":1,", 0), 0U) << text.substr(0, 20);
    const json j = json::parse(text, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "the hand-written encoder writes valid JSON";
    EXPECT_EQ(j["v"], kDocumentCodecVersion);
    EXPECT_EQ(j["format"], "TD3");
}

TEST(DocumentCodec, AwkwardStringsAndPartialDatesRoundTrip) {
    TravelDocument doc;
    doc.format = validation::MrzFormat::TD1;
    doc.lines = {"quote \" backslash \\ slash /", std::string("control \x01\x1f\t\n\r bytes"),
                 "UTF-8 M\xC3\x9CLLER \xE2\x82\xAC"};
    doc.fields.push_back({"surname", "M\xC3\x9CLLER<<", "M\xC3\x9CLLER", 3, 1, false, 0.123456789, "a \"name\""});
    doc.fields.push_back({"empty", "", "", 0, 0, true, 0.0, ""});
    doc.checks.push_back({"composite", validation::CheckStatus::NotApplicable, 2, 30});
    doc.findings.push_back(
        {"document", validation::FindingCode::DocumentExpired, validation::Severity::Info, "line\nbreak"});
    doc.birthDate.year = 1974; // month and day unknown
    doc.expiryDate = {};       // nothing known
    const auto back = decodeDocument(encodeDocument(doc));
    ASSERT_OK(back);
    // Confidence is kept to six significant digits (a capture score, not a measurement).
    EXPECT_NEAR(back->fields[0].confidence, 0.123457, 1e-9);
    doc.fields[0].confidence = back->fields[0].confidence;
    EXPECT_TRUE(sameDocument(doc, *back));
    EXPECT_FALSE(back->birthDate.month.has_value());
    EXPECT_FALSE(back->ageAtInspection.has_value()) << "absent stays absent, not zero";
    EXPECT_FALSE(back->daysToExpiry.has_value());
}

TEST(DocumentCodec, TextThatIsNotARecordIsStoreCorrupt) {
    for (const std::string text : {"", " ", "not json", "[]", "null", "42", "\"a string\"", "{", "{}"})
        EXPECT_ERROR_CODE(decodeDocument(text), ErrorCode::StoreCorrupt) << "'" << text << "'";
}

TEST(DocumentCodec, EveryCutOfARecordIsStoreCorruptNeverACrash) {
    const auto text = encodeDocument(parsed(kTd1));
    for (std::size_t n = 0; n < text.size(); ++n)
        EXPECT_ERROR_CODE(decodeDocument(text.substr(0, n)), ErrorCode::StoreCorrupt) << "cut at " << n;
}

TEST(DocumentCodec, MissingOrMistypedMembersAreStoreCorrupt) {
    const json good = json::parse(encodeDocument(parsed(kTd3)));
    for (const char* member : {"v", "format", "lines", "fields", "checks", "findings", "birth_date", "expiry_date"}) {
        json j = good;
        j.erase(member);
        EXPECT_ERROR_CODE(decodeDocument(j.dump()), ErrorCode::StoreCorrupt) << "without " << member;
    }
    const std::vector<std::pair<std::string, json>> mistyped = {
        {"/v", "1"},
        {"/format", 3},
        {"/format", "TD9"},
        {"/lines", "P<UTO"},
        {"/lines/0", 7},
        {"/fields/0/line", "1"},
        {"/fields/0/verified", "yes"},
        {"/fields/0/confidence", "high"},
        {"/checks/0/position", nullptr},
        {"/findings", 5},
        {"/birth_date/year", "1974"},
        {"/age_at_inspection", "52"},
    };
    for (const auto& [pointer, value] : mistyped) {
        json j = good;
        j[json::json_pointer(pointer)] = value;
        EXPECT_ERROR_CODE(decodeDocument(j.dump()), ErrorCode::StoreCorrupt) << pointer << " = " << value.dump();
    }
}

TEST(DocumentCodec, ARecordFromANewerVersionSaysSo) {
    json j = json::parse(encodeDocument(parsed(kTd3)));
    j["v"] = kDocumentCodecVersion + 1;
    EXPECT_ERROR_CODE(decodeDocument(j.dump()), ErrorCode::StoreVersionTooNew);
    j["v"] = kDocumentCodecVersion;
    EXPECT_OK(decodeDocument(j.dump()));
}

TEST(DocumentCodec, UnknownStatusAndSeverityNamesReadAsTheSafestValue) {
    // A check that cannot be read as passed has failed; a finding of unknown weight is an error.
    json j = json::parse(encodeDocument(parsed(kTd3)));
    j["checks"][0]["status"] = "probably";
    j["findings"] =
        json::array({{{"field", "document"}, {"code", "document_expired"}, {"severity", "mild"}, {"message", "m"}}});
    const auto doc = decodeDocument(j.dump());
    ASSERT_OK(doc);
    EXPECT_EQ(doc->checks[0].status, validation::CheckStatus::Fail);
    EXPECT_EQ(doc->findings[0].severity, validation::Severity::Error);
}

TEST(DocumentCodec, ErrorsNameNoStoredValue) {
    json j = json::parse(encodeDocument(parsed(kTd3)));
    j["fields"][0].erase("raw");
    const auto doc = decodeDocument(j.dump());
    ASSERT_FALSE(doc.has_value());
    for (const char* value : {"ERIKSSON", "L898902C3", "ANNA", "740812"})
        EXPECT_EQ(doc.error().message.find(value), std::string::npos) << value;
}
