#include "review_panel.h"

#include "gui_util.h"

#include <secondline/validation/field_rules.h>
#include <secondline/validation/names.h>

#include <QCoreApplication>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace secondline::desk {

namespace {

constexpr int kColField = 0, kColRead = 1, kColValue = 2, kColCheck = 3, kColConfidence = 4;
constexpr double kLowConfidence = 0.6;

const validation::CheckResult* checkOf(const validation::TravelDocument& doc, const std::string& field) {
    for (const auto& c : doc.checks)
        if (c.name == field) return &c;
    return nullptr;
}

QString checkWords(const validation::CheckResult& c) {
    const QString what = c.name == "composite"
                             ? QObject::tr("The composite check digit")
                             : QObject::tr("The check digit of the %1").arg(fieldLabel(c.name).toLower());
    switch (c.status) {
    case validation::CheckStatus::Pass: return QObject::tr("%1 is right.").arg(what);
    case validation::CheckStatus::Fail:
        return QObject::tr("%1 does not match: the field was misread or the document altered.").arg(what);
    case validation::CheckStatus::NotApplicable: return QObject::tr("%1 is not used (empty field).").arg(what);
    }
    return what;
}

/// Why an officer's edit cannot be kept: validation's field rules (the store's too), in their words.
std::optional<std::string> editProblem(const std::string& field, const std::string& value) {
    const auto id = validation::fieldFromName(field);
    if (!id) return "this field cannot be edited";
    return validation::fieldValueProblem(*id, value);
}

} // namespace

QString fieldLabel(const std::string& field) {
    static const std::map<std::string, const char*> kLabels = {
        {"document_code", QT_TRANSLATE_NOOP("ReviewPanel", "Document code")},
        {"issuing_state", QT_TRANSLATE_NOOP("ReviewPanel", "Issuing state")},
        {"surname", QT_TRANSLATE_NOOP("ReviewPanel", "Surname")},
        {"given_names", QT_TRANSLATE_NOOP("ReviewPanel", "Given names")},
        {"document_number", QT_TRANSLATE_NOOP("ReviewPanel", "Document number")},
        {"nationality", QT_TRANSLATE_NOOP("ReviewPanel", "Nationality")},
        {"birth_date", QT_TRANSLATE_NOOP("ReviewPanel", "Date of birth")},
        {"sex", QT_TRANSLATE_NOOP("ReviewPanel", "Sex")},
        {"expiry_date", QT_TRANSLATE_NOOP("ReviewPanel", "Date of expiry")},
        {"optional_data", QT_TRANSLATE_NOOP("ReviewPanel", "Optional data")},
        {"optional_data_2", QT_TRANSLATE_NOOP("ReviewPanel", "Optional data (line 2)")},
    };
    const auto it = kLabels.find(field);
    return it == kLabels.end() ? fromStd(field) : QCoreApplication::translate("ReviewPanel", it->second);
}

ReviewPanel::ReviewPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_fields = new QTableWidget(0, 5, this);
    m_fields->setObjectName("reviewFields");
    m_fields->setHorizontalHeaderLabels({tr("Field"), tr("As read"), tr("Value kept"), tr("Check"), tr("Confidence")});
    m_fields->verticalHeader()->hide();
    m_fields->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_fields->horizontalHeader()->setStretchLastSection(true);
    m_fields->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_fields->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                              QAbstractItemView::AnyKeyPressed);
    m_fields->setTabKeyNavigation(false); // Tab leaves the table; arrows move inside it
    keepOffClipboard(m_fields);
    m_fields->setMinimumHeight(m_fields->fontMetrics().height() * 20); // every TD3 field without scrolling
    layout->addWidget(m_fields, 3);

    m_findings = new QListWidget(this);
    m_findings->setObjectName("findings");
    m_findings->setWordWrap(true);
    keepOffClipboard(m_findings);
    m_findings->setMinimumHeight(m_findings->fontMetrics().height() * 5);
    layout->addWidget(m_findings, 1);

    m_reasonLabel = new QLabel(tr("&Reason for the changes:"), this);
    m_reason = new QLineEdit(this);
    m_reason->setObjectName("changeReason");
    m_reason->setPlaceholderText(tr("Required when a value differs from what was read"));
    m_reasonLabel->setBuddy(m_reason);
    layout->addWidget(m_reasonLabel);
    layout->addWidget(m_reason);

    auto* visual = new QGroupBox(tr("Visual zone (type what is printed) against the MRZ"), this);
    auto* form = new QGridLayout(visual);
    const std::pair<const char*, QString> rows[] = {
        {"surname", tr("Surname")},
        {"given_names", tr("Given names")},
        {"birth_date", tr("Date of birth (YYYY-MM-DD)")},
        {"document_number", tr("Document number")},
    };
    int at = 0;
    for (const auto& [field, label] : rows) {
        auto* edit = new QLineEdit(visual);
        edit->setObjectName(QStringLiteral("visual_%1").arg(field));
        keepOffClipboard(edit);
        connect(edit, &QLineEdit::textChanged, this, &ReviewPanel::compareVisualZone);
        auto* caption = new QLabel(label, visual);
        caption->setBuddy(edit);
        form->addWidget(caption, at / 2, (at % 2) * 2);
        form->addWidget(edit, at / 2, (at % 2) * 2 + 1);
        m_visual[field] = edit;
        ++at;
    }
    m_comparison = new QLabel(visual);
    m_comparison->setObjectName("comparison");
    m_comparison->setWordWrap(true);
    form->addWidget(m_comparison, 2, 0, 1, 4);
    layout->addWidget(visual);

    connect(m_fields, &QTableWidget::cellChanged, this, &ReviewPanel::onCellChanged);
    connect(m_reason, &QLineEdit::textChanged, this, &ReviewPanel::changed);
    clear();
}

void ReviewPanel::clear() {
    m_filling = true;
    m_document.reset();
    m_fields->setRowCount(0);
    m_findings->clear();
    m_reason->clear();
    for (auto& [_, edit] : m_visual) edit->clear();
    m_comparison->clear();
    m_filling = false;
    emit changed();
}

void ReviewPanel::showDocument(const validation::TravelDocument& document, bool editable) {
    clear();
    m_filling = true;
    m_document = document;
    m_editable = editable;
    m_reason->setEnabled(editable);
    m_reasonLabel->setEnabled(editable);
    for (const auto& f : document.fields) {
        const int row = m_fields->rowCount();
        m_fields->insertRow(row);
        auto* name = new QTableWidgetItem(fieldLabel(f.name));
        name->setData(Qt::UserRole, fromStd(f.name));
        name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        if (!f.description.empty()) name->setToolTip(fromStd(f.description));
        m_fields->setItem(row, kColField, name);
        auto* read = new QTableWidgetItem(fromStd(f.value));
        read->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        m_fields->setItem(row, kColRead, read);
        auto* value = new QTableWidgetItem(fromStd(f.value));
        value->setFlags(editable ? Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable
                                 : Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        m_fields->setItem(row, kColValue, value);
        QString check = tr("not checked");
        bool bad = false;
        if (const auto* c = checkOf(document, f.name)) {
            check = c->status == validation::CheckStatus::Pass   ? tr("check digit ok")
                    : c->status == validation::CheckStatus::Fail ? tr("CHECK DIGIT FAILS")
                                                                 : tr("not used");
            bad = c->status == validation::CheckStatus::Fail;
        }
        auto* checkItem = new QTableWidgetItem(check);
        checkItem->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        if (bad) checkItem->setForeground(QColor(180, 0, 0));
        m_fields->setItem(row, kColCheck, checkItem);
        auto* confidence = new QTableWidgetItem(QStringLiteral("%1 %").arg(qRound(f.confidence * 100)));
        confidence->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        if (f.confidence < kLowConfidence) {
            confidence->setForeground(QColor(180, 90, 0));
            confidence->setToolTip(tr("The reader was unsure of some characters: compare with the document"));
        }
        m_fields->setItem(row, kColConfidence, confidence);
    }
    for (const auto& c : document.checks)
        if (c.status == validation::CheckStatus::Fail) m_findings->addItem(checkWords(c));
    for (const auto& f : document.findings) {
        const QString severity = f.severity == validation::Severity::Error     ? tr("Problem")
                                 : f.severity == validation::Severity::Warning ? tr("Warning")
                                                                               : tr("Note");
        auto* item = new QListWidgetItem(QStringLiteral("%1: %2").arg(severity, fromStd(f.message)), m_findings);
        item->setData(Qt::UserRole, fromStd(std::string(validation::findingCodeName(f.code))));
    }
    if (m_findings->count() == 0) m_findings->addItem(tr("Every check passed and nothing needs attention."));
    m_filling = false;
    emit changed();
}

void ReviewPanel::showRecord(const storage::StoredRecord& record) {
    showDocument(record.document, false);
    for (const auto& r : record.history)
        m_findings->addItem(tr("Corrected %1 by %2 on %3: “%4” became “%5” (%6)")
                                .arg(fieldLabel(r.field), fromStd(r.user), fromStd(core::formatUtc(r.time)),
                                     fromStd(r.oldValue), fromStd(r.newValue), fromStd(r.reason)));
}

int ReviewPanel::rowOf(const std::string& field) const {
    for (int row = 0; row < m_fields->rowCount(); ++row)
        if (m_fields->item(row, kColField)->data(Qt::UserRole).toString() == fromStd(field)) return row;
    return -1;
}

QLineEdit* ReviewPanel::visualField(const std::string& field) const {
    const auto it = m_visual.find(field);
    return it == m_visual.end() ? nullptr : it->second;
}

void ReviewPanel::onCellChanged(int row, int column) {
    if (m_filling || column != kColValue) return;
    auto* item = m_fields->item(row, kColValue);
    const std::string field = toStd(m_fields->item(row, kColField)->data(Qt::UserRole).toString());
    const QString read = m_fields->item(row, kColRead)->text();
    m_filling = true;
    // Values are kept in the MRZ's letters: capitals.
    if (item->text() != item->text().toUpper()) item->setText(item->text().toUpper());
    if (item->text() == read) {
        item->setBackground(QBrush());
        item->setToolTip(QString());
    } else if (const auto problem = editProblem(field, toStd(item->text()))) {
        item->setBackground(QColor(255, 205, 205));
        item->setToolTip(fromStd(*problem));
    } else {
        item->setBackground(QColor(255, 243, 190)); // changed: needs the reason
        item->setToolTip(tr("Changed from what was read"));
    }
    m_filling = false;
    emit changed();
}

void ReviewPanel::commitEdits() {
    const int row = m_fields->currentRow();
    if (row < 0 || !m_editable) return;
    for (auto* editor : m_fields->viewport()->findChildren<QLineEdit*>())
        if (editor->isVisible()) {
            m_fields->item(row, kColValue)->setText(editor->text());
            m_fields->setFocus(); // closes the editor
        }
}

std::vector<ReviewPanel::Edit> ReviewPanel::edits() const {
    std::vector<Edit> out;
    for (int row = 0; row < m_fields->rowCount(); ++row) {
        const QString read = m_fields->item(row, kColRead)->text();
        const QString value = m_fields->item(row, kColValue)->text();
        if (value != read)
            out.push_back(
                {toStd(m_fields->item(row, kColField)->data(Qt::UserRole).toString()), toStd(read), toStd(value)});
    }
    return out;
}

std::map<std::string, std::string> ReviewPanel::values() const {
    std::map<std::string, std::string> out;
    for (int row = 0; row < m_fields->rowCount(); ++row)
        out[toStd(m_fields->item(row, kColField)->data(Qt::UserRole).toString())] =
            toStd(m_fields->item(row, kColValue)->text());
    return out;
}

std::optional<QString> ReviewPanel::problem() const {
    const auto changes = edits();
    for (const auto& e : changes)
        if (const auto p = editProblem(e.field, e.value)) return fromStd(*p);
    if (!changes.empty() && m_reason->text().trimmed().isEmpty())
        return tr("Give the reason for changing what was read");
    return std::nullopt;
}

QString ReviewPanel::changeReason() const {
    return m_reason->text().trimmed();
}

bool ReviewPanel::focusFirstAttention() {
    if (!m_document) return false;
    for (int row = 0; row < m_fields->rowCount(); ++row) {
        const auto* check = m_fields->item(row, kColCheck);
        const auto* confidence = m_fields->item(row, kColConfidence);
        if (check->foreground().color() == QColor(180, 0, 0) || !confidence->toolTip().isEmpty()) {
            m_fields->setFocus();
            m_fields->setCurrentCell(row, kColValue);
            return true;
        }
    }
    return false;
}

void ReviewPanel::compareVisualZone() {
    if (!m_document) {
        m_comparison->clear();
        return;
    }
    const auto& doc = *m_document;
    const bool nameZoneFull = std::any_of(doc.findings.begin(), doc.findings.end(), [](const auto& f) {
        return f.code == validation::FindingCode::NamePossiblyTruncated;
    });
    QStringList lines;
    bool mismatch = false;
    for (const auto& [field, edit] : m_visual) {
        const QString typed = edit->text().trimmed();
        if (typed.isEmpty()) continue;
        const auto* f = doc.field(field);
        if (!f) continue;
        QString verdict;
        if (field == "surname" || field == "given_names") {
            switch (validation::compareName(toStd(typed), f->raw, nameZoneFull)) {
            case validation::NameMatch::Match: verdict = tr("matches"); break;
            case validation::NameMatch::TruncatedMatch: verdict = tr("matches (truncated in the MRZ)"); break;
            case validation::NameMatch::Mismatch:
                verdict = tr("DOES NOT MATCH");
                mismatch = true;
                break;
            }
        } else {
            QString a = typed.toUpper();
            a.remove(' ');
            const bool same = a == fromStd(f->value);
            verdict = same ? tr("matches") : tr("DOES NOT MATCH");
            mismatch = mismatch || !same;
        }
        lines << tr("%1: %2").arg(fieldLabel(field), verdict);
    }
    m_comparison->setText(lines.join('\n'));
    m_comparison->setStyleSheet(mismatch ? "color: #b00000; font-weight: bold;" : QString());
}

} // namespace secondline::desk
