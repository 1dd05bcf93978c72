#pragma once
// The training sandbox (training stores only): exercise packs of synthetic documents with planted
// problems. A trainee opens a pack (the trainer gives its number to the class), reads each document, keeps
// the values, ticks the problems found and submits; the score (fields right, problems caught, false alarms,
// time) is kept in the training store. Trainers see the class report and may export it as CSV; nothing else
// leaves a training store.

#include "desk_context.h"

#include <exercises.h>
#include <secondline/capture/mrz_reader.h>

#include <QElapsedTimer>
#include <QWidget>

#include <map>
#include <optional>

class QCheckBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace secondline::desk {

class ReviewPanel;

class TrainerScreen : public QWidget {
    Q_OBJECT
public:
    explicit TrainerScreen(DeskContext& context, QWidget* parent = nullptr);

    /// Opens pack `number` of `count` exercises and shows the first.
    void openPack(std::uint64_t number, int count);
    /// Shows exercise `index` (0-based): renders its document off the UI thread (exerciseShown() follows).
    void showExercise(int index);
    /// Reads the shown document's MRZ off the UI thread (exerciseRead() follows).
    void readDocument();
    /// Ticks (or unticks) a problem the trainee reports.
    void reportProblem(app::Problem problem, bool found);
    /// Scores the answer, keeps it in the store and shows the score. False when it could not be kept.
    bool submit();
    void refreshClassReport();
    /// Writes the class report as CSV (trainers). Errors in the status line.
    bool exportClassReport(const QString& path);

    // For tests and screenshots.
    [[nodiscard]] ReviewPanel* review() const { return m_review; }
    [[nodiscard]] QLabel* scoreLabel() const { return m_score; }
    [[nodiscard]] QTableWidget* classTable() const { return m_class; }
    [[nodiscard]] const app::ExercisePack* pack() const { return m_pack ? &*m_pack : nullptr; }
    [[nodiscard]] int currentExercise() const { return m_current; }
    [[nodiscard]] QLabel* documentView() const { return m_document; }

signals:
    void exerciseShown(bool ok);
    void exerciseRead(bool ok);

private:
    DeskContext& m_ctx;
    std::optional<app::ExercisePack> m_pack;
    int m_current = -1;
    int m_wanted = -1; ///< an exercise asked for while the desk was busy
    bool m_submitted = false;
    std::shared_ptr<capture::Image> m_image;
    std::unique_ptr<capture::MrzReader> m_reader; // created and used by background work only
    QElapsedTimer m_timer;
    QSpinBox* m_packNumber = nullptr;
    QSpinBox* m_count = nullptr;
    QListWidget* m_exercises = nullptr;
    QLabel* m_document = nullptr;
    ReviewPanel* m_review = nullptr;
    std::map<app::Problem, QCheckBox*> m_problems;
    QPushButton* m_read = nullptr;
    QPushButton* m_submit = nullptr;
    QLabel* m_score = nullptr;
    QTableWidget* m_class = nullptr;
    QPushButton* m_export = nullptr;
};

} // namespace secondline::desk
