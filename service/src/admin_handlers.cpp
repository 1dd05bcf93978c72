#include "admin_handlers.h"

#include "session_call.h"

#include <secondline/privacy/access.h>
#include <secondline/privacy/audit.h>
#include <secondline/storage/store.h>
#include <secondline/wire/admin.h>

#include <sodium.h>

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

namespace secondline::service::detail {

using core::ErrorCode;
using core::fail;

namespace {

// Limits of the contract's strings (admin.proto states them beside each field).
constexpr std::size_t kMaxUser = 64;
constexpr std::size_t kMaxRole = 32;
constexpr std::size_t kMaxPassword = 1024;
constexpr std::size_t kMaxHex = 128;      // a checkpoint's hash and key (its signature: twice that)
constexpr std::size_t kMaxShortText = 64; // desk, an exercise's pack and problem
// The most an Argon2id verifier may cost: it is made while the store is held for every session.
constexpr std::uint64_t kMaxKdfOps = 10;
constexpr std::uint64_t kMaxKdfMemory = 1ull << 30;

/// Wipes a request's password when the handler returns (gRPC owns a mutable message).
struct WipeOnExit {
    std::string& s;
    ~WipeOnExit() { sodium_memzero(s.data(), s.size()); }
};

/// The request's password, bounded, in guarded memory.
core::Result<core::SecretBytes> passwordOf(const std::string& wire) {
    if (auto s = bounded(wire, kMaxPassword, "password"); !s) return fail(s.error());
    return core::SecretBytes::copyOf(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size()));
}

/// The Argon2id cost asked for, within what the service will spend (the store applies its own floor).
core::Result<privacy::KdfParams> kdfOf(const v1::Kdf& kdf) {
    if (kdf.ops_limit() > kMaxKdfOps || kdf.mem_limit_bytes() > kMaxKdfMemory)
        return fail(ErrorCode::InvalidArgument, "kdf costs more than the service allows (10 passes, 1 GiB)");
    return wire::fromProto(kdf);
}

core::Status userName(const std::string& name) {
    return bounded(name, kMaxUser, "name");
}

} // namespace

grpc::Status AdminHandlers::AddUser(grpc::ServerContext* context, const v1::AddUserRequest* request,
                                    v1::AddUserReply* /*reply*/) {
    auto& wire = const_cast<std::string&>(request->password());
    WipeOnExit wipe{wire};
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        if (auto s = userName(request->name()); !s) return s;
        if (auto s = bounded(request->role(), kMaxRole, "role"); !s) return s;
        const auto role = privacy::roleFromName(request->role());
        if (!role) return fail(ErrorCode::InvalidArgument, "role is not one of the roles");
        auto kdf = kdfOf(request->kdf());
        if (!kdf) return fail(kdf.error());
        auto password = passwordOf(wire);
        if (!password) return fail(password.error());
        return session.store.users().add(request->name(), *role, *password, *kdf);
    });
}

grpc::Status AdminHandlers::RemoveUser(grpc::ServerContext* context, const v1::RemoveUserRequest* request,
                                       v1::RemoveUserReply* /*reply*/) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        if (auto s = userName(request->name()); !s) return s;
        // The removed user's open sessions keep their Store objects, which re-read the user at every
        // operation: their next call fails with AuthenticationFailed.
        return session.store.users().remove(request->name());
    });
}

grpc::Status AdminHandlers::ListUsers(grpc::ServerContext* context, const v1::ListUsersRequest* /*request*/,
                                      v1::ListUsersReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        auto users = session.store.users().list();
        if (!users) return fail(users.error());
        for (const auto& user : *users) wire::toProto(user, *reply->add_users());
        return {};
    });
}

grpc::Status AdminHandlers::ChangePassword(grpc::ServerContext* context, const v1::ChangePasswordRequest* request,
                                           v1::ChangePasswordReply* /*reply*/) {
    auto& wire = const_cast<std::string&>(request->password());
    WipeOnExit wipe{wire};
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        auto kdf = kdfOf(request->kdf());
        if (!kdf) return fail(kdf.error());
        auto password = passwordOf(wire);
        if (!password) return fail(password.error());
        return session.store.users().changePassword(*password, *kdf);
    });
}

grpc::Status AdminHandlers::SetPassword(grpc::ServerContext* context, const v1::SetPasswordRequest* request,
                                        v1::SetPasswordReply* /*reply*/) {
    auto& wire = const_cast<std::string&>(request->password());
    WipeOnExit wipe{wire};
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        if (auto s = userName(request->name()); !s) return s;
        auto kdf = kdfOf(request->kdf());
        if (!kdf) return fail(kdf.error());
        auto password = passwordOf(wire);
        if (!password) return fail(password.error());
        return session.store.users().setPassword(request->name(), *password, *kdf);
    });
}

grpc::Status AdminHandlers::AuditEntries(grpc::ServerContext* context, const v1::AuditEntriesRequest* /*request*/,
                                         v1::AuditEntriesReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        auto entries = session.store.audit().entries();
        if (!entries) return fail(entries.error());
        reply->mutable_entries()->Reserve(static_cast<int>(entries->size()));
        for (const auto& entry : *entries) wire::toProto(entry, *reply->add_entries());
        return {};
    });
}

grpc::Status AdminHandlers::VerifyAudit(grpc::ServerContext* context, const v1::VerifyAuditRequest* request,
                                        v1::VerifyAuditReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        std::optional<privacy::AuditCheckpoint> checkpoint;
        if (request->has_checkpoint()) {
            const auto& c = request->checkpoint();
            if (auto s = bounded(c.store_id(), kMaxShortText, "checkpoint store_id"); !s) return s;
            if (auto s = bounded(c.hash(), kMaxHex, "checkpoint hash"); !s) return s;
            if (auto s = bounded(c.public_key(), kMaxHex, "checkpoint public_key"); !s) return s;
            if (auto s = bounded(c.signature(), 2 * kMaxHex, "checkpoint signature"); !s) return s;
            checkpoint = wire::fromProto(c);
        }
        auto check = session.store.audit().verify(checkpoint ? &*checkpoint : nullptr);
        if (!check) return fail(check.error());
        wire::toProto(*check, *reply);
        return {};
    });
}

grpc::Status AdminHandlers::ExportAudit(grpc::ServerContext* context, const v1::ExportAuditRequest* /*request*/,
                                        v1::ExportAuditReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        auto text = session.store.audit().exportSigned();
        if (!text) return fail(text.error());
        reply->set_signed_export(std::move(*text));
        return {};
    });
}

grpc::Status AdminHandlers::AuditCheckpoint(grpc::ServerContext* context, const v1::AuditCheckpointRequest* /*request*/,
                                            v1::AuditCheckpointReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        auto text = session.store.audit().checkpoint();
        if (!text) return fail(text.error());
        reply->set_checkpoint(std::move(*text));
        return {};
    });
}

grpc::Status AdminHandlers::AuditPublicKey(grpc::ServerContext* context, const v1::AuditPublicKeyRequest* /*request*/,
                                           v1::AuditPublicKeyReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        reply->set_public_key(session.store.audit().publicKey());
        return {};
    });
}

grpc::Status AdminHandlers::Purge(grpc::ServerContext* context, const v1::PurgeRequest* request,
                                  v1::PurgeReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        auto report = session.store.retention().purge(request->dry_run());
        if (!report) return fail(report.error());
        wire::toProto(*report, *reply);
        return {};
    });
}

grpc::Status AdminHandlers::PurgeDue(grpc::ServerContext* context, const v1::PurgeDueRequest* /*request*/,
                                     v1::PurgeReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        auto report = session.store.retention().purgeDue();
        if (!report) return fail(report.error());
        wire::toProto(*report, *reply);
        return {};
    });
}

grpc::Status AdminHandlers::RetentionReport(grpc::ServerContext* context, const v1::RetentionReportRequest* /*request*/,
                                            v1::RetentionReportReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        auto rows = session.store.retention().report();
        if (!rows) return fail(rows.error());
        for (const auto& row : *rows) wire::toProto(row, *reply->add_rows());
        return {};
    });
}

grpc::Status AdminHandlers::Rekey(grpc::ServerContext* context, const v1::RekeyRequest* /*request*/,
                                  v1::RekeyReply* /*reply*/) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock& lock) -> core::Status {
        // Every other session's Store has its own connection to the database file the rotation replaces: it
        // would go on with the old file. So no other session may be open (idle ones are ended first).
        if (m_sessions.openCount(lock) > 1)
            return fail(ErrorCode::StoreBusy, "other sessions are open: the key rotation needs the store to "
                                              "itself (try again when they have signed out)");
        const core::Status rotated = session.store.maintenance().rekey();
        // Whatever the rotation got to, the key in force is now the one of the key file that authenticates
        // the slot file (a refused rotation changed nothing and this reads the same key again).
        auto key = storage::loadRootKey(m_store.path, m_store.rootKeyFile);
        if (key) {
            m_rootKey = std::move(*key);
        } else {
            std::fprintf(stderr, "secondline: root key not read again after a key rotation (%s)\n",
                         std::string(core::errorCodeName(key.error().code)).c_str());
            if (rotated) return fail(key.error());
        }
        return rotated;
    });
}

grpc::Status AdminHandlers::Check(grpc::ServerContext* context, const v1::CheckRequest* /*request*/,
                                  v1::CheckReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        auto report = session.store.maintenance().check();
        if (!report) return fail(report.error());
        wire::toProto(*report, *reply);
        return {};
    });
}

grpc::Status AdminHandlers::CipherSettings(grpc::ServerContext* context, const v1::CipherSettingsRequest* /*request*/,
                                           v1::CipherSettingsReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        auto settings = session.store.maintenance().cipherSettings();
        if (!settings) return fail(settings.error());
        wire::toProto(*settings, *reply);
        return {};
    });
}

grpc::Status AdminHandlers::Statistics(grpc::ServerContext* context, const v1::StatisticsRequest* request,
                                       v1::StatisticsReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        std::optional<std::string> desk;
        if (request->has_desk()) {
            if (auto s = bounded(request->desk(), kMaxShortText, "desk"); !s) return s;
            desk = request->desk();
        }
        auto data = session.store.statistics().rows(wire::fromMillis(request->from_ms()),
                                                    wire::fromMillis(request->to_ms()), desk);
        if (!data) return fail(data.error());
        wire::toProto(*data, *reply);
        return {};
    });
}

grpc::Status AdminHandlers::AddExercise(grpc::ServerContext* context, const v1::AddExerciseRequest* request,
                                        v1::AddExerciseReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        const auto& r = request->result();
        if (auto s = bounded(r.pack(), kMaxShortText, "pack"); !s) return s;
        if (auto s = bounded(r.problem(), kMaxShortText, "problem"); !s) return s;
        if (auto s = bounded(r.trainee(), kMaxUser, "trainee"); !s) return s;
        // The store sets the trainee and the time itself (the signed-in user, its clock).
        auto id = session.store.exercises().add(wire::fromProto(r));
        if (!id) return fail(id.error());
        reply->set_id(*id);
        return {};
    });
}

grpc::Status AdminHandlers::Exercises(grpc::ServerContext* context, const v1::ExercisesRequest* /*request*/,
                                      v1::ExercisesReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        auto results = session.store.exercises().list();
        if (!results) return fail(results.error());
        for (const auto& result : *results) wire::toProto(result, *reply->add_results());
        return {};
    });
}

} // namespace secondline::service::detail
