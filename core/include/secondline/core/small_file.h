#pragma once
// Reading a small file that configures security (a certificate, a private key, a trust list) whole, after the
// checks every such file gets: it is a regular file, not larger than its limit, and, for a secret, accessible
// by its owner only (as ssh asks of its keys: a key others may read is no longer private).
//
//   std::string pem;
//   if (auto s = core::readSmallFile(path, "TLS key file", {.maxBytes = 1u << 20, .secret = true}, pem); !s) ...

#include <secondline/core/result.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace secondline::core {

struct SmallFileRules {
    std::size_t maxBytes = 1u << 20; ///< larger is refused before anything is read
    bool secret = false;             ///< refuse a file that group or others may read, write or run
};

/// Reads `path` into `out` (which the caller may keep in memory it wipes). `role` names the file in every
/// message ("TLS key file"); its content never appears in one. Errors: InvalidArgument (empty path, not a
/// regular file, over the limit, a secret others may access), FileNotFound (missing, or a folder on the way
/// is), Io (cannot be read).
[[nodiscard]] Status readSmallFile(const std::string& path, std::string_view role, const SmallFileRules& rules,
                                   std::string& out);

} // namespace secondline::core
