// The desk window, real, on Qt's offscreen platform, over a real SQLCipher store and real OCR.

#include "desk_window.h"
#include "login_dialog.h"

#include <secondline/validation/mrz_parser.h>

#include "test_support.h"

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
