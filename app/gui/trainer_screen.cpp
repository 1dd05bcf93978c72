#include "trainer_screen.h"

#include "gui_util.h"
#include "review_panel.h"

#include <secondline/capture/synthetic.h>

#include <QCheckBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QPushButton>
#include <QScrollArea>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace secondline::desk {

namespace {

std::chrono::sys_days today(const core::Clock& clock) {
    return std::chrono::floor<std::chrono::days>(clock.now());
}

QImage pictureOf(const capture::Image& image, int width) {
    const QImage view(image.pixels.data(), image.width, image.height, image.width * image.channels,
                      image.channels == 3 ? QImage::Format_BGR888 : QImage::Format_Grayscale8);
    return view.scaledToWidth(std::min(width, image.width), Qt::SmoothTransformation); // a copy
}

} // namespace

TrainerScreen::TrainerScreen(DeskContext& context, QWidget* parent) : QWidget(parent), m_ctx(context) {
    setObjectName("trainerScreen");
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_packNumber = new QSpinBox(this);
    m_packNumber->setObjectName("packNumber");
    m_packNumber->setRange(1, 999999);
    m_packNumber->setValue(1);
    m_count = new QSpinBox(this);
    m_count->setObjectName("packSize");
    m_count->setRange(1, 50);
    m_count->setValue(8);
    auto* open = new QPushButton(tr("&Start pack"), this);
    open->setObjectName("startPack");
    auto* packLabel = new QLabel(tr("Exercise &pack number:"), this);
    packLabel->setBuddy(m_packNumber);
    top->addWidget(packLabel);
    top->addWidget(m_packNumber);
    top->addWidget(new QLabel(tr("documents:"), this));
    top->addWidget(m_count);
    top->addWidget(open);
    top->addStretch();
    layout->addLayout(top);

    auto* split = new QSplitter(Qt::Horizontal, this);
    m_exercises = new QListWidget(split);
    m_exercises->setObjectName("exercises");
    auto* scroll = new QScrollArea(split);
    m_document = new QLabel(scroll);
    m_document->setObjectName("exerciseDocument");
    m_document->setAlignment(Qt::AlignCenter);
    m_document->setText(tr("Start a pack: the trainer gives its number."));
    scroll->setWidget(m_document);
    scroll->setWidgetResizable(true);
    auto* rightScroll = new QScrollArea(split);
    rightScroll->setWidgetResizable(true);
    rightScroll->setFrameShape(QFrame::NoFrame);
    auto* right = new QWidget(rightScroll);
    rightScroll->setWidget(right);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    m_read = new QPushButton(tr("Read the &MRZ"), right);
    m_read->setObjectName("readExercise");
    rightLayout->addWidget(m_read);
    m_review = new ReviewPanel(right);
    rightLayout->addWidget(m_review, 1);
    auto* problems = new QGroupBox(tr("Problems you found"), right);
    auto* problemLayout = new QVBoxLayout(problems);
    for (app::Problem p : app::kPlantedProblems) {
        auto* box = new QCheckBox(tr(app::problemLabel(p).data()), problems);
        box->setObjectName(QStringLiteral("problem_%1").arg(fromStd(std::string(app::problemName(p)))));
        problemLayout->addWidget(box);
        m_problems[p] = box;
    }
    rightLayout->addWidget(problems);
    m_submit = new QPushButton(tr("S&ubmit answer (Ctrl+Enter)"), right);
    m_submit->setObjectName("submitExercise");
    m_submit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    rightLayout->addWidget(m_submit);
    m_score = new QLabel(right);
    m_score->setObjectName("score");
    m_score->setWordWrap(true);
    rightLayout->addWidget(m_score);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 3);
    layout->addWidget(split, 3);

    auto* report = new QGroupBox(tr("Class report"), this);
    report->setObjectName("classReport");
    auto* reportLayout = new QVBoxLayout(report);
    m_class = new QTableWidget(0, 6, report);
    m_class->setObjectName("classTable");
    m_class->setHorizontalHeaderLabels({tr("Trainee"), tr("Exercises"), tr("Fields right"), tr("Problems caught"),
                                        tr("False alarms"), tr("Mean time (s)")});
    m_class->verticalHeader()->hide();
    m_class->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_class->horizontalHeader()->setStretchLastSection(true);
    reportLayout->addWidget(m_class);
    auto* buttons = new QHBoxLayout;
    auto* reload = new QPushButton(tr("Re&load"), report);
    m_export = new QPushButton(tr("&Export class report (CSV)…"), report);
    m_export->setObjectName("exportClass");
    buttons->addStretch();
    buttons->addWidget(reload);
    buttons->addWidget(m_export);
    reportLayout->addLayout(buttons);
    layout->addWidget(report, 1);
    // Trainees see their own scores; the class report is the trainer's (whoever may read every record).
    report->setVisible(m_ctx.may(privacy::Action::ReadAnyRecord));

    connect(open, &QPushButton::clicked, this,
            [this] { openPack(static_cast<std::uint64_t>(m_packNumber->value()), m_count->value()); });
    connect(m_exercises, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row != m_current) showExercise(row);
    });
    connect(m_read, &QPushButton::clicked, this, &TrainerScreen::readDocument);
    connect(m_submit, &QPushButton::clicked, this, &TrainerScreen::submit);
    connect(reload, &QPushButton::clicked, this, &TrainerScreen::refreshClassReport);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export class report"),
                                                          QStringLiteral("class-report.csv"), tr("CSV files (*.csv)"));
        if (!path.isEmpty()) exportClassReport(path);
    });
    connect(&m_ctx, &DeskContext::busyChanged, this, [this](bool busy) {
        m_read->setEnabled(!busy && m_image != nullptr);
        m_submit->setEnabled(!busy && m_current >= 0);
        if (!busy && m_wanted >= 0) QTimer::singleShot(0, this, [this] { showExercise(m_wanted); });
    });
    m_read->setEnabled(false);
    m_submit->setEnabled(false);
    refreshClassReport();
}

void TrainerScreen::openPack(std::uint64_t number, int count) {
    m_pack = app::makeExercisePack(number, count, today(m_ctx.clock()));
    m_packNumber->setValue(static_cast<int>(number));
    m_count->setValue(count);
    m_current = -1;
    const QSignalBlocker block(m_exercises);
    m_exercises->clear();
    for (const auto& e : m_pack->exercises) m_exercises->addItem(tr("Document %1").arg(e.number));
    m_ctx.setStatus(tr("Pack %1: %2 documents").arg(number).arg(count));
    showExercise(0);
}

void TrainerScreen::showExercise(int index) {
    if (!m_pack || index < 0 || index >= static_cast<int>(m_pack->exercises.size())) return;
    if (m_ctx.busy()) {
        // The last document is still being drawn or read: this one follows as soon as that is done.
        m_wanted = index;
        m_current = index; // what the work in hand finishes is no longer shown
        return;
    }
    m_wanted = -1;
    m_current = index;
    m_submitted = false;
    m_image.reset();
    m_review->clear();
    m_score->clear();
    for (auto& [_, box] : m_problems) box->setChecked(false);
    {
        const QSignalBlocker block(m_exercises);
        m_exercises->setCurrentRow(index);
    }
    m_document->setText(tr("Drawing the document…"));
    const app::Exercise exercise = m_pack->exercises[static_cast<std::size_t>(index)];
    auto image = std::make_shared<capture::Image>();
    auto error = std::make_shared<std::optional<core::Error>>();
    const bool started = m_ctx.runInBackground(
        tr("Drawing the document…"),
        [exercise, image, error](client::Session&) {
            auto renderer = capture::SyntheticRenderer::create();
            if (!renderer) {
                *error = renderer.error();
                return;
            }
            auto doc = renderer->render(exercise.fields, exercise.render);
            if (!doc) {
                *error = doc.error();
                return;
            }
            *image = std::move(doc->image);
        },
        [this, image, error, index] {
            if (index != m_current) return;
            if (*error) {
                m_ctx.reportError(**error);
                emit exerciseShown(false);
                return;
            }
            m_image = image;
            m_document->setPixmap(QPixmap::fromImage(pictureOf(*image, 620)));
            m_read->setEnabled(true);
            m_submit->setEnabled(true);
            m_timer.start();
            m_ctx.setStatus(
                tr("Document %1: read it, check it, tick the problems, submit (Ctrl+Enter)").arg(index + 1));
            emit exerciseShown(true);
        });
    if (!started) emit exerciseShown(false);
}

void TrainerScreen::readDocument() {
    if (!m_image) return;
    auto image = m_image;
    auto reading = std::make_shared<capture::MrzReading>();
    auto error = std::make_shared<std::optional<core::Error>>();
    const auto date = today(m_ctx.clock());
    const int index = m_current;
    const bool started = m_ctx.runInBackground(
        tr("Reading the MRZ…"),
        [this, image, reading, error, date](client::Session&) {
            if (!m_reader) {
                auto reader = capture::MrzReader::create();
                if (!reader) {
                    *error = reader.error();
                    return;
                }
                m_reader = std::make_unique<capture::MrzReader>(std::move(*reader));
            }
            *reading = m_reader->read(*image, {.inspectionDate = date});
        },
        [this, reading, error, index] {
            if (index != m_current) return;
            if (*error) {
                m_ctx.reportError(**error);
                emit exerciseRead(false);
                return;
            }
            if (!reading->found) {
                m_ctx.setStatus(tr("No MRZ could be read (%1). If the document has none, say so below.")
                                    .arg(fromStd(std::string(capture::readFailureName(
                                        reading->reason.value_or(capture::ReadFailure::Unreadable))))));
                emit exerciseRead(false);
                return;
            }
            m_review->showDocument(*reading->document, true);
            m_ctx.setStatus(tr("Check every value against the document; correct what was misread"));
            emit exerciseRead(true);
        });
    if (!started) emit exerciseRead(false);
}

void TrainerScreen::reportProblem(app::Problem problem, bool found) {
    if (const auto it = m_problems.find(problem); it != m_problems.end()) it->second->setChecked(found);
}

bool TrainerScreen::submit() {
    if (!m_pack || m_current < 0) return false;
    if (m_submitted) {
        m_ctx.setStatus(tr("This document is done: go on to the next one"));
        return false;
    }
    const auto& exercise = m_pack->exercises[static_cast<std::size_t>(m_current)];
    m_review->commitEdits();
    app::ExerciseAnswer answer;
    answer.fields = m_review->values();
    for (const auto& [problem, box] : m_problems)
        if (box->isChecked()) answer.reported.insert(problem);
    answer.seconds = static_cast<double>(m_timer.elapsed()) / 1000.0;
    const auto result = app::scoreAnswer(*m_pack, exercise, answer, today(m_ctx.clock()));
    auto kept = m_ctx.session().addExercise(result);
    if (!kept) {
        m_ctx.reportError(kept.error());
        return false;
    }
    m_submitted = true;
    QString text = tr("Fields right: %1 of %2. ").arg(result.fieldsRight).arg(result.fieldsTotal);
    if (result.problemsPlanted > 0)
        text += result.problemsCaught > 0
                    ? tr("Problem caught: %1. ").arg(tr(app::problemLabel(exercise.problem).data()))
                    : tr("Problem missed: %1. ").arg(tr(app::problemLabel(exercise.problem).data()));
    else
        text += tr("This document had no planted problem. ");
    if (result.falseAlarms > 0) text += tr("False alarms: %1. ").arg(result.falseAlarms);
    text += tr("Time: %1 s.").arg(result.seconds, 0, 'f', 0);
    m_score->setText(text);
    if (auto* item = m_exercises->item(m_current)) item->setText(item->text() + QStringLiteral("  ✓"));
    refreshClassReport();
    return true;
}

void TrainerScreen::refreshClassReport() {
    if (!m_ctx.may(privacy::Action::ReadAnyRecord) || m_ctx.busy()) return;
    auto results = m_ctx.session().exercises();
    if (!results) {
        m_ctx.reportError(results.error());
        return;
    }
    const auto rows = app::classReport(*results);
    m_class->setRowCount(0);
    for (const auto& r : rows) {
        const int row = m_class->rowCount();
        m_class->insertRow(row);
        m_class->setItem(row, 0, new QTableWidgetItem(fromStd(r.trainee)));
        m_class->setItem(row, 1, new QTableWidgetItem(QString::number(r.exercises)));
        m_class->setItem(row, 2, new QTableWidgetItem(QStringLiteral("%1 / %2").arg(r.fieldsRight).arg(r.fieldsTotal)));
        m_class->setItem(row, 3,
                         new QTableWidgetItem(QStringLiteral("%1 / %2").arg(r.problemsCaught).arg(r.problemsPlanted)));
        m_class->setItem(row, 4, new QTableWidgetItem(QString::number(r.falseAlarms)));
        m_class->setItem(row, 5, new QTableWidgetItem(QString::number(r.meanSeconds, 'f', 1)));
    }
}

bool TrainerScreen::exportClassReport(const QString& path) {
    if (!m_ctx.may(privacy::Action::ReadAnyRecord)) return false;
    auto results = m_ctx.session().exercises();
    if (!results) {
        m_ctx.reportError(results.error());
        return false;
    }
    const std::string csv = app::classReportCsv(app::classReport(*results));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(csv.data(), static_cast<qint64>(csv.size())) != static_cast<qint64>(csv.size()) || !file.commit()) {
        m_ctx.setStatus(tr("The class report could not be written (%1)").arg(file.errorString()));
        return false;
    }
    m_ctx.setStatus(tr("Class report written"));
    return true;
}

} // namespace secondline::desk
