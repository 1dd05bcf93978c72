#pragma once
// The images stored with a record: the squared-up document and the portrait, cut out of the picture the
// MRZ was read from. Shared by the command line and the desk app.

#include <secondline/capture/document_images.h>
#include <secondline/capture/mrz_reader.h>
#include <secondline/capture/source.h>
#include <secondline/storage/store.h>

#include <cstdint>
#include <string>

namespace secondline::app {

/// Cuts the document and portrait out of `frame` (where `reading` was read) and stores them, as JPEG, with
/// record `recordId`. Returns how many images were stored (0 without an imager, or when the document cannot
/// be cut out); the record stands either way.
int storeRecordImages(storage::Store& store, capture::DocumentImager* imager, const capture::Image& frame,
                      const capture::MrzReading& reading, std::int64_t recordId);

/// How a record's source is named in the store: the kind of device ("scan", "camera", "video", "reader"),
/// never its path.
[[nodiscard]] std::string recordSourceName(capture::SourceKind kind);

} // namespace secondline::app
