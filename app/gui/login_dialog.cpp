#include "login_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace secondline::desk {

LoginDialog::LoginDialog(Mode mode, bool training, QWidget* parent) : QDialog(parent), m_mode(mode) {
    setWindowTitle(mode == Mode::Login ? tr("SecondLine — sign in") : tr("SecondLine — create store"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(mode == Mode::Login
                                 ? tr("Sign in with your own user name and password.")
                                 : (training ? tr("No training store yet. Create one: you become its trainer.")
                                             : tr("No store yet. Create one: you become its first administrator.")),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    m_user = new QLineEdit(this);
    m_user->setObjectName("user");
    m_password = new QLineEdit(this);
    m_password->setObjectName("password");
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&User name"), m_user);
    form->addRow(tr("&Password"), m_password);
    if (mode == Mode::CreateStore) {
        m_repeat = new QLineEdit(this);
        m_repeat->setObjectName("repeat");
        m_repeat->setEchoMode(QLineEdit::Password);
        form->addRow(tr("&Repeat password"), m_repeat);
    }
    layout->addLayout(form);
    m_error = new QLabel(this);
    m_error->setObjectName("error");
    m_error->setStyleSheet("color: #b00020;");
    m_error->setWordWrap(true);
    layout->addWidget(m_error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &LoginDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &LoginDialog::reject);
    layout->addWidget(buttons);
}

QString LoginDialog::userName() const {
    return m_user->text().trimmed();
}

core::SecretBytes LoginDialog::takePassword() {
    QByteArray utf8 = m_password->text().toUtf8();
    auto secret = core::SecretBytes::copyOf(
        {reinterpret_cast<const std::uint8_t*>(utf8.constData()), static_cast<std::size_t>(utf8.size())});
    utf8.fill('\0');
    m_password->clear();
    if (m_repeat) m_repeat->clear();
    return secret ? std::move(*secret) : core::SecretBytes{};
}

void LoginDialog::showError(const QString& message) {
    m_error->setText(message);
}

void LoginDialog::accept() {
    if (userName().isEmpty() || m_password->text().isEmpty()) {
        showError(tr("Enter a user name and a password."));
        return;
    }
    if (m_mode == Mode::CreateStore && m_password->text() != m_repeat->text()) {
        showError(tr("The passwords do not match."));
        return;
    }
    QDialog::accept();
}

} // namespace secondline::desk
