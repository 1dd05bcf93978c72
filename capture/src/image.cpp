#include <secondline/capture/image.h>

#include "cv_image.h"

#include <secondline/core/image_header.h>

#include <algorithm>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <system_error>
#include <filesystem>

namespace secondline::capture {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace detail {

cv::Mat view(const Image& image) {
    const int type = image.channels == 3 ? CV_8UC3 : CV_8UC1;
    return cv::Mat(image.height, image.width, type, const_cast<std::uint8_t*>(image.pixels.data()));
}

Image fromMat(const cv::Mat& mat) {
    cv::Mat m = mat.isContinuous() ? mat : mat.clone();
    Image out;
    out.width = m.cols;
    out.height = m.rows;
    out.channels = m.channels();
    out.pixels.assign(m.data, m.data + m.total() * m.elemSize());
    return out;
}

cv::Mat toGray(const Image& image) {
    cv::Mat v = view(image);
    if (image.channels == 1) return v;
    cv::Mat gray;
    cv::cvtColor(v, gray, cv::COLOR_BGR2GRAY);
    return gray;
}

double edgeSharpness(const cv::Mat& gray) {
    if (gray.empty()) return 0.0;
    double lo = 0, hi = 0;
    cv::minMaxLoc(gray, &lo, &hi);
    if (hi - lo < 10) return 0.0;
    cv::Mat gx, gy, mag;
    cv::Sobel(gray, gx, CV_32F, 1, 0, 3);
    cv::Sobel(gray, gy, CV_32F, 0, 1, 3);
    cv::magnitude(gx, gy, mag);
    cv::Mat flat = mag.reshape(1, 1).clone();
    cv::sort(flat, flat, cv::SORT_EVERY_ROW | cv::SORT_DESCENDING);
    const double steep = flat.at<float>(0, std::min(flat.cols - 1, static_cast<int>(flat.cols * 0.01)));
    return std::clamp(steep / (4.0 * (hi - lo)), 0.0, 1.0);
}

} // namespace detail

Result<Image> decodeImage(std::span<const std::uint8_t> encoded) {
    // PNG or JPEG only, and no larger than the limit by its header: a small file can declare gigabytes of
    // pixels, which OpenCV would allocate before any check on the decoded image could refuse them.
    auto header = core::checkImageHeader(encoded, kImageLimits);
    if (!header) return fail(header.error());
    try {
        const cv::Mat buffer(1, static_cast<int>(encoded.size()), CV_8UC1, const_cast<std::uint8_t*>(encoded.data()));
        cv::Mat decoded = cv::imdecode(buffer, cv::IMREAD_COLOR);
        if (decoded.empty()) return fail(ErrorCode::ImageUnreadable, "not a decodable image");
        // EXIF orientation may swap the sides; the pixel count is the header's.
        if (static_cast<std::int64_t>(decoded.cols) * decoded.rows > kMaxImagePixels)
            return fail(ErrorCode::ImageTooLarge, "image is larger than the supported size");
        return detail::fromMat(decoded);
    } catch (const cv::Exception&) {
        return fail(ErrorCode::ImageUnreadable, "image decoder rejected the data");
    } catch (const std::bad_alloc&) {
        return fail(ErrorCode::ImageTooLarge, "image is too large to decode");
    }
}

Result<Image> loadImage(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return fail(ErrorCode::FileNotFound, "image file does not exist");
    if (std::filesystem::is_directory(path, ec)) return fail(ErrorCode::ImageUnreadable, "image path is a directory");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return fail(ErrorCode::Io, "cannot read image file size");
    if (size > 512ull * 1024 * 1024) return fail(ErrorCode::ImageTooLarge, "image file is larger than 512 MiB");
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorCode::Io, "cannot open image file");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
        return fail(ErrorCode::Io, "cannot read image file");
    return decodeImage(bytes);
}

namespace {
Result<std::vector<std::uint8_t>> encode(const Image& image, const char* ext, const std::vector<int>& params) {
    if (image.empty() || (image.channels != 1 && image.channels != 3) ||
        image.pixels.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) *
                                   static_cast<std::size_t>(image.channels))
        return fail(ErrorCode::InvalidArgument, "image buffer does not match its dimensions");
    try {
        std::vector<std::uint8_t> out;
        if (!cv::imencode(ext, detail::view(image), out, params))
            return fail(ErrorCode::Internal, "image encoder failed");
        return out;
    } catch (const cv::Exception&) {
        return fail(ErrorCode::Internal, "image encoder failed");
    }
}
} // namespace

Result<std::vector<std::uint8_t>> encodePng(const Image& image) {
    return encode(image, ".png", {cv::IMWRITE_PNG_COMPRESSION, 3});
}

Result<std::vector<std::uint8_t>> encodeJpeg(const Image& image, int quality) {
    return encode(image, ".jpg", {cv::IMWRITE_JPEG_QUALITY, std::clamp(quality, 1, 100)});
}

core::Status savePng(const Image& image, const std::string& path) {
    auto png = encodePng(image);
    if (!png) return fail(png.error());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return fail(ErrorCode::Io, "cannot create image file");
    out.write(reinterpret_cast<const char*>(png->data()), static_cast<std::streamsize>(png->size()));
    if (!out.flush()) return fail(ErrorCode::Io, "cannot write image file");
    return {};
}

Image scaleToFit(const Image& image, int maxSide) {
    const int longer = std::max(image.width, image.height);
    if (image.empty() || maxSide <= 0 || longer <= maxSide) return image;
    const double f = static_cast<double>(maxSide) / longer;
    const cv::Size size(std::max(1, std::min(maxSide, static_cast<int>(image.width * f + 0.5))),
                        std::max(1, std::min(maxSide, static_cast<int>(image.height * f + 0.5))));
    cv::Mat out;
    cv::resize(detail::view(image), out, size, 0, 0, cv::INTER_AREA);
    return detail::fromMat(out);
}

} // namespace secondline::capture
