#include "mrz_locator.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
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

namespace {

struct Blob {
    cv::Rect box;
    double cx() const { return box.x + box.width / 2.0; }
    double cy() const { return box.y + box.height / 2.0; }
};

/// Boxes of the dark blobs of a levelled zone that could be characters: at least `minHeight` tall, less
/// than `maxHeight`, and narrower than twice their height.
std::vector<cv::Rect> characterBoxes(const cv::Mat& level, int minHeight, int maxHeight) {
    cv::Mat bin;
    cv::threshold(level, bin, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(bin, labels, stats, centroids, 8, CV_32S);
    std::vector<cv::Rect> out;
    for (int i = 1; i < n; ++i) {
        const cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                         stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
        if (r.height >= minHeight && r.height < maxHeight && r.width < r.height * 2) out.push_back(r);
    }
    return out;
}

/// Median height of the boxes (there must be at least one).
int medianHeight(const std::vector<cv::Rect>& boxes) {
    std::vector<int> heights;
    heights.reserve(boxes.size());
    for (const auto& b : boxes) heights.push_back(b.height);
    std::nth_element(heights.begin(), heights.begin() + static_cast<std::ptrdiff_t>(heights.size() / 2), heights.end());
    return heights[heights.size() / 2];
}

/// Least-squares line y = a + b x through the points.
std::pair<double, double> fitLine(const std::vector<cv::Point2d>& pts) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& p : pts) {
        sx += p.x;
        sy += p.y;
        sxx += p.x * p.x;
        sxy += p.x * p.y;
    }
    const double n = static_cast<double>(pts.size());
    const double den = n * sxx - sx * sx;
    if (std::abs(den) < 1e-9) return {sy / n, 0.0};
    const double b = (n * sxy - sx * sy) / den;
    return {(sy - b * sx) / n, b};
}

} // namespace

cv::Mat rectifyPerspective(const cv::Mat& level) {
    // Character blobs of the zone.
    const auto boxes = characterBoxes(level, 5, level.rows / 2);
    if (boxes.size() < 40) return level;
    std::vector<Blob> blobs;
    for (const auto& r : boxes) blobs.push_back({r});
    const double median = medianHeight(boxes);
    std::erase_if(blobs, [&](const Blob& b) { return b.box.height < 0.3 * median || b.box.height > 2.0 * median; });

    // Lines: blobs chained left to right by nearest vertical position (tolerates a slope).
    std::sort(blobs.begin(), blobs.end(), [](const Blob& a, const Blob& b) { return a.cx() < b.cx(); });
    std::vector<std::vector<Blob>> lines;
    for (const auto& b : blobs) {
        std::vector<Blob>* home = nullptr;
        double bestDy = 0.6 * median;
        for (auto& line : lines) {
            const double dy = std::abs(line.back().cy() - b.cy());
            if (dy < bestDy && b.cx() - line.back().cx() < 4 * median) {
                bestDy = dy;
                home = &line;
            }
        }
        if (home)
            home->push_back(b);
        else
            lines.push_back({b});
    }
    std::erase_if(lines, [](const auto& l) { return l.size() < 20; });
    if (lines.size() < 2 || lines.size() > 3) return level;
    std::sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.front().cy() < b.front().cy(); });

    // Top of the first line, bottom of the last (full-height characters only: '<' is short).
    std::vector<cv::Point2d> tops, bottoms;
    for (const auto& b : lines.front())
        if (b.box.height > 0.8 * median) tops.emplace_back(b.cx(), b.box.y);
    for (const auto& b : lines.back())
        if (b.box.height > 0.8 * median) bottoms.emplace_back(b.cx(), b.box.y + b.box.height);
    if (tops.size() < 5 || bottoms.size() < 5) return level;
    const auto [ta, tb] = fitLine(tops);
    const auto [ba, bb] = fitLine(bottoms);
    // Left and right ends: every MRZ line has the same number of characters, so the ends of the lines lie
    // on two straight lines (columns stay straight under perspective).
    const double left = lines.front().front().box.x, leftBottom = lines.back().front().box.x;
    const double right = lines.front().back().box.br().x, rightBottom = lines.back().back().box.br().x;
    const cv::Point2f tl(static_cast<float>(left), static_cast<float>(ta + tb * left));
    const cv::Point2f tr(static_cast<float>(right), static_cast<float>(ta + tb * right));
    const cv::Point2f br(static_cast<float>(rightBottom), static_cast<float>(ba + bb * rightBottom));
    const cv::Point2f bl(static_cast<float>(leftBottom), static_cast<float>(ba + bb * leftBottom));
    const double leftH = cv::norm(bl - tl), rightH = cv::norm(br - tr);
    const double topW = cv::norm(tr - tl), bottomW = cv::norm(br - bl);
    // Nearly square to the camera already: leave it (a warp costs sharpness for nothing).
    if (std::abs(leftH - rightH) < 0.04 * std::max(leftH, rightH) &&
        std::abs(topW - bottomW) < 0.01 * std::max(topW, bottomW) && std::abs(tb - bb) < 0.01)
        return level;
    if (leftH < 0.5 * rightH || rightH < 0.5 * leftH || topW < 10 * median) return level; // implausible fit

    const float width = static_cast<float>(std::max(topW, bottomW));
    const float height = static_cast<float>(std::max(leftH, rightH));
    const float mx = static_cast<float>(median), my = static_cast<float>(median);
    const std::array<cv::Point2f, 4> from{tl, tr, br, bl};
    const std::array<cv::Point2f, 4> to{
        cv::Point2f{mx, my}, {mx + width, my}, {mx + width, my + height}, {mx, my + height}};
    cv::Mat out;
    cv::warpPerspective(level, out, cv::getPerspectiveTransform(from.data(), to.data()),
                        cv::Size(static_cast<int>(width + 2 * mx), static_cast<int>(height + 2 * my)), cv::INTER_CUBIC,
                        cv::BORDER_REPLICATE);
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

    level = rectifyPerspective(level);

    // Measure the characters: median height of dark blobs.
    const auto boxes = characterBoxes(level, 4, level.rows);
    double factor = 1.0;
    if (!boxes.empty()) factor = static_cast<double>(charHeight) / std::max(1, medianHeight(boxes));
    factor = std::clamp(factor, 0.2, 6.0);
    cv::Mat scaled;
    cv::resize(level, scaled, cv::Size(), factor, factor, factor < 1.0 ? cv::INTER_AREA : cv::INTER_CUBIC);
    return scaled;
}

} // namespace secondline::capture::detail
