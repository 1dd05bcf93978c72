#pragma once
// Reading passwords: a hidden prompt on the terminal, or one line per password from stdin for scripts.
// Never from a command-line argument (visible in the process list).

#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>

#include <string>

namespace secondline::app {

inline constexpr std::size_t kMaxPasswordBytes = 1024;

/// With fromStdin, reads one line from standard input (without its line ending). Otherwise prompts on
/// the controlling terminal with echo off. The password goes straight into guarded memory.
/// Errors: InvalidArgument (no terminal and no --password-stdin, empty or over-long password), Io.
[[nodiscard]] core::Result<core::SecretBytes> readPassword(const std::string& prompt, bool fromStdin);

} // namespace secondline::app
