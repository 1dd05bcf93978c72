// ServiceSession's calls of secondline.v1.Admin (admin.proto): users, the audit trail, retention, keeping
// the store, statistics and training results. Each is one RPC; the store's value types go to and come back
// from the wire through wire/admin.h.

#include <secondline/client/service_session.h>

#include "client_impl.h"

#include <secondline/privacy/audit.h>
#include <secondline/wire/admin.h>

#include <secondline/v1/admin.grpc.pb.h>

namespace secondline::client {

using core::fail;
using detail::wipe;

namespace {

using Stub = v1::Admin::Stub;

/// One Admin call on the session's connection (a stub costs next to nothing next to the call itself).
template <class Reply, class Request>
core::Result<Reply> adminCall(Client::Impl& impl, const Request& request,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Reply*)) {
    const auto stub = v1::Admin::NewStub(impl.channel);
    return impl.call<Reply>(
        [&](grpc::ClientContext* context, Reply* reply) { return ((*stub).*method)(context, request, reply); });
}

/// Copies a password into the request's string (wiped by the caller after the call).
void copyPassword(std::string& out, const core::SecretBytes& password) {
    const auto access = password.read();
    const auto bytes = access.bytes();
    out.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

core::Status done(const auto& reply) {
    if (!reply) return fail(reply.error());
    return {};
}

} // namespace

core::Status ServiceSession::addUser(const std::string& name, privacy::Role role, const core::SecretBytes& password,
                                     const privacy::KdfParams& kdf) {
    v1::AddUserRequest request;
    request.set_name(name);
    request.set_role(std::string(privacy::roleName(role)));
    wire::toProto(kdf, *request.mutable_kdf());
    copyPassword(*request.mutable_password(), password);
    auto reply = adminCall(impl(), request, &Stub::AddUser);
    wipe(*request.mutable_password());
    return done(reply);
}

core::Status ServiceSession::removeUser(const std::string& name) {
    v1::RemoveUserRequest request;
    request.set_name(name);
    return done(adminCall(impl(), request, &Stub::RemoveUser));
}

core::Result<std::vector<storage::UserInfo>> ServiceSession::listUsers() {
    auto reply = adminCall(impl(), v1::ListUsersRequest{}, &Stub::ListUsers);
    if (!reply) return fail(reply.error());
    std::vector<storage::UserInfo> users;
    users.reserve(static_cast<std::size_t>(reply->users_size()));
    for (const auto& user : reply->users()) {
        auto info = wire::fromProto(user);
        if (!info) return fail(info.error());
        users.push_back(std::move(*info));
    }
    return users;
}

core::Status ServiceSession::changePassword(const core::SecretBytes& newPassword, const privacy::KdfParams& kdf) {
    v1::ChangePasswordRequest request;
    wire::toProto(kdf, *request.mutable_kdf());
    copyPassword(*request.mutable_password(), newPassword);
    auto reply = adminCall(impl(), request, &Stub::ChangePassword);
    wipe(*request.mutable_password());
    return done(reply);
}

core::Status ServiceSession::setPassword(const std::string& name, const core::SecretBytes& newPassword,
                                         const privacy::KdfParams& kdf) {
    v1::SetPasswordRequest request;
    request.set_name(name);
    wire::toProto(kdf, *request.mutable_kdf());
    copyPassword(*request.mutable_password(), newPassword);
    auto reply = adminCall(impl(), request, &Stub::SetPassword);
    wipe(*request.mutable_password());
    return done(reply);
}

core::Result<std::vector<privacy::AuditEntry>> ServiceSession::auditEntries() {
    auto reply = adminCall(impl(), v1::AuditEntriesRequest{}, &Stub::AuditEntries);
    if (!reply) return fail(reply.error());
    std::vector<privacy::AuditEntry> entries;
    entries.reserve(static_cast<std::size_t>(reply->entries_size()));
    for (const auto& entry : reply->entries()) entries.push_back(wire::fromProto(entry));
    return entries;
}

core::Result<privacy::TrailCheck> ServiceSession::verifyAudit(const privacy::AuditCheckpoint* checkpoint) {
    v1::VerifyAuditRequest request;
    if (checkpoint) wire::toProto(*checkpoint, *request.mutable_checkpoint());
    auto reply = adminCall(impl(), request, &Stub::VerifyAudit);
    if (!reply) return fail(reply.error());
    return wire::fromProto(*reply);
}

core::Result<std::string> ServiceSession::exportAudit() {
    auto reply = adminCall(impl(), v1::ExportAuditRequest{}, &Stub::ExportAudit);
    if (!reply) return fail(reply.error());
    return std::move(*reply->mutable_signed_export());
}

core::Result<std::string> ServiceSession::auditCheckpoint() {
    auto reply = adminCall(impl(), v1::AuditCheckpointRequest{}, &Stub::AuditCheckpoint);
    if (!reply) return fail(reply.error());
    return std::move(*reply->mutable_checkpoint());
}

core::Result<std::string> ServiceSession::auditPublicKey() {
    auto reply = adminCall(impl(), v1::AuditPublicKeyRequest{}, &Stub::AuditPublicKey);
    if (!reply) return fail(reply.error());
    return std::move(*reply->mutable_public_key());
}

core::Result<storage::PurgeReport> ServiceSession::purge(bool dryRun) {
    v1::PurgeRequest request;
    request.set_dry_run(dryRun);
    auto reply = adminCall(impl(), request, &Stub::Purge);
    if (!reply) return fail(reply.error());
    return wire::fromProto(*reply);
}

core::Result<storage::PurgeReport> ServiceSession::purgeDue() {
    auto reply = adminCall(impl(), v1::PurgeDueRequest{}, &Stub::PurgeDue);
    if (!reply) return fail(reply.error());
    return wire::fromProto(*reply);
}

core::Result<std::vector<storage::RetentionRow>> ServiceSession::retentionReport() {
    auto reply = adminCall(impl(), v1::RetentionReportRequest{}, &Stub::RetentionReport);
    if (!reply) return fail(reply.error());
    std::vector<storage::RetentionRow> rows;
    for (const auto& row : reply->rows()) rows.push_back(wire::fromProto(row));
    return rows;
}

core::Status ServiceSession::rekey() {
    return done(adminCall(impl(), v1::RekeyRequest{}, &Stub::Rekey));
}

core::Result<storage::CheckReport> ServiceSession::check() {
    auto reply = adminCall(impl(), v1::CheckRequest{}, &Stub::Check);
    if (!reply) return fail(reply.error());
    return wire::fromProto(*reply);
}

core::Result<storage::CipherSettings> ServiceSession::cipherSettings() {
    auto reply = adminCall(impl(), v1::CipherSettingsRequest{}, &Stub::CipherSettings);
    if (!reply) return fail(reply.error());
    return wire::fromProto(*reply);
}

core::Result<storage::StatisticsData> ServiceSession::statistics(core::TimePoint from, core::TimePoint to,
                                                                 const std::optional<std::string>& desk) {
    v1::StatisticsRequest request;
    request.set_from_ms(wire::toMillis(from));
    request.set_to_ms(wire::toMillis(to));
    if (desk) request.set_desk(*desk);
    auto reply = adminCall(impl(), request, &Stub::Statistics);
    if (!reply) return fail(reply.error());
    return wire::fromProto(*reply);
}

core::Result<std::int64_t> ServiceSession::addExercise(const storage::ExerciseResult& result) {
    v1::AddExerciseRequest request;
    wire::toProto(result, *request.mutable_result());
    auto reply = adminCall(impl(), request, &Stub::AddExercise);
    if (!reply) return fail(reply.error());
    return reply->id();
}

core::Result<std::vector<storage::ExerciseResult>> ServiceSession::exercises() {
    auto reply = adminCall(impl(), v1::ExercisesRequest{}, &Stub::Exercises);
    if (!reply) return fail(reply.error());
    std::vector<storage::ExerciseResult> results;
    results.reserve(static_cast<std::size_t>(reply->results_size()));
    for (const auto& result : reply->results()) results.push_back(wire::fromProto(result));
    return results;
}

} // namespace secondline::client
