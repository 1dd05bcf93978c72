#include <secondline/client/service_session.h>

#include "client_impl.h"

namespace secondline::client {

namespace {

/// A call of the contract this client does not carry yet: refused plainly, never faked.
core::Error notYet(const char* call) {
    return {core::ErrorCode::Internal, std::string(call) + " does not go through the service yet"};
}

} // namespace

core::Result<std::unique_ptr<ServiceSession>> ServiceSession::signIn(Client client, std::string_view user,
                                                                     const core::SecretBytes& password) {
    auto info = client.hello();
    if (!info) return core::fail(info.error());
    auto signedIn = client.signIn(user, password);
    if (!signedIn) return core::fail(signedIn.error());
    std::unique_ptr<ServiceSession> session(new ServiceSession(std::move(client)));
    session->m_user = signedIn->user;
    session->m_role = privacy::roleFromName(signedIn->role).value_or(privacy::Role::Officer);
    session->m_training = info->training;
    session->m_storeId = info->storeId;
    if (!signedIn->purgeError.empty())
        session->m_purgeAtOpen =
            core::fail(core::errorCodeFromName(signedIn->purgeError).value_or(core::ErrorCode::Internal),
                       "the retention purge at sign-in failed");
    return session;
}

ServiceSession::~ServiceSession() {
    signOut();
}

void ServiceSession::signOut() {
    (void)m_client.signOut();
}

std::optional<int> ServiceSession::imageLimit(std::string_view, storage::ImageKind) const {
    return std::nullopt;
}

core::Result<core::TimePoint> ServiceSession::breakGlass(std::string_view, int) {
    return core::fail(notYet("breakGlass"));
}

core::Status ServiceSession::loadPolicy(std::string_view) {
    return core::fail(notYet("loadPolicy"));
}

core::Result<storage::SavedEncounter> ServiceSession::save(const storage::EncounterDraft&) {
    return core::fail(notYet("save"));
}

core::Result<std::vector<storage::SavedEncounter>> ServiceSession::saveBatch(std::span<const storage::EncounterDraft>) {
    return core::fail(notYet("saveBatch"));
}

core::Result<core::RecordId> ServiceSession::addRecord(const validation::TravelDocument&,
                                                       const storage::EncounterInfo&) {
    return core::fail(notYet("addRecord"));
}

core::Result<storage::StoredRecord> ServiceSession::getRecord(core::RecordId) {
    return core::fail(notYet("getRecord"));
}

core::Result<std::vector<storage::RecordSummary>> ServiceSession::listRecords() {
    return core::fail(notYet("listRecords"));
}

core::Result<std::vector<storage::RecordSummary>> ServiceSession::findByDocument(std::string_view, std::string_view) {
    return core::fail(notYet("findByDocument"));
}

core::Result<std::vector<storage::RecordSummary>> ServiceSession::findByNameAndBirth(std::string_view,
                                                                                     std::string_view) {
    return core::fail(notYet("findByNameAndBirth"));
}

core::Result<std::int64_t> ServiceSession::addImage(core::RecordId, const storage::ImageDraft&) {
    return core::fail(notYet("addImage"));
}

core::Result<std::vector<storage::StoredImage>> ServiceSession::images(core::RecordId) {
    return core::fail(notYet("images"));
}

core::Status ServiceSession::closeEncounter(core::EncounterId, std::string_view) {
    return core::fail(notYet("closeEncounter"));
}

core::Result<core::FlagId> ServiceSession::raiseFlag(core::RecordId, const storage::ReferralDraft&) {
    return core::fail(notYet("raiseFlag"));
}

core::Status ServiceSession::updateFlag(core::FlagId, storage::FlagStatus, std::string_view) {
    return core::fail(notYet("updateFlag"));
}

core::Result<std::vector<storage::Flag>> ServiceSession::listFlags(bool) {
    return core::fail(notYet("listFlags"));
}

core::Status ServiceSession::rectify(core::RecordId, std::string_view, std::string_view, std::string_view) {
    return core::fail(notYet("rectify"));
}

core::Status ServiceSession::setLegalHold(core::RecordId, bool, std::string_view) {
    return core::fail(notYet("setLegalHold"));
}

core::Status ServiceSession::erase(core::RecordId, std::string_view) {
    return core::fail(notYet("erase"));
}

core::Result<storage::SubjectData> ServiceSession::exportSubject(std::string_view, std::string_view) {
    return core::fail(notYet("exportSubject"));
}

core::Result<std::string> ServiceSession::share(core::RecordId, std::string_view, std::string_view) {
    return core::fail(notYet("share"));
}

core::Result<std::vector<storage::Disclosure>> ServiceSession::disclosures(core::RecordId) {
    return core::fail(notYet("disclosures"));
}

} // namespace secondline::client
