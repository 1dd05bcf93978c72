// Desk document readers that read the MRZ themselves and send it as text over a serial line (RS-232, or a
// USB serial adapter). Bytes go through MrzTextAssembler; a port that vanishes (unplugged adapter) is
// reopened until the reconnect timeout, then reported as DeviceGone.

#include "sources.h"

#include <secondline/capture/mrz_text.h>

#include <cerrno>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <thread>
#include <unistd.h>

namespace secondline::capture {

namespace {

using core::ErrorCode;
using core::fail;
using Clock = std::chrono::steady_clock;

std::optional<speed_t> speedFor(int baud) {
    switch (baud) {
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    default: return std::nullopt;
    }
}

class SerialSource final : public Source {
public:
    SerialSource(std::string path, SourceOptions options)
        : m_path(std::move(path)), m_options(std::move(options)), m_assembler(m_options.serial.lineTimeout) {}
    ~SerialSource() override { SerialSource::stop(); }

    [[nodiscard]] DeviceInfo info() const override {
        return {.id = "serial:" + m_path, .kind = SourceKind::Serial, .name = "serial document reader", .path = m_path};
    }

    [[nodiscard]] core::Status start() override {
        clearCancel();
        const auto& o = m_options.serial;
        if (!speedFor(o.baud)) return fail(ErrorCode::DeviceOptionInvalid, "unsupported baud rate");
        if (o.dataBits != 7 && o.dataBits != 8) return fail(ErrorCode::DeviceOptionInvalid, "data bits must be 7 or 8");
        if (o.stopBits != 1 && o.stopBits != 2) return fail(ErrorCode::DeviceOptionInvalid, "stop bits must be 1 or 2");
        m_stopped = false;
        m_lost = false;
        if (m_fd >= 0) return {};
        return open();
    }

    [[nodiscard]] core::Result<SourceItem> next(std::chrono::milliseconds timeout) override {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            if (!m_ready.empty()) {
                SourceItem item{.kind = SourceItem::Kind::Text,
                                .image = {},
                                .text = std::move(m_ready.front()),
                                .sequence = ++m_stats.items,
                                .dpi = 0};
                m_ready.pop_front();
                return item;
            }
            if (cancelled()) return fail(ErrorCode::DeviceCancelled, "reading cancelled");
            if (m_stopped) return SourceItem::of(SourceItem::Kind::End);
            const auto now = Clock::now();
            if (now >= deadline) return SourceItem::of(SourceItem::Kind::Idle);
            if (m_lost) {
                if (auto s = reconnect(now); !s) return fail(s.error());
                if (m_lost) {
                    std::this_thread::sleep_for(
                        std::min<Clock::duration>(std::chrono::milliseconds{100}, deadline - now));
                    continue;
                }
            }
            const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::min<Clock::duration>(deadline - now, std::chrono::milliseconds{100}));
            pollfd pfd{.fd = m_fd, .events = POLLIN, .revents = 0};
            const int ready = ::poll(&pfd, 1, static_cast<int>(std::max<std::int64_t>(wait.count(), 1)));
            if (ready < 0) {
                if (errno == EINTR) continue;
                lose();
                continue;
            }
            if (ready == 0) {
                std::vector<std::string> done;
                m_assembler.expire(Clock::now(), done);
                take(done);
                continue;
            }
            if (pfd.revents & POLLIN) {
                char buffer[4096];
                const auto n = ::read(m_fd, buffer, sizeof buffer);
                if (n > 0) {
                    std::vector<std::string> done;
                    m_assembler.feed(std::string_view(buffer, static_cast<std::size_t>(n)), Clock::now(), done);
                    take(done);
                    continue;
                }
                if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                lose(); // EIO or end of file: the other side is gone
                continue;
            }
            if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) lose();
        }
    }

    void stop() noexcept override {
        m_stopped = true;
        m_lost = false;
        closeFd();
    }

    [[nodiscard]] SourceStats stats() const override {
        auto s = m_stats;
        s.droppedBytes = m_assembler.droppedBytes();
        s.droppedLines = m_assembler.droppedLines();
        return s;
    }

private:
    void take(std::vector<std::string>& done) {
        for (auto& text : done) m_ready.push_back(std::move(text));
    }

    void closeFd() noexcept {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }

    void lose() {
        closeFd();
        m_assembler.reset(); // a line cut off by the loss cannot be completed by what comes after
        m_lost = true;
        m_lostAt = Clock::now();
        m_nextAttempt = m_lostAt;
    }

    [[nodiscard]] core::Status reconnect(Clock::time_point now) {
        if (now < m_nextAttempt) return {};
        m_nextAttempt = now + std::chrono::milliseconds{200};
        if (open()) {
            m_lost = false;
            ++m_stats.reconnects;
            return {};
        }
        if (now - m_lostAt >= m_options.serial.reconnectTimeout)
            return fail(ErrorCode::DeviceGone, "the document reader's serial port went away and did not come back");
        return {};
    }

    [[nodiscard]] core::Status open() {
        const int fd = ::open(m_path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            switch (errno) {
            case EBUSY: return fail(ErrorCode::DeviceBusy, "the serial port is in use by another program");
            case EACCES:
            case EPERM:
                return fail(ErrorCode::DeviceNotFound,
                            "no permission to open the serial port (is the user in the dialout group?)");
            default: return fail(ErrorCode::DeviceNotFound, "the serial port does not exist or cannot be opened");
            }
        }
        if (!::isatty(fd)) {
            ::close(fd);
            return fail(ErrorCode::DeviceNotFound, "that path is not a serial port");
        }
        if (::ioctl(fd, TIOCEXCL) != 0 && errno == EBUSY) {
            ::close(fd);
            return fail(ErrorCode::DeviceBusy, "the serial port is in use by another program");
        }
        termios tio{};
        if (::tcgetattr(fd, &tio) != 0) {
            ::close(fd);
            return fail(ErrorCode::DeviceIo, "cannot read the serial port's settings");
        }
        const auto& o = m_options.serial;
        ::cfmakeraw(&tio);
        tio.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
        tio.c_cflag |= CREAD | CLOCAL | (o.dataBits == 7 ? CS7 : CS8);
        if (o.parity != Parity::None) tio.c_cflag |= PARENB | (o.parity == Parity::Odd ? PARODD : 0);
        if (o.stopBits == 2) tio.c_cflag |= CSTOPB;
        tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
        if (o.parity != Parity::None) tio.c_iflag |= INPCK | ISTRIP;
        tio.c_cc[VMIN] = 0;
        tio.c_cc[VTIME] = 0;
        const speed_t speed = *speedFor(o.baud);
        if (::cfsetispeed(&tio, speed) != 0 || ::cfsetospeed(&tio, speed) != 0 || ::tcsetattr(fd, TCSANOW, &tio) != 0) {
            ::close(fd);
            return fail(ErrorCode::DeviceOptionInvalid, "the serial port refused the line settings");
        }
        m_fd = fd;
        return {};
    }

    std::string m_path;
    SourceOptions m_options;
    MrzTextAssembler m_assembler;
    std::deque<std::string> m_ready;
    int m_fd = -1;
    bool m_stopped = false;
    bool m_lost = false;
    Clock::time_point m_lostAt{};
    Clock::time_point m_nextAttempt{};
};

} // namespace

core::Result<std::unique_ptr<Source>> openSerialSource(const std::string& path, const SourceOptions& options) {
    if (path.empty()) return fail(ErrorCode::InvalidArgument, "a serial port path is needed (serial:/dev/ttyUSB0)");
    return std::unique_ptr<Source>(std::make_unique<SerialSource>(path, options));
}

std::vector<DeviceInfo> listSerialPorts() {
    namespace fs = std::filesystem;
    std::vector<DeviceInfo> out;
    std::error_code ec;
    // Stable names first: udev's by-id links name the adapter (vendor, model, serial number).
    for (const auto& entry : fs::directory_iterator("/dev/serial/by-id", ec)) {
        const auto target = fs::canonical(entry.path(), ec);
        out.push_back({.id = "serial:" + entry.path().string(),
                       .kind = SourceKind::Serial,
                       .name = entry.path().filename().string(),
                       .path = ec ? entry.path().string() : target.string()});
    }
    for (const auto& entry : fs::directory_iterator("/sys/class/tty", ec)) {
        const auto node = entry.path().filename().string();
        const bool usb = node.rfind("ttyUSB", 0) == 0 || node.rfind("ttyACM", 0) == 0;
        // Built-in ports: only those with hardware behind them (a platform ttyS is a placeholder).
        bool builtIn = false;
        if (node.rfind("ttyS", 0) == 0) {
            const auto subsystem = fs::read_symlink(entry.path() / "device" / "subsystem", ec);
            builtIn = !ec && subsystem.filename() != "platform";
            ec.clear();
        }
        if (!usb && !builtIn) continue;
        const std::string path = "/dev/" + node;
        bool listed = false;
        for (const auto& d : out) listed = listed || d.path == path;
        if (!listed) out.push_back({.id = "serial:" + path, .kind = SourceKind::Serial, .name = node, .path = path});
    }
    return out;
}

} // namespace secondline::capture
