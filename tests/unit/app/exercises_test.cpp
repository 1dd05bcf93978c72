// Training exercise packs: every planted problem is really in the document (checked by reading the rendered
// pixels with the real OCR and validation), the expected answers, the scoring, the class report. (The shapes
// an officer's correction may take are validation's field rules: tests/unit/validation/field_rules_test.cpp.)

#include <exercises.h>

#include <secondline/capture/mrz_reader.h>
#include <secondline/validation/codes.h>
#include <secondline/validation/mrz_parser.h>

#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

using namespace secondline;
using app::Problem;

namespace {

bool hasFinding(const validation::TravelDocument& doc, validation::FindingCode code) {
    return std::any_of(doc.findings.begin(), doc.findings.end(), [&](const auto& f) { return f.code == code; });
}

} // namespace

TEST(ExercisePack, PlantsEveryProblemOnceAndIsTheSameForTheSameNumber) {
    const auto pack = app::makeExercisePack(17, 10, test::testDate());
    ASSERT_EQ(pack.exercises.size(), 10u);
    EXPECT_EQ(pack.name, "pack-17");
    std::multiset<Problem> planted;
    for (const auto& e : pack.exercises) planted.insert(e.problem);
    for (Problem p : app::kPlantedProblems) EXPECT_EQ(planted.count(p), 1u) << app::problemName(p);
    EXPECT_EQ(planted.count(Problem::None), 4u);
    const auto again = app::makeExercisePack(17, 10, test::testDate());
    for (std::size_t i = 0; i < pack.exercises.size(); ++i) {
        EXPECT_EQ(again.exercises[i].problem, pack.exercises[i].problem);
        EXPECT_EQ(again.exercises[i].fields.surname, pack.exercises[i].fields.surname);
        EXPECT_EQ(again.exercises[i].fields.documentNumber, pack.exercises[i].fields.documentNumber);
    }
    const auto other = app::makeExercisePack(18, 10, test::testDate());
    EXPECT_NE(other.exercises[0].fields.documentNumber, pack.exercises[0].fields.documentNumber);
    EXPECT_EQ(app::makeExercisePack(1, 3, test::testDate()).exercises.size(), 3u);
    EXPECT_EQ(app::makeExercisePack(1, 500, test::testDate()).exercises.size(), 50u);
}

// The problems are in the pixels: the real reader and validation find each one (or, for the visual zone,
// the document prints a different surname than its MRZ).
TEST(ExercisePack, EachPlantedProblemIsInTheRenderedDocument) {
    auto renderer = capture::SyntheticRenderer::create();
    ASSERT_TRUE(renderer.has_value());
    auto reader = capture::MrzReader::create();
    ASSERT_TRUE(reader.has_value());
    const auto today = test::testDate();
    for (std::uint64_t seed : {5u, 6u}) {
        const auto pack = app::makeExercisePack(seed, 7, today);
        for (const auto& e : pack.exercises) {
            SCOPED_TRACE(std::string(app::problemName(e.problem)) + " seed " + std::to_string(seed));
            auto doc = renderer->render(e.fields, e.render);
            ASSERT_TRUE(doc.has_value());
            const auto reading = reader->read(doc->image, {.inspectionDate = today});
            if (e.problem == Problem::NoMrz) {
                EXPECT_FALSE(reading.found);
                EXPECT_TRUE(app::expectedFields(e, today).empty());
                continue;
            }
            ASSERT_TRUE(reading.found);
            const auto& read = *reading.document;
            const auto expected = app::expectedFields(e, today);
            for (const auto& [name, value] : expected) EXPECT_EQ(read.value(name), value) << name;
            EXPECT_EQ(!read.valid(), e.problem == Problem::WrongCheckDigit);
            EXPECT_EQ(hasFinding(read, validation::FindingCode::DocumentExpired), e.problem == Problem::Expired);
            EXPECT_EQ(hasFinding(read, validation::FindingCode::NamePossiblyTruncated),
                      e.problem == Problem::TruncatedName);
            EXPECT_EQ(hasFinding(read, validation::FindingCode::CountryCodeUnknown),
                      e.problem == Problem::UnknownCountry);
            EXPECT_EQ(e.render.visualFields.has_value(), e.problem == Problem::VisualMismatch);
            if (e.render.visualFields) {
                EXPECT_NE(e.render.visualFields->surname, e.fields.surname);
            }
        }
    }
}

TEST(ExercisePack, ScoresFieldsProblemsAndFalseAlarms) {
    const auto today = test::testDate();
    const auto pack = app::makeExercisePack(9, 7, today);
    const auto it = std::find_if(pack.exercises.begin(), pack.exercises.end(),
                                 [](const auto& e) { return e.problem == Problem::Expired; });
    ASSERT_NE(it, pack.exercises.end());
    app::ExerciseAnswer answer;
    answer.fields = app::expectedFields(*it, today);
    ASSERT_FALSE(answer.fields.empty());
    answer.fields["surname"] = "WRONG";
    answer.reported = {Problem::Expired, Problem::UnknownCountry};
    answer.seconds = 12.5;
    const auto r = app::scoreAnswer(pack, *it, answer, today);
    EXPECT_EQ(r.pack, "pack-9");
    EXPECT_EQ(r.exercise, it->number);
    EXPECT_EQ(r.problem, "expired");
    EXPECT_EQ(r.fieldsTotal, static_cast<int>(answer.fields.size()));
    EXPECT_EQ(r.fieldsRight, r.fieldsTotal - 1);
    EXPECT_EQ(r.problemsPlanted, 1);
    EXPECT_EQ(r.problemsCaught, 1);
    EXPECT_EQ(r.falseAlarms, 1);
    EXPECT_DOUBLE_EQ(r.seconds, 12.5);
    app::ExerciseAnswer nothing;
    const auto missed = app::scoreAnswer(pack, *it, nothing, today);
    EXPECT_EQ(missed.fieldsRight, 0);
    EXPECT_EQ(missed.problemsCaught, 0);
}

TEST(ClassReport, TotalsPerTraineeAndQuotesNamesInCsv) {
    std::vector<storage::ExerciseResult> results(3);
    results[0] = {.trainee = "b,trainee",
                  .pack = "p",
                  .exercise = 1,
                  .problem = "none",
                  .fieldsRight = 10,
                  .fieldsTotal = 11,
                  .seconds = 30};
    results[1] = {.trainee = "a",
                  .pack = "p",
                  .exercise = 1,
                  .problem = "expired",
                  .fieldsRight = 11,
                  .fieldsTotal = 11,
                  .problemsCaught = 1,
                  .problemsPlanted = 1,
                  .seconds = 20};
    results[2] = {.trainee = "b,trainee",
                  .pack = "p",
                  .exercise = 2,
                  .problem = "no_mrz",
                  .problemsPlanted = 1,
                  .falseAlarms = 2,
                  .seconds = 50};
    const auto rows = app::classReport(results);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].trainee, "b,trainee");
    EXPECT_EQ(rows[0].exercises, 2);
    EXPECT_EQ(rows[0].fieldsRight, 10);
    EXPECT_EQ(rows[0].problemsPlanted, 1);
    EXPECT_EQ(rows[0].falseAlarms, 2);
    EXPECT_DOUBLE_EQ(rows[0].meanSeconds, 40.0);
    const auto csv = app::classReportCsv(rows);
    EXPECT_NE(csv.find("\r\n\"b,trainee\",2,10,11,0,1,2,40.0\r\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\r\na,1,11,11,1,1,0,20.0\r\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\r\n(class),3,21,22,1,2,2,33.3\r\n"), std::string::npos) << csv;
}
