#include "exercises.h"

#include "csv.h"

#include <secondline/validation/codes.h>
#include <secondline/validation/mrz_parser.h>

#include <algorithm>
#include <cstdio>
#include <random>

namespace secondline::app {

namespace {

std::string yymmdd(std::chrono::sys_days day) {
    const std::chrono::year_month_day ymd{day};
    char out[32];
    std::snprintf(out, sizeof out, "%02d%02u%02u", static_cast<int>(ymd.year()) % 100,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return out;
}

/// A three-letter code that is no ICAO code (the code tables decide, so a code added later is skipped).
std::string unknownCode(std::mt19937_64& rng) {
    for (;;) {
        std::string code = "X";
        code += static_cast<char>('A' + rng() % 26);
        code += static_cast<char>('A' + rng() % 26);
        if (!validation::lookupCode(code)) return code;
    }
}

} // namespace

std::string_view problemName(Problem problem) {
    switch (problem) {
    case Problem::None: return "none";
    case Problem::WrongCheckDigit: return "wrong_check_digit";
    case Problem::Expired: return "expired";
    case Problem::VisualMismatch: return "visual_mismatch";
    case Problem::TruncatedName: return "truncated_name";
    case Problem::UnknownCountry: return "unknown_country";
    case Problem::NoMrz: return "no_mrz";
    }
    return "none";
}

std::string_view problemLabel(Problem problem) {
    switch (problem) {
    case Problem::None: return "No problem";
    case Problem::WrongCheckDigit: return "A check digit is wrong";
    case Problem::Expired: return "The document has expired";
    case Problem::VisualMismatch: return "The visual zone and the MRZ disagree";
    case Problem::TruncatedName: return "The name is truncated in the MRZ";
    case Problem::UnknownCountry: return "The country code is unknown";
    case Problem::NoMrz: return "The document has no MRZ";
    }
    return "No problem";
}

ExercisePack makeExercisePack(std::uint64_t seed, int count, std::chrono::sys_days today) {
    count = std::clamp(count, 1, 50);
    std::mt19937_64 rng(seed);
    std::vector<Problem> problems;
    for (Problem p : kPlantedProblems)
        if (static_cast<int>(problems.size()) < count) problems.push_back(p);
    while (static_cast<int>(problems.size()) < count) problems.push_back(Problem::None);
    std::shuffle(problems.begin(), problems.end(), rng);

    ExercisePack pack;
    pack.seed = seed;
    pack.name = "pack-" + std::to_string(seed);
    for (int i = 0; i < count; ++i) {
        const std::uint64_t docSeed = seed * 1000003u + static_cast<std::uint64_t>(i) + 1u;
        Exercise ex;
        ex.number = i + 1;
        ex.problem = problems[static_cast<std::size_t>(i)];
        ex.fields = capture::randomFields(docSeed, validation::MrzFormat::TD3, today);
        ex.render = {.dpi = 300, .onPage = true, .skewDegrees = 0.0, .noiseSigma = 2.0, .seed = docSeed};
        switch (ex.problem) {
        case Problem::None: break;
        case Problem::WrongCheckDigit: ex.render.wrongCheckDigit = true; break;
        case Problem::Expired:
            ex.fields.expiryDate = yymmdd(today - std::chrono::days{30 + static_cast<int>(rng() % 600)});
            break;
        case Problem::VisualMismatch: {
            auto shown = ex.fields;
            shown.surname = capture::randomFields(docSeed ^ 0x5eedu, validation::MrzFormat::TD3, today).surname;
            if (shown.surname == ex.fields.surname) shown.surname += "A";
            ex.render.visualFields = shown;
            break;
        }
        case Problem::TruncatedName: {
            // Two surnames and three given names: more than the 39 characters of the TD3 name zone.
            const auto other = capture::randomFields(docSeed ^ 0x7a11u, validation::MrzFormat::TD3, today);
            ex.fields.surname += " " + other.surname + " " + other.surname.substr(0, 4) + "ESCU";
            ex.fields.givenNames += " " + other.givenNames + " MARIA ALEXANDRA";
            break;
        }
        case Problem::UnknownCountry:
            ex.fields.issuingState = unknownCode(rng);
            ex.fields.nationality = ex.fields.issuingState;
            break;
        case Problem::NoMrz: ex.render.withoutMrz = true; break;
        }
        pack.exercises.push_back(std::move(ex));
    }
    return pack;
}

std::map<std::string, std::string> expectedFields(const Exercise& exercise, std::chrono::sys_days today) {
    std::map<std::string, std::string> out;
    if (exercise.problem == Problem::NoMrz) return out;
    auto lines = validation::composeMrz(exercise.fields);
    if (!lines) return out;
    auto doc = validation::parseMrz(*lines, {.inspectionDate = today});
    if (!doc) return out;
    for (const auto& f : doc->fields)
        if (f.name.find("check_digit") == std::string::npos) out[f.name] = f.value;
    return out;
}

storage::ExerciseResult scoreAnswer(const ExercisePack& pack, const Exercise& exercise, const ExerciseAnswer& answer,
                                    std::chrono::sys_days today) {
    storage::ExerciseResult r;
    r.pack = pack.name;
    r.exercise = exercise.number;
    r.problem = std::string(problemName(exercise.problem));
    const auto expected = expectedFields(exercise, today);
    r.fieldsTotal = static_cast<int>(expected.size());
    for (const auto& [name, value] : expected) {
        const auto it = answer.fields.find(name);
        if (it != answer.fields.end() && it->second == value) ++r.fieldsRight;
    }
    r.problemsPlanted = exercise.problem == Problem::None ? 0 : 1;
    for (Problem p : answer.reported) {
        if (p == Problem::None) continue;
        if (p == exercise.problem)
            r.problemsCaught = 1;
        else
            ++r.falseAlarms;
    }
    r.seconds = std::clamp(answer.seconds, 0.0, 86400.0);
    return r;
}

std::vector<TraineeSummary> classReport(const std::vector<storage::ExerciseResult>& results) {
    std::vector<TraineeSummary> rows;
    std::vector<double> seconds;
    for (const auto& r : results) {
        auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& s) { return s.trainee == r.trainee; });
        if (it == rows.end()) {
            rows.push_back({.trainee = r.trainee});
            seconds.push_back(0.0);
            it = rows.end() - 1;
        }
        it->exercises += 1;
        it->fieldsRight += r.fieldsRight;
        it->fieldsTotal += r.fieldsTotal;
        it->problemsCaught += r.problemsCaught;
        it->problemsPlanted += r.problemsPlanted;
        it->falseAlarms += r.falseAlarms;
        seconds[static_cast<std::size_t>(it - rows.begin())] += r.seconds;
    }
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].meanSeconds = seconds[i] / rows[i].exercises;
    return rows;
}

std::string classReportCsv(const std::vector<TraineeSummary>& rows) {
    std::string out = "trainee,exercises,fields_right,fields_total,problems_caught,problems_planted,false_alarms,"
                      "mean_seconds\r\n";
    TraineeSummary total{.trainee = "(class)"};
    double allSeconds = 0.0;
    const auto line = [&out](const TraineeSummary& s) {
        char secs[32];
        std::snprintf(secs, sizeof secs, "%.1f", s.meanSeconds);
        out += csvField(s.trainee) + "," + std::to_string(s.exercises) + "," + std::to_string(s.fieldsRight) + "," +
               std::to_string(s.fieldsTotal) + "," + std::to_string(s.problemsCaught) + "," +
               std::to_string(s.problemsPlanted) + "," + std::to_string(s.falseAlarms) + "," + secs + "\r\n";
    };
    for (const auto& s : rows) {
        line(s);
        total.exercises += s.exercises;
        total.fieldsRight += s.fieldsRight;
        total.fieldsTotal += s.fieldsTotal;
        total.problemsCaught += s.problemsCaught;
        total.problemsPlanted += s.problemsPlanted;
        total.falseAlarms += s.falseAlarms;
        allSeconds += s.meanSeconds * s.exercises;
    }
    total.meanSeconds = total.exercises > 0 ? allSeconds / total.exercises : 0.0;
    line(total);
    return out;
}

} // namespace secondline::app
