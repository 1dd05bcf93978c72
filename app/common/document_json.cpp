#include "document_json.h"

#include <cmath>

namespace secondline::app {

using nlohmann::json;

json documentJson(const DocumentJsonParts& doc) {
    json fields = json::object();
    for (const auto& f : doc.fields) {
        auto& field = fields[std::string(f.name)];
        field = {{"raw", f.raw},           {"value", f.value},
                 {"line", f.line},         {"position", f.position},
                 {"verified", f.verified}, {"confidence", std::round(f.confidence * 1000.0) / 1000.0}};
        if (!f.description.empty()) field["description"] = f.description;
    }
    json checks = json::array();
    for (const auto& c : doc.checks)
        checks.push_back({{"name", c.name}, {"status", c.status}, {"line", c.line}, {"position", c.position}});
    json findings = json::array();
    for (const auto& f : doc.findings)
        findings.push_back({{"field", f.field}, {"code", f.code}, {"severity", f.severity}, {"message", f.message}});
    auto optional = [](const std::optional<int>& v) { return v ? json(*v) : json(nullptr); };
    return {{"format", doc.format},
            {"lines", doc.lines},
            {"fields", fields},
            {"checks", checks},
            {"findings", findings},
            {"valid", doc.valid},
            {"derived",
             {{"age_at_inspection", optional(doc.ageAtInspection)}, {"days_to_expiry", optional(doc.daysToExpiry)}}}};
}

json documentJson(const validation::TravelDocument& doc) {
    DocumentJsonParts parts;
    parts.format = validation::formatName(doc.format);
    parts.lines = doc.lines;
    for (const auto& f : doc.fields)
        parts.fields.push_back({.name = f.name,
                                .raw = f.raw,
                                .value = f.value,
                                .description = f.description,
                                .line = f.line,
                                .position = f.position,
                                .verified = f.checkDigitVerified,
                                .confidence = f.confidence});
    for (const auto& c : doc.checks)
        parts.checks.push_back(
            {.name = c.name, .status = validation::checkStatusName(c.status), .line = c.line, .position = c.position});
    for (const auto& f : doc.findings)
        parts.findings.push_back({.field = f.field,
                                  .code = validation::findingCodeName(f.code),
                                  .severity = validation::severityName(f.severity),
                                  .message = f.message});
    parts.valid = doc.valid();
    parts.ageAtInspection = doc.ageAtInspection;
    parts.daysToExpiry = doc.daysToExpiry;
    return documentJson(parts);
}

json errorJson(const core::Error& error) {
    return {{"code", core::errorCodeName(error.code)}, {"message", error.message}};
}

json readingJson(const std::string& source, const capture::MrzReading& reading) {
    json j = {{"source", source}, {"found", reading.found}};
    if (reading.document) {
        j.update(documentJson(*reading.document));
        j["lines"] = reading.lines;
        j["rotation"] = reading.rotation;
        j["zone"] = {{"x", reading.zone.x},
                     {"y", reading.zone.y},
                     {"width", reading.zone.width},
                     {"height", reading.zone.height}};
    } else {
        j["format"] = nullptr;
        j["lines"] = reading.lines;
        j["fields"] = json::object();
        j["checks"] = json::array();
        j["findings"] = json::array();
        j["valid"] = false;
    }
    if (reading.error) j["error"] = errorJson(*reading.error);
    if (!reading.found && reading.reason) j["reason"] = capture::readFailureName(*reading.reason);
    j["elapsed_ms"] = std::round(reading.elapsedMs * 10.0) / 10.0;
    return j;
}

std::string dumpLine(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace secondline::app
