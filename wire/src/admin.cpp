#include <secondline/wire/admin.h>

#include <secondline/privacy/access.h>

#include <chrono>
#include <limits>
#include <string>

namespace secondline::wire {

using core::ErrorCode;
using core::fail;

std::int64_t toMillis(core::TimePoint t) noexcept {
    return t.time_since_epoch().count();
}

core::TimePoint fromMillis(std::int64_t ms) noexcept {
    return core::TimePoint{std::chrono::milliseconds{ms}};
}

void toProto(const privacy::KdfParams& in, v1::Kdf& out) {
    out.set_ops_limit(in.opsLimit);
    out.set_mem_limit_bytes(in.memLimitBytes);
}

privacy::KdfParams fromProto(const v1::Kdf& in) {
    if (in.ops_limit() == 0 && in.mem_limit_bytes() == 0) return privacy::KdfParams{};
    return {in.ops_limit(), in.mem_limit_bytes()};
}

void toProto(const storage::UserInfo& in, v1::User& out) {
    out.set_name(in.name);
    out.set_role(std::string(privacy::roleName(in.role)));
    out.set_created_ms(toMillis(in.created));
    out.set_active(in.active);
    out.set_password_reset_required(in.passwordResetRequired);
}

core::Result<storage::UserInfo> fromProto(const v1::User& in) {
    const auto role = privacy::roleFromName(in.role());
    if (!role) return fail(ErrorCode::InvalidArgument, "a user's role is not one of the roles");
    return storage::UserInfo{in.name(), *role, fromMillis(in.created_ms()), in.active(), in.password_reset_required()};
}

void toProto(const privacy::AuditEntry& in, v1::AuditEntry& out) {
    out.set_sequence(in.sequence);
    out.set_time_ms(toMillis(in.time));
    out.set_user(in.userName);
    out.set_role(in.role);
    out.set_action(in.action);
    if (in.recordId) out.set_record_id(*in.recordId);
    out.set_purpose(in.purpose);
    out.set_detail(in.detail);
    out.set_previous_hash(in.previousHash);
    out.set_hash(in.hash);
    out.set_justification(in.justification);
    out.set_signature(in.signature);
}

privacy::AuditEntry fromProto(const v1::AuditEntry& in) {
    privacy::AuditEntry out;
    out.sequence = in.sequence();
    out.time = fromMillis(in.time_ms());
    out.userName = in.user();
    out.role = in.role();
    out.action = in.action();
    if (in.has_record_id()) out.recordId = in.record_id();
    out.purpose = in.purpose();
    out.detail = in.detail();
    out.previousHash = in.previous_hash();
    out.hash = in.hash();
    out.justification = in.justification();
    out.signature = in.signature();
    return out;
}

void toProto(const privacy::AuditCheckpoint& in, v1::Checkpoint& out) {
    out.set_store_id(in.storeId);
    out.set_sequence(in.sequence);
    out.set_hash(in.hash);
    out.set_time_ms(toMillis(in.time));
    out.set_public_key(in.publicKeyHex);
    out.set_signature(in.signature);
}

privacy::AuditCheckpoint fromProto(const v1::Checkpoint& in) {
    return {in.store_id(), in.sequence(), in.hash(), fromMillis(in.time_ms()), in.public_key(), in.signature()};
}

void toProto(const privacy::TrailCheck& in, v1::VerifyAuditReply& out) {
    out.set_ok(in.ok);
    out.set_entries(in.entries);
    out.set_signed_entries(in.signedEntries);
    if (in.firstBadSequence) out.set_first_bad_sequence(*in.firstBadSequence);
    out.set_problem(in.problem);
}

privacy::TrailCheck fromProto(const v1::VerifyAuditReply& in) {
    privacy::TrailCheck out;
    out.ok = in.ok();
    out.entries = in.entries();
    out.signedEntries = in.signed_entries();
    if (in.has_first_bad_sequence()) out.firstBadSequence = in.first_bad_sequence();
    out.problem = in.problem();
    return out;
}

void toProto(const storage::PurgeReport& in, v1::PurgeReply& out) {
    out.set_erased(in.erased);
    out.set_images(in.images);
    out.set_encounters(in.encounters);
    out.set_held(in.held);
    for (const auto id : in.erasedIds) out.add_erased_ids(id.value());
}

storage::PurgeReport fromProto(const v1::PurgeReply& in) {
    storage::PurgeReport out;
    out.erased = in.erased();
    out.images = in.images();
    out.encounters = in.encounters();
    out.held = in.held();
    for (const auto id : in.erased_ids()) out.erasedIds.push_back(core::RecordId{id});
    return out;
}

void toProto(const storage::RetentionRow& in, v1::RetentionRow& out) {
    out.set_outcome(in.outcome);
    if (in.days) out.set_days(*in.days);
    out.set_records(in.records);
    out.set_expired(in.expired);
    out.set_within7(in.within7);
    out.set_within30(in.within30);
    out.set_later(in.later);
    out.set_held(in.held);
    if (in.next) out.set_next_ms(toMillis(*in.next));
}

storage::RetentionRow fromProto(const v1::RetentionRow& in) {
    storage::RetentionRow out;
    out.outcome = in.outcome();
    if (in.has_days()) out.days = in.days();
    out.records = in.records();
    out.expired = in.expired();
    out.within7 = in.within7();
    out.within30 = in.within30();
    out.later = in.later();
    out.held = in.held();
    if (in.has_next_ms()) out.next = fromMillis(in.next_ms());
    return out;
}

void toProto(const storage::CheckReport& in, v1::CheckReply& out) {
    out.set_integrity_ok(in.integrityOk);
    out.set_cipher_integrity_ok(in.cipherIntegrityOk);
    out.set_audit_chain_ok(in.auditChainOk);
    out.set_schema_ok(in.schemaOk);
    out.set_problems(in.problems);
}

storage::CheckReport fromProto(const v1::CheckReply& in) {
    return {in.integrity_ok(), in.cipher_integrity_ok(), in.audit_chain_ok(), in.schema_ok(), in.problems()};
}

void toProto(const storage::CipherSettings& in, v1::CipherSettingsReply& out) {
    out.set_version(in.version);
    out.set_page_size(in.pageSize);
    out.set_hmac_algorithm(in.hmacAlgorithm);
    out.set_kdf_algorithm(in.kdfAlgorithm);
    out.set_plaintext_header_size(in.plaintextHeaderSize);
    out.set_memory_security(in.memorySecurity);
}

storage::CipherSettings fromProto(const v1::CipherSettingsReply& in) {
    return {in.version(),        in.page_size(), in.hmac_algorithm(), in.kdf_algorithm(), in.plaintext_header_size(),
            in.memory_security()};
}

void toProto(const storage::StatisticsData& in, v1::StatisticsReply& out) {
    for (const auto& values : in.values) {
        auto* dimension = out.add_dimensions();
        for (const auto& v : values) dimension->add_values(v);
    }
    out.mutable_rows()->Reserve(static_cast<int>(in.rows.size()));
    for (const auto& r : in.rows) {
        auto* row = out.add_rows();
        row->set_time(r.time);
        row->set_processing(r.processing);
        row->set_corrections(r.corrections);
        row->set_missing(r.missing);
        row->set_confidence(r.confidence);
        row->set_check_failed(r.checkFailed);
        row->set_flagged(r.flagged);
        for (const auto c : r.code) row->add_code(c);
    }
}

core::Result<storage::StatisticsData> fromProto(const v1::StatisticsReply& in) {
    using Data = storage::StatisticsData;
    if (in.dimensions_size() != Data::kDimensions)
        return fail(ErrorCode::InvalidArgument, "statistics: not one value list per dimension");
    Data out;
    for (int d = 0; d < Data::kDimensions; ++d) {
        const auto& values = in.dimensions(d).values();
        if (values.size() > std::numeric_limits<std::uint16_t>::max() + 1)
            return fail(ErrorCode::InvalidArgument, "statistics: too many values in a dimension");
        out.values[static_cast<std::size_t>(d)].assign(values.begin(), values.end());
    }
    out.rows.reserve(static_cast<std::size_t>(in.rows_size()));
    for (int i = 0; i < in.rows_size(); ++i) {
        const auto& r = in.rows(i);
        const auto where = "statistics row " + std::to_string(i + 1) + ": ";
        if (r.code_size() != Data::kDimensions)
            return fail(ErrorCode::InvalidArgument, where + "not one index per dimension");
        if (r.corrections() > std::numeric_limits<std::uint16_t>::max() ||
            r.missing() > std::numeric_limits<std::uint8_t>::max() || r.confidence() > 100)
            return fail(ErrorCode::InvalidArgument, where + "a count out of range");
        Data::Row row;
        row.time = r.time();
        row.processing = r.processing();
        row.corrections = static_cast<std::uint16_t>(r.corrections());
        row.missing = static_cast<std::uint8_t>(r.missing());
        row.confidence = static_cast<std::uint8_t>(r.confidence());
        row.checkFailed = r.check_failed();
        row.flagged = r.flagged();
        for (std::size_t d = 0; d < Data::kDimensions; ++d) {
            const auto c = r.code(static_cast<int>(d));
            if (c >= out.values[d].size()) return fail(ErrorCode::InvalidArgument, where + "an index out of range");
            row.code[d] = static_cast<std::uint16_t>(c);
        }
        out.rows.push_back(row);
    }
    return out;
}

void toProto(const storage::ExerciseResult& in, v1::Exercise& out) {
    out.set_id(in.id);
    out.set_time_ms(toMillis(in.time));
    out.set_trainee(in.trainee);
    out.set_pack(in.pack);
    out.set_exercise(in.exercise);
    out.set_problem(in.problem);
    out.set_fields_right(in.fieldsRight);
    out.set_fields_total(in.fieldsTotal);
    out.set_problems_caught(in.problemsCaught);
    out.set_problems_planted(in.problemsPlanted);
    out.set_false_alarms(in.falseAlarms);
    out.set_seconds(in.seconds);
}

storage::ExerciseResult fromProto(const v1::Exercise& in) {
    storage::ExerciseResult out;
    out.id = in.id();
    out.time = fromMillis(in.time_ms());
    out.trainee = in.trainee();
    out.pack = in.pack();
    out.exercise = in.exercise();
    out.problem = in.problem();
    out.fieldsRight = in.fields_right();
    out.fieldsTotal = in.fields_total();
    out.problemsCaught = in.problems_caught();
    out.problemsPlanted = in.problems_planted();
    out.falseAlarms = in.false_alarms();
    out.seconds = in.seconds();
    return out;
}

} // namespace secondline::wire
