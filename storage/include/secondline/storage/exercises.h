#pragma once
// Trainees' scored exercises, kept in training stores only (synthetic data). A facet of Store
// (store.exercises()).

#include <secondline/core/clock.h>
#include <secondline/core/result.h>

#include <cstdint>
#include <string>
#include <vector>

namespace secondline::storage {

struct StoreImpl; ///< opaque: the open store's state, shared by the facets

/// One trainee's answer to one exercise of a training pack, scored (training stores only; synthetic data).
struct ExerciseResult {
    std::int64_t id = 0;
    core::TimePoint time{};
    std::string trainee;     ///< login name (set by the store: the signed-in user)
    std::string pack;        ///< the pack's name, e.g. "pack-7"
    int exercise = 0;        ///< 1-based position in the pack
    std::string problem;     ///< the problem planted ("none" for a clean document)
    int fieldsRight = 0;     ///< fields whose saved value matched the document
    int fieldsTotal = 0;     ///< fields the document has
    int problemsCaught = 0;  ///< planted problems the trainee reported
    int problemsPlanted = 0; ///< problems planted (0 or 1)
    int falseAlarms = 0;     ///< problems reported that were not there
    double seconds = 0.0;    ///< from the document shown to the answer given
};

/// store.exercises(): trainees' answers and their scores.
class Exercises {
public:
    /// Keeps a trainee's scored answer (training stores only; `trainee` and `time` are set by the store).
    /// Errors: PermissionDenied (a production store, or a role that may not create records), InvalidArgument.
    [[nodiscard]] core::Result<std::int64_t> add(const ExerciseResult& result);
    /// Every trainee's results for those who may read every record (trainers), one's own otherwise, oldest
    /// first. Errors: PermissionDenied (a production store).
    [[nodiscard]] core::Result<std::vector<ExerciseResult>> list();

private:
    friend class Store;
    explicit Exercises(StoreImpl* impl) : m_impl(impl) {}
    StoreImpl* m_impl;
};

} // namespace secondline::storage
