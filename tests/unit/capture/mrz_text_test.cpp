// MRZ text from document readers, put together from pieces: pure logic, on a clock the test moves.

#include <secondline/capture/mrz_text.h>

#include "test_support.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <vector>

using namespace secondline::capture;
using namespace std::chrono_literals;

namespace {

const std::string kTd3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
const std::string kTd1 =
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";

std::string joined(std::string text) {
    text.erase(std::remove(text.begin(), text.end(), '\n'), text.end());
    return text;
}

// Moved from the serial source's integration tests: it needs no port.
TEST(MrzTextAssembler, BuildsZonesFromPiecesAndDropsWhatIsNotOne) {
    MrzTextAssembler a(100ms);
    std::vector<std::string> done;
    const auto t = std::chrono::steady_clock::now();
    std::string lower = kTd3;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return static_cast<char>(std::tolower(c)); });
    a.feed(lower + "\r\n", t, done); // Caps Lock on the wedge
    ASSERT_EQ(done.size(), 1U);
    EXPECT_EQ(done[0], kTd3);
    // Lines of different lengths do not make a zone.
    done.clear();
    a.feed(kTd3.substr(0, 44) + "\n" + kTd1.substr(0, 30) + "\n", t, done);
    EXPECT_TRUE(done.empty());
    EXPECT_TRUE(a.pending());
    // Overlong lines are dropped whole, and bounded.
    a.feed(std::string(10000, 'A') + "\n", t, done);
    EXPECT_TRUE(done.empty());
    EXPECT_FALSE(a.pending());
    EXPECT_GE(a.droppedLines(), 2);
    // A TD1 zone sent as one 90-character line.
    std::string joined = kTd1;
    joined.erase(std::remove(joined.begin(), joined.end(), '\n'), joined.end());
    a.feed(joined + "\n", t, done);
    ASSERT_EQ(done.size(), 1U);
    EXPECT_EQ(done[0], kTd1);
    // A partial zone older than the line timeout is not continued by later bytes.
    done.clear();
    a.feed(kTd3.substr(0, 45), t, done);
    a.feed(kTd3.substr(45) + "\n", t + 500ms, done);
    EXPECT_TRUE(done.empty());
}

TEST(MrzTextAssembler, EveryLineEndingEndsALine) {
    MrzTextAssembler a;
    std::vector<std::string> done;
    const auto t = MrzTextAssembler::Clock::time_point{} + 1h;
    for (const char* end : {"\r", "\n", "\r\n"}) {
        std::string text = kTd1;
        std::string wire;
        for (char c : text) wire += c == '\n' ? std::string(end) : std::string(1, c);
        a.feed(wire + end, t, done);
    }
    ASSERT_EQ(done.size(), 3U);
    for (const auto& d : done) EXPECT_EQ(d, kTd1);
    EXPECT_EQ(a.droppedLines(), 0) << "the LF of a CRLF is not a blank line that breaks the zone";
    EXPECT_FALSE(a.pending());
}

TEST(MrzTextAssembler, FramingAndNoiseAreDroppedAndCounted) {
    MrzTextAssembler a;
    std::vector<std::string> done;
    const auto t = MrzTextAssembler::Clock::time_point{} + 1h;
    // STX, a space and DEL inside a line, ETX after the zone: 4 bytes dropped, the zone intact.
    const std::string line1 = kTd3.substr(0, 44), line2 = kTd3.substr(45);
    // GCC 12 at -O2 and above: bogus -Wrestrict in std::string concatenation (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
    a.feed("\x02" + line1.substr(0, 10) + " " + line1.substr(10, 10) + "\x7f" + line1.substr(20) + "\r\n", t, done);
#pragma GCC diagnostic pop
    a.feed(line2 + "\r\n\x03", t, done);
    ASSERT_EQ(done.size(), 1U);
    EXPECT_EQ(done[0], kTd3);
    EXPECT_EQ(a.droppedBytes(), 4);
    EXPECT_EQ(a.droppedLines(), 0);
}

TEST(MrzTextAssembler, ZonesOfEveryShapeAndSentAsOneLine) {
    // TD1: 3 x 30, TD2 and MRV-B: 2 x 36, TD3 and MRV-A: 2 x 44; each also as one line of 90, 72 or 88.
    const std::string td2 = std::string(36, 'A') + "\n" + std::string(36, '<');
    for (const auto& zone : {kTd1, td2, kTd3}) {
        MrzTextAssembler a;
        std::vector<std::string> done;
        const auto t = MrzTextAssembler::Clock::time_point{} + 1h;
        a.feed(zone + "\n", t, done);
        a.feed(joined(zone) + "\n", t, done);
        ASSERT_EQ(done.size(), 2U) << zone;
        EXPECT_EQ(done[0], zone);
        EXPECT_EQ(done[1], zone);
    }
}

TEST(MrzTextAssembler, AStatusLineBreaksTheZoneInProgress) {
    MrzTextAssembler a;
    std::vector<std::string> done;
    const auto t = MrzTextAssembler::Clock::time_point{} + 1h;
    a.feed(kTd3.substr(0, 44) + "\r\nOK\r\n" + kTd3.substr(45) + "\r\n", t, done);
    EXPECT_TRUE(done.empty()) << "a first line, a status line, a second line: no zone";
    EXPECT_EQ(a.droppedLines(), 2) << "the status line and the first line it cut off";
    EXPECT_TRUE(a.pending()) << "the second line waits for a partner";
}

TEST(MrzTextAssembler, TheLastLineWithoutALineEndIsCompletedByTheTimeout) {
    MrzTextAssembler a(200ms);
    std::vector<std::string> done;
    const auto t = MrzTextAssembler::Clock::time_point{} + 1h;
    a.feed(kTd3, t, done); // no line end after the second line
    EXPECT_TRUE(done.empty());
    a.expire(t + 199ms, done);
    EXPECT_TRUE(done.empty()) << "not before the line timeout";
    a.expire(t + 200ms, done);
    ASSERT_EQ(done.size(), 1U);
    EXPECT_EQ(done[0], kTd3);
    EXPECT_FALSE(a.pending());
}

TEST(MrzTextAssembler, AShortLastLineIsDroppedByTheTimeoutNotCompleted) {
    MrzTextAssembler a(200ms);
    std::vector<std::string> done;
    const auto t = MrzTextAssembler::Clock::time_point{} + 1h;
    a.feed(kTd3.substr(0, 60), t, done); // the reader stops mid-line
    a.expire(t + 1s, done);
    EXPECT_TRUE(done.empty());
    EXPECT_FALSE(a.pending());
    EXPECT_EQ(a.droppedLines(), 2) << "the cut line and the first line it belonged with";
}

TEST(MrzTextAssembler, ResetForgetsWhatWasInProgress) {
    MrzTextAssembler a;
    std::vector<std::string> done;
    const auto t = MrzTextAssembler::Clock::time_point{} + 1h;
    a.feed(kTd3.substr(0, 45) + kTd3.substr(45, 10), t, done);
    EXPECT_TRUE(a.pending());
    a.reset(); // a reconnect
    EXPECT_FALSE(a.pending());
    a.feed(kTd1 + "\n", t, done);
    ASSERT_EQ(done.size(), 1U);
    EXPECT_EQ(done[0], kTd1) << "nothing from before the reset is glued on";
}

TEST(MrzTextAssembler, HostileBytesAreBoundedAndNeverAZone) {
    MrzTextAssembler a;
    std::vector<std::string> done;
    const auto t = MrzTextAssembler::Clock::time_point{} + 1h;
    std::string noise;
    std::uint32_t x = 11;
    for (int i = 0; i < 200000; ++i) {
        auto c = static_cast<char>((x = x * 1664525u + 1013904223u) >> 24);
        if (c == '\r' || c == '\n') c = 'A';
        noise += c;
    }
    a.feed(noise, t, done);
    a.feed("\n", t, done);
    EXPECT_TRUE(done.empty());
    EXPECT_FALSE(a.pending());
    EXPECT_GT(a.droppedBytes(), 100000);
}

} // namespace
