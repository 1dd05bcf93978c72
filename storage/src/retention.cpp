// Retention (issue 7): which records are due, the purge that erases them, and the Retention facet's report.

#include <secondline/storage/retention.h>

#include "erasure_ledger.h"
#include "store_impl.h"

#include <algorithm>

namespace secondline::storage {

using core::fail;
using core::Result;
using core::Status;
using detail::Database;
using detail::Transaction;

namespace {

std::optional<core::TimePoint> parseOptionalUtc(const detail::Statement& q, int column) {
    if (q.isNull(column)) return std::nullopt;
    return core::parseUtc(q.text(column));
}

struct RetentionRowFacts {
    core::RecordId id{};
    privacy::RetentionFacts facts;
};

/// The retention facts of every record, or, with `startedBy`, only of those whose retention started by then
/// (closed, or still open and started): no record that started later can be due, whatever its rule. Times are
/// formatUtc() text, whose order is time order.
Result<std::vector<RetentionRowFacts>> retentionFacts(Database& db,
                                                      std::optional<core::TimePoint> startedBy = std::nullopt) {
    auto q = db.prepare(std::string("SELECT r.id, COALESCE(e.outcome, 'open'), COALESCE(e.started_utc, r.created_utc), "
                                    "e.closed_utc, r.legal_hold FROM records r "
                                    "LEFT JOIN encounters e ON e.id = r.encounter_id") +
                        (startedBy ? " WHERE COALESCE(e.closed_utc, e.started_utc, r.created_utc) <= ?" : "") +
                        " ORDER BY r.id;");
    if (!q) return fail(q.error());
    if (startedBy) q->bind(1, core::formatUtc(*startedBy));
    std::vector<RetentionRowFacts> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        RetentionRowFacts r;
        r.id = q->id<core::RecordId>(0);
        r.facts.outcome = q->text(1);
        r.facts.started = core::parseUtc(q->text(2)).value_or(core::TimePoint{});
        r.facts.closed = parseOptionalUtc(*q, 3);
        r.facts.legalHold = q->int64(4) != 0;
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace

Result<PurgeReport> detail::eraseRecords(Database& db, const std::vector<core::RecordId>& ids) {
    PurgeReport report;
    for (core::RecordId id : ids) {
        auto enc = db.prepare("SELECT encounter_id FROM records WHERE id = ?;");
        if (!enc) return fail(enc.error());
        enc->bind(1, id);
        auto row = enc->step();
        if (!row) return fail(row.error());
        if (!*row) continue;
        const std::optional<std::int64_t> encounter =
            enc->isNull(0) ? std::nullopt : std::optional<std::int64_t>(enc->int64(0));
        enc = {};
        for (const char* sql :
             {"DELETE FROM flag_history WHERE flag_id IN (SELECT id FROM flags WHERE record_id = ?);",
              "DELETE FROM flags WHERE record_id = ?;", "DELETE FROM record_history WHERE record_id = ?;",
              "DELETE FROM images WHERE record_id = ?;", "DELETE FROM record_facts WHERE record_id = ?;",
              "DELETE FROM records WHERE id = ?;"}) {
            auto del = db.prepare(sql);
            if (!del) return fail(del.error());
            del->bind(1, id);
            if (auto s = del->run(); !s) return fail(s.error());
            if (std::string_view(sql).starts_with("DELETE FROM images")) report.images += db.changes();
        }
        if (encounter) {
            auto del = db.prepare("DELETE FROM encounters WHERE id = ? AND NOT EXISTS "
                                  "(SELECT 1 FROM records WHERE encounter_id = ?);");
            if (!del) return fail(del.error());
// GCC 12 at -O2 and above: bogus -Wmaybe-uninitialized on a std::optional checked just above (GCC bug 80635).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
            del->bind(1, *encounter).bind(2, *encounter);
#pragma GCC diagnostic pop
            if (auto s = del->run(); !s) return fail(s.error());
            report.encounters += db.changes();
        }
        ++report.erased;
        report.erasedIds.push_back(id);
    }
    return report;
}

Status detail::compact(Database& db) {
    if (auto s = db.exec("VACUUM;"); !s) return s;
    return db.exec("PRAGMA wal_checkpoint(TRUNCATE);");
}

Result<PurgeReport> detail::purgeExpired(StoreImpl& im, bool dryRun, bool automatic) {
    const auto now = im.clock->now();
    PurgeReport report;
    std::vector<core::RecordId> expired;
    {
        auto tx = im.transaction();
        if (!tx) return fail(tx.error());
        // Only records older than the shortest rule can be due: the purge at every sign-in reads those alone.
        int shortest = im.pack().defaultRetentionDays();
        for (const auto& rule : im.pack().retentionRules()) shortest = std::min(shortest, rule.days);
        auto facts = retentionFacts(tx->db(), now - std::chrono::days{shortest});
        if (!facts) return fail(facts.error());
        for (const auto& r : *facts) {
            auto unheld = r.facts;
            unheld.legalHold = false;
            const auto due = im.pack().deleteBy(unheld);
            if (!due || *due > now) continue;
            if (r.facts.legalHold)
                ++report.held;
            else
                expired.push_back(r.id);
        }
        if (dryRun) {
            report.erased = static_cast<std::int64_t>(expired.size());
            report.erasedIds = expired;
            return report;
        }
        // The purge at sign-in is audited when it erased something; an explicit one always.
        if (expired.empty() && (automatic || report.held == 0)) return report;
        // Written ahead of the erasure, like an erasure on request (erasure_ledger.h).
        auto tags = erasureTagsOf(tx->db(), im.indexKey, im.storeId, expired);
        if (!tags) return fail(tags.error());
        if (auto entries =
                appendErasures(erasureLedgerPath(im.path), im.indexKey, im.storeId, ErasureKind::Retention, *tags);
            !entries)
            return fail(entries.error());
        auto erased = eraseRecords(tx->db(), expired);
        if (!erased) return fail(erased.error());
        erased->held = report.held;
        report = std::move(*erased);
        if (auto s = im.audit(privacy::AuditAction::RetentionPurge, std::nullopt, "retention",
                              std::to_string(report.erased) + " records erased, " + std::to_string(report.images) +
                                  " images, " + std::to_string(report.held) + " kept under legal hold");
            !s)
            return fail(s.error());
        // The erased rows leave the file (secure_delete has zeroed their pages).
        if (auto s =
                im.commit(*tx, report.erased > 0 ? StoreImpl::AfterCommit::Compact : StoreImpl::AfterCommit::Nothing);
            !s)
            return fail(s.error());
    }
    return report;
}

Result<PurgeReport> Retention::purge(bool dryRun) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::PurgeRecords); !s) return fail(s.error());
    return detail::purgeExpired(im, dryRun, false);
}

Result<PurgeReport> Retention::purgeDue() {
    auto& im = *m_impl;
    // Any signed-in role may run it; it is the workstation's duty, not the user's activity.
    if (auto s = im.session(std::nullopt, StoreImpl::Use::ScheduledDuty); !s) return fail(s.error());
    return detail::purgeExpired(im, false, true);
}

Result<std::vector<RetentionRow>> Retention::report() {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::ReportRetention);
    if (!tx) return fail(tx.error());
    const auto now = im.clock->now();
    std::vector<RetentionRow> rows;
    for (const auto& rule : im.pack().retentionRules()) rows.push_back({rule.outcome, rule.days});
    auto facts = retentionFacts(tx->db());
    if (!facts) return fail(facts.error());
    for (const auto& r : *facts) {
        auto it =
            std::find_if(rows.begin(), rows.end(), [&](const auto& row) { return row.outcome == r.facts.outcome; });
        if (it == rows.end()) {
            rows.push_back({r.facts.outcome, std::nullopt});
            it = rows.end() - 1;
        }
        ++it->records;
        if (r.facts.legalHold) {
            ++it->held;
            continue;
        }
        const auto due = im.pack().deleteBy(r.facts);
        if (!due) continue;
        if (*due <= now)
            ++it->expired;
        else if (*due <= now + std::chrono::days{7})
            ++it->within7;
        else if (*due <= now + std::chrono::days{30})
            ++it->within30;
        else
            ++it->later;
        if (!it->next || *due < *it->next) it->next = *due;
    }
    if (auto s = im.audit(privacy::AuditAction::RetentionReport, std::nullopt, "retention",
                          std::to_string(facts->size()) + " records");
        !s)
        return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return rows;
}

} // namespace secondline::storage
