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

} // namespace secondline::test
