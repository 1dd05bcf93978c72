#pragma once
// The policy pack: one JSON file in which a country states, for its own law, who may do what (roles and
// permissions), why data is collected (purposes and their legal basis), how long it is kept (retention by
// outcome, with legal holds), what is kept for which purpose (minimization profiles: fields, images and
// image sizes), with whom it may be shared (sharing agreements), and how sessions behave (lockout, idle
// timeout, break-glass).
//
//   auto policy = Policy::parse(text);           // PolicyInvalid names the JSON path and what is wrong
//   policy->permits(Role::Officer, Action::CreateRecord);
//   policy->profileFor("secondary_inspection")->allowsField("optional_data");
//
// Parsing validates the whole pack against its schema (format "secondline-policy/1"): unknown keys, wrong
// types, out-of-range numbers, unknown permissions, references to purposes, profiles or fields that do not
// exist, and packs that would give auditors or administrators routine access to personal data are refused.
// The pack's hash (BLAKE2b-256 of its exact bytes) is what the audit trail records when it is loaded.
// Pure: no I/O; storage keeps the pack in force inside the encrypted store.

#include <secondline/core/clock.h>
#include <secondline/core/result.h>
#include <secondline/privacy/access.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::privacy {

inline constexpr std::string_view kPolicyFormat = "secondline-policy/1";
/// Largest pack accepted.
inline constexpr std::size_t kMaxPolicyBytes = 1u << 20;

/// The record fields a profile or an agreement can name (the TravelDocument field names).
[[nodiscard]] const std::vector<std::string>& policyFieldNames();

struct Purpose {
    std::string name;       ///< e.g. "secondary_inspection"
    std::string legalBasis; ///< the law or article that allows it
    std::string profile;    ///< the minimization profile applied when writing records for it
};

struct MinimizationProfile {
    std::string name;
    std::set<std::string> fields; ///< fields kept; every other field is never written
    bool rawMrz = false;          ///< keep the MRZ lines as read (only when every field is kept)
    /// Images kept, each at most this many pixels on its longer side; absent: the image is never written.
    std::optional<int> documentImageMaxSide;
    std::optional<int> portraitMaxSide;
    [[nodiscard]] bool allowsField(std::string_view field) const { return fields.count(std::string(field)) != 0; }
};

struct RetentionRule {
    std::string outcome; ///< encounter outcome: "open", "cleared", "referred", "refused", ...
    int days = 0;        ///< kept this many days after the encounter closed (open ones: after they started)
};

struct SharingAgreement {
    std::string name;                       ///< what `share export --agreement` names
    std::string recipient;                  ///< the receiving agency
    std::string purpose;                    ///< one of the pack's purposes
    std::string legalReference;             ///< the agreement or law that allows the disclosure
    std::set<std::string> fields;           ///< the only fields that leave the workstation
    std::array<std::uint8_t, 32> publicKey; ///< the recipient's X25519 key (sealed box)
};

struct SessionRules {
    int maxFailedLogins = 5; ///< failed sign-ins in a row before the account locks
    int lockoutMinutes = 15; ///< how long it stays locked
    int idleMinutes = 15;    ///< a session idle this long expires and its keys are wiped
};

struct BreakGlassRules {
    int maxMinutes = 60;     ///< the longest a break-glass grant lasts
    std::set<Role> roles;    ///< who may break the glass
    std::set<Action> grants; ///< what it allows for its duration (read-only personal data)
};

/// What retention decides for one record.
struct RetentionFacts {
    std::string outcome;                   ///< the encounter's outcome
    core::TimePoint started{};             ///< when the encounter started
    std::optional<core::TimePoint> closed; ///< when it was closed (outcome set), if it was
    bool legalHold = false;
};

class Policy {
public:
    /// Parses and validates a pack. Errors: PolicyInvalid (with the JSON path, e.g. "/roles/officer/2").
    [[nodiscard]] static core::Result<Policy> parse(std::string_view text);
    /// The default pack shipped with SecondLine (policy/default.json), parsed once.
    [[nodiscard]] static const Policy& defaults();
    /// The text of a preset pack: "default" or "strict"; empty when there is no such preset.
    [[nodiscard]] static std::string_view presetText(std::string_view name);

    [[nodiscard]] const std::string& name() const { return m_name; }
    [[nodiscard]] const std::string& version() const { return m_version; }
    /// Hex BLAKE2b-256 of the pack's exact bytes.
    [[nodiscard]] const std::string& hash() const { return m_hash; }
    [[nodiscard]] const std::string& text() const { return m_text; }

    /// Whether the role's permissions include the action (before the store-kind and break-glass rules that
    /// decide() adds).
    [[nodiscard]] bool permits(Role role, Action action) const;
    [[nodiscard]] const Purpose* purpose(std::string_view name) const;
    [[nodiscard]] const std::vector<Purpose>& purposes() const { return m_purposes; }
    /// The minimization profile of a purpose, or nullptr for an unknown purpose.
    [[nodiscard]] const MinimizationProfile* profileFor(std::string_view purposeName) const;
    [[nodiscard]] const SharingAgreement* agreement(std::string_view name) const;
    [[nodiscard]] const std::vector<SharingAgreement>& agreements() const { return m_agreements; }
    [[nodiscard]] const std::vector<RetentionRule>& retentionRules() const { return m_rules; }
    /// Days kept for records of an outcome the rules do not name (e.g. encounters migrated without one).
    [[nodiscard]] int defaultRetentionDays() const { return m_defaultDays; }
    [[nodiscard]] bool knownOutcome(std::string_view outcome) const;
    /// Outcomes whose records may be erased on a traveller's request.
    [[nodiscard]] bool erasable(std::string_view outcome) const { return m_erasable.count(std::string(outcome)) != 0; }
    [[nodiscard]] bool purgeOnOpen() const { return m_purgeOnOpen; }
    [[nodiscard]] int purgeIntervalMinutes() const { return m_purgeIntervalMinutes; }
    [[nodiscard]] const SessionRules& sessions() const { return m_sessions; }
    [[nodiscard]] const BreakGlassRules& breakGlass() const { return m_breakGlass; }
    /// The smallest count a statistics report publishes (k); smaller cells are suppressed.
    [[nodiscard]] int statisticsMinCell() const { return m_statisticsMinCell; }

    /// Decides; never deletes. When the record may be purged: its rule's days after it closed (or started,
    /// while open); nullopt while a legal hold stands. storage asks this, then deletes and audits.
    [[nodiscard]] std::optional<core::TimePoint> deleteBy(const RetentionFacts& facts) const;

private:
    std::string m_name;
    std::string m_version;
    std::string m_hash;
    std::string m_text;
    std::map<Role, std::set<Action>> m_permissions;
    std::vector<Purpose> m_purposes;
    std::vector<MinimizationProfile> m_profiles;
    std::vector<RetentionRule> m_rules;
    int m_defaultDays = 365;
    std::set<std::string> m_erasable;
    bool m_purgeOnOpen = true;
    int m_purgeIntervalMinutes = 60;
    std::vector<SharingAgreement> m_agreements;
    SessionRules m_sessions;
    BreakGlassRules m_breakGlass;
    int m_statisticsMinCell = 5;
};

} // namespace secondline::privacy
