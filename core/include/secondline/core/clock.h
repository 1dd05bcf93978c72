#pragma once
// Time is passed in, never read from inside a decision. Production code holds a Clock&; tests pass a
// FakeClock (tests/support) and move it by hand. All timestamps are UTC.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace secondline::core {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

class Clock {
public:
    virtual ~Clock() = default;
    /// Current time, UTC, millisecond resolution.
    [[nodiscard]] virtual TimePoint now() const = 0;
};

/// The wall clock (std::chrono::system_clock).
class SystemClock final : public Clock {
public:
    [[nodiscard]] TimePoint now() const override;
};

/// "2026-11-27T09:15:02.123Z"
[[nodiscard]] std::string formatUtc(TimePoint t);

/// Parses formatUtc()'s output (milliseconds optional); nullopt when malformed.
[[nodiscard]] std::optional<TimePoint> parseUtc(std::string_view text);

} // namespace secondline::core
