#pragma once
// Adapters between capture::Image and cv::Mat. Private to capture.

#include <secondline/capture/image.h>

#include <opencv2/core.hpp>

namespace secondline::capture::detail {

/// A cv::Mat viewing the image's pixels (no copy; valid while `image` lives and is unchanged).
[[nodiscard]] cv::Mat view(const Image& image);

/// Copies a CV_8UC1 or CV_8UC3 matrix into an Image.
[[nodiscard]] Image fromMat(const cv::Mat& mat);

/// Gray copy (or view converted) of any Image.
[[nodiscard]] cv::Mat toGray(const Image& image);

/// How crisp the edges of a gray region are, 0..1: its steepest edges (99th percentile of the 3x3 Sobel
/// magnitude) against what a pixel-sharp step of the region's contrast gives (4 times the contrast). Text in
/// focus scores about 0.3 and more; defocus or motion blur pulls it down. 0 for a region without contrast.
[[nodiscard]] double edgeSharpness(const cv::Mat& gray);

} // namespace secondline::capture::detail
