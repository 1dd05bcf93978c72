// Statistics rows: written with each record in the same transaction, kept in step with rectifications, flags
// and erasure, and read for aggregate reports. They hold no identity: codes, an age band, quality figures.

#include "document_codec.h"
#include "sqlite.h"
#include "store_impl.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string_view>
#include <unordered_map>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::Status;
using detail::Database;
using detail::Transaction;

namespace {

/// "2026-11-27T09:15:02.123Z" to seconds since 1970; nullopt when malformed.
std::optional<std::int64_t> epochSeconds(std::string_view t) {
    if (t.size() < 19 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':')
        return std::nullopt;
    const auto num = [&](std::size_t at, std::size_t n) {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (t[i] < '0' || t[i] > '9') return -1;
            v = v * 10 + (t[i] - '0');
        }
        return v;
    };
    const int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), s = num(17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || mi < 0 || s < 0) return std::nullopt;
    const std::chrono::sys_days day{std::chrono::year{y} / std::chrono::month{static_cast<unsigned>(mo)} /
                                    std::chrono::day{static_cast<unsigned>(d)}};
    return static_cast<std::int64_t>(day.time_since_epoch().count()) * 86400 + h * 3600 + mi * 60 + s;
}

std::string ageBand(const validation::TravelDocument& doc, std::int64_t captureSeconds) {
    const auto& b = doc.birthDate;
    if (!b.complete()) return "unknown";
    const std::chrono::year_month_day capture{std::chrono::sys_days{std::chrono::days{captureSeconds / 86400}}};
    int age = static_cast<int>(capture.year()) - *b.year;
    if (static_cast<int>(static_cast<unsigned>(capture.month())) < *b.month ||
        (static_cast<int>(static_cast<unsigned>(capture.month())) == *b.month &&
         static_cast<int>(static_cast<unsigned>(capture.day())) < *b.day))
        --age;
    if (age < 0 || age > 130) return "unknown";
    if (age < 18) return "0-17";
    if (age < 30) return "18-29";
    if (age < 45) return "30-44";
    if (age < 60) return "45-59";
    return "60+";
}

int missingFields(const validation::TravelDocument& doc) {
    int n = 0;
    for (const char* name : {"document_number", "surname", "nationality", "birth_date", "expiry_date"})
        if (const auto* f = doc.field(name); f && (f->value.empty() || (std::string_view(name).ends_with("_date") &&
                                                                        f->value.find('X') != std::string::npos)))
            ++n;
    return n;
}

int lowestConfidence(const validation::TravelDocument& doc) {
    double low = 1.0;
    for (const auto& f : doc.fields) low = std::min(low, f.confidence);
    return std::clamp(static_cast<int>(std::floor(low * 100.0)), 0, 100);
}

struct Transparent {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

} // namespace

Status detail::writeFacts(Database& db, core::RecordId recordId, const validation::TravelDocument& doc) {
    auto created = db.prepare("SELECT created_utc FROM records WHERE id = ?;");
    if (!created) return fail(created.error());
    created->bind(1, recordId);
    auto row = created->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(ErrorCode::RecordNotFound, "no such record");
    const auto when = epochSeconds(created->textView(0)).value_or(0);
    const bool failed = std::any_of(doc.checks.begin(), doc.checks.end(),
                                    [](const auto& c) { return c.status == validation::CheckStatus::Fail; });
    auto ins = db.prepare(
        "INSERT OR REPLACE INTO record_facts (record_id, encounter_id, time_utc, desk, source, document_code, "
        "issuing_state, nationality, sex, age_band, check_failed, missing_fields, min_confidence, corrections, "
        "flagged, basis) SELECT r.id, r.encounter_id, r.created_utc, e.desk, r.source, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "COALESCE((SELECT corrections FROM record_facts WHERE record_id = r.id), 0), "
        "COALESCE((SELECT flagged FROM record_facts WHERE record_id = r.id), 0), "
        "COALESCE((SELECT basis FROM record_facts WHERE record_id = r.id), '') "
        "FROM records r JOIN encounters e ON e.id = r.encounter_id WHERE r.id = ?9;");
    if (!ins) return fail(ins.error());
    ins->bind(1, doc.value("document_code"))
        .bind(2, doc.issuingState())
        .bind(3, doc.value("nationality"))
        .bind(4, doc.value("sex"))
        .bind(5, ageBand(doc, when))
        .bind(6, std::int64_t{failed ? 1 : 0})
        .bind(7, std::int64_t{missingFields(doc)})
        .bind(8, std::int64_t{lowestConfidence(doc)})
        .bind(9, recordId);
    return ins->run();
}

Status detail::factsAfterRectify(Database& db, core::RecordId recordId, const validation::TravelDocument& doc) {
    auto upd = db.prepare("UPDATE record_facts SET corrections = corrections + 1 WHERE record_id = ?;");
    if (!upd) return fail(upd.error());
    upd->bind(1, recordId);
    if (auto s = upd->run(); !s) return s;
    return writeFacts(db, recordId, doc);
}

Status detail::factsAfterFlag(Database& db, core::RecordId recordId, ReferralBasis basis) {
    // The first typed referral gives the basis; later flags keep it.
    auto upd = db.prepare("UPDATE record_facts SET flagged = 1, basis = CASE WHEN basis = '' THEN ? ELSE basis END "
                          "WHERE record_id = ?;");
    if (!upd) return fail(upd.error());
    // Statistics rows count an untyped flag as "" (the report's "not typed").
    upd->bind(1, basis == ReferralBasis::None ? std::string_view{} : referralBasisName(basis)).bind(2, recordId);
    return upd->run();
}

Status detail::backfillFacts(Database& db) {
    auto q = db.prepare("SELECT id, document FROM records ORDER BY id;");
    if (!q) return fail(q.error());
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        auto doc = decodeDocument(q->text(1));
        if (!doc) return fail(ErrorCode::StoreCorrupt, "a record cannot be decoded");
        if (auto s = writeFacts(db, q->id<core::RecordId>(0), *doc); !s) return s;
    }
    return db.exec(R"sql(
UPDATE record_facts SET corrections = (SELECT COUNT(*) FROM record_history h WHERE h.record_id = record_facts.record_id);
UPDATE record_facts SET flagged = 1,
    basis = COALESCE((SELECT CASE WHEN f.reason LIKE 'fact: %' THEN 'fact'
                                  WHEN f.reason LIKE 'assessment: %' THEN 'assessment' ELSE '' END
                      FROM flags f WHERE f.record_id = record_facts.record_id ORDER BY f.id LIMIT 1), '')
    WHERE record_id IN (SELECT record_id FROM flags);
)sql");
}

Result<StatisticsData> Statistics::rows(core::TimePoint from, core::TimePoint to,
                                        const std::optional<std::string>& desk) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ReadStatistics); !s) return fail(s.error());
    auto tx = im.transaction();
    if (!tx) return fail(tx.error());
    std::string sql = "SELECT f.time_utc, e.started_utc, e.closed_utc, f.corrections, f.missing_fields, "
                      "f.min_confidence, f.check_failed, f.flagged, f.desk, f.source, f.document_code, "
                      "f.issuing_state, f.nationality, f.sex, f.age_band, e.outcome, f.basis "
                      "FROM record_facts f JOIN encounters e ON e.id = f.encounter_id "
                      "WHERE f.time_utc >= ? AND f.time_utc < ?";
    if (desk) sql += " AND f.desk = ?";
    auto q = tx->db().prepare(sql + ";");
    if (!q) return fail(q.error());
    q->bind(1, core::formatUtc(from)).bind(2, core::formatUtc(to));
    if (desk) q->bind(3, *desk);
    StatisticsData out;
    std::array<std::unordered_map<std::string, std::uint16_t, Transparent, std::equal_to<>>,
               StatisticsData::kDimensions>
        dictionaries;
    const auto code = [&](int dimension, std::string_view text) -> std::uint16_t {
        auto& dict = dictionaries[static_cast<std::size_t>(dimension)];
        if (const auto it = dict.find(text); it != dict.end()) return it->second;
        auto& values = out.values[static_cast<std::size_t>(dimension)];
        if (values.size() >= 65535) text = "(other)"; // more distinct values than a report could show
        if (const auto it = dict.find(text); it != dict.end()) return it->second;
        const auto next = static_cast<std::uint16_t>(values.size());
        values.emplace_back(text);
        dict.emplace(std::string(text), next);
        return next;
    };
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        StatisticsData::Row r;
        r.time = epochSeconds(q->textView(0)).value_or(0);
        if (!q->isNull(2)) {
            const auto start = epochSeconds(q->textView(1)), end = epochSeconds(q->textView(2));
            if (start && end && *end >= *start)
                r.processing = static_cast<std::int32_t>(std::min<std::int64_t>(*end - *start, INT32_MAX));
        }
        r.corrections = static_cast<std::uint16_t>(std::clamp<std::int64_t>(q->int64(3), 0, 65535));
        r.missing = static_cast<std::uint8_t>(std::clamp<std::int64_t>(q->int64(4), 0, 255));
        r.confidence = static_cast<std::uint8_t>(std::clamp<std::int64_t>(q->int64(5), 0, 100));
        r.checkFailed = q->int64(6) != 0;
        r.flagged = q->int64(7) != 0;
        for (int d = 0; d < StatisticsData::kDimensions; ++d)
            r.code[static_cast<std::size_t>(d)] = code(d, q->textView(8 + d));
        out.rows.push_back(r);
    }
    if (auto s = im.audit(privacy::AuditAction::StatisticsRead, std::nullopt, "statistics",
                          core::formatUtc(from) + " to " + core::formatUtc(to) + (desk ? ", one desk" : "") + ", " +
                              std::to_string(out.rows.size()) + " records");
        !s)
        return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return out;
}

} // namespace secondline::storage
