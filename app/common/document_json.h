#pragma once
// The command-line JSON contract for MRZ results (documented in README.md, "Command-line contract").
// Field names here are a public interface: add, never rename or remove.

#include <secondline/capture/mrz_reader.h>
#include <secondline/core/error.h>
#include <secondline/core/ids.h>
#include <secondline/validation/travel_document.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::app {

/// A document's parts as the JSON contract writes them, whatever model they come from (validation's
/// TravelDocument in-process, the client's Record read through the service): one function names the keys.
/// Views only: the strings must outlive the call.
struct DocumentJsonParts {
    struct Field {
        std::string_view name, raw, value, description;
        int line = 0;
        int position = 0;
        bool verified = false;
        double confidence = 1.0;
    };
    struct Check {
        std::string_view name, status;
        int line = 0;
        int position = 0;
    };
    struct Finding {
        std::string_view field, code, severity, message;
    };
    std::string_view format;
    std::vector<std::string> lines;
    std::vector<Field> fields;
    std::vector<Check> checks;
    std::vector<Finding> findings;
    bool valid = false;
    std::optional<int> ageAtInspection;
    std::optional<int> daysToExpiry;
};

/// {"format", "lines", "fields", "checks", "findings", "valid", "derived"} of a document's parts.
[[nodiscard]] nlohmann::json documentJson(const DocumentJsonParts& parts);

/// {"format", "lines", "fields", "checks", "findings", "valid", "derived"} of a parsed document.
[[nodiscard]] nlohmann::json documentJson(const validation::TravelDocument& document);

/// {"code", "message"}.
[[nodiscard]] nlohmann::json errorJson(const core::Error& error);

/// One `mrz read` result: source, found, format, lines, fields, checks, findings, valid, error, elapsed_ms.
[[nodiscard]] nlohmann::json readingJson(const std::string& source, const capture::MrzReading& reading);

/// One line of JSON, invalid UTF-8 replaced (input text may be hostile).
[[nodiscard]] std::string dumpLine(const nlohmann::json& j);

} // namespace secondline::app

/// Record, encounter and flag ids are written as the store's integer ({"record_id": 42}), as they always
/// were: the JSON contract does not change with the type.
template <class Tag>
struct nlohmann::adl_serializer<secondline::core::StrongId<Tag>> {
    static void to_json(nlohmann::json& j, secondline::core::StrongId<Tag> id) { j = id.value(); }
};
