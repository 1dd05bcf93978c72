#pragma once
// A document reader's end of a serial line: the master side of a pseudo-terminal. The code under test opens
// path() as its serial port; the test sends what the reader would.

#include <chrono>
#include <string>
#include <string_view>

namespace secondline::test {

/// Waits until a program has opened the slave side of the pseudo-terminal `master` and set it up as a serial
/// line (raw mode: what a terminal would make of the bytes no longer applies), at most `timeout`. True when it
/// has. Bytes sent before that could be taken as a terminal's input and changed, or echoed back.
[[nodiscard]] bool waitUntilPortOpened(int master, std::chrono::milliseconds timeout);

class FakeReaderPort {
public:
    /// A fresh pseudo-terminal; throws std::runtime_error when the system has none to give.
    FakeReaderPort();
    ~FakeReaderPort();
    FakeReaderPort(const FakeReaderPort&) = delete;
    FakeReaderPort& operator=(const FakeReaderPort&) = delete;

    /// The serial port's path (the pseudo-terminal's slave side).
    [[nodiscard]] const std::string& path() const { return m_path; }
    /// Writes every byte; throws std::runtime_error when the line is gone.
    void send(std::string_view bytes) const;
    /// waitUntilPortOpened() for this port.
    [[nodiscard]] bool waitUntilOpened(std::chrono::milliseconds timeout) const {
        return waitUntilPortOpened(m_master, timeout);
    }
    /// Unplugs the reader: the port's path goes away with the pseudo-terminal.
    void close();

private:
    int m_master = -1;
    std::string m_path;
};

} // namespace secondline::test
