// The Exercises facet: results of training exercises, kept in training stores only.

#include <secondline/storage/exercises.h>

#include "store_impl.h"

#include <cmath>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using detail::Transaction;

Result<std::int64_t> Exercises::add(const ExerciseResult& result) {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::CreateRecord);
    if (!tx) return fail(tx.error());
    if (!im.training) return fail(ErrorCode::PermissionDenied, "exercise results are kept in training stores only");
    const auto count = [](int n) { return n >= 0 && n <= 1000; };
    if (result.pack.empty() || result.pack.size() > 64 || result.problem.empty() || result.problem.size() > 64 ||
        result.exercise < 1 || !count(result.fieldsRight) || !count(result.fieldsTotal) ||
        result.fieldsRight > result.fieldsTotal || !count(result.problemsCaught) || !count(result.problemsPlanted) ||
        result.problemsCaught > result.problemsPlanted || !count(result.falseAlarms) || !(result.seconds >= 0.0) ||
        result.seconds > 86400.0)
        return fail(ErrorCode::InvalidArgument, "an exercise result out of range");
    auto ins =
        tx->db().prepare("INSERT INTO exercise_results (time_utc, user_id, pack, exercise, problem, fields_right, "
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
    const std::int64_t id = tx->db().lastInsertId();
    if (auto s = im.audit(privacy::AuditAction::TrainingResult, std::nullopt, "training",
                          result.pack + " exercise " + std::to_string(result.exercise));
        !s)
        return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return id;
}

Result<std::vector<ExerciseResult>> Exercises::list() {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::ListRecords);
    if (!tx) return fail(tx.error());
    if (!im.training) return fail(ErrorCode::PermissionDenied, "exercise results are kept in training stores only");
    auto q = tx->db().prepare("SELECT x.id, x.time_utc, u.name, x.pack, x.exercise, x.problem, x.fields_right, "
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
    if (auto s = im.audit(privacy::AuditAction::TrainingResults, std::nullopt, "training",
                          std::to_string(out.size()) + " results");
        !s)
        return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return out;
}

} // namespace secondline::storage
