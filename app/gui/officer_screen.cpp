#include "officer_screen.h"

#include "gui_util.h"
#include "review_panel.h"

#include <record_images.h>
#include <secondline/capture/capture_session.h>
#include <secondline/capture/synthetic.h>
#include <secondline/core/image_header.h>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPainter>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QTableWidget>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace secondline::desk {

namespace {

std::chrono::sys_days today(const core::Clock& clock) {
    return std::chrono::floor<std::chrono::days>(clock.now());
}

/// A picture of a frame at most `width` wide, the MRZ's outline drawn where it was found.
QImage pictureOf(const capture::Image& frame, const std::array<capture::Point, 4>* corners,
                 const std::optional<capture::Box>& box, int width) {
    const QImage view(frame.pixels.data(), frame.width, frame.height, frame.width * frame.channels,
                      frame.channels == 3 ? QImage::Format_BGR888 : QImage::Format_Grayscale8);
    QImage out = view.convertToFormat(QImage::Format_RGB32); // a deep copy: the frame goes away
    QPainter painter(&out);
    painter.setPen(QPen(QColor(0, 190, 0), std::max(2, frame.width / 300)));
    if (corners && (*corners)[2].x > 0) {
        QPolygonF quad;
        for (const auto& p : *corners) quad << QPointF(p.x, p.y);
        painter.drawPolygon(quad);
    } else if (box && box->width > 0) {
        painter.drawRect(box->x, box->y, box->width, box->height);
    }
    painter.end();
    return out.width() > width ? out.scaledToWidth(width, Qt::SmoothTransformation) : out;
}

} // namespace

storage::ReferralDraft OfficerScreen::referralDraft() const {
    // The basis is typed, so a supervisor (and the bias report) tells what was seen from what was judged.
    return {.kind = storage::FlagKind::Review,
            .basis = storage::referralBasisFrom(toStd(m_referBasis->currentData().toString()))
                         .value_or(storage::ReferralBasis::Assessment),
            .reason = toStd(referralReason()),
            .referredTo = {}};
}

OfficerScreen::OfficerScreen(DeskContext& context, QWidget* parent) : QWidget(parent), m_ctx(context) {
    setObjectName("officerScreen");
    setAcceptDrops(true);
    auto* layout = new QVBoxLayout(this);
    auto* tools = new QToolBar(tr("Capture"), this);
    tools->setObjectName("captureToolbar");
    tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    layout->addWidget(tools);
    m_openImage = tools->addAction(tr("&Open image…"), this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open document image"), QString(), tr("Images (*.png *.jpg *.jpeg)"));
        if (!path.isEmpty()) captureImageFile(path);
    });
    m_openImage->setShortcut(QKeySequence::Open);
    m_openImage->setToolTip(tr("Read a document image (Ctrl+O), or drop one here"));
    if (m_ctx.session().training()) {
        m_synthetic = tools->addAction(tr("S&ynthetic passport"), this, [this] {
            captureSynthetic(static_cast<std::uint64_t>(m_ctx.clock().now().time_since_epoch().count()));
        });
        m_synthetic->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    }
    tools->addSeparator();
    m_devices = new QComboBox(tools);
    m_devices->setObjectName("devices");
    m_devices->setEditable(true); // an id can be typed: video:FILE, serial:/dev/ttyUSB0
    m_devices->setMinimumContentsLength(22);
    m_devices->setToolTip(tr("Scanner, camera or document reader"));
    tools->addWidget(m_devices);
    m_fromDevice = tools->addAction(tr("&Capture (F5)"), this, [this] { captureFromDevice(m_devices->currentText()); });
    m_fromDevice->setShortcut(QKeySequence(Qt::Key_F5));
    m_cancel = tools->addAction(tr("Cancel capture"), this, &OfficerScreen::cancelCapture);
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancel->setEnabled(false);
    tools->addSeparator();
    m_save = tools->addAction(tr("&Save (Ctrl+S)"), this, &OfficerScreen::save);
    m_save->setShortcut(QKeySequence::Save);
    auto* refer = tools->addAction(tr("&Refer (Ctrl+R)"), this, &OfficerScreen::startReferral);
    refer->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName("officerSplit");
    layout->addWidget(split, 1);

    // Left: this officer's open cases.
    auto* left = new QWidget(split);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    m_filter = new QLineEdit(left);
    m_filter->setObjectName("filter");
    m_filter->setPlaceholderText(tr("Filter records"));
    m_filter->setClearButtonEnabled(true);
    leftLayout->addWidget(m_filter);
    m_records = new QTableWidget(0, 4, left);
    m_records->setObjectName("records");
    m_records->setHorizontalHeaderLabels({tr("Record"), tr("Created (UTC)"), tr("Format"), tr("Checks")});
    m_records->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_records->setSelectionMode(QAbstractItemView::SingleSelection);
    m_records->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_records->horizontalHeader()->setStretchLastSection(true);
    m_records->verticalHeader()->hide();
    leftLayout->addWidget(m_records);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        for (int row = 0; row < m_records->rowCount(); ++row) {
            bool match = text.isEmpty();
            for (int col = 0; col < m_records->columnCount() && !match; ++col)
                match = m_records->item(row, col)->text().contains(text, Qt::CaseInsensitive);
            m_records->setRowHidden(row, !match);
        }
    });
    connect(m_records, &QTableWidget::itemSelectionChanged, this, [this] {
        if (const auto id = selectedRecord(); id && !m_ctx.busy()) showSaved(*id);
    });

    // Middle: the image, or the camera's live preview.
    auto* scroll = new QScrollArea(split);
    m_image = new QLabel(scroll);
    m_image->setObjectName("imageView");
    m_image->setAlignment(Qt::AlignCenter);
    m_image->setMinimumWidth(360);
    m_image->setText(tr("Scan (F5), open an image (Ctrl+O) or drop one here.\nA reader's swipe is taken at any time."));
    keepOffClipboard(m_image);
    scroll->setWidget(m_image);
    scroll->setWidgetResizable(true);

    // Right: review, encounter, referral, save.
    auto* rightScroll = new QScrollArea(split);
    rightScroll->setWidgetResizable(true);
    rightScroll->setFrameShape(QFrame::NoFrame);
    auto* right = new QWidget(rightScroll);
    rightScroll->setWidget(right);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    m_review = new ReviewPanel(right);
    rightLayout->addWidget(m_review, 1);
    auto* encounter = new QGroupBox(tr("Encounter"), right);
    auto* form = new QFormLayout(encounter);
    m_purpose = new QComboBox(encounter);
    m_purpose->setObjectName("purpose");
    m_outcome = new QComboBox(encounter);
    m_outcome->setObjectName("outcome");
    m_notes = new QPlainTextEdit(encounter);
    m_notes->setObjectName("notes");
    m_notes->setTabChangesFocus(true);
    m_notes->setMaximumHeight(m_notes->fontMetrics().height() * 3 + 12);
    keepOffClipboard(m_notes);
    form->addRow(tr("&Purpose"), m_purpose);
    form->addRow(tr("O&utcome"), m_outcome);
    form->addRow(tr("&Notes"), m_notes);
    rightLayout->addWidget(encounter);
    auto* referral = new QGroupBox(tr("Referral to a supervisor"), right);
    auto* referForm = new QFormLayout(referral);
    m_refer = new QCheckBox(tr("Refer this case"), referral);
    m_refer->setObjectName("refer");
    m_referBasis = new QComboBox(referral);
    m_referBasis->setObjectName("referBasis");
    m_referBasis->addItem(tr("Fact: something observed or checked"), "fact");
    m_referBasis->addItem(tr("Assessment: the officer's judgement"), "assessment");
    m_referReason = new QLineEdit(referral);
    m_referReason->setObjectName("referReason");
    m_referReason->setPlaceholderText(tr("What was seen, or what is judged, and why"));
    referForm->addRow(m_refer);
    referForm->addRow(tr("&Basis"), m_referBasis);
    referForm->addRow(tr("Re&ason"), m_referReason);
    m_referButton = new QPushButton(tr("Refer the selected record"), referral);
    m_referButton->setObjectName("referSaved");
    referForm->addRow(m_referButton);
    rightLayout->addWidget(referral);
    m_saveButton = new QPushButton(tr("Save the record"), right);
    m_saveButton->setObjectName("save");
    m_saveButton->setDefault(true);
    rightLayout->addWidget(m_saveButton);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 3);

    connect(m_saveButton, &QPushButton::clicked, this, &OfficerScreen::save);
    connect(m_referButton, &QPushButton::clicked, this, &OfficerScreen::startReferral);
    connect(m_refer, &QCheckBox::toggled, this, [this](bool on) {
        m_referBasis->setEnabled(on);
        m_referReason->setEnabled(on);
    });
    m_refer->setChecked(false);
    m_referBasis->setEnabled(false);
    m_referReason->setEnabled(false);
    connect(&m_deviceWatcher, &QFutureWatcher<std::vector<capture::DeviceInfo>>::finished, this, [this] {
        const QString typed = m_devices->currentText();
        const QString fallback = m_ctx.settings().value("devices/default").toString();
        m_devices->clear();
        for (const auto& d : m_deviceWatcher.result()) m_devices->addItem(fromStd(d.id), fromStd(d.name));
        m_devices->setCurrentText(typed.isEmpty() ? fallback : typed);
        emit devicesListed();
    });
    connect(&m_ctx, &DeskContext::busyChanged, this, &OfficerScreen::setBusy);
    connect(&m_ctx, &DeskContext::sessionStarted, this, [this] {
        loadEncounterChoices();
        refresh();
    });
    loadEncounterChoices();
    refreshDevices();
    refresh();
    setBusy(false);
}

OfficerScreen::~OfficerScreen() {
    cancelCapture();
    m_deviceWatcher.waitForFinished();
}

void OfficerScreen::loadEncounterChoices() {
    const auto& pack = m_ctx.session().policy();
    m_purpose->clear();
    for (const auto& p : pack.purposes()) {
        m_purpose->addItem(fromStd(p.name), fromStd(p.name));
        m_purpose->setItemData(m_purpose->count() - 1, fromStd(p.legalBasis), Qt::ToolTipRole);
    }
    const int preferred = m_purpose->findData(m_ctx.session().training() ? "training" : "secondary_inspection");
    if (preferred >= 0) m_purpose->setCurrentIndex(preferred);
    m_outcome->clear();
    m_outcome->addItem(tr("open (decide later)"), "open");
    for (const auto& r : pack.retentionRules())
        if (r.outcome != "open") m_outcome->addItem(fromStd(r.outcome), fromStd(r.outcome));
}

void OfficerScreen::setBusy(bool busy) {
    const bool idle = !busy;
    m_openImage->setEnabled(idle);
    if (m_synthetic) m_synthetic->setEnabled(idle);
    m_fromDevice->setEnabled(idle);
    m_cancel->setEnabled(busy && m_capturing);
    m_save->setEnabled(idle);
    m_saveButton->setEnabled(idle);
    m_referButton->setEnabled(idle);
    m_records->setEnabled(idle);
}

void OfficerScreen::refresh(std::optional<core::RecordId> select) {
    if (m_ctx.busy()) return;
    auto list = m_ctx.session().listRecords();
    m_records->setRowCount(0);
    if (!list) {
        m_ctx.reportError(list.error());
        return;
    }
    const QSignalBlocker block(m_records);
    for (const auto& r : *list) {
        const int row = m_records->rowCount();
        m_records->insertRow(row);
        auto* id = new QTableWidgetItem(QString::number(r.id.value()));
        id->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(r.id.value()));
        m_records->setItem(row, 0, id);
        m_records->setItem(row, 1, new QTableWidgetItem(fromStd(core::formatUtc(r.created))));
        m_records->setItem(row, 2, new QTableWidgetItem(fromStd(r.format)));
        m_records->setItem(row, 3, new QTableWidgetItem(r.valid ? tr("pass") : tr("FAIL")));
        if (select && *select == r.id) m_records->selectRow(row);
    }
}

std::optional<core::RecordId> OfficerScreen::selectedRecord() const {
    const auto rows = m_records->selectionModel()->selectedRows();
    if (rows.isEmpty()) return std::nullopt;
    return core::RecordId{m_records->item(rows.first().row(), 0)->data(Qt::UserRole).toLongLong()};
}

void OfficerScreen::showSaved(core::RecordId id) {
    if (m_pending) return; // a reading under review stays until it is saved or replaced
    auto rec = m_ctx.session().getRecord(id);
    if (!rec) {
        m_ctx.reportError(rec.error());
        return;
    }
    m_review->showRecord(*rec);
    m_image->setPixmap(QPixmap());
    m_image->setText(tr("Record %1 (saved)").arg(id.value()));
    if (auto images = m_ctx.session().images(id); images && !images->empty()) {
        // Checked by its header before Qt decodes it, as every image from outside is (the store checks it too).
        const auto& encoded = images->front().data;
        QImage picture;
        if (core::checkImageHeader(encoded) && picture.loadFromData(encoded.data(), static_cast<int>(encoded.size())))
            m_image->setPixmap(QPixmap::fromImage(picture.scaledToWidth(std::min(picture.width(), 520))));
    }
}

void OfficerScreen::showImage(const capture::Image& image, const capture::MrzReading* reading) {
    if (image.empty()) {
        m_image->setPixmap(QPixmap());
        m_image->setText(tr("Read from a document reader (no image)"));
        return;
    }
    std::optional<capture::Box> box;
    if (reading) box = reading->zone;
    m_image->setPixmap(QPixmap::fromImage(pictureOf(image, reading ? &reading->zoneCorners : nullptr, box, 640)));
}

void OfficerScreen::startCapture(const QString& what, std::function<Outcome(capture::MrzReader&)> read) {
    auto result = std::make_shared<Outcome>();
    m_capturing = true;
    const bool started = m_ctx.runInBackground(
        what,
        [this, read, result](client::Session&) {
            if (!m_reader) {
                auto reader = capture::MrzReader::create();
                if (!reader) {
                    result->error = reader.error();
                    return;
                }
                m_reader = std::make_unique<capture::MrzReader>(std::move(*reader));
                // Without the face detector records are still stored, without their images.
                if (auto imager = capture::DocumentImager::create(); imager)
                    m_imager = std::make_unique<capture::DocumentImager>(std::move(*imager));
            }
            *result = read(*m_reader);
        },
        [this, result] {
            m_capturing = false;
            onCaptured(std::move(*result));
        });
    if (!started) {
        m_capturing = false;
        m_ctx.setStatus(tr("Still busy: present the document again when the last step is done"));
        emit captureFinished(false);
    }
    m_cancel->setEnabled(started);
}

void OfficerScreen::onCaptured(Outcome outcome) {
    m_cancel->setEnabled(false);
    if (!outcome.capture) {
        m_ctx.setStatus(outcome.error ? plainError(*outcome.error) : tr("Nothing was captured"));
        emit captureFinished(false);
        return;
    }
    m_pending = std::move(outcome.capture);
    m_records->clearSelection();
    showImage(m_pending->image, &m_pending->reading);
    m_review->showDocument(*m_pending->reading.document, true);
    m_refer->setChecked(false);
    m_referReason->clear();
    m_notes->clear();
    m_outcome->setCurrentIndex(0);
    const bool valid = m_pending->reading.document->valid();
    QString status = valid ? tr("Read: every check passes. Review, then save (Ctrl+S).")
                           : tr("Read, with problems: see the findings. Correct or refer, then save (Ctrl+S).");
    if (outcome.error) status += QStringLiteral(" ") + tr("Device: %1").arg(plainError(*outcome.error));
    m_ctx.setStatus(status);
    if (!m_review->focusFirstAttention()) m_saveButton->setFocus();
    emit captureFinished(true);
}

void OfficerScreen::captureImageFile(const QString& path) {
    const std::string file = toStd(path);
    const auto date = today(m_ctx.clock());
    startCapture(tr("Reading the image…"), [file, date](capture::MrzReader& reader) -> Outcome {
        auto image = capture::loadImage(file);
        if (!image) return {std::nullopt, image.error()};
        auto reading = reader.read(*image, {.inspectionDate = date});
        if (!reading.found) return {std::nullopt, reading.error};
        return {PendingCapture{std::move(reading), std::move(*image), "file"}, std::nullopt};
    });
}

void OfficerScreen::captureSynthetic(std::uint64_t seed) {
    if (!m_ctx.session().training()) return;
    const auto date = today(m_ctx.clock());
    startCapture(tr("Reading a synthetic passport…"), [seed, date](capture::MrzReader& reader) -> Outcome {
        auto renderer = capture::SyntheticRenderer::create();
        if (!renderer) return {std::nullopt, renderer.error()};
        auto doc = renderer->render(capture::randomFields(seed, validation::MrzFormat::TD3, date),
                                    {.dpi = 300, .onPage = true, .seed = seed});
        if (!doc) return {std::nullopt, doc.error()};
        auto reading = reader.read(doc->image, {.inspectionDate = date});
        if (!reading.found) return {std::nullopt, reading.error};
        return {PendingCapture{std::move(reading), std::move(doc->image), "synthetic"}, std::nullopt};
    });
}

void OfficerScreen::captureText(const QString& mrz) {
    const std::string text = toStd(mrz);
    const auto date = today(m_ctx.clock());
    startCapture(tr("Reading the document reader's text…"), [text, date](capture::MrzReader&) -> Outcome {
        auto reading = capture::readingFromText(text, {.inspectionDate = date});
        if (!reading.found) return {std::nullopt, reading.error};
        return {PendingCapture{std::move(reading), capture::Image{}, "reader"}, std::nullopt};
    });
}

void OfficerScreen::captureFromDevice(const QString& deviceId) {
    const std::string id = toStd(deviceId.trimmed());
    if (id.empty()) {
        m_ctx.setStatus(tr("Choose a device first (Administration keeps a default)"));
        emit captureFinished(false);
        return;
    }
    const auto date = today(m_ctx.clock());
    const int resolution = m_ctx.settings().value("devices/resolution", 0).toInt();
    startCapture(tr("Capturing…"), [this, id, date, resolution](capture::MrzReader& reader) -> Outcome {
        capture::SourceOptions options;
        if (resolution > 0) options.scanner.resolution = resolution;
        auto source = capture::openSource(id, options);
        if (!source) return {std::nullopt, source.error()};
        {
            const std::lock_guard lock(m_sourceMutex);
            m_activeSource = source->get();
        }
        capture::SessionOptions session;
        session.read = {.inspectionDate = date, .tryRotate = true};
        session.onFrame = [this](const capture::Image& frame, const std::optional<capture::Box>& zone,
                                 const capture::FrameQuality&) {
            const QImage picture = pictureOf(frame, nullptr, zone, 480);
            QMetaObject::invokeMethod(
                this, [this, picture] { m_image->setPixmap(QPixmap::fromImage(picture)); }, Qt::QueuedConnection);
        };
        auto result = capture::captureMrz(**source, reader, session);
        const auto kind = (*source)->info().kind;
        {
            const std::lock_guard lock(m_sourceMutex);
            m_activeSource = nullptr;
        }
        if (!result.reading.found) return {std::nullopt, result.error ? result.error : result.reading.error};
        return {PendingCapture{std::move(result.reading), std::move(result.image), app::recordSourceName(kind)},
                result.error};
    });
}

void OfficerScreen::cancelCapture() {
    const std::lock_guard lock(m_sourceMutex);
    if (m_activeSource) m_activeSource->cancel();
}

void OfficerScreen::refreshDevices() {
    // Device discovery can take seconds (SANE probes USB and the network): never on the UI thread. It does
    // not touch the store, so it runs beside any other work.
    if (m_deviceWatcher.isRunning()) return;
    m_deviceWatcher.setFuture(QtConcurrent::run(&m_pool, [] { return capture::listDevices(); }));
}

QString OfficerScreen::referralReason() const {
    return m_referReason->text().trimmed();
}

void OfficerScreen::startReferral() {
    m_refer->setChecked(true);
    m_referReason->setFocus();
    if (!m_pending) {
        // A saved record: refer it now, if the reason is already there.
        const auto id = selectedRecord();
        if (!id || referralReason().isEmpty()) {
            m_ctx.setStatus(id ? tr("Type the reason for the referral, then refer again (Ctrl+R)")
                               : tr("Select a record, or capture a document, to refer"));
            return;
        }
        auto flag = m_ctx.session().raiseFlag(*id, referralDraft());
        if (!flag) {
            m_ctx.reportError(flag.error());
            return;
        }
        m_refer->setChecked(false);
        m_referReason->clear();
        m_ctx.setStatus(tr("Record %1 referred to a supervisor").arg(id->value()));
    }
}

void OfficerScreen::save() {
    if (!m_pending || !m_pending->reading.document) {
        m_ctx.setStatus(tr("Nothing to save: capture a document first"));
        emit saveFailed();
        return;
    }
    m_review->commitEdits();
    if (const auto problem = m_review->problem()) {
        m_ctx.setStatus(*problem);
        if (problem->contains(tr("reason"))) m_review->reasonField()->setFocus();
        emit saveFailed();
        return;
    }
    if (m_refer->isChecked() && referralReason().isEmpty()) {
        m_ctx.setStatus(tr("Type the reason for the referral, or untick it"));
        m_referReason->setFocus();
        emit saveFailed();
        return;
    }
    struct Result {
        std::optional<core::RecordId> id;
        std::optional<core::Error> error;
    };
    auto result = std::make_shared<Result>();
    auto pending = std::make_shared<PendingCapture>(*m_pending);
    auto draft = std::make_shared<storage::EncounterDraft>();
    draft->encounter.source = pending->source;
    draft->encounter.purpose = toStd(m_purpose->currentData().toString());
    draft->encounter.notes = toStd(m_notes->toPlainText().trimmed());
    draft->encounter.desk = toStd(m_ctx.settings().value("desk/id").toString());
    draft->encounter.location = toStd(m_ctx.settings().value("desk/location").toString());
    for (const auto& e : m_review->edits()) draft->corrections.push_back({e.field, e.value});
    draft->correctionReason = toStd(m_review->changeReason());
    if (m_refer->isChecked()) draft->referral = referralDraft();
    draft->outcome = toStd(m_outcome->currentData().toString());
    const std::string outcome = draft->outcome;
    const bool refer = draft->referral.has_value();
    const bool started = m_ctx.runInBackground(
        tr("Saving…"),
        [this, result, pending, draft](client::Session& session) {
            // The images are cut out and encoded here, off the UI thread, then saved with everything else
            // in one transaction: the whole case is stored, or nothing is.
            draft->document = *pending->reading.document;
            draft->images =
                app::recordImages(session, draft->encounter.purpose, m_imager.get(), pending->image, pending->reading);
            auto saved = session.save(*draft);
            if (!saved) {
                result->error = saved.error();
                return;
            }
            result->id = saved->recordId;
        },
        [this, result, outcome, refer] {
            if (!result->id) {
                if (result->error) m_ctx.reportError(*result->error);
                emit saveFailed();
                return;
            }
            m_pending.reset();
            m_review->clear();
            m_refer->setChecked(false);
            m_referReason->clear();
            m_notes->clear();
            m_image->setPixmap(QPixmap());
            m_image->setText(tr("Saved. Next document: F5 or Ctrl+O."));
            QString status = tr("Saved record %1").arg(result->id->value());
            if (refer) status += tr(", referred to a supervisor");
            if (outcome != "open") status += tr(", encounter closed as %1").arg(fromStd(outcome));
            m_ctx.setStatus(status);
            refresh(result->id);
            emit saved(result->id->value());
        });
    if (!started) {
        m_ctx.setStatus(tr("Still busy: save again when the last step is done"));
        emit saveFailed();
    }
}

void OfficerScreen::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() && !event->mimeData()->urls().isEmpty() &&
        event->mimeData()->urls().first().isLocalFile())
        event->acceptProposedAction();
}

void OfficerScreen::dropEvent(QDropEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile()) return;
    event->acceptProposedAction();
    captureImageFile(urls.first().toLocalFile());
}

} // namespace secondline::desk
