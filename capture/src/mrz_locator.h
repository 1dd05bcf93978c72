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
/// Undoes the perspective of a levelled zone: the top of its first line, the bottom of its last and the
/// ends of its lines (all MRZ lines are equally long) give the quadrilateral that is warped to a rectangle.
/// Returns the input when the zone is already square to the camera or its lines cannot be traced.
[[nodiscard]] cv::Mat rectifyPerspective(const cv::Mat& level);

/// `heightPad` is the cut's height over the zone's: 1.5 normally, more when a line may have been missed.
[[nodiscard]] cv::Mat extractZone(const cv::Mat& gray, const ZoneCandidate& zone, int charHeight,
                                  float heightPad = 1.5f);

} // namespace secondline::capture::detail
