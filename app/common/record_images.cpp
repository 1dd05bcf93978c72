#include "record_images.h"

#include <utility>

namespace secondline::app {

namespace {

/// `limitOf(purpose, kind)`: the longest side kept, none when the purpose keeps no image of that kind.
template <typename LimitOf>
std::vector<storage::ImageDraft> cutOut(const LimitOf& limitOf, std::string_view purpose,
                                        capture::DocumentImager* imager, const capture::Image& frame,
                                        const capture::MrzReading& reading) {
    std::vector<storage::ImageDraft> out;
    if (!imager || frame.empty()) return out;
    auto images = imager->extract(frame, reading);
    if (!images) return out;
    const std::pair<storage::ImageKind, const capture::Image*> parts[] = {
        {storage::ImageKind::Document, &images->document}, {storage::ImageKind::Portrait, &images->portrait}};
    for (const auto& [kind, picture] : parts) {
        if (picture->empty()) continue;
        const auto limit = limitOf(purpose, kind);
        if (!limit) continue;
        const capture::Image kept = capture::scaleToFit(*picture, *limit);
        auto jpeg = capture::encodeJpeg(kept, 85);
        if (!jpeg) continue; // an image that cannot be encoded is left out; the record is saved without it
        out.push_back({kind, "image/jpeg", kept.width, kept.height, std::move(*jpeg)});
    }
    return out;
}

} // namespace

std::vector<storage::ImageDraft> recordImages(const storage::Store& store, std::string_view purpose,
                                              capture::DocumentImager* imager, const capture::Image& frame,
                                              const capture::MrzReading& reading) {
    return cutOut([&store](std::string_view p, storage::ImageKind k) { return store.imageLimit(p, k); }, purpose,
                  imager, frame, reading);
}

std::vector<storage::ImageDraft> recordImages(const client::Session& session, std::string_view purpose,
                                              capture::DocumentImager* imager, const capture::Image& frame,
                                              const capture::MrzReading& reading) {
    return cutOut([&session](std::string_view p, storage::ImageKind k) { return session.imageLimit(p, k); }, purpose,
                  imager, frame, reading);
}

std::string recordSourceName(capture::SourceKind kind) {
    switch (kind) {
    case capture::SourceKind::Scanner: return "scan";
    case capture::SourceKind::Camera: return "camera";
    case capture::SourceKind::Video: return "video";
    case capture::SourceKind::Serial: return "reader";
    }
    return "device";
}

} // namespace secondline::app
