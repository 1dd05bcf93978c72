#pragma once
// Training exercises: packs of synthetic documents with one planted problem each (or none), the answers a
// careful officer would give, and the scoring of a trainee's answer. Everything is generated from a seed, so
// a pack is the same on every workstation of a class and nothing but the seed and the scores is stored.

#include <secondline/capture/synthetic.h>
#include <secondline/storage/store.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::app {

enum class Problem {
    None,
    WrongCheckDigit, ///< a misprinted (or altered) check digit
    Expired,         ///< the document expired before the inspection
    VisualMismatch,  ///< the visual zone's surname differs from the MRZ's
    TruncatedName,   ///< the MRZ name zone is full: the name there is cut short
    UnknownCountry,  ///< issuing state and nationality are not ICAO codes
    NoMrz,           ///< the document has no machine readable zone
};

/// Every problem a pack plants, in a fixed order (for check boxes and reports).
inline constexpr Problem kPlantedProblems[] = {Problem::WrongCheckDigit, Problem::Expired,
                                               Problem::VisualMismatch,  Problem::TruncatedName,
                                               Problem::UnknownCountry,  Problem::NoMrz};

/// Stable name ("wrong_check_digit", ...; "none").
[[nodiscard]] std::string_view problemName(Problem problem);
/// Plain words for a trainee ("A check digit is wrong").
[[nodiscard]] std::string_view problemLabel(Problem problem);

struct Exercise {
    int number = 0; ///< 1-based
    Problem problem = Problem::None;
    validation::MrzFields fields;  ///< what the MRZ holds (before truncation)
    capture::RenderOptions render; ///< how the document is drawn, with the planted problem
};

struct ExercisePack {
    std::string name; ///< "pack-<seed>"
    std::uint64_t seed = 0;
    std::vector<Exercise> exercises;
};

/// `count` exercises (1-50), each planted problem at least once when count allows, the rest clean, in an
/// order drawn from the seed. Dates are around `today`.
[[nodiscard]] ExercisePack makeExercisePack(std::uint64_t seed, int count, std::chrono::sys_days today);

/// The standardized field values a careful officer records: those the printed MRZ gives (as read, never
/// "corrected" to the visual zone). Empty for a document without an MRZ.
[[nodiscard]] std::map<std::string, std::string> expectedFields(const Exercise& exercise, std::chrono::sys_days today);

struct ExerciseAnswer {
    std::map<std::string, std::string> fields; ///< as the trainee saved them
    std::set<Problem> reported;                ///< problems the trainee reported
    double seconds = 0.0;
};

/// Scores an answer (trainee and time are left for the store to set).
[[nodiscard]] storage::ExerciseResult scoreAnswer(const ExercisePack& pack, const Exercise& exercise,
                                                  const ExerciseAnswer& answer, std::chrono::sys_days today);

/// One trainee's totals over their results.
struct TraineeSummary {
    std::string trainee;
    int exercises = 0;
    int fieldsRight = 0;
    int fieldsTotal = 0;
    int problemsCaught = 0;
    int problemsPlanted = 0;
    int falseAlarms = 0;
    double meanSeconds = 0.0;
};

/// Totals per trainee, in order of their first result.
[[nodiscard]] std::vector<TraineeSummary> classReport(const std::vector<storage::ExerciseResult>& results);
/// The class report as CSV (RFC 4180; a header line, then one line per trainee and a class total).
[[nodiscard]] std::string classReportCsv(const std::vector<TraineeSummary>& rows);

} // namespace secondline::app
