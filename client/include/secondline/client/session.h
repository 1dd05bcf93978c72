#pragma once
// What a signed-in user can do with a store, whoever holds the store: the desk and the command-line tool
// are written against this interface only. Two implementations:
//
//   client::ServiceSession (client/service_session.h)  through the SecondLine service: the normal case, and
//                                                      the only one on a production desk (the store's folder
//                                                      and keys belong to the service's account);
//   app::LocalSession (app/common/local_session.h)     over a storage::Store this process opened itself: the
//                                                      service's own account (administration with the service
//                                                      stopped), tests and the screenshot tool.
//
// The calls and their errors are those of the store's facets (storage/store.h and the facet headers): the
// same value types, the same stable error codes, the same permission checks (made by the store, inside the
// service for a ServiceSession, never by the caller). A ServiceSession adds ServiceUnavailable (exit status
// 5 in the command-line tool) when the service cannot be reached or does not answer in time, and
// AuthenticationFailed or SessionExpired when the service has ended the session.
//
//   auto session = client::ServiceSession::signIn(std::move(*client), "o1", password);
//   auto saved = (*session)->save(draft);
//   auto record = (*session)->getRecord(saved->recordId);
//
// Not thread-safe: one call at a time (the desk runs its background work with the session it hands over).

#include <secondline/core/clock.h>
#include <secondline/core/ids.h>
#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>
#include <secondline/privacy/access.h>
#include <secondline/privacy/audit.h>
#include <secondline/privacy/key_slot.h>
#include <secondline/privacy/policy.h>
#include <secondline/storage/exercises.h>
#include <secondline/storage/flags.h>
#include <secondline/storage/maintenance.h>
#include <secondline/storage/records.h>
#include <secondline/storage/retention.h>
#include <secondline/storage/statistics.h>
#include <secondline/storage/subject_rights.h>
#include <secondline/storage/users.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::client {

class Session {
public:
    Session() = default;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    virtual ~Session() = default;

    // Who is signed in, and under which rules (read at sign-in; policy() again after loadPolicy()).
    [[nodiscard]] virtual const std::string& userName() const = 0;
    [[nodiscard]] virtual privacy::Role role() const = 0;
    [[nodiscard]] virtual bool training() const = 0;
    [[nodiscard]] virtual const std::string& storeId() const = 0;
    /// The policy pack in force.
    [[nodiscard]] virtual const privacy::Policy& policy() const = 0;
    /// The retention purge run at sign-in (Store::purgeAtOpen).
    [[nodiscard]] virtual const core::Status& purgeAtOpen() const = 0;
    /// The longest side kept for images of `kind` under `purpose` (Store::imageLimit).
    [[nodiscard]] virtual std::optional<int> imageLimit(std::string_view purpose, storage::ImageKind kind) const = 0;
    [[nodiscard]] virtual std::optional<core::TimePoint> breakGlassUntil() const = 0;
    [[nodiscard]] virtual core::Result<core::TimePoint> breakGlass(std::string_view reason, int minutes) = 0;
    [[nodiscard]] virtual core::Status loadPolicy(std::string_view packText) = 0;
    /// Ends the session (audited). Further calls fail.
    virtual void signOut() = 0;

    // Records (storage::Records).
    [[nodiscard]] virtual core::Result<storage::SavedEncounter> save(const storage::EncounterDraft& draft) = 0;
    [[nodiscard]] virtual core::Result<std::vector<storage::SavedEncounter>>
    saveBatch(std::span<const storage::EncounterDraft> drafts) = 0;
    [[nodiscard]] virtual core::Result<core::RecordId> addRecord(const validation::TravelDocument& document,
                                                                 const storage::EncounterInfo& encounter) = 0;
    [[nodiscard]] virtual core::Result<storage::StoredRecord> getRecord(core::RecordId id) = 0;
    [[nodiscard]] virtual core::Result<std::vector<storage::RecordSummary>> listRecords() = 0;
    [[nodiscard]] virtual core::Result<std::vector<storage::RecordSummary>>
    findByDocument(std::string_view issuingState, std::string_view documentNumber) = 0;
    [[nodiscard]] virtual core::Result<std::vector<storage::RecordSummary>>
    findByNameAndBirth(std::string_view surname, std::string_view birthIso) = 0;
    [[nodiscard]] virtual core::Result<std::int64_t> addImage(core::RecordId recordId,
                                                              const storage::ImageDraft& image) = 0;
    [[nodiscard]] virtual core::Result<std::vector<storage::StoredImage>> images(core::RecordId recordId) = 0;
    [[nodiscard]] virtual core::Status closeEncounter(core::EncounterId encounterId, std::string_view outcome) = 0;

    // Flags and referrals (storage::Flags).
    [[nodiscard]] virtual core::Result<core::FlagId> raiseFlag(core::RecordId recordId,
                                                               const storage::ReferralDraft& flag) = 0;
    [[nodiscard]] virtual core::Status updateFlag(core::FlagId flagId, storage::FlagStatus status,
                                                  std::string_view note) = 0;
    [[nodiscard]] virtual core::Result<std::vector<storage::Flag>> listFlags(bool openOnly) = 0;

    // Data subjects' rights (storage::SubjectRights).
    [[nodiscard]] virtual core::Status rectify(core::RecordId recordId, std::string_view field, std::string_view value,
                                               std::string_view reason) = 0;
    [[nodiscard]] virtual core::Status setLegalHold(core::RecordId recordId, bool hold, std::string_view reason) = 0;
    [[nodiscard]] virtual core::Status erase(core::RecordId recordId, std::string_view reason) = 0;
    [[nodiscard]] virtual core::Result<storage::SubjectData> exportSubject(std::string_view issuingState,
                                                                           std::string_view documentNumber) = 0;
    [[nodiscard]] virtual core::Result<std::string> share(core::RecordId recordId, std::string_view agreement,
                                                          std::string_view justification) = 0;
    [[nodiscard]] virtual core::Result<std::vector<storage::Disclosure>> disclosures(core::RecordId recordId) = 0;

    // Users (storage::Users). The store enforces the password rule and the Argon2 floor of production
    // stores whatever `kdf` a client asks for.
    [[nodiscard]] virtual core::Status addUser(const std::string& name, privacy::Role role,
                                               const core::SecretBytes& password, const privacy::KdfParams& kdf) = 0;
    [[nodiscard]] virtual core::Status removeUser(const std::string& name) = 0;
    [[nodiscard]] virtual core::Result<std::vector<storage::UserInfo>> listUsers() = 0;
    [[nodiscard]] virtual core::Status changePassword(const core::SecretBytes& newPassword,
                                                      const privacy::KdfParams& kdf) = 0;
    [[nodiscard]] virtual core::Status setPassword(const std::string& name, const core::SecretBytes& newPassword,
                                                   const privacy::KdfParams& kdf) = 0;

    // The audit trail (storage::AuditTrail).
    [[nodiscard]] virtual core::Result<std::vector<privacy::AuditEntry>> auditEntries() = 0;
    [[nodiscard]] virtual core::Result<privacy::TrailCheck> verifyAudit(const privacy::AuditCheckpoint* checkpoint) = 0;
    [[nodiscard]] virtual core::Result<std::string> exportAudit() = 0;
    [[nodiscard]] virtual core::Result<std::string> auditCheckpoint() = 0;
    /// The trail's signing public key (hex).
    [[nodiscard]] virtual core::Result<std::string> auditPublicKey() = 0;

    // Retention (storage::Retention).
    [[nodiscard]] virtual core::Result<storage::PurgeReport> purge(bool dryRun) = 0;
    [[nodiscard]] virtual core::Result<storage::PurgeReport> purgeDue() = 0;
    [[nodiscard]] virtual core::Result<std::vector<storage::RetentionRow>> retentionReport() = 0;

    // Keeping the store (storage::Maintenance). Backups are taken by the store's own account (app::LocalSession).
    [[nodiscard]] virtual core::Status rekey() = 0;
    [[nodiscard]] virtual core::Result<storage::CheckReport> check() = 0;
    [[nodiscard]] virtual core::Result<storage::CipherSettings> cipherSettings() = 0;

    // Statistics and training (storage::Statistics, storage::Exercises).
    [[nodiscard]] virtual core::Result<storage::StatisticsData> statistics(core::TimePoint from, core::TimePoint to,
                                                                           const std::optional<std::string>& desk) = 0;
    [[nodiscard]] virtual core::Result<std::int64_t> addExercise(const storage::ExerciseResult& result) = 0;
    [[nodiscard]] virtual core::Result<std::vector<storage::ExerciseResult>> exercises() = 0;
};

} // namespace secondline::client
