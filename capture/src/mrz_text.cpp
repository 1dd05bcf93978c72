#include <secondline/capture/mrz_text.h>

#include <array>

namespace secondline::capture {

namespace {

constexpr std::size_t kLongestLine = 90; // a TD1 zone sent as one line

bool mrzChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<';
}

/// Lines an MRZ of this line length has (0: no format has lines this long).
std::size_t linesFor(std::size_t length) {
    switch (length) {
    case 30: return 3;
    case 36:
    case 44: return 2;
    default: return 0;
    }
}

/// A whole zone received as one line: its line length, else 0.
std::size_t joinedLineLength(std::size_t length) {
    switch (length) {
    case 90: return 30;
    case 72: return 36;
    case 88: return 44;
    default: return 0;
    }
}

} // namespace

MrzTextAssembler::MrzTextAssembler(std::chrono::milliseconds lineTimeout) : m_lineTimeout(lineTimeout) {}

void MrzTextAssembler::reset() {
    m_line.clear();
    m_lines.clear();
    m_overlong = false;
}

void MrzTextAssembler::dropBlock() {
    m_droppedLines += static_cast<int>(m_lines.size());
    m_lines.clear();
}

void MrzTextAssembler::addLine(std::string line, std::vector<std::string>& done) {
    if (!m_lines.empty() && m_lines.front().size() != line.size()) dropBlock();
    m_lines.push_back(std::move(line));
    if (m_lines.size() < linesFor(m_lines.front().size())) return;
    std::string text;
    for (const auto& l : m_lines) {
        if (!text.empty()) text += '\n';
        text += l;
    }
    done.push_back(std::move(text));
    m_lines.clear();
}

void MrzTextAssembler::endLine(std::vector<std::string>& done) {
    std::string line;
    line.swap(m_line);
    const bool overlong = m_overlong;
    m_overlong = false;
    if (line.empty() && !overlong) return; // the LF of a CRLF, or a blank line
    if (overlong) {
        ++m_droppedLines;
        dropBlock();
        return;
    }
    if (linesFor(line.size()) > 0) {
        addLine(std::move(line), done);
        return;
    }
    if (const auto each = joinedLineLength(line.size()); each > 0) {
        dropBlock();
        for (std::size_t at = 0; at < line.size(); at += each) addLine(line.substr(at, each), done);
        return;
    }
    ++m_droppedLines; // a reader's status line, or a line damaged in transit
    dropBlock();
}

void MrzTextAssembler::expire(Clock::time_point now, std::vector<std::string>& done) {
    if (!pending() || now - m_lastByte < m_lineTimeout) return;
    // A reader that omits the last line end: the line is complete if it is the one the MRZ waits for.
    if (!m_line.empty() && !m_overlong && !m_lines.empty() && m_line.size() == m_lines.front().size() &&
        m_lines.size() + 1 == linesFor(m_line.size())) {
        endLine(done);
        return;
    }
    if (!m_line.empty() || m_overlong) ++m_droppedLines;
    m_line.clear();
    m_overlong = false;
    dropBlock();
}

void MrzTextAssembler::feed(std::string_view bytes, Clock::time_point now, std::vector<std::string>& done) {
    if (bytes.empty()) return;
    expire(now, done); // what waited too long before these bytes is not continued by them
    m_lastByte = now;
    for (char c : bytes) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c == '\r' || c == '\n') {
            endLine(done);
        } else if (!mrzChar(c)) {
            ++m_droppedBytes;
        } else if (m_overlong) {
            // the rest of a line that is already too long to be an MRZ
        } else if (m_line.size() >= kLongestLine) {
            m_overlong = true;
            m_line.clear();
        } else {
            m_line += c;
        }
    }
}

WedgeDetector::WedgeDetector() : WedgeDetector(Settings{}) {}

WedgeDetector::WedgeDetector(Settings settings) : m_settings(settings), m_assembler(settings.lineTimeout) {}

void WedgeDetector::clear() {
    m_held.clear();
    m_assembler.reset();
}

WedgeDetector::Verdict WedgeDetector::key(char c, Clock::time_point now) {
    const char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    const bool slow = !m_held.empty() && now - m_last > allowedGap();
    const bool startsBurst = m_held.empty() && mrzChar(upper);
    const bool continuesBurst = !m_held.empty() && (mrzChar(upper) || c == '\n');
    m_last = now;
    if (slow || !(startsBurst || continuesBurst)) {
        m_held += c;
        return Verdict::Release;
    }
    m_held += c;
    std::vector<std::string> done;
    const char one[1] = {c == '\n' ? '\n' : upper};
    m_assembler.feed(std::string_view(one, 1), now, done);
    if (!done.empty()) {
        m_mrz = std::move(done.back());
        m_held.clear();
        m_assembler.reset();
        return Verdict::Mrz;
    }
    return Verdict::Hold;
}

std::chrono::milliseconds WedgeDetector::allowedGap() const noexcept {
    // Nobody types kSureBurst keys at a reader's pace: past that, a pause is a reader between lines (or a
    // busy machine), waited for as long as a line may take.
    return m_held.size() >= kSureBurst ? m_settings.lineTimeout : m_settings.maxGap;
}

bool WedgeDetector::timeout(Clock::time_point now) {
    return !m_held.empty() && now - m_last > allowedGap();
}

} // namespace secondline::capture
