#pragma once
// A client::Session over a storage::Store this process opened itself: for the store's own account
// (administration with the service stopped, restoring a backup), the tests and the screenshot tool. On a
// production desk the store's folder and keys belong to the service's account, so only a
// client::ServiceSession works there.

#include <secondline/client/session.h>
#include <secondline/storage/store.h>

namespace secondline::app {

class LocalSession final : public client::Session {
public:
    explicit LocalSession(storage::Store store) : m_store(std::move(store)) {}

    /// The store itself, for what only its own account does (backups, checks of the files).
    [[nodiscard]] storage::Store& store() noexcept { return m_store; }

    [[nodiscard]] const std::string& userName() const override { return m_store.userName(); }
    [[nodiscard]] privacy::Role role() const override { return m_store.role(); }
    [[nodiscard]] bool training() const override { return m_store.training(); }
    [[nodiscard]] const std::string& storeId() const override { return m_store.storeId(); }
    [[nodiscard]] const privacy::Policy& policy() const override { return m_store.policy(); }
    [[nodiscard]] const core::Status& purgeAtOpen() const override { return m_store.purgeAtOpen(); }
    [[nodiscard]] std::optional<int> imageLimit(std::string_view purpose, storage::ImageKind kind) const override {
        return m_store.imageLimit(purpose, kind);
    }
    [[nodiscard]] std::optional<core::TimePoint> breakGlassUntil() const override { return m_store.breakGlassUntil(); }
    [[nodiscard]] core::Result<core::TimePoint> breakGlass(std::string_view reason, int minutes) override {
        return m_store.breakGlass(reason, minutes);
    }
    [[nodiscard]] core::Status loadPolicy(std::string_view packText) override { return m_store.loadPolicy(packText); }
    void signOut() override { m_store.logout(); }

    [[nodiscard]] core::Result<storage::SavedEncounter> save(const storage::EncounterDraft& draft) override {
        return m_store.records().save(draft);
    }
    [[nodiscard]] core::Result<std::vector<storage::SavedEncounter>>
    saveBatch(std::span<const storage::EncounterDraft> drafts) override {
        return m_store.records().saveBatch(drafts);
    }
    [[nodiscard]] core::Result<core::RecordId> addRecord(const validation::TravelDocument& document,
                                                         const storage::EncounterInfo& encounter) override {
        return m_store.records().add(document, encounter);
    }
    [[nodiscard]] core::Result<storage::StoredRecord> getRecord(core::RecordId id) override {
        return m_store.records().get(id);
    }
    [[nodiscard]] core::Result<std::vector<storage::RecordSummary>> listRecords() override {
        return m_store.records().list();
    }
    [[nodiscard]] core::Result<std::vector<storage::RecordSummary>>
    findByDocument(std::string_view issuingState, std::string_view documentNumber) override {
        return m_store.records().findByDocument(issuingState, documentNumber);
    }
    [[nodiscard]] core::Result<std::vector<storage::RecordSummary>>
    findByNameAndBirth(std::string_view surname, std::string_view birthIso) override {
        return m_store.records().findByNameAndBirth(surname, birthIso);
    }
    [[nodiscard]] core::Result<std::int64_t> addImage(core::RecordId recordId,
                                                      const storage::ImageDraft& image) override {
        return m_store.records().addImage(recordId, image.kind, image.mediaType, image.width, image.height, image.data);
    }
    [[nodiscard]] core::Result<std::vector<storage::StoredImage>> images(core::RecordId recordId) override {
        return m_store.records().images(recordId);
    }
    [[nodiscard]] core::Status closeEncounter(core::EncounterId encounterId, std::string_view outcome) override {
        return m_store.records().closeEncounter(encounterId, outcome);
    }

    [[nodiscard]] core::Result<core::FlagId> raiseFlag(core::RecordId recordId,
                                                       const storage::ReferralDraft& flag) override {
        return m_store.flags().raise(recordId, flag);
    }
    [[nodiscard]] core::Status updateFlag(core::FlagId flagId, storage::FlagStatus status,
                                          std::string_view note) override {
        return m_store.flags().update(flagId, status, note);
    }
    [[nodiscard]] core::Result<std::vector<storage::Flag>> listFlags(bool openOnly) override {
        return m_store.flags().list(openOnly);
    }

    [[nodiscard]] core::Status rectify(core::RecordId recordId, std::string_view field, std::string_view value,
                                       std::string_view reason) override {
        return m_store.subjects().rectify(recordId, field, value, reason);
    }
    [[nodiscard]] core::Status setLegalHold(core::RecordId recordId, bool hold, std::string_view reason) override {
        return m_store.subjects().setLegalHold(recordId, hold, reason);
    }
    [[nodiscard]] core::Status erase(core::RecordId recordId, std::string_view reason) override {
        return m_store.subjects().erase(recordId, reason);
    }
    [[nodiscard]] core::Result<storage::SubjectData> exportSubject(std::string_view issuingState,
                                                                   std::string_view documentNumber) override {
        return m_store.subjects().exportSubject(issuingState, documentNumber);
    }
    [[nodiscard]] core::Result<std::string> share(core::RecordId recordId, std::string_view agreement,
                                                  std::string_view justification) override {
        return m_store.subjects().share(recordId, agreement, justification);
    }
    [[nodiscard]] core::Result<std::vector<storage::Disclosure>> disclosures(core::RecordId recordId) override {
        return m_store.subjects().disclosures(recordId);
    }

    [[nodiscard]] core::Status addUser(const std::string& name, privacy::Role role, const core::SecretBytes& password,
                                       const privacy::KdfParams& kdf) override {
        return m_store.users().add(name, role, password, kdf);
    }
    [[nodiscard]] core::Status removeUser(const std::string& name) override { return m_store.users().remove(name); }
    [[nodiscard]] core::Result<std::vector<storage::UserInfo>> listUsers() override { return m_store.users().list(); }
    [[nodiscard]] core::Status changePassword(const core::SecretBytes& newPassword,
                                              const privacy::KdfParams& kdf) override {
        return m_store.users().changePassword(newPassword, kdf);
    }
    [[nodiscard]] core::Status setPassword(const std::string& name, const core::SecretBytes& newPassword,
                                           const privacy::KdfParams& kdf) override {
        return m_store.users().setPassword(name, newPassword, kdf);
    }

    [[nodiscard]] core::Result<std::vector<privacy::AuditEntry>> auditEntries() override {
        return m_store.audit().entries();
    }
    [[nodiscard]] core::Result<privacy::TrailCheck> verifyAudit(const privacy::AuditCheckpoint* checkpoint) override {
        return m_store.audit().verify(checkpoint);
    }
    [[nodiscard]] core::Result<std::string> exportAudit() override { return m_store.audit().exportSigned(); }
    [[nodiscard]] core::Result<std::string> auditCheckpoint() override { return m_store.audit().checkpoint(); }
    [[nodiscard]] core::Result<std::string> auditPublicKey() override { return m_store.audit().publicKey(); }

    [[nodiscard]] core::Result<storage::PurgeReport> purge(bool dryRun) override {
        return m_store.retention().purge(dryRun);
    }
    [[nodiscard]] core::Result<storage::PurgeReport> purgeDue() override { return m_store.retention().purgeDue(); }
    [[nodiscard]] core::Result<std::vector<storage::RetentionRow>> retentionReport() override {
        return m_store.retention().report();
    }

    [[nodiscard]] core::Status rekey() override { return m_store.maintenance().rekey(); }
    [[nodiscard]] core::Result<storage::CheckReport> check() override { return m_store.maintenance().check(); }
    [[nodiscard]] core::Result<storage::CipherSettings> cipherSettings() override {
        return m_store.maintenance().cipherSettings();
    }

    [[nodiscard]] core::Result<storage::StatisticsData> statistics(core::TimePoint from, core::TimePoint to,
                                                                   const std::optional<std::string>& desk) override {
        return m_store.statistics().rows(from, to, desk);
    }
    [[nodiscard]] core::Result<std::int64_t> addExercise(const storage::ExerciseResult& result) override {
        return m_store.exercises().add(result);
    }
    [[nodiscard]] core::Result<std::vector<storage::ExerciseResult>> exercises() override {
        return m_store.exercises().list();
    }

private:
    storage::Store m_store;
};

} // namespace secondline::app
