#include <secondline/client/service_session.h>

#include "client_impl.h"

namespace secondline::client {

namespace {

/// A call of the contract this client does not carry yet: refused plainly, never faked.
core::Error notYet(const char* call) {
    return {core::ErrorCode::Internal, std::string(call) + " does not go through the service yet"};
}

} // namespace

core::Status ServiceSession::addUser(const std::string&, privacy::Role, const core::SecretBytes&,
                                     const privacy::KdfParams&) {
    return core::fail(notYet("addUser"));
}

core::Status ServiceSession::removeUser(const std::string&) {
    return core::fail(notYet("removeUser"));
}

core::Result<std::vector<storage::UserInfo>> ServiceSession::listUsers() {
    return core::fail(notYet("listUsers"));
}

core::Status ServiceSession::changePassword(const core::SecretBytes&, const privacy::KdfParams&) {
    return core::fail(notYet("changePassword"));
}

core::Status ServiceSession::setPassword(const std::string&, const core::SecretBytes&, const privacy::KdfParams&) {
    return core::fail(notYet("setPassword"));
}

core::Result<std::vector<privacy::AuditEntry>> ServiceSession::auditEntries() {
    return core::fail(notYet("auditEntries"));
}

core::Result<privacy::TrailCheck> ServiceSession::verifyAudit(const privacy::AuditCheckpoint*) {
    return core::fail(notYet("verifyAudit"));
}

core::Result<std::string> ServiceSession::exportAudit() {
    return core::fail(notYet("exportAudit"));
}

core::Result<std::string> ServiceSession::auditCheckpoint() {
    return core::fail(notYet("auditCheckpoint"));
}

core::Result<std::string> ServiceSession::auditPublicKey() {
    return core::fail(notYet("auditPublicKey"));
}

core::Result<storage::PurgeReport> ServiceSession::purge(bool) {
    return core::fail(notYet("purge"));
}

core::Result<storage::PurgeReport> ServiceSession::purgeDue() {
    return core::fail(notYet("purgeDue"));
}

core::Result<std::vector<storage::RetentionRow>> ServiceSession::retentionReport() {
    return core::fail(notYet("retentionReport"));
}

core::Status ServiceSession::rekey() {
    return core::fail(notYet("rekey"));
}

core::Result<storage::CheckReport> ServiceSession::check() {
    return core::fail(notYet("check"));
}

core::Result<storage::CipherSettings> ServiceSession::cipherSettings() {
    return core::fail(notYet("cipherSettings"));
}

core::Result<storage::StatisticsData> ServiceSession::statistics(core::TimePoint, core::TimePoint,
                                                                 const std::optional<std::string>&) {
    return core::fail(notYet("statistics"));
}

core::Result<std::int64_t> ServiceSession::addExercise(const storage::ExerciseResult&) {
    return core::fail(notYet("addExercise"));
}

core::Result<std::vector<storage::ExerciseResult>> ServiceSession::exercises() {
    return core::fail(notYet("exercises"));
}

} // namespace secondline::client
