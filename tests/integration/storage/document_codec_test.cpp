// The stored form of a document keeps finding codes by their stable names (issue 17): a record written by
// this version reads back with the same codes, and a name this version does not know is a decode error,
// never a silently changed code. (No database: the codec is storage's private JSON.)
#include "document_codec.h"

#include <secondline/validation/mrz_parser.h>

#include "test_support.h"

using namespace secondline;
using namespace secondline::validation;

namespace {

TravelDocument specimen() {
    // ICAO's TD3 specimen, expired in 2012 and with the specimen state: several findings.
    auto doc =
        parseMrz({"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"},
                 {.inspectionDate = test::testDate()});
    EXPECT_TRUE(doc.has_value());
    return *doc;
}

} // namespace

TEST(DocumentCodec, FindingCodesRoundTripByTheirStableNames) {
    auto doc = specimen();
    doc.findings.push_back({"surname", FindingCode::UncertainRead, Severity::Error, "read with low confidence"});
    ASSERT_GE(doc.findings.size(), 3u);
    const std::string text = storage::detail::encodeDocument(doc);
    EXPECT_NE(text.find("\"code\":\"document_expired\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"code\":\"uncertain_read\""), std::string::npos) << text;
    const auto back = storage::detail::decodeDocument(text);
    ASSERT_OK(back);
    ASSERT_EQ(back->findings.size(), doc.findings.size());
    for (std::size_t i = 0; i < doc.findings.size(); ++i) {
        EXPECT_EQ(back->findings[i].code, doc.findings[i].code) << i;
        EXPECT_EQ(back->findings[i].field, doc.findings[i].field) << i;
    }
}

TEST(DocumentCodec, AnUnknownFindingCodeIsACorruptRecord) {
    std::string text = storage::detail::encodeDocument(specimen());
    const std::string known = "\"code\":\"document_expired\"";
    const auto at = text.find(known);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, known.size(), "\"code\":\"document_vanished\"");
    EXPECT_ERROR_CODE(storage::detail::decodeDocument(text), core::ErrorCode::StoreCorrupt);
}
