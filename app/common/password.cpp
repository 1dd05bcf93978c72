#include "password.h"

#include <cstdio>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace secondline::app {

using core::ErrorCode;
using core::fail;

namespace {

/// Reads up to a newline from fd into guarded memory, byte by byte (no stdio buffer keeps a copy).
core::Result<core::SecretBytes> readLine(int fd) {
    auto buffer = core::SecretBytes::allocate(kMaxPasswordBytes);
    if (!buffer) return buffer;
    std::size_t len = 0;
    bool sawAny = false;
    {
        auto w = buffer->write();
        for (;;) {
            char c = 0;
            const ssize_t n = ::read(fd, &c, 1);
            if (n < 0) return fail(ErrorCode::Io, "cannot read the password");
            if (n == 0) break;
            sawAny = true;
            if (c == '\n') break;
            if (len >= kMaxPasswordBytes) return fail(ErrorCode::InvalidArgument, "password is too long");
            w.bytes()[len++] = static_cast<std::uint8_t>(c);
        }
        if (len > 0 && w.bytes()[len - 1] == '\r') --len;
    }
    if (!sawAny) return fail(ErrorCode::InvalidArgument, "no password on standard input");
    if (len == 0) return fail(ErrorCode::InvalidArgument, "password is empty");
    auto r = buffer->read();
    return core::SecretBytes::copyOf(r.bytes().subspan(0, len));
}

} // namespace

core::Result<core::SecretBytes> readPassword(const std::string& prompt, bool fromStdin) {
    if (fromStdin) return readLine(STDIN_FILENO);
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0) return fail(ErrorCode::InvalidArgument, "no terminal for a password prompt; use --password-stdin");
    core::ignoreResult(::write(tty, prompt.data(), prompt.size()),
                       "a prompt the terminal refused still reads the password");
    termios old{};
    const bool haveTerm = tcgetattr(tty, &old) == 0;
    if (haveTerm) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    auto pw = readLine(tty);
    if (haveTerm) tcsetattr(tty, TCSAFLUSH, &old);
    core::ignoreResult(::write(tty, "\n", 1), "only moves the cursor past the unechoed password");
    ::close(tty);
    return pw;
}

} // namespace secondline::app
