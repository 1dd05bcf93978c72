#include "test_support.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>

namespace secondline::test {

TempDir::TempDir() {
    std::random_device rd;
    const auto base = std::filesystem::temp_directory_path();
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto candidate = base / ("secondline-test-" + std::to_string(rd()) + std::to_string(rd()));
        std::error_code ec;
        if (std::filesystem::create_directory(candidate, ec)) {
            m_path = candidate;
            return;
        }
    }
    throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(m_path, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(m_path, ec);
}

std::string privateStoreFolder(const TempDir& dir, std::string_view name) {
    const auto folder = dir.path() / "store";
    std::filesystem::create_directories(folder);
    std::filesystem::permissions(folder, std::filesystem::perms::owner_all);
    return (folder / name).string();
}

core::SecretBytes password(std::string_view text) {
    auto s = core::SecretBytes::copyOf({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    if (!s) throw std::runtime_error("guarded memory exhausted");
    return std::move(*s);
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    // GCC 12 at -O2 and above: bogus -Wnull-dereference inside std::istreambuf_iterator's inlined
    // streambuf access (a false positive reported against GCC 12, e.g. by SFML and OpenRCT2; no GCC bug
    // number found). `in` owns its filebuf, which is never null.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
#pragma GCC diagnostic pop
}

void writeFile(const std::string& path, std::string_view content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

std::chrono::sys_days testDate() {
    return std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};
}

namespace {
void putBe(std::vector<std::uint8_t>& out, std::uint32_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

/// CRC-32 as PNG chunks carry it (ISO 3309), bit by bit: a few bytes only.
std::uint32_t crc32(const std::uint8_t* data, std::size_t size) {
    std::uint32_t crc = 0xffffffffu;
    for (std::size_t i = 0; i < size; ++i) {
        crc ^= data[i];
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xffffffffu;
}
} // namespace

std::vector<std::uint8_t> pngHeader(std::uint32_t width, std::uint32_t height) {
    std::vector<std::uint8_t> out{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    putBe(out, 13, 4);
    out.insert(out.end(), {'I', 'H', 'D', 'R'});
    putBe(out, width, 4);
    putBe(out, height, 4);
    out.insert(out.end(), {8, 0, 0, 0, 0}); // 8-bit grey, deflate, adaptive filter, not interlaced
    putBe(out, crc32(out.data() + 12, 17), 4);
    return out;
}

std::vector<std::uint8_t> jpegHeader(std::uint16_t width, std::uint16_t height) {
    // One initializer list: GCC 12 at -O3 warns falsely (-Warray-bounds, GCC bug 107852) on vector::insert of
    // an initializer list into a vector of two bytes.
    const auto hi = [](std::uint16_t v) { return static_cast<std::uint8_t>(v >> 8); };
    const auto lo = [](std::uint16_t v) { return static_cast<std::uint8_t>(v & 0xff); };
    return {0xff, 0xd8, // SOI
            0xff, 0xe0, 0,    16, 'J', 'F',        'I',        'F',       0,         1, 1,    0, 0,  1,
            0,    1,    0,    0,                                                                        // APP0
            0xff, 0xc0, 0,    17, 8,   hi(height), lo(height), hi(width), lo(width),                    // SOF0
            3,    1,    0x22, 0,  2,   0x11,       1,          3,         0x11,      1,                 //
            0xff, 0xda, 0,    12, 3,   1,          0,          2,         0x11,      3, 0x11, 0, 63, 0, // SOS
            0xff, 0xd9};                                                                                // EOI
}

} // namespace secondline::test
