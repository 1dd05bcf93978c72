#include "sources.h"

#include "cv_image.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace secondline::capture {

using core::ErrorCode;
using core::fail;

std::string_view sourceKindName(SourceKind kind) noexcept {
    switch (kind) {
    case SourceKind::Scanner: return "scanner";
    case SourceKind::Camera: return "camera";
    case SourceKind::Video: return "video";
    case SourceKind::Serial: return "serial";
    }
    return "scanner";
}

core::Result<std::unique_ptr<Source>> openSource(const std::string& id, const SourceOptions& options) {
    const auto colon = id.find(':');
    if (colon == std::string::npos)
        return fail(ErrorCode::InvalidArgument, "a device id starts with sane:, camera:, video: or serial:");
    const std::string kind = id.substr(0, colon);
    const std::string rest = id.substr(colon + 1);
    if (kind == "sane") return openSaneSource(rest, options);
    if (kind == "camera") return openCameraSource(rest, false, options);
    if (kind == "video") return openCameraSource(rest, true, options);
    if (kind == "serial") return openSerialSource(rest, options);
    return fail(ErrorCode::InvalidArgument, "a device id starts with sane:, camera:, video: or serial:");
}

std::vector<DeviceInfo> listDevices() {
    auto out = listSaneDevices();
    for (auto& d : listCameras()) out.push_back(std::move(d));
    for (auto& d : listSerialPorts()) out.push_back(std::move(d));
    return out;
}

core::Status saveVideo(const std::vector<Image>& frames, const std::string& path, double fps) {
    if (frames.empty() || fps <= 0.0) return fail(ErrorCode::InvalidArgument, "a video needs frames and a frame rate");
    const int width = frames.front().width;
    const int height = frames.front().height;
    try {
        cv::VideoWriter writer(path, cv::CAP_OPENCV_MJPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), fps,
                               cv::Size(width, height), true);
        if (!writer.isOpened()) return fail(ErrorCode::Io, "cannot write the video file");
        for (const auto& f : frames) {
            if (f.width != width || f.height != height)
                return fail(ErrorCode::InvalidArgument, "every frame of a video must have the same size");
            cv::Mat bgr;
            const cv::Mat m = detail::view(f);
            if (m.channels() == 1)
                cv::cvtColor(m, bgr, cv::COLOR_GRAY2BGR);
            else
                bgr = m;
            writer.write(bgr);
        }
    } catch (const cv::Exception&) {
        return fail(ErrorCode::Io, "cannot write the video file");
    }
    return {};
}

} // namespace secondline::capture
