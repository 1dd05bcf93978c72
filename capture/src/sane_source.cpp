// Scanners through SANE. The library is initialised once per process while any scanner source or listing
// needs it (sane_init reads the configuration, including SANE_CONFIG_DIR, at that moment).

#include "sources.h"

#include <sane/sane.h>
#include <sane/saneopts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <mutex>
#include <poll.h>

namespace secondline::capture {

namespace {

using core::ErrorCode;
using core::fail;

/// SANE, initialised on first use and kept for the life of the process. sane_exit() would unload the drivers
/// while another source or a device listing on another thread may still need them, and a driver's
/// configuration is only read at initialisation anyway.
class SaneLibrary {
public:
    static bool ready() {
        static const bool ok = [] {
            SANE_Int version = 0;
            return sane_init(&version, nullptr) == SANE_STATUS_GOOD;
        }();
        return ok;
    }
    /// SANE calls are not promised to be thread-safe: one at a time in this process.
    static std::mutex& mutex() {
        static std::mutex m;
        return m;
    }
};

core::Error saneError(SANE_Status status, std::string_view doing) {
    const std::string what(doing);
    switch (status) {
    case SANE_STATUS_CANCELLED: return {ErrorCode::DeviceCancelled, what + ": cancelled at the scanner"};
    case SANE_STATUS_DEVICE_BUSY:
        return {ErrorCode::DeviceBusy, what + ": the scanner is busy (in use by another program?); retry"};
    case SANE_STATUS_INVAL: return {ErrorCode::DeviceOptionInvalid, what + ": the scanner refused the settings"};
    case SANE_STATUS_EOF:
    case SANE_STATUS_NO_DOCS:
        return {ErrorCode::DeviceNoDocument, what + ": no document on the glass or in the feeder"};
    case SANE_STATUS_JAMMED: return {ErrorCode::DeviceJammed, what + ": document jammed; clear it and retry"};
    case SANE_STATUS_COVER_OPEN: return {ErrorCode::DeviceCoverOpen, what + ": the cover is open; close it and retry"};
    case SANE_STATUS_IO_ERROR:
        return {ErrorCode::DeviceIo, what + ": input/output error talking to the scanner; check the cable, retry"};
    case SANE_STATUS_NO_MEM: return {ErrorCode::Internal, what + ": the scanner driver ran out of memory"};
    case SANE_STATUS_ACCESS_DENIED:
        return {ErrorCode::DeviceNotFound, what + ": access to the scanner was denied (permissions)"};
    case SANE_STATUS_UNSUPPORTED: return {ErrorCode::DeviceIo, what + ": the scanner does not support this operation"};
    case SANE_STATUS_GOOD: break;
    }
    return {ErrorCode::DeviceIo, what + ": " + sane_strstatus(status)};
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

class SaneSource final : public Source {
public:
    SaneSource(std::string deviceName, SourceOptions options)
        : m_deviceName(std::move(deviceName)), m_options(std::move(options)) {}
    ~SaneSource() override { SaneSource::stop(); }

    [[nodiscard]] DeviceInfo info() const override {
        return {.id = "sane:" + m_deviceName, .kind = SourceKind::Scanner, .name = m_model, .path = m_deviceName};
    }

    [[nodiscard]] core::Status start() override {
        clearCancel();
        if (!m_handle) {
            if (!SaneLibrary::ready())
                return fail(ErrorCode::DeviceNotFound, "the SANE library could not be initialised");
            SANE_Handle handle = nullptr;
            SANE_Status status = SANE_STATUS_GOOD;
            {
                const std::lock_guard lock(SaneLibrary::mutex());
                status = sane_open(m_deviceName.c_str(), &handle);
            }
            if (status != SANE_STATUS_GOOD) {
                if (status == SANE_STATUS_INVAL || status == SANE_STATUS_IO_ERROR)
                    return fail(ErrorCode::DeviceNotFound, "no scanner with that SANE name (see devices list)");
                return fail(saneError(status, "opening the scanner"));
            }
            m_handle = handle;
            {
                const std::lock_guard lock(SaneLibrary::mutex());
                m_model = describe();
            }
            if (auto s = configure(); !s) {
                stop(); // configured fully or not at all: the next start() tries again from the options
                return s;
            }
        }
        return {};
    }

    [[nodiscard]] core::Result<SourceItem> next(std::chrono::milliseconds) override {
        if (!m_handle) return fail(ErrorCode::InvalidArgument, "the scanner source was not started");
        auto image = acquire();
        if (!image) return fail(image.error());
        SourceItem item{.kind = SourceItem::Kind::Frame,
                        .image = std::move(*image),
                        .text = {},
                        .sequence = ++m_stats.items,
                        .dpi = m_dpi};
        return item;
    }

    [[nodiscard]] core::Status setOption(const std::string& name, const std::string& value) override {
        if (m_handle) return set(name, value); // the open device keeps it for every later acquisition
        auto& extra = m_options.scanner.extra; // applied when start() opens the device
        std::erase_if(extra, [&](const auto& kv) { return kv.first == name; });
        extra.emplace_back(name, value);
        return {};
    }

    void stop() noexcept override {
        if (m_handle) {
            sane_cancel(m_handle);
            const std::lock_guard lock(SaneLibrary::mutex());
            sane_close(m_handle);
            m_handle = nullptr;
        }
    }

private:
    [[nodiscard]] std::string describe() const {
        const SANE_Device** devices = nullptr;
        if (sane_get_devices(&devices, SANE_TRUE) != SANE_STATUS_GOOD || !devices) return m_deviceName;
        for (int i = 0; devices[i]; ++i)
            if (m_deviceName == devices[i]->name)
                return std::string(devices[i]->vendor ? devices[i]->vendor : "") + " " +
                       (devices[i]->model ? devices[i]->model : "");
        return m_deviceName;
    }

    /// The option's index and descriptor by name (nothing when the device has no such option).
    [[nodiscard]] std::pair<SANE_Int, const SANE_Option_Descriptor*> find(std::string_view name) const {
        SANE_Int count = 0;
        if (sane_control_option(m_handle, 0, SANE_ACTION_GET_VALUE, &count, nullptr) != SANE_STATUS_GOOD)
            return {-1, nullptr};
        for (SANE_Int i = 1; i < count; ++i) {
            const auto* d = sane_get_option_descriptor(m_handle, i);
            if (d && d->name && name == d->name) return {i, d};
        }
        return {-1, nullptr};
    }

    [[nodiscard]] core::Status setWord(SANE_Int index, SANE_Word value, std::string_view name) {
        SANE_Int info = 0;
        const auto status = sane_control_option(m_handle, index, SANE_ACTION_SET_VALUE, &value, &info);
        if (status != SANE_STATUS_GOOD) return fail(saneError(status, "setting option " + std::string(name)));
        return {};
    }

    /// Sets an option from text, parsed by the option's type.
    [[nodiscard]] core::Status set(std::string_view name, const std::string& text) {
        const auto [index, d] = find(name);
        const std::string what = "scanner option '" + std::string(name) + "'";
        if (!d) return fail(ErrorCode::DeviceOptionInvalid, what + " does not exist on this device");
        if (!SANE_OPTION_IS_SETTABLE(d->cap)) return fail(ErrorCode::DeviceOptionInvalid, what + " cannot be set");
        if (!SANE_OPTION_IS_ACTIVE(d->cap))
            return fail(ErrorCode::DeviceOptionInvalid, what + " is inactive with the current settings");
        switch (d->type) {
        case SANE_TYPE_BOOL: {
            const auto v = lower(text);
            if (v != "yes" && v != "no" && v != "true" && v != "false" && v != "1" && v != "0")
                return fail(ErrorCode::DeviceOptionInvalid, what + " takes yes or no");
            return setWord(index, (v == "yes" || v == "true" || v == "1") ? SANE_TRUE : SANE_FALSE, name);
        }
        case SANE_TYPE_INT:
        case SANE_TYPE_FIXED: {
            if (d->size != static_cast<SANE_Int>(sizeof(SANE_Word)))
                return fail(ErrorCode::DeviceOptionInvalid, what + " is a list; not supported");
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || !std::isfinite(v) || std::fabs(v) > 1e6)
                return fail(ErrorCode::DeviceOptionInvalid, what + " takes a number");
            return setWord(index, d->type == SANE_TYPE_FIXED ? SANE_FIX(v) : static_cast<SANE_Word>(std::lround(v)),
                           name);
        }
        case SANE_TYPE_STRING: {
            if (text.size() + 1 > static_cast<std::size_t>(d->size))
                return fail(ErrorCode::DeviceOptionInvalid, what + ": value too long");
            std::string buffer(static_cast<std::size_t>(d->size), '\0');
            std::memcpy(buffer.data(), text.data(), text.size());
            SANE_Int info = 0;
            const auto status = sane_control_option(m_handle, index, SANE_ACTION_SET_VALUE, buffer.data(), &info);
            if (status != SANE_STATUS_GOOD) return fail(saneError(status, "setting " + what));
            return {};
        }
        case SANE_TYPE_BUTTON:
        case SANE_TYPE_GROUP: break;
        }
        return fail(ErrorCode::DeviceOptionInvalid, what + " cannot be set from text");
    }

    /// The supported value nearest to `wanted` for a numeric option.
    [[nodiscard]] static double nearest(const SANE_Option_Descriptor& d, double wanted) {
        const auto unfix = [&](SANE_Word w) { return d.type == SANE_TYPE_FIXED ? SANE_UNFIX(w) : double(w); };
        if (d.constraint_type == SANE_CONSTRAINT_RANGE && d.constraint.range) {
            const auto& r = *d.constraint.range;
            double v = std::clamp(wanted, unfix(r.min), unfix(r.max));
            if (r.quant > 0) v = unfix(r.min) + std::round((v - unfix(r.min)) / unfix(r.quant)) * unfix(r.quant);
            return v;
        }
        if (d.constraint_type == SANE_CONSTRAINT_WORD_LIST && d.constraint.word_list) {
            const SANE_Word* list = d.constraint.word_list;
            double best = wanted, bestGap = 1e300;
            for (SANE_Int i = 1; i <= list[0]; ++i)
                if (const double gap = std::fabs(unfix(list[i]) - wanted); gap < bestGap) {
                    bestGap = gap;
                    best = unfix(list[i]);
                }
            return best;
        }
        return wanted;
    }

    [[nodiscard]] core::Status configure() {
        const auto& o = m_options.scanner;
        // The feeder first: it can change which other options are active.
        if (!o.feeder.empty())
            if (auto s = set(SANE_NAME_SCAN_SOURCE, o.feeder); !s) return s;
        if (auto [index, d] = find(SANE_NAME_SCAN_MODE);
            d && d->type == SANE_TYPE_STRING && d->constraint_type == SANE_CONSTRAINT_STRING_LIST) {
            std::string chosen;
            for (int i = 0; d->constraint.string_list[i]; ++i) {
                const auto v = lower(d->constraint.string_list[i]);
                const bool color = v.find("color") != std::string::npos || v.find("colour") != std::string::npos;
                const bool gray = v.find("gray") != std::string::npos || v.find("grey") != std::string::npos;
                if ((o.color ? color : gray) && chosen.empty()) chosen = d->constraint.string_list[i];
            }
            if (chosen.empty())
                return fail(ErrorCode::DeviceOptionInvalid,
                            std::string("the scanner has no ") + (o.color ? "colour" : "grey") + " mode");
            if (auto s = set(SANE_NAME_SCAN_MODE, chosen); !s) return s;
        }
        if (auto [index, d] = find(SANE_NAME_BIT_DEPTH);
            d && SANE_OPTION_IS_ACTIVE(d->cap) && SANE_OPTION_IS_SETTABLE(d->cap) && d->type == SANE_TYPE_INT)
            core::ignoreResult(
                setWord(index, static_cast<SANE_Word>(std::lround(nearest(*d, 8.0))), SANE_NAME_BIT_DEPTH),
                "8-bit depth is a preference: a scanner that refuses sends its own depth");
        if (auto [index, d] = find(SANE_NAME_SCAN_RESOLUTION); d) {
            const double dpi = nearest(*d, o.resolution);
            if (auto s = set(SANE_NAME_SCAN_RESOLUTION, std::to_string(dpi)); !s) return s;
            m_dpi = static_cast<int>(std::lround(dpi));
        } else {
            m_dpi = o.resolution;
        }
        if (o.area) {
            const auto& a = *o.area;
            if (a.x < 0 || a.y < 0 || a.width <= 0 || a.height <= 0)
                return fail(ErrorCode::DeviceOptionInvalid, "the scan area needs a positive width and height");
            const std::pair<const char*, double> corners[] = {{SANE_NAME_SCAN_TL_X, a.x},
                                                              {SANE_NAME_SCAN_TL_Y, a.y},
                                                              {SANE_NAME_SCAN_BR_X, a.x + a.width},
                                                              {SANE_NAME_SCAN_BR_Y, a.y + a.height}};
            for (const auto& [name, mm] : corners) {
                const auto [index, d] = find(name);
                if (!d) return fail(ErrorCode::DeviceOptionInvalid, "the scanner does not take a scan area");
                if (d->unit != SANE_UNIT_MM)
                    return fail(ErrorCode::DeviceOptionInvalid, "the scanner's area is not in millimetres");
                if (d->constraint_type == SANE_CONSTRAINT_RANGE && d->constraint.range) {
                    const auto unfix = [&](SANE_Word w) {
                        return d->type == SANE_TYPE_FIXED ? SANE_UNFIX(w) : double(w);
                    };
                    if (mm < unfix(d->constraint.range->min) - 0.01 || mm > unfix(d->constraint.range->max) + 0.01)
                        return fail(ErrorCode::DeviceOptionInvalid, "the scan area runs off the scanner's glass");
                }
                if (auto s = set(name, std::to_string(mm)); !s) return s;
            }
        }
        for (const auto& [name, value] : o.extra)
            if (auto s = set(name, value); !s) return s;
        return {};
    }

    /// Reads one frame's bytes. Waits for data with poll() when the backend offers a select fd, so cancel()
    /// and the device timeout are noticed even while the device is silent.
    [[nodiscard]] core::Status readFrame(const SANE_Parameters& p, std::vector<std::uint8_t>& bytes,
                                         std::chrono::steady_clock::time_point deadline) {
        const std::size_t perLine = static_cast<std::size_t>(std::max(p.bytes_per_line, 1));
        const std::size_t expected = p.lines > 0 ? perLine * static_cast<std::size_t>(p.lines) : 0;
        const std::size_t limit = static_cast<std::size_t>(kMaxImagePixels) * 3;
        SANE_Int fd = -1;
        const bool polling = sane_set_io_mode(m_handle, SANE_TRUE) == SANE_STATUS_GOOD &&
                             sane_get_select_fd(m_handle, &fd) == SANE_STATUS_GOOD && fd >= 0;
        if (!polling)
            core::ignoreResult(
                sane_set_io_mode(m_handle, SANE_FALSE),
                "a backend left non-blocking only spins this loop, which the deadline and cancel still end");
        std::vector<SANE_Byte> chunk(64 * 1024);
        for (;;) {
            if (cancelled()) return fail(ErrorCode::DeviceCancelled, "scan cancelled");
            if (std::chrono::steady_clock::now() > deadline)
                return fail(ErrorCode::DeviceTimeout, "the scanner did not finish the page in the time allowed");
            if (polling) {
                pollfd pfd{.fd = fd, .events = POLLIN, .revents = 0};
                if (::poll(&pfd, 1, 100) == 0) continue;
            }
            SANE_Int got = 0;
            const auto status = sane_read(m_handle, chunk.data(), static_cast<SANE_Int>(chunk.size()), &got);
            if (status == SANE_STATUS_EOF) return {};
            if (status != SANE_STATUS_GOOD) return fail(saneError(status, "scanning"));
            if (got > 0) {
                if (bytes.size() + static_cast<std::size_t>(got) > limit)
                    return fail(ErrorCode::ImageTooLarge, "the scanner sent more than any page can hold");
                bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + got);
                if (expected > 0) progress(std::min(1.0, double(bytes.size()) / double(expected)));
            }
        }
    }

    [[nodiscard]] core::Result<Image> acquire() {
        const auto deadline = std::chrono::steady_clock::now() + m_options.deviceTimeout;
        Image image;
        std::vector<std::vector<std::uint8_t>> bands; // three-pass scanners: one band per frame
        SANE_Parameters p{};
        for (bool last = false; !last;) {
            if (cancelled()) {
                sane_cancel(m_handle);
                return fail(ErrorCode::DeviceCancelled, "scan cancelled");
            }
            if (const auto status = sane_start(m_handle); status != SANE_STATUS_GOOD) {
                sane_cancel(m_handle);
                return fail(saneError(status, "starting the scan"));
            }
            if (const auto status = sane_get_parameters(m_handle, &p); status != SANE_STATUS_GOOD) {
                sane_cancel(m_handle);
                return fail(saneError(status, "reading the scan parameters"));
            }
            if (p.depth != 1 && p.depth != 8 && p.depth != 16) {
                sane_cancel(m_handle);
                return fail(ErrorCode::DeviceOptionInvalid, "the scanner sends a bit depth SecondLine cannot read");
            }
            if (p.format != SANE_FRAME_GRAY && p.format != SANE_FRAME_RGB && p.format != SANE_FRAME_RED &&
                p.format != SANE_FRAME_GREEN && p.format != SANE_FRAME_BLUE) {
                sane_cancel(m_handle);
                return fail(ErrorCode::DeviceOptionInvalid, "the scanner sends a frame format SecondLine cannot read");
            }
            std::vector<std::uint8_t> bytes;
            if (auto s = readFrame(p, bytes, deadline); !s) {
                sane_cancel(m_handle);
                return fail(s.error());
            }
            bands.push_back(std::move(bytes));
            last = p.last_frame == SANE_TRUE || p.format == SANE_FRAME_GRAY || p.format == SANE_FRAME_RGB ||
                   bands.size() >= 3;
        }
        if (m_options.scanner.feeder.empty()) sane_cancel(m_handle);
        progress(1.0);
        return toImage(p, bands);
    }

    [[nodiscard]] core::Result<Image> toImage(const SANE_Parameters& p,
                                              const std::vector<std::vector<std::uint8_t>>& bands) const {
        const int samples = p.format == SANE_FRAME_RGB ? 3 : 1;
        const int width = p.pixels_per_line;
        const std::size_t perLine = static_cast<std::size_t>(p.bytes_per_line);
        if (width <= 0 || perLine == 0 || bands.empty())
            return fail(ErrorCode::DeviceIo, "the scanner sent an empty page");
        const std::size_t minPerLine = p.depth == 1 ? static_cast<std::size_t>((width * samples + 7) / 8)
                                                    : static_cast<std::size_t>(width * samples * (p.depth / 8));
        if (perLine < minPerLine) return fail(ErrorCode::DeviceIo, "the scanner's line length is inconsistent");
        std::size_t lines = bands.front().size() / perLine; // what arrived, whatever the parameters promised
        for (const auto& b : bands) lines = std::min(lines, b.size() / perLine);
        if (lines == 0) return fail(ErrorCode::DeviceIo, "the scanner sent no complete line");
        if (static_cast<std::int64_t>(width) * static_cast<std::int64_t>(lines) > kMaxImagePixels)
            return fail(ErrorCode::ImageTooLarge, "the scanned page is larger than the image limit");
        const bool threePass = bands.size() == 3;
        Image image{.width = width,
                    .height = static_cast<int>(lines),
                    .channels = (samples == 3 || threePass) ? 3 : 1,
                    .pixels = {}};
        image.pixels.resize(static_cast<std::size_t>(image.width) * lines * static_cast<std::size_t>(image.channels));
        const auto sample = [&](const std::vector<std::uint8_t>& band, std::size_t y, int index) -> std::uint8_t {
            const std::uint8_t* row = band.data() + y * perLine;
            if (p.depth == 8) return row[index];
            if (p.depth == 16) {
                std::uint16_t v = 0;
                std::memcpy(&v, row + index * 2, 2); // host byte order, as SANE sends it
                return static_cast<std::uint8_t>(v >> 8);
            }
            const bool bit = (row[index / 8] >> (7 - index % 8)) & 1;
            return p.format == SANE_FRAME_GRAY ? (bit ? 0 : 255) : (bit ? 255 : 0); // 1-bit grey: 1 is black
        };
        for (std::size_t y = 0; y < lines; ++y) {
            std::uint8_t* out = image.pixels.data() + y * static_cast<std::size_t>(width * image.channels);
            for (int x = 0; x < width; ++x) {
                if (threePass) {
                    // RED, GREEN, BLUE frames in the order sent; the image is B, G, R
                    for (int c = 0; c < 3; ++c) out[x * 3 + (2 - c)] = sample(bands[static_cast<std::size_t>(c)], y, x);
                } else if (samples == 3) {
                    for (int c = 0; c < 3; ++c) out[x * 3 + (2 - c)] = sample(bands.front(), y, x * 3 + c);
                } else {
                    out[x] = sample(bands.front(), y, x);
                }
            }
        }
        return image;
    }

    std::string m_deviceName;
    SourceOptions m_options;
    SANE_Handle m_handle = nullptr;
    std::string m_model;
    int m_dpi = 0;
};

} // namespace

core::Result<std::unique_ptr<Source>> openSaneSource(const std::string& deviceName, const SourceOptions& options) {
    if (deviceName.empty()) return fail(ErrorCode::InvalidArgument, "a SANE device name is needed (sane:NAME)");
    return std::unique_ptr<Source>(std::make_unique<SaneSource>(deviceName, options));
}

std::vector<DeviceInfo> listSaneDevices() {
    std::vector<DeviceInfo> out;
    if (!SaneLibrary::ready()) return out;
    const std::lock_guard lock(SaneLibrary::mutex());
    const SANE_Device** devices = nullptr;
    if (sane_get_devices(&devices, SANE_TRUE) != SANE_STATUS_GOOD || !devices) return out;
    for (int i = 0; devices[i]; ++i) {
        const auto* d = devices[i];
        std::string name = std::string(d->vendor ? d->vendor : "") + " " + (d->model ? d->model : "");
        if (d->type && *d->type) name += std::string(" (") + d->type + ")";
        out.push_back(
            {.id = std::string("sane:") + d->name, .kind = SourceKind::Scanner, .name = name, .path = d->name});
    }
    return out;
}

} // namespace secondline::capture
