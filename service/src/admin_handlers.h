#pragma once
// The RPC handlers of secondline.v1.Admin (service/proto/secondline/v1/admin.proto): bounds and re-validation of
// every request, the session check (session_call.h), and the call into the session's store, which decides every
// permission and audits as it does for a store opened directly.
//
// Rekey is the one call that reaches past its session: the rotation replaces the database file and the root
// key file, so it is refused (StoreBusy) while any other session is open, and once it has run the service's
// root key is read again from its key file (storage::loadRootKey) under the sessions' lock, so that every
// later sign-in opens the store under the key in force.

#include "handlers.h"
#include "sessions.h"

#include <secondline/core/clock.h>
#include <secondline/core/secret_bytes.h>

#include <secondline/v1/admin.grpc.pb.h>

namespace secondline::service::detail {

class AdminHandlers final : public secondline::v1::Admin::Service {
public:
    /// `rootKey` is the service's root key (StoreFacts::rootKey points at it), replaced by Rekey under the
    /// sessions' lock; it must outlive the handlers.
    AdminHandlers(const StoreFacts& store, Sessions& sessions, const core::Clock& clock, core::SecretBytes& rootKey)
        : m_store(store), m_sessions(sessions), m_clock(clock), m_rootKey(rootKey) {}

    grpc::Status AddUser(grpc::ServerContext* context, const v1::AddUserRequest* request,
                         v1::AddUserReply* reply) override;
    grpc::Status RemoveUser(grpc::ServerContext* context, const v1::RemoveUserRequest* request,
                            v1::RemoveUserReply* reply) override;
    grpc::Status ListUsers(grpc::ServerContext* context, const v1::ListUsersRequest* request,
                           v1::ListUsersReply* reply) override;
    grpc::Status ChangePassword(grpc::ServerContext* context, const v1::ChangePasswordRequest* request,
                                v1::ChangePasswordReply* reply) override;
    grpc::Status SetPassword(grpc::ServerContext* context, const v1::SetPasswordRequest* request,
                             v1::SetPasswordReply* reply) override;

    grpc::Status AuditEntries(grpc::ServerContext* context, const v1::AuditEntriesRequest* request,
                              v1::AuditEntriesReply* reply) override;
    grpc::Status VerifyAudit(grpc::ServerContext* context, const v1::VerifyAuditRequest* request,
                             v1::VerifyAuditReply* reply) override;
    grpc::Status ExportAudit(grpc::ServerContext* context, const v1::ExportAuditRequest* request,
                             v1::ExportAuditReply* reply) override;
    grpc::Status AuditCheckpoint(grpc::ServerContext* context, const v1::AuditCheckpointRequest* request,
                                 v1::AuditCheckpointReply* reply) override;
    grpc::Status AuditPublicKey(grpc::ServerContext* context, const v1::AuditPublicKeyRequest* request,
                                v1::AuditPublicKeyReply* reply) override;

    grpc::Status Purge(grpc::ServerContext* context, const v1::PurgeRequest* request, v1::PurgeReply* reply) override;
    grpc::Status PurgeDue(grpc::ServerContext* context, const v1::PurgeDueRequest* request,
                          v1::PurgeReply* reply) override;
    grpc::Status RetentionReport(grpc::ServerContext* context, const v1::RetentionReportRequest* request,
                                 v1::RetentionReportReply* reply) override;

    grpc::Status Rekey(grpc::ServerContext* context, const v1::RekeyRequest* request, v1::RekeyReply* reply) override;
    grpc::Status Check(grpc::ServerContext* context, const v1::CheckRequest* request, v1::CheckReply* reply) override;
    grpc::Status CipherSettings(grpc::ServerContext* context, const v1::CipherSettingsRequest* request,
                                v1::CipherSettingsReply* reply) override;

    grpc::Status Statistics(grpc::ServerContext* context, const v1::StatisticsRequest* request,
                            v1::StatisticsReply* reply) override;
    grpc::Status AddExercise(grpc::ServerContext* context, const v1::AddExerciseRequest* request,
                             v1::AddExerciseReply* reply) override;
    grpc::Status Exercises(grpc::ServerContext* context, const v1::ExercisesRequest* request,
                           v1::ExercisesReply* reply) override;

private:
    const StoreFacts& m_store;
    Sessions& m_sessions;
    [[maybe_unused]] const core::Clock& m_clock;
    core::SecretBytes& m_rootKey; ///< the service's; replaced under the sessions' lock only
};

} // namespace secondline::service::detail
