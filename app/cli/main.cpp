// secondline: the command-line tool. Wiring only; every rule lives in the libraries.

#include "cli.h"

#include <secondline/core/process.h>

#include <paths.h>

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <unistd.h>
#include <ctime>

namespace secondline::cli {

void addStoreOptions(CLI::App& cmd, StoreOptions& options, bool userRequired) {
    cmd.add_option("--store", options.store, "Store database file (default: under the user's data directory)");
    auto* user = cmd.add_option("--user", options.user, "Your user name");
    if (userRequired) user->required();
    cmd.add_flag("--password-stdin", options.passwordStdin,
                 "Read passwords from standard input, one line each, instead of a hidden prompt");
    cmd.add_flag("--training", options.training, "Use the default training store");
    cmd.add_option("--root-key", options.rootKey,
                   "The store's root key file (default: beside the store; a production store keeps it elsewhere, "
                   "readable by the service's account only)");
}

void addKdfOptions(CLI::App& cmd, StoreOptions& options) {
    cmd.add_option("--kdf-ops", options.kdfOps, "Argon2id passes for the new key slot (default 3)")
        ->check(CLI::Range(1, 100));
    cmd.add_option("--kdf-mem-kib", options.kdfMemKib, "Argon2id memory in KiB for the new key slot (default 262144)")
        ->check(CLI::Range(8, 8 * 1024 * 1024));
}

std::string storePath(const StoreOptions& options) {
    return options.store.empty() ? app::defaultStorePath(options.training) : options.store;
}

bool inspectionDate(const std::string& text, std::chrono::sys_days& out) {
    using namespace std::chrono;
    if (text.empty()) {
        out = floor<days>(system_clock::now());
        return true;
    }
    unsigned y = 0, m = 0, d = 0;
    char tail = 0;
    if (text.size() != 10 || std::sscanf(text.c_str(), "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3) return false;
    const year_month_day ymd{year{static_cast<int>(y)}, month{m}, day{d}};
    if (!ymd.ok()) return false;
    out = sys_days{ymd};
    return true;
}

bool dateOption(const std::string& text, const char* option, std::chrono::sys_days& out) {
    if (inspectionDate(text, out)) return true;
    printError({core::ErrorCode::InvalidArgument, std::string(option) + " must be YYYY-MM-DD"});
    return false;
}

void printError(const core::Error& error) {
    fmt::print(stderr, "secondline: {}: {}\n", core::errorCodeName(error.code), error.message);
}

int exitFor(const core::Error& error) {
    switch (error.code) {
    case core::ErrorCode::PermissionDenied: return kRefused;
    case core::ErrorCode::PolicyForbids:
    case core::ErrorCode::LegalHold: return kRefused;
    case core::ErrorCode::DeviceGone:
    case core::ErrorCode::DeviceNotFound:
    case core::ErrorCode::DeviceBusy:
    case core::ErrorCode::DeviceJammed:
    case core::ErrorCode::DeviceNoDocument:
    case core::ErrorCode::DeviceCoverOpen:
    case core::ErrorCode::DeviceCancelled:
    case core::ErrorCode::DeviceIo:
    case core::ErrorCode::DeviceTimeout:
    case core::ErrorCode::DeviceOptionInvalid: return kDevice;
    case core::ErrorCode::MrzNotFound:
    case core::ErrorCode::MrzUnreadable:
    case core::ErrorCode::ImageUnreadable: return kInvalid;
    case core::ErrorCode::ServiceUnavailable: return kService;
    // As a missing or damaged key slot file: the store cannot be unlocked (usage or I/O error).
    case core::ErrorCode::KeySlotMissing:
    case core::ErrorCode::KeySlotCorrupt:
    case core::ErrorCode::RootKeyUnavailable: return kUsage;
    default: return kUsage;
    }
}

Progress::Progress(std::string label, bool force)
    : m_label(std::move(label)), m_on(force || ::isatty(STDERR_FILENO) == 1), m_tty(::isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() {
    if (m_on && m_tty && m_drawn) std::fputs("\n", stderr);
}

void Progress::draw(const std::string& text, bool always) {
    if (!m_on) return;
    if (m_tty) {
        std::fprintf(stderr, "\r\033[K%s: %s", m_label.c_str(), text.c_str());
    } else if (always) {
        std::fprintf(stderr, "%s: %s\n", m_label.c_str(), text.c_str());
    }
    std::fflush(stderr);
    m_drawn = true;
}

void Progress::fraction(double f) {
    const int percent = static_cast<int>(std::clamp(f, 0.0, 1.0) * 100.0);
    if (percent == m_lastPercent) return;
    m_lastPercent = percent;
    const int tenth = percent / 10;
    const bool newTenth = tenth != m_lastTenth;
    m_lastTenth = tenth;
    const int filled = percent / 5;
    draw(fmt::format("[{}{}] {:3d}%", std::string(static_cast<std::size_t>(filled), '#'),
                     std::string(static_cast<std::size_t>(20 - filled), ' '), percent),
         newTenth);
}

void Progress::count(std::size_t done, std::size_t total) {
    draw(fmt::format("{}/{}", done, total), true);
}

} // namespace secondline::cli

int main(int argc, char** argv) {
    using namespace secondline;
    core::ignoreResult(core::hardenProcess(), "best effort: a kernel that refuses still lets the officer work");

    CLI::App app{"SecondLine: secondary-inspection data capture (MRZ reading, validation, encrypted store)",
                 "secondline"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "secondline 0.1.0");
    cli::Context ctx;
    cli::registerMrzCommands(app, ctx);
    cli::registerStoreCommands(app, ctx);
    cli::registerDemoCommand(app, ctx);
    cli::registerDeviceCommands(app, ctx);
    cli::registerPrivacyCommands(app, ctx);
    cli::registerReportCommand(app, ctx);
    cli::registerServiceCommands(app, ctx);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : cli::kUsage;
    }
    return ctx.exitCode;
}
