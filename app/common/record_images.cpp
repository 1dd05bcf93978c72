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
        // Minimization: an image the purpose does not keep is not even encoded; one it keeps is scaled to the
        // policy's size before it reaches the store.
        auto limit = store.imageLimit(recordId, kind);
        if (!limit || !*limit) continue;
        const capture::Image kept = capture::scaleToFit(*picture, **limit);
        auto jpeg = capture::encodeJpeg(kept, 85);
        if (jpeg && store.addImage(recordId, kind, "image/jpeg", kept.width, kept.height, *jpeg)) ++stored;
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
