#include <secondline/capture/capture_session.h>

#include <secondline/validation/mrz_parser.h>

namespace secondline::capture {

using Clock = std::chrono::steady_clock;

MrzReading readingFromText(const std::string& text, const ReadOptions& options) {
    const auto started = Clock::now();
    MrzReading reading;
    auto doc = validation::parseMrzText(text, {.inspectionDate = options.inspectionDate});
    if (doc) {
        reading.found = true;
        reading.lines = doc->lines;
        for (const auto& line : reading.lines) reading.confidence.emplace_back(line.size(), 1.0F);
        reading.document = std::move(*doc);
    } else {
        reading.error = doc.error();
        reading.reason = ReadFailure::Unreadable;
    }
    reading.elapsedMs = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    return reading;
}

SessionResult captureMrz(Source& source, MrzReader& reader, const SessionOptions& options) {
    SessionResult result;
    const auto started = Clock::now();
    if (auto s = source.start(); !s) {
        result.error = s.error();
        result.reading.error = s.error();
        return result;
    }
    FrameVoter voter(reader, options.read, options.vote);
    bool haveVote = false;
    for (;;) {
        const auto left =
            options.timeout - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
        if (left.count() <= 0) {
            result.error = core::Error{core::ErrorCode::DeviceTimeout, "no readable document within the time allowed"};
            break;
        }
        auto item = source.next(std::min(left, std::chrono::milliseconds{250}));
        if (!item) {
            result.error = item.error();
            break;
        }
        if (item->kind == SourceItem::Kind::Idle) continue;
        if (item->kind == SourceItem::Kind::End) break;
        ++result.frames;
        if (item->kind == SourceItem::Kind::Text) {
            result.reading = readingFromText(item->text, options.read);
            result.settled = result.reading.found;
            haveVote = false;
            break;
        }
        if (item->dpi > 0) { // a scanned page: one read of the whole page
            result.reading = reader.read(item->image, options.read);
            result.settled = result.reading.found;
            result.image = std::move(item->image);
            break;
        }
        const auto step = voter.add(item->image);
        haveVote = true;
        if (options.onFrame) {
            std::optional<Box> zone;
            if (step.read) zone = voter.result().zone;
            options.onFrame(item->image, zone, step.quality);
        }
        if (step.read) result.image = std::move(item->image);
        if (voter.done()) break;
    }
    if (haveVote) {
        result.reading = voter.result();
        result.settled = voter.settled();
    }
    if (!result.reading.found && !result.reading.error && result.error) result.reading.error = result.error;
    source.stop();
    result.reading.elapsedMs = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    return result;
}

} // namespace secondline::capture
