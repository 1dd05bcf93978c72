#pragma once
// Shared test helpers: Result matchers, a fake clock, a temporary folder.

#include <secondline/core/clock.h>
#include <secondline/core/ids.h>
#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::test {

/// Success when `r` holds a value; otherwise a failure naming the error code and message.
template <class R>
::testing::AssertionResult isOk(const R& r) {
    if (r.has_value()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << core::errorCodeName(r.error().code) << ": " << r.error().message;
}

/// Success when `r` holds an error with code `expected`.
template <class R>
::testing::AssertionResult hasErrorCode(const R& r, core::ErrorCode expected) {
    if (r.has_value()) return ::testing::AssertionFailure() << "succeeded, expected " << core::errorCodeName(expected);
    if (r.error().code != expected)
        return ::testing::AssertionFailure() << "failed with " << core::errorCodeName(r.error().code) << " ("
                                             << r.error().message << "), expected " << core::errorCodeName(expected);
    return ::testing::AssertionSuccess();
}

} // namespace secondline::test

namespace secondline::core {
/// gtest prints a strong id as its integer (found by argument-dependent lookup).
template <class Tag>
void PrintTo(StrongId<Tag> id, std::ostream* os) {
    *os << id.value();
}
} // namespace secondline::core

/// Result/Status matchers; a message can be streamed after each, as with any gtest assertion.
#define ASSERT_OK(expr) ASSERT_TRUE(::secondline::test::isOk((expr))) << #expr
#define EXPECT_OK(expr) EXPECT_TRUE(::secondline::test::isOk((expr))) << #expr
#define EXPECT_ERROR_CODE(expr, code) EXPECT_TRUE(::secondline::test::hasErrorCode((expr), (code))) << #expr

namespace secondline::test {

/// A clock that only moves when told to.
class FakeClock final : public core::Clock {
public:
    explicit FakeClock(core::TimePoint start = core::TimePoint{std::chrono::sys_days{std::chrono::year{2026} /
                                                                                     std::chrono::November / 27}
                                                                   .time_since_epoch() +
                                                               std::chrono::hours{9}})
        : m_now(start) {}
    [[nodiscard]] core::TimePoint now() const override { return m_now; }
    void advance(std::chrono::milliseconds d) { m_now += d; }

private:
    core::TimePoint m_now;
};

/// A fresh folder under the system temp dir, removed with its content at destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] std::string file(std::string_view name) const { return (m_path / name).string(); }

private:
    std::filesystem::path m_path;
};

/// A store path `name` in the folder "store" of `dir`, made 0700: the service serves no store whose folder
/// others can reach.
[[nodiscard]] std::string privateStoreFolder(const TempDir& dir, std::string_view name);

/// Password in guarded memory from a literal (tests only).
[[nodiscard]] core::SecretBytes password(std::string_view text);

/// Whole file as bytes.
[[nodiscard]] std::string readFile(const std::string& path);
void writeFile(const std::string& path, std::string_view content);

/// True when `needle` occurs in `haystack` (byte search).
[[nodiscard]] bool contains(std::string_view haystack, std::string_view needle);

/// The inspection date tests use unless they say otherwise: 2026-11-27.
[[nodiscard]] std::chrono::sys_days testDate();

/// Crafted, header-only images (generated, no pixel data): what a header check reads, and what an attacker
/// sends to make a decoder allocate. pngHeader: the PNG signature and an 8-bit grey IHDR chunk declaring
/// `width` x `height`, with its CRC (libpng accepts it and sizes the picture from it). jpegHeader: SOI, a JFIF APP0
/// segment, a baseline SOF0 with 3 components declaring `width` x `height`, an SOS segment and EOI.
[[nodiscard]] std::vector<std::uint8_t> pngHeader(std::uint32_t width, std::uint32_t height);
[[nodiscard]] std::vector<std::uint8_t> jpegHeader(std::uint16_t width, std::uint16_t height);

} // namespace secondline::test
