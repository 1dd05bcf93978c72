#pragma once
// The desk's main window: a home screen and the screens the signed-in role may use (officer desk, referral
// queue, training sandbox, audit, administration), each shown only when the pack in force grants its
// permission. It owns the session (client::Session: through the service, or over a store this process
// opened): one background slot for OCR and disk work with a busy indicator, the idle lock (signs out, asks
// for the password again and signs in anew with DeskOptions::signIn), the scheduled retention purge, the
// training banner and watermark, and the remembered window layout.

#include "desk_context.h"
#include "sign_in.h"

#include <QFutureWatcher>
#include <QThreadPool>
#include <QMainWindow>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

class QLabel;
class QLineEdit;
class QProgressBar;
class QSettings;
class QStackedWidget;
class QTabWidget;

namespace secondline::desk {

class AdminScreen;
class AuditorScreen;
class OfficerScreen;
class StatisticsScreen;
class SupervisorScreen;
class TrainerScreen;
class WedgeFilter;

struct DeskOptions {
    SignIn signIn{}; ///< how the same user signs in again after a lock; empty: only a restart signs in again
    std::optional<std::chrono::milliseconds> idleLock{}; ///< default: the pack's idle minutes
    privacy::KdfParams kdf{};                            ///< Argon2id cost for users added at this desk
    QString settingsFile{};                              ///< empty: the user's SecondLine settings
};

class DeskWindow : public QMainWindow {
    Q_OBJECT
public:
    /// Takes ownership of a signed-in session, and signs it out when the window goes. The clock must outlive
    /// the window.
    DeskWindow(std::unique_ptr<client::Session> session, const core::Clock& clock, DeskOptions options = {},
               QWidget* parent = nullptr);
    ~DeskWindow() override;

    [[nodiscard]] bool busy() const;
    [[nodiscard]] bool locked() const { return m_locked; }
    [[nodiscard]] QString statusText() const;
    /// Signs out now (as the idle timer does): the session ended (a local store's keys wiped and its file
    /// released), screens hidden.
    void lock();
    /// Signs the same user in again off the UI thread (DeskOptions::signIn); unlocked() follows. Refused when
    /// the new session is not on the same store with the same role (the screens were built for those).
    void unlock(core::SecretBytes password);
    /// Runs the retention purge that the pack schedules (as its timer does); purged() follows when it ran.
    void runScheduledPurge();
    /// Shows the screen whose object name is given ("homeScreen", "officerScreen", ...); false if not here.
    bool showScreen(const QString& objectName);
    /// Object names of the screens this role has, in tab order.
    [[nodiscard]] QStringList screenNames() const;

    // The screens (nullptr when the role does not have them).
    [[nodiscard]] OfficerScreen* officer() const { return m_officer; }
    [[nodiscard]] SupervisorScreen* supervisor() const { return m_supervisor; }
    [[nodiscard]] StatisticsScreen* statistics() const { return m_statistics; }
    [[nodiscard]] TrainerScreen* trainer() const { return m_trainer; }
    [[nodiscard]] AuditorScreen* auditor() const { return m_auditor; }
    [[nodiscard]] AdminScreen* admin() const { return m_admin; }
    [[nodiscard]] QTabWidget* tabs() const { return m_tabs; }
    [[nodiscard]] DeskContext& context() const { return *m_context; }
    [[nodiscard]] QLineEdit* lockPassword() const { return m_lockPassword; }

signals:
    void unlocked(bool ok);
    void purged(qint64 erased);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    friend class WindowContext;
    void buildScreens();
    QWidget* buildHome();
    QWidget* buildLockPage();
    void finishBackground();
    void setLockedView(bool locked);

    std::unique_ptr<client::Session> m_session;
    const core::Clock& m_clock;
    DeskOptions m_options;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<DeskContext> m_context;
    QStackedWidget* m_stack = nullptr;
    QTabWidget* m_tabs = nullptr;
    QWidget* m_lockPage = nullptr;
    QLineEdit* m_lockPassword = nullptr;
    QLabel* m_lockMessage = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_busy = nullptr;
    OfficerScreen* m_officer = nullptr;
    SupervisorScreen* m_supervisor = nullptr;
    StatisticsScreen* m_statistics = nullptr;
    TrainerScreen* m_trainer = nullptr;
    AuditorScreen* m_auditor = nullptr;
    AdminScreen* m_admin = nullptr;
    WedgeFilter* m_wedge = nullptr;
    QObject* m_activity = nullptr;
    QObject* m_clipboardGuard = nullptr;
    QTimer m_idle;
    QTimer m_purge;
    QFutureWatcher<void> m_work;
    std::function<void()> m_done;
    QFutureWatcher<void> m_unlockWork;
    bool m_locked = false;
    bool m_lockPending = false;
    // The window's own workers, joined when it closes. Threads of Qt's global pool would end only at the
    // process's exit, racing OpenSSL's exit-time cleanup (SQLCipher's crypto keeps per-thread state).
    QThreadPool m_pool;
};

} // namespace secondline::desk
