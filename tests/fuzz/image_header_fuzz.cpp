// libFuzzer target for the image header reader (core/image_header.h), which reads every image from outside
// before a decoder sees it. Run with scripts/fuzz.sh SECONDS image_header_fuzz. Besides crashes and
// out-of-bounds reads (ASan), it traps on broken invariants.

#include <secondline/core/image_header.h>

#include <cstddef>
#include <cstdint>
#include <span>

using namespace secondline::core;

namespace {

void require(bool condition) {
    if (!condition) __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);
    const auto header = readImageHeader(bytes);
    if (header) {
        require(header->width >= 1 && header->height >= 1);
        require(header->width <= 0x7fffffff && header->height <= 0x7fffffff);
        // The format is the one the magic bytes name.
        require(size >= 3);
        require((header->format == ImageFormat::Png) == (data[0] == 0x89));
        if (header->format == ImageFormat::Jpeg) require(header->width <= 65535 && header->height <= 65535);
    } else {
        require(header.error().code == ErrorCode::ImageUnreadable);
    }
    const ImageLimits limits{.maxSide = 4096, .maxPixels = 1'000'000};
    const auto checked = checkImageHeader(bytes, limits);
    require(checked.has_value() == (header && header->width <= limits.maxSide && header->height <= limits.maxSide &&
                                    header->width * header->height <= limits.maxPixels));
    if (!checked && header) require(checked.error().code == ErrorCode::ImageTooLarge);
    return 0;
}
