#pragma once
// Process hardening, called first thing by both executables.

#include <secondline/core/result.h>

namespace secondline::core {

/// Disables core dumps (RLIMIT_CORE = 0) and makes the process non-dumpable, which also stops
/// same-user ptrace attachment. Fails only if the kernel refuses; the caller decides whether to go on.
[[nodiscard]] Status hardenProcess();

} // namespace secondline::core
