#include "desk_window.h"

#include "admin_screen.h"
#include "auditor_screen.h"
#include "gui_util.h"
#include "officer_screen.h"
#include "statistics_screen.h"
#include "supervisor_screen.h"
#include "trainer_screen.h"
#include "wedge_filter.h"

#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace secondline::desk {

class WindowContext final : public DeskContext {
public:
    explicit WindowContext(DeskWindow& window) : m_window(window) {}

    client::Session& session() override { return *m_window.m_session; }
    const core::Clock& clock() const override { return m_window.m_clock; }
    bool busy() const override { return m_window.busy(); }
    QSettings& settings() override { return *m_window.m_settings; }
    privacy::KdfParams kdf() const override { return m_window.m_options.kdf; }
    void setStatus(const QString& text) override { m_window.m_status->setText(text); }

    void reportError(const core::Error& error) override {
        setStatus(plainError(error));
        // The store (or the service) ended an idle session itself: the desk shows the lock.
        if (error.code == core::ErrorCode::SessionExpired && !m_window.m_locked) m_window.setLockedView(true);
    }

    bool runInBackground(const QString& what, std::function<void(client::Session&)> work,
                         std::function<void()> done) override {
        auto& w = m_window;
        if (w.busy() || w.m_locked) return false;
        w.m_done = std::move(done);
        w.m_busy->show();
        setStatus(what);
        emit busyChanged(true);
        // The session belongs to the worker until it finishes; the UI touches it only after finishBackground().
        w.m_work.setFuture(
            QtConcurrent::run(&w.m_pool, [&session = *w.m_session, work = std::move(work)] { work(session); }));
        return true;
    }

private:
    DeskWindow& m_window;
};

namespace {

/// Restarts the idle timer on any input to the application.
class ActivityFilter : public QObject {
public:
    ActivityFilter(QTimer& timer, QObject* parent) : QObject(parent), m_timer(timer) {}

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        switch (event->type()) {
        case QEvent::KeyPress:
        case QEvent::MouseButtonPress:
        case QEvent::MouseMove:
        case QEvent::Wheel:
        case QEvent::TouchBegin:
            if (m_timer.isActive()) m_timer.start();
            break;
        default: break;
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QTimer& m_timer;
};

/// The training watermark: drawn over every screen, letting every click through.
class Watermark : public QWidget {
public:
    explicit Watermark(QWidget* parent) : QWidget(parent) {
        setObjectName("trainingWatermark");
        setAttribute(Qt::WA_TransparentForMouseEvents);
        setAttribute(Qt::WA_NoSystemBackground);
        parent->installEventFilter(this);
        setGeometry(parent->rect());
        raise();
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (watched == parentWidget() && (event->type() == QEvent::Resize || event->type() == QEvent::ChildAdded)) {
            setGeometry(parentWidget()->rect());
            raise();
        }
        return QWidget::eventFilter(watched, event);
    }
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        QFont font = p.font();
        font.setPointSizeF(std::max(24.0, height() / 9.0));
        font.setBold(true);
        p.setFont(font);
        p.setPen(QColor(200, 120, 0, 38));
        p.translate(width() / 2.0, height() / 2.0);
        p.rotate(-30);
        p.drawText(QRect(-width(), -height() / 4, 2 * width(), height() / 2), Qt::AlignCenter, tr("TRAINING"));
    }
};

} // namespace

DeskWindow::DeskWindow(std::unique_ptr<client::Session> session, const core::Clock& clock, DeskOptions options,
                       QWidget* parent)
    : QMainWindow(parent), m_session(std::move(session)), m_clock(clock), m_options(std::move(options)) {
    m_settings = m_options.settingsFile.isEmpty()
                     ? std::make_unique<QSettings>()
                     : std::make_unique<QSettings>(m_options.settingsFile, QSettings::IniFormat);
    m_context = std::make_unique<WindowContext>(*this);
    // No personal data in the title: it shows in task bars, window lists and screen sharing.
    setWindowTitle(m_session->training() ? tr("SecondLine — TRAINING") : tr("SecondLine"));
    setObjectName("deskWindow");
    resize(1280, 800);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 4);
    if (m_session->training()) {
        auto* banner = new QLabel(tr("TRAINING STORE — synthetic documents only — nothing here is real — "
                                     "exports of records are disabled"),
                                  central);
        banner->setObjectName("trainingBanner");
        banner->setAlignment(Qt::AlignCenter);
        banner->setStyleSheet("background: #ffd54f; color: #000; font-weight: bold; padding: 6px;");
        layout->addWidget(banner);
    }
    m_stack = new QStackedWidget(central);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    m_status = new QLabel(this);
    m_status->setObjectName("status");
    statusBar()->addWidget(m_status, 1);
    m_busy = new QProgressBar(this);
    m_busy->setObjectName("busy");
    m_busy->setRange(0, 0); // an indeterminate "working" bar
    m_busy->setMaximumWidth(160);
    m_busy->hide();
    statusBar()->addPermanentWidget(m_busy);
    connect(&m_work, &QFutureWatcher<void>::finished, this, &DeskWindow::finishBackground);

    m_clipboardGuard = new ClipboardGuard(this);
    qApp->installEventFilter(m_clipboardGuard);
    buildScreens();
    m_lockPage = buildLockPage();
    m_stack->addWidget(m_lockPage);
    if (m_session->training()) new Watermark(m_stack);

    // The idle lock: the pack's idle time unless the desk is told otherwise.
    const auto& pack = m_session->policy();
    m_idle.setSingleShot(true);
    m_idle.setInterval(m_options.idleLock.value_or(std::chrono::minutes{pack.sessions().idleMinutes}));
    connect(&m_idle, &QTimer::timeout, this, &DeskWindow::lock);
    m_activity = new ActivityFilter(m_idle, this);
    qApp->installEventFilter(m_activity);
    m_idle.start();
    // The scheduled purge (besides the one at every sign-in).
    m_purge.setInterval(std::chrono::minutes{std::max(1, pack.purgeIntervalMinutes())});
    connect(&m_purge, &QTimer::timeout, this, &DeskWindow::runScheduledPurge);
    m_purge.start();

    m_status->setText(
        tr("Signed in as %1 (%2)")
            .arg(fromStd(m_session->userName()), fromStd(std::string(privacy::roleName(m_session->role())))));
    // The sign-in's retention purge failed: say so (the schedule tries again), never hide it.
    if (const auto& purged = m_session->purgeAtOpen(); !purged)
        m_status->setText(tr("The retention purge at sign-in failed: %1").arg(plainError(purged.error())));
    restoreGeometry(m_settings->value("window/geometry").toByteArray());
    restoreState(m_settings->value("window/state").toByteArray());
}

DeskWindow::~DeskWindow() {
    qApp->removeEventFilter(m_activity);
    qApp->removeEventFilter(m_clipboardGuard);
    if (m_wedge) qApp->removeEventFilter(m_wedge);
    if (m_officer) m_officer->cancelCapture();
    m_work.waitForFinished();
    m_unlockWork.waitForFinished();
    m_pool.waitForDone();
    delete takeCentralWidget(); // the screens go before the context they hold
    // Closing the desk signs out (audited); after a lock the session has ended already.
    if (!m_locked) m_session->signOut();
}

void DeskWindow::buildScreens() {
    m_tabs = new QTabWidget(m_stack);
    m_tabs->setObjectName("screens");
    m_tabs->setDocumentMode(true);
    auto& ctx = *m_context;
    m_tabs->addTab(buildHome(), tr("&Home"));
    if (ctx.may(privacy::Action::CreateRecord)) {
        m_officer = new OfficerScreen(ctx, m_tabs);
        m_tabs->addTab(m_officer, tr("&Desk"));
        // A document reader typing into the window (keyboard wedge) is read like any capture.
        m_wedge = new WedgeFilter(this);
        qApp->installEventFilter(m_wedge);
        connect(m_wedge, &WedgeFilter::mrzTyped, this, [this](const QString& text) {
            if (m_locked) return;
            showScreen("officerScreen");
            m_officer->captureText(text);
        });
    }
    if (ctx.may(privacy::Action::ReviewFlags)) {
        m_supervisor = new SupervisorScreen(ctx, m_tabs);
        m_tabs->addTab(m_supervisor, tr("&Referrals"));
    }
    if (ctx.may(privacy::Action::ReadStatistics)) {
        m_statistics = new StatisticsScreen(ctx, m_tabs);
        m_tabs->addTab(m_statistics, tr("&Statistics"));
    }
    if (m_session->training() && ctx.may(privacy::Action::CreateRecord)) {
        m_trainer = new TrainerScreen(ctx, m_tabs);
        m_tabs->addTab(m_trainer, tr("&Training"));
    }
    if (ctx.may(privacy::Action::ReadAudit)) {
        m_auditor = new AuditorScreen(ctx, m_tabs);
        m_tabs->addTab(m_auditor, tr("&Audit"));
    }
    if (ctx.may(privacy::Action::ManageUsers) || ctx.may(privacy::Action::LoadPolicy)) {
        m_admin = new AdminScreen(ctx, m_tabs);
        m_tabs->addTab(m_admin, tr("Ad&ministration"));
    }
    m_stack->addWidget(m_tabs);
    // Ctrl+1 .. Ctrl+6 go to the screens in order.
    for (int i = 0; i < m_tabs->count() && i < 9; ++i) {
        auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)), this);
        connect(shortcut, &QShortcut::activated, this, [this, i] {
            if (!m_locked) m_tabs->setCurrentIndex(i);
        });
    }
    const int last = m_settings->value("window/screen", 0).toInt();
    if (last > 0 && last < m_tabs->count()) m_tabs->setCurrentIndex(last);
}

QWidget* DeskWindow::buildHome() {
    auto* home = new QWidget;
    home->setObjectName("homeScreen");
    auto* layout = new QVBoxLayout(home);
    auto* title = new QLabel(home);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    title->setFont(big);
    const auto role = m_session->role();
    title->setText(
        tr("Signed in as %1 — %2").arg(fromStd(m_session->userName()), fromStd(std::string(privacy::roleName(role)))));
    layout->addWidget(title);
    QString text;
    switch (role) {
    case privacy::Role::Officer:
        text = tr("Desk (Ctrl+2): capture with F5 or Ctrl+O (or drop an image, or swipe it through the reader), "
                  "review, save with Ctrl+S, refer with Ctrl+R. You see your own open cases.");
        break;
    case privacy::Role::Supervisor:
        text = tr("Referrals (Ctrl+3): the queue of flagged cases, oldest first. Open one, read its history, "
                  "resolve or dismiss it with a note. You may also capture at the desk (Ctrl+2).");
        break;
    case privacy::Role::Trainer:
        text = tr("Training: give the class a pack number; trainees work the documents and their scores appear in "
                  "the class report. Administration adds trainees.");
        break;
    case privacy::Role::Auditor:
        text = tr("Audit (Ctrl+2): verify the trail, filter who did what to which record, when and why; see what "
                  "retention will erase. You see no traveller's data.");
        break;
    case privacy::Role::Administrator:
        text = tr("Audit and Administration: users and key slots, the policy pack in force, this desk's devices. "
                  "You see no traveller's data.");
        break;
    }
    auto* what = new QLabel(text, home);
    what->setWordWrap(true);
    layout->addWidget(what);
    const auto& pack = m_session->policy();
    auto* policy =
        new QLabel(tr("Policy pack “%1” %2 is in force. The desk locks after %3 minutes without input.")
                       .arg(fromStd(pack.name()), fromStd(pack.version()))
                       .arg(m_options.idleLock
                                ? std::max<qint64>(
                                      1, std::chrono::duration_cast<std::chrono::minutes>(*m_options.idleLock).count())
                                : pack.sessions().idleMinutes),
                   home);
    policy->setWordWrap(true);
    layout->addWidget(policy);
    if (const auto until = m_session->breakGlassUntil()) {
        auto* glass = new QLabel(tr("BREAK-GLASS access is active until %1 (UTC): every read is marked and audited.")
                                     .arg(fromStd(core::formatUtc(*until))),
                                 home);
        glass->setStyleSheet("color: #b00000; font-weight: bold;");
        layout->addWidget(glass);
    }
    layout->addStretch();
    return home;
}

QWidget* DeskWindow::buildLockPage() {
    auto* page = new QWidget;
    page->setObjectName("lockScreen");
    auto* layout = new QVBoxLayout(page);
    layout->addStretch();
    auto* title = new QLabel(tr("Locked"), page);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 2.0);
    big.setBold(true);
    title->setFont(big);
    title->setAlignment(Qt::AlignCenter);
    layout->addWidget(title);
    m_lockMessage = new QLabel(page);
    m_lockMessage->setAlignment(Qt::AlignCenter);
    m_lockMessage->setWordWrap(true);
    layout->addWidget(m_lockMessage);
    m_lockPassword = new QLineEdit(page);
    m_lockPassword->setObjectName("lockPassword");
    m_lockPassword->setEchoMode(QLineEdit::Password);
    m_lockPassword->setMaximumWidth(320);
    m_lockPassword->setPlaceholderText(tr("password"));
    layout->addWidget(m_lockPassword, 0, Qt::AlignHCenter);
    auto* button = new QPushButton(tr("&Unlock"), page);
    layout->addWidget(button, 0, Qt::AlignHCenter);
    layout->addStretch();
    const auto submit = [this] {
        if (!m_lockPassword->text().isEmpty()) unlock(takeSecret(m_lockPassword));
    };
    connect(button, &QPushButton::clicked, this, submit);
    connect(m_lockPassword, &QLineEdit::returnPressed, this, submit);
    connect(&m_unlockWork, &QFutureWatcher<void>::finished, this, [] {});
    return page;
}

bool DeskWindow::busy() const {
    return m_work.isRunning() || m_done != nullptr;
}

QString DeskWindow::statusText() const {
    return m_status->text();
}

void DeskWindow::finishBackground() {
    m_busy->hide();
    auto done = std::move(m_done);
    m_done = nullptr;
    emit m_context->busyChanged(false);
    if (done) done();
    if (m_lockPending) {
        m_lockPending = false;
        lock();
    }
}

void DeskWindow::setLockedView(bool locked) {
    m_locked = locked;
    if (locked) {
        m_idle.stop();
        m_purge.stop();
        m_lockMessage->setText(tr("%1 was signed out: the desk was idle, or locked. Type the password to go on; "
                                  "nothing unsaved on the screens was lost.")
                                   .arg(fromStd(m_session->userName())));
        m_stack->setCurrentWidget(m_lockPage);
        m_lockPassword->setFocus();
    } else {
        m_stack->setCurrentWidget(m_tabs);
        m_idle.start();
        m_purge.start();
    }
}

void DeskWindow::lock() {
    if (m_locked) return;
    if (busy()) {
        m_lockPending = true; // the work in hand finishes first; its store must not vanish under it
        return;
    }
    m_session->signOut(); // audited; a local store's keys wiped and its file released
    setLockedView(true);
    m_status->setText(tr("Locked"));
}

void DeskWindow::unlock(core::SecretBytes password) {
    if (!m_locked || m_unlockWork.isRunning()) return;
    if (!m_options.signIn) {
        m_status->setText(tr("This desk cannot sign in again: restart it"));
        emit unlocked(false);
        return;
    }
    using Signed = core::Result<std::unique_ptr<client::Session>>;
    auto signedIn = std::make_shared<std::optional<Signed>>();
    auto secret = std::make_shared<core::SecretBytes>(std::move(password));
    const std::string user = m_session->userName();
    m_busy->show();
    m_status->setText(tr("Signing in…"));
    disconnect(&m_unlockWork, &QFutureWatcher<void>::finished, this, nullptr);
    connect(&m_unlockWork, &QFutureWatcher<void>::finished, this, [this, signedIn] {
        m_busy->hide();
        auto& result = **signedIn;
        // The screens were built for this store and this role: another one (a service restarted on another
        // store, a role changed meanwhile) needs a new desk.
        if (result && ((*result)->storeId() != m_session->storeId() || (*result)->role() != m_session->role() ||
                       (*result)->training() != m_session->training())) {
            (*result)->signOut();
            result = core::fail(core::ErrorCode::StoreModeMismatch,
                                "this sign-in is for another store or another role: restart the desk");
        }
        if (!result) {
            m_status->setText(plainError(result.error()));
            m_lockMessage->setText(plainError(result.error()));
            emit unlocked(false);
            return;
        }
        m_session = std::move(*result);
        setLockedView(false);
        m_status->setText(tr("Signed in again as %1").arg(fromStd(m_session->userName())));
        emit m_context->sessionStarted();
        emit unlocked(true);
    });
    m_unlockWork.setFuture(QtConcurrent::run(&m_pool, [signedIn, secret, user, signIn = m_options.signIn] {
        *signedIn = signIn(user, *secret);
        *secret = core::SecretBytes{};
    }));
}

void DeskWindow::runScheduledPurge() {
    auto report = std::make_shared<core::Result<storage::PurgeReport>>(storage::PurgeReport{});
    m_context->runInBackground(
        tr("Applying the retention rules…"), [report](client::Session& session) { *report = session.purgeDue(); },
        [this, report] {
            if (!*report) {
                m_context->reportError(report->error());
                return;
            }
            if ((*report)->erased > 0)
                m_status->setText(tr("Retention: %1 expired records erased").arg((*report)->erased));
            else
                m_status->setText(tr("Retention: nothing was due"));
            emit purged((*report)->erased);
        });
}

bool DeskWindow::showScreen(const QString& objectName) {
    for (int i = 0; i < m_tabs->count(); ++i)
        if (m_tabs->widget(i)->objectName() == objectName) {
            m_tabs->setCurrentIndex(i);
            return true;
        }
    return false;
}

QStringList DeskWindow::screenNames() const {
    QStringList out;
    for (int i = 0; i < m_tabs->count(); ++i) out << m_tabs->widget(i)->objectName();
    return out;
}

void DeskWindow::closeEvent(QCloseEvent* event) {
    m_settings->setValue("window/geometry", saveGeometry());
    m_settings->setValue("window/state", saveState());
    m_settings->setValue("window/screen", m_tabs->currentIndex());
    QMainWindow::closeEvent(event);
}

} // namespace secondline::desk
