// The desk window, real, on Qt's offscreen platform, over a real SQLCipher store and real OCR.

#include "desk_window.h"
#include "login_dialog.h"

#include <secondline/capture/source.h>
#include <secondline/capture/synthetic.h>
#include <secondline/validation/mrz_parser.h>

#include "test_support.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QTreeWidget>

using namespace secondline;

class DeskWindowTest : public QObject {
    Q_OBJECT

    test::TempDir m_dir;
    test::FakeClock m_clock;

    storage::Store openTrainingStore(const std::string& name) {
        const std::string path = m_dir.file(name);
        storage::CreateOptions options;
        options.training = true;
        options.firstUserRole = privacy::Role::Trainer;
        options.kdf = privacy::KdfParams::fastForTests();
        if (!storage::Store::create(path, "trainer", test::password("pw"), options, m_clock))
            throw std::runtime_error("create failed");
        auto store = storage::Store::open(path, "trainer", test::password("pw"), {}, m_clock);
        if (!store) throw std::runtime_error(store.error().message);
        return std::move(*store);
    }

    static QTreeWidgetItem* fieldItem(QTreeWidget* tree, const QString& name) {
        for (int i = 0; i < tree->topLevelItemCount(); ++i)
            if (tree->topLevelItem(i)->data(0, Qt::UserRole).toString() == name) return tree->topLevelItem(i);
        return nullptr;
    }

private slots:
    void showsAStoredRecord() {
        auto store = openTrainingStore("a.db");
        auto doc = validation::parseMrzText("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
                                            {.inspectionDate = test::testDate()});
        QVERIFY(doc.has_value());
        QVERIFY(store.addRecord(*doc, {.source = "file"}).has_value());
        desk::DeskWindow window(std::move(store), m_clock);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.recordTable()->rowCount(), 1);
        window.recordTable()->selectRow(0);
        auto* surname = fieldItem(window.detailTree(), "surname");
        QVERIFY(surname != nullptr);
        QCOMPARE(surname->text(1), QString("ERIKSSON"));
        auto* number = fieldItem(window.detailTree(), "document_number");
        QVERIFY(number != nullptr);
        QCOMPARE(number->text(2), QString("check digit ok"));
        QVERIFY(!window.windowTitle().contains("ERIKSSON"));
        auto* banner = window.findChild<QLabel*>("trainingBanner");
        QVERIFY(banner != nullptr);
        QVERIFY(banner->isVisible());
    }

    void capturesASyntheticPassportFromPixels() {
        desk::DeskWindow window(openTrainingStore("b.db"), m_clock);
        window.show();
        QSignalSpy done(&window, &desk::DeskWindow::captureFinished);
        window.captureSynthetic(77);
        QVERIFY(window.busy() || done.count() == 1);
        QVERIFY(done.wait(120000) || done.count() == 1);
        QCOMPARE(done.count(), 1);
        QCOMPARE(done.first().first().toBool(), true);
        QCOMPARE(window.recordTable()->rowCount(), 1);
        QVERIFY(fieldItem(window.detailTree(), "surname") != nullptr);
        QVERIFY(window.statusText().startsWith("Stored record"));
    }

    void captureOfAMissingFileShowsTheError() {
        desk::DeskWindow window(openTrainingStore("c.db"), m_clock);
        QSignalSpy done(&window, &desk::DeskWindow::captureFinished);
        window.captureImageFile(QString::fromStdString(m_dir.file("absent.png")));
        QVERIFY(done.wait(60000) || done.count() == 1);
        QCOMPARE(done.first().first().toBool(), false);
        QVERIFY(window.statusText().contains("file_not_found"));
        QCOMPARE(window.recordTable()->rowCount(), 0);
    }

    void initTestCase() { qputenv("SANE_CONFIG_DIR", SECONDLINE_TEST_DATA "/sane"); }

    void aKeyboardWedgeReadersBurstIsStoredAndNeverReachesTheField() {
        desk::DeskWindow window(openTrainingStore("wedge.db"), m_clock);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* field = window.filterField();
        field->setFocus();
        QSignalSpy done(&window, &desk::DeskWindow::captureFinished);
        // The reader types each line and Enter within a millisecond or two per key.
        QTest::keyClicks(field, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<");
        QTest::keyClick(field, Qt::Key_Return);
        QTest::keyClicks(field, "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
        QTest::keyClick(field, Qt::Key_Return);
        QVERIFY(done.wait(30000) || done.count() == 1);
        QCOMPARE(done.first().first().toBool(), true);
        QCOMPARE(window.recordTable()->rowCount(), 1);
        QVERIFY(field->text().isEmpty());
        auto* number = fieldItem(window.detailTree(), "document_number");
        QVERIFY(number != nullptr);
        QCOMPARE(number->text(1), QString("L898902C3"));
    }

    void aPersonTypingReachesTheFieldUnchanged() {
        desk::DeskWindow window(openTrainingStore("typing.db"), m_clock);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* field = window.filterField();
        field->setFocus();
        QTest::keyClicks(field, "TD3", Qt::NoModifier, 90); // a person: 90 ms between keys
        QTRY_COMPARE(field->text(), QString("TD3"));
        QTest::keyClicks(field, "ab c"); // fast, but not an MRZ: the space releases it in order
        QTRY_COMPARE(field->text(), QString("TD3ab c"));
        QTest::keyClicks(field, "X"); // held for a moment, then released by the gap
        QTRY_COMPARE(field->text(), QString("TD3ab cX"));
    }

    void aCameraRecordingIsPreviewedVotedAndStored() {
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

        desk::DeskWindow window(openTrainingStore("camera.db"), m_clock);
        window.show();
        QSignalSpy done(&window, &desk::DeskWindow::captureFinished);
        window.captureFromDevice(QString::fromStdString("video:" + clip));
        QVERIFY(done.wait(120000) || done.count() == 1);
        QCOMPARE(done.first().first().toBool(), true);
        QCOMPARE(window.recordTable()->rowCount(), 1);
        QTRY_VERIFY(!window.preview()->pixmap().isNull());
        QVERIFY(window.statusText().startsWith("Stored record"));
    }

    void aScannerIsListedAndAPageWithoutAnMrzIsReportedNotStored() {
        desk::DeskWindow window(openTrainingStore("scanner.db"), m_clock);
        QSignalSpy listed(&window, &desk::DeskWindow::devicesListed);
        QVERIFY(listed.wait(30000) || listed.count() == 1);
        QVERIFY(window.deviceBox()->findText("sane:test:0") >= 0);
        QSignalSpy done(&window, &desk::DeskWindow::captureFinished);
        window.captureFromDevice("sane:test:0");
        QVERIFY(done.wait(60000) || done.count() == 1);
        QCOMPARE(done.first().first().toBool(), false);
        QVERIFY(window.statusText().contains("mrz_not_found"));
        QCOMPARE(window.recordTable()->rowCount(), 0);
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
