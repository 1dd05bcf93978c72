#include <secondline/validation/codes.h>
#include <secondline/validation/field_rules.h>

#include <array>
#include <chrono>

namespace secondline::validation {

namespace {

constexpr std::array<FieldId, 11> kAllFields = {
    FieldId::DocumentCode,   FieldId::IssuingState, FieldId::Surname,       FieldId::GivenNames,
    FieldId::DocumentNumber, FieldId::Nationality,  FieldId::BirthDate,     FieldId::Sex,
    FieldId::ExpiryDate,     FieldId::OptionalData, FieldId::OptionalData2,
};

// Lengths an MRZ can carry (Doc 9303 Parts 4 to 7).
constexpr std::size_t kMaxSurname = 39;        // a TD3 or MRV-A name zone with no given names
constexpr std::size_t kMaxGivenNames = 36;     // the same zone less a one-letter surname and the "<<" between
constexpr std::size_t kMaxDocumentNumber = 22; // TD1: 9, then up to 13 more in the optional data, its
                                               // check digit and a filler (Part 5, note j)
constexpr std::size_t kMaxOptionalData = 16;   // MRV-A; TD3 14, TD1 line 1 15, MRV-B 8, TD2 7
constexpr std::size_t kMaxOptionalData2 = 11;  // TD1 line 2

// Year ranges. An MRZ writes two-digit years; validation reads a birth year as the one in the hundred years
// up to the inspection, so inspections in 2000 to 2099 give birth years 1900 to 2099 and no other. (Whether
// a birth date lies after the inspection depends on the inspection's date: not a rule of shape.)
// Expiry: no machine readable document predates Doc 9303's first edition (1980), and a document valid past
// 2099 would have to be issued after 2089 (passports are valid ten years at most); revisit then.
constexpr int kFirstBirthYear = 1900, kLastBirthYear = 2099;
constexpr int kFirstExpiryYear = 1980, kLastExpiryYear = 2099;

bool upper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool digit(char c) {
    return c >= '0' && c <= '9';
}

/// Only A-Z (and 0-9 when `digits`) in parts separated by single spaces, none at either end.
bool spacedWords(std::string_view v, bool digits) {
    char previous = ' ';
    for (char c : v) {
        if (c == ' ') {
            if (previous == ' ') return false; // leading or doubled
        } else if (!upper(c) && !(digits && digit(c))) {
            return false;
        }
        previous = c;
    }
    return v.empty() || v.back() != ' ';
}

/// Digits read as a number, or -1 when a character is not a digit.
int number(std::string_view v) {
    int x = 0;
    for (char c : v) {
        if (!digit(c)) return -1;
        x = x * 10 + (c - '0');
    }
    return x;
}

/// The field in plain words, for problems.
std::string_view label(FieldId field) {
    switch (field) {
    case FieldId::DocumentCode: return "document code";
    case FieldId::IssuingState: return "issuing state";
    case FieldId::Surname: return "surname";
    case FieldId::GivenNames: return "given names";
    case FieldId::DocumentNumber: return "document number";
    case FieldId::Nationality: return "nationality";
    case FieldId::BirthDate: return "date of birth";
    case FieldId::Sex: return "sex";
    case FieldId::ExpiryDate: return "date of expiry";
    case FieldId::OptionalData: return "optional data";
    case FieldId::OptionalData2: return "optional data (line 2)";
    }
    return "field";
}

bool allX(std::string_view v) {
    return v.find_first_not_of('X') == std::string_view::npos;
}

std::string dateProblem(std::string_view v, bool birth) {
    const std::string what(label(birth ? FieldId::BirthDate : FieldId::ExpiryDate));
    const auto date = standardDate(v);
    if (!date) {
        return birth ? what + " is written YYYY-MM-DD as a real calendar date, with XX (XXXX for the year) for "
                              "a part the document leaves unknown"
                     : what + " is written YYYY-MM-DD as a real calendar date";
    }
    const int first = birth ? kFirstBirthYear : kFirstExpiryYear;
    const int last = birth ? kLastBirthYear : kLastExpiryYear;
    if (date->year && (*date->year < first || *date->year > last))
        return what + " has a year outside " + std::to_string(first) + " to " + std::to_string(last);
    if (!birth && !date->complete()) return what + " is a whole date: YYYY-MM-DD with no unknown part";
    return {};
}

} // namespace

std::span<const FieldId> allFields() noexcept {
    return kAllFields;
}

std::string_view fieldName(FieldId field) noexcept {
    switch (field) {
    case FieldId::DocumentCode: return "document_code";
    case FieldId::IssuingState: return "issuing_state";
    case FieldId::Surname: return "surname";
    case FieldId::GivenNames: return "given_names";
    case FieldId::DocumentNumber: return "document_number";
    case FieldId::Nationality: return "nationality";
    case FieldId::BirthDate: return "birth_date";
    case FieldId::Sex: return "sex";
    case FieldId::ExpiryDate: return "expiry_date";
    case FieldId::OptionalData: return "optional_data";
    case FieldId::OptionalData2: return "optional_data_2";
    }
    return "document_code";
}

std::optional<FieldId> fieldFromName(std::string_view name) noexcept {
    for (FieldId f : kAllFields)
        if (fieldName(f) == name) return f;
    return std::nullopt;
}

std::optional<MrzDate> standardDate(std::string_view v) noexcept {
    using namespace std::chrono;
    if (v.size() != 10 || v[4] != '-' || v[7] != '-') return std::nullopt;
    MrzDate d;
    const auto part = [&](std::size_t at, std::size_t n, std::optional<int>& out) {
        const auto text = v.substr(at, n);
        if (allX(text)) return true;
        const int x = number(text);
        if (x < 0) return false;
        out = x;
        return true;
    };
    if (!part(0, 4, d.year) || !part(5, 2, d.month) || !part(8, 2, d.day)) return std::nullopt;
    if (d.month && (*d.month < 1 || *d.month > 12)) return std::nullopt;
    if (d.day) {
        if (!d.month || *d.day < 1 || *d.day > 31) return std::nullopt;
        // A leap year stands in when the year is unknown, so 29 February is possible.
        const year_month_day ymd{year{d.year.value_or(2000)}, month{static_cast<unsigned>(*d.month)},
                                 day{static_cast<unsigned>(*d.day)}};
        if (!ymd.ok()) return std::nullopt;
    }
    return d;
}

std::optional<std::string> fieldValueProblem(FieldId field, std::string_view value) {
    // One bound for everything first, so a hostile value is never scanned.
    if (value.size() > kMaxFieldValueBytes)
        return std::string(label(field)) + " is longer than any machine readable zone can hold";
    std::string problem;
    switch (field) {
    case FieldId::DocumentCode:
        if (value.empty() || value.size() > 2 || std::string_view("PVIAC").find(value[0]) == std::string_view::npos ||
            (value.size() == 2 && !upper(value[1])))
            problem = "document code is P, V, I, A or C, and an optional second capital letter";
        break;
    case FieldId::IssuingState:
    case FieldId::Nationality: {
        const bool letters = !value.empty() && value.size() <= 3 && upper(value[0]) &&
                             (value.size() < 2 || upper(value[1])) && (value.size() < 3 || upper(value[2]));
        if (!letters || !lookupCode(value))
            problem = std::string(label(field)) +
                      " is a code of ICAO Doc 9303's tables: one to three capital letters, such as D or UTO";
        break;
    }
    case FieldId::Surname:
    case FieldId::GivenNames: {
        const bool surname = field == FieldId::Surname;
        const std::string what(label(field));
        if (surname && value.empty())
            problem = "surname cannot be empty: every document has a primary identifier";
        else if (value.size() > (surname ? kMaxSurname : kMaxGivenNames))
            problem = what + " has at most " + std::to_string(surname ? kMaxSurname : kMaxGivenNames) +
                      " letters and spaces in the machine readable zone";
        else if (!spacedWords(value, false))
            problem = what + " is written in the zone's letters: A to Z, with single spaces between parts";
        break;
    }
    case FieldId::DocumentNumber:
        if (value.empty() || value.size() > kMaxDocumentNumber ||
            value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != std::string_view::npos)
            problem = "document number is 1 to " + std::to_string(kMaxDocumentNumber) +
                      " capital letters and digits, without spaces";
        break;
    case FieldId::BirthDate: problem = dateProblem(value, true); break;
    case FieldId::ExpiryDate: problem = dateProblem(value, false); break;
    case FieldId::Sex:
        if (!(value.empty() || value == "M" || value == "F" || value == "X"))
            problem = "sex is M, F, X, or empty when unspecified";
        break;
    case FieldId::OptionalData:
    case FieldId::OptionalData2: {
        const std::size_t max = field == FieldId::OptionalData ? kMaxOptionalData : kMaxOptionalData2;
        if (value.size() > max || !spacedWords(value, true))
            problem = std::string(label(field)) + " is at most " + std::to_string(max) +
                      " capital letters and digits, with single spaces between parts";
        break;
    }
    }
    if (problem.empty()) return std::nullopt;
    return problem;
}

} // namespace secondline::validation
