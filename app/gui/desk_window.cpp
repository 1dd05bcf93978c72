#include "desk_window.h"

#include <secondline/capture/synthetic.h>

#include <record_images.h>

#include <QAction>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QStatusBar>
#include <QTableWidget>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace secondline::desk {

namespace {

std::chrono::sys_days today(const core::Clock& clock) {
    return std::chrono::floor<std::chrono::days>(clock.now());
}

QString fromStd(const std::string& s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString plainError(const core::Error& e) {
    return QStringLiteral("%1 (%2)").arg(fromStd(e.message), fromStd(std::string(core::errorCodeName(e.code))));
}

} // namespace

DeskWindow::DeskWindow(storage::Store store, const core::Clock& clock, QWidget* parent)
    : QMainWindow(parent), m_store(std::move(store)), m_clock(clock) {
    // No personal data in the title: it shows in task bars and window lists.
    setWindowTitle(m_store.training() ? tr("SecondLine — TRAINING") : tr("SecondLine"));
    resize(1100, 700);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    if (m_store.training()) {
        auto* banner = new QLabel(tr("TRAINING STORE — synthetic documents only — nothing here is real"), central);
        banner->setObjectName("trainingBanner");
        banner->setAlignment(Qt::AlignCenter);
        banner->setStyleSheet("background: #ffd54f; color: #000; font-weight: bold; padding: 6px;");
        layout->addWidget(banner);
    }
    auto* split = new QSplitter(Qt::Horizontal, central);
    m_records = new QTableWidget(0, 5, split);
    m_records->setObjectName("records");
    m_records->setHorizontalHeaderLabels(
        {tr("Record"), tr("Created (UTC)"), tr("Officer"), tr("Format"), tr("Checks")});
    m_records->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_records->setSelectionMode(QAbstractItemView::SingleSelection);
    m_records->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_records->horizontalHeader()->setStretchLastSection(true);
    m_records->verticalHeader()->hide();
    m_detail = new QTreeWidget(split);
    m_detail->setObjectName("detail");
    m_detail->setHeaderLabels({tr("Field"), tr("Value"), tr("Check")});
    m_detail->setRootIsDecorated(false);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    layout->addWidget(split);
    setCentralWidget(central);

    auto* tools = addToolBar(tr("Capture"));
    tools->setObjectName("captureToolbar");
    m_openImage = tools->addAction(tr("&Open image…"), this, &DeskWindow::openImageDialog);
    m_openImage->setShortcut(QKeySequence::Open);
    if (m_store.training()) {
        m_synthetic = tools->addAction(tr("&Synthetic passport"), this, [this] {
            captureSynthetic(static_cast<std::uint64_t>(m_clock.now().time_since_epoch().count()));
        });
        m_synthetic->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    }
    m_status = new QLabel(this);
    statusBar()->addWidget(m_status, 1);
    m_status->setText(tr("Signed in as %1 (%2)")
                          .arg(fromStd(m_store.userName()), fromStd(std::string(privacy::roleName(m_store.role())))));

    connect(m_records, &QTableWidget::itemSelectionChanged, this, [this] {
        const auto rows = m_records->selectionModel()->selectedRows();
        if (!rows.isEmpty()) showRecord(m_records->item(rows.first().row(), 0)->data(Qt::UserRole).toLongLong());
    });
    connect(&m_watcher, &QFutureWatcher<CaptureOutcome>::finished, this, &DeskWindow::onCaptureDone);
    refresh();
}

DeskWindow::~DeskWindow() {
    m_watcher.waitForFinished();
    m_store.close();
}

QString DeskWindow::statusText() const {
    return m_status->text();
}

bool DeskWindow::busy() const {
    return m_watcher.isRunning();
}

void DeskWindow::refresh(std::optional<std::int64_t> select) {
    auto list = m_store.records();
    m_records->setRowCount(0);
    if (!list) {
        m_status->setText(plainError(list.error()));
        return;
    }
    for (const auto& r : *list) {
        const int row = m_records->rowCount();
        m_records->insertRow(row);
        auto* id = new QTableWidgetItem(QString::number(r.id));
        id->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(r.id));
        m_records->setItem(row, 0, id);
        m_records->setItem(row, 1, new QTableWidgetItem(fromStd(core::formatUtc(r.created))));
        m_records->setItem(row, 2, new QTableWidgetItem(fromStd(r.officer)));
        m_records->setItem(row, 3, new QTableWidgetItem(fromStd(r.format)));
        m_records->setItem(row, 4, new QTableWidgetItem(r.valid ? tr("pass") : tr("FAIL")));
        if (select && *select == r.id) m_records->selectRow(row);
    }
}

void DeskWindow::showRecord(std::int64_t id) {
    m_detail->clear();
    auto rec = m_store.record(id);
    if (!rec) {
        m_status->setText(plainError(rec.error()));
        return;
    }
    const auto& doc = rec->document;
    for (const auto& f : doc.fields) {
        QString check;
        if (f.checkDigitVerified) check = tr("check digit ok");
        auto* item = new QTreeWidgetItem(m_detail, {fromStd(f.name), fromStd(f.value), check});
        item->setData(0, Qt::UserRole, fromStd(f.name));
    }
    for (const auto& c : doc.checks)
        new QTreeWidgetItem(m_detail, {tr("check: %1").arg(fromStd(c.name)), QString(),
                                       fromStd(std::string(validation::checkStatusName(c.status)))});
    for (const auto& f : doc.findings)
        new QTreeWidgetItem(m_detail, {fromStd(std::string(validation::severityName(f.severity))), fromStd(f.message),
                                       fromStd(f.code)});
    m_detail->resizeColumnToContents(0);
    m_detail->resizeColumnToContents(1);
}

void DeskWindow::startCapture(std::function<CaptureOutcome(storage::Store&, capture::MrzReader&)> read) {
    if (busy()) return;
    if (!m_reader) {
        auto reader = capture::MrzReader::create();
        if (!reader) {
            m_status->setText(plainError(reader.error()));
            emit captureFinished(false);
            return;
        }
        m_reader = std::make_unique<capture::MrzReader>(std::move(*reader));
        // Without the face detector records are still stored, without their images.
        if (auto imager = capture::DocumentImager::create(); imager)
            m_imager = std::make_unique<capture::DocumentImager>(std::move(*imager));
    }
    m_openImage->setEnabled(false);
    if (m_synthetic) m_synthetic->setEnabled(false);
    m_records->setEnabled(false); // the store belongs to the worker until it is done
    m_status->setText(tr("Reading…"));
    // The store and reader are used by the worker only while it runs; the UI touches neither until
    // onCaptureDone().
    m_watcher.setFuture(QtConcurrent::run([this, read] { return read(m_store, *m_reader); }));
}

void DeskWindow::onCaptureDone() {
    const CaptureOutcome outcome = m_watcher.result();
    m_openImage->setEnabled(true);
    if (m_synthetic) m_synthetic->setEnabled(true);
    m_records->setEnabled(true);
    if (outcome.error) {
        m_status->setText(plainError(*outcome.error));
        emit captureFinished(false);
        return;
    }
    m_status->setText(tr("Stored record %1").arg(*outcome.recordId));
    refresh(outcome.recordId);
    emit captureFinished(true);
}

void DeskWindow::captureImageFile(const QString& path) {
    const std::string file = path.toStdString();
    const auto date = today(m_clock);
    startCapture([this, file, date](storage::Store& store, capture::MrzReader& reader) -> CaptureOutcome {
        auto image = capture::loadImage(file);
        if (!image) return {std::nullopt, image.error()};
        auto reading = reader.read(*image, {.inspectionDate = date});
        if (!reading.found) return {std::nullopt, reading.error};
        auto id = store.addRecord(*reading.document, {.source = "file"});
        if (!id) return {std::nullopt, id.error()};
        (void)app::storeRecordImages(store, m_imager.get(), *image, reading, *id);
        return {*id, std::nullopt};
    });
}

void DeskWindow::captureSynthetic(std::uint64_t seed) {
    if (!m_store.training()) return;
    const auto date = today(m_clock);
    startCapture([this, seed, date](storage::Store& store, capture::MrzReader& reader) -> CaptureOutcome {
        auto renderer = capture::SyntheticRenderer::create();
        if (!renderer) return {std::nullopt, renderer.error()};
        auto doc = renderer->render(capture::randomFields(seed, validation::MrzFormat::TD3, date),
                                    {.dpi = 300, .onPage = true, .seed = seed});
        if (!doc) return {std::nullopt, doc.error()};
        auto reading = reader.read(doc->image, {.inspectionDate = date});
        if (!reading.found) return {std::nullopt, reading.error};
        auto id = store.addRecord(*reading.document, {.source = "synthetic"});
        if (!id) return {std::nullopt, id.error()};
        (void)app::storeRecordImages(store, m_imager.get(), doc->image, reading, *id);
        return {*id, std::nullopt};
    });
}

void DeskWindow::openImageDialog() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open document image"), QString(),
                                                      tr("Images (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.pnm)"));
    if (!path.isEmpty()) captureImageFile(path);
}

} // namespace secondline::desk
