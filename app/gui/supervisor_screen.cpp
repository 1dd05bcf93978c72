#include "supervisor_screen.h"

#include "gui_util.h"
#include "officer_screen.h"
#include "review_panel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace secondline::desk {

namespace {

QString statusWords(storage::FlagStatus s) {
    switch (s) {
    case storage::FlagStatus::Open: return QObject::tr("open");
    case storage::FlagStatus::Resolved: return QObject::tr("resolved");
    case storage::FlagStatus::Dismissed: return QObject::tr("dismissed");
    }
    return {};
}

} // namespace

QString ageText(std::chrono::milliseconds age) {
    using namespace std::chrono;
    if (age < hours{1}) return QObject::tr("%1 min").arg(std::max<qint64>(0, duration_cast<minutes>(age).count()));
    if (age < hours{48}) return QObject::tr("%1 h").arg(duration_cast<hours>(age).count());
    return QObject::tr("%1 d").arg(duration_cast<days>(age).count());
}

SupervisorScreen::SupervisorScreen(DeskContext& context, QWidget* parent) : QWidget(parent), m_ctx(context) {
    setObjectName("supervisorScreen");
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_openOnly = new QCheckBox(tr("&Open referrals only"), this);
    m_openOnly->setObjectName("openOnly");
    m_openOnly->setChecked(true);
    auto* reload = new QPushButton(tr("Re&load"), this);
    top->addWidget(new QLabel(tr("Referral queue, oldest first"), this));
    top->addStretch();
    top->addWidget(m_openOnly);
    top->addWidget(reload);
    layout->addLayout(top);

    auto* split = new QSplitter(Qt::Horizontal, this);
    m_queue = new QTableWidget(0, 7, split);
    m_queue->setObjectName("queue");
    m_queue->setHorizontalHeaderLabels(
        {tr("Flag"), tr("Record"), tr("Age"), tr("Basis"), tr("Reason"), tr("Raised by"), tr("Status")});
    m_queue->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_queue->setSelectionMode(QAbstractItemView::SingleSelection);
    m_queue->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_queue->verticalHeader()->hide();
    m_queue->horizontalHeader()->setStretchLastSection(true);
    keepOffClipboard(m_queue); // reasons may describe the traveller
    m_detail = new QTreeWidget(split);
    m_detail->setObjectName("flagDetail");
    m_detail->setHeaderLabels({tr("Item"), tr("Value")});
    keepOffClipboard(m_detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    auto* decision = new QHBoxLayout;
    m_note = new QLineEdit(this);
    m_note->setObjectName("decisionNote");
    m_note->setPlaceholderText(tr("Decision note (required): what was decided and why"));
    auto* noteLabel = new QLabel(tr("&Note:"), this);
    noteLabel->setBuddy(m_note);
    m_resolve = new QPushButton(tr("&Resolve"), this);
    m_resolve->setObjectName("resolve");
    m_dismiss = new QPushButton(tr("&Dismiss"), this);
    m_dismiss->setObjectName("dismiss");
    decision->addWidget(noteLabel);
    decision->addWidget(m_note, 1);
    decision->addWidget(m_resolve);
    decision->addWidget(m_dismiss);
    layout->addLayout(decision);

    connect(reload, &QPushButton::clicked, this, &SupervisorScreen::refresh);
    connect(m_openOnly, &QCheckBox::toggled, this, &SupervisorScreen::refresh);
    connect(m_queue, &QTableWidget::itemSelectionChanged, this, [this] {
        const auto rows = m_queue->selectionModel()->selectedRows();
        if (!rows.isEmpty()) showFlag(rows.first().row());
    });
    connect(m_resolve, &QPushButton::clicked, this, [this] { decide(storage::FlagStatus::Resolved); });
    connect(m_dismiss, &QPushButton::clicked, this, [this] { decide(storage::FlagStatus::Dismissed); });
    connect(&m_ctx, &DeskContext::busyChanged, this, [this](bool busy) {
        m_resolve->setEnabled(!busy);
        m_dismiss->setEnabled(!busy);
    });
    connect(&m_ctx, &DeskContext::sessionStarted, this, &SupervisorScreen::refresh);
    refresh();
}

void SupervisorScreen::refresh() {
    if (m_ctx.busy()) return;
    auto flags = m_ctx.session().listFlags(m_openOnly->isChecked());
    m_queue->setRowCount(0);
    m_detail->clear();
    if (!flags) {
        m_ctx.reportError(flags.error());
        return;
    }
    m_flags = std::move(*flags);
    const auto now = m_ctx.clock().now();
    const QSignalBlocker block(m_queue);
    for (const auto& f : m_flags) {
        const int row = m_queue->rowCount();
        m_queue->insertRow(row);
        const auto raised = f.history.empty() ? now : f.history.front().time;
        const std::string basis =
            f.basis == storage::ReferralBasis::None ? std::string{} : std::string(storage::referralBasisName(f.basis));
        const std::string& reason = f.reason;
        auto* id = new QTableWidgetItem(QString::number(f.id.value()));
        id->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(f.id.value()));
        m_queue->setItem(row, 0, id);
        m_queue->setItem(row, 1, new QTableWidgetItem(QString::number(f.recordId.value())));
        m_queue->setItem(row, 2, new QTableWidgetItem(ageText(now - raised)));
        m_queue->setItem(row, 3,
                         new QTableWidgetItem(basis.empty() ? (f.kind == storage::FlagKind::Referral
                                                                   ? tr("referral to %1").arg(fromStd(f.referredTo))
                                                                   : tr("review"))
                                                            : fromStd(basis)));
        m_queue->setItem(row, 4, new QTableWidgetItem(fromStd(reason)));
        m_queue->setItem(row, 5, new QTableWidgetItem(f.history.empty() ? QString() : fromStd(f.history.front().user)));
        m_queue->setItem(row, 6, new QTableWidgetItem(statusWords(f.status)));
    }
    m_queue->resizeColumnsToContents();
}

void SupervisorScreen::selectFlag(core::FlagId flagId) {
    for (int row = 0; row < m_queue->rowCount(); ++row)
        if (m_queue->item(row, 0)->data(Qt::UserRole).toLongLong() == flagId.value()) m_queue->selectRow(row);
}

void SupervisorScreen::showFlag(int row) {
    m_detail->clear();
    if (row < 0 || row >= static_cast<int>(m_flags.size()) || m_ctx.busy()) return;
    const auto& flag = m_flags[static_cast<std::size_t>(row)];
    auto rec = m_ctx.session().getRecord(flag.recordId);
    if (!rec) {
        m_ctx.reportError(rec.error());
        return;
    }
    auto* fields = new QTreeWidgetItem(m_detail, {tr("Record %1").arg(rec->id.value()), QString()});
    for (const auto& f : rec->document.fields) {
        const auto* c = [&]() -> const validation::CheckResult* {
            for (const auto& k : rec->document.checks)
                if (k.name == f.name) return &k;
            return nullptr;
        }();
        QString value = fromStd(f.value);
        if (c && c->status == validation::CheckStatus::Fail) value += tr("  (check digit fails)");
        new QTreeWidgetItem(fields, {fieldLabel(f.name), value});
    }
    for (const auto& finding : rec->document.findings)
        new QTreeWidgetItem(fields, {tr("Finding"), fromStd(finding.message)});
    auto* encounter =
        new QTreeWidgetItem(m_detail, {tr("Encounter %1").arg(rec->encounter.encounterId->value()), QString()});
    new QTreeWidgetItem(encounter, {tr("Officer"), fromStd(rec->officer)});
    new QTreeWidgetItem(encounter, {tr("Captured (UTC)"), fromStd(core::formatUtc(rec->created))});
    new QTreeWidgetItem(encounter, {tr("Purpose"), fromStd(rec->encounter.purpose)});
    new QTreeWidgetItem(encounter, {tr("Outcome"), fromStd(rec->encounter.outcome)});
    new QTreeWidgetItem(encounter, {tr("Source"), fromStd(rec->encounter.source)});
    if (!rec->encounter.notes.empty()) new QTreeWidgetItem(encounter, {tr("Notes"), fromStd(rec->encounter.notes)});
    if (rec->legalHold) new QTreeWidgetItem(encounter, {tr("Legal hold"), tr("yes")});
    auto* history = new QTreeWidgetItem(m_detail, {tr("Corrections"), QString::number(rec->history.size())});
    for (const auto& r : rec->history)
        new QTreeWidgetItem(history,
                            {fieldLabel(r.field), tr("“%1” → “%2” by %3 on %4: %5")
                                                      .arg(fromStd(r.oldValue), fromStd(r.newValue), fromStd(r.user),
                                                           fromStd(core::formatUtc(r.time)), fromStd(r.reason))});
    auto* events = new QTreeWidgetItem(m_detail, {tr("Flag %1 history").arg(flag.id.value()), QString()});
    for (const auto& e : flag.history)
        new QTreeWidgetItem(events, {fromStd(core::formatUtc(e.time)),
                                     tr("%1 by %2: %3").arg(statusWords(e.status), fromStd(e.user), fromStd(e.note))});
    m_detail->expandAll();
    m_detail->resizeColumnToContents(0);
}

bool SupervisorScreen::decide(storage::FlagStatus status) {
    const auto rows = m_queue->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        m_ctx.setStatus(tr("Select a referral first"));
        return false;
    }
    const QString note = m_note->text().trimmed();
    if (note.isEmpty()) {
        m_ctx.setStatus(tr("Write the decision note first"));
        m_note->setFocus();
        return false;
    }
    const core::FlagId id{m_queue->item(rows.first().row(), 0)->data(Qt::UserRole).toLongLong()};
    if (auto s = m_ctx.session().updateFlag(id, status, toStd(note)); !s) {
        m_ctx.reportError(s.error());
        return false;
    }
    m_note->clear();
    m_ctx.setStatus(tr("Flag %1 %2").arg(id.value()).arg(statusWords(status)));
    refresh();
    return true;
}

} // namespace secondline::desk
