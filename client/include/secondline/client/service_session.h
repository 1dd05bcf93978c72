#pragma once
// A Session through the SecondLine service (client/session.h): every call is one RPC of the contract
// (service/proto/secondline/v1), under the session the service made at sign-in, bound to this client's
// connection. The service re-validates everything and the store inside it decides every permission: this
// class only carries the calls and maps the replies back to the store's value types (wire/).
//
//   auto client = client::Client::connect(client::resolveServiceAddress(""));
//   auto session = client::ServiceSession::signIn(std::move(*client), "o1", password);
//   if (!session) return session.error(); // AuthenticationFailed, AccountLocked, ServiceUnavailable, ...
//   auto flags = (*session)->listFlags(true);

#include <secondline/client/client.h>
#include <secondline/client/session.h>

#include <memory>

namespace secondline::client {

class ServiceSession final : public Session {
public:
    /// Signs in on `client`'s service and reads what the session needs to know at once (the user's role,
    /// whether the store is a training store, the policy pack in force). Errors: Client::signIn()'s.
    [[nodiscard]] static core::Result<std::unique_ptr<ServiceSession>> signIn(Client client, std::string_view user,
                                                                              const core::SecretBytes& password);
    ~ServiceSession() override;

    /// The connection, e.g. for Client::hello().
    [[nodiscard]] Client& client() noexcept { return m_client; }

    [[nodiscard]] const std::string& userName() const override { return m_user; }
    [[nodiscard]] privacy::Role role() const override { return m_role; }
    [[nodiscard]] bool training() const override { return m_training; }
    [[nodiscard]] const std::string& storeId() const override { return m_storeId; }
    [[nodiscard]] const privacy::Policy& policy() const override { return m_policy; }
    [[nodiscard]] const core::Status& purgeAtOpen() const override { return m_purgeAtOpen; }
    [[nodiscard]] std::optional<int> imageLimit(std::string_view purpose, storage::ImageKind kind) const override;
    [[nodiscard]] std::optional<core::TimePoint> breakGlassUntil() const override { return m_breakGlassUntil; }
    [[nodiscard]] core::Result<core::TimePoint> breakGlass(std::string_view reason, int minutes) override;
    [[nodiscard]] core::Status loadPolicy(std::string_view packText) override;
    void signOut() override;

    [[nodiscard]] core::Result<storage::SavedEncounter> save(const storage::EncounterDraft& draft) override;
    [[nodiscard]] core::Result<std::vector<storage::SavedEncounter>>
    saveBatch(std::span<const storage::EncounterDraft> drafts) override;
    [[nodiscard]] core::Result<core::RecordId> addRecord(const validation::TravelDocument& document,
                                                         const storage::EncounterInfo& encounter) override;
    [[nodiscard]] core::Result<storage::StoredRecord> getRecord(core::RecordId id) override;
    [[nodiscard]] core::Result<std::vector<storage::RecordSummary>> listRecords() override;
    [[nodiscard]] core::Result<std::vector<storage::RecordSummary>>
    findByDocument(std::string_view issuingState, std::string_view documentNumber) override;
    [[nodiscard]] core::Result<std::vector<storage::RecordSummary>>
    findByNameAndBirth(std::string_view surname, std::string_view birthIso) override;
    [[nodiscard]] core::Result<std::int64_t> addImage(core::RecordId recordId,
                                                      const storage::ImageDraft& image) override;
    [[nodiscard]] core::Result<std::vector<storage::StoredImage>> images(core::RecordId recordId) override;
    [[nodiscard]] core::Status closeEncounter(core::EncounterId encounterId, std::string_view outcome) override;

    [[nodiscard]] core::Result<core::FlagId> raiseFlag(core::RecordId recordId,
                                                       const storage::ReferralDraft& flag) override;
    [[nodiscard]] core::Status updateFlag(core::FlagId flagId, storage::FlagStatus status,
                                          std::string_view note) override;
    [[nodiscard]] core::Result<std::vector<storage::Flag>> listFlags(bool openOnly) override;

    [[nodiscard]] core::Status rectify(core::RecordId recordId, std::string_view field, std::string_view value,
                                       std::string_view reason) override;
    [[nodiscard]] core::Status setLegalHold(core::RecordId recordId, bool hold, std::string_view reason) override;
    [[nodiscard]] core::Status erase(core::RecordId recordId, std::string_view reason) override;
    [[nodiscard]] core::Result<storage::SubjectData> exportSubject(std::string_view issuingState,
                                                                   std::string_view documentNumber) override;
    [[nodiscard]] core::Result<std::string> share(core::RecordId recordId, std::string_view agreement,
                                                  std::string_view justification) override;
    [[nodiscard]] core::Result<std::vector<storage::Disclosure>> disclosures(core::RecordId recordId) override;

    [[nodiscard]] core::Status addUser(const std::string& name, privacy::Role role, const core::SecretBytes& password,
                                       const privacy::KdfParams& kdf) override;
    [[nodiscard]] core::Status removeUser(const std::string& name) override;
    [[nodiscard]] core::Result<std::vector<storage::UserInfo>> listUsers() override;
    [[nodiscard]] core::Status changePassword(const core::SecretBytes& newPassword,
                                              const privacy::KdfParams& kdf) override;
    [[nodiscard]] core::Status setPassword(const std::string& name, const core::SecretBytes& newPassword,
                                           const privacy::KdfParams& kdf) override;

    [[nodiscard]] core::Result<std::vector<privacy::AuditEntry>> auditEntries() override;
    [[nodiscard]] core::Result<privacy::TrailCheck> verifyAudit(const privacy::AuditCheckpoint* checkpoint) override;
    [[nodiscard]] core::Result<std::string> exportAudit() override;
    [[nodiscard]] core::Result<std::string> auditCheckpoint() override;
    [[nodiscard]] core::Result<std::string> auditPublicKey() override;

    [[nodiscard]] core::Result<storage::PurgeReport> purge(bool dryRun) override;
    [[nodiscard]] core::Result<storage::PurgeReport> purgeDue() override;
    [[nodiscard]] core::Result<std::vector<storage::RetentionRow>> retentionReport() override;

    [[nodiscard]] core::Status rekey() override;
    [[nodiscard]] core::Result<storage::CheckReport> check() override;
    [[nodiscard]] core::Result<storage::CipherSettings> cipherSettings() override;

    [[nodiscard]] core::Result<storage::StatisticsData> statistics(core::TimePoint from, core::TimePoint to,
                                                                   const std::optional<std::string>& desk) override;
    [[nodiscard]] core::Result<std::int64_t> addExercise(const storage::ExerciseResult& result) override;
    [[nodiscard]] core::Result<std::vector<storage::ExerciseResult>> exercises() override;

private:
    explicit ServiceSession(Client client) : m_client(std::move(client)) {}
    /// The connection's internals (client/src/client_impl.h), for the calls of both halves of this class.
    [[nodiscard]] Client::Impl& impl() noexcept { return *m_client.m_impl; }

    Client m_client;
    std::string m_user;
    privacy::Role m_role = privacy::Role::Officer;
    bool m_training = false;
    std::string m_storeId;
    privacy::Policy m_policy = privacy::Policy::defaults();
    core::Status m_purgeAtOpen{};
    std::optional<core::TimePoint> m_breakGlassUntil;
};

} // namespace secondline::client
