// Cameras through OpenCV's capture (V4L2 on Linux), and recordings (a video file or an image sequence) that
// drive the very same code: only what the end of the stream means differs.

#include "sources.h"

#include "cv_image.h"

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <filesystem>
#include <fstream>

namespace secondline::capture {

namespace {

using core::ErrorCode;
using core::fail;

bool allDigits(const std::string& s) {
    return !s.empty() && s.size() < 4 && s.find_first_not_of("0123456789") == std::string::npos;
}

class CameraSource final : public Source {
public:
    CameraSource(std::string target, bool recording, SourceOptions options)
        : m_target(std::move(target)), m_recording(recording), m_options(std::move(options)) {}
    ~CameraSource() override { CameraSource::stop(); }

    [[nodiscard]] DeviceInfo info() const override {
        return {.id = (m_recording ? "video:" : "camera:") + m_target,
                .kind = m_recording ? SourceKind::Video : SourceKind::Camera,
                .name = m_recording ? "recording" : "camera",
                .path = m_target};
    }

    [[nodiscard]] core::Status start() override {
        clearCancel();
        if (m_capture.isOpened()) return {};
        m_ended = false;
        bool opened = false;
        try {
            if (m_recording) {
                const bool sequence = m_target.find('%') != std::string::npos;
                if (!sequence && !std::filesystem::is_regular_file(m_target))
                    return fail(ErrorCode::FileNotFound, "the video file does not exist");
                // Named back ends only: CAP_ANY would also probe gphoto2 and FireWire cameras for a file name.
                if (sequence) {
                    opened = m_capture.open(m_target, cv::CAP_IMAGES);
                } else {
                    opened = m_capture.open(m_target, cv::CAP_FFMPEG);
                    if (!opened) opened = m_capture.open(m_target, cv::CAP_OPENCV_MJPEG);
                }
            } else if (allDigits(m_target)) {
                opened = m_capture.open(std::stoi(m_target), cv::CAP_V4L2);
            } else {
                if (!std::filesystem::exists(m_target))
                    return fail(ErrorCode::DeviceNotFound, "no camera at that device path");
                opened = m_capture.open(m_target, cv::CAP_V4L2);
            }
            if (opened && m_options.camera.width > 0 && m_options.camera.height > 0) {
                m_capture.set(cv::CAP_PROP_FRAME_WIDTH, m_options.camera.width);
                m_capture.set(cv::CAP_PROP_FRAME_HEIGHT, m_options.camera.height);
            }
        } catch (const cv::Exception&) {
            opened = false;
        }
        if (!opened) {
            m_capture.release();
            if (m_recording)
                return fail(ErrorCode::ImageUnreadable, "the video file could not be opened (not a video SecondLine "
                                                        "can decode?)");
            return fail(ErrorCode::DeviceNotFound, "the camera could not be opened (absent, or in use)");
        }
        return {};
    }

    [[nodiscard]] core::Result<SourceItem> next(std::chrono::milliseconds) override {
        if (cancelled()) return fail(ErrorCode::DeviceCancelled, "capture cancelled");
        if (m_ended) return SourceItem::of(SourceItem::Kind::End);
        if (!m_capture.isOpened()) return fail(ErrorCode::InvalidArgument, "the camera source was not started");
        cv::Mat frame;
        bool got = false;
        try {
            got = m_capture.read(frame) && !frame.empty();
        } catch (const cv::Exception&) {
            got = false;
        }
        if (!got) {
            m_capture.release();
            if (m_recording && !m_options.camera.live) {
                m_ended = true;
                return SourceItem::of(SourceItem::Kind::End);
            }
            return fail(ErrorCode::DeviceGone, "the camera stopped delivering frames (unplugged?)");
        }
        if (static_cast<std::int64_t>(frame.cols) * frame.rows > kMaxImagePixels)
            return fail(ErrorCode::ImageTooLarge, "the camera frame is larger than the image limit");
        cv::Mat bgr;
        if (frame.depth() != CV_8U) frame.convertTo(frame, CV_8U, frame.depth() == CV_16U ? 1.0 / 256.0 : 1.0);
        if (frame.channels() == 4)
            cv::cvtColor(frame, bgr, cv::COLOR_BGRA2BGR);
        else if (frame.channels() == 1 || frame.channels() == 3)
            bgr = frame;
        else
            return fail(ErrorCode::ImageUnreadable, "the camera sends a pixel format SecondLine cannot read");
        return SourceItem{.kind = SourceItem::Kind::Frame,
                          .image = detail::fromMat(bgr),
                          .text = {},
                          .sequence = ++m_stats.items,
                          .dpi = 0};
    }

    void stop() noexcept override {
        try {
            m_capture.release();
        } catch (...) { // NOLINT(bugprone-empty-catch): release() of a vanished device must not throw out of stop()
        }
    }

private:
    std::string m_target;
    bool m_recording;
    SourceOptions m_options;
    cv::VideoCapture m_capture;
    bool m_ended = false;
};

} // namespace

core::Result<std::unique_ptr<Source>> openCameraSource(const std::string& target, bool recording,
                                                       const SourceOptions& options) {
    if (target.empty()) return fail(ErrorCode::InvalidArgument, "a camera index, device path or video file is needed");
    // OpenCV's capture back ends print file names and driver chatter to stderr; SecondLine reports errors itself.
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    return std::unique_ptr<Source>(std::make_unique<CameraSource>(target, recording, options));
}

std::vector<DeviceInfo> listCameras() {
    std::vector<DeviceInfo> out;
    std::error_code ec;
    const std::filesystem::path sys{"/sys/class/video4linux"};
    if (!std::filesystem::is_directory(sys, ec)) return out;
    for (const auto& entry : std::filesystem::directory_iterator(sys, ec)) {
        const auto node = entry.path().filename().string();
        if (node.rfind("video", 0) != 0) continue;
        // A camera gives several nodes; index 0 is the one that streams pictures.
        std::string index;
        std::ifstream(entry.path() / "index") >> index;
        if (!index.empty() && index != "0") continue;
        std::string name;
        std::getline(std::ifstream(entry.path() / "name"), name);
        const std::string path = "/dev/" + node;
        out.push_back({.id = "camera:" + path, .kind = SourceKind::Camera, .name = name, .path = path});
    }
    std::sort(out.begin(), out.end(), [](const DeviceInfo& a, const DeviceInfo& b) { return a.path < b.path; });
    return out;
}

} // namespace secondline::capture
