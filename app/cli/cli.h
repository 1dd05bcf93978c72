#pragma once
// Shared plumbing of the command-line tool's commands.

#include <secondline/core/error.h>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace secondline::cli {

/// Exit statuses (README "Command-line contract").
enum Exit : int {
    kOk = 0,      ///< everything read and valid
    kInvalid = 1, ///< something not found, unreadable or invalid
    kUsage = 2,   ///< usage or I/O error
    kRefused = 3, ///< the user's role may not do this
};

struct Context {
    int exitCode = kOk;
};

/// Options every store command takes.
struct StoreOptions {
    std::string store;
    std::string user;
    bool passwordStdin = false;
    bool training = false;
    // Argon2id cost for key slots this command writes (store init, user add, user passwd).
    std::uint64_t kdfOps = 3;
    std::uint64_t kdfMemKib = 256 * 1024;
};
/// Adds --kdf-ops and --kdf-mem-kib (for commands that write a key slot).
void addKdfOptions(CLI::App& cmd, StoreOptions& options);
void addStoreOptions(CLI::App& cmd, StoreOptions& options, bool userRequired = true);
/// The store path: --store, or the default for the mode.
[[nodiscard]] std::string storePath(const StoreOptions& options);

/// --date YYYY-MM-DD, or today (UTC) when empty. Returns false on a malformed date.
[[nodiscard]] bool inspectionDate(const std::string& text, std::chrono::sys_days& out);
/// inspectionDate for the value of `option`; on a malformed date prints the usage error and returns false.
[[nodiscard]] bool dateOption(const std::string& text, const char* option, std::chrono::sys_days& out);

void registerMrzCommands(CLI::App& app, Context& ctx);
void registerStoreCommands(CLI::App& app, Context& ctx);
void registerDemoCommand(CLI::App& app, Context& ctx);

/// Prints "secondline: <code>: <message>" to stderr.
void printError(const core::Error& error);
/// Exit status for an error that stops a command.
[[nodiscard]] int exitFor(const core::Error& error);

} // namespace secondline::cli
