#include "auditor_screen.h"

#include "gui_util.h"

#include <QComboBox>
#include <QDateEdit>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <set>

namespace secondline::desk {

namespace {

QDate dateOf(core::TimePoint t) {
    const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
    return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
            static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

} // namespace

AuditorScreen::AuditorScreen(DeskContext& context, QWidget* parent) : QWidget(parent), m_ctx(context) {
    setObjectName("auditorScreen");
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    auto* verifyButton = new QPushButton(tr("&Verify the trail"), this);
    verifyButton->setObjectName("verifyTrail");
    auto* reload = new QPushButton(tr("Re&load"), this);
    m_verdict = new QLabel(tr("Not verified in this session"), this);
    m_verdict->setObjectName("verdict");
    top->addWidget(verifyButton);
    top->addWidget(m_verdict, 1);
    top->addWidget(reload);
    layout->addLayout(top);

    auto* filters = new QHBoxLayout;
    m_user = new QComboBox(this);
    m_user->setObjectName("userFilter");
    m_record = new QLineEdit(this);
    m_record->setObjectName("recordFilter");
    m_record->setPlaceholderText(tr("record id"));
    m_record->setMaximumWidth(110);
    m_from = new QDateEdit(this);
    m_from->setObjectName("fromFilter");
    m_from->setCalendarPopup(true);
    m_from->setDisplayFormat("yyyy-MM-dd");
    m_to = new QDateEdit(this);
    m_to->setObjectName("toFilter");
    m_to->setCalendarPopup(true);
    m_to->setDisplayFormat("yyyy-MM-dd");
    m_why = new QLineEdit(this);
    m_why->setObjectName("whyFilter");
    m_why->setPlaceholderText(tr("action, purpose or justification contains…"));
    auto* who = new QLabel(tr("&Who:"), this);
    who->setBuddy(m_user);
    filters->addWidget(who);
    filters->addWidget(m_user);
    filters->addWidget(new QLabel(tr("Record:"), this));
    filters->addWidget(m_record);
    filters->addWidget(new QLabel(tr("From:"), this));
    filters->addWidget(m_from);
    filters->addWidget(new QLabel(tr("to:"), this));
    filters->addWidget(m_to);
    filters->addWidget(new QLabel(tr("Why:"), this));
    filters->addWidget(m_why, 1);
    layout->addLayout(filters);

    auto* split = new QSplitter(Qt::Vertical, this);
    m_trail = new QTableWidget(0, 9, split);
    m_trail->setObjectName("trail");
    m_trail->setHorizontalHeaderLabels({tr("#"), tr("When (UTC)"), tr("Who"), tr("Role"), tr("Action"), tr("Record"),
                                        tr("Purpose"), tr("Detail"), tr("Justification")});
    m_trail->verticalHeader()->hide();
    m_trail->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_trail->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_trail->horizontalHeader()->setStretchLastSection(true);
    keepOffClipboard(m_trail); // justifications are free text
    auto* retention = new QGroupBox(tr("Retention status (records per outcome)"), split);
    auto* retentionLayout = new QVBoxLayout(retention);
    m_retention = new QTableWidget(0, 8, retention);
    m_retention->setObjectName("retention");
    m_retention->setHorizontalHeaderLabels({tr("Outcome"), tr("Kept (days)"), tr("Records"), tr("Due now"),
                                            tr("In 7 days"), tr("In 30 days"), tr("Later"), tr("On hold")});
    m_retention->verticalHeader()->hide();
    m_retention->setEditTriggers(QAbstractItemView::NoEditTriggers);
    retentionLayout->addWidget(m_retention);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    connect(verifyButton, &QPushButton::clicked, this, &AuditorScreen::verify);
    connect(reload, &QPushButton::clicked, this, &AuditorScreen::refresh);
    connect(m_user, &QComboBox::currentIndexChanged, this, &AuditorScreen::applyFilters);
    connect(m_record, &QLineEdit::textChanged, this, &AuditorScreen::applyFilters);
    connect(m_why, &QLineEdit::textChanged, this, &AuditorScreen::applyFilters);
    connect(m_from, &QDateEdit::dateChanged, this, &AuditorScreen::applyFilters);
    connect(m_to, &QDateEdit::dateChanged, this, &AuditorScreen::applyFilters);
    connect(&m_ctx, &DeskContext::sessionStarted, this, &AuditorScreen::refresh);
    refresh();
}

void AuditorScreen::refresh() {
    if (m_ctx.busy()) return;
    auto trail = m_ctx.session().auditEntries();
    if (!trail) {
        m_ctx.reportError(trail.error());
        return;
    }
    m_entries = std::move(*trail);
    const QSignalBlocker b1(m_user), b2(m_from), b3(m_to);
    const QString user = m_user->currentData().toString();
    m_user->clear();
    m_user->addItem(tr("anyone"), QString());
    std::set<std::string> users;
    for (const auto& e : m_entries) users.insert(e.userName);
    for (const auto& u : users) m_user->addItem(fromStd(u), fromStd(u));
    if (const int at = m_user->findData(user); at >= 0) m_user->setCurrentIndex(at);
    if (!m_entries.empty()) {
        m_from->setDate(dateOf(m_entries.front().time));
        m_to->setDate(dateOf(m_entries.back().time));
    }
    m_trail->setRowCount(0);
    for (const auto& e : m_entries) {
        const int row = m_trail->rowCount();
        m_trail->insertRow(row);
        const QStringList cells = {QString::number(e.sequence), fromStd(core::formatUtc(e.time)),
                                   fromStd(e.userName),         fromStd(e.role),
                                   fromStd(e.action),           e.recordId ? QString::number(*e.recordId) : QString(),
                                   fromStd(e.purpose),          fromStd(e.detail),
                                   fromStd(e.justification)};
        for (int col = 0; col < cells.size(); ++col) m_trail->setItem(row, col, new QTableWidgetItem(cells[col]));
    }
    m_trail->resizeColumnsToContents();
    applyFilters();

    m_retention->setRowCount(0);
    if (m_ctx.may(privacy::Action::ReportRetention)) {
        auto rows = m_ctx.session().retentionReport();
        if (!rows) {
            m_ctx.reportError(rows.error());
            return;
        }
        for (const auto& r : *rows) {
            const int row = m_retention->rowCount();
            m_retention->insertRow(row);
            const QStringList cells = {fromStd(r.outcome),         r.days ? QString::number(*r.days) : tr("default"),
                                       QString::number(r.records), QString::number(r.expired),
                                       QString::number(r.within7), QString::number(r.within30),
                                       QString::number(r.later),   QString::number(r.held)};
            for (int col = 0; col < cells.size(); ++col)
                m_retention->setItem(row, col, new QTableWidgetItem(cells[col]));
        }
    }
}

void AuditorScreen::applyFilters() {
    const std::string user = toStd(m_user->currentData().toString());
    bool recordOk = false;
    const qlonglong record = m_record->text().trimmed().toLongLong(&recordOk);
    const QString why = m_why->text().trimmed();
    const QDate from = m_from->date(), to = m_to->date();
    for (int row = 0; row < m_trail->rowCount() && row < static_cast<int>(m_entries.size()); ++row) {
        const auto& e = m_entries[static_cast<std::size_t>(row)];
        bool show = user.empty() || e.userName == user;
        if (show && !m_record->text().trimmed().isEmpty()) show = recordOk && e.recordId && *e.recordId == record;
        const QDate day = dateOf(e.time);
        if (show) show = day >= from && day <= to;
        if (show && !why.isEmpty())
            show = fromStd(e.action).contains(why, Qt::CaseInsensitive) ||
                   fromStd(e.purpose).contains(why, Qt::CaseInsensitive) ||
                   fromStd(e.justification).contains(why, Qt::CaseInsensitive) ||
                   fromStd(e.detail).contains(why, Qt::CaseInsensitive);
        m_trail->setRowHidden(row, !show);
    }
}

int AuditorScreen::visibleEntries() const {
    int n = 0;
    for (int row = 0; row < m_trail->rowCount(); ++row) n += m_trail->isRowHidden(row) ? 0 : 1;
    return n;
}

void AuditorScreen::verify() {
    auto check = std::make_shared<core::Result<privacy::TrailCheck>>(core::fail(core::ErrorCode::Internal, "not run"));
    const bool started = m_ctx.runInBackground(
        tr("Verifying the audit trail…"), [check](client::Session& session) { *check = session.verifyAudit(nullptr); },
        [this, check] {
            if (!*check) {
                m_ctx.reportError(check->error());
                emit verified(false);
                return;
            }
            const auto& c = **check;
            if (c.ok) {
                m_verdict->setText(
                    tr("Intact: %1 entries, %2 signed by this workstation; chain and signatures verified")
                        .arg(c.entries)
                        .arg(c.signedEntries));
                m_verdict->setStyleSheet("color: #006000; font-weight: bold;");
            } else {
                m_verdict->setText(tr("BROKEN at entry %1: %2")
                                       .arg(c.firstBadSequence ? QString::number(*c.firstBadSequence) : tr("?"))
                                       .arg(fromStd(c.problem)));
                m_verdict->setStyleSheet("color: #b00000; font-weight: bold;");
            }
            m_ctx.setStatus(c.ok ? tr("The audit trail is intact") : tr("The audit trail is BROKEN: report it"));
            emit verified(c.ok);
            refresh();
        });
    if (!started) emit verified(false);
}

} // namespace secondline::desk
