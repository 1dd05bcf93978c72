// secondline devices list | scan, and mrz read from a camera, recording, scanner or serial document reader

#include "cli.h"

#include <secondline/capture/capture_session.h>
#include <secondline/capture/source.h>

#include <document_json.h>

#include <fmt/core.h>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>
#include <unistd.h>

namespace secondline::cli {

namespace {

using core::ErrorCode;

/// The source whose acquisition Ctrl-C cancels (one at a time in this process).
std::atomic<capture::Source*> g_active{nullptr};

extern "C" void onInterrupt(int) {
    if (auto* s = g_active.load()) s->cancel(); // an atomic store: safe in a signal handler
}

bool retryable(ErrorCode code) {
    return code == ErrorCode::DeviceBusy || code == ErrorCode::DeviceIo || code == ErrorCode::DeviceTimeout;
}

/// What the officer can do about a device error (printed after the error on a terminal, and in the JSON).
const char* remedy(ErrorCode code) {
    switch (code) {
    case ErrorCode::DeviceJammed: return "clear the jam, then run the command again";
    case ErrorCode::DeviceNoDocument: return "put the document on the glass or in the feeder, then run it again";
    case ErrorCode::DeviceCoverOpen: return "close the cover, then run it again";
    case ErrorCode::DeviceBusy: return "another program is using the device; close it or retry (--retries)";
    case ErrorCode::DeviceIo: return "check the cable and power, then retry (--retries)";
    case ErrorCode::DeviceTimeout: return "the device was too slow; retry, or allow more time (--timeout)";
    case ErrorCode::DeviceGone: return "reconnect the device, then run the command again";
    case ErrorCode::DeviceNotFound: return "see `secondline devices list` for the devices present";
    default: return "";
    }
}

std::chrono::milliseconds millis(double seconds) {
    return std::chrono::milliseconds{static_cast<std::int64_t>(seconds * 1000.0)};
}

/// "8N1" and the like.
bool parseFraming(const std::string& text, capture::SerialOptions& o) {
    if (text.size() != 3 || (text[0] != '7' && text[0] != '8') || (text[2] != '1' && text[2] != '2')) return false;
    switch (text[1]) {
    case 'N': o.parity = capture::Parity::None; break;
    case 'E': o.parity = capture::Parity::Even; break;
    case 'O': o.parity = capture::Parity::Odd; break;
    default: return false;
    }
    o.dataBits = text[0] - '0';
    o.stopBits = text[2] - '0';
    return true;
}

/// "X,Y,W,H" in millimetres.
bool parseArea(const std::string& text, capture::ScanArea& area) {
    double v[4] = {};
    char tail = 0;
    if (std::sscanf(text.c_str(), "%lf,%lf,%lf,%lf%c", &v[0], &v[1], &v[2], &v[3], &tail) != 4) return false;
    area = {v[0], v[1], v[2], v[3]};
    return true;
}

int runDevicesList(bool json) {
    const auto devices = capture::listDevices();
    for (const auto& d : devices) {
        if (json)
            std::cout << app::dumpLine({{"id", d.id},
                                        {"kind", capture::sourceKindName(d.kind)},
                                        {"name", d.name},
                                        {"path", d.path}})
                      << '\n';
        else
            fmt::print("{:<32} {:<8} {}\n", d.id, capture::sourceKindName(d.kind), d.name);
    }
    if (devices.empty() && !json) fmt::print("no scanners, cameras or serial ports found\n");
    return kOk;
}

struct ScanArgs {
    std::string device;
    std::string out;
    int resolution = 300;
    bool color = false;
    std::string area;
    std::string feeder;
    std::vector<std::string> options;
    double timeout = 120.0;
    int retries = 0;
    bool progress = false;
};

} // namespace

core::Status writeNewFile(const std::string& path, std::string_view bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return core::fail(errno == EEXIST ? ErrorCode::InvalidArgument : ErrorCode::Io,
                          errno == EEXIST ? "the output file exists; it is never overwritten"
                                          : "cannot create the output file");
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const bool full = errno == ENOSPC || errno == EFBIG || errno == EDQUOT;
            ::close(fd);
            ::unlink(path.c_str());
            return core::fail(full ? ErrorCode::DiskFull : ErrorCode::Io, "writing the output file failed");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(path.c_str());
        return core::fail(ErrorCode::Io, "writing the output file failed");
    }
    return {};
}

namespace {

int runScan(const ScanArgs& a) {
    const auto ext = std::filesystem::path(a.out).extension().string();
    const bool png = ext == ".png" || ext == ".PNG";
    const bool jpeg = ext == ".jpg" || ext == ".jpeg" || ext == ".JPG" || ext == ".JPEG";
    if (!png && !jpeg) {
        printError({ErrorCode::InvalidArgument, "--out must end in .png or .jpg"});
        return kUsage;
    }
    if (std::filesystem::exists(a.out)) {
        printError({ErrorCode::InvalidArgument, "the output file exists; it is never overwritten"});
        return kUsage;
    }
    capture::SourceOptions options;
    options.deviceTimeout = millis(a.timeout);
    options.scanner.resolution = a.resolution;
    options.scanner.color = a.color;
    options.scanner.feeder = a.feeder;
    if (!a.area.empty()) {
        capture::ScanArea area;
        if (!parseArea(a.area, area)) {
            printError({ErrorCode::InvalidArgument, "--area takes X,Y,WIDTH,HEIGHT in millimetres"});
            return kUsage;
        }
        options.scanner.area = area;
    }
    for (const auto& kv : a.options) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) {
            printError({ErrorCode::InvalidArgument, "--option takes NAME=VALUE"});
            return kUsage;
        }
        options.scanner.extra.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    auto source = capture::openSource(a.device, options);
    if (!source) {
        printError(source.error());
        return exitFor(source.error());
    }
    if ((*source)->info().kind != capture::SourceKind::Scanner) {
        printError(
            {ErrorCode::InvalidArgument, "scan takes a scanner (sane:...); use mrz read for cameras and readers"});
        return kUsage;
    }
    InterruptCancels interrupt(**source);
    core::Result<capture::SourceItem> page = core::fail(ErrorCode::Internal, "not scanned");
    for (int attempt = 0;; ++attempt) {
        Progress progress("scanning", a.progress);
        (*source)->onProgress([&](double f) { progress.fraction(f); });
        if (auto s = (*source)->start(); !s)
            page = core::fail(s.error());
        else
            page = (*source)->next(millis(a.timeout));
        if (page || attempt >= a.retries || !retryable(page.error().code)) break;
        std::this_thread::sleep_for(std::chrono::seconds{1});
    }
    (*source)->stop();
    if (!page) {
        std::cout << app::dumpLine({{"device", a.device}, {"error", deviceErrorJson(page.error())}}) << '\n';
        printError(page.error());
        return exitFor(page.error());
    }
    auto bytes = png ? capture::encodePng(page->image) : capture::encodeJpeg(page->image, 92);
    if (!bytes) {
        printError(bytes.error());
        return kUsage;
    }
    if (auto s = writeNewFile(a.out, std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
        !s) {
        printError(s.error());
        return kUsage;
    }
    std::cout << app::dumpLine({{"device", a.device},
                                {"out", a.out},
                                {"width", page->image.width},
                                {"height", page->image.height},
                                {"channels", page->image.channels},
                                {"dpi", page->dpi},
                                {"bytes", bytes->size()}})
              << '\n';
    return kOk;
}

} // namespace

InterruptCancels::InterruptCancels(capture::Source& source) {
    g_active.store(&source);
    struct sigaction sa {};
    sa.sa_handler = onInterrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &m_old);
}

InterruptCancels::~InterruptCancels() {
    sigaction(SIGINT, &m_old, nullptr);
    g_active.store(nullptr);
}

nlohmann::json deviceErrorJson(const core::Error& e) {
    auto j = app::errorJson(e);
    j["retryable"] = retryable(e.code);
    if (const std::string r = remedy(e.code); !r.empty()) j["remedy"] = r;
    return j;
}

void printDeviceError(const core::Error& e) {
    printError(e);
    if (const std::string what = remedy(e.code); !what.empty()) fmt::print(stderr, "secondline: {}\n", what);
}

std::unique_ptr<capture::Source> openReadSource(const SourceReadArgs& a, int& rc) {
    std::string id;
    if (!a.camera.empty()) id = "camera:" + a.camera;
    if (!a.video.empty()) id = "video:" + a.video;
    if (!a.serial.empty()) id = "serial:" + a.serial;
    if (!a.scanner.empty()) id = a.scanner.find(':') == std::string::npos ? "sane:" + a.scanner : a.scanner;
    capture::SourceOptions options;
    options.serial.baud = a.baud;
    if (!parseFraming(a.framing, options.serial)) {
        printError({ErrorCode::InvalidArgument, "--framing takes data bits, parity and stop bits, e.g. 8N1 or 7E1"});
        rc = kUsage;
        return nullptr;
    }
    options.scanner.resolution = a.resolution;
    options.deviceTimeout = millis(a.timeout);
    auto source = capture::openSource(id, options);
    if (!source) {
        printError(source.error());
        rc = exitFor(source.error());
        return nullptr;
    }
    if (!a.scanner.empty() && (*source)->info().kind != capture::SourceKind::Scanner) {
        printError({ErrorCode::InvalidArgument, "--scanner takes a scanner id (sane:...)"});
        rc = kUsage;
        return nullptr;
    }
    return std::move(*source);
}

int documentsToRead(const capture::Source& source, const SourceReadArgs& a) {
    return source.info().kind == capture::SourceKind::Serial ? a.count : 1;
}

capture::SessionResult captureDocument(capture::Source& source, capture::MrzReader& reader, const SourceReadArgs& a,
                                       std::chrono::sys_days today) {
    Progress progress(source.info().kind == capture::SourceKind::Scanner ? "scanning" : "reading", a.progress);
    source.onProgress([&](double f) { progress.fraction(f); });
    capture::SessionOptions session;
    session.read = {.inspectionDate = today, .tryRotate = true};
    session.vote.agreeingFrames = a.agree;
    session.timeout = millis(a.timeout);
    std::size_t frames = 0;
    session.onFrame = [&](const capture::Image&, const std::optional<capture::Box>&, const capture::FrameQuality&) {
        progress.count(++frames, static_cast<std::size_t>(session.vote.maxFrames));
    };
    auto result = capture::captureMrz(source, reader, session);
    source.onProgress({});
    return result;
}

void addSourceReadOptions(CLI::App& cmd, SourceReadArgs& a) {
    auto* camera = cmd.add_option("--camera", a.camera, "Read from a camera: index (0) or device path (/dev/video0)");
    auto* video = cmd.add_option("--video", a.video, "Read from a recording: video file or image sequence (f%04d.png)");
    auto* serial = cmd.add_option("--serial", a.serial, "Read MRZ text from a document reader on a serial port");
    auto* scanner = cmd.add_option("--scanner", a.scanner, "Scan a page and read it (a sane:... id from devices list)");
    camera->excludes(video)->excludes(serial)->excludes(scanner);
    video->excludes(serial)->excludes(scanner);
    serial->excludes(scanner);
    cmd.add_option("--timeout", a.timeout, "Seconds to wait for a readable document (default 60)")
        ->check(CLI::Range(0.1, 86400.0));
    cmd.add_option("--agree", a.agree, "Camera: frames that must agree on every character")->check(CLI::Range(1, 10));
    cmd.add_option("--baud", a.baud, "Serial: baud rate (default 9600)");
    cmd.add_option("--framing", a.framing, "Serial: data bits, parity, stop bits (8N1, 7E1, 8O2, ...)");
    cmd.add_option("--count", a.count, "Serial: documents to read before stopping (default 1)")
        ->check(CLI::Range(1, 100000));
    cmd.add_option("--resolution", a.resolution, "Scanner: dots per inch (default 300)")->check(CLI::Range(50, 1200));
    cmd.add_flag("--progress", a.progress, "Show progress on standard error even when it is not a terminal");
}

int runMrzFromSource(const SourceReadArgs& a, bool json, std::chrono::sys_days today) {
    int rc = kOk;
    auto source = openReadSource(a, rc);
    if (!source) return rc;
    auto reader = capture::MrzReader::create();
    if (!reader) {
        printError(reader.error());
        return kUsage;
    }
    InterruptCancels interrupt(*source);
    for (int n = 0; n < documentsToRead(*source, a); ++n) {
        const auto r = captureDocument(*source, *reader, a, today);
        auto j = app::readingJson(source->info().id, r.reading);
        j["frames"] = r.frames;
        j["settled"] = r.settled;
        if (r.error) j["device_error"] = deviceErrorJson(*r.error);
        if (json) {
            std::cout << app::dumpLine(j) << '\n' << std::flush;
        } else {
            fmt::print("{}: {}\n", source->info().id,
                       r.reading.found ? (r.reading.document->valid() ? "valid" : "INVALID") : "not found");
            for (const auto& line : r.reading.lines) fmt::print("  {}\n", line);
        }
        if (r.error) {
            printDeviceError(*r.error);
            return std::max(rc, exitFor(*r.error));
        }
        if (!r.reading.found || !r.reading.document->valid()) rc = std::max(rc, static_cast<int>(kInvalid));
    }
    return rc;
}

void registerDeviceCommands(CLI::App& app, Context& ctx) {
    auto* devices = app.add_subcommand("devices", "Capture devices");
    devices->require_subcommand(1);
    auto listJson = std::make_shared<bool>(false);
    auto* list = devices->add_subcommand("list", "Scanners (SANE), cameras (V4L2) and serial ports present");
    list->add_flag("--json", *listJson, "One JSON object per device, one per line");
    list->callback([listJson, &ctx] { ctx.exitCode = runDevicesList(*listJson); });

    auto scanArgs = std::make_shared<ScanArgs>();
    auto* scan =
        app.add_subcommand("scan", "Scan one page to an image file (PNG or JPEG, created owner-only; never "
                                   "overwritten). Images of real documents belong in the store: prefer ingest");
    scan->add_option("--device", scanArgs->device, "Scanner id from devices list (sane:...)")->required();
    scan->add_option("--out", scanArgs->out, "New image file (.png or .jpg)")->required();
    scan->add_option("--resolution", scanArgs->resolution, "Dots per inch (default 300; the nearest supported)")
        ->check(CLI::Range(50, 1200));
    scan->add_flag("--color", scanArgs->color, "Colour (default grey)");
    scan->add_option("--area", scanArgs->area, "X,Y,WIDTH,HEIGHT in millimetres from the glass's top left");
    scan->add_option("--feeder", scanArgs->feeder, "The scanner's source, e.g. \"Automatic Document Feeder\"");
    scan->add_option("--option", scanArgs->options, "Any scanner option NAME=VALUE (repeatable)");
    scan->add_option("--timeout", scanArgs->timeout, "Seconds one page may take (default 120)")
        ->check(CLI::Range(0.1, 3600.0));
    scan->add_option("--retries", scanArgs->retries, "Retry a busy, slow or I/O-failing scanner this many times")
        ->check(CLI::Range(0, 10));
    scan->add_flag("--progress", scanArgs->progress, "Show progress on standard error even when it is not a terminal");
    scan->callback([scanArgs, &ctx] { ctx.exitCode = runScan(*scanArgs); });
}

} // namespace secondline::cli
