#pragma once
// Capture sources: every device a desk may have, behind one interface that the desk app and the command
// line share.
//
//   auto source = openSource("sane:test:0", options);   // or camera:0, video:FILE, serial:/dev/ttyUSB0
//   if (!source) report(source.error());
//   if (auto s = (*source)->start(); !s) report(s.error());
//   for (;;) {
//       auto item = (*source)->next(250ms);             // a frame (image), a text (MRZ lines), idle or end
//       ...
//   }
//
// A source owns its device from start() to stop() (or its destruction). Errors are values with stable codes
// (DeviceJammed, DeviceNoDocument, DeviceGone, ...); after an error the same source can be started again
// (the retry path: clear the jam, press retry). cancel() may be called from any thread and makes a pending
// next() return DeviceCancelled promptly. A source never blocks longer than the timeout it was given plus
// one device read, and never longer than its options' deviceTimeout in total for one acquisition.

#include <secondline/capture/image.h>
#include <secondline/core/result.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace secondline::capture {

enum class SourceKind { Scanner, Camera, Video, Serial };

[[nodiscard]] std::string_view sourceKindName(SourceKind kind) noexcept;

/// A device as listed: `id` is what openSource() takes.
struct DeviceInfo {
    std::string id; ///< "sane:test:0", "camera:0", "serial:/dev/ttyUSB0"
    SourceKind kind = SourceKind::Scanner;
    std::string name; ///< what the device calls itself (vendor and model, or the driver's name)
    std::string path; ///< the device node or backend name behind the id
};

/// Area of a scan in millimetres from the top left of the glass.
struct ScanArea {
    double x = 0.0;
    double y = 0.0;
    double width = 0.0;
    double height = 0.0;
};

struct ScannerOptions {
    int resolution = 300;         ///< dots per inch; the nearest the device supports is used
    bool color = false;           ///< colour, else grey
    std::optional<ScanArea> area; ///< the whole glass when empty
    std::string feeder;           ///< the device's "source" option value, e.g. "Automatic Document Feeder"
    /// Any other device option by its SANE name, e.g. {"read-return-value", "SANE_STATUS_JAMMED"}. Values are
    /// parsed by the option's type (yes/no, numbers, strings); an unknown option is DeviceOptionInvalid.
    std::vector<std::pair<std::string, std::string>> extra;
};

struct CameraOptions {
    int width = 0; ///< requested frame size (0: the device's default)
    int height = 0;
    /// A recording (video file or image sequence) normally ends with End; with `live` its end is treated like
    /// an unplugged camera (DeviceGone), which is how the tests drive the camera's own failure path.
    bool live = false;
};

enum class Parity { None, Even, Odd };

struct SerialOptions {
    int baud = 9600;
    int dataBits = 8; ///< 7 or 8
    Parity parity = Parity::None;
    int stopBits = 1; ///< 1 or 2
    /// A line that stays incomplete this long is dropped (a reader cut off mid-line sends no more of it).
    std::chrono::milliseconds lineTimeout{2000};
    /// How long a vanished device (unplugged, port closed) is waited for before DeviceGone; 0: give up at once.
    std::chrono::milliseconds reconnectTimeout{5000};
};

struct SourceOptions {
    ScannerOptions scanner;
    CameraOptions camera;
    SerialOptions serial;
    /// The longest one acquisition may take (a scanner page, a camera frame) before DeviceTimeout.
    std::chrono::milliseconds deviceTimeout{60000};
};

/// What a source delivers.
struct SourceItem {
    enum class Kind {
        Frame, ///< an image: a scanned page or a camera frame
        Text,  ///< MRZ text from a document reader: the lines joined by '\n', already recognised as an MRZ
        Idle,  ///< nothing arrived within the timeout
        End,   ///< the source has nothing more (a recording ended; a serial source was stopped)
    };
    Kind kind = Kind::Idle;
    Image image;
    std::string text;
    int sequence = 0; ///< 1 for the first frame or text since start()
    int dpi = 0;      ///< a scanned page's resolution (0: unknown, e.g. a camera frame)

    [[nodiscard]] static SourceItem of(Kind k) {
        SourceItem item;
        item.kind = k;
        return item;
    }
};

/// Counters a source keeps for diagnostics (no content, only counts).
struct SourceStats {
    int items = 0;        ///< frames or texts delivered
    int droppedBytes = 0; ///< serial: bytes that were not MRZ characters or line ends (framing, noise)
    int droppedLines = 0; ///< serial: lines that were incomplete, too long or not part of an MRZ
    int reconnects = 0;   ///< serial: times the device came back after vanishing
};

class Source {
public:
    virtual ~Source() = default;
    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;

    [[nodiscard]] virtual DeviceInfo info() const = 0;
    /// Opens the device (if not yet open) and applies the options. Errors: DeviceNotFound, DeviceBusy,
    /// DeviceOptionInvalid, DeviceIo.
    [[nodiscard]] virtual core::Status start() = 0;
    /// The next frame or text, waiting at most `timeout` (Idle when nothing came). A scanner acquires one page
    /// per call. Errors stop the acquisition in progress; start() again to retry.
    [[nodiscard]] virtual core::Result<SourceItem> next(std::chrono::milliseconds timeout) = 0;
    /// Releases the device. Safe to call twice.
    virtual void stop() noexcept = 0;
    [[nodiscard]] virtual SourceStats stats() const { return m_stats; }
    /// Changes one device option by name between acquisitions: the retry path after a fault is cleared, or a
    /// setting changed at the desk. On an open device it applies at once and lasts until stop(); before
    /// start() it joins ScannerOptions::extra. Scanners only; other sources answer DeviceOptionInvalid.
    [[nodiscard]] virtual core::Status setOption(const std::string& name, const std::string& value) {
        (void)name;
        (void)value;
        return core::fail(core::ErrorCode::DeviceOptionInvalid, "this source has no device options");
    }

    /// Thread-safe. A pending or the next acquisition ends with DeviceCancelled; start() clears it.
    void cancel() noexcept { m_cancelled.store(true); }
    /// Called with 0..1 while a long acquisition (a scanner page) runs, from the thread calling next().
    void onProgress(std::function<void(double)> callback) { m_progress = std::move(callback); }

protected:
    Source() = default;
    [[nodiscard]] bool cancelled() const noexcept { return m_cancelled.load(); }
    void clearCancel() noexcept { m_cancelled.store(false); }
    void progress(double fraction) const {
        if (m_progress) m_progress(fraction);
    }
    SourceStats m_stats;

private:
    std::atomic<bool> m_cancelled{false};
    std::function<void(double)> m_progress;
};

/// Opens (without starting) the source named by `id`:
///   sane:<SANE device name>   a scanner through SANE, e.g. sane:test:0, sane:genesys:libusb:001:004
///   camera:<index>|<path>     a camera through V4L2, e.g. camera:0, camera:/dev/video2
///   video:<file>              a video file, or an image sequence with a printf pattern (frames/%04d.png)
///   serial:<path>             a document reader sending MRZ text over a serial line, e.g. serial:/dev/ttyUSB0
/// Errors: InvalidArgument for an id of no known kind, DeviceNotFound.
[[nodiscard]] core::Result<std::unique_ptr<Source>> openSource(const std::string& id, const SourceOptions& options);

/// The scanners SANE knows (local ones only: network discovery can take minutes), the V4L2 cameras and the
/// serial ports that have hardware behind them. A kind whose discovery fails is left out, never an error.
[[nodiscard]] std::vector<DeviceInfo> listDevices();

/// Writes frames as an MJPEG AVI file (synthetic test material and recordings for `video:` sources).
[[nodiscard]] core::Status saveVideo(const std::vector<Image>& frames, const std::string& path, double fps);

} // namespace secondline::capture
