#pragma once
// The service owns the store's folder and every file in it; it refuses to serve a store that anyone else could
// read, replace or plant a file beside (issue 18: the OS account is the trust boundary, so the service checks
// that the boundary is really there rather than trusting the install).

#include <secondline/core/result.h>

#include <string>

namespace secondline::service::detail {

/// Checks that the folder holding `storePath` and every entry in it belong to this process's effective user
/// and give group and others no access, and that the store path itself is not a symbolic link. Errors:
/// StoreFolderUnsafe (the message names the entry and what is wrong with it, never its content), StoreNotFound.
[[nodiscard]] core::Status checkStoreFolder(const std::string& storePath);

} // namespace secondline::service::detail
