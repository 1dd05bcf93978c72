#include <secondline/core/image_header.h>

#include <array>
#include <optional>
#include <string>

namespace secondline::core {

namespace {

constexpr std::array<std::uint8_t, 8> kPngSignature{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
// What OpenCV's JPEG decoder recognises: SOI and the first byte of the next marker.
constexpr std::array<std::uint8_t, 3> kJpegSignature{0xff, 0xd8, 0xff};

/// Bounds-checked reads: every access goes through here, so a short or lying header never reads past the end.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> bytes) : m_bytes(bytes) {}
    [[nodiscard]] std::size_t size() const { return m_bytes.size(); }
    [[nodiscard]] bool has(std::size_t pos, std::size_t n) const { return pos <= size() && n <= size() - pos; }
    [[nodiscard]] std::uint32_t u8(std::size_t pos) const { return m_bytes[pos]; }
    [[nodiscard]] std::uint32_t be16(std::size_t pos) const { return u8(pos) << 8 | u8(pos + 1); }
    [[nodiscard]] std::uint32_t be32(std::size_t pos) const { return be16(pos) << 16 | be16(pos + 2); }
    template <std::size_t N>
    [[nodiscard]] bool startsWith(const std::array<std::uint8_t, N>& magic) const {
        if (!has(0, N)) return false;
        for (std::size_t i = 0; i < N; ++i)
            if (m_bytes[i] != magic[i]) return false;
        return true;
    }

private:
    std::span<const std::uint8_t> m_bytes;
};

Error unreadable(const std::string& why) {
    return {ErrorCode::ImageUnreadable, why};
}

bool validPngDepth(std::uint32_t colourType, std::uint32_t depth) {
    switch (colourType) {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16; // grey
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;                // palette
    case 2:                                                                             // RGB
    case 4:                                                                             // grey + alpha
    case 6: return depth == 8 || depth == 16;                                           // RGB + alpha
    default: return false;
    }
}

Result<ImageHeader> readPng(const Reader& r) {
    // signature (8), IHDR length (4), type (4), width, height (4 + 4), depth, colour, compression, filter,
    // interlace (5), CRC (4). The decoder reads no pixel before all of it.
    constexpr std::size_t kIhdrEnd = 8 + 4 + 4 + 13 + 4;
    if (!r.has(0, kIhdrEnd)) return fail(unreadable("PNG header is truncated before the end of IHDR"));
    if (r.be32(8) != 13 || r.u8(12) != 'I' || r.u8(13) != 'H' || r.u8(14) != 'D' || r.u8(15) != 'R')
        return fail(unreadable("PNG does not start with a 13-byte IHDR chunk"));
    const std::uint32_t width = r.be32(16);
    const std::uint32_t height = r.be32(20);
    constexpr std::uint32_t kPngMax = 0x7fffffffu; // the PNG specification's limit on either dimension
    if (width == 0 || height == 0 || width > kPngMax || height > kPngMax)
        return fail(unreadable("PNG IHDR declares a zero or out-of-range dimension"));
    if (!validPngDepth(r.u8(25), r.u8(24)))
        return fail(unreadable("PNG IHDR declares an invalid bit depth and colour type"));
    if (r.u8(26) != 0 || r.u8(27) != 0 || r.u8(28) > 1)
        return fail(unreadable("PNG IHDR declares an unknown compression, filter or interlace method"));
    return ImageHeader{ImageFormat::Png, width, height};
}

bool isSof(std::uint32_t marker) {
    // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
}

Result<ImageHeader> readJpeg(const Reader& r) {
    // Walks the segments as libjpeg's marker reader does up to the first SOS (where jpeg_read_header stops and
    // the decoder allocates): but strictly, so a file it accepts has the same frame header for both.
    std::size_t pos = 2; // after SOI
    std::optional<ImageHeader> frame;
    for (;;) {
        if (!r.has(pos, 1)) return fail(unreadable("JPEG header is truncated before its start of scan"));
        if (r.u8(pos) != 0xff) return fail(unreadable("JPEG has data between segments at byte " + std::to_string(pos)));
        while (r.has(pos, 1) && r.u8(pos) == 0xff) ++pos; // fill bytes
        if (!r.has(pos, 1)) return fail(unreadable("JPEG header is truncated before its start of scan"));
        const std::uint32_t marker = r.u8(pos++);
        if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // TEM, RSTn: no length
        if (marker == 0x00 || marker == 0xd8 || marker == 0xd9)
            return fail(
                unreadable("JPEG has a misplaced marker before its start of scan at byte " + std::to_string(pos - 1)));
        if (!r.has(pos, 2)) return fail(unreadable("JPEG header is truncated in a segment length"));
        const std::size_t length = r.be16(pos);
        if (length < 2 || !r.has(pos, length))
            return fail(unreadable("JPEG segment at byte " + std::to_string(pos - 2) + " runs past the data"));
        if (marker == 0xda) {
            if (!frame) return fail(unreadable("JPEG reaches its start of scan without a frame header"));
            return *frame;
        }
        if (isSof(marker)) {
            if (frame) return fail(unreadable("JPEG has a second frame header"));
            if (length < 8 + 3) return fail(unreadable("JPEG frame header is too short"));
            const std::uint32_t height = r.be16(pos + 3);
            const std::uint32_t width = r.be16(pos + 5);
            const std::uint32_t components = r.u8(pos + 7);
            if (components == 0 || length != 8 + 3 * components)
                return fail(unreadable("JPEG frame header length does not match its component count"));
            if (width == 0 || height == 0)
                return fail(unreadable("JPEG frame header declares a zero dimension (DNL is not supported)"));
            frame = ImageHeader{ImageFormat::Jpeg, width, height};
        }
        pos += length;
    }
}

} // namespace

std::string_view mediaTypeOf(ImageFormat format) noexcept {
    return format == ImageFormat::Jpeg ? "image/jpeg" : "image/png";
}

Result<ImageHeader> readImageHeader(std::span<const std::uint8_t> encoded) {
    if (encoded.empty()) return fail(unreadable("image data is empty"));
    const Reader r(encoded);
    if (r.startsWith(kPngSignature)) return readPng(r);
    if (r.startsWith(kJpegSignature)) return readJpeg(r);
    return fail(unreadable("image is neither PNG nor JPEG (by its first bytes)"));
}

Result<ImageHeader> checkImageHeader(std::span<const std::uint8_t> encoded, const ImageLimits& limits) {
    auto header = readImageHeader(encoded);
    if (!header) return header;
    // Both dimensions are below 2^32, so the product fits in 64 bits.
    if (header->width > limits.maxSide || header->height > limits.maxSide ||
        header->width * header->height > limits.maxPixels)
        return fail(ErrorCode::ImageTooLarge, "image header declares " + std::to_string(header->width) + " x " +
                                                  std::to_string(header->height) + " pixels, beyond the limit of " +
                                                  std::to_string(limits.maxSide) + " per side and " +
                                                  std::to_string(limits.maxPixels) + " in all");
    return header;
}

} // namespace secondline::core
