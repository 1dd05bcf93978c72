// The signed audit trail: appending entries, reading the trail, and the AuditTrail facet (verification,
// signed export, checkpoints).

#include <secondline/storage/audit_trail.h>

#include "store_impl.h"

#include <filesystem>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::Status;
using detail::Database;
using detail::Transaction;

Status detail::appendAudit(Database& db, const core::Clock& clock, const std::string& user, std::string_view role,
                           privacy::AuditAction action, std::optional<core::RecordId> recordId, std::string purpose,
                           std::string detail, const privacy::AuditSigner* signer, std::string justification) {
    privacy::AuditEntry e;
    e.previousHash = privacy::genesisHash();
    e.sequence = 1;
    {
        auto last = db.prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1;");
        if (!last) return fail(last.error());
        auto row = last->step();
        if (!row) return fail(row.error());
        if (*row) {
            e.sequence = last->int64(0) + 1;
            e.previousHash = last->text(1);
        }
    }
    e.time = clock.now();
    e.userName = user;
    e.role = std::string(role);
    e.action = std::string(privacy::auditActionName(action));
    if (recordId) e.recordId = recordId->value();
    e.purpose = std::move(purpose);
    e.detail = std::move(detail);
    if (signer) e.justification = std::move(justification);
    e.hash = privacy::computeAuditHash(e);
    if (signer) e.signature = signer->sign(privacy::kAuditEntryDomain, e.hash);
    auto ins =
        db.prepare(signer ? "INSERT INTO audit (seq, time_utc, user_name, role, action, record_id, purpose, "
                            "detail, prev_hash, hash, justification, signature) VALUES (?,?,?,?,?,?,?,?,?,?,?,?);"
                          : "INSERT INTO audit (seq, time_utc, user_name, role, action, record_id, purpose, "
                            "detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?);");
    if (!ins) return fail(ins.error());
    ins->bind(1, e.sequence).bind(2, core::formatUtc(e.time)).bind(3, e.userName).bind(4, e.role).bind(5, e.action);
    ins->bind(6, e.recordId).bind(7, e.purpose).bind(8, e.detail).bind(9, e.previousHash).bind(10, e.hash);
    if (signer) ins->bind(11, e.justification).bind(12, e.signature);
    return ins->run();
}

Status detail::appendAudit(Database& db, const core::Clock& clock, const std::string& user, privacy::Role role,
                           privacy::AuditAction action, std::optional<core::RecordId> recordId, std::string purpose,
                           std::string detail, const privacy::AuditSigner* signer, std::string justification) {
    return detail::appendAudit(db, clock, user, privacy::roleName(role), action, recordId, std::move(purpose),
                               std::move(detail), signer, std::move(justification));
}

Result<std::vector<privacy::AuditEntry>> AuditTrail::entries() {
    auto& im = *m_impl;
    auto access = im.connection(privacy::Action::ReadAudit);
    if (!access) return fail(access.error());
    return detail::readAuditTrail(im, *access);
}

Result<std::vector<privacy::AuditEntry>> detail::readAuditTrail(StoreImpl& im, Access& a) {
    auto q =
        a.db().prepare(im.schema >= 4 ? "SELECT seq, time_utc, user_name, role, action, record_id, purpose, detail, "
                                        "prev_hash, hash, justification, signature FROM audit ORDER BY seq;"
                                      : "SELECT seq, time_utc, user_name, role, action, record_id, purpose, detail, "
                                        "prev_hash, hash FROM audit ORDER BY seq;");
    if (!q) return fail(q.error());
    std::vector<privacy::AuditEntry> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        privacy::AuditEntry e;
        e.sequence = q->int64(0);
        e.time = core::parseUtc(q->text(1)).value_or(core::TimePoint{});
        e.userName = q->text(2);
        e.role = q->text(3);
        e.action = q->text(4);
        if (!q->isNull(5)) e.recordId = q->int64(5);
        e.purpose = q->text(6);
        e.detail = q->text(7);
        e.previousHash = q->text(8);
        e.hash = q->text(9);
        if (im.schema >= 4) {
            e.justification = q->text(10);
            e.signature = q->text(11);
        }
        out.push_back(std::move(e));
    }
    return out;
}

const std::string& AuditTrail::publicKey() const {
    static const std::string kNone;
    return m_impl->signer ? m_impl->signer->publicKeyHex() : kNone;
}

std::int64_t AuditTrail::signedFrom() const {
    return m_impl->signedFrom;
}

Result<privacy::TrailCheck> AuditTrail::verify(const privacy::AuditCheckpoint* checkpoint) {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::ReadAudit);
    if (!tx) return fail(tx.error());
    if (checkpoint && checkpoint->storeId != im.storeId)
        return fail(ErrorCode::AuditInvalid, "the checkpoint belongs to another store");
    auto trail = detail::readAuditTrail(im, *tx);
    if (!trail) return fail(trail.error());
    auto check = privacy::verifyTrail(*trail, {publicKey(), im.signedFrom}, checkpoint);
    if (auto s = im.audit(privacy::AuditAction::AuditVerify, std::nullopt, "audit",
                          check.ok ? "intact" : "FAILED: " + check.problem);
        !s)
        return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return check;
}

namespace {

/// Writes `action`'s own entry, then reads the whole trail, so what is exported or checkpointed ends with it.
Result<std::vector<privacy::AuditEntry>> trailEndingWith(StoreImpl& im, privacy::AuditAction action) {
    auto tx = im.begin(privacy::Action::ExportAudit);
    if (!tx) return fail(tx.error());
    if (auto s = im.audit(action, std::nullopt, "audit", ""); !s) return fail(s.error());
    auto trail = detail::readAuditTrail(im, *tx);
    if (!trail) return fail(trail.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return trail;
}

} // namespace

Result<std::string> AuditTrail::exportSigned() {
    auto& im = *m_impl;
    auto trail = trailEndingWith(im, privacy::AuditAction::AuditExport);
    if (!trail) return fail(trail.error());
    privacy::AuditExport out;
    out.storeId = im.storeId;
    out.signedFrom = im.signedFrom;
    out.exported = im.clock->now();
    out.entries = std::move(*trail);
    return privacy::encodeAuditExport(out, *im.signer);
}

Result<std::string> AuditTrail::checkpoint() {
    auto& im = *m_impl;
    auto trail = trailEndingWith(im, privacy::AuditAction::AuditCheckpoint);
    if (!trail) return fail(trail.error());
    auto checkpoint = privacy::makeCheckpoint(*trail, im.storeId, im.clock->now(), *im.signer);
    if (!checkpoint) return fail(checkpoint.error());
    return privacy::encodeCheckpoint(*checkpoint);
}

Status AuditTrail::writeCheckpointFile(const std::string& folder) {
    auto& im = *m_impl;
    // A scheduled duty of the store: no role is needed, the idle rule does not apply, nothing is audited.
    if (auto s = im.session(std::nullopt, StoreImpl::Use::ScheduledDuty); !s) return s;
    if (!im.signer) return fail(ErrorCode::StoreNeedsMigration, "the store's trail is not signed yet");
    std::vector<privacy::AuditEntry> trail;
    {
        // Read in a transaction that is rolled back: nothing is written to the store.
        auto access = im.transaction();
        if (!access) return fail(access.error());
        auto read = detail::readAuditTrail(im, *access);
        if (!read) return fail(read.error());
        trail = std::move(*read);
    }
    auto checkpoint = privacy::makeCheckpoint(trail, im.storeId, im.clock->now(), *im.signer);
    if (!checkpoint) return fail(checkpoint.error());
    std::string stamp = core::formatUtc(checkpoint->time);
    std::erase_if(stamp, [](char c) { return c == ':' || c == '-'; });
    const std::string base =
        (std::filesystem::path(folder) / ("checkpoint-" + stamp + "-" + std::to_string(checkpoint->sequence))).string();
    std::string name = base + ".json";
    std::error_code ec;
    for (int n = 2; std::filesystem::exists(name, ec); ++n) {
        if (n > 1000) return fail(ErrorCode::StoreExists, "too many checkpoint files with the same name");
        name = base + "-" + std::to_string(n) + ".json";
    }
    return detail::writeFileAtomically(name, privacy::encodeCheckpoint(*checkpoint));
}

} // namespace secondline::storage
