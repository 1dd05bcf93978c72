// Frame quality (sharpness and glare) on pictures made in memory: the arithmetic the frame vote weighs
// frames by, without reading any of them.

#include <secondline/capture/frame_voter.h>

#include "test_support.h"

#include <algorithm>
#include <cstdint>
#include <vector>

using namespace secondline::capture;

namespace {

/// A grey `width` x `height` picture whose every pixel is `value`.
Image flat(int width, int height, std::uint8_t value) {
    return Image{width, height, 1,
                 std::vector<std::uint8_t>(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), value)};
}

/// Vertical bars `period` pixels apart with hard steps, or with every step smoothed over `smooth` pixels
/// (a box blur along the rows).
Image bars(int width, int height, int period, int smooth = 1) {
    Image image = flat(width, height, 0);
    auto hard = [&](int x) { return (std::clamp(x, 0, width - 1) % period) < period / 2 ? 40 : 210; };
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            int sum = 0;
            for (int k = 0; k < smooth; ++k) sum += hard(x - smooth / 2 + k);
            image.pixels[static_cast<std::size_t>(y * width + x)] = static_cast<std::uint8_t>(sum / smooth);
        }
    return image;
}

} // namespace

TEST(FrameQuality, AnEmptyFrameScoresNothing) {
    const auto q = frameQuality(Image{}, {});
    EXPECT_EQ(q.sharpness, 0.0);
    EXPECT_EQ(q.glare, 0.0);
    EXPECT_EQ(q.weight, 0.0);
}

TEST(FrameQuality, GlareIsTheShareBurntOutToWhite) {
    EXPECT_DOUBLE_EQ(frameQuality(flat(100, 80, 255), {}).glare, 1.0);
    EXPECT_DOUBLE_EQ(frameQuality(flat(100, 80, 249), {}).glare, 0.0) << "bright paper is not glare";
    Image half = flat(100, 80, 120);
    for (int y = 0; y < 40; ++y)
        for (int x = 0; x < 100; ++x) half.pixels[static_cast<std::size_t>(y * 100 + x)] = 255;
    EXPECT_DOUBLE_EQ(frameQuality(half, {}).glare, 0.5);
    // Within the zone only, when there is one.
    EXPECT_DOUBLE_EQ(frameQuality(half, {.x = 0, .y = 0, .width = 100, .height = 20}).glare, 1.0);
    EXPECT_DOUBLE_EQ(frameQuality(half, {.x = 0, .y = 50, .width = 100, .height = 20}).glare, 0.0);
    EXPECT_DOUBLE_EQ(frameQuality(half, {.x = 0, .y = 30, .width = 100, .height = 20}).glare, 0.5);
}

TEST(FrameQuality, AZoneOutsideOrTooSmallFallsBackToTheWholeFrame) {
    Image half = flat(100, 80, 120);
    for (int y = 0; y < 40; ++y)
        for (int x = 0; x < 100; ++x) half.pixels[static_cast<std::size_t>(y * 100 + x)] = 255;
    EXPECT_DOUBLE_EQ(frameQuality(half, {.x = 500, .y = 500, .width = 50, .height = 50}).glare, 0.5);
    EXPECT_DOUBLE_EQ(frameQuality(half, {.x = 0, .y = 0, .width = 3, .height = 3}).glare, 0.5);
    // Partly outside: clipped to the frame.
    EXPECT_DOUBLE_EQ(frameQuality(half, {.x = -10, .y = -10, .width = 200, .height = 50}).glare, 1.0);
}

TEST(FrameQuality, HardStepsAreSharperThanRampsAndFlatIsZero) {
    const double hard = frameQuality(bars(200, 60, 20), {}).sharpness;
    const double soft = frameQuality(bars(200, 60, 20, 7), {}).sharpness;
    EXPECT_GT(hard, 0.3) << "pixel-sharp steps";
    EXPECT_LE(hard, 1.0);
    EXPECT_GT(hard, 2 * soft);
    EXPECT_GE(soft, 0.0);
    EXPECT_EQ(frameQuality(flat(200, 60, 128), {}).sharpness, 0.0) << "no contrast, no edges";
}

TEST(FrameQuality, ZoneHeightIsTheZonesOrZero) {
    EXPECT_EQ(frameQuality(flat(100, 80, 100), {.x = 0, .y = 10, .width = 100, .height = 30}).zoneHeight, 30);
    EXPECT_EQ(frameQuality(flat(100, 80, 100), {}).zoneHeight, 0);
}
