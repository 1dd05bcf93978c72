#pragma once
// Shared plumbing of the command-line tool's commands.

#include <secondline/capture/capture_session.h>
#include <secondline/capture/source.h>
#include <secondline/client/client.h>
#include <secondline/client/session.h>
#include <secondline/core/error.h>
#include <secondline/core/ids.h>
#include <secondline/storage/store.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace secondline::cli {

/// Exit statuses (README "Command-line contract").
enum Exit : int {
    kOk = 0,      ///< everything read and valid
    kInvalid = 1, ///< something not found, unreadable or invalid
    kUsage = 2,   ///< usage or I/O error
    kRefused = 3, ///< the user's role may not do this
    kDevice = 4,  ///< a capture device failed: jammed, no document, cover open, busy, gone, timed out
    kService = 5, ///< the service cannot be reached (not running, no socket, no answer in time)
};

struct Context {
    int exitCode = kOk;
};

/// Where a command finds the service: --service ADDRESS (unix:PATH, or tls:HOST:PORT with this desk's TLS files:
/// --tls-cert, --tls-key, --server-ca, else SECONDLINE_TLS_CERT, SECONDLINE_TLS_KEY, SECONDLINE_SERVER_CA).
struct ServiceAddress {
    std::string address;
    std::string tlsCert;
    std::string tlsKey;
    std::string serverCa;
};

/// Options every store command takes.
struct StoreOptions {
    std::string store;
    std::string user;
    bool passwordStdin = false;
    bool training = false;
    std::string rootKey; ///< the store's root key file (empty: beside the store, "<store>.root-key")
    // Argon2id cost for key slots this command writes (store init, user add, user passwd).
    std::uint64_t kdfOps = 3;
    std::uint64_t kdfMemKib = 256 * 1024;
    /// The service to sign in on (commands added with addSessionOptions only).
    ServiceAddress service{};
};
/// Adds --kdf-ops and --kdf-mem-kib (for commands that write a key slot).
void addKdfOptions(CLI::App& cmd, StoreOptions& options);
/// The options of a command that opens the store itself, whoever runs it (store init, backup, restore).
void addStoreOptions(CLI::App& cmd, StoreOptions& options, bool userRequired = true);
/// The options of a command that works in a signed-in session (openSession()): --service with the TLS files,
/// --store, --user, --password-stdin, --training, --root-key, and a help footer that says how the two are chosen.
void addSessionOptions(CLI::App& cmd, StoreOptions& options, bool userRequired = true);
/// The store path: --store, or the default for the mode.
[[nodiscard]] std::string storePath(const StoreOptions& options);
/// Adds the argument `name` that names a record or flag: an integer (as CLI11 parses any integer option, with
/// the same usage error when it is not one) turned into the strong id `id` here, at the edge.
template <class Tag>
CLI::Option* addIdOption(CLI::App& cmd, std::string name, core::StrongId<Tag>& id, std::string description) {
    return cmd.add_option_function<std::int64_t>(
        std::move(name), [&id](const std::int64_t& value) { id = core::StrongId<Tag>{value}; }, std::move(description));
}

/// Opens the store as the user, reading their password; on failure prints the error, sets `rc` and returns
/// nullopt. A break-glass session is announced on stderr.
[[nodiscard]] std::optional<storage::Store> openStore(const StoreOptions& o, int& rc, bool migrate = true);
/// Signs `o.user` in for one command, reading their password as openStore() does:
///   --service ADDRESS                      through the service at ADDRESS (client::ServiceSession);
///   else --store PATH                      on a store this process opens itself (app::LocalSession): only where
///                                          the OS lets this user read the store and its root key (the service's
///                                          own account with the service stopped, training and test stores);
///   else $SECONDLINE_SERVICE, else the per-user socket, else the system service's (client::resolveServiceAddress).
/// --training asks for a training store in both ways (store_mode_mismatch otherwise). On failure prints the error,
/// sets `rc` (5, kService, when the service cannot be reached) and returns null. A break-glass session and a
/// failed retention purge at sign-in are announced on stderr.
[[nodiscard]] std::unique_ptr<client::Session> openSession(const StoreOptions& o, int& rc);
/// Announces on stderr a break-glass session, and a retention purge at sign-in that failed (the command still runs).
void announceSignIn(std::optional<core::TimePoint> breakGlassUntil, const core::Status& purgeAtOpen);
/// Writes a new owner-only file; never overwrites one, and removes a partial one.
[[nodiscard]] core::Status writeNewFile(const std::string& path, std::string_view bytes);
/// Prints a refused or failed operation and returns its exit status.
int report(const core::Error& error);

/// --date YYYY-MM-DD, or today (UTC) when empty. Returns false on a malformed date.
[[nodiscard]] bool inspectionDate(const std::string& text, std::chrono::sys_days& out);
/// inspectionDate for the value of `option`; on a malformed date prints the usage error and returns false.
[[nodiscard]] bool dateOption(const std::string& text, const char* option, std::chrono::sys_days& out);

void registerMrzCommands(CLI::App& app, Context& ctx);
void registerStoreCommands(CLI::App& app, Context& ctx);
void registerDemoCommand(CLI::App& app, Context& ctx);
void registerDeviceCommands(CLI::App& app, Context& ctx);
void registerPrivacyCommands(CLI::App& app, Context& ctx);
void registerReportCommand(CLI::App& app, Context& ctx);
void registerServiceCommands(CLI::App& app, Context& ctx);

/// The client's options for `service`: its TLS files, else those of the environment.
[[nodiscard]] client::ClientOptions clientOptions(const ServiceAddress& service);
/// Adds --service (described by `description`) and the TLS file options; returns --service.
CLI::Option* addServiceOptions(CLI::App& cmd, ServiceAddress& service, std::string description);

/// `mrz read` from a device instead of image files (exactly one of camera, video, serial, scanner is set).
struct SourceReadArgs {
    std::string camera;  ///< index or device path
    std::string video;   ///< file or image-sequence pattern
    std::string serial;  ///< serial port path
    std::string scanner; ///< a devices-list id (sane:...)
    double timeout = 60.0;
    int agree = 2;
    int baud = 9600;
    std::string framing = "8N1";
    int count = 1;
    int resolution = 300;
    bool progress = false;
    [[nodiscard]] bool any() const { return !camera.empty() || !video.empty() || !serial.empty() || !scanner.empty(); }
};
/// Adds the device options of `mrz read`.
void addSourceReadOptions(CLI::App& cmd, SourceReadArgs& args);
/// While alive, Ctrl-C cancels `source`'s acquisition (the device is released, nothing half-written is left)
/// instead of killing the process.
class InterruptCancels {
public:
    explicit InterruptCancels(capture::Source& source);
    ~InterruptCancels();
    InterruptCancels(const InterruptCancels&) = delete;
    InterruptCancels& operator=(const InterruptCancels&) = delete;

private:
    struct sigaction m_old {};
};

/// Opens (does not start) the device `args` names; on failure prints the error, sets `rc` and returns null.
[[nodiscard]] std::unique_ptr<capture::Source> openReadSource(const SourceReadArgs& args, int& rc);
/// How many documents to take from `source`: --count for a serial reader, else one.
[[nodiscard]] int documentsToRead(const capture::Source& source, const SourceReadArgs& args);
/// Takes one document from `source` as `args` ask (timeout, agreement), with progress on stderr for pages and
/// frames.
[[nodiscard]] capture::SessionResult captureDocument(capture::Source& source, capture::MrzReader& reader,
                                                     const SourceReadArgs& args, std::chrono::sys_days today);
/// A device error as JSON: code, message, retryable, remedy.
[[nodiscard]] nlohmann::json deviceErrorJson(const core::Error& e);
/// Prints a device error and what to do about it to stderr.
void printDeviceError(const core::Error& e);
/// Reads `args.count` documents from the device; one JSON line each (the same JSON as for images, plus
/// "frames", "settled" and, when the device failed after something was captured, "device_error").
[[nodiscard]] int runMrzFromSource(const SourceReadArgs& args, bool json, std::chrono::sys_days today);

/// A progress line on stderr for long acquisitions and batch reads: redrawn in place on a terminal; with
/// --progress on a pipe or log, one line per tenth (fraction) or per item (count). Counts only: never a file
/// or person's name.
class Progress {
public:
    Progress(std::string label, bool force);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    void fraction(double f);
    void count(std::size_t done, std::size_t total);

private:
    void draw(const std::string& text, bool always);
    std::string m_label;
    bool m_on = false;
    bool m_tty = false;
    bool m_drawn = false;
    int m_lastTenth = -1;
    int m_lastPercent = -1;
};

/// Prints "secondline: <code>: <message>" to stderr.
void printError(const core::Error& error);
/// Exit status for an error that stops a command.
[[nodiscard]] int exitFor(const core::Error& error);

} // namespace secondline::cli
