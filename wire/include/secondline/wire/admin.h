#pragma once
// The contract's messages (secondline/v1/admin.proto) to and from the store's value types for users, the
// audit trail, retention, keeping the store, statistics and training results. Both ends use it (see
// records.h): the service fills its replies with toProto(), the client hands the store's types back with
// fromProto(). Requests are re-validated by the service's handlers, not here; what fromProto() checks is only
// what the value type itself could not hold (an unknown role name, a statistics index out of range).
//
// Times travel as whole milliseconds since 1970-01-01 UTC (core::TimePoint's own precision): unchanged.

#include <secondline/core/clock.h>
#include <secondline/core/result.h>
#include <secondline/privacy/audit.h>
#include <secondline/privacy/key_slot.h>
#include <secondline/storage/exercises.h>
#include <secondline/storage/maintenance.h>
#include <secondline/storage/retention.h>
#include <secondline/storage/statistics.h>
#include <secondline/storage/users.h>

#include <secondline/v1/admin.pb.h>

#include <cstdint>

namespace secondline::wire {

[[nodiscard]] std::int64_t toMillis(core::TimePoint t) noexcept;
[[nodiscard]] core::TimePoint fromMillis(std::int64_t ms) noexcept;

/// A zero cost (both fields 0) is the store's default (privacy::KdfParams{}).
void toProto(const privacy::KdfParams& in, v1::Kdf& out);
[[nodiscard]] privacy::KdfParams fromProto(const v1::Kdf& in);

void toProto(const storage::UserInfo& in, v1::User& out);
/// Errors: InvalidArgument (an unknown role name).
[[nodiscard]] core::Result<storage::UserInfo> fromProto(const v1::User& in);

void toProto(const privacy::AuditEntry& in, v1::AuditEntry& out);
[[nodiscard]] privacy::AuditEntry fromProto(const v1::AuditEntry& in);

void toProto(const privacy::AuditCheckpoint& in, v1::Checkpoint& out);
[[nodiscard]] privacy::AuditCheckpoint fromProto(const v1::Checkpoint& in);

void toProto(const privacy::TrailCheck& in, v1::VerifyAuditReply& out);
[[nodiscard]] privacy::TrailCheck fromProto(const v1::VerifyAuditReply& in);

void toProto(const storage::PurgeReport& in, v1::PurgeReply& out);
[[nodiscard]] storage::PurgeReport fromProto(const v1::PurgeReply& in);

void toProto(const storage::RetentionRow& in, v1::RetentionRow& out);
[[nodiscard]] storage::RetentionRow fromProto(const v1::RetentionRow& in);

void toProto(const storage::CheckReport& in, v1::CheckReply& out);
[[nodiscard]] storage::CheckReport fromProto(const v1::CheckReply& in);

void toProto(const storage::CipherSettings& in, v1::CipherSettingsReply& out);
[[nodiscard]] storage::CipherSettings fromProto(const v1::CipherSettingsReply& in);

void toProto(const storage::StatisticsData& in, v1::StatisticsReply& out);
/// Errors: InvalidArgument (not one value list per dimension, a row without one index per dimension, an
/// index outside its list, a count out of its type's range).
[[nodiscard]] core::Result<storage::StatisticsData> fromProto(const v1::StatisticsReply& in);

void toProto(const storage::ExerciseResult& in, v1::Exercise& out);
[[nodiscard]] storage::ExerciseResult fromProto(const v1::Exercise& in);

} // namespace secondline::wire
