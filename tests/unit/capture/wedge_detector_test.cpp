// Telling a keyboard-wedge document reader from a person typing: pure logic over key times the test chooses.

#include <secondline/capture/mrz_text.h>

#include "test_support.h"

#include <chrono>
#include <string>

using namespace secondline::capture;
using namespace std::chrono_literals;

namespace {

const std::string kTd3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
const std::string kTd1 =
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";

// Moved from the serial source's integration tests: it needs no device.
TEST(WedgeDetector, AReadersBurstBecomesAnMrzAndAPersonsTypingIsReleased) {
    WedgeDetector w;
    auto t = std::chrono::steady_clock::now();
    WedgeDetector::Verdict v = WedgeDetector::Verdict::Hold;
    std::string typed = kTd3 + "\n";
    for (char c : typed) {
        v = w.key(c, t);
        t += 3ms;
        if (v != WedgeDetector::Verdict::Hold) break;
    }
    ASSERT_EQ(v, WedgeDetector::Verdict::Mrz);
    EXPECT_EQ(w.mrz(), kTd3);
    EXPECT_TRUE(w.held().empty());

    // A person: 80 ms between keys. The first key is held until the gap shows it is a person.
    w.clear();
    EXPECT_EQ(w.key('S', t), WedgeDetector::Verdict::Hold);
    t += 80ms;
    EXPECT_TRUE(w.timeout(t));
    EXPECT_EQ(w.held(), "S");
    w.clear();
    // A key outside the MRZ alphabet releases at once.
    EXPECT_EQ(w.key('e', t), WedgeDetector::Verdict::Hold);
    EXPECT_EQ(w.key(' ', t + 1ms), WedgeDetector::Verdict::Release);
    EXPECT_EQ(w.held(), "e ");
    w.clear();
    EXPECT_EQ(w.key('-', t), WedgeDetector::Verdict::Release);

    // A reader that pauses between lines (or a machine that stalls) after a sure burst is still a reader.
    w.clear();
    for (std::size_t i = 0; i < 44; ++i) {
        ASSERT_EQ(w.key(kTd3[i], t), WedgeDetector::Verdict::Hold);
        t += i == 20 ? 200ms : 2ms;
    }
    EXPECT_EQ(w.key('\n', t), WedgeDetector::Verdict::Hold);
    t += 150ms;
    EXPECT_FALSE(w.timeout(t));
    for (std::size_t i = 45; i < kTd3.size(); ++i) {
        ASSERT_EQ(w.key(kTd3[i], t), WedgeDetector::Verdict::Hold);
        t += 2ms;
    }
    EXPECT_EQ(w.key('\n', t), WedgeDetector::Verdict::Mrz);
    // But a pause within the first few keys is a person's.
    w.clear();
    EXPECT_EQ(w.key('A', t), WedgeDetector::Verdict::Hold);
    EXPECT_EQ(w.key('B', t + 2ms), WedgeDetector::Verdict::Hold);
    EXPECT_EQ(w.key('C', t + 100ms), WedgeDetector::Verdict::Release);
    EXPECT_EQ(w.held(), "ABC");
}

TEST(WedgeDetector, ATd1ZoneTypedAtAReadersPaceIsOneMrz) {
    WedgeDetector w;
    auto t = WedgeDetector::Clock::time_point{} + 1h;
    WedgeDetector::Verdict v = WedgeDetector::Verdict::Hold;
    for (char c : kTd1 + "\n") {
        v = w.key(c, t);
        t += 5ms;
        if (v != WedgeDetector::Verdict::Hold) break;
    }
    ASSERT_EQ(v, WedgeDetector::Verdict::Mrz);
    EXPECT_EQ(w.mrz(), kTd1);
    EXPECT_TRUE(w.held().empty()) << "the reader's keys are consumed, none reach a field";
}

TEST(WedgeDetector, CapsLockTypingIsTakenAsUppercase) {
    WedgeDetector w;
    auto t = WedgeDetector::Clock::time_point{} + 1h;
    std::string lower = kTd3 + "\n";
    for (auto& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    WedgeDetector::Verdict v = WedgeDetector::Verdict::Hold;
    for (char c : lower) {
        v = w.key(c, t);
        t += 2ms;
        if (v != WedgeDetector::Verdict::Hold) break;
    }
    ASSERT_EQ(v, WedgeDetector::Verdict::Mrz);
    EXPECT_EQ(w.mrz(), kTd3);
}

TEST(WedgeDetector, TheGapLimitsComeFromTheSettings) {
    WedgeDetector w({.maxGap = 10ms, .lineTimeout = 100ms});
    auto t = WedgeDetector::Clock::time_point{} + 1h;
    EXPECT_EQ(w.key('P', t), WedgeDetector::Verdict::Hold);
    EXPECT_FALSE(w.timeout(t + 10ms)) << "a gap of exactly maxGap is still a reader's";
    EXPECT_TRUE(w.timeout(t + 11ms));
    EXPECT_EQ(w.key('<', t + 25ms), WedgeDetector::Verdict::Release) << "too slow for a reader";
    EXPECT_EQ(w.held(), "P<");
    // After a sure burst (ten keys), pauses up to the line timeout are a reader's.
    w.clear();
    for (int i = 0; i < 10; ++i) ASSERT_EQ(w.key('A', t + i * 1ms), WedgeDetector::Verdict::Hold);
    t += 9ms;
    EXPECT_FALSE(w.timeout(t + 100ms));
    EXPECT_TRUE(w.timeout(t + 101ms));
}

TEST(WedgeDetector, NothingHeldNeverTimesOut) {
    WedgeDetector w;
    const auto t = WedgeDetector::Clock::time_point{} + 1h;
    EXPECT_FALSE(w.timeout(t + 10s));
    EXPECT_EQ(w.key('-', t), WedgeDetector::Verdict::Release) << "not an MRZ character: released at once";
    w.clear();
    EXPECT_FALSE(w.timeout(t + 10s));
    EXPECT_EQ(w.key('\n', t), WedgeDetector::Verdict::Release) << "Enter alone is a person's";
}

} // namespace
