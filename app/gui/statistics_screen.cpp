#include "statistics_screen.h"

#include "gui_util.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

namespace secondline::desk {

namespace {

core::TimePoint startOf(const QDate& d) {
    const std::chrono::sys_days day{std::chrono::year{d.year()} / std::chrono::month{static_cast<unsigned>(d.month())} /
                                    std::chrono::day{static_cast<unsigned>(d.day())}};
    return std::chrono::time_point_cast<std::chrono::milliseconds>(day);
}

QString percent(double v) {
    return QString::number(v * 100, 'f', 1) + QStringLiteral(" %");
}

} // namespace

StatisticsScreen::StatisticsScreen(DeskContext& context, QWidget* parent) : QWidget(parent), m_ctx(context) {
    setObjectName("statisticsScreen");
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    const std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(m_ctx.clock().now())};
    const QDate now(static_cast<int>(today.year()), static_cast<int>(static_cast<unsigned>(today.month())),
                    static_cast<int>(static_cast<unsigned>(today.day())));
    m_from = new QDateEdit(now.addDays(-30), this);
    m_from->setObjectName("statsFrom");
    m_from->setDisplayFormat("yyyy-MM-dd");
    m_from->setCalendarPopup(true);
    m_to = new QDateEdit(now, this);
    m_to->setObjectName("statsTo");
    m_to->setDisplayFormat("yyyy-MM-dd");
    m_to->setCalendarPopup(true);
    m_desk = new QLineEdit(this);
    m_desk->setPlaceholderText(tr("every desk"));
    auto* run = new QPushButton(tr("&Compute"), this);
    run->setObjectName("computeStatistics");
    top->addWidget(new QLabel(tr("From"), this));
    top->addWidget(m_from);
    top->addWidget(new QLabel(tr("to"), this));
    top->addWidget(m_to);
    top->addWidget(new QLabel(tr("Desk"), this));
    top->addWidget(m_desk);
    top->addWidget(run);
    top->addStretch();
    layout->addLayout(top);
    m_summary = new QLabel(tr("Counts below the pack's threshold are suppressed; no traveller's data is shown."), this);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    auto* split = new QSplitter(Qt::Vertical, this);
    auto* charts = new QSplitter(Qt::Horizontal, split);
    m_volume = new QChartView(charts);
    m_volume->setObjectName("volumeChart");
    m_volume->setRenderHint(QPainter::Antialiasing);
    m_rates = new QChartView(charts);
    m_rates->setObjectName("rateChart");
    m_rates->setRenderHint(QPainter::Antialiasing);
    m_bias = new QTableWidget(0, 7, split);
    m_bias->setObjectName("biasTable");
    m_bias->setHorizontalHeaderLabels({tr("Breakdown"), tr("Group"), tr("Records"), tr("Referral rate"),
                                       tr("95% interval"), tr("Against the rest"), tr("Notes")});
    m_bias->verticalHeader()->hide();
    m_bias->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_bias->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(split, 1);
    connect(run, &QPushButton::clicked, this, &StatisticsScreen::compute);
}

void StatisticsScreen::compute() {
    analysis::ReportOptions options;
    options.from = startOf(m_from->date());
    options.to = startOf(m_to->date().addDays(1));
    if (!m_desk->text().trimmed().isEmpty()) options.desk = toStd(m_desk->text().trimmed());
    options.minCell = m_ctx.session().policy().statisticsMinCell();
    auto result =
        std::make_shared<core::Result<analysis::StatisticsReport>>(core::fail(core::ErrorCode::Internal, "not run"));
    const bool started = m_ctx.runInBackground(
        tr("Computing the statistics…"),
        [result, options](client::Session& session) {
            auto rows = session.statistics(options.from, options.to, options.desk);
            if (!rows) {
                *result = core::fail(rows.error());
                return;
            }
            *result = analysis::buildReport(*rows, options);
        },
        [this, result] {
            if (!*result) {
                m_ctx.reportError(result->error());
                emit computed(false);
                return;
            }
            m_report = std::move(**result);
            show(*m_report);
            m_ctx.setStatus(tr("Statistics computed"));
            emit computed(true);
        });
    if (!started) emit computed(false);
}

void StatisticsScreen::show(const analysis::StatisticsReport& report) {
    m_summary->setText(tr("Records: %1. Counts below %2 are suppressed, with other cells where totals could reveal "
                          "them. %3")
                           .arg(report.records ? QString::number(*report.records) : tr("suppressed"))
                           .arg(report.options.minCell)
                           .arg(report.warnings.size() > 1 ? fromStd(report.warnings[1]) : QString()));
    // Records by hour of capture.
    auto* hours = new QBarSet(tr("records"));
    QStringList labels;
    for (const auto& c : report.counts)
        if (c.name == "by_hour")
            for (std::size_t r = 0; r < c.table.rows.size(); ++r) {
                labels << fromStd(c.table.rows[r]);
                const auto& v = c.table.cells[r];
                *hours << (v ? static_cast<double>(*v) : 0.0); // suppressed hours are drawn empty
            }
    auto* volume = new QChart;
    volume->setTitle(tr("Records by hour of capture (UTC; suppressed hours empty)"));
    auto* series = new QBarSeries;
    series->append(hours);
    volume->addSeries(series);
    auto* axisX = new QBarCategoryAxis;
    axisX->append(labels);
    volume->addAxis(axisX, Qt::AlignBottom);
    series->attachAxis(axisX);
    auto* axisY = new QValueAxis;
    volume->addAxis(axisY, Qt::AlignLeft);
    series->attachAxis(axisY);
    volume->legend()->hide();
    // The view takes the new chart and gives the old one back to us (deleting it first would leave the view's
    // scene pointing at freed items).
    QChart* oldVolume = m_volume->chart();
    m_volume->setChart(volume);
    delete oldVolume;

    // Referral rate by nationality (published groups only).
    auto* rates = new QBarSet(tr("referral rate (%)"));
    QStringList groups;
    m_bias->setRowCount(0);
    for (const auto& b : report.bias)
        for (const auto& g : b.groups) {
            const int row = m_bias->rowCount();
            m_bias->insertRow(row);
            const auto& r = g.referral;
            QStringList notes;
            for (const auto& w : g.warnings) notes << fromStd(w);
            const QStringList cells = {
                fromStd(b.by),
                fromStd(g.group),
                g.records ? QString::number(*g.records) : tr("suppressed"),
                r ? percent(r->rate) : tr("suppressed"),
                r ? QStringLiteral("%1 – %2").arg(percent(r->ci.low), percent(r->ci.high)) : QString(),
                !r             ? QString()
                : !r->tested   ? tr("not tested")
                : r->disparity ? tr("DISPARITY (adjusted p %1)").arg(r->pAdjusted, 0, 'g', 2)
                               : tr("no clear difference (adjusted p %1)").arg(r->pAdjusted, 0, 'g', 2),
                notes.join(' ')};
            for (int col = 0; col < cells.size(); ++col) m_bias->setItem(row, col, new QTableWidgetItem(cells[col]));
            if (b.by == "nationality" && r) {
                groups << fromStd(g.group);
                *rates << r->rate * 100;
            }
        }
    auto* rateChart = new QChart;
    rateChart->setTitle(tr("Referral rate by nationality (groups with enough records)"));
    auto* rateSeries = new QBarSeries;
    rateSeries->append(rates);
    rateChart->addSeries(rateSeries);
    auto* groupAxis = new QBarCategoryAxis;
    groupAxis->append(groups);
    rateChart->addAxis(groupAxis, Qt::AlignBottom);
    rateSeries->attachAxis(groupAxis);
    auto* rateAxis = new QValueAxis;
    rateChart->addAxis(rateAxis, Qt::AlignLeft);
    rateSeries->attachAxis(rateAxis);
    rateChart->legend()->hide();
    QChart* oldRates = m_rates->chart();
    m_rates->setChart(rateChart);
    delete oldRates;
}

} // namespace secondline::desk
