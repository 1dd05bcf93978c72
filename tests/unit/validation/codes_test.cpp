#include <secondline/validation/codes.h>
#include <secondline/validation/mrz_parser.h>

#include "test_support.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

using namespace secondline;
using namespace secondline::validation;

TEST(Codes, SortedAndUnique) {
    const auto codes = allCodes();
    for (std::size_t i = 1; i < codes.size(); ++i) EXPECT_LT(codes[i - 1].code, codes[i].code);
}

// Debian's iso-codes package is an independent list of ISO 3166-1: every state it names must be known
// here, and every code marked as a state here must be in it.
TEST(Codes, StatesMatchDebianIsoCodes) {
    std::ifstream in("/usr/share/iso-codes/json/iso_3166-1.json");
    ASSERT_TRUE(in.good()) << "install iso-codes (scripts/setup.sh does)";
    const auto j = nlohmann::json::parse(in);
    std::set<std::string> iso;
    for (const auto& e : j.at("3166-1")) iso.insert(e.at("alpha_3").get<std::string>());
    ASSERT_GT(iso.size(), 240u);
    for (const auto& code : iso) {
        const auto info = lookupCode(code);
        ASSERT_TRUE(info.has_value()) << code;
        EXPECT_EQ(info->kind, CodeKind::State) << code;
    }
    for (const auto& c : allCodes()) {
        if (c.kind == CodeKind::State) {
            EXPECT_TRUE(iso.count(std::string(c.code))) << c.code;
        }
    }
}

TEST(Codes, IcaoSpecialCodes) {
    for (const char* code : {"D",   "GBD", "GBN", "GBO", "GBP", "GBS", "UNO", "UNA", "UNK", "XXA", "XXB", "XXC",
                             "XXX", "EUE", "XOM", "XPO", "XCC", "XCE", "XES", "XIM", "XDC", "XMP", "RKS"}) {
        const auto info = lookupCode(code);
        ASSERT_TRUE(info.has_value()) << code;
        EXPECT_NE(info->kind, CodeKind::State) << code;
        EXPECT_FALSE(info->name.empty());
    }
    EXPECT_FALSE(lookupCode("ZZZ").has_value());
    EXPECT_FALSE(lookupCode("").has_value());
    EXPECT_EQ(lookupCode("UTO")->kind, CodeKind::Specimen);
}

TEST(Codes, UnknownCodesAreFindingsNotRejections) {
    auto doc = parseMrzText("P<ZZZERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                            "L898902C36QQQ7408122F1204159ZE184226B<<<<<10",
                            {.inspectionDate = test::testDate()});
    ASSERT_OK(doc);
    int unknown = 0;
    for (const auto& f : doc->findings) unknown += f.code == FindingCode::CountryCodeUnknown;
    EXPECT_EQ(unknown, 2);
    EXPECT_TRUE(doc->checksPass());
    EXPECT_TRUE(doc->valid()) << "an unknown code is for the officer to judge";
}

TEST(Codes, GermanyAndDescriptions) {
    auto doc = parseMrzText("P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\n"
                            "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4",
                            {.inspectionDate = test::testDate()});
    ASSERT_OK(doc);
    EXPECT_EQ(doc->issuingState(), "D");
    EXPECT_EQ(doc->field("issuing_state")->description, "Germany");
    EXPECT_EQ(doc->field("document_code")->description, "passport");
    EXPECT_EQ(doc->field("sex")->description, "female");
    for (const auto& f : doc->findings) EXPECT_NE(f.code, FindingCode::CountryCodeUnknown);
}
