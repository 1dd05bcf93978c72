#pragma once
// The officer's desk: capture (scanner, camera with live preview, document reader, keyboard wedge, file or
// drag-and-drop), review (the image with the MRZ outlined, every field with its check and confidence,
// findings in plain words, corrections with a reason, the visual zone against the MRZ), the encounter
// (purpose, outcome, notes), save, and referral to a supervisor with a typed reason. Keyboard alone: F5
// (or Ctrl+O) to capture, Tab through the review, Ctrl+S to save; Ctrl+R to refer.

#include "desk_context.h"

#include <secondline/capture/document_images.h>
#include <secondline/capture/mrz_reader.h>
#include <secondline/capture/source.h>
#include <secondline/core/ids.h>

#include <QFutureWatcher>
#include <QThreadPool>
#include <QWidget>

#include <memory>
#include <mutex>
#include <optional>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace secondline::desk {

class ReviewPanel;

/// A document read but not yet saved.
struct PendingCapture {
    capture::MrzReading reading;
    capture::Image image; ///< empty for text from a reader
    std::string source;   ///< "file", "scan", "camera", "reader", "synthetic"
};

class OfficerScreen : public QWidget {
    Q_OBJECT
public:
    explicit OfficerScreen(DeskContext& context, QWidget* parent = nullptr);
    ~OfficerScreen() override;

    /// Reads an image file (asynchronously; captureFinished() follows). Nothing is stored until save().
    void captureImageFile(const QString& path);
    /// Training stores only: renders a synthetic passport and reads it from the pixels.
    void captureSynthetic(std::uint64_t seed);
    /// Captures from a device id as devices list gives it (sane:..., camera:..., video:..., serial:...).
    void captureFromDevice(const QString& deviceId);
    /// MRZ text from a keyboard-wedge reader.
    void captureText(const QString& mrz);
    void cancelCapture();
    /// Saves the reading under review: the record as read, each correction with its reason, the encounter's
    /// outcome and the referral if asked for (asynchronously; saved() or saveFailed() follows).
    void save();
    /// Asks for a referral at save (or refers the selected saved record) and puts the keyboard on the reason.
    void startReferral();
    /// Reloads this user's records.
    void refresh(std::optional<core::RecordId> select = std::nullopt);
    void refreshDevices();

    // For tests and screenshots.
    [[nodiscard]] ReviewPanel* review() const { return m_review; }
    [[nodiscard]] QTableWidget* recordTable() const { return m_records; }
    [[nodiscard]] QComboBox* deviceBox() const { return m_devices; }
    [[nodiscard]] QLabel* imageView() const { return m_image; }
    [[nodiscard]] QComboBox* purposeBox() const { return m_purpose; }
    [[nodiscard]] QComboBox* outcomeBox() const { return m_outcome; }
    [[nodiscard]] QPlainTextEdit* notesField() const { return m_notes; }
    [[nodiscard]] QCheckBox* referBox() const { return m_refer; }
    [[nodiscard]] QComboBox* referBasisBox() const { return m_referBasis; }
    [[nodiscard]] QLineEdit* referReasonField() const { return m_referReason; }
    [[nodiscard]] QLineEdit* filterField() const { return m_filter; }
    [[nodiscard]] bool hasPending() const { return m_pending.has_value(); }

signals:
    void captureFinished(bool ok);
    void saved(qint64 recordId);
    void saveFailed();
    void devicesListed();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Outcome {
        std::optional<PendingCapture> capture;
        std::optional<core::Error> error; ///< with a capture: a device problem after the document was read
    };
    void startCapture(const QString& what, std::function<Outcome(capture::MrzReader&)> read);
    void onCaptured(Outcome outcome);
    void showImage(const capture::Image& image, const capture::MrzReading* reading);
    void showSaved(core::RecordId id);
    void setBusy(bool busy);
    void loadEncounterChoices();
    [[nodiscard]] std::optional<core::RecordId> selectedRecord() const;
    [[nodiscard]] QString referralReason() const;
    /// The referral as typed: its basis and reason.
    [[nodiscard]] storage::ReferralDraft referralDraft() const;

    DeskContext& m_ctx;
    std::unique_ptr<capture::MrzReader> m_reader;      // created and used by background work only
    std::unique_ptr<capture::DocumentImager> m_imager; // likewise
    std::optional<PendingCapture> m_pending;
    ReviewPanel* m_review = nullptr;
    QTableWidget* m_records = nullptr;
    QLineEdit* m_filter = nullptr;
    QLabel* m_image = nullptr;
    QComboBox* m_devices = nullptr;
    QComboBox* m_purpose = nullptr;
    QComboBox* m_outcome = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QCheckBox* m_refer = nullptr;
    QComboBox* m_referBasis = nullptr;
    QLineEdit* m_referReason = nullptr;
    QPushButton* m_saveButton = nullptr;
    QPushButton* m_referButton = nullptr;
    QAction* m_openImage = nullptr;
    QAction* m_synthetic = nullptr;
    QAction* m_fromDevice = nullptr;
    QAction* m_cancel = nullptr;
    QAction* m_save = nullptr;
    std::mutex m_sourceMutex;                  ///< guards m_activeSource between the worker and cancelCapture()
    capture::Source* m_activeSource = nullptr; ///< the device being captured from, if any
    bool m_capturing = false;
    QFutureWatcher<std::vector<capture::DeviceInfo>> m_deviceWatcher; ///< device discovery (no store)
    QThreadPool m_pool; ///< joined (first) when the screen goes, not at the process's exit
};

} // namespace secondline::desk
