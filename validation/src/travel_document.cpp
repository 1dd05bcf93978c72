#include <secondline/validation/travel_document.h>

#include <array>

namespace secondline::validation {

namespace {

constexpr std::array kFindingCodes = {
    FindingCode::NameMissing,
    FindingCode::NamePossiblyTruncated,
    FindingCode::CountryCodeMalformed,
    FindingCode::CountryCodeHistoric,
    FindingCode::SpecimenCode,
    FindingCode::CountryCodeUnknown,
    FindingCode::BirthDateMalformed,
    FindingCode::ExpiryDateMalformed,
    FindingCode::BirthDateImpossible,
    FindingCode::ExpiryDateImpossible,
    FindingCode::BirthDatePartlyUnknown,
    FindingCode::ExpiryDatePartlyUnknown,
    FindingCode::DocumentExpired,
    FindingCode::DocumentExpiresSoon,
    FindingCode::SexUnspecifiedX,
    FindingCode::SexInvalid,
    FindingCode::DocumentCodeInvalid,
    FindingCode::DocumentCodeUnexpected,
    FindingCode::DocumentNumberMissing,
    FindingCode::CheckDigitMismatch,
    FindingCode::UncertainRead,
    FindingCode::OcrCorrected,
};

} // namespace

std::span<const FindingCode> allFindingCodes() noexcept {
    return kFindingCodes;
}

std::string_view findingCodeName(FindingCode code) noexcept {
    switch (code) {
    case FindingCode::NameMissing: return "name_missing";
    case FindingCode::NamePossiblyTruncated: return "name_possibly_truncated";
    case FindingCode::CountryCodeMalformed: return "country_code_malformed";
    case FindingCode::CountryCodeHistoric: return "country_code_historic";
    case FindingCode::SpecimenCode: return "specimen_code";
    case FindingCode::CountryCodeUnknown: return "country_code_unknown";
    case FindingCode::BirthDateMalformed: return "birth_date_malformed";
    case FindingCode::ExpiryDateMalformed: return "expiry_date_malformed";
    case FindingCode::BirthDateImpossible: return "birth_date_impossible";
    case FindingCode::ExpiryDateImpossible: return "expiry_date_impossible";
    case FindingCode::BirthDatePartlyUnknown: return "birth_date_partly_unknown";
    case FindingCode::ExpiryDatePartlyUnknown: return "expiry_date_partly_unknown";
    case FindingCode::DocumentExpired: return "document_expired";
    case FindingCode::DocumentExpiresSoon: return "document_expires_soon";
    case FindingCode::SexUnspecifiedX: return "sex_unspecified_x";
    case FindingCode::SexInvalid: return "sex_invalid";
    case FindingCode::DocumentCodeInvalid: return "document_code_invalid";
    case FindingCode::DocumentCodeUnexpected: return "document_code_unexpected";
    case FindingCode::DocumentNumberMissing: return "document_number_missing";
    case FindingCode::CheckDigitMismatch: return "check_digit_mismatch";
    case FindingCode::UncertainRead: return "uncertain_read";
    case FindingCode::OcrCorrected: return "ocr_corrected";
    }
    return "check_digit_mismatch";
}

std::optional<FindingCode> findingCodeFrom(std::string_view name) noexcept {
    for (FindingCode c : kFindingCodes)
        if (findingCodeName(c) == name) return c;
    return std::nullopt;
}

std::string_view checkStatusName(CheckStatus status) noexcept {
    switch (status) {
    case CheckStatus::Pass: return "pass";
    case CheckStatus::Fail: return "fail";
    case CheckStatus::NotApplicable: return "not_applicable";
    }
    return "fail";
}

std::string_view severityName(Severity severity) noexcept {
    switch (severity) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
    }
    return "error";
}

const Field* TravelDocument::field(std::string_view name) const {
    for (const auto& f : fields)
        if (f.name == name) return &f;
    return nullptr;
}

const std::string& TravelDocument::value(std::string_view name) const {
    static const std::string kEmpty;
    const Field* f = field(name);
    return f ? f->value : kEmpty;
}

bool TravelDocument::checksPass() const {
    for (const auto& c : checks)
        if (c.status == CheckStatus::Fail) return false;
    return true;
}

bool TravelDocument::valid() const {
    if (!checksPass()) return false;
    for (const auto& f : findings)
        if (f.severity == Severity::Error) return false;
    return true;
}

} // namespace secondline::validation
