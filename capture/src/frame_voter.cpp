#include <secondline/capture/frame_voter.h>
#include <secondline/validation/mrz_parser.h>

#include "cv_image.h"
#include "field_confidence.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace secondline::capture {

FrameQuality frameQuality(const Image& frame, const Box& zone) {
    FrameQuality q;
    if (frame.empty()) return q;
    try {
        const cv::Mat gray = detail::toGray(frame);
        cv::Rect area(zone.x, zone.y, zone.width, zone.height);
        area &= cv::Rect(0, 0, gray.cols, gray.rows);
        if (area.area() < 16) area = cv::Rect(0, 0, gray.cols, gray.rows);
        const cv::Mat region = gray(area);
        q.zoneHeight = zone.height > 0 ? zone.height : 0;
        q.glare = static_cast<double>(cv::countNonZero(region >= 250)) / static_cast<double>(region.total());
        q.sharpness = detail::edgeSharpness(region);
    } catch (const cv::Exception&) {
        return {};
    }
    return q;
}

FrameVoter::FrameVoter(MrzReader& reader, ReadOptions options, VoteSettings settings)
    : m_reader(&reader), m_options(options), m_settings(settings) {}

FrameVoter::Step FrameVoter::add(const Image& frame) {
    Step step;
    if (m_done) {
        step.done = true;
        return step;
    }
    ++m_frames;
    MrzReading reading = m_reader->read(frame, m_options);
    step.quality = frameQuality(frame, reading.found ? reading.zone : Box{});
    if (reading.found && reading.lines.size() == reading.confidence.size()) {
        double meanConfidence = 0;
        std::size_t chars = 0;
        for (const auto& line : reading.confidence)
            for (float c : line) {
                meanConfidence += c;
                ++chars;
            }
        meanConfidence = chars ? meanConfidence / static_cast<double>(chars) : 0.0;
        const double size = std::min(1.0, step.quality.zoneHeight / 60.0);
        // A reading whose checks fail counts for less: its check digits say it is wrong somewhere.
        const auto& checks = reading.document->checks;
        const double passing = checks.empty()
                                   ? 1.0
                                   : static_cast<double>(std::count_if(
                                         checks.begin(), checks.end(),
                                         [](const auto& c) { return c.status != validation::CheckStatus::Fail; })) /
                                         static_cast<double>(checks.size());
        step.quality.weight = (0.2 + 0.8 * meanConfidence) * (0.3 + 0.7 * step.quality.sharpness) *
                              (1.0 - step.quality.glare) * (0.5 + 0.5 * size) * passing * passing;
        std::vector<std::size_t> shape;
        for (const auto& l : reading.lines) shape.push_back(l.size());
        Tally& t = m_tallies[shape];
        if (t.weight.empty()) {
            for (std::size_t len : shape) {
                t.weight.emplace_back(len);
                t.count.emplace_back(len);
            }
        }
        for (std::size_t l = 0; l < shape.size(); ++l)
            for (std::size_t i = 0; i < shape[l]; ++i) {
                const char c = reading.lines[l][i];
                // Every read counts a little; a confident read of a good frame counts most.
                t.weight[l][i][c] += step.quality.weight * (0.25 + reading.confidence[l][i]);
                ++t.count[l][i][c];
            }
        t.total += step.quality.weight;
        t.last = std::move(reading);
        step.read = true;
    } else {
        m_lastMiss = std::move(reading);
    }
    const Tally* lead = leading();
    m_done = m_frames >= m_settings.maxFrames || (lead && agreed(*lead));
    step.done = m_done;
    return step;
}

bool FrameVoter::done() const noexcept {
    return m_done;
}

bool FrameVoter::settled() const {
    const Tally* lead = leading();
    return lead && agreed(*lead);
}

const FrameVoter::Tally* FrameVoter::leading() const {
    const Tally* best = nullptr;
    for (const auto& [shape, t] : m_tallies)
        if (!best || t.total > best->total) best = &t;
    return best;
}

std::vector<std::string> FrameVoter::voted(const Tally& t) const {
    std::vector<std::string> lines;
    for (const auto& line : t.weight) {
        std::string text;
        for (const auto& votes : line) {
            char best = '<';
            double top = -1;
            for (const auto& [c, w] : votes)
                if (w > top) {
                    top = w;
                    best = c;
                }
            text += best;
        }
        lines.push_back(std::move(text));
    }
    return lines;
}

bool FrameVoter::agreed(const Tally& t) const {
    const auto lines = voted(t);
    auto doc = validation::parseMrz(lines, {.inspectionDate = m_options.inspectionDate});
    if (!doc || !doc->checksPass()) return false;
    for (std::size_t l = 0; l < lines.size(); ++l)
        for (std::size_t i = 0; i < lines[l].size(); ++i) {
            const auto& votes = t.weight[l][i];
            double sum = 0;
            for (const auto& [c, w] : votes) sum += w;
            const auto count = t.count[l][i].find(lines[l][i]);
            if (count == t.count[l][i].end() || count->second < m_settings.agreeingFrames) return false;
            if (sum <= 0 || votes.at(lines[l][i]) / sum < m_settings.minShare) return false;
        }
    return true;
}

MrzReading FrameVoter::result() const {
    const Tally* lead = leading();
    if (!lead) return m_lastMiss;
    MrzReading out = lead->last;
    out.lines = voted(*lead);
    auto doc = validation::parseMrz(out.lines, {.inspectionDate = m_options.inspectionDate});
    if (!doc) {
        out.found = false;
        out.document.reset();
        out.error = core::Error{core::ErrorCode::MrzUnreadable, "the frames read could not be combined"};
        out.reason = ReadFailure::Unreadable;
        return out;
    }
    // Confidence of each character: its share of the weighted votes at its position.
    out.confidence.clear();
    for (std::size_t l = 0; l < out.lines.size(); ++l) {
        auto& row = out.confidence.emplace_back();
        for (std::size_t i = 0; i < out.lines[l].size(); ++i) {
            double sum = 0;
            for (const auto& [c, w] : lead->weight[l][i]) sum += w;
            row.push_back(sum > 0 ? static_cast<float>(lead->weight[l][i].at(out.lines[l][i]) / sum) : 0.0f);
        }
    }
    detail::setFieldConfidence(*doc, out.confidence);
    out.document = std::move(*doc);
    out.found = true;
    out.error.reset();
    out.reason.reset();
    return out;
}

} // namespace secondline::capture
