#include "screenshots.h"

#include "admin_screen.h"
#include "auditor_screen.h"
#include "desk_window.h"
#include "gui_util.h"
#include "officer_screen.h"
#include "review_panel.h"
#include "statistics_screen.h"
#include "supervisor_screen.h"
#include "trainer_screen.h"

#include <local_session.h>
#include <secondline/capture/synthetic.h>
#include <secondline/validation/mrz_parser.h>

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QEventLoop>
#include <QLineEdit>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

namespace secondline::desk {

namespace {

const core::SystemClock kClock;

core::SecretBytes secret(const char* text) {
    const std::string_view s(text);
    auto out = core::SecretBytes::copyOf({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
    return out ? std::move(*out) : core::SecretBytes{};
}

/// Waits for `signal` of `sender` (or the timeout); events keep flowing meanwhile.
template <typename Sender, typename Signal>
bool waitFor(Sender* sender, Signal signal, int timeoutMs = 120000) {
    QEventLoop loop;
    bool fired = false;
    QObject::connect(sender, signal, &loop, [&] {
        fired = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return fired;
}

bool shoot(DeskWindow& window, const QString& screen, const QString& file) {
    if (!screen.isEmpty() && !window.showScreen(screen)) return false;
    for (int i = 0; i < 5; ++i) QApplication::processEvents();
    const bool ok = window.grab().save(file);
    std::fprintf(stderr, "%s %s\n", ok ? "wrote" : "FAILED", file.toLocal8Bit().constData());
    return ok;
}

std::optional<storage::Store> openStore(const std::string& path, const char* user) {
    auto store = storage::Store::open(path, user, secret("demo-password"), {}, kClock);
    if (!store) {
        std::fprintf(stderr, "screenshots: %s\n", store.error().message.c_str());
        return std::nullopt;
    }
    return std::move(*store);
}

} // namespace

int saveScreenshots(const QString& folder) {
    QTemporaryDir temp;
    if (!temp.isValid() || !QDir().mkpath(folder)) return 2;
    const auto file = [&](const char* name) { return toStd(temp.filePath(name)); };
    const auto out = [&](const char* name) { return QDir(folder).filePath(name); };
    const auto kdf = privacy::KdfParams::fastForTests(); // a throw-away demo store
    DeskOptions options{.signIn = localSignIn(file("demo.db"), {}, kClock),
                        .idleLock = {},
                        .kdf = kdf,
                        .settingsFile = temp.filePath("desk.ini")};
    int failures = 0;

    // A production store with one user per role.
    storage::CreateOptions create;
    create.kdf = kdf;
    create.testStore = true; // throw-away: the cheapest Argon2id, exempt from the production rule
    if (!storage::Store::create(file("demo.db"), "admin", secret("demo-password"), create, kClock)) return 2;
    {
        auto admin = openStore(file("demo.db"), "admin");
        if (!admin) return 2;
        for (auto [name, role] :
             {std::pair{"officer", privacy::Role::Officer}, std::pair{"supervisor", privacy::Role::Supervisor},
              std::pair{"auditor", privacy::Role::Auditor}})
            if (!admin->users().add(name, role, secret("demo-password"), kdf)) return 2;
    }
    // Two generated passports as image files (one with a misprinted check digit).
    auto renderer = capture::SyntheticRenderer::create();
    if (!renderer) return 2;
    const auto today = std::chrono::floor<std::chrono::days>(kClock.now());
    for (int i = 0; i < 2; ++i) {
        auto doc = renderer->render(
            capture::randomFields(4100u + static_cast<unsigned>(i), validation::MrzFormat::TD3, today),
            {.dpi = 300, .onPage = true, .wrongCheckDigit = i == 1, .seed = 77u + static_cast<unsigned>(i)});
        if (!doc || !capture::savePng(doc->image, file(i == 0 ? "first.png" : "second.png"))) return 2;
    }

    {
        // Earlier traffic for the statistics: 160 generated travellers, one in six referred.
        auto officer = openStore(file("demo.db"), "officer");
        if (!officer) return 2;
        for (std::uint64_t i = 0; i < 160; ++i) {
            auto lines = validation::composeMrz(capture::randomFields(9000 + i, validation::MrzFormat::TD3, today));
            if (!lines) return 2;
            auto doc = validation::parseMrz(*lines, {.inspectionDate = today});
            if (!doc) return 2;
            auto id = officer->records().add(*doc, {.source = i % 3 ? "scan" : "camera", .desk = "desk-2"});
            if (!id) return 2;
            if (i % 6 == 0 && !officer->flags().raise(*id, {.kind = storage::FlagKind::Review,
                                                            .basis = storage::ReferralBasis::Fact,
                                                            .reason = "generated referral",
                                                            .referredTo = {}}))
                return 2;
        }
    }
    {
        auto store = openStore(file("demo.db"), "officer");
        if (!store) return 2;
        DeskWindow window(std::make_unique<app::LocalSession>(std::move(*store)), kClock, options);
        window.resize(1400, 860);
        window.show();
        failures += shoot(window, "homeScreen", out("home-officer.png")) ? 0 : 1;
        auto* officer = window.officer();
        officer->captureImageFile(QString::fromStdString(file("first.png")));
        waitFor(officer, &OfficerScreen::captureFinished);
        officer->referBox()->setChecked(true);
        officer->referReasonField()->setText("Visual zone photo page shows signs of relamination");
        officer->save();
        waitFor(officer, &OfficerScreen::saved);
        officer->captureImageFile(QString::fromStdString(file("second.png")));
        waitFor(officer, &OfficerScreen::captureFinished);
        failures += shoot(window, "officerScreen", out("officer-desk.png")) ? 0 : 1;
        window.lock();
        failures += shoot(window, QString(), out("locked.png")) ? 0 : 1;
    }
    {
        auto store = openStore(file("demo.db"), "supervisor");
        if (!store) return 2;
        DeskWindow window(std::make_unique<app::LocalSession>(std::move(*store)), kClock, options);
        window.resize(1400, 860);
        window.show();
        window.supervisor()->queue()->selectRow(0);
        failures += shoot(window, "supervisorScreen", out("supervisor-referrals.png")) ? 0 : 1;
        window.showScreen("statisticsScreen");
        window.statistics()->compute();
        waitFor(window.statistics(), &StatisticsScreen::computed);
        failures += shoot(window, "statisticsScreen", out("supervisor-statistics.png")) ? 0 : 1;
    }
    {
        auto store = openStore(file("demo.db"), "auditor");
        if (!store) return 2;
        DeskWindow window(std::make_unique<app::LocalSession>(std::move(*store)), kClock, options);
        window.resize(1400, 860);
        window.show();
        window.auditor()->verify();
        waitFor(window.auditor(), &AuditorScreen::verified);
        failures += shoot(window, "auditorScreen", out("auditor-audit.png")) ? 0 : 1;
    }
    {
        auto store = openStore(file("demo.db"), "admin");
        if (!store) return 2;
        DeskWindow window(std::make_unique<app::LocalSession>(std::move(*store)), kClock, options);
        window.resize(1400, 860);
        window.show();
        failures += shoot(window, "adminScreen", out("administrator.png")) ? 0 : 1;
    }
    // A training store: the trainer works the first document of a pack.
    create.training = true;
    create.firstUserRole = privacy::Role::Trainer;
    if (!storage::Store::create(file("training.db"), "trainer", secret("demo-password"), create, kClock)) return 2;
    {
        auto store = openStore(file("training.db"), "trainer");
        if (!store) return 2;
        options.signIn = localSignIn(file("training.db"), {}, kClock);
        DeskWindow window(std::make_unique<app::LocalSession>(std::move(*store)), kClock, options);
        window.resize(1400, 900);
        window.show();
        auto* trainer = window.trainer();
        window.showScreen("trainerScreen");
        trainer->openPack(12, 8);
        waitFor(trainer, &TrainerScreen::exerciseShown);
        trainer->readDocument();
        waitFor(trainer, &TrainerScreen::exerciseRead);
        trainer->submit();
        trainer->showExercise(1);
        waitFor(trainer, &TrainerScreen::exerciseShown);
        trainer->readDocument();
        waitFor(trainer, &TrainerScreen::exerciseRead);
        failures += shoot(window, "trainerScreen", out("trainer-sandbox.png")) ? 0 : 1;
    }
    return failures == 0 ? 0 : 1;
}

} // namespace secondline::desk
