#include "fake_serial_port.h"

#include "wait_until.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <stdexcept>
#include <termios.h>
#include <unistd.h>

namespace secondline::test {

FakeReaderPort::FakeReaderPort() {
    m_master = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (m_master < 0 || ::grantpt(m_master) != 0 || ::unlockpt(m_master) != 0) {
        close();
        throw std::runtime_error("no pseudo-terminal");
    }
    m_path = ::ptsname(m_master);
}

FakeReaderPort::~FakeReaderPort() {
    close();
}

void FakeReaderPort::send(std::string_view bytes) const {
    while (!bytes.empty()) {
        const auto n = ::write(m_master, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("pty write failed");
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

bool waitUntilPortOpened(int master, std::chrono::milliseconds timeout) {
    // A pseudo-terminal starts in canonical (line-editing) mode; a serial source opening it switches it to raw.
    // The master side reads the slave's settings, so the switch is seen here. No event announces it: polled.
    return waitUntil(
        [master] {
            termios tio{};
            return ::tcgetattr(master, &tio) == 0 && (tio.c_lflag & ICANON) == 0;
        },
        timeout);
}

void FakeReaderPort::close() {
    if (m_master >= 0) ::close(m_master);
    m_master = -1;
}

} // namespace secondline::test
