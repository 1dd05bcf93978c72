// libFuzzer target for the MRZ text parser and the name transliteration. Run with scripts/fuzz.sh.
// Besides crashes, leaks and undefined behaviour, it traps on broken invariants.

#include <secondline/validation/check_digit.h>
#include <secondline/validation/mrz_parser.h>
#include <secondline/validation/names.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace secondline::validation;

namespace {

void require(bool condition) {
    if (!condition) __builtin_trap();
}

void checkDocument(const TravelDocument& doc) {
    const MrzShape shape = shapeOf(doc.format);
    require(static_cast<int>(doc.lines.size()) == shape.lines);
    for (const auto& line : doc.lines) {
        require(static_cast<int>(line.size()) == shape.length);
        for (char c : line) require(isMrzChar(c));
    }
    for (const auto& f : doc.fields) {
        require(f.line >= 1 && f.line <= shape.lines);
        require(f.position >= 1 && f.position <= shape.length + 1);
        require(f.raw.size() <= 39 + 3); // a name zone, or a long document number
        if (f.checkDigitVerified) require(f.name != "surname" && f.name != "given_names");
    }
    for (const auto& c : doc.checks) {
        require(c.line >= 1 && c.line <= shape.lines && c.position >= 1 && c.position <= shape.length);
        if (c.status == CheckStatus::Pass) {
            const char digit =
                doc.lines[static_cast<std::size_t>(c.line - 1)][static_cast<std::size_t>(c.position - 1)];
            require(digit >= '0' && digit <= '9');
        }
    }
    require(doc.valid() == (doc.checksPass() && doc.valid()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    ParseOptions options;
    options.inspectionDate = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};

    auto doc = parseMrzText(text, options);
    if (doc) {
        checkDocument(*doc);
        // Parsing into a used document gives the same result as a fresh parse.
        static TravelDocument reused;
        auto lines = splitMrzLines(text);
        require(lines.has_value());
        require(parseMrzInto(*lines, options, reused).has_value());
        require(reused.fields.size() == doc->fields.size() && reused.checks.size() == doc->checks.size());
        for (std::size_t i = 0; i < doc->fields.size(); ++i) {
            require(reused.fields[i].value == doc->fields[i].value);
            require(reused.fields[i].checkDigitVerified == doc->fields[i].checkDigitVerified);
        }
        for (std::size_t i = 0; i < doc->checks.size(); ++i) require(reused.checks[i].status == doc->checks[i].status);
    }

    // Transliteration of arbitrary bytes yields MRZ characters or '?' only, and a bounded set.
    if (size <= 256) {
        const auto forms = transliterate(text, 8);
        require(!forms.empty() && forms.size() <= 8);
        for (const auto& f : forms)
            for (char c : f) require(isMrzChar(c) || c == '?');
        secondline::core::ignoreResult(compareName(text, text, true), "the fuzzer looks for crashes, not for answers");
    }
    return 0;
}
