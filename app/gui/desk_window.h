#pragma once
// The desk's main window: the records this user may see, one record's fields and checks, and capture
// (an image file, or a synthetic passport in a training store). Wiring only: every rule is in the
// libraries; OCR and disk work run off the UI thread.

#include <secondline/capture/document_images.h>
#include <secondline/capture/mrz_reader.h>
#include <secondline/storage/store.h>

#include <secondline/capture/source.h>

#include <QFutureWatcher>
#include <QMainWindow>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;
class QTreeWidget;

namespace secondline::desk {

/// What a capture produced, handed from the worker thread back to the window.
struct CaptureOutcome {
    std::optional<std::int64_t> recordId;
    std::optional<core::Error> error; ///< with a record id: a device problem after the document was read
};

class WedgeFilter;

class DeskWindow : public QMainWindow {
    Q_OBJECT
public:
    /// Takes ownership of an open store. The clock must outlive the window.
    DeskWindow(storage::Store store, const core::Clock& clock, QWidget* parent = nullptr);
    ~DeskWindow() override;

    /// Reloads the record list; selects `select` when given.
    void refresh(std::optional<std::int64_t> select = std::nullopt);
    /// Reads an image file's MRZ and stores it (asynchronously; captureFinished() follows).
    void captureImageFile(const QString& path);
    /// Training stores only: renders a synthetic passport, reads it from the pixels and stores it.
    void captureSynthetic(std::uint64_t seed);
    /// Captures one document from a device (an id as devices list gives it: sane:..., camera:..., video:...,
    /// serial:...): camera frames are shown in the preview with the MRZ box drawn, and voted.
    void captureFromDevice(const QString& deviceId);
    /// Parses MRZ text (from a keyboard-wedge reader) and stores it.
    void captureText(const QString& mrz);
    /// Stops a device capture in progress (the device is released; nothing is stored).
    void cancelCapture();
    /// Lists the devices again (off the UI thread; devicesListed() follows).
    void refreshDevices();
    [[nodiscard]] bool busy() const;

    // For tests and screenshots.
    [[nodiscard]] QTableWidget* recordTable() const { return m_records; }
    [[nodiscard]] QTreeWidget* detailTree() const { return m_detail; }
    [[nodiscard]] QString statusText() const;
    [[nodiscard]] QComboBox* deviceBox() const { return m_devices; }
    [[nodiscard]] QLabel* preview() const { return m_preview; }
    [[nodiscard]] QLineEdit* filterField() const { return m_filter; }

signals:
    void captureFinished(bool ok);
    void devicesListed();

private:
    void showRecord(std::int64_t id);
    void startCapture(std::function<CaptureOutcome(storage::Store&, capture::MrzReader&)> read);
    void onCaptureDone();
    void openImageDialog();

    storage::Store m_store;
    const core::Clock& m_clock;
    std::unique_ptr<capture::MrzReader> m_reader;
    std::unique_ptr<capture::DocumentImager> m_imager; // used by the capture worker only, like m_reader
    QTableWidget* m_records = nullptr;
    QTreeWidget* m_detail = nullptr;
    QLabel* m_status = nullptr;
    QAction* m_openImage = nullptr;
    QAction* m_synthetic = nullptr;
    QAction* m_fromDevice = nullptr;
    QAction* m_cancel = nullptr;
    QComboBox* m_devices = nullptr;
    QLabel* m_preview = nullptr;
    QLineEdit* m_filter = nullptr;
    WedgeFilter* m_wedge = nullptr;
    QFutureWatcher<CaptureOutcome> m_watcher;
    QFutureWatcher<std::vector<capture::DeviceInfo>> m_deviceWatcher;
    std::mutex m_sourceMutex;                  ///< guards m_activeSource between the worker and cancelCapture()
    capture::Source* m_activeSource = nullptr; ///< the device the worker is capturing from, if any
};

} // namespace secondline::desk
