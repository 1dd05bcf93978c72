#pragma once
// The auditor's screen: verify the audit trail (chain and signatures), read it with filters (who, which
// record, when, why), and the retention status (counts only). No personal data is shown here.

#include "desk_context.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace secondline::desk {

class AuditorScreen : public QWidget {
    Q_OBJECT
public:
    explicit AuditorScreen(DeskContext& context, QWidget* parent = nullptr);

    /// Checks the trail off the UI thread (verified() follows).
    void verify();
    /// Reads the trail and the retention status again.
    void refresh();
    /// Shows only entries matching every filter.
    void applyFilters();

    // For tests and screenshots.
    [[nodiscard]] QLabel* verdict() const { return m_verdict; }
    [[nodiscard]] QTableWidget* trailTable() const { return m_trail; }
    [[nodiscard]] QTableWidget* retentionTable() const { return m_retention; }
    [[nodiscard]] QComboBox* userFilter() const { return m_user; }
    [[nodiscard]] QLineEdit* recordFilter() const { return m_record; }
    [[nodiscard]] QLineEdit* whyFilter() const { return m_why; }
    [[nodiscard]] QDateEdit* fromFilter() const { return m_from; }
    [[nodiscard]] QDateEdit* toFilter() const { return m_to; }
    [[nodiscard]] int visibleEntries() const;

signals:
    void verified(bool ok);

private:
    DeskContext& m_ctx;
    std::vector<privacy::AuditEntry> m_entries;
    QLabel* m_verdict = nullptr;
    QTableWidget* m_trail = nullptr;
    QTableWidget* m_retention = nullptr;
    QComboBox* m_user = nullptr;
    QLineEdit* m_record = nullptr;
    QLineEdit* m_why = nullptr;
    QDateEdit* m_from = nullptr;
    QDateEdit* m_to = nullptr;
};

} // namespace secondline::desk
