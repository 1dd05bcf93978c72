#include "mrz_locator.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace secondline::capture::detail {

namespace {
constexpr int kWorkWidth = 1000; // locating runs on a copy about this wide
}

std::vector<ZoneCandidate> locateMrzZones(const cv::Mat& gray, int maxCandidates) {
    std::vector<ZoneCandidate> out;
    if (gray.empty()) return out;
    const double scale = std::min(1.0, static_cast<double>(kWorkWidth) / std::max(gray.cols, gray.rows));
    cv::Mat small;
    cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);

    // Dark, small, horizontal text on a lighter background: black-hat, then horizontal gradient.
    const int unit = std::max(3, small.cols / 80);
    cv::Mat blackhat;
    cv::morphologyEx(small, blackhat, cv::MORPH_BLACKHAT,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(unit * 2 + 1, unit + 1)));
    cv::Mat gradX;
    cv::Sobel(blackhat, gradX, CV_32F, 1, 0, 3);
    gradX = cv::abs(gradX);
    double minVal = 0, maxVal = 0;
    cv::minMaxLoc(gradX, &minVal, &maxVal);
    cv::Mat grad8;
    gradX.convertTo(grad8, CV_8U, maxVal > minVal ? 255.0 / (maxVal - minVal) : 1.0,
                    maxVal > minVal ? -minVal * 255.0 / (maxVal - minVal) : 0);
    // Join characters into lines, then lines into a zone.
    cv::morphologyEx(grad8, grad8, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(unit * 2 + 1, 3)));
    cv::Mat bin;
    cv::threshold(grad8, bin, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    cv::morphologyEx(bin, bin, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(unit * 3, unit * 2)));
    cv::erode(bin, bin, cv::Mat(), cv::Point(-1, -1), 2);
    cv::dilate(bin, bin, cv::Mat(), cv::Point(-1, -1), 2);

    // Candidates 1: whole zones, lines already joined vertically.
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(bin, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    auto addCandidate = [&](const std::vector<cv::Point>& points, double bonus) {
        cv::RotatedRect r = cv::minAreaRect(points);
        float w = r.size.width, h = r.size.height;
        float angle = r.angle;
        if (w < h) { // normalise to a wide box
            std::swap(w, h);
            angle += 90.0f;
        }
        if (angle > 45.0f) angle -= 180.0f;
        if (std::abs(angle) > 20.0f) return; // upright text only; turns are tried by the caller
        if (h < 4 || w / h < 3.0f || w < static_cast<float>(small.cols) * 0.2f) return;
        ZoneCandidate z;
        z.area = cv::RotatedRect(r.center / scale,
                                 cv::Size2f(w / static_cast<float>(scale), h / static_cast<float>(scale)), angle);
        // Prefer wide zones low in the frame: MRZs sit at the bottom of the document.
        z.score = bonus + w / static_cast<double>(small.cols) + 0.3 * (r.center.y / static_cast<double>(small.rows));
        out.push_back(z);
    };
    for (const auto& c : contours) addCandidate(c, 0.0);

    // Candidates 2: single text lines grouped into 2- or 3-line zones of equal length and even spacing.
    // This finds the zone when it sits close to other text (a TD1 card on a page).
    cv::Mat lines;
    cv::threshold(grad8, lines, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    cv::morphologyEx(lines, lines, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(unit * 2 + 1, 1)));
    cv::morphologyEx(lines, lines, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(unit, 2)));
    std::vector<std::vector<cv::Point>> lineContours;
    cv::findContours(lines, lineContours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    struct TextLine {
        cv::RotatedRect box;
        float w, h, angle;
        std::size_t contour;
    };
    std::vector<TextLine> textLines;
    for (std::size_t i = 0; i < lineContours.size(); ++i) {
        cv::RotatedRect r = cv::minAreaRect(lineContours[i]);
        float w = r.size.width, h = r.size.height, angle = r.angle;
        if (w < h) {
            std::swap(w, h);
            angle += 90.0f;
        }
        if (angle > 45.0f) angle -= 180.0f;
        if (std::abs(angle) > 20.0f || h < 2 || w / h < 8.0f || w < static_cast<float>(small.cols) * 0.15f) continue;
        textLines.push_back({r, w, h, angle, i});
    }
    std::sort(textLines.begin(), textLines.end(),
              [](const auto& a, const auto& b) { return a.box.center.y < b.box.center.y; });
    for (std::size_t i = 0; i < textLines.size(); ++i) {
        std::vector<std::size_t> group{i};
        for (std::size_t j = i + 1; j < textLines.size() && group.size() < 3; ++j) {
            const auto& prev = textLines[group.back()];
            const auto& next = textLines[j];
            const float dy = next.box.center.y - prev.box.center.y;
            if (dy > 3.0f * std::max(prev.h, next.h)) break;
            if (std::abs(next.w - prev.w) > 0.15f * prev.w || std::abs(next.angle - prev.angle) > 3.0f ||
                std::abs(next.box.center.x - prev.box.center.x) > 0.1f * prev.w || dy < 0.8f * prev.h)
                continue;
            group.push_back(j);
            std::vector<cv::Point> points;
            for (auto k : group)
                points.insert(points.end(), lineContours[textLines[k].contour].begin(),
                              lineContours[textLines[k].contour].end());
            addCandidate(points, 0.5); // grouped lines are more MRZ-like than a lone blob
        }
    }

    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
    if (static_cast<int>(out.size()) > maxCandidates) out.resize(static_cast<std::size_t>(maxCandidates));
    return out;
}

cv::Mat extractZone(const cv::Mat& gray, const ZoneCandidate& zone, int charHeight, float heightPad) {
    // Level the zone with a margin around it.
    const cv::Size2f padded(zone.area.size.width * 1.08f + 10, zone.area.size.height * heightPad + 10);
    const cv::Mat rot = cv::getRotationMatrix2D(zone.area.center, zone.area.angle, 1.0);
    cv::Mat m = rot.clone();
    m.at<double>(0, 2) += padded.width / 2.0 - zone.area.center.x;
    m.at<double>(1, 2) += padded.height / 2.0 - zone.area.center.y;
    cv::Mat level;
    cv::warpAffine(gray, level, m, cv::Size(static_cast<int>(padded.width), static_cast<int>(padded.height)),
                   cv::INTER_LINEAR, cv::BORDER_REPLICATE);

    // Measure the characters: median height of dark blobs.
    cv::Mat bin;
    cv::threshold(level, bin, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(bin, labels, stats, centroids, 8, CV_32S);
    std::vector<int> heights;
    for (int i = 1; i < n; ++i) {
        const int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
        const int w = stats.at<int>(i, cv::CC_STAT_WIDTH);
        if (h >= 4 && h < level.rows && w < h * 2) heights.push_back(h);
    }
    double factor = 1.0;
    if (!heights.empty()) {
        std::nth_element(heights.begin(), heights.begin() + static_cast<std::ptrdiff_t>(heights.size() / 2),
                         heights.end());
        const int median = heights[heights.size() / 2];
        factor = static_cast<double>(charHeight) / std::max(1, median);
    }
    factor = std::clamp(factor, 0.2, 6.0);
    cv::Mat scaled;
    cv::resize(level, scaled, cv::Size(), factor, factor, factor < 1.0 ? cv::INTER_AREA : cv::INTER_CUBIC);
    return scaled;
}

} // namespace secondline::capture::detail
