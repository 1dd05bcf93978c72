#pragma once
// Administration: users and their key slots (add, remove, rotate the database key), the policy pack in force
// (load one from a file, with the path of any problem), and the desk's device settings.

#include "desk_context.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace secondline::desk {

class AdminScreen : public QWidget {
    Q_OBJECT
public:
    explicit AdminScreen(DeskContext& context, QWidget* parent = nullptr);

    void refresh();
    /// Adds the user typed in the form (off the UI thread: the key slot's Argon2 takes a moment); done() follows.
    void addUser();
    /// Removes a user (their key slot; records and audit entries stay theirs).
    bool removeUser(const QString& name);
    /// Reads a policy pack file and puts it in force. False with the problem in the status line.
    bool loadPolicyFile(const QString& path);
    /// Re-encrypts the store under a new database key (off the UI thread); done() follows.
    void rotateKey();
    void saveDeviceSettings();

    // For tests and screenshots.
    [[nodiscard]] QTableWidget* userTable() const { return m_users; }
    [[nodiscard]] QLineEdit* newUserName() const { return m_name; }
    [[nodiscard]] QComboBox* newUserRole() const { return m_role; }
    [[nodiscard]] QLineEdit* newUserPassword() const { return m_password; }
    [[nodiscard]] QLineEdit* newUserRepeat() const { return m_repeat; }
    [[nodiscard]] QLabel* policyLabel() const { return m_policy; }
    [[nodiscard]] QComboBox* defaultDevice() const { return m_device; }
    [[nodiscard]] QSpinBox* resolution() const { return m_resolution; }
    [[nodiscard]] QLineEdit* deskId() const { return m_deskId; }

signals:
    void done(bool ok);

private:
    DeskContext& m_ctx;
    QTableWidget* m_users = nullptr;
    QLineEdit* m_name = nullptr;
    QComboBox* m_role = nullptr;
    QLineEdit* m_password = nullptr;
    QLineEdit* m_repeat = nullptr;
    QLabel* m_policy = nullptr;
    QComboBox* m_device = nullptr;
    QSpinBox* m_resolution = nullptr;
    QLineEdit* m_deskId = nullptr;
    QLineEdit* m_location = nullptr;
};

} // namespace secondline::desk
