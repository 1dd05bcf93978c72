#pragma once
// Small helpers shared by the desk's screens.

#include <secondline/core/error.h>
#include <secondline/core/secret_bytes.h>

#include <QObject>
#include <QString>

#include <string>

class QEvent;
class QLineEdit;
class QWidget;

namespace secondline::desk {

[[nodiscard]] inline QString fromStd(const std::string& s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

[[nodiscard]] inline std::string toStd(const QString& s) {
    const QByteArray utf8 = s.toUtf8();
    return {utf8.constData(), static_cast<std::size_t>(utf8.size())};
}

/// "message (code)": plain words with the stable code an administrator can look up.
[[nodiscard]] QString plainError(const core::Error& e);

/// The text of a password field, moved into guarded memory; the field is cleared.
[[nodiscard]] core::SecretBytes takeSecret(QLineEdit* field);

/// Marks a widget (and everything inside it, cell editors included) as showing a traveller's data: while a
/// ClipboardGuard is installed, copy, cut and context menus are refused there, so nothing personal reaches
/// the clipboard, which any other program can read.
void keepOffClipboard(QWidget* widget);

/// An application-wide event filter enforcing keepOffClipboard().
class ClipboardGuard : public QObject {
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

} // namespace secondline::desk
