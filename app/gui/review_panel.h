#pragma once
// One document under review: every field with what was read, the value to keep (editable, checked as it is
// typed), its check result and confidence; the checks and findings in plain words; the visual zone typed by
// the officer compared with the MRZ; and the reason required for any change to what was read.

#include <secondline/storage/store.h>
#include <secondline/validation/travel_document.h>

#include <QWidget>

#include <map>
#include <optional>
#include <string>
#include <vector>

class QLabel;
class QLineEdit;
class QListWidget;
class QTableWidget;

namespace secondline::desk {

class ReviewPanel : public QWidget {
    Q_OBJECT
public:
    explicit ReviewPanel(QWidget* parent = nullptr);

    /// Shows a document; `editable` lets the officer change values (a reading not yet saved).
    void showDocument(const validation::TravelDocument& document, bool editable);
    /// Shows a saved record read-only, with its rectification history.
    void showRecord(const storage::StoredRecord& record);
    void clear();
    [[nodiscard]] bool hasDocument() const { return m_document.has_value(); }

    struct Edit {
        std::string field;
        std::string read;
        std::string value;
    };
    /// Takes in a value still being typed in a cell (Ctrl+S pressed with the cell editor open).
    void commitEdits();
    /// Values that differ from what was read.
    [[nodiscard]] std::vector<Edit> edits() const;
    /// The value to keep of every field (edits applied).
    [[nodiscard]] std::map<std::string, std::string> values() const;
    /// Why the values cannot be saved yet (an edit of the wrong shape, or an edit without a reason).
    [[nodiscard]] std::optional<QString> problem() const;
    [[nodiscard]] QString changeReason() const;
    /// Puts the keyboard on the first field that needs a look (a failed check or low confidence), or
    /// returns false when none does.
    bool focusFirstAttention();

    // For tests and screenshots.
    [[nodiscard]] QTableWidget* fieldTable() const { return m_fields; }
    [[nodiscard]] QListWidget* findingList() const { return m_findings; }
    [[nodiscard]] QLineEdit* reasonField() const { return m_reason; }
    [[nodiscard]] QLineEdit* visualField(const std::string& field) const;
    [[nodiscard]] QLabel* comparisonLabel() const { return m_comparison; }
    /// The row of a field in fieldTable(), or -1.
    [[nodiscard]] int rowOf(const std::string& field) const;

signals:
    void changed();

private:
    void onCellChanged(int row, int column);
    void compareVisualZone();

    std::optional<validation::TravelDocument> m_document;
    bool m_editable = false;
    bool m_filling = false;
    QTableWidget* m_fields = nullptr;
    QListWidget* m_findings = nullptr;
    QLineEdit* m_reason = nullptr;
    QLabel* m_reasonLabel = nullptr;
    std::map<std::string, QLineEdit*> m_visual;
    QLabel* m_comparison = nullptr;
};

/// "Document number" for "document_number".
[[nodiscard]] QString fieldLabel(const std::string& field);

} // namespace secondline::desk
