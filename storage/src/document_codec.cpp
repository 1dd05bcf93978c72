#include "document_codec.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string_view>

namespace secondline::storage::detail {

using nlohmann::json;
using namespace secondline::validation;

namespace {

MrzDate dateFromJson(const json& j) {
    MrzDate d;
    if (j.contains("year")) d.year = j.at("year").get<int>();
    if (j.contains("month")) d.month = j.at("month").get<int>();
    if (j.contains("day")) d.day = j.at("day").get<int>();
    return d;
}

Severity severityFrom(const std::string& s) {
    if (s == "info") return Severity::Info;
    if (s == "warning") return Severity::Warning;
    return Severity::Error;
}

CheckStatus statusFrom(const std::string& s) {
    if (s == "pass") return CheckStatus::Pass;
    if (s == "not_applicable") return CheckStatus::NotApplicable;
    return CheckStatus::Fail;
}

} // namespace

namespace {

/// JSON string literal of `v` (UTF-8 passed through, quotes, backslashes and control bytes escaped).
void appendString(std::string& out, std::string_view v) {
    out += '"';
    for (char c : v) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\u00";
            out += kHex[u >> 4];
            out += kHex[u & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
}

void appendKey(std::string& out, std::string_view key) {
    appendString(out, key);
    out += ':';
}

void appendInt(std::string& out, long long v) {
    out += std::to_string(v);
}

void appendDate(std::string& out, const MrzDate& d) {
    out += '{';
    bool first = true;
    for (auto [key, value] : {std::pair{"year", d.year}, std::pair{"month", d.month}, std::pair{"day", d.day}}) {
        if (!value) continue;
        if (!first) out += ',';
        first = false;
        appendKey(out, key);
        appendInt(out, *value);
    }
    out += '}';
}

} // namespace

// Written directly rather than through a JSON tree: this runs for every stored record (ingest speed).
// decodeDocument reads it back with nlohmann::json; the round trip is tested.
std::string encodeDocument(const TravelDocument& doc) {
    std::string out;
    out.reserve(2048);
    out += "{\"v\":";
    appendInt(out, kDocumentCodecVersion);
    out += ",\"format\":";
    appendString(out, formatName(doc.format));
    out += ",\"lines\":[";
    for (std::size_t i = 0; i < doc.lines.size(); ++i) {
        if (i) out += ',';
        appendString(out, doc.lines[i]);
    }
    out += "],\"fields\":[";
    for (std::size_t i = 0; i < doc.fields.size(); ++i) {
        const Field& f = doc.fields[i];
        if (i) out += ',';
        out += '{';
        appendKey(out, "name");
        appendString(out, f.name);
        out += ',';
        appendKey(out, "raw");
        appendString(out, f.raw);
        out += ',';
        appendKey(out, "value");
        appendString(out, f.value);
        out += ",\"line\":";
        appendInt(out, f.line);
        out += ",\"position\":";
        appendInt(out, f.position);
        out += ",\"verified\":";
        out += f.checkDigitVerified ? "true" : "false";
        out += ",\"confidence\":";
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", f.confidence);
        out += buf;
        out += ',';
        appendKey(out, "description");
        appendString(out, f.description);
        out += '}';
    }
    out += "],\"checks\":[";
    for (std::size_t i = 0; i < doc.checks.size(); ++i) {
        const CheckResult& c = doc.checks[i];
        if (i) out += ',';
        out += '{';
        appendKey(out, "name");
        appendString(out, c.name);
        out += ',';
        appendKey(out, "status");
        appendString(out, checkStatusName(c.status));
        out += ",\"line\":";
        appendInt(out, c.line);
        out += ",\"position\":";
        appendInt(out, c.position);
        out += '}';
    }
    out += "],\"findings\":[";
    for (std::size_t i = 0; i < doc.findings.size(); ++i) {
        const Finding& f = doc.findings[i];
        if (i) out += ',';
        out += '{';
        appendKey(out, "field");
        appendString(out, f.field);
        out += ',';
        appendKey(out, "code");
        appendString(out, findingCodeName(f.code));
        out += ',';
        appendKey(out, "severity");
        appendString(out, severityName(f.severity));
        out += ',';
        appendKey(out, "message");
        appendString(out, f.message);
        out += '}';
    }
    out += "],\"birth_date\":";
    appendDate(out, doc.birthDate);
    out += ",\"expiry_date\":";
    appendDate(out, doc.expiryDate);
    if (doc.ageAtInspection) {
        out += ",\"age_at_inspection\":";
        appendInt(out, *doc.ageAtInspection);
    }
    if (doc.daysToExpiry) {
        out += ",\"days_to_expiry\":";
        appendInt(out, *doc.daysToExpiry);
    }
    out += '}';
    return out;
}

core::Result<TravelDocument> decodeDocument(const std::string& text) {
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return core::fail(core::ErrorCode::StoreCorrupt, "a stored document record does not decode");
    try {
        if (j.at("v").get<int>() > kDocumentCodecVersion)
            return core::fail(core::ErrorCode::StoreVersionTooNew, "a stored document record is from a newer version");
        TravelDocument doc;
        const auto format = formatFromName(j.at("format").get<std::string>());
        if (!format) return core::fail(core::ErrorCode::StoreCorrupt, "a stored document record has an unknown format");
        doc.format = *format;
        doc.lines = j.at("lines").get<std::vector<std::string>>();
        for (const auto& f : j.at("fields"))
            doc.fields.push_back(Field{f.at("name").get<std::string>(), f.at("raw").get<std::string>(),
                                       f.at("value").get<std::string>(), f.at("line").get<int>(),
                                       f.at("position").get<int>(), f.at("verified").get<bool>(),
                                       f.at("confidence").get<double>(), f.value("description", std::string{})});
        for (const auto& c : j.at("checks"))
            doc.checks.push_back(CheckResult{c.at("name").get<std::string>(),
                                             statusFrom(c.at("status").get<std::string>()), c.at("line").get<int>(),
                                             c.at("position").get<int>()});
        for (const auto& f : j.at("findings")) {
            // A name this version does not know is refused, not kept as "unknown": rectify() decodes and
            // re-encodes a record, and would otherwise overwrite the stored name.
            const auto code = findingCodeFrom(f.at("code").get<std::string>());
            if (!code)
                return core::fail(core::ErrorCode::StoreCorrupt,
                                  "a stored document record has an unknown finding code");
            doc.findings.push_back(Finding{f.at("field").get<std::string>(), *code,
                                           severityFrom(f.at("severity").get<std::string>()),
                                           f.at("message").get<std::string>()});
        }
        doc.birthDate = dateFromJson(j.at("birth_date"));
        doc.expiryDate = dateFromJson(j.at("expiry_date"));
        if (j.contains("age_at_inspection")) doc.ageAtInspection = j.at("age_at_inspection").get<int>();
        if (j.contains("days_to_expiry")) doc.daysToExpiry = j.at("days_to_expiry").get<int>();
        return doc;
    } catch (const json::exception&) {
        return core::fail(core::ErrorCode::StoreCorrupt, "a stored document record is missing a field");
    }
}

} // namespace secondline::storage::detail
