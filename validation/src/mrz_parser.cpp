#include <secondline/validation/check_digit.h>
#include <secondline/validation/codes.h>
#include <secondline/validation/mrz_parser.h>

#include "dates.h"
#include "layout.h"

#include <array>
#include <cstring>
#include <optional>
#include <span>
#include <string>

namespace secondline::validation {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

// ----- layouts (0-based line and column) -------------------------------------------------------------

struct Span {
    int line;
    int start;
    int length;
};

enum class Kind {
    DocumentCode,
    IssuingState,
    Nationality,
    Name,
    DocumentNumber,
    BirthDate,
    ExpiryDate,
    Sex,
    Optional,
    Optional2
};

struct FieldSpec {
    std::string_view name;
    Span span;
    Kind kind;
};

struct CheckSpec {
    std::string_view name;
    std::array<Span, 4> data; // unused entries have length 0
    Span digit;
    std::array<std::string_view, 1> covers; // the field this check verifies on its own (none for the composite)
};

struct Layout {
    MrzFormat format;
    std::span<const FieldSpec> fields;
    std::span<const CheckSpec> checks;
    // Doc 9303 Parts 5 and 6: a document number longer than 9 characters has a filler in place of its
    // check digit and continues in the optional data, followed by its check digit and a filler.
    std::optional<Span> longNumberOptional;
};

constexpr FieldSpec kTd3Fields[] = {
    {"document_code", {0, 0, 2}, Kind::DocumentCode},
    {"issuing_state", {0, 2, 3}, Kind::IssuingState},
    {"name", {0, 5, 39}, Kind::Name},
    {"document_number", {1, 0, 9}, Kind::DocumentNumber},
    {"nationality", {1, 10, 3}, Kind::Nationality},
    {"birth_date", {1, 13, 6}, Kind::BirthDate},
    {"sex", {1, 20, 1}, Kind::Sex},
    {"expiry_date", {1, 21, 6}, Kind::ExpiryDate},
    {"optional_data", {1, 28, 14}, Kind::Optional},
};
constexpr CheckSpec kTd3Checks[] = {
    {"document_number", {{{1, 0, 9}}}, {1, 9, 1}, {"document_number"}},
    {"birth_date", {{{1, 13, 6}}}, {1, 19, 1}, {"birth_date"}},
    {"expiry_date", {{{1, 21, 6}}}, {1, 27, 1}, {"expiry_date"}},
    {"optional_data", {{{1, 28, 14}}}, {1, 42, 1}, {"optional_data"}},
    {"composite", {{{1, 0, 10}, {1, 13, 7}, {1, 21, 22}}}, {1, 43, 1}, {}},
};

constexpr FieldSpec kMrvaFields[] = {
    {"document_code", {0, 0, 2}, Kind::DocumentCode},
    {"issuing_state", {0, 2, 3}, Kind::IssuingState},
    {"name", {0, 5, 39}, Kind::Name},
    {"document_number", {1, 0, 9}, Kind::DocumentNumber},
    {"nationality", {1, 10, 3}, Kind::Nationality},
    {"birth_date", {1, 13, 6}, Kind::BirthDate},
    {"sex", {1, 20, 1}, Kind::Sex},
    {"expiry_date", {1, 21, 6}, Kind::ExpiryDate},
    {"optional_data", {1, 28, 16}, Kind::Optional},
};
constexpr CheckSpec kMrvChecks[] = {
    {"document_number", {{{1, 0, 9}}}, {1, 9, 1}, {"document_number"}},
    {"birth_date", {{{1, 13, 6}}}, {1, 19, 1}, {"birth_date"}},
    {"expiry_date", {{{1, 21, 6}}}, {1, 27, 1}, {"expiry_date"}},
};

constexpr FieldSpec kTd2Fields[] = {
    {"document_code", {0, 0, 2}, Kind::DocumentCode},
    {"issuing_state", {0, 2, 3}, Kind::IssuingState},
    {"name", {0, 5, 31}, Kind::Name},
    {"document_number", {1, 0, 9}, Kind::DocumentNumber},
    {"nationality", {1, 10, 3}, Kind::Nationality},
    {"birth_date", {1, 13, 6}, Kind::BirthDate},
    {"sex", {1, 20, 1}, Kind::Sex},
    {"expiry_date", {1, 21, 6}, Kind::ExpiryDate},
    {"optional_data", {1, 28, 7}, Kind::Optional},
};
constexpr CheckSpec kTd2Checks[] = {
    {"document_number", {{{1, 0, 9}}}, {1, 9, 1}, {"document_number"}},
    {"birth_date", {{{1, 13, 6}}}, {1, 19, 1}, {"birth_date"}},
    {"expiry_date", {{{1, 21, 6}}}, {1, 27, 1}, {"expiry_date"}},
    {"composite", {{{1, 0, 10}, {1, 13, 7}, {1, 21, 14}}}, {1, 35, 1}, {}},
};

constexpr FieldSpec kMrvbFields[] = {
    {"document_code", {0, 0, 2}, Kind::DocumentCode},
    {"issuing_state", {0, 2, 3}, Kind::IssuingState},
    {"name", {0, 5, 31}, Kind::Name},
    {"document_number", {1, 0, 9}, Kind::DocumentNumber},
    {"nationality", {1, 10, 3}, Kind::Nationality},
    {"birth_date", {1, 13, 6}, Kind::BirthDate},
    {"sex", {1, 20, 1}, Kind::Sex},
    {"expiry_date", {1, 21, 6}, Kind::ExpiryDate},
    {"optional_data", {1, 28, 8}, Kind::Optional},
};

constexpr FieldSpec kTd1Fields[] = {
    {"document_code", {0, 0, 2}, Kind::DocumentCode},     {"issuing_state", {0, 2, 3}, Kind::IssuingState},
    {"document_number", {0, 5, 9}, Kind::DocumentNumber}, {"optional_data", {0, 15, 15}, Kind::Optional},
    {"birth_date", {1, 0, 6}, Kind::BirthDate},           {"sex", {1, 7, 1}, Kind::Sex},
    {"expiry_date", {1, 8, 6}, Kind::ExpiryDate},         {"nationality", {1, 15, 3}, Kind::Nationality},
    {"optional_data_2", {1, 18, 11}, Kind::Optional2},    {"name", {2, 0, 30}, Kind::Name},
};
constexpr CheckSpec kTd1Checks[] = {
    {"document_number", {{{0, 5, 9}}}, {0, 14, 1}, {"document_number"}},
    {"birth_date", {{{1, 0, 6}}}, {1, 6, 1}, {"birth_date"}},
    {"expiry_date", {{{1, 8, 6}}}, {1, 14, 1}, {"expiry_date"}},
    {"composite", {{{0, 5, 25}, {1, 0, 7}, {1, 8, 7}, {1, 18, 11}}}, {1, 29, 1}, {}},
};

const Layout& layoutFor(MrzFormat format) {
    static const Layout td1{MrzFormat::TD1, kTd1Fields, kTd1Checks, Span{0, 15, 15}};
    static const Layout td2{MrzFormat::TD2, kTd2Fields, kTd2Checks, Span{1, 28, 7}};
    static const Layout td3{MrzFormat::TD3, kTd3Fields, kTd3Checks, std::nullopt};
    static const Layout mrva{MrzFormat::MRVA, kMrvaFields, kMrvChecks, std::nullopt};
    static const Layout mrvb{MrzFormat::MRVB, kMrvbFields, kMrvChecks, std::nullopt};
    switch (format) {
    case MrzFormat::TD1: return td1;
    case MrzFormat::TD2: return td2;
    case MrzFormat::TD3: return td3;
    case MrzFormat::MRVA: return mrva;
    case MrzFormat::MRVB: return mrvb;
    }
    return td3;
}

/// The layout field a check verifies on its own (its "covers" entry), or -1; worked out once per layout.
int coveredSpec(const Layout& layout, std::size_t check) {
    static const auto table = [] {
        std::array<std::array<int, 8>, 5> t{};
        for (auto format : {MrzFormat::TD1, MrzFormat::TD2, MrzFormat::TD3, MrzFormat::MRVA, MrzFormat::MRVB}) {
            const Layout& l = layoutFor(format);
            auto& row = t[static_cast<std::size_t>(format)];
// GCC 12 at -O3: bogus -Wstringop-overflow past `t` once the loop over the five formats is unrolled
// (`format` is one of them; see GCC's -Wstringop-overflow false-positive meta-bug 88443).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
            row.fill(-1);
#pragma GCC diagnostic pop
            for (std::size_t c = 0; c < l.checks.size(); ++c)
                for (std::size_t f = 0; f < l.fields.size() && !l.checks[c].covers[0].empty(); ++f)
                    if (l.fields[f].name == l.checks[c].covers[0]) row[c] = static_cast<int>(f);
        }
        return t;
    }();
    return table[static_cast<std::size_t>(layout.format)][check];
}

// ----- helpers -----------------------------------------------------------------------------------------

std::string_view at(const std::vector<std::string>& lines, Span s) {
    return std::string_view(lines[static_cast<std::size_t>(s.line)])
        .substr(static_cast<std::size_t>(s.start), static_cast<std::size_t>(s.length));
}

/// 7-3-1 check digit over several spans in a row, without joining them.
/// 7-3-1 check digit over several spans in a row, without joining them. The characters were validated
/// on entry to parseMrzInto, so no per-character check here.
char checkDigitOver(const std::vector<std::string>& lines, const std::array<Span, 4>& spans) {
    static constexpr int kWeights[5] = {7, 3, 1, 7, 3};
    int sum = 0, phase = 0;
    for (const Span& s : spans) {
        if (s.length <= 0) continue;
        const std::string_view data = at(lines, s);
        std::size_t i = 0;
        for (; i < data.size() && phase != 0; ++i, phase = (phase + 1) % 3)
            sum += detail::kMrzValues.v[static_cast<unsigned char>(data[i])] * kWeights[phase];
        for (; i + 3 <= data.size(); i += 3)
            sum += 7 * detail::kMrzValues.v[static_cast<unsigned char>(data[i])] +
                   3 * detail::kMrzValues.v[static_cast<unsigned char>(data[i + 1])] +
                   detail::kMrzValues.v[static_cast<unsigned char>(data[i + 2])];
        for (; i < data.size(); ++i, phase = (phase + 1) % 3)
            sum += detail::kMrzValues.v[static_cast<unsigned char>(data[i])] * kWeights[phase];
    }
    return static_cast<char>('0' + sum % 10);
}

/// Copies into a string that already has the room (the common case for a reused document) without the
/// general assign path; falls back to assign otherwise.
void put(std::string& target, std::string_view value) {
    if (target.capacity() >= value.size()) {
        target.resize(value.size());
        if (!value.empty()) std::memcpy(target.data(), value.data(), value.size());
    } else {
        target.assign(value);
    }
}

/// Assigns unless equal: a reused document mostly holds the same names already.
void assignIfDifferent(std::string& target, std::string_view value) {
    if (target != value) put(target, value);
}

bool allFillers(std::string_view s) {
    return s.find_first_not_of('<') == std::string_view::npos;
}

/// Without trailing fillers.
std::string_view trimFillers(std::string_view s) {
    const auto end = s.find_last_not_of('<');
    return end == std::string_view::npos ? std::string_view{} : s.substr(0, end + 1);
}

/// Fillers to single spaces, trimmed, into `out`: "VAN<DER<BERG" -> "VAN DER BERG".
void fillersToSpaces(std::string_view s, std::string& out) {
    char buffer[64];
    std::size_t n = 0;
    bool space = false;
    for (char c : s) {
        if (c == '<') {
            space = n > 0;
        } else {
            if (space && n < sizeof buffer) buffer[n++] = ' ';
            if (n < sizeof buffer) buffer[n++] = c;
            space = false;
        }
    }
    put(out, std::string_view(buffer, n));
}

std::string position(int line, int col) {
    return "line " + std::to_string(line) + ", position " + std::to_string(col);
}

/// Fills a TravelDocument in place, reusing the strings and vectors it already holds, so parsing many
/// MRZs into one document allocates nothing in the steady state.
struct Builder {
    TravelDocument& doc;
    const ParseOptions& options;
    std::size_t fieldCount = 0;
    std::size_t checkCount = 0;

    void finding(std::string_view field, FindingCode code, Severity severity, std::string message) {
        doc.findings.push_back({std::string(field), code, severity, std::move(message)});
    }

    /// The next field, its value cleared for the caller to write.
    Field& addField(std::string_view name, std::string_view raw, int line0, int col0) {
        Field& f = fieldCount < doc.fields.size() ? doc.fields[fieldCount] : doc.fields.emplace_back();
        ++fieldCount;
        assignIfDifferent(f.name, name);
        put(f.raw, raw);
        f.line = line0 + 1;
        f.position = col0 + 1;
        f.checkDigitVerified = false;
        f.confidence = 1.0;
        return f; // the caller sets value and description
    }

    void nameField(const FieldSpec& spec, std::string_view raw) {
        const auto sep = raw.find("<<");
        std::string_view primaryRaw = raw.substr(0, sep);
        if (sep == std::string_view::npos) primaryRaw = trimFillers(primaryRaw);
        Field& surname = addField("surname", primaryRaw, spec.span.line, spec.span.start);
        surname.description.clear();
        fillersToSpaces(primaryRaw, surname.value);
        std::string_view secondaryRaw;
        int secondaryCol = spec.span.start + static_cast<int>(primaryRaw.size());
        if (sep != std::string_view::npos) {
            secondaryRaw = raw.substr(sep + 2);
            secondaryCol = spec.span.start + static_cast<int>(sep) + 2;
        }
        Field& given = addField("given_names", secondaryRaw, spec.span.line, secondaryCol);
        given.description.clear();
        fillersToSpaces(secondaryRaw, given.value);
        if (surname.value.empty())
            finding("surname", FindingCode::NameMissing, Severity::Error,
                    "primary identifier is empty at " + position(spec.span.line + 1, spec.span.start + 1));
        if (raw.back() != '<')
            finding("name", FindingCode::NamePossiblyTruncated, Severity::Warning,
                    "name field is full; the name may have been truncated");
    }

    void countryField(const FieldSpec& spec, std::string_view raw) {
        const std::string_view value = trimFillers(raw);
        Field& field = addField(spec.name, raw, spec.span.line, spec.span.start);
        put(field.value, value);
        std::string_view description;
        bool letters = !value.empty(); // trailing fillers are trimmed; an inner filler fails below
        for (char c : value)
            if (c < 'A' || c > 'Z') letters = false;
        if (!letters) {
            finding(spec.name, FindingCode::CountryCodeMalformed, Severity::Error,
                    std::string(spec.name) + " is not a letter code at " +
                        position(spec.span.line + 1, spec.span.start + 1));
        } else if (const auto info = lookupCode(value)) {
            description = info->name;
            if (info->kind == CodeKind::Historic)
                finding(spec.name, FindingCode::CountryCodeHistoric, Severity::Warning,
                        std::string(spec.name) + " is a code no longer assigned");
            else if (info->kind == CodeKind::Specimen)
                finding(spec.name, FindingCode::SpecimenCode, Severity::Info,
                        std::string(spec.name) + " is the specimen state UTO");
        } else {
            finding(spec.name, FindingCode::CountryCodeUnknown, Severity::Warning,
                    std::string(spec.name) + " is not a known ICAO code at " +
                        position(spec.span.line + 1, spec.span.start + 1));
        }
        assignIfDifferent(field.description, description);
    }

    void dateField(const FieldSpec& spec, std::string_view raw) {
        const bool birth = spec.kind == Kind::BirthDate;
        const auto reading = detail::readMrzDate(raw, birth ? detail::DateKind::Birth : detail::DateKind::Expiry,
                                                 options.inspectionDate);
        Field& field = addField(spec.name, raw, spec.span.line, spec.span.start);
        field.description.clear();
        if (reading.wellFormed)
            reading.date.isoInto(field.value);
        else
            field.value.clear();
        (birth ? doc.birthDate : doc.expiryDate) = reading.date;
        const std::string_view name = spec.name;
        if (!reading.wellFormed) {
            finding(name, birth ? FindingCode::BirthDateMalformed : FindingCode::ExpiryDateMalformed, Severity::Error,
                    std::string(name) + " is not a YYMMDD date at " +
                        position(spec.span.line + 1, spec.span.start + 1));
            return;
        }
        if (!reading.possible) {
            finding(name, birth ? FindingCode::BirthDateImpossible : FindingCode::ExpiryDateImpossible, Severity::Error,
                    std::string(name) + " names a month or day that does not exist at " +
                        position(spec.span.line + 1, spec.span.start + 1));
        }
        if (!reading.date.complete()) {
            finding(name, birth ? FindingCode::BirthDatePartlyUnknown : FindingCode::ExpiryDatePartlyUnknown,
                    birth ? Severity::Info : Severity::Warning, std::string(name) + " is partly unknown");
            return;
        }
        using namespace std::chrono;
        const sys_days date{year{*reading.date.year} / month{static_cast<unsigned>(*reading.date.month)} /
                            day{static_cast<unsigned>(*reading.date.day)}};
        if (birth) {
            const year_month_day b{date}, t{options.inspectionDate};
            int age = static_cast<int>(t.year()) - static_cast<int>(b.year());
            if (t.month() < b.month() || (t.month() == b.month() && t.day() < b.day())) --age;
            doc.ageAtInspection = age;
        } else {
            doc.daysToExpiry = static_cast<int>((date - options.inspectionDate).count());
            if (date < options.inspectionDate)
                finding("expiry_date", FindingCode::DocumentExpired, Severity::Warning, "document has expired");
            else if (date - options.inspectionDate <= days{options.expiresSoonDays})
                finding("expiry_date", FindingCode::DocumentExpiresSoon, Severity::Info,
                        "document expires within " + std::to_string(options.expiresSoonDays) + " days");
        }
    }

    void sexField(const FieldSpec& spec, std::string_view raw) {
        const char c = raw[0];
        Field& field = addField(spec.name, raw, spec.span.line, spec.span.start);
        put(field.value, c == '<' ? std::string_view{} : raw);
        assignIfDifferent(field.description, c == 'M'               ? "male"
                                             : c == 'F'             ? "female"
                                             : c == 'X' || c == '<' ? "unspecified"
                                                                    : "");
        if (c == 'X')
            finding("sex", FindingCode::SexUnspecifiedX, Severity::Info, "sex is X (unspecified), accepted");
        else if (c != 'M' && c != 'F' && c != '<')
            finding("sex", FindingCode::SexInvalid, Severity::Error,
                    "sex is not M, F, X or filler at " + position(spec.span.line + 1, spec.span.start + 1));
    }

    void addCheck(std::string_view name, CheckStatus status, int line0, int col0) {
        CheckResult& c = checkCount < doc.checks.size() ? doc.checks[checkCount] : doc.checks.emplace_back();
        ++checkCount;
        assignIfDifferent(c.name, name);
        c.status = status;
        c.line = line0 + 1;
        c.position = col0 + 1;
    }
};

CheckStatus evaluate(std::string_view data, char digit) {
    if (digit == '<' && allFillers(data)) return CheckStatus::NotApplicable;
    const auto expected = computeCheckDigit(data);
    return expected && *expected == digit ? CheckStatus::Pass : CheckStatus::Fail;
}

} // namespace

namespace detail {

CharClass charClassAt(MrzFormat format, int line, int column) {
    const Layout& layout = layoutFor(format);
    for (const CheckSpec& c : layout.checks)
        if (c.digit.line == line && c.digit.start == column) return CharClass::Digit;
    for (const FieldSpec& f : layout.fields) {
        if (f.span.line != line || column < f.span.start || column >= f.span.start + f.span.length) continue;
        switch (f.kind) {
        case Kind::BirthDate:
        case Kind::ExpiryDate: return CharClass::Digit;
        case Kind::DocumentNumber:
        case Kind::Optional:
        case Kind::Optional2: return CharClass::AlphaNum;
        default: return CharClass::Letter;
        }
    }
    return CharClass::AlphaNum;
}

const std::vector<CheckGeometry>& checkGeometry(MrzFormat format) {
    static const auto all = [] {
        std::array<std::vector<CheckGeometry>, 5> out;
        for (auto f : {MrzFormat::TD1, MrzFormat::TD2, MrzFormat::TD3, MrzFormat::MRVA, MrzFormat::MRVB}) {
            for (const CheckSpec& c : layoutFor(f).checks) {
                CheckGeometry g;
                g.name = c.name;
                g.digit = {c.digit.line, c.digit.start};
                g.composite = c.name == "composite";
                for (const Span& s : c.data)
                    for (int k = 0; k < s.length; ++k) g.data.emplace_back(s.line, s.start + k);
                out[static_cast<std::size_t>(f)].push_back(std::move(g));
            }
        }
        return out;
    }();
    return all[static_cast<std::size_t>(format)];
}

} // namespace detail

// ----- public API ----------------------------------------------------------------------------------------

core::Status splitMrzLinesInto(std::string_view text, std::vector<std::string>& lines) {
    if (text.size() > kMaxMrzTextBytes)
        return fail(ErrorCode::MrzTooLong, "input of " + std::to_string(text.size()) + " bytes is longer than an MRZ");
    // Trimmed lines as views first (no allocation), leading blank lines skipped.
    constexpr std::size_t kMaxLines = 32;
    std::array<std::string_view, kMaxLines> views;
    std::size_t count = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const auto first = line.find_first_not_of(" \t");
        const auto last = line.find_last_not_of(" \t");
        line = first == std::string_view::npos ? std::string_view{} : line.substr(first, last - first + 1);
        if (count > 0 || !line.empty()) {
            if (count == kMaxLines) {
                // Only trailing blank lines may follow a full set.
                if (!line.empty()) return fail(ErrorCode::MrzLineCount, "too many lines for an MRZ");
            } else {
                views[count++] = line;
            }
        }
        start = end + 1;
    }
    while (count > 0 && views[count - 1].empty()) --count;
    if (count == 0) return fail(ErrorCode::MrzEmpty, "no MRZ text");
    for (std::size_t i = 0; i < count; ++i) {
        if (views[i].empty())
            return fail(ErrorCode::MrzLineCount, "blank line inside the MRZ at line " + std::to_string(i + 1));
        for (std::size_t j = 0; j < views[i].size(); ++j) {
            const auto c = static_cast<unsigned char>(views[i][j]);
            if (detail::kMrzValues.v[c] >= 0) continue;
            const char* what = c >= 0x80               ? "non-ASCII byte"
                               : c < 0x20 || c == 0x7f ? "control character"
                               : c == ' ' || c == '\t' ? "space"
                               : c >= 'a' && c <= 'z'  ? "lowercase letter"
                                                       : "character outside A-Z, 0-9 and '<'";
            return fail(ErrorCode::MrzCharacter,
                        std::string(what) + " at " + position(static_cast<int>(i) + 1, static_cast<int>(j) + 1));
        }
    }
    lines.resize(count);
    for (std::size_t i = 0; i < count; ++i) put(lines[i], views[i]);
    return {};
}

Result<std::vector<std::string>> splitMrzLines(std::string_view text) {
    std::vector<std::string> lines;
    if (auto s = splitMrzLinesInto(text, lines); !s) return fail(s.error());
    return lines;
}

Result<MrzFormat> detectFormat(const std::vector<std::string>& lines) {
    if (lines.size() != 2 && lines.size() != 3)
        return fail(ErrorCode::MrzLineCount, "an MRZ has 2 or 3 lines, got " + std::to_string(lines.size()));
    const std::size_t len = lines[0].size();
    for (std::size_t i = 1; i < lines.size(); ++i)
        if (lines[i].size() != len)
            return fail(ErrorCode::MrzLineLength, "line " + std::to_string(i + 1) + " has " +
                                                      std::to_string(lines[i].size()) + " characters, line 1 has " +
                                                      std::to_string(len));
    if (lines.size() == 3) {
        if (len == 30) return MrzFormat::TD1;
        return fail(ErrorCode::MrzLineLength, "3-line MRZ needs 30 characters a line, got " + std::to_string(len));
    }
    const bool visa = !lines[0].empty() && lines[0][0] == 'V';
    if (len == 44) return visa ? MrzFormat::MRVA : MrzFormat::TD3;
    if (len == 36) return visa ? MrzFormat::MRVB : MrzFormat::TD2;
    return fail(ErrorCode::MrzLineLength, "2-line MRZ needs 36 or 44 characters a line, got " + std::to_string(len));
}

core::Status parseMrzInto(const std::vector<std::string>& lines, const ParseOptions& options, TravelDocument& doc) {
    for (std::size_t i = 0; i < lines.size() && i < 4; ++i) {
        // Branch-free scan: a character outside the alphabet has table value -1, which ORs in the sign bit.
        const char* p = lines[i].data();
        const std::size_t n = lines[i].size();
        int bad = 0;
        for (std::size_t j = 0; j < n; ++j) bad |= detail::kMrzValues.v[static_cast<unsigned char>(p[j])];
        if (bad < 0) {
            for (std::size_t j = 0; j < n; ++j)
                if (detail::kMrzValues.v[static_cast<unsigned char>(p[j])] < 0)
                    return fail(ErrorCode::MrzCharacter,
                                "character outside A-Z, 0-9 and '<' at " +
                                    position(static_cast<int>(i) + 1, static_cast<int>(j) + 1));
        }
    }
    auto format = detectFormat(lines);
    if (!format) return fail(format.error());
    const Layout& layout = layoutFor(*format);

    Builder b{doc, options};
    doc.format = *format;
    doc.lines = lines;
    doc.findings.clear();
    doc.ageAtInspection.reset();
    doc.daysToExpiry.reset();

    // A long document number (TD1, TD2) continues in the optional data.
    std::optional<std::string> longNumber;
    std::optional<Span> longDigit;
    std::optional<Span> optionalRest;
    const CheckSpec& numberCheck = layout.checks[0];
    if (layout.longNumberOptional && at(lines, numberCheck.digit) == "<") {
        const Span opt = *layout.longNumberOptional;
        const std::string_view optional = at(lines, opt);
        const auto filler = optional.find('<');
        const std::size_t used = filler == std::string_view::npos ? optional.size() : filler;
        if (used >= 1 && !allFillers(optional)) {
            longNumber = std::string(at(lines, {numberCheck.data[0].line, numberCheck.data[0].start, 9}));
            longNumber->append(optional.substr(0, used - 1));
            longDigit = Span{opt.line, opt.start + static_cast<int>(used) - 1, 1};
            const int restStart = opt.start + static_cast<int>(std::min(used + 1, optional.size()));
            optionalRest = Span{opt.line, restStart, opt.start + opt.length - restStart};
        }
    }

    // Which field each layout entry became, for the checks that verify it.
    std::array<std::size_t, 12> fieldOfSpec{};
    std::size_t specIndex = 0;

    for (const FieldSpec& spec : layout.fields) {
        std::string_view raw = at(lines, spec.span);
        switch (spec.kind) {
        case Kind::DocumentCode: {
            Field& f = b.addField(spec.name, raw, spec.span.line, spec.span.start);
            put(f.value, trimFillers(raw));
            assignIfDifferent(f.description, documentCodeMeaning(f.value));
            const char first = raw[0];
            if (first < 'A' || first > 'Z')
                b.finding("document_code", FindingCode::DocumentCodeInvalid, Severity::Error,
                          "document code does not start with a letter");
            else if (*format == MrzFormat::TD3 && first != 'P')
                b.finding("document_code", FindingCode::DocumentCodeUnexpected, Severity::Warning,
                          "a 2x44 MRZ that is not a visa should be a passport (P)");
            break;
        }
        case Kind::IssuingState:
        case Kind::Nationality: b.countryField(spec, raw); break;
        case Kind::Name: b.nameField(spec, raw); break;
        case Kind::DocumentNumber: {
            if (longNumber) raw = *longNumber;
            Field& f = b.addField(spec.name, raw, spec.span.line, spec.span.start);
            put(f.value, trimFillers(raw));
            f.description.clear();
            if (f.value.empty())
                b.finding("document_number", FindingCode::DocumentNumberMissing, Severity::Error,
                          "document number is empty");
            break;
        }
        case Kind::BirthDate:
        case Kind::ExpiryDate: b.dateField(spec, raw); break;
        case Kind::Sex: b.sexField(spec, raw); break;
        case Kind::Optional:
        case Kind::Optional2: {
            Span where = spec.span;
            if (longNumber && layout.longNumberOptional && spec.span.line == layout.longNumberOptional->line &&
                spec.span.start == layout.longNumberOptional->start) {
                where = *optionalRest;
                raw = where.length > 0 ? at(lines, where) : std::string_view{};
            }
            Field& f = b.addField(spec.name, raw, where.line, where.start);
            f.description.clear();
            fillersToSpaces(raw, f.value);
            break;
        }
        }
        fieldOfSpec[specIndex++] = b.fieldCount - 1;
    }
    doc.fields.resize(b.fieldCount);

    for (const CheckSpec& spec : layout.checks) {
        Span digitAt = spec.digit;
        CheckStatus status = CheckStatus::Fail;
        if (&spec == &numberCheck && longNumber) {
            digitAt = *longDigit;
            status = evaluate(*longNumber, at(lines, digitAt)[0]);
        } else {
            const char digit = at(lines, digitAt)[0];
            bool fillersOnly = true;
            for (const Span& s : spec.data)
                if (s.length > 0 && !allFillers(at(lines, s))) fillersOnly = false;
            if (digit == '<' && fillersOnly) {
                status = CheckStatus::NotApplicable;
            } else {
                status = checkDigitOver(lines, spec.data) == digit ? CheckStatus::Pass : CheckStatus::Fail;
            }
        }
        b.addCheck(spec.name, status, digitAt.line, digitAt.start);
        if (status == CheckStatus::Fail)
            b.finding(spec.name, FindingCode::CheckDigitMismatch, Severity::Error,
                      std::string(spec.name) + " check digit mismatch at " +
                          position(digitAt.line + 1, digitAt.start + 1));
        const int covered = coveredSpec(layout, static_cast<std::size_t>(&spec - layout.checks.data()));
        if (status == CheckStatus::Pass && covered >= 0)
            doc.fields[fieldOfSpec[static_cast<std::size_t>(covered)]].checkDigitVerified = true;
    }
    doc.checks.resize(b.checkCount);
    return {};
}

Result<TravelDocument> parseMrz(const std::vector<std::string>& lines, const ParseOptions& options) {
    TravelDocument doc;
    if (auto s = parseMrzInto(lines, options, doc); !s) return fail(s.error());
    return doc;
}

Result<TravelDocument> parseMrzText(std::string_view text, const ParseOptions& options) {
    auto lines = splitMrzLines(text);
    if (!lines) return fail(lines.error());
    return parseMrz(*lines, options);
}

} // namespace secondline::validation
