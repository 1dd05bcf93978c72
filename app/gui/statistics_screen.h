#pragma once
// Statistics for supervisors: volumes, data quality and the bias report over a period, with Qt Charts. Every
// figure comes from the same protected report as `secondline report`: small cells are suppressed, and no
// name, number or date of birth is ever shown.

#include "desk_context.h"

#include <secondline/analysis/statistics_report.h>

#include <QWidget>

#include <optional>

class QChartView;
class QDateEdit;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace secondline::desk {

class StatisticsScreen : public QWidget {
    Q_OBJECT
public:
    explicit StatisticsScreen(DeskContext& context, QWidget* parent = nullptr);

    /// Reads and aggregates the period off the UI thread; computed() follows.
    void compute();

    // For tests and screenshots.
    [[nodiscard]] QDateEdit* fromField() const { return m_from; }
    [[nodiscard]] QDateEdit* toField() const { return m_to; }
    [[nodiscard]] QChartView* volumeChart() const { return m_volume; }
    [[nodiscard]] QChartView* rateChart() const { return m_rates; }
    [[nodiscard]] QTableWidget* biasTable() const { return m_bias; }
    [[nodiscard]] const std::optional<analysis::StatisticsReport>& report() const { return m_report; }

signals:
    void computed(bool ok);

private:
    void show(const analysis::StatisticsReport& report);

    DeskContext& m_ctx;
    std::optional<analysis::StatisticsReport> m_report;
    QDateEdit* m_from = nullptr;
    QDateEdit* m_to = nullptr;
    QLineEdit* m_desk = nullptr;
    QLabel* m_summary = nullptr;
    QChartView* m_volume = nullptr;
    QChartView* m_rates = nullptr;
    QTableWidget* m_bias = nullptr;
};

} // namespace secondline::desk
