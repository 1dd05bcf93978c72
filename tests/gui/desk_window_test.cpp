// The desk app, real, on Qt's offscreen platform, over real SQLCipher stores and real OCR: each role's
// screens, the officer's flow from image to saved and referred record, the supervisor's decision, a scored
// training exercise, the idle lock, the scheduled purge, the clipboard guard, and the capture paths.

#include "admin_screen.h"
#include "auditor_screen.h"
#include "desk_window.h"
#include "sign_in.h"
#include "login_dialog.h"
#include "officer_screen.h"
#include "review_panel.h"
#include "statistics_screen.h"
#include "supervisor_screen.h"
#include "trainer_screen.h"

#include <local_session.h>
#include <secondline/capture/source.h>
#include <secondline/capture/synthetic.h>
#include <secondline/validation/mrz_parser.h>

#include "test_support.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QFile>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QTreeWidget>
#include <QUrl>

using namespace secondline;

namespace {

constexpr const char* kSpecimen = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                  "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

QString cell(QTableWidget* table, int row, int col) {
    auto* item = table->item(row, col);
    return item ? item->text() : QString();
}

} // namespace

class DeskWindowTest : public QObject {
    Q_OBJECT

    test::TempDir m_dir;
    test::FakeClock m_clock;

    /// A store with one user per role ("admin", "officer", "supervisor", "auditor"), or a training store with a
    /// trainer and a trainee officer. Every password is "pw".
    std::string makeStore(const std::string& name, bool training = false) {
        const std::string path = m_dir.file(name);
        storage::CreateOptions options;
        options.training = training;
        options.firstUserRole = training ? privacy::Role::Trainer : privacy::Role::Administrator;
        options.kdf = privacy::KdfParams::fastForTests();
        options.testStore = true;
        const std::string first = training ? "trainer" : "admin";
        if (!storage::Store::create(path, first, test::password("pw"), options, m_clock))
            throw std::runtime_error("create failed");
        auto store = storage::Store::open(path, first, test::password("pw"), {}, m_clock);
        if (!store) throw std::runtime_error(store.error().message);
        const std::vector<std::pair<std::string, privacy::Role>> users =
            training ? std::vector<std::pair<std::string, privacy::Role>>{{"officer", privacy::Role::Officer}}
                     : std::vector<std::pair<std::string, privacy::Role>>{{"officer", privacy::Role::Officer},
                                                                          {"supervisor", privacy::Role::Supervisor},
                                                                          {"auditor", privacy::Role::Auditor}};
        for (const auto& [user, role] : users)
            if (!store->users().add(user, role, test::password("pw"), privacy::KdfParams::fastForTests()))
                throw std::runtime_error("add user failed");
        return path;
    }

    /// The store itself, to set up what a test needs before the desk signs in.
    storage::Store openStore(const std::string& path, const std::string& user) {
        auto store = storage::Store::open(path, user, test::password("pw"), {}, m_clock);
        if (!store) throw std::runtime_error(store.error().message);
        return std::move(*store);
    }

    /// A session over the store, opened by this process (app::LocalSession), as the desk's local mode signs in.
    std::unique_ptr<client::Session> signIn(const std::string& path, const std::string& user) {
        return std::make_unique<app::LocalSession>(openStore(path, user));
    }

    desk::DeskOptions options(const std::string& path) {
        desk::DeskOptions o;
        o.signIn = desk::localSignIn(path, {}, m_clock);
        o.kdf = privacy::KdfParams::fastForTests();
        o.settingsFile = QString::fromStdString(m_dir.file("desk.ini"));
        return o;
    }

    /// A generated passport as a PNG file.
    std::string passportFile(const std::string& name, std::uint64_t seed, bool wrongCheckDigit = false) {
        auto renderer = capture::SyntheticRenderer::create();
        if (!renderer) throw std::runtime_error("renderer");
        auto doc = renderer->render(capture::randomFields(seed, validation::MrzFormat::TD3, test::testDate()),
                                    {.dpi = 300, .onPage = true, .wrongCheckDigit = wrongCheckDigit, .seed = seed});
        if (!doc) throw std::runtime_error("render");
        const std::string path = m_dir.file(name);
        if (!capture::savePng(doc->image, path)) throw std::runtime_error("save");
        return path;
    }

    /// Types into a review value cell from the keyboard (F2 opens the editor).
    static void editValue(desk::ReviewPanel* review, const std::string& field, const QString& text) {
        auto* table = review->fieldTable();
        const int row = review->rowOf(field);
        QVERIFY(row >= 0);
        table->setFocus();
        table->setCurrentCell(row, 2);
        QTest::keyClick(table, Qt::Key_F2);
        auto* editor = table->findChild<QLineEdit*>();
        QVERIFY(editor != nullptr);
        editor->selectAll();
        QTest::keyClicks(editor, text, Qt::NoModifier, 50); // a person's pace, not a reader's burst
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_COMPARE(table->item(row, 2)->text(), text);
    }

private slots:
    void initTestCase() { qputenv("SANE_CONFIG_DIR", SECONDLINE_TEST_DATA "/sane"); }

    void eachRoleGetsOnlyItsScreens() {
        const std::string path = makeStore("roles.db");
        const std::string training = makeStore("roles-training.db", true);
        const std::vector<std::tuple<std::string, std::string, QStringList>> cases = {
            {path, "officer", {"homeScreen", "officerScreen"}},
            {path, "supervisor", {"homeScreen", "officerScreen", "supervisorScreen", "statisticsScreen"}},
            {path, "auditor", {"homeScreen", "statisticsScreen", "auditorScreen"}},
            {path, "admin", {"homeScreen", "auditorScreen", "adminScreen"}},
            {training,
             "trainer",
             {"homeScreen", "officerScreen", "supervisorScreen", "statisticsScreen", "trainerScreen", "adminScreen"}},
            {training, "officer", {"homeScreen", "officerScreen", "trainerScreen"}},
        };
        for (const auto& [store, user, expected] : cases) {
            desk::DeskWindow window(signIn(store, user), m_clock, options(store));
            QCOMPARE(window.screenNames(), expected);
            // Not merely hidden: a screen the role may not use is never built.
            QCOMPARE(window.findChild<desk::AuditorScreen*>() != nullptr, expected.contains("auditorScreen"));
            QCOMPARE(window.findChild<desk::OfficerScreen*>() != nullptr, expected.contains("officerScreen"));
            QCOMPARE(window.findChild<desk::AdminScreen*>() != nullptr, expected.contains("adminScreen"));
            QCOMPARE(window.findChild<desk::SupervisorScreen*>() != nullptr, expected.contains("supervisorScreen"));
            QCOMPARE(window.findChild<desk::TrainerScreen*>() != nullptr, expected.contains("trainerScreen"));
            QCOMPARE(window.showScreen("auditorScreen"), expected.contains("auditorScreen"));
            // Training stores say so on every screen.
            QCOMPARE(window.findChild<QWidget*>("trainingWatermark") != nullptr, store == training);
            QCOMPARE(window.findChild<QLabel*>("trainingBanner") != nullptr, store == training);
        }
    }

    void officerFlowFromADroppedImageToASavedAndReferredRecord() {
        const std::string path = makeStore("officer.db");
        const std::string image = passportFile("passport.png", 4242);
        std::string surname;
        {
            desk::DeskWindow window(signIn(path, "officer"), m_clock, options(path));
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.activateWindow();
            QVERIFY(QTest::qWaitForWindowActive(&window));
            QVERIFY(window.showScreen("officerScreen"));
            auto* officer = window.officer();
            QSignalSpy read(officer, &desk::OfficerScreen::captureFinished);
            // Dropped on the desk, like a file dragged from a scanner's folder.
            QMimeData mime;
            mime.setUrls({QUrl::fromLocalFile(QString::fromStdString(image))});
            QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(officer, &enter);
            QVERIFY(enter.isAccepted());
            QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(officer, &drop);
            QVERIFY(read.wait(120000) || read.count() == 1);
            QCOMPARE(read.first().first().toBool(), true);
            auto* review = officer->review();
            QVERIFY(review->rowOf("surname") >= 0);
            surname = cell(review->fieldTable(), review->rowOf("surname"), 1).toStdString();
            QCOMPARE(officer->recordTable()->rowCount(), 0); // nothing stored before save
            QVERIFY(!officer->imageView()->pixmap().isNull());
            QVERIFY(!window.windowTitle().contains(QString::fromStdString(surname)));

            // The visual zone typed by the officer is compared with the MRZ.
            // (Typed fast, keys may be held for a moment by the reader detector: QTRY waits for them.)
            review->visualField("surname")->setFocus();
            QTest::keyClicks(review->visualField("surname"), "SOMEONE ELSE");
            QTRY_VERIFY(review->comparisonLabel()->text().contains("DOES NOT MATCH"));
            review->visualField("surname")->setText(QString::fromStdString(surname));
            QTRY_VERIFY(review->comparisonLabel()->text().contains("Surname: matches"));

            // A correction of the wrong shape is refused; a right one needs a reason.
            QSignalSpy saved(officer, &desk::OfficerScreen::saved);
            QSignalSpy refused(officer, &desk::OfficerScreen::saveFailed);
            editValue(review, "birth_date", "1974-13-01");
            QTest::keyClick(&window, Qt::Key_S, Qt::ControlModifier);
            QCOMPARE(refused.count(), 1);
            QVERIFY(window.statusText().contains("YYYY-MM-DD"));
            editValue(review, "birth_date", "1974-08-12");
            QTest::keyClick(&window, Qt::Key_S, Qt::ControlModifier);
            QCOMPARE(refused.count(), 2);
            QVERIFY(window.statusText().contains("reason"));
            review->reasonField()->setFocus();
            QTest::keyClicks(review->reasonField(), "date of birth misread, checked against the data page");
            QTRY_COMPARE(review->reasonField()->text(),
                         QString("date of birth misread, checked against the data page"));

            // Refer from the keyboard: Ctrl+R puts the cursor on the referral reason.
            QTest::keyClick(&window, Qt::Key_R, Qt::ControlModifier);
            QVERIFY(officer->referBox()->isChecked());
            QVERIFY(officer->referReasonField()->hasFocus());
            officer->referBasisBox()->setCurrentIndex(officer->referBasisBox()->findData("assessment"));
            QTest::keyClicks(officer->referReasonField(), "travel pattern does not fit the stated purpose");
            QTRY_COMPARE(officer->referReasonField()->text(),
                         QString("travel pattern does not fit the stated purpose"));
            officer->notesField()->setFocus();
            QTest::keyClicks(officer->notesField(), "declared a two-day business visit");
            QTRY_COMPARE(officer->notesField()->toPlainText(), QString("declared a two-day business visit"));
            QTest::keyClick(&window, Qt::Key_S, Qt::ControlModifier);
            QVERIFY(saved.wait(60000) || saved.count() == 1);
            QCOMPARE(refused.count(), 2);
            QVERIFY(window.statusText().contains("referred"));
            QCOMPARE(officer->recordTable()->rowCount(), 1);
            QVERIFY(!officer->hasPending());
        }
        auto supervisor = openStore(path, "supervisor");
        auto flags = supervisor.flags().list(true);
        QVERIFY(flags.has_value());
        QCOMPARE(flags->size(), std::size_t{1});
        // Regression (issue 17): the basis is a column, not a prefix of the reason.
        QCOMPARE(flags->front().basis, storage::ReferralBasis::Assessment);
        QCOMPARE(flags->front().reason, std::string("travel pattern does not fit the stated purpose"));
        auto rec = supervisor.records().get(flags->front().recordId);
        QVERIFY(rec.has_value());
        QCOMPARE(rec->document.birthDate.iso(), std::string("1974-08-12"));
        QCOMPARE(rec->history.size(), std::size_t{1});
        QCOMPARE(rec->history.front().field, std::string("birth_date"));
        QCOMPARE(rec->history.front().reason, std::string("date of birth misread, checked against the data page"));
        QCOMPARE(rec->encounter.notes, std::string("declared a two-day business visit"));
        QCOMPARE(rec->encounter.outcome, std::string("open"));
        QCOMPARE(rec->document.surname(), surname);
        auto images = supervisor.records().images(rec->id);
        QVERIFY(images.has_value());
        QVERIFY(!images->empty());
    }

    void anOutcomeChosenAtSaveClosesTheEncounter() {
        const std::string path = makeStore("outcome.db");
        desk::DeskWindow window(signIn(path, "officer"), m_clock, options(path));
        auto* officer = window.officer();
        QSignalSpy read(officer, &desk::OfficerScreen::captureFinished);
        officer->captureText(kSpecimen);
        QVERIFY(read.wait(30000) || read.count() == 1);
        officer->outcomeBox()->setCurrentIndex(officer->outcomeBox()->findData("cleared"));
        QSignalSpy saved(officer, &desk::OfficerScreen::saved);
        officer->save();
        QVERIFY(saved.wait(30000) || saved.count() == 1);
        QVERIFY(window.statusText().contains("closed as cleared"));
        // Closed cases leave the officer's list.
        QCOMPARE(officer->recordTable()->rowCount(), 0);
    }

    void theSupervisorDecidesAReferral() {
        const std::string path = makeStore("supervisor.db");
        {
            auto officer = openStore(path, "officer");
            auto doc = validation::parseMrzText(kSpecimen, {.inspectionDate = test::testDate()});
            QVERIFY(doc.has_value());
            auto id = officer.records().add(*doc, {.source = "file"});
            QVERIFY(id.has_value());
            QVERIFY(officer.flags()
                        .raise(*id, {.kind = storage::FlagKind::Review,
                                     .basis = storage::ReferralBasis::Fact,
                                     .reason = "visa stamp missing",
                                     .referredTo = {}})
                        .has_value());
        }
        m_clock.advance(std::chrono::hours{3});
        desk::DeskWindow window(signIn(path, "supervisor"), m_clock, options(path));
        window.show();
        QVERIFY(window.showScreen("supervisorScreen"));
        auto* screen = window.supervisor();
        QCOMPARE(screen->queue()->rowCount(), 1);
        QCOMPARE(cell(screen->queue(), 0, 2), QString("3 h"));
        QCOMPARE(cell(screen->queue(), 0, 3), QString("fact"));
        QCOMPARE(cell(screen->queue(), 0, 4), QString("visa stamp missing"));
        QCOMPARE(cell(screen->queue(), 0, 5), QString("officer"));
        screen->queue()->selectRow(0);
        QVERIFY(screen->detail()->topLevelItemCount() >= 3);
        QVERIFY(!screen->decide(storage::FlagStatus::Resolved)); // no note yet
        QVERIFY(window.statusText().contains("note"));
        QTest::keyClicks(screen->noteField(), "stamp found on page 12; admitted");
        QTRY_COMPARE(screen->noteField()->text(), QString("stamp found on page 12; admitted"));
        QTest::mouseClick(screen->findChild<QPushButton*>("resolve"), Qt::LeftButton);
        QVERIFY(window.statusText().contains("resolved"));
        QCOMPARE(screen->queue()->rowCount(), 0); // the open queue is empty
        screen->openOnlyBox()->setChecked(false);
        QCOMPARE(screen->queue()->rowCount(), 1);
        QCOMPARE(cell(screen->queue(), 0, 6), QString("resolved"));
        auto flags = window.context().session().listFlags(false);
        QVERIFY(flags.has_value());
        QCOMPARE(flags->front().status, storage::FlagStatus::Resolved);
        QCOMPARE(flags->front().history.back().note, std::string("stamp found on page 12; admitted"));
        QCOMPARE(flags->front().history.back().user, std::string("supervisor"));
    }

    void theSupervisorSeesProtectedStatisticsInCharts() {
        const std::string path = makeStore("statistics.db");
        {
            auto officer = openStore(path, "officer");
            auto doc = validation::parseMrzText(kSpecimen, {.inspectionDate = test::testDate()});
            QVERIFY(doc.has_value());
            std::vector<validation::TravelDocument> docs(7, *doc);
            QVERIFY(officer.records().addBatch(docs, {.source = "scan"}).has_value());
            QVERIFY(officer.flags()
                        .raise(core::RecordId{1}, {.kind = storage::FlagKind::Review,
                                                   .basis = storage::ReferralBasis::Fact,
                                                   .reason = "stamp missing",
                                                   .referredTo = {}})
                        .has_value());
        }
        desk::DeskWindow window(signIn(path, "supervisor"), m_clock, options(path));
        window.show();
        QVERIFY(window.showScreen("statisticsScreen"));
        auto* screen = window.statistics();
        QSignalSpy computed(screen, &desk::StatisticsScreen::computed);
        screen->compute();
        QVERIFY(computed.wait(30000) || computed.count() == 1);
        QCOMPARE(computed.last().first().toBool(), true);
        QVERIFY(screen->report().has_value());
        QCOMPARE(screen->report()->records.value_or(-1), 7);
        QVERIFY(screen->volumeChart()->chart() != nullptr);
        QCOMPARE(screen->volumeChart()->chart()->series().size(), 1);
        // One referral of seven: below k, so the nationality's referral rate is withheld and not charted.
        bool withheld = false;
        for (int row = 0; row < screen->biasTable()->rowCount(); ++row)
            if (cell(screen->biasTable(), row, 0) == "nationality" && cell(screen->biasTable(), row, 1) == "UTO")
                withheld = cell(screen->biasTable(), row, 3) == "suppressed";
        QVERIFY(withheld);
        QVERIFY(!window.grab().isNull());
    }

    void aTraineesExerciseIsScoredAndReachesTheClassReport() {
        const std::string path = makeStore("training.db", true);
        const std::string csv = m_dir.file("class.csv");
        {
            desk::DeskWindow window(signIn(path, "officer"), m_clock, options(path));
            QVERIFY(window.showScreen("trainerScreen"));
            auto* trainer = window.trainer();
            QVERIFY(!trainer->findChild<QWidget*>("classReport")->isVisibleTo(trainer)); // trainees: own scores
            trainer->openPack(31, 7);
            const auto* pack = trainer->pack();
            QVERIFY(pack != nullptr);
            const auto& exercises = pack->exercises;
            const auto indexOf = [&](app::Problem p) {
                for (std::size_t i = 0; i < exercises.size(); ++i)
                    if (exercises[i].problem == p) return static_cast<int>(i);
                return -1;
            };
            QVERIFY(indexOf(app::Problem::WrongCheckDigit) >= 0);
            QVERIFY(indexOf(app::Problem::NoMrz) >= 0);

            // A misprinted check digit, found.
            QSignalSpy shown(trainer, &desk::TrainerScreen::exerciseShown);
            QSignalSpy read(trainer, &desk::TrainerScreen::exerciseRead);
            trainer->showExercise(indexOf(app::Problem::WrongCheckDigit));
            QVERIFY(shown.wait(60000) || !shown.isEmpty());
            QCOMPARE(shown.last().first().toBool(), true);
            trainer->readDocument();
            QVERIFY(read.wait(60000) || !read.isEmpty());
            QCOMPARE(read.last().first().toBool(), true);
            trainer->reportProblem(app::Problem::WrongCheckDigit, true);
            QVERIFY(trainer->submit());
            QVERIFY(trainer->scoreLabel()->text().contains("Problem caught"));
            QVERIFY(!trainer->submit()); // once per document

            // A document without an MRZ, taken for an expired one: missed, and a false alarm.
            shown.clear();
            read.clear();
            trainer->showExercise(indexOf(app::Problem::NoMrz));
            QVERIFY(shown.wait(60000) || !shown.isEmpty());
            trainer->readDocument();
            QVERIFY(read.wait(60000) || !read.isEmpty());
            QCOMPARE(read.last().first().toBool(), false);
            trainer->reportProblem(app::Problem::Expired, true);
            QVERIFY(trainer->submit());
            QVERIFY(trainer->scoreLabel()->text().contains("Problem missed"));
        }
        auto trainer = signIn(path, "trainer");
        auto results = trainer->exercises();
        QVERIFY(results.has_value());
        QCOMPARE(results->size(), std::size_t{2});
        const auto& first = results->at(0);
        QCOMPARE(first.trainee, std::string("officer"));
        QCOMPARE(first.problem, std::string("wrong_check_digit"));
        QCOMPARE(first.problemsCaught, 1);
        QCOMPARE(first.falseAlarms, 0);
        QVERIFY(first.fieldsTotal >= 10);
        QCOMPARE(first.fieldsRight, first.fieldsTotal); // the values as printed, read right
        const auto& second = results->at(1);
        QCOMPARE(second.problem, std::string("no_mrz"));
        QCOMPARE(second.problemsCaught, 0);
        QCOMPARE(second.falseAlarms, 1);
        QCOMPARE(second.fieldsTotal, 0);

        desk::DeskWindow window(std::move(trainer), m_clock, options(path));
        QVERIFY(window.showScreen("trainerScreen"));
        auto* screen = window.trainer();
        QCOMPARE(screen->classTable()->rowCount(), 1);
        QCOMPARE(cell(screen->classTable(), 0, 0), QString("officer"));
        QCOMPARE(cell(screen->classTable(), 0, 3), QString("1 / 2"));
        QVERIFY(screen->exportClassReport(QString::fromStdString(csv)));
        QFile file(QString::fromStdString(csv));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY(text.startsWith("trainee,exercises,"));
        QVERIFY(text.contains("\r\nofficer,2,"));
        QVERIFY(text.contains("\r\n(class),2,"));
    }

    void anIdleDeskLocksAndTheSameUserSignsInAgain() {
        const std::string path = makeStore("idle.db");
        auto o = options(path);
        o.idleLock = std::chrono::milliseconds{300};
        desk::DeskWindow window(signIn(path, "officer"), m_clock, o);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.locked(), 10000);
        QVERIFY(window.findChild<QWidget*>("lockScreen")->isVisible());
        QVERIFY(!window.officer()->isVisible());
        // The store was released: another process (here: a second session) may open it.
        { QVERIFY(storage::Store::open(path, "auditor", test::password("pw"), {}, m_clock).has_value()); }
        QSignalSpy unlocked(&window, &desk::DeskWindow::unlocked);
        window.unlock(test::password("wrong"));
        QVERIFY(unlocked.wait(30000) || unlocked.count() == 1);
        QCOMPARE(unlocked.last().first().toBool(), false);
        QVERIFY(window.locked());
        QTest::keyClicks(window.lockPassword(), "pw");
        QTest::keyClick(window.lockPassword(), Qt::Key_Return);
        QVERIFY(window.lockPassword()->text().isEmpty()); // moved out of the widget
        QVERIFY(unlocked.wait(30000) || unlocked.count() == 2);
        QCOMPARE(unlocked.last().first().toBool(), true);
        QVERIFY(!window.locked());
        QVERIFY(window.context().session().listRecords().has_value());
        // The trail shows the sign-out and the failed attempt.
        window.lock();
        auto auditor = openStore(path, "auditor");
        auto trail = auditor.audit().entries();
        QVERIFY(trail.has_value());
        int logouts = 0;
        for (const auto& e : *trail) logouts += e.userName == "officer" && e.action == "session.logout" ? 1 : 0;
        QVERIFY(logouts >= 2);
    }

    void theScheduledPurgeErasesWhatRetentionSaysIsDue() {
        const std::string path = makeStore("purge.db");
        {
            auto officer = openStore(path, "officer");
            auto doc = validation::parseMrzText(kSpecimen, {.inspectionDate = test::testDate()});
            QVERIFY(doc.has_value());
            auto id = officer.records().add(*doc, {.source = "file"});
            QVERIFY(id.has_value());
            auto rec = officer.records().get(*id);
            QVERIFY(rec.has_value());
            QVERIFY(officer.records().closeEncounter(*rec->encounter.encounterId, "cleared").has_value());
        }
        desk::DeskWindow window(signIn(path, "supervisor"), m_clock, options(path));
        QSignalSpy purged(&window, &desk::DeskWindow::purged);
        window.runScheduledPurge();
        QVERIFY(purged.wait(30000) || purged.count() == 1);
        QCOMPARE(purged.last().first().toLongLong(), 0); // not due yet
        m_clock.advance(std::chrono::days{31});
        window.runScheduledPurge();
        QVERIFY(purged.wait(30000) || purged.count() == 2);
        QCOMPARE(purged.last().first().toLongLong(), 1);
        QVERIFY(window.statusText().contains("1 expired records erased"));
    }

    void personalDataNeverReachesTheClipboard() {
        const std::string path = makeStore("clipboard.db");
        desk::DeskWindow window(signIn(path, "officer"), m_clock, options(path));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* officer = window.officer();
        QVERIFY(window.showScreen("officerScreen"));
        QSignalSpy read(officer, &desk::OfficerScreen::captureFinished);
        officer->captureText(kSpecimen);
        QVERIFY(read.wait(30000) || read.count() == 1);
        QGuiApplication::clipboard()->setText("untouched");
        auto* table = officer->review()->fieldTable();
        table->setFocus();
        table->setCurrentCell(officer->review()->rowOf("surname"), 1);
        QTest::keyClick(table, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QGuiApplication::clipboard()->text(), QString("untouched"));
        auto* visual = officer->review()->visualField("surname");
        visual->setText("ERIKSSON");
        visual->setFocus();
        visual->selectAll();
        QTest::keyClick(visual, Qt::Key_C, Qt::ControlModifier);
        QTest::keyClick(visual, Qt::Key_X, Qt::ControlModifier);
        QCOMPARE(QGuiApplication::clipboard()->text(), QString("untouched"));
        QCOMPARE(visual->text(), QString("ERIKSSON")); // cut refused, nothing removed
        // The filter box holds no traveller's data: copying there works as anywhere else.
        officer->filterField()->setText("TD3");
        officer->filterField()->setFocus();
        officer->filterField()->selectAll();
        QTest::keyClick(officer->filterField(), Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QGuiApplication::clipboard()->text(), QString("TD3"));
        QVERIFY(!window.windowTitle().contains("ERIKSSON"));
    }

    void theAuditorVerifiesAndFiltersTheTrail() {
        const std::string path = makeStore("audit.db");
        {
            auto officer = openStore(path, "officer");
            auto doc = validation::parseMrzText(kSpecimen, {.inspectionDate = test::testDate()});
            QVERIFY(doc.has_value());
            QVERIFY(officer.records().add(*doc, {.source = "file"}).has_value());
        }
        desk::DeskWindow window(signIn(path, "auditor"), m_clock, options(path));
        auto* screen = window.auditor();
        QSignalSpy verified(screen, &desk::AuditorScreen::verified);
        screen->verify();
        QVERIFY(verified.wait(30000) || verified.count() == 1);
        QCOMPARE(verified.last().first().toBool(), true);
        QVERIFY(screen->verdict()->text().startsWith("Intact"));
        const int all = screen->visibleEntries();
        QVERIFY(all > 5);
        screen->userFilter()->setCurrentIndex(screen->userFilter()->findData("officer"));
        const int byOfficer = screen->visibleEntries();
        QVERIFY(byOfficer > 0 && byOfficer < all);
        screen->recordFilter()->setText("1");
        QCOMPARE(screen->visibleEntries(), 1); // the officer's record.create of record 1
        screen->recordFilter()->clear();
        screen->userFilter()->setCurrentIndex(0);
        screen->whyFilter()->setText("record.create");
        QCOMPARE(screen->visibleEntries(), 1);
        screen->whyFilter()->clear();
        screen->fromFilter()->setDate(screen->toFilter()->date().addDays(1));
        QCOMPARE(screen->visibleEntries(), 0);
        QVERIFY(screen->retentionTable()->rowCount() >= 1);
    }

    void theAdministratorAddsAUserAndLoadsAPolicyPack() {
        const std::string path = makeStore("admin.db");
        desk::DeskWindow window(signIn(path, "admin"), m_clock, options(path));
        auto* screen = window.admin();
        const int before = screen->userTable()->rowCount();
        QTest::keyClicks(screen->newUserName(), "officer2");
        QTest::keyClicks(screen->newUserPassword(), "pw2");
        QTest::keyClicks(screen->newUserRepeat(), "pw2");
        QSignalSpy done(screen, &desk::AdminScreen::done);
        screen->addUser();
        QVERIFY(done.wait(30000) || done.count() == 1);
        QCOMPARE(done.last().first().toBool(), true);
        QCOMPARE(screen->userTable()->rowCount(), before + 1);
        QVERIFY(screen->newUserPassword()->text().isEmpty());

        const std::string bad = m_dir.file("bad-policy.json");
        {
            QFile f(QString::fromStdString(bad));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"format": "secondline-policy/1", "name": 7})");
        }
        QVERIFY(!screen->loadPolicyFile(QString::fromStdString(bad)));
        QVERIFY(window.statusText().contains("policy_invalid"));
        QVERIFY(!screen->loadPolicyFile(QString::fromStdString(m_dir.file("absent.json"))));
        const std::string strict = std::string(SECONDLINE_SOURCE_DIR) + "/policy/strict.json";
        QVERIFY(screen->loadPolicyFile(QString::fromStdString(strict)));
        QVERIFY(screen->policyLabel()->text().contains("strict"));
    }

    void aKeyboardWedgeReadersBurstIsReviewedAndNeverReachesTheField() {
        const std::string path = makeStore("wedge.db", true);
        desk::DeskWindow window(signIn(path, "trainer"), m_clock, options(path));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.showScreen("officerScreen"));
        auto* officer = window.officer();
        auto* field = officer->filterField();
        field->setFocus();
        QSignalSpy done(officer, &desk::OfficerScreen::captureFinished);
        // The reader types each line and Enter within a millisecond or two per key.
        QTest::keyClicks(field, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<");
        QTest::keyClick(field, Qt::Key_Return);
        QTest::keyClicks(field, "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
        QTest::keyClick(field, Qt::Key_Return);
        QVERIFY(done.wait(30000) || done.count() == 1);
        QCOMPARE(done.first().first().toBool(), true);
        QVERIFY(field->text().isEmpty());
        auto* review = officer->review();
        QCOMPARE(cell(review->fieldTable(), review->rowOf("document_number"), 1), QString("L898902C3"));
        QCOMPARE(cell(review->fieldTable(), review->rowOf("document_number"), 3), QString("check digit ok"));
        QSignalSpy saved(officer, &desk::OfficerScreen::saved);
        QTest::keyClick(&window, Qt::Key_S, Qt::ControlModifier);
        QVERIFY(saved.wait(30000) || saved.count() == 1);
        QCOMPARE(officer->recordTable()->rowCount(), 1);
    }

    void aPersonTypingReachesTheFieldUnchanged() {
        const std::string path = makeStore("typing.db", true);
        desk::DeskWindow window(signIn(path, "trainer"), m_clock, options(path));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.showScreen("officerScreen"));
        auto* field = window.officer()->filterField();
        field->setFocus();
        QTest::keyClicks(field, "TD3", Qt::NoModifier, 90); // a person: 90 ms between keys
        QTRY_COMPARE(field->text(), QString("TD3"));
        QTest::keyClicks(field, "ab c"); // fast, but not an MRZ: the space releases it in order
        QTRY_COMPARE(field->text(), QString("TD3ab c"));
        QTest::keyClicks(field, "X"); // held for a moment, then released by the gap
        QTRY_COMPARE(field->text(), QString("TD3ab cX"));
    }

    void aSyntheticPassportIsReadFromPixelsInATrainingStore() {
        const std::string path = makeStore("synthetic.db", true);
        desk::DeskWindow window(signIn(path, "trainer"), m_clock, options(path));
        auto* officer = window.officer();
        QSignalSpy done(officer, &desk::OfficerScreen::captureFinished);
        officer->captureSynthetic(77);
        QVERIFY(window.busy() || done.count() == 1);
        QVERIFY(done.wait(120000) || done.count() == 1);
        QCOMPARE(done.first().first().toBool(), true);
        QVERIFY(officer->review()->rowOf("surname") >= 0);
    }

    void captureOfAMissingFileShowsTheError() {
        const std::string path = makeStore("missing.db");
        desk::DeskWindow window(signIn(path, "officer"), m_clock, options(path));
        auto* officer = window.officer();
        QSignalSpy done(officer, &desk::OfficerScreen::captureFinished);
        officer->captureImageFile(QString::fromStdString(m_dir.file("absent.png")));
        QVERIFY(done.wait(60000) || done.count() == 1);
        QCOMPARE(done.first().first().toBool(), false);
        QVERIFY(window.statusText().contains("file_not_found"));
        QVERIFY(!officer->hasPending());
    }

    void aCameraRecordingIsPreviewedVotedAndReviewed() {
        auto renderer = capture::SyntheticRenderer::create();
        QVERIFY(renderer.has_value());
        const auto fields = capture::randomFields(91, validation::MrzFormat::TD3, test::testDate());
        std::vector<capture::Image> frames;
        for (std::uint64_t k = 0; k < 5; ++k) {
            auto doc = renderer->render(fields, {.dpi = 170, .noiseSigma = 3.0, .onDesk = true, .seed = 900 + k});
            QVERIFY(doc.has_value());
            frames.push_back(std::move(doc->image));
        }
        const std::string clip = m_dir.file("desk.avi");
        QVERIFY(capture::saveVideo(frames, clip, 10.0).has_value());

        const std::string path = makeStore("camera.db", true);
        desk::DeskWindow window(signIn(path, "trainer"), m_clock, options(path));
        window.show();
        auto* officer = window.officer();
        QSignalSpy done(officer, &desk::OfficerScreen::captureFinished);
        officer->captureFromDevice(QString::fromStdString("video:" + clip));
        QVERIFY(done.wait(120000) || done.count() == 1);
        QCOMPARE(done.first().first().toBool(), true);
        QVERIFY(!officer->imageView()->pixmap().isNull());
        QCOMPARE(cell(officer->review()->fieldTable(), officer->review()->rowOf("surname"), 1),
                 QString::fromStdString(fields.surname));
    }

    void aScannerIsListedAndAPageWithoutAnMrzIsReportedNotKept() {
        const std::string path = makeStore("scanner.db", true);
        desk::DeskWindow window(signIn(path, "trainer"), m_clock, options(path));
        auto* officer = window.officer();
        QSignalSpy listed(officer, &desk::OfficerScreen::devicesListed);
        QVERIFY(listed.wait(30000) || listed.count() == 1);
        QVERIFY(officer->deviceBox()->findText("sane:test:0") >= 0);
        QSignalSpy done(officer, &desk::OfficerScreen::captureFinished);
        officer->captureFromDevice("sane:test:0");
        QVERIFY(done.wait(60000) || done.count() == 1);
        QCOMPARE(done.first().first().toBool(), false);
        QVERIFY(window.statusText().contains("mrz_not_found"));
        QVERIFY(!officer->hasPending());
    }

    void loginDialogMovesThePasswordOutOfTheWidget() {
        desk::LoginDialog dialog(desk::LoginDialog::Mode::CreateStore, true);
        auto* user = dialog.findChild<QLineEdit*>("user");
        auto* password = dialog.findChild<QLineEdit*>("password");
        auto* repeat = dialog.findChild<QLineEdit*>("repeat");
        QVERIFY(user && password && repeat);
        QTest::keyClicks(user, "trainer");
        QTest::keyClicks(password, "s3cret");
        QTest::keyClicks(repeat, "different");
        dialog.accept();
        QCOMPARE(dialog.result(), static_cast<int>(QDialog::Rejected));
        QVERIFY(dialog.findChild<QLabel*>("error")->text().contains("do not match"));
        repeat->clear();
        QTest::keyClicks(repeat, "s3cret");
        dialog.accept();
        QCOMPARE(dialog.result(), static_cast<int>(QDialog::Accepted));
        const auto secret = dialog.takePassword();
        QCOMPARE(secret.size(), std::size_t{6});
        QVERIFY(password->text().isEmpty());
    }
};

QTEST_MAIN(DeskWindowTest)
#include "desk_window_test.moc"
