#include "gui_util.h"

#include <QEvent>
#include <QKeyEvent>
#include <QLineEdit>
#include <QWidget>

namespace secondline::desk {

QString plainError(const core::Error& e) {
    return QStringLiteral("%1 (%2)").arg(fromStd(e.message), fromStd(std::string(core::errorCodeName(e.code))));
}

namespace {

bool personal(QObject* object) {
    for (auto* w = qobject_cast<QWidget*>(object); w; w = w->parentWidget())
        if (w->property("personalData").toBool()) return true;
    return false;
}

} // namespace

bool ClipboardGuard::eventFilter(QObject* watched, QEvent* event) {
    const auto type = event->type();
    if (type == QEvent::ContextMenu && personal(watched)) return true;
    if ((type == QEvent::KeyPress || type == QEvent::ShortcutOverride) && personal(watched)) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->matches(QKeySequence::Copy) || key->matches(QKeySequence::Cut)) {
            event->accept();
            return type == QEvent::KeyPress; // the override is taken, the key itself dropped
        }
    }
    return QObject::eventFilter(watched, event);
}

core::SecretBytes takeSecret(QLineEdit* field) {
    QByteArray utf8 = field->text().toUtf8();
    auto secret = core::SecretBytes::copyOf(
        {reinterpret_cast<const std::uint8_t*>(utf8.constData()), static_cast<std::size_t>(utf8.size())});
    utf8.fill('\0');
    field->clear();
    return secret ? std::move(*secret) : core::SecretBytes{};
}

void keepOffClipboard(QWidget* widget) {
    widget->setContextMenuPolicy(Qt::NoContextMenu);
    widget->setProperty("personalData", true);
}

} // namespace secondline::desk
