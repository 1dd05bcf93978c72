#include <secondline/privacy/policy.h>

#include <policy_presets.h>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <chrono>

namespace secondline::privacy {

using core::ErrorCode;
using core::fail;
using nlohmann::json;

namespace {

/// Thrown inside parsing only and turned into PolicyInvalid at the boundary.
struct Invalid {
    std::string path;
    std::string what;
};

[[noreturn]] void invalid(const std::string& path, std::string what) {
    throw Invalid{path.empty() ? "/" : path, std::move(what)};
}

std::string jsonType(const json& j) {
    return j.type_name();
}

/// Checks that `j` is an object whose keys are all in `allowed` and that `required` are present.
void expectObject(const json& j, const std::string& path, std::initializer_list<std::string_view> required,
                  std::initializer_list<std::string_view> optional = {}) {
    if (!j.is_object()) invalid(path, "must be an object, not " + jsonType(j));
    for (const auto& [key, value] : j.items()) {
        const bool known = std::find(required.begin(), required.end(), key) != required.end() ||
                           std::find(optional.begin(), optional.end(), key) != optional.end();
        if (!known) invalid(path + "/" + key, "is not a known key here");
    }
    for (auto key : required)
        if (!j.contains(key)) invalid(path + "/" + std::string(key), "is required");
}

std::string str(const json& j, const std::string& path, std::size_t maxLength = 200, bool allowEmpty = false) {
    if (!j.is_string()) invalid(path, "must be a string, not " + jsonType(j));
    auto s = j.get<std::string>();
    if (!allowEmpty && s.empty()) invalid(path, "must not be empty");
    if (s.size() > maxLength) invalid(path, "is longer than " + std::to_string(maxLength) + " characters");
    for (char c : s)
        if (static_cast<unsigned char>(c) < 0x20) invalid(path, "contains a control character");
    return s;
}

/// Names of purposes, profiles, agreements and outcomes: a-z, 0-9, '_', '-' and '.'.
std::string identifier(const json& j, const std::string& path) {
    auto s = str(j, path, 64);
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
            invalid(path, "must use only a-z, 0-9, '_', '-' and '.'");
    return s;
}

int integer(const json& j, const std::string& path, int low, int high) {
    if (!j.is_number_integer()) invalid(path, "must be a whole number, not " + jsonType(j));
    const auto v = j.get<std::int64_t>();
    if (v < low || v > high) invalid(path, "must be between " + std::to_string(low) + " and " + std::to_string(high));
    return static_cast<int>(v);
}

bool boolean(const json& j, const std::string& path) {
    if (!j.is_boolean()) invalid(path, "must be true or false, not " + jsonType(j));
    return j.get<bool>();
}

const json& array(const json& j, const std::string& path, std::size_t maxItems = 1000) {
    if (!j.is_array()) invalid(path, "must be an array, not " + jsonType(j));
    if (j.size() > maxItems) invalid(path, "has more than " + std::to_string(maxItems) + " items");
    return j;
}

std::set<std::string> fieldSet(const json& j, const std::string& path) {
    std::set<std::string> out;
    const auto& names = policyFieldNames();
    std::size_t i = 0;
    for (const auto& item : array(j, path)) {
        const std::string at = path + "/" + std::to_string(i++);
        auto f = str(item, at, 64);
        if (std::find(names.begin(), names.end(), f) == names.end()) invalid(at, "\"" + f + "\" is not a record field");
        if (!out.insert(f).second) invalid(at, "\"" + f + "\" is listed twice");
    }
    return out;
}

Action action(const json& j, const std::string& path) {
    auto name = str(j, path, 64);
    auto a = actionFromName(name);
    if (!a) invalid(path, "\"" + name + "\" is not a permission");
    return *a;
}

std::set<Action> actionSet(const json& j, const std::string& path) {
    std::set<Action> out;
    std::size_t i = 0;
    for (const auto& item : array(j, path)) out.insert(action(item, path + "/" + std::to_string(i++)));
    return out;
}

std::optional<int> imageLimit(const json& images, const char* kind, const std::string& path) {
    if (!images.contains(kind)) return std::nullopt;
    const std::string at = path + "/" + kind;
    expectObject(images.at(kind), at, {"max_side"});
    return integer(images.at(kind).at("max_side"), at + "/max_side", 64, 8000);
}

std::array<std::uint8_t, 32> publicKey(const json& j, const std::string& path) {
    auto hex = str(j, path, 64);
    std::array<std::uint8_t, 32> key{};
    std::size_t length = 0;
    if (hex.size() != 64 ||
        sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &length, nullptr) != 0 ||
        length != key.size())
        invalid(path, "must be a 32-byte X25519 public key in 64 hex digits");
    return key;
}

std::string hashHex(std::string_view bytes) {
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                       nullptr, 0);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

} // namespace

const std::vector<std::string>& policyFieldNames() {
    static const std::vector<std::string> kNames = {"document_code",   "issuing_state", "surname",        "given_names",
                                                    "document_number", "nationality",   "birth_date",     "sex",
                                                    "expiry_date",     "optional_data", "optional_data_2"};
    return kNames;
}

core::Result<Policy> Policy::parse(std::string_view bytes) {
    if (sodium_init() < 0) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    if (bytes.size() > kMaxPolicyBytes) return fail(ErrorCode::PolicyInvalid, "policy pack is larger than 1 MiB");
    json root = json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (root.is_discarded()) return fail(ErrorCode::PolicyInvalid, "policy pack is not valid JSON");
    Policy p;
    try {
        expectObject(root, "",
                     {"format", "name", "version", "roles", "purposes", "minimization", "retention", "sharing",
                      "sessions", "breakglass"},
                     {"description", "statistics"});
        if (str(root.at("format"), "/format") != kPolicyFormat)
            invalid("/format", "must be \"" + std::string(kPolicyFormat) + "\" (this SecondLine reads that format)");
        p.m_name = identifier(root.at("name"), "/name");
        p.m_version = str(root.at("version"), "/version", 64);
        if (root.contains("description"))
            core::ignoreResult(str(root.at("description"), "/description", 2000, true),
                               "checked for type and length only: the pack keeps no description");

        const json& roles = root.at("roles");
        expectObject(roles, "/roles", {"officer", "supervisor", "trainer", "auditor", "administrator"});
        for (Role role : kAllRoles) {
            const std::string at = "/roles/" + std::string(roleName(role));
            auto actions = actionSet(roles.at(std::string(roleName(role))), at);
            if (role == Role::Auditor || role == Role::Administrator)
                for (Action a : actions)
                    if (touchesPersonalData(a))
                        invalid(at, "the " + std::string(roleName(role)) + " may not hold " +
                                        std::string(actionName(a)) + ": it reaches personal data only by break-glass");
            p.m_permissions[role] = std::move(actions);
        }

        std::size_t i = 0;
        for (const auto& item : array(root.at("minimization"), "/minimization", 100)) {
            const std::string at = "/minimization/" + std::to_string(i++);
            expectObject(item, at, {"name", "fields", "raw_mrz", "images"});
            MinimizationProfile prof;
            prof.name = identifier(item.at("name"), at + "/name");
            prof.fields = fieldSet(item.at("fields"), at + "/fields");
            prof.rawMrz = boolean(item.at("raw_mrz"), at + "/raw_mrz");
            if (prof.rawMrz && prof.fields.size() != policyFieldNames().size())
                invalid(at + "/raw_mrz", "the MRZ lines hold every field: keep them only when every field is kept");
            expectObject(item.at("images"), at + "/images", {}, {"document", "portrait"});
            prof.documentImageMaxSide = imageLimit(item.at("images"), "document", at + "/images");
            prof.portraitMaxSide = imageLimit(item.at("images"), "portrait", at + "/images");
            for (const auto& other : p.m_profiles)
                if (other.name == prof.name) invalid(at + "/name", "profile \"" + prof.name + "\" is defined twice");
            p.m_profiles.push_back(std::move(prof));
        }
        if (p.m_profiles.empty()) invalid("/minimization", "needs at least one profile");

        i = 0;
        for (const auto& item : array(root.at("purposes"), "/purposes", 100)) {
            const std::string at = "/purposes/" + std::to_string(i++);
            expectObject(item, at, {"name", "legal_basis", "profile"});
            Purpose purpose;
            purpose.name = identifier(item.at("name"), at + "/name");
            purpose.legalBasis = str(item.at("legal_basis"), at + "/legal_basis", 500);
            purpose.profile = identifier(item.at("profile"), at + "/profile");
            if (std::none_of(p.m_profiles.begin(), p.m_profiles.end(),
                             [&](const auto& prof) { return prof.name == purpose.profile; }))
                invalid(at + "/profile", "names no profile of /minimization");
            if (p.purpose(purpose.name)) invalid(at + "/name", "purpose \"" + purpose.name + "\" is defined twice");
            p.m_purposes.push_back(std::move(purpose));
        }
        if (p.m_purposes.empty()) invalid("/purposes", "needs at least one purpose");

        const json& retention = root.at("retention");
        expectObject(retention, "/retention",
                     {"rules", "default_days", "erasable_outcomes", "purge_on_open", "purge_interval_minutes"});
        i = 0;
        for (const auto& item : array(retention.at("rules"), "/retention/rules", 100)) {
            const std::string at = "/retention/rules/" + std::to_string(i++);
            expectObject(item, at, {"outcome", "days"});
            RetentionRule rule{identifier(item.at("outcome"), at + "/outcome"),
                               integer(item.at("days"), at + "/days", 0, 36500)};
            if (p.knownOutcome(rule.outcome))
                invalid(at + "/outcome", "outcome \"" + rule.outcome + "\" has two rules");
            p.m_rules.push_back(std::move(rule));
        }
        if (!p.knownOutcome("open")) invalid("/retention/rules", "needs a rule for the outcome \"open\"");
        p.m_defaultDays = integer(retention.at("default_days"), "/retention/default_days", 0, 36500);
        i = 0;
        for (const auto& item : array(retention.at("erasable_outcomes"), "/retention/erasable_outcomes", 100)) {
            const std::string at = "/retention/erasable_outcomes/" + std::to_string(i++);
            auto outcome = identifier(item, at);
            if (!p.knownOutcome(outcome)) invalid(at, "names no outcome of /retention/rules");
            p.m_erasable.insert(outcome);
        }
        p.m_purgeOnOpen = boolean(retention.at("purge_on_open"), "/retention/purge_on_open");
        p.m_purgeIntervalMinutes =
            integer(retention.at("purge_interval_minutes"), "/retention/purge_interval_minutes", 1, 10080);

        i = 0;
        for (const auto& item : array(root.at("sharing"), "/sharing", 100)) {
            const std::string at = "/sharing/" + std::to_string(i++);
            expectObject(item, at,
                         {"name", "recipient", "purpose", "legal_reference", "fields", "recipient_public_key"});
            SharingAgreement a;
            a.name = identifier(item.at("name"), at + "/name");
            a.recipient = str(item.at("recipient"), at + "/recipient");
            a.purpose = identifier(item.at("purpose"), at + "/purpose");
            if (!p.purpose(a.purpose)) invalid(at + "/purpose", "names no purpose of /purposes");
            a.legalReference = str(item.at("legal_reference"), at + "/legal_reference", 500);
            a.fields = fieldSet(item.at("fields"), at + "/fields");
            if (a.fields.empty()) invalid(at + "/fields", "must name at least one field");
            a.publicKey = publicKey(item.at("recipient_public_key"), at + "/recipient_public_key");
            if (p.agreement(a.name)) invalid(at + "/name", "agreement \"" + a.name + "\" is defined twice");
            p.m_agreements.push_back(std::move(a));
        }

        const json& sessions = root.at("sessions");
        expectObject(sessions, "/sessions", {"max_failed_logins", "lockout_minutes", "idle_minutes"});
        p.m_sessions.maxFailedLogins = integer(sessions.at("max_failed_logins"), "/sessions/max_failed_logins", 1, 100);
        p.m_sessions.lockoutMinutes = integer(sessions.at("lockout_minutes"), "/sessions/lockout_minutes", 1, 10080);
        p.m_sessions.idleMinutes = integer(sessions.at("idle_minutes"), "/sessions/idle_minutes", 1, 1440);

        const json& glass = root.at("breakglass");
        expectObject(glass, "/breakglass", {"max_minutes", "roles", "grants"});
        p.m_breakGlass.maxMinutes = integer(glass.at("max_minutes"), "/breakglass/max_minutes", 1, 1440);
        i = 0;
        for (const auto& item : array(glass.at("roles"), "/breakglass/roles", 10)) {
            const std::string at = "/breakglass/roles/" + std::to_string(i++);
            auto role = roleFromName(str(item, at, 64));
            if (!role) invalid(at, "is not a role");
            p.m_breakGlass.roles.insert(*role);
        }
        p.m_breakGlass.grants = actionSet(glass.at("grants"), "/breakglass/grants");
        for (Action a : p.m_breakGlass.grants)
            if (a != Action::ReadOwnRecord && a != Action::ReadAnyRecord && a != Action::ListRecords &&
                a != Action::ExportSubject)
                invalid("/breakglass/grants", "break-glass grants reading only (record.read, record.read_any, "
                                              "record.list, subject.export), not " +
                                                  std::string(actionName(a)));
        if (root.contains("statistics")) {
            const json& stats = root.at("statistics");
            expectObject(stats, "/statistics", {"min_cell"});
            p.m_statisticsMinCell = static_cast<int>(integer(stats.at("min_cell"), "/statistics/min_cell", 3, 1000));
        }
    } catch (const Invalid& e) {
        return fail(ErrorCode::PolicyInvalid, "policy " + e.path + ": " + e.what);
    } catch (const json::exception&) {
        return fail(ErrorCode::PolicyInvalid, "policy pack has a value of the wrong type");
    }
    p.m_text = std::string(bytes);
    p.m_hash = hashHex(bytes);
    return p;
}

const Policy& Policy::defaults() {
    static const Policy kDefault = [] {
        auto p = parse(presetText("default"));
        if (!p) std::abort(); // the shipped pack is validated by the tests; a build with a broken one must not run
        return std::move(*p);
    }();
    return kDefault;
}

std::string_view Policy::presetText(std::string_view name) {
    if (name == "default") return kPolicyPreset_default;
    if (name == "strict") return kPolicyPreset_strict;
    return {};
}

bool Policy::permits(Role role, Action action) const {
    auto it = m_permissions.find(role);
    return it != m_permissions.end() && it->second.count(action) != 0;
}

const Purpose* Policy::purpose(std::string_view name) const {
    for (const auto& p : m_purposes)
        if (p.name == name) return &p;
    return nullptr;
}

const MinimizationProfile* Policy::profileFor(std::string_view purposeName) const {
    const Purpose* p = purpose(purposeName);
    if (!p) return nullptr;
    for (const auto& prof : m_profiles)
        if (prof.name == p->profile) return &prof;
    return nullptr;
}

const SharingAgreement* Policy::agreement(std::string_view name) const {
    for (const auto& a : m_agreements)
        if (a.name == name) return &a;
    return nullptr;
}

bool Policy::knownOutcome(std::string_view outcome) const {
    return std::any_of(m_rules.begin(), m_rules.end(), [&](const auto& r) { return r.outcome == outcome; });
}

std::optional<core::TimePoint> Policy::deleteBy(const RetentionFacts& facts) const {
    if (facts.legalHold) return std::nullopt;
    int days = m_defaultDays;
    for (const auto& r : m_rules)
        if (r.outcome == facts.outcome) days = r.days;
    const core::TimePoint from = facts.closed.value_or(facts.started);
    return from + std::chrono::days{days};
}

} // namespace secondline::privacy
