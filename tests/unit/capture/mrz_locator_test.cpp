// Finding and squaring up the MRZ band: the geometry, on synthetic pictures drawn in memory (OpenCV's own
// vector font, no files, no Tesseract). Private capture code, seen through the module's src/ folder.

#include "mrz_locator.h"

#include "test_support.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

using namespace secondline::capture::detail;

namespace {

const std::vector<std::string> kTd3Lines = {"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                                            "L898902C36UTO7408122F1204159ZE184226B<<<<<10"};
/// Two lines of full-height characters only: OpenCV's vector font draws '<' lower than letters, which OCR-B
/// does not; the perspective tests measure the tops and bottoms of characters.
const std::vector<std::string> kFullHeightLines = {"PXUTOERIKSSONXXANNAXMARIAX0123456789ABCDEFGH",
                                                   "L898902C36UTO7408122F1204159ZE184226B0000010"};

constexpr int kPaper = 235;
constexpr int kInk = 30;

/// A light page `width` x `height` with `lines` of text whose top line starts at (`left`, `top`). The
/// characters are placed at a fixed pitch, as OCR-B's are in a real zone (every line equally long).
cv::Mat page(int width, int height, const std::vector<std::string>& lines, int left, int top, double scale = 0.8,
             int thickness = 2, int lineGap = 38) {
    cv::Mat gray(height, width, CV_8UC1, cv::Scalar(kPaper));
    const double pitch = 26.0 * scale;
    for (std::size_t i = 0; i < lines.size(); ++i)
        for (std::size_t k = 0; k < lines[i].size(); ++k)
            cv::putText(
                gray, std::string(1, lines[i][k]),
                cv::Point(left + static_cast<int>(static_cast<double>(k) * pitch), top + static_cast<int>(i) * lineGap),
                cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(kInk), thickness, cv::LINE_AA);
    return gray;
}

/// Where the point `p` of `gray` lands when turned(gray, degrees).
cv::Point2f turnedPoint(const cv::Mat& gray, double degrees, cv::Point2f p) {
    const cv::Point2f centre(static_cast<float>(gray.cols) / 2.0f, static_cast<float>(gray.rows) / 2.0f);
    const cv::Mat m = cv::getRotationMatrix2D(centre, degrees, 1.0);
    return {static_cast<float>(m.at<double>(0, 0) * p.x + m.at<double>(0, 1) * p.y + m.at<double>(0, 2)),
            static_cast<float>(m.at<double>(1, 0) * p.x + m.at<double>(1, 1) * p.y + m.at<double>(1, 2))};
}

/// The centre of a rectangle.
cv::Point2f centreOf(const cv::Rect& r) {
    return {static_cast<float>(r.x) + static_cast<float>(r.width) / 2.0f,
            static_cast<float>(r.y) + static_cast<float>(r.height) / 2.0f};
}

/// The bounding box of the ink (pixels darker than mid-grey); empty when there is none.
cv::Rect inkBox(const cv::Mat& gray) {
    cv::Mat ink = gray < 128;
    std::vector<cv::Point> points;
    cv::findNonZero(ink, points);
    return points.empty() ? cv::Rect{} : cv::boundingRect(points);
}

/// `gray` turned by `degrees` about its centre (counter-clockwise on screen), paper filling the corners.
cv::Mat turned(const cv::Mat& gray, double degrees) {
    const cv::Point2f centre(static_cast<float>(gray.cols) / 2.0f, static_cast<float>(gray.rows) / 2.0f);
    cv::Mat out;
    cv::warpAffine(gray, out, cv::getRotationMatrix2D(centre, degrees, 1.0), gray.size(), cv::INTER_LINEAR,
                   cv::BORDER_CONSTANT, cv::Scalar(kPaper));
    return out;
}

/// The vertical ink extent within columns [x0, x1): its height in pixels.
int inkHeightIn(const cv::Mat& gray, int x0, int x1) {
    const cv::Rect cols(x0, 0, x1 - x0, gray.rows);
    return inkBox(gray(cols)).height;
}

} // namespace

TEST(MrzLocator, FindsTwoLinesOfTextAsOneWideZone) {
    const cv::Mat gray = page(1200, 850, kTd3Lines, 120, 700);
    const cv::Rect ink = inkBox(gray);
    const auto zones = locateMrzZones(gray);
    ASSERT_FALSE(zones.empty());
    const auto& best = zones.front();
    const float w = std::max(best.area.size.width, best.area.size.height);
    const float h = std::min(best.area.size.width, best.area.size.height);
    EXPECT_TRUE(ink.contains(cv::Point(static_cast<int>(best.area.center.x), static_cast<int>(best.area.center.y))))
        << "centre " << best.area.center << " outside the text " << ink;
    EXPECT_NEAR(w, static_cast<float>(ink.width), 0.2f * static_cast<float>(ink.width)) << "as wide as the lines";
    EXPECT_GT(h, 0.5f * static_cast<float>(ink.height)) << "both lines, not one";
    EXPECT_LT(std::abs(best.area.angle), 2.0f) << "level text, level zone";
    for (std::size_t i = 1; i < zones.size(); ++i) EXPECT_GE(zones[i - 1].score, zones[i].score) << "best first";
}

TEST(MrzLocator, ReportsTheTiltOfATiltedZoneInInputCoordinates) {
    for (double degrees : {-6.0, 6.0}) {
        const cv::Mat upright = page(1200, 850, kTd3Lines, 120, 500);
        const auto expected = turnedPoint(upright, degrees, centreOf(inkBox(upright)));
        const auto zones = locateMrzZones(turned(upright, degrees));
        ASSERT_FALSE(zones.empty()) << degrees;
        const auto& best = zones.front();
        EXPECT_NEAR(std::abs(best.area.angle), 6.0f, 1.5f) << degrees;
        EXPECT_NEAR(best.area.center.x, expected.x, 20.0f) << degrees;
        EXPECT_NEAR(best.area.center.y, expected.y, 20.0f) << degrees;
        // A page twice the size: coordinates come back at full resolution, not those of the working copy.
        const cv::Mat large = page(2400, 1700, kTd3Lines, 240, 1000, 1.6, 4, 76);
        const auto expectedLarge = turnedPoint(large, degrees, centreOf(inkBox(large)));
        const auto big = locateMrzZones(turned(large, degrees));
        ASSERT_FALSE(big.empty()) << degrees;
        EXPECT_NEAR(big.front().area.center.x, expectedLarge.x, 40.0f) << degrees;
        EXPECT_NEAR(big.front().area.center.y, expectedLarge.y, 40.0f) << degrees;
        const float wide = std::max(best.area.size.width, best.area.size.height);
        EXPECT_NEAR(std::max(big.front().area.size.width, big.front().area.size.height), 2.0f * wide, 0.25f * wide);
    }
}

TEST(MrzLocator, ABlankPageOrTextStandingUpHasNoZone) {
    EXPECT_TRUE(locateMrzZones(cv::Mat()).empty());
    EXPECT_TRUE(locateMrzZones(cv::Mat(600, 800, CV_8UC1, cv::Scalar(kPaper))).empty());
    // Upright text only: turns are the caller's to try.
    cv::Mat standing;
    cv::rotate(page(1200, 850, kTd3Lines, 120, 500), standing, cv::ROTATE_90_CLOCKWISE);
    EXPECT_TRUE(locateMrzZones(standing).empty());
}

TEST(MrzLocator, AtMostTheCandidatesAsked) {
    std::vector<std::string> many;
    for (int i = 0; i < 10; ++i) many.push_back(kTd3Lines[static_cast<std::size_t>(i % 2)]);
    const cv::Mat gray = page(1200, 1000, many, 120, 80, 0.8, 2, 90);
    EXPECT_LE(locateMrzZones(gray, 2).size(), 2U);
    EXPECT_LE(locateMrzZones(gray, 1).size(), 1U);
    EXPECT_GT(locateMrzZones(gray, 8).size(), 2U) << "the page has many line-like bands";
}

TEST(MrzLocator, ExtractZoneScalesCharactersToTheHeightAsked) {
    const cv::Mat gray = turned(page(1200, 850, kTd3Lines, 120, 500), 4.0);
    const auto zones = locateMrzZones(gray);
    ASSERT_FALSE(zones.empty());
    const cv::Mat small = extractZone(gray, zones.front(), 20);
    const cv::Mat large = extractZone(gray, zones.front(), 40);
    ASSERT_FALSE(small.empty());
    ASSERT_FALSE(large.empty());
    EXPECT_GT(small.cols, 3 * small.rows) << "a level, wide band";
    EXPECT_NEAR(static_cast<double>(large.rows) / small.rows, 2.0, 0.15);
    EXPECT_NEAR(static_cast<double>(large.cols) / small.cols, 2.0, 0.15);
    // Level: the ink at the band's left end sits as high as at its right end.
    const cv::Rect ink = inkBox(large);
    ASSERT_GT(ink.width, 100);
    const cv::Rect left = inkBox(large(cv::Rect(ink.x, 0, ink.width / 10, large.rows)));
    const cv::Rect right = inkBox(large(cv::Rect(ink.x + ink.width * 9 / 10, 0, ink.width / 10, large.rows)));
    EXPECT_NEAR(left.y, right.y, 0.1 * ink.height) << "levelled";
}

TEST(MrzLocator, RectifyLeavesASquareZoneAndTooLittleTextAlone) {
    const cv::Mat level = page(1000, 140, kFullHeightLines, 40, 50);
    const cv::Mat same = rectifyPerspective(level);
    EXPECT_EQ(same.data, level.data) << "square to the camera already: no warp";
    const cv::Mat blank(140, 1000, CV_8UC1, cv::Scalar(kPaper));
    EXPECT_EQ(rectifyPerspective(blank).data, blank.data);
    const cv::Mat oneWord = page(1000, 140, {"P<UTO"}, 40, 50);
    EXPECT_EQ(rectifyPerspective(oneWord).data, oneWord.data) << "under forty characters: lines cannot be traced";
}

TEST(MrzLocator, RectifyUndoesAKeystonedZone) {
    // The zone seen at an angle: its right end farther away, so shorter than its left.
    const cv::Mat level = page(1000, 140, kFullHeightLines, 40, 50);
    const cv::Rect ink = inkBox(level);
    const std::array<cv::Point2f, 4> from{cv::Point2f(0, 0), cv::Point2f(1000, 0), cv::Point2f(1000, 140),
                                          cv::Point2f(0, 140)};
    const std::array<cv::Point2f, 4> to{cv::Point2f(0, 0), cv::Point2f(1000, 22), cv::Point2f(1000, 118),
                                        cv::Point2f(0, 140)};
    cv::Mat keystoned;
    cv::warpPerspective(level, keystoned, cv::getPerspectiveTransform(from.data(), to.data()), level.size(),
                        cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(kPaper));
    const cv::Rect skewedInk = inkBox(keystoned);
    const int band = skewedInk.width / 10;
    const double before = static_cast<double>(inkHeightIn(keystoned, skewedInk.x, skewedInk.x + band)) /
                          inkHeightIn(keystoned, skewedInk.br().x - band, skewedInk.br().x);
    ASSERT_GT(before, 1.2) << "the test's keystone is visible";

    const cv::Mat square = rectifyPerspective(keystoned);
    ASSERT_NE(square.data, keystoned.data) << "a keystoned zone is warped";
    const cv::Rect fixedInk = inkBox(square);
    const int fixedBand = fixedInk.width / 10;
    const double after = static_cast<double>(inkHeightIn(square, fixedInk.x, fixedInk.x + fixedBand)) /
                         inkHeightIn(square, fixedInk.br().x - fixedBand, fixedInk.br().x);
    EXPECT_LT(std::abs(after - 1.0), std::abs(before - 1.0) / 2) << "before " << before << ", after " << after;
    EXPECT_NEAR(fixedInk.width, ink.width, 0.1 * ink.width) << "the lines keep their length";
}
