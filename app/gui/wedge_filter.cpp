#include "wedge_filter.h"

#include <QApplication>
#include <QKeyEvent>
#include <QWidget>

namespace secondline::desk {

WedgeFilter::WedgeFilter(QWidget* window) : QObject(window), m_window(window) {
    m_gap.setSingleShot(true);
    m_gap.setInterval(40); // a little over the detector's gap: the decision is the detector's
    connect(&m_gap, &QTimer::timeout, this, [this] {
        if (m_detector.timeout(capture::WedgeDetector::Clock::now()))
            release();
        else if (!m_held.empty())
            m_gap.start();
    });
}

void WedgeFilter::release() {
    m_gap.stop();
    auto held = std::move(m_held);
    m_held.clear();
    m_detector.clear();
    QObject* target = QApplication::focusWidget();
    if (!target) target = m_target;
    if (!target) return;
    m_replaying = true;
    for (const auto& k : held) {
        QKeyEvent press(QEvent::KeyPress, k.key, k.modifiers, k.text);
        QApplication::sendEvent(target, &press);
        QKeyEvent up(QEvent::KeyRelease, k.key, k.modifiers, k.text);
        QApplication::sendEvent(target, &up);
    }
    m_replaying = false;
}

bool WedgeFilter::eventFilter(QObject* watched, QEvent* event) {
    if (m_replaying || event->type() != QEvent::KeyPress) return false;
    auto* widget = qobject_cast<QWidget*>(watched);
    if (!widget || widget->window() != m_window) return false;
    auto* key = static_cast<QKeyEvent*>(event);
    // Shortcuts and navigation are never a reader's: Ctrl, Alt and Meta chords, and keys without text.
    // A key held down repeats at a reader's pace: a person's, always.
    if (key->isAutoRepeat() || (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))) {
        if (!m_held.empty()) release();
        return false;
    }
    const bool enter = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
    const QString text = key->text();
    if (!enter && (text.size() != 1 || text.at(0).unicode() > 0x7f)) {
        if (!m_held.empty()) release();
        return false;
    }
    const char c = enter ? '\n' : static_cast<char>(text.at(0).unicode());
    if (m_held.empty()) m_target = watched;
    m_held.push_back({key->key(), key->modifiers(), text});
    switch (m_detector.key(c, capture::WedgeDetector::Clock::now())) {
    case capture::WedgeDetector::Verdict::Hold: m_gap.start(); return true;
    case capture::WedgeDetector::Verdict::Release:
        if (m_held.size() == 1) { // only this key: let it go its own way
            m_held.clear();
            m_detector.clear();
            return false;
        }
        release();
        return true;
    case capture::WedgeDetector::Verdict::Mrz: {
        m_gap.stop();
        m_held.clear();
        const std::string mrz = m_detector.mrz();
        m_detector.clear();
        emit mrzTyped(QString::fromLatin1(mrz.data(), static_cast<qsizetype>(mrz.size())));
        return true;
    }
    }
    return false;
}

} // namespace secondline::desk
