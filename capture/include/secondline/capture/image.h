#pragma once
// A plain 8-bit image: the only image type in capture's public API (OpenCV stays inside capture/src).

#include <secondline/core/image_header.h>
#include <secondline/core/result.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace secondline::capture {

/// Row-major, tightly packed, 8 bits per channel: 1 channel (gray) or 3 (B, G, R).
struct Image {
    int width = 0;
    int height = 0;
    int channels = 1;
    std::vector<std::uint8_t> pixels; ///< width * height * channels bytes

    [[nodiscard]] bool empty() const noexcept { return width <= 0 || height <= 0 || pixels.empty(); }
};

/// What capture decodes: images larger than this are refused from their header, before decoding.
inline constexpr core::ImageLimits kImageLimits{};
/// Images larger than this many pixels are refused (a 600 dpi A4 page is about 35 megapixels).
inline constexpr std::int64_t kMaxImagePixels = kImageLimits.maxPixels;

/// Decodes PNG or JPEG (recognised by their first bytes) from a file. The header is read first
/// (core/image_header.h): an image declaring more than kImageLimits is refused before any pixel is decoded.
/// Errors: FileNotFound, Io, ImageUnreadable (not PNG or JPEG, malformed), ImageTooLarge. Never throws, never
/// crashes on a malformed file.
[[nodiscard]] core::Result<Image> loadImage(const std::string& path);

/// Decodes an encoded image held in memory (same formats, checks and errors as loadImage).
[[nodiscard]] core::Result<Image> decodeImage(std::span<const std::uint8_t> encoded);

/// Encodes as PNG (lossless) or JPEG (quality 1-100).
[[nodiscard]] core::Result<std::vector<std::uint8_t>> encodePng(const Image& image);
[[nodiscard]] core::Result<std::vector<std::uint8_t>> encodeJpeg(const Image& image, int quality);

/// Writes a PNG file. For synthetic images only: images of real documents go to the encrypted store.
[[nodiscard]] core::Status savePng(const Image& image, const std::string& path);

/// The image scaled down (area averaging) so that its longer side is at most `maxSide` pixels; unchanged
/// when it already fits.
[[nodiscard]] Image scaleToFit(const Image& image, int maxSide);

} // namespace secondline::capture
