#include <secondline/validation/travel_document.h>

namespace secondline::validation {

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
