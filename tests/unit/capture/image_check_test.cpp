// Issue 18, item 7: capture decodes an image only after its header says it is a PNG or JPEG within the limits.
// Real images encoded here by OpenCV, and crafted headers (tests/support) declaring huge pictures.

#include <secondline/capture/image.h>
#include <secondline/core/image_header.h>

#include "test_support.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <chrono>
#include <cstdint>
#include <vector>

using namespace secondline;
using core::ErrorCode;
using Bytes = std::vector<std::uint8_t>;

namespace {

/// A `width` x `height` picture of `type` with a gradient (so that encoders do real work).
cv::Mat picture(int width, int height, int type) {
    cv::Mat m(height, width, type);
    cv::randu(m, 0, 255);
    return m;
}

Bytes encoded(const cv::Mat& m, const char* ext, const std::vector<int>& params = {}) {
    std::vector<uchar> out;
    EXPECT_TRUE(cv::imencode(ext, m, out, params)) << ext;
    return {out.begin(), out.end()};
}

} // namespace

TEST(ImageCheck, ReadsTheHeadersOpenCvWrites) {
    struct Case {
        const char* what;
        Bytes bytes;
        core::ImageFormat format;
        int width;
        int height;
    };
    const std::vector<Case> cases = {
        {"8-bit colour PNG", encoded(picture(37, 23, CV_8UC3), ".png"), core::ImageFormat::Png, 37, 23},
        {"grey PNG", encoded(picture(64, 9, CV_8UC1), ".png"), core::ImageFormat::Png, 64, 9},
        {"16-bit PNG", encoded(picture(5, 70, CV_16UC1), ".png"), core::ImageFormat::Png, 5, 70},
        {"PNG with alpha", encoded(picture(12, 12, CV_8UC4), ".png"), core::ImageFormat::Png, 12, 12},
        {"baseline JPEG", encoded(picture(41, 29, CV_8UC3), ".jpg"), core::ImageFormat::Jpeg, 41, 29},
        {"grey JPEG", encoded(picture(16, 48, CV_8UC1), ".jpg"), core::ImageFormat::Jpeg, 16, 48},
        {"progressive JPEG", encoded(picture(33, 17, CV_8UC3), ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1}),
         core::ImageFormat::Jpeg, 33, 17},
        {"optimised JPEG", encoded(picture(20, 30, CV_8UC3), ".jpg", {cv::IMWRITE_JPEG_OPTIMIZE, 1}),
         core::ImageFormat::Jpeg, 20, 30},
    };
    for (const auto& c : cases) {
        auto h = core::checkImageHeader(c.bytes);
        ASSERT_OK(h) << c.what;
        EXPECT_EQ(h->format, c.format) << c.what;
        EXPECT_EQ(h->width, c.width) << c.what;
        EXPECT_EQ(h->height, c.height) << c.what;
        auto image = capture::decodeImage(c.bytes);
        ASSERT_OK(image) << c.what;
        EXPECT_EQ(image->width, c.width) << c.what;
        EXPECT_EQ(image->height, c.height) << c.what;
    }
    // capture's own encoders.
    const capture::Image small{30, 20, 1, Bytes(600, 128)};
    auto png = capture::encodePng(small);
    ASSERT_OK(png);
    auto jpeg = capture::encodeJpeg(small, 80);
    ASSERT_OK(jpeg);
    for (const Bytes* bytes : {&*png, &*jpeg}) {
        auto h = core::readImageHeader(*bytes);
        ASSERT_OK(h);
        EXPECT_EQ(h->width, 30);
        EXPECT_EQ(h->height, 20);
    }
}

TEST(ImageCheck, OtherFormatsOpenCvDecodesAreRefused) {
    // Accepted by cv::imdecode, but not by the workstation: PNG or JPEG only, by their magic bytes.
    const cv::Mat m = picture(16, 16, CV_8UC3);
    for (const char* ext : {".bmp", ".ppm", ".tiff"}) {
        const Bytes bytes = encoded(m, ext);
        EXPECT_ERROR_CODE(core::readImageHeader(bytes), ErrorCode::ImageUnreadable) << ext;
        EXPECT_ERROR_CODE(capture::decodeImage(bytes), ErrorCode::ImageUnreadable) << ext;
    }
}

TEST(ImageCheck, HugeDeclaredImagesAreRefusedBeforeDecoding) {
    // Issue 18: a 20000 x 20000 PNG was decoded to 1.26 GB before the size check. Refused from its header now:
    // at once, with the header's reason (a decoder that had started would have failed on the missing pixel
    // data instead, with image_unreadable).
    for (const Bytes& bytes : {test::pngHeader(20000, 20000), test::jpegHeader(20000, 20000),
                               test::pngHeader(0x7fffffff, 0x7fffffff), test::jpegHeader(65535, 65535)}) {
        const auto started = std::chrono::steady_clock::now();
        auto r = capture::decodeImage(bytes);
        const auto elapsed = std::chrono::steady_clock::now() - started;
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::ImageTooLarge);
        EXPECT_TRUE(test::contains(r.error().message, "header declares")) << r.error().message;
        EXPECT_LT(elapsed, std::chrono::milliseconds(100));
    }
    // Header-only images within the limits reach the decoder, which finds no pixel data.
    EXPECT_ERROR_CODE(capture::decodeImage(test::pngHeader(100, 100)), ErrorCode::ImageUnreadable);
    EXPECT_ERROR_CODE(capture::decodeImage(test::jpegHeader(100, 100)), ErrorCode::ImageUnreadable);
}

TEST(ImageCheck, ARealImageWhoseHeaderLiesIsRefused) {
    // A real, decodable PNG with its IHDR rewritten to 20000 x 20000 (the decoder would trust IHDR).
    Bytes png = encoded(picture(8, 8, CV_8UC1), ".png");
    for (std::size_t i : {16u, 20u}) {
        png[i] = 0;
        png[i + 1] = 0;
        png[i + 2] = 0x4e;
        png[i + 3] = 0x20;
    }
    EXPECT_ERROR_CODE(capture::decodeImage(png), ErrorCode::ImageTooLarge);
}
