#pragma once
// Login, or first-run creation of a store. The password goes from the field into guarded memory and the
// field is cleared.

#include <secondline/core/secret_bytes.h>

#include <QDialog>

class QLineEdit;
class QLabel;

namespace secondline::desk {

class LoginDialog : public QDialog {
    Q_OBJECT
public:
    enum class Mode { Login, CreateStore };
    LoginDialog(Mode mode, bool training, QWidget* parent = nullptr);

    [[nodiscard]] QString userName() const;
    /// The password typed, moved out of the widget into guarded memory (the widget is cleared).
    [[nodiscard]] core::SecretBytes takePassword();
    void showError(const QString& message);
    /// Validates the fields; closes only when they are complete (and the passwords match on creation).
    void accept() override;

private:
    Mode m_mode;
    QLineEdit* m_user = nullptr;
    QLineEdit* m_password = nullptr;
    QLineEdit* m_repeat = nullptr;
    QLabel* m_error = nullptr;
};

} // namespace secondline::desk
