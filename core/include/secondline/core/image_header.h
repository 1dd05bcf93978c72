#pragma once
// The format and dimensions of an encoded image, read from its first bytes without decoding it. Images
// come from outside (a file an officer picks, a client of the service, a stored record): a few hundred
// bytes can declare a picture of gigabytes, so every image is checked here before a decoder sees it.
//
//   auto header = checkImageHeader(bytes, {.maxSide = 20000, .maxPixels = kMaxImagePixels});
//   if (!header) return fail(header.error());   // image_unreadable or image_too_large
//   ... only now decode ...
//
// Only PNG and JPEG are accepted, recognised by their magic bytes (never by a file name or a declared
// media type). Pure computation on the bytes given: no I/O, no allocation beyond the result, never throws,
// never reads outside `encoded`. Thread-safe.

#include <secondline/core/result.h>

#include <cstdint>
#include <span>
#include <string_view>

namespace secondline::core {

enum class ImageFormat { Png, Jpeg };

/// "image/png" or "image/jpeg".
[[nodiscard]] std::string_view mediaTypeOf(ImageFormat format) noexcept;

struct ImageHeader {
    ImageFormat format = ImageFormat::Png;
    std::int64_t width = 0;  ///< pixels, as the header declares them (before any EXIF orientation)
    std::int64_t height = 0; ///< pixels
};

/// What a caller accepts. A decoder allocates about width * height * channels bytes, so the pixel count is
/// the limit that bounds memory; the side limit bounds what a caller's own integer arithmetic sees.
struct ImageLimits {
    std::int64_t maxSide = 65'535;       ///< longest side, pixels (JPEG's own maximum)
    std::int64_t maxPixels = 80'000'000; ///< width * height (a 600 dpi A4 page is about 35 megapixels)
};

/// Format and dimensions from the header:
/// - PNG: the signature, then the IHDR chunk, which must come first (length 13, non-zero dimensions of at
///   most 2^31 - 1, a valid bit depth and colour type combination).
/// - JPEG: SOI, then the marker segments walked one by one with bounds checks (fill bytes, standalone markers
///   and any segment before the frame header skipped by its length) up to the first start of scan; exactly
///   one SOFn frame header must come before it, with non-zero dimensions and a length matching its
///   component count.
/// Errors: ImageUnreadable (empty, neither PNG nor JPEG, truncated or malformed header).
[[nodiscard]] Result<ImageHeader> readImageHeader(std::span<const std::uint8_t> encoded);

/// readImageHeader, then the limits. Errors: ImageUnreadable (as above), ImageTooLarge (a side or the pixel
/// count beyond `limits`).
[[nodiscard]] Result<ImageHeader> checkImageHeader(std::span<const std::uint8_t> encoded,
                                                   const ImageLimits& limits = {});

} // namespace secondline::core
