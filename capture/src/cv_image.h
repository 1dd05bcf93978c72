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

} // namespace secondline::capture::detail
