#pragma once
// The supervisor's referral queue: every flag with its age, basis and reason; the flagged record with its
// encounter, corrections and the flag's history; and the decision (resolve or dismiss) with a note.

#include "desk_context.h"

#include <secondline/core/ids.h>

#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTreeWidget;

namespace secondline::desk {

class SupervisorScreen : public QWidget {
    Q_OBJECT
public:
    explicit SupervisorScreen(DeskContext& context, QWidget* parent = nullptr);

    void refresh();
    /// Decides the selected flag with the note typed; false (with the reason in the status line) otherwise.
    bool decide(storage::FlagStatus status);
    /// Selects the queue row of a flag.
    void selectFlag(core::FlagId flagId);

    // For tests and screenshots.
    [[nodiscard]] QTableWidget* queue() const { return m_queue; }
    [[nodiscard]] QTreeWidget* detail() const { return m_detail; }
    [[nodiscard]] QLineEdit* noteField() const { return m_note; }
    [[nodiscard]] QCheckBox* openOnlyBox() const { return m_openOnly; }

private:
    void showFlag(int row);

    DeskContext& m_ctx;
    std::vector<storage::Flag> m_flags;
    QCheckBox* m_openOnly = nullptr;
    QTableWidget* m_queue = nullptr;
    QTreeWidget* m_detail = nullptr;
    QLineEdit* m_note = nullptr;
    QPushButton* m_resolve = nullptr;
    QPushButton* m_dismiss = nullptr;
};

/// "3 h", "2 d": how long ago, for a queue.
[[nodiscard]] QString ageText(std::chrono::milliseconds age);

} // namespace secondline::desk
