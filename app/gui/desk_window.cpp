#include "desk_window.h"

#include "wedge_filter.h"

#include <secondline/capture/capture_session.h>
#include <secondline/capture/synthetic.h>

#include <record_images.h>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QImage>
#include <QLineEdit>
#include <QPainter>
#include <QPixmap>
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

/// A preview picture of a camera frame, at most `width` wide, with the MRZ's box drawn where it was found.
QImage previewImage(const capture::Image& frame, const std::optional<capture::Box>& zone, int width) {
    const QImage view(frame.pixels.data(), frame.width, frame.height, frame.width * frame.channels,
                      frame.channels == 3 ? QImage::Format_BGR888 : QImage::Format_Grayscale8);
    QImage out = view.convertToFormat(QImage::Format_RGB32); // a deep copy: the frame goes away
    if (zone && zone->width > 0) {
        QPainter painter(&out);
        painter.setPen(QPen(QColor(0, 200, 0), std::max(2, frame.width / 300)));
        painter.drawRect(zone->x, zone->y, zone->width, zone->height);
    }
    return out.width() > width ? out.scaledToWidth(width, Qt::SmoothTransformation) : out;
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
    m_preview = new QLabel(split);
    m_preview->setObjectName("preview");
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setMinimumWidth(320);
    m_preview->hide(); // shown while a camera delivers frames
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
    tools->addSeparator();
    m_devices = new QComboBox(tools);
    m_devices->setObjectName("devices");
    m_devices->setEditable(true); // a device id can be typed, e.g. video:FILE or serial:/dev/ttyUSB0
    m_devices->setMinimumContentsLength(24);
    m_devices->setToolTip(tr("Scanner, camera or document reader"));
    tools->addWidget(m_devices);
    m_fromDevice =
        tools->addAction(tr("&Capture from device"), this, [this] { captureFromDevice(m_devices->currentText()); });
    m_fromDevice->setShortcut(QKeySequence(Qt::Key_F5));
    m_cancel = tools->addAction(tr("Cancel capture"), this, &DeskWindow::cancelCapture);
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancel->setEnabled(false);
    tools->addSeparator();
    m_filter = new QLineEdit(tools);
    m_filter->setObjectName("filter");
    m_filter->setPlaceholderText(tr("Filter records"));
    m_filter->setClearButtonEnabled(true);
    tools->addWidget(m_filter);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        for (int row = 0; row < m_records->rowCount(); ++row) {
            bool match = text.isEmpty();
            for (int col = 0; col < m_records->columnCount() && !match; ++col)
                match = m_records->item(row, col)->text().contains(text, Qt::CaseInsensitive);
            m_records->setRowHidden(row, !match);
        }
    });
    connect(&m_deviceWatcher, &QFutureWatcher<std::vector<capture::DeviceInfo>>::finished, this, [this] {
        const QString typed = m_devices->currentText();
        m_devices->clear();
        for (const auto& d : m_deviceWatcher.result()) m_devices->addItem(fromStd(d.id), fromStd(d.name));
        if (!typed.isEmpty()) m_devices->setCurrentText(typed);
        emit devicesListed();
    });
    refreshDevices();
    // A document reader typing into the window (keyboard wedge) is recognised and stored like any capture.
    m_wedge = new WedgeFilter(this);
    qApp->installEventFilter(m_wedge);
    connect(m_wedge, &WedgeFilter::mrzTyped, this, &DeskWindow::captureText);

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
    qApp->removeEventFilter(m_wedge);
    cancelCapture();
    m_deviceWatcher.waitForFinished();
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
    if (busy()) {
        m_status->setText(tr("Still busy with the last capture: present the document again when it is done"));
        return;
    }
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
    m_fromDevice->setEnabled(false);
    m_cancel->setEnabled(true);
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
    m_fromDevice->setEnabled(true);
    m_cancel->setEnabled(false);
    if (m_synthetic) m_synthetic->setEnabled(true);
    m_records->setEnabled(true);
    if (!outcome.recordId) {
        m_status->setText(outcome.error ? plainError(*outcome.error) : tr("Nothing was captured"));
        emit captureFinished(false);
        return;
    }
    if (outcome.error)
        m_status->setText(tr("Stored record %1 (then: %2)").arg(*outcome.recordId).arg(plainError(*outcome.error)));
    else
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

void DeskWindow::refreshDevices() {
    if (m_deviceWatcher.isRunning()) return;
    m_deviceWatcher.setFuture(QtConcurrent::run([] { return capture::listDevices(); }));
}

void DeskWindow::cancelCapture() {
    const std::lock_guard lock(m_sourceMutex);
    if (m_activeSource) m_activeSource->cancel();
}

void DeskWindow::captureText(const QString& mrz) {
    const std::string text = mrz.toStdString();
    const auto date = today(m_clock);
    startCapture([text, date](storage::Store& store, capture::MrzReader&) -> CaptureOutcome {
        const auto reading = capture::readingFromText(text, {.inspectionDate = date});
        if (!reading.found) return {std::nullopt, reading.error};
        auto id = store.addRecord(*reading.document, {.source = "reader"});
        if (!id) return {std::nullopt, id.error()};
        return {*id, std::nullopt};
    });
}

void DeskWindow::captureFromDevice(const QString& deviceId) {
    const std::string id = deviceId.trimmed().toStdString();
    if (id.empty()) {
        m_status->setText(tr("Choose a device first"));
        emit captureFinished(false);
        return;
    }
    const auto date = today(m_clock);
    m_preview->clear();
    startCapture([this, id, date](storage::Store& store, capture::MrzReader& reader) -> CaptureOutcome {
        auto source = capture::openSource(id, {});
        if (!source) return {std::nullopt, source.error()};
        {
            const std::lock_guard lock(m_sourceMutex);
            m_activeSource = source->get();
        }
        capture::SessionOptions session;
        session.read = {.inspectionDate = date, .tryRotate = true};
        session.onFrame = [this](const capture::Image& frame, const std::optional<capture::Box>& zone,
                                 const capture::FrameQuality&) {
            const QImage picture = previewImage(frame, zone, 480);
            QMetaObject::invokeMethod(
                this,
                [this, picture] {
                    m_preview->setPixmap(QPixmap::fromImage(picture));
                    m_preview->show();
                },
                Qt::QueuedConnection);
        };
        auto result = capture::captureMrz(**source, reader, session);
        const auto kind = (*source)->info().kind;
        {
            const std::lock_guard lock(m_sourceMutex);
            m_activeSource = nullptr;
        }
        if (!result.reading.found) return {std::nullopt, result.error ? result.error : result.reading.error};
        auto rec = store.addRecord(*result.reading.document, {.source = app::recordSourceName(kind)});
        if (!rec) return {std::nullopt, rec.error()};
        if (!result.image.empty())
            (void)app::storeRecordImages(store, m_imager.get(), result.image, result.reading, *rec);
        return {*rec, result.error};
    });
}

void DeskWindow::openImageDialog() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open document image"), QString(),
                                                      tr("Images (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.pnm)"));
    if (!path.isEmpty()) captureImageFile(path);
}

} // namespace secondline::desk
