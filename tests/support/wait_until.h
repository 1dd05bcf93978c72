#pragma once
// Waiting for a condition that no signal, file or socket announces (another process's state, a device's
// settings): the condition is polled every few milliseconds until it holds or a deadline passes, as
// QTRY_VERIFY does. This is not a sleep that hopes something has happened: it returns as soon as it has, and
// says whether it did.

#include <chrono>
#include <thread>

namespace secondline::test {

/// Polls `condition` until it returns true (then true) or `timeout` passes (then false).
template <class Condition>
[[nodiscard]] bool waitUntil(Condition&& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return condition();
        std::this_thread::sleep_for(std::chrono::milliseconds{2}); // the polling step, not a guess at a delay
    }
    return true;
}

} // namespace secondline::test
