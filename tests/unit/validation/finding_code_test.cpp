// Finding codes are an enum with stable names (issue 17): the names are in the command-line JSON contract
// and in stored records, so renaming one must fail here.
#include <secondline/validation/travel_document.h>

#include "test_support.h"

#include <set>
#include <utility>
#include <vector>

using namespace secondline::validation;

TEST(FindingCodes, ContractNamesAreStable) {
    // Every code with its name as other agencies' tools and older stored records know it: never change one.
    const std::vector<std::pair<FindingCode, std::string_view>> pinned = {
        {FindingCode::NameMissing, "name_missing"},
        {FindingCode::NamePossiblyTruncated, "name_possibly_truncated"},
        {FindingCode::CountryCodeMalformed, "country_code_malformed"},
        {FindingCode::CountryCodeHistoric, "country_code_historic"},
        {FindingCode::SpecimenCode, "specimen_code"},
        {FindingCode::CountryCodeUnknown, "country_code_unknown"},
        {FindingCode::BirthDateMalformed, "birth_date_malformed"},
        {FindingCode::ExpiryDateMalformed, "expiry_date_malformed"},
        {FindingCode::BirthDateImpossible, "birth_date_impossible"},
        {FindingCode::ExpiryDateImpossible, "expiry_date_impossible"},
        {FindingCode::BirthDatePartlyUnknown, "birth_date_partly_unknown"},
        {FindingCode::ExpiryDatePartlyUnknown, "expiry_date_partly_unknown"},
        {FindingCode::DocumentExpired, "document_expired"},
        {FindingCode::DocumentExpiresSoon, "document_expires_soon"},
        {FindingCode::SexUnspecifiedX, "sex_unspecified_x"},
        {FindingCode::SexInvalid, "sex_invalid"},
        {FindingCode::DocumentCodeInvalid, "document_code_invalid"},
        {FindingCode::DocumentCodeUnexpected, "document_code_unexpected"},
        {FindingCode::DocumentNumberMissing, "document_number_missing"},
        {FindingCode::CheckDigitMismatch, "check_digit_mismatch"},
        {FindingCode::UncertainRead, "uncertain_read"},
        {FindingCode::OcrCorrected, "ocr_corrected"},
    };
    ASSERT_EQ(allFindingCodes().size(), pinned.size()) << "a new code needs its name pinned here";
    for (std::size_t i = 0; i < pinned.size(); ++i) {
        EXPECT_EQ(allFindingCodes()[i], pinned[i].first) << pinned[i].second;
        EXPECT_EQ(findingCodeName(pinned[i].first), pinned[i].second);
        EXPECT_EQ(findingCodeFrom(pinned[i].second), pinned[i].first);
    }
}

TEST(FindingCodes, NamesAreUniqueSnakeCaseAndOnlyExactNamesParse) {
    std::set<std::string_view> seen;
    for (FindingCode code : allFindingCodes()) {
        const auto name = findingCodeName(code);
        EXPECT_TRUE(seen.insert(name).second) << "duplicate name " << name;
        for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
    }
    for (std::string_view other : {"", "unknown", "DOCUMENT_EXPIRED", "document_expired ", "document-expired"})
        EXPECT_FALSE(findingCodeFrom(other)) << other;
}

TEST(SeverityAndCheckStatus, ContractNamesAreStable) {
    EXPECT_EQ(severityName(Severity::Info), "info");
    EXPECT_EQ(severityName(Severity::Warning), "warning");
    EXPECT_EQ(severityName(Severity::Error), "error");
    EXPECT_EQ(checkStatusName(CheckStatus::Pass), "pass");
    EXPECT_EQ(checkStatusName(CheckStatus::Fail), "fail");
    EXPECT_EQ(checkStatusName(CheckStatus::NotApplicable), "not_applicable");
}
