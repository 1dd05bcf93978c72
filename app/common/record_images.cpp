#include "record_images.h"

#include <utility>

namespace secondline::app {

int storeRecordImages(storage::Store& store, capture::DocumentImager* imager, const capture::Image& frame,
                      const capture::MrzReading& reading, std::int64_t recordId) {
    if (!imager) return 0;
    auto images = imager->extract(frame, reading);
    if (!images) return 0;
    int stored = 0;
    const std::pair<storage::ImageKind, const capture::Image*> parts[] = {
        {storage::ImageKind::Document, &images->document}, {storage::ImageKind::Portrait, &images->portrait}};
    for (const auto& [kind, picture] : parts) {
        if (picture->empty()) continue;
        auto jpeg = capture::encodeJpeg(*picture, 85);
        if (jpeg && store.addImage(recordId, kind, "image/jpeg", picture->width, picture->height, *jpeg)) ++stored;
    }
    return stored;
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
