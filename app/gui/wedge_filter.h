#pragma once
// Keyboard-wedge document readers type the MRZ into whatever has focus, a few milliseconds per key. This
// filter (installed on the application) watches the keys typed into one window: a reader's burst that forms
// an MRZ is taken out of the key stream and reported; anything else (a person typing, a shortcut) reaches
// the focused field unchanged, a few tens of milliseconds late at most.

#include <secondline/capture/mrz_text.h>

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <vector>

class QKeyEvent;
class QWidget;

namespace secondline::desk {

class WedgeFilter : public QObject {
    Q_OBJECT
public:
    /// Watches keys for widgets inside `window`.
    explicit WedgeFilter(QWidget* window);

signals:
    /// A complete MRZ was typed (lines joined by '\n'). Its keys did not reach any field.
    void mrzTyped(const QString& text);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct HeldKey {
        int key;
        Qt::KeyboardModifiers modifiers;
        QString text;
    };
    void release();

    QWidget* m_window;
    capture::WedgeDetector m_detector;
    std::vector<HeldKey> m_held;
    QPointer<QObject> m_target; ///< where the held keys were going
    QTimer m_gap;
    bool m_replaying = false;
};

} // namespace secondline::desk
