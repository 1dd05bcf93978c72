#pragma once
// What a screen of the desk may use: the signed-in session (client/session.h: through the service, or over
// a store this process opened; on the UI thread, while nothing runs in the background), the clock, one background slot
// for OCR and disk work, the status line and the settings. DeskWindow implements it; each screen holds a reference.

#include <secondline/client/session.h>
#include <secondline/core/clock.h>
#include <secondline/core/error.h>
#include <secondline/privacy/access.h>
#include <secondline/privacy/key_slot.h>

#include <QObject>
#include <QString>

#include <functional>

class QSettings;

namespace secondline::desk {

class DeskContext : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    /// The signed-in session. Only on the UI thread and only while !busy(): the background work owns it.
    /// After the desk locked, its calls fail (SessionExpired or the like) until the user signs in again.
    [[nodiscard]] virtual client::Session& session() = 0;
    [[nodiscard]] virtual const core::Clock& clock() const = 0;
    /// Runs `work` off the UI thread (with the session, which it then owns), shows `what` with a busy
    /// indicator, then runs `done` on the UI thread. False (and nothing runs) when already busy or locked.
    virtual bool runInBackground(const QString& what, std::function<void(client::Session&)> work,
                                 std::function<void()> done) = 0;
    [[nodiscard]] virtual bool busy() const = 0;
    virtual void setStatus(const QString& text) = 0;
    /// Shows an error in plain words with its stable code; an expired session locks the desk.
    virtual void reportError(const core::Error& error) = 0;
    [[nodiscard]] virtual QSettings& settings() = 0;
    /// Argon2id cost for new users' key slots.
    [[nodiscard]] virtual privacy::KdfParams kdf() const = 0;

    /// Whether the signed-in role may do `action` under the pack in force.
    [[nodiscard]] bool may(privacy::Action action) {
        const auto& s = session();
        return privacy::decide(s.policy(), s.role(), action, {s.training(), s.breakGlassUntil().has_value()}).allowed;
    }

signals:
    /// Background work started (true) or ended (false): screens disable what would touch the session.
    void busyChanged(bool busy);
    /// A session began again after unlocking (a new session, maybe another service connection). Screens
    /// reload what they show.
    void sessionStarted();
};

} // namespace secondline::desk
