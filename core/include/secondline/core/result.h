#pragma once
// Result<T>: a value or an Error. No exception crosses a module's public API; expected failures travel
// as values. tl::expected because GCC 12 and clang 14 lack a usable std::expected.

#include <secondline/core/error.h>

#include <tl/expected.hpp>

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

} // namespace secondline::core
