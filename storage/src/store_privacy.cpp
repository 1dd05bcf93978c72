// The store's privacy operations (issue 7): the policy pack in force, minimization, retention and purge,
// legal holds, rectification and erasure, subject access, sharing, break-glass, the sign-in file, and the
// signed audit trail's verification, export and checkpoints.

#include "document_codec.h"
#include "store_impl.h"

#include <secondline/privacy/blind_index.h>
#include <secondline/privacy/sharing.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <charconv>
#include <map>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::Status;
using detail::Database;
using detail::Transaction;

namespace {

constexpr std::size_t kMaxReason = 4000;
constexpr std::size_t kMaxLoginsFileBytes = 1u << 20;
constexpr std::size_t kMaxPendingLogins = 1000;

Status checkReason(std::string_view reason, const char* what) {
    if (reason.empty() || reason.size() > kMaxReason)
        return fail(ErrorCode::InvalidArgument, std::string(what) + " needs a reason of 1 to 4000 characters");
    return {};
}

std::optional<core::TimePoint> parseOptionalUtc(const detail::Statement& q, int column) {
    if (q.isNull(column)) return std::nullopt;
    return core::parseUtc(q.text(column));
}

} // namespace

std::string loginsPath(const std::string& databasePath) {
    return databasePath + ".logins";
}

// ---- audit entries --------------------------------------------------------------------------------------

Status detail::appendAudit(Database& db, const core::Clock& clock, const std::string& user, std::string_view role,
                           std::string action, std::optional<std::int64_t> recordId, std::string purpose,
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
    e.action = std::move(action);
    e.recordId = recordId;
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

// ---- policy -----------------------------------------------------------------------------------------------

Result<privacy::Policy> detail::loadPolicyInForce(Database& db) {
    auto q = db.prepare("SELECT text FROM policy ORDER BY id DESC LIMIT 1;");
    if (!q) return fail(q.error());
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(ErrorCode::StoreCorrupt, "the store has no policy pack in force");
    auto pack = privacy::Policy::parse(q->text(0));
    if (!pack) return fail(ErrorCode::StoreCorrupt, "the store's policy pack no longer validates");
    return pack;
}

const privacy::Policy& Store::policy() const {
    return m_impl->pack();
}

Status Store::loadPolicy(std::string_view packText) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::LoadPolicy); !s) return s;
    auto pack = privacy::Policy::parse(packText);
    if (!pack) return fail(pack.error());
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    auto ins = im.db.prepare("INSERT INTO policy (loaded_utc, loaded_by, name, version, hash, text) "
                             "VALUES (?,?,?,?,?,?);");
    if (!ins) return fail(ins.error());
    ins->bind(1, core::formatUtc(im.clock->now())).bind(2, im.user).bind(3, pack->name()).bind(4, pack->version());
    ins->bind(5, pack->hash()).bind(6, pack->text());
    if (auto s = ins->run(); !s) return s;
    if (auto s = im.audit("policy.load", std::nullopt, "administration",
                          "policy " + pack->name() + " " + pack->version() + " hash " + pack->hash());
        !s)
        return s;
    if (auto s = tx->commit(); !s) return s;
    im.policy = std::move(*pack);
    return {};
}

// ---- minimization -----------------------------------------------------------------------------------------

validation::TravelDocument detail::minimized(const validation::TravelDocument& document,
                                             const privacy::MinimizationProfile& profile) {
    validation::TravelDocument out = document;
    std::erase_if(out.fields, [&](const validation::Field& f) { return !profile.allowsField(f.name); });
    if (!profile.allowsField("birth_date")) {
        out.birthDate = {};
        out.ageAtInspection.reset();
    }
    if (!profile.allowsField("expiry_date")) {
        out.expiryDate = {};
        out.daysToExpiry.reset();
    }
    if (!profile.rawMrz) out.lines.clear();
    return out;
}

// ---- encounters, rectification, holds, erasure ---------------------------------------------------------------

Status SubjectRights::setLegalHold(std::int64_t recordId, bool hold, std::string_view reason) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::HoldRecord); !s) return s;
    if (auto s = checkReason(reason, "a legal hold"); !s) return s;
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    if (auto s = im.requireVisible(recordId); !s) return s;
    auto upd = im.db.prepare("UPDATE records SET legal_hold = ? WHERE id = ?;");
    if (!upd) return fail(upd.error());
    upd->bind(1, std::int64_t{hold ? 1 : 0}).bind(2, recordId);
    if (auto s = upd->run(); !s) return s;
    if (auto s = im.audit(hold ? "record.hold" : "record.release", recordId, "legal_hold", "", std::string(reason)); !s)
        return s;
    return tx->commit();
}

Result<PurgeReport> detail::eraseRecords(Database& db, const std::vector<std::int64_t>& ids) {
    PurgeReport report;
    for (std::int64_t id : ids) {
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
            del->bind(1, *encounter).bind(2, *encounter);
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

Status SubjectRights::erase(std::int64_t recordId, std::string_view reason) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::EraseRecord); !s) return s;
    if (auto s = checkReason(reason, "an erasure"); !s) return s;
    std::optional<core::Error> refusal;
    {
        auto tx = Transaction::begin(im.db);
        if (!tx) return fail(tx.error());
        if (auto s = im.requireVisible(recordId); !s) return s;
        auto q = im.db.prepare("SELECT r.legal_hold, e.outcome FROM records r "
                               "LEFT JOIN encounters e ON e.id = r.encounter_id WHERE r.id = ?;");
        if (!q) return fail(q.error());
        q->bind(1, recordId);
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) return fail(ErrorCode::RecordNotFound, "no record with that id is visible to this user");
        const bool held = q->int64(0) != 0;
        const std::string outcome = q->isNull(1) ? std::string{} : q->text(1);
        q = {};
        if (held)
            refusal = core::Error{ErrorCode::LegalHold, "the record is under a legal hold and cannot be erased"};
        else if (!im.pack().erasable(outcome))
            refusal =
                core::Error{ErrorCode::PolicyForbids,
                            "the policy pack does not allow erasing records of this outcome before retention ends"};
        if (refusal) {
            if (auto s = im.audit("record.erase_refused", recordId, "subject_rights",
                                  std::string(core::errorCodeName(refusal->code)), std::string(reason));
                !s)
                return s;
            if (auto s = tx->commit(); !s) return s;
            return fail(*refusal);
        }
        auto erased = detail::eraseRecords(im.db, {recordId});
        if (!erased) return fail(erased.error());
        if (auto s = im.audit("record.erase", recordId, "subject_rights", std::to_string(erased->images) + " images",
                              std::string(reason));
            !s)
            return s;
        if (auto s = tx->commit(); !s) return s;
    }
    return detail::compact(im.db);
}

// ---- retention --------------------------------------------------------------------------------------------------

namespace {

struct RetentionRowFacts {
    std::int64_t id = 0;
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
        r.id = q->int64(0);
        r.facts.outcome = q->text(1);
        r.facts.started = core::parseUtc(q->text(2)).value_or(core::TimePoint{});
        r.facts.closed = parseOptionalUtc(*q, 3);
        r.facts.legalHold = q->int64(4) != 0;
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace

Result<PurgeReport> detail::purgeExpired(StoreImpl& im, bool dryRun, bool automatic) {
    const auto now = im.clock->now();
    PurgeReport report;
    std::vector<std::int64_t> expired;
    {
        auto tx = Transaction::begin(im.db);
        if (!tx) return fail(tx.error());
        // Only records older than the shortest rule can be due: the purge at every sign-in reads those alone.
        int shortest = im.pack().defaultRetentionDays();
        for (const auto& rule : im.pack().retentionRules()) shortest = std::min(shortest, rule.days);
        auto facts = retentionFacts(im.db, now - std::chrono::days{shortest});
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
        auto erased = eraseRecords(im.db, expired);
        if (!erased) return fail(erased.error());
        erased->held = report.held;
        report = std::move(*erased);
        if (auto s = im.audit("retention.purge", std::nullopt, "retention",
                              std::to_string(report.erased) + " records erased, " + std::to_string(report.images) +
                                  " images, " + std::to_string(report.held) + " kept under legal hold");
            !s)
            return fail(s.error());
        if (auto s = tx->commit(); !s) return fail(s.error());
    }
    if (report.erased > 0)
        if (auto s = compact(im.db); !s) return fail(s.error());
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

Result<std::int64_t> Exercises::add(const ExerciseResult& result) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::CreateRecord); !s) return fail(s.error());
    if (!im.training) return fail(ErrorCode::PermissionDenied, "exercise results are kept in training stores only");
    const auto count = [](int n) { return n >= 0 && n <= 1000; };
    if (result.pack.empty() || result.pack.size() > 64 || result.problem.empty() || result.problem.size() > 64 ||
        result.exercise < 1 || !count(result.fieldsRight) || !count(result.fieldsTotal) ||
        result.fieldsRight > result.fieldsTotal || !count(result.problemsCaught) || !count(result.problemsPlanted) ||
        result.problemsCaught > result.problemsPlanted || !count(result.falseAlarms) || !(result.seconds >= 0.0) ||
        result.seconds > 86400.0)
        return fail(ErrorCode::InvalidArgument, "an exercise result out of range");
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    auto ins = im.db.prepare("INSERT INTO exercise_results (time_utc, user_id, pack, exercise, problem, fields_right, "
                             "fields_total, problems_caught, problems_planted, false_alarms, milliseconds) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);");
    if (!ins) return fail(ins.error());
    ins->bind(1, core::formatUtc(im.clock->now()))
        .bind(2, im.userId)
        .bind(3, result.pack)
        .bind(4, std::int64_t{result.exercise})
        .bind(5, result.problem)
        .bind(6, std::int64_t{result.fieldsRight})
        .bind(7, std::int64_t{result.fieldsTotal})
        .bind(8, std::int64_t{result.problemsCaught})
        .bind(9, std::int64_t{result.problemsPlanted})
        .bind(10, std::int64_t{result.falseAlarms})
        .bind(11, static_cast<std::int64_t>(std::llround(result.seconds * 1000.0)));
    if (auto s = ins->run(); !s) return fail(s.error());
    const std::int64_t id = im.db.lastInsertId();
    if (auto s = im.audit("training.result", std::nullopt, "training",
                          result.pack + " exercise " + std::to_string(result.exercise));
        !s)
        return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return id;
}

Result<std::vector<ExerciseResult>> Exercises::list() {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ListRecords); !s) return fail(s.error());
    if (!im.training) return fail(ErrorCode::PermissionDenied, "exercise results are kept in training stores only");
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    auto q = im.db.prepare("SELECT x.id, x.time_utc, u.name, x.pack, x.exercise, x.problem, x.fields_right, "
                           "x.fields_total, x.problems_caught, x.problems_planted, x.false_alarms, x.milliseconds "
                           "FROM exercise_results x JOIN users u ON u.id = x.user_id "
                           "WHERE (? OR x.user_id = ?) ORDER BY x.id;");
    if (!q) return fail(q.error());
    q->bind(1, std::int64_t{im.readsAny() ? 1 : 0}).bind(2, im.userId);
    std::vector<ExerciseResult> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        ExerciseResult r;
        r.id = q->int64(0);
        r.time = core::parseUtc(q->text(1)).value_or(core::TimePoint{});
        r.trainee = q->text(2);
        r.pack = q->text(3);
        r.exercise = static_cast<int>(q->int64(4));
        r.problem = q->text(5);
        r.fieldsRight = static_cast<int>(q->int64(6));
        r.fieldsTotal = static_cast<int>(q->int64(7));
        r.problemsCaught = static_cast<int>(q->int64(8));
        r.problemsPlanted = static_cast<int>(q->int64(9));
        r.falseAlarms = static_cast<int>(q->int64(10));
        r.seconds = static_cast<double>(q->int64(11)) / 1000.0;
        out.push_back(std::move(r));
    }
    if (auto s = im.audit("training.results", std::nullopt, "training", std::to_string(out.size()) + " results"); !s)
        return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return out;
}

Result<std::vector<RetentionRow>> Retention::report() {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ReportRetention); !s) return fail(s.error());
    const auto now = im.clock->now();
    std::vector<RetentionRow> rows;
    for (const auto& rule : im.pack().retentionRules()) rows.push_back({rule.outcome, rule.days});
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    auto facts = retentionFacts(im.db);
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
    if (auto s = im.audit("retention.report", std::nullopt, "retention", std::to_string(facts->size()) + " records");
        !s)
        return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return rows;
}

// ---- subject access ---------------------------------------------------------------------------------------------

namespace {} // namespace

Result<StoredRecord> detail::loadRecord(Database& db, std::int64_t id) {
    auto q = db.prepare("SELECT r.id, r.created_utc, u.name, r.source, r.purpose, r.document, e.id, e.location, "
                        "e.desk, e.outcome, e.notes, r.legal_hold FROM records r JOIN users u ON u.id = r.officer_id "
                        "LEFT JOIN encounters e ON e.id = r.encounter_id WHERE r.id = ?;");
    if (!q) return fail(q.error());
    q->bind(1, id);
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(ErrorCode::RecordNotFound, "no record with that id");
    StoredRecord rec;
    rec.id = q->int64(0);
    rec.created = core::parseUtc(q->text(1)).value_or(core::TimePoint{});
    rec.officer = q->text(2);
    rec.encounter.source = q->text(3);
    rec.encounter.purpose = q->text(4);
    if (!q->isNull(6)) {
        rec.encounter.encounterId = q->int64(6);
        rec.encounter.location = q->text(7);
        rec.encounter.desk = q->text(8);
        rec.encounter.outcome = q->text(9);
        rec.encounter.notes = q->text(10);
    }
    rec.legalHold = q->int64(11) != 0;
    auto doc = detail::decodeDocument(q->text(5));
    if (!doc) return fail(doc.error());
    rec.document = std::move(*doc);
    q = {};
    auto history = detail::recordHistory(db, id);
    if (!history) return fail(history.error());
    rec.history = std::move(*history);
    return rec;
}

namespace {

Result<std::vector<Disclosure>> loadDisclosures(Database& db, std::int64_t recordId) {
    auto q = db.prepare("SELECT d.record_id, d.time_utc, u.name, d.agreement, d.recipient, d.purpose, "
                        "d.legal_reference, d.fields FROM disclosures d JOIN users u ON u.id = d.user_id "
                        "WHERE d.record_id = ? ORDER BY d.id;");
    if (!q) return fail(q.error());
    q->bind(1, recordId);
    std::vector<Disclosure> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        Disclosure d{q->int64(0), core::parseUtc(q->text(1)).value_or(core::TimePoint{}),
                     q->text(2),  q->text(3),
                     q->text(4),  q->text(5),
                     q->text(6),  {}};
        const auto fields = nlohmann::json::parse(q->text(7), nullptr, false);
        if (fields.is_array())
            for (const auto& f : fields)
                if (f.is_string()) d.fields.push_back(f.get<std::string>());
        out.push_back(std::move(d));
    }
    return out;
}

} // namespace

Result<std::vector<Disclosure>> SubjectRights::disclosures(std::int64_t recordId) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ReadOwnRecord); !s) return fail(s.error());
    if (auto s = im.requireVisible(recordId); !s) return fail(s.error());
    return loadDisclosures(im.db, recordId);
}

Result<SubjectData> SubjectRights::exportSubject(std::string_view issuingState, std::string_view documentNumber) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ExportSubject); !s) return fail(s.error());
    const bool glass = im.viaBreakGlass(privacy::Action::ExportSubject);
    const std::string idx =
        privacy::blindIndex(im.indexKey, "document", privacy::documentLookupValue(issuingState, documentNumber));
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    SubjectData out;
    std::vector<std::int64_t> ids;
    {
        auto q = im.db.prepare("SELECT id FROM records WHERE idx_document = ? ORDER BY id;");
        if (!q) return fail(q.error());
        q->bind(1, idx);
        for (;;) {
            auto row = q->step();
            if (!row) return fail(row.error());
            if (!*row) break;
            ids.push_back(q->int64(0));
        }
    }
    for (std::int64_t id : ids) {
        auto rec = detail::loadRecord(im.db, id);
        if (!rec) return fail(rec.error());
        out.records.push_back(std::move(*rec));
        auto images = detail::loadImages(im.db, id);
        if (!images) return fail(images.error());
        for (auto& image : *images) out.images.emplace_back(id, std::move(image));
        auto flags = detail::loadRecordFlags(im.db, id);
        if (!flags) return fail(flags.error());
        for (auto& f : *flags) out.flags.push_back(std::move(f));
        auto disclosed = loadDisclosures(im.db, id);
        if (!disclosed) return fail(disclosed.error());
        for (auto& d : *disclosed) out.disclosures.push_back(std::move(d));
    }
    auto trail = detail::readAuditTrail(im);
    if (!trail) return fail(trail.error());
    for (auto& e : *trail)
        if (e.recordId && std::find(ids.begin(), ids.end(), *e.recordId) != ids.end())
            out.accessLog.push_back(std::move(e));
    for (std::int64_t id : ids)
        if (auto s = im.audit("subject.export", id, glass ? "breakglass" : "subject_access", glass ? "break-glass" : "",
                              glass ? im.breakGlassReason : std::string{});
            !s)
            return fail(s.error());
    if (ids.empty())
        if (auto s = im.audit("subject.export", std::nullopt, "subject_access", "0 records"); !s)
            return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return out;
}

// ---- sharing ------------------------------------------------------------------------------------------------------

Result<std::string> SubjectRights::share(std::int64_t recordId, std::string_view agreementName,
                                         std::string_view justification) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ShareRecord); !s) return fail(s.error());
    if (auto s = checkReason(justification, "a disclosure"); !s) return fail(s.error());
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    if (auto s = im.requireVisible(recordId); !s) return fail(s.error());
    const privacy::SharingAgreement* agreement = im.pack().agreement(agreementName);
    if (!agreement) {
        // Outside any agreement: refused, and the attempt is on the record.
        if (auto s = im.audit("share.refused", recordId, "sharing", "no agreement of that name in the policy pack",
                              std::string(justification));
            !s)
            return fail(s.error());
        if (auto s = tx->commit(); !s) return fail(s.error());
        return fail(ErrorCode::PolicyForbids, "the policy pack has no sharing agreement of that name");
    }
    auto rec = detail::loadRecord(im.db, recordId);
    if (!rec) return fail(rec.error());
    privacy::SharePayload payload;
    payload.agreement = agreement->name;
    payload.recipient = agreement->recipient;
    payload.purpose = agreement->purpose;
    payload.legalReference = agreement->legalReference;
    payload.storeId = im.storeId;
    payload.created = im.clock->now();
    payload.recordId = recordId;
    nlohmann::json sent = nlohmann::json::array();
    for (const auto& f : rec->document.fields)
        if (agreement->fields.count(f.name)) {
            payload.fields.emplace_back(f.name, f.value);
            sent.push_back(f.name);
        }
    auto sealed = privacy::sealShare(payload, *agreement, *im.signer);
    for (auto& [name, value] : payload.fields) std::fill(value.begin(), value.end(), '\0');
    if (!sealed) return fail(sealed.error());
    auto ins = im.db.prepare("INSERT INTO disclosures (record_id, time_utc, user_id, agreement, recipient, purpose, "
                             "legal_reference, fields) VALUES (?,?,?,?,?,?,?,?);");
    if (!ins) return fail(ins.error());
    ins->bind(1, recordId).bind(2, core::formatUtc(payload.created)).bind(3, im.userId).bind(4, agreement->name);
    ins->bind(5, agreement->recipient).bind(6, agreement->purpose).bind(7, agreement->legalReference);
    ins->bind(8, sent.dump());
    if (auto s = ins->run(); !s) return fail(s.error());
    if (auto s = im.audit("share.export", recordId, agreement->purpose,
                          "agreement " + agreement->name + ", " + std::to_string(sent.size()) + " fields",
                          std::string(justification));
        !s)
        return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return sealed;
}

// ---- break-glass ----------------------------------------------------------------------------------------------

Status detail::loadBreakGlass(StoreImpl& im) {
    auto q = im.db.prepare("SELECT expires_utc, reason FROM breakglass WHERE user_id = ? ORDER BY id DESC LIMIT 1;");
    if (!q) return fail(q.error());
    q->bind(1, im.userId);
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) return {};
    const auto until = core::parseUtc(q->text(0));
    if (until && *until > im.clock->now()) {
        im.breakGlassUntil = until;
        im.breakGlassReason = q->text(1);
    }
    return {};
}

Result<core::TimePoint> Store::breakGlass(std::string_view reason, int minutes) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::BreakGlass); !s) return fail(s.error());
    const auto& rules = im.pack().breakGlass();
    if (!rules.roles.count(im.role))
        return fail(ErrorCode::PermissionDenied, "role " + std::string(privacy::roleName(im.role)) +
                                                     " is not among the policy pack's break-glass roles");
    if (auto s = checkReason(reason, "break-glass"); !s) return fail(s.error());
    if (minutes < 1 || minutes > rules.maxMinutes)
        return fail(ErrorCode::InvalidArgument,
                    "break-glass lasts 1 to " + std::to_string(rules.maxMinutes) + " minutes under this policy pack");
    const auto now = im.clock->now();
    const auto until = now + std::chrono::minutes{minutes};
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    auto ins = im.db.prepare("INSERT INTO breakglass (user_id, started_utc, expires_utc, reason) VALUES (?,?,?,?);");
    if (!ins) return fail(ins.error());
    ins->bind(1, im.userId).bind(2, core::formatUtc(now)).bind(3, core::formatUtc(until)).bind(4, reason);
    if (auto s = ins->run(); !s) return fail(s.error());
    if (auto s = im.audit("breakglass.start", std::nullopt, "breakglass",
                          "BREAK-GLASS for " + std::to_string(minutes) + " minutes", std::string(reason));
        !s)
        return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    im.breakGlassUntil = until;
    im.breakGlassReason = std::string(reason);
    return until;
}

std::optional<core::TimePoint> Store::breakGlassUntil() const {
    return m_impl->breakGlassActive() ? m_impl->breakGlassUntil : std::nullopt;
}

// ---- the signed audit trail ---------------------------------------------------------------------------------------

const std::string& AuditTrail::publicKey() const {
    static const std::string kNone;
    return m_impl->signer ? m_impl->signer->publicKeyHex() : kNone;
}

std::int64_t AuditTrail::signedFrom() const {
    return m_impl->signedFrom;
}

const std::string& Store::storeId() const {
    return m_impl->storeId;
}

Result<privacy::TrailCheck> AuditTrail::verify(const privacy::AuditCheckpoint* checkpoint) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ReadAudit); !s) return fail(s.error());
    if (checkpoint && checkpoint->storeId != im.storeId)
        return fail(ErrorCode::AuditInvalid, "the checkpoint belongs to another store");
    auto trail = detail::readAuditTrail(im);
    if (!trail) return fail(trail.error());
    auto check = privacy::verifyTrail(*trail, {publicKey(), im.signedFrom}, checkpoint);
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    if (auto s = im.audit("audit.verify", std::nullopt, "audit", check.ok ? "intact" : "FAILED: " + check.problem); !s)
        return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return check;
}

namespace {

/// Writes `action`'s own entry, then reads the whole trail, so what is exported or checkpointed ends with it.
Result<std::vector<privacy::AuditEntry>> trailEndingWith(StoreImpl& im, const char* action) {
    if (auto s = im.allowed(privacy::Action::ExportAudit); !s) return fail(s.error());
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    if (auto s = im.audit(action, std::nullopt, "audit", ""); !s) return fail(s.error());
    auto trail = detail::readAuditTrail(im);
    if (!trail) return fail(trail.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return trail;
}

} // namespace

Result<std::string> AuditTrail::exportSigned() {
    auto& im = *m_impl;
    auto trail = trailEndingWith(im, "audit.export");
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
    auto trail = trailEndingWith(im, "audit.checkpoint");
    if (!trail) return fail(trail.error());
    auto checkpoint = privacy::makeCheckpoint(*trail, im.storeId, im.clock->now(), *im.signer);
    if (!checkpoint) return fail(checkpoint.error());
    return privacy::encodeCheckpoint(*checkpoint);
}

// ---- the sign-in file -------------------------------------------------------------------------------------------

namespace {

constexpr std::string_view kLoginsFormat = "secondline-logins/1";

/// Reads the sign-in file; a missing or unreadable one is an empty one (it holds no secret, and losing it
/// loses only counts: failed sign-ins already written to the trail are not in it).
nlohmann::json readLogins(const std::string& storePath) {
    auto text = detail::readWholeFile(loginsPath(storePath), kMaxLoginsFileBytes);
    nlohmann::json j = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
    if (j.is_discarded() || !j.is_object() || j.value("format", "") != kLoginsFormat || !j.contains("users") ||
        !j["users"].is_object() || !j.contains("pending") || !j["pending"].is_array())
        j = {{"format", kLoginsFormat}, {"users", nlohmann::json::object()}, {"pending", nlohmann::json::array()}};
    return j;
}

void writeLogins(const std::string& storePath, const nlohmann::json& j) {
    (void)detail::writeFileAtomically(loginsPath(storePath), j.dump(1) + "\n");
}

int intOr(const nlohmann::json& j, const char* key, int fallback) {
    return j.contains(key) && j[key].is_number_integer() ? j[key].get<int>() : fallback;
}

} // namespace

Status detail::checkLockout(const std::string& storePath, const std::string& user, core::TimePoint now) {
    const auto j = readLogins(storePath);
    if (!j["users"].contains(user) || !j["users"][user].is_object()) return {};
    const auto& u = j["users"][user];
    if (!u.contains("locked_until") || !u["locked_until"].is_string()) return {};
    const auto until = core::parseUtc(u["locked_until"].get<std::string>());
    if (until && now < *until)
        return fail(ErrorCode::AccountLocked,
                    "too many failed sign-ins: this account is locked until " + core::formatUtc(*until) + " (UTC)");
    return {};
}

void detail::recordFailedLogin(const std::string& storePath, const std::string& user, bool knownUser,
                               core::TimePoint now) {
    auto j = readLogins(storePath);
    const int maxFailed = intOr(j, "max_failed_logins", privacy::SessionRules{}.maxFailedLogins);
    const int lockoutMinutes = intOr(j, "lockout_minutes", privacy::SessionRules{}.lockoutMinutes);
    bool locked = false;
    if (knownUser) {
        auto& u = j["users"][user];
        if (!u.is_object()) u = nlohmann::json::object();
        const int failed = intOr(u, "failed", 0) + 1;
        u["failed"] = failed;
        if (failed >= maxFailed) {
            u["locked_until"] = core::formatUtc(now + std::chrono::minutes{lockoutMinutes});
            u["failed"] = 0;
            locked = true;
        }
    }
    auto& pending = j["pending"];
    if (pending.size() < kMaxPendingLogins)
        pending.push_back({{"user", knownUser ? user : std::string("(unknown)")},
                           {"time", core::formatUtc(now)},
                           {"locked", locked}});
    writeLogins(storePath, j);
}

std::vector<detail::FailedLogin> detail::pendingFailedLogins(const std::string& storePath) {
    const auto j = readLogins(storePath);
    std::vector<FailedLogin> out;
    for (const auto& p : j["pending"]) {
        if (!p.is_object() || !p.contains("user") || !p["user"].is_string() || !p.contains("time") ||
            !p["time"].is_string())
            continue;
        auto user = p["user"].get<std::string>();
        if (user != "(unknown)" && !validUserName(user)) user = "(unknown)";
        out.push_back(
            {user, core::parseUtc(p["time"].get<std::string>()).value_or(core::TimePoint{}), p.value("locked", false)});
    }
    return out;
}

void detail::clearLoginFailures(const std::string& storePath, const std::string& user,
                                const privacy::SessionRules& rules) {
    auto j = readLogins(storePath);
    j["pending"] = nlohmann::json::array();
    j["users"].erase(user);
    j["max_failed_logins"] = rules.maxFailedLogins;
    j["lockout_minutes"] = rules.lockoutMinutes;
    writeLogins(storePath, j);
}

} // namespace secondline::storage
