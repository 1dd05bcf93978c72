#pragma once
// Result<T>: a value or an Error. No exception crosses a module's public API; expected failures travel
// as values. tl::expected because GCC 12 and clang 14 lack a usable std::expected.

#include <secondline/core/error.h>

#include <tl/expected.hpp>

#include <cstddef>
#include <string>
#include <utility>

namespace secondline::core {

template <class T>
using Result = tl::expected<T, Error>;

/// Result of an operation with no value.
using Status = tl::expected<void, Error>;

/// Builds the error side of any Result: `return fail(ErrorCode::Io, "cannot read image file");`
[[nodiscard]] inline tl::unexpected<Error> fail(ErrorCode code, std::string message) {
    return tl::unexpected<Error>(Error{code, std::move(message)});
}

[[nodiscard]] inline tl::unexpected<Error> fail(Error error) {
    return tl::unexpected<Error>(std::move(error));
}

/// Discards a result on purpose, with the reason why dropping it is harmless, so that every ignored
/// error is one grep away (`ignoreResult`) and a reviewer can judge the reason:
///
///   ignoreResult(hardenProcess(), "best effort: a kernel that refuses still lets the officer work");
///
/// `result` is any Result, Status or other [[nodiscard]] / warn_unused_result value; it is taken by
/// forwarding reference and neither read, moved nor destroyed here. `reason` must be a non-empty string
/// literal (a character array, checked at compile time): it documents the call site and is not kept,
/// logged or shown. Does nothing else: no logging, no assertion, no cost in an optimised build.
/// Use it only where the failure really changes nothing; otherwise handle or return the error.
template <class T, std::size_t N>
constexpr void ignoreResult(T&& /*result*/, const char (&/*reason*/)[N]) noexcept {
    static_assert(N > 1, "ignoreResult: give the reason why ignoring this result is harmless");
}

} // namespace secondline::core
