#pragma once
// MRZ text from document readers. Full-page readers read the MRZ themselves and send it as text: over a
// serial line (bytes, with the reader's own framing and line endings) or as keystrokes into the focused
// field (a "keyboard wedge"). Both arrive here a few characters at a time and leave as complete MRZs.
//
//   MrzTextAssembler assembler;
//   std::vector<std::string> done;
//   assembler.feed(bytes, now, done);   // every complete MRZ received so far, lines joined by '\n'
//   assembler.expire(now);              // when nothing arrives: drop a line cut off mid-way
//
// Rules: A-Z, 0-9 and '<' are MRZ characters (lowercase is taken as uppercase: a wedge typed with Caps Lock);
// CR, LF and CRLF end a line; every other byte (STX/ETX framing, spaces, noise) is dropped and counted. A line
// of 30, 36 or 44 characters is an MRZ line; three of 30 or two of 36 or 44 make an MRZ. A reader that sends
// the whole zone as one line (90, 72 or 88 characters) is split. A line of another length breaks the MRZ in
// progress; a line left incomplete longer than the line timeout is dropped, unless it is the last line an MRZ
// waits for and has its full length (readers that omit the final line end).

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::capture {

class MrzTextAssembler {
public:
    using Clock = std::chrono::steady_clock;

    explicit MrzTextAssembler(std::chrono::milliseconds lineTimeout = std::chrono::milliseconds{2000});

    /// Takes bytes received at `now`; appends each MRZ completed by them to `done`.
    void feed(std::string_view bytes, Clock::time_point now, std::vector<std::string>& done);
    /// Applies the line timeout at `now` (call when a wait ends with nothing received); may complete an MRZ
    /// whose last line came without a line end.
    void expire(Clock::time_point now, std::vector<std::string>& done);
    /// Forgets everything in progress (a reconnect: what was cut off cannot be completed).
    void reset();

    /// Something is held: a partial line or the first lines of an MRZ.
    [[nodiscard]] bool pending() const noexcept { return !m_line.empty() || !m_lines.empty(); }
    [[nodiscard]] int droppedBytes() const noexcept { return m_droppedBytes; }
    [[nodiscard]] int droppedLines() const noexcept { return m_droppedLines; }

private:
    void endLine(std::vector<std::string>& done);
    void addLine(std::string line, std::vector<std::string>& done);
    void dropBlock();

    std::chrono::milliseconds m_lineTimeout;
    std::string m_line;               ///< the line being received
    bool m_overlong = false;          ///< the current line outgrew any MRZ: dropped at its end
    std::vector<std::string> m_lines; ///< complete lines of the MRZ in progress (all the same length)
    Clock::time_point m_lastByte{};
    int m_droppedBytes = 0;
    int m_droppedLines = 0;
};

/// Tells a document reader typing into the desk app (a keyboard wedge) from a person typing. Readers type
/// each character within a few milliseconds of the last; people take 50 ms or more between keys even when
/// fast. Keys are held while they could be a reader's burst; once the burst is too slow or not MRZ-like
/// they are released to the focused field unchanged. After ten keys at a reader's pace, pauses up to the
/// line timeout are allowed (readers pause between lines). Auto-repeated keys are the caller's to pass by.
class WedgeDetector {
public:
    using Clock = std::chrono::steady_clock;
    struct Settings {
        std::chrono::milliseconds maxGap{30}; ///< a reader's longest pause between two keys
        std::chrono::milliseconds lineTimeout{500};
    };
    enum class Verdict {
        Hold,    ///< keep the key (and those before it) back from the focused field for now
        Release, ///< give every held key, this one included, to the focused field
        Mrz,     ///< a complete MRZ was typed: take it from mrz(); the held keys are consumed
    };

    WedgeDetector();
    explicit WedgeDetector(Settings settings);

    /// One typed key: a character, or '\n' for Enter. Returns what to do with it.
    [[nodiscard]] Verdict key(char c, Clock::time_point now);
    /// Call when no key came for maxGap: held keys that did not become an MRZ must be released.
    [[nodiscard]] bool timeout(Clock::time_point now);
    /// The keys held so far, in order (for releasing them).
    [[nodiscard]] const std::string& held() const noexcept { return m_held; }
    /// The MRZ completed by the last key (lines joined by '\n').
    [[nodiscard]] const std::string& mrz() const noexcept { return m_mrz; }
    void clear();

private:
    static constexpr std::size_t kSureBurst = 10; ///< keys at a reader's pace that prove it is a reader
    [[nodiscard]] std::chrono::milliseconds allowedGap() const noexcept;

    Settings m_settings;
    MrzTextAssembler m_assembler;
    std::string m_held;
    std::string m_mrz;
    Clock::time_point m_last{};
};

} // namespace secondline::capture
