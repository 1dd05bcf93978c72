#pragma once
// Finding candidate MRZ zones in a gray image. Private to capture.

#include <opencv2/core.hpp>

#include <vector>

namespace secondline::capture::detail {

struct ZoneCandidate {
    cv::RotatedRect area; ///< in full-resolution input coordinates
    double score = 0.0;   ///< larger is more MRZ-like
};

/// Candidate zones, best first (at most `maxCandidates`). Upright text is assumed; the caller tries turns.
[[nodiscard]] std::vector<ZoneCandidate> locateMrzZones(const cv::Mat& gray, int maxCandidates = 4);

/// The zone cut out, turned level and scaled so its characters are about `charHeight` pixels tall.
/// `heightPad` is the cut's height over the zone's: 1.5 normally, more when a line may have been missed.
[[nodiscard]] cv::Mat extractZone(const cv::Mat& gray, const ZoneCandidate& zone, int charHeight,
                                  float heightPad = 1.5f);

} // namespace secondline::capture::detail
