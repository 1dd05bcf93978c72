#pragma once
// The images stored with a record: the squared-up document and the portrait, cut out of the picture the
// MRZ was read from. Shared by the command line and the desk app.

#include <secondline/capture/document_images.h>
#include <secondline/capture/mrz_reader.h>
#include <secondline/capture/source.h>
#include <secondline/client/session.h>
#include <secondline/storage/store.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::app {

/// Cuts the document and portrait out of `frame` (where `reading` was read) and encodes them as JPEG for a
/// record of `purpose`: minimization happens here, before the store sees them, since an image the purpose
/// does not keep is never encoded and one it keeps is scaled to the pack's size. None without an imager, or
/// when the document cannot be cut out (the record is saved without images then).
[[nodiscard]] std::vector<storage::ImageDraft> recordImages(const storage::Store& store, std::string_view purpose,
                                                            capture::DocumentImager* imager,
                                                            const capture::Image& frame,
                                                            const capture::MrzReading& reading);
/// The same for a signed-in session (the desk): the limits of the pack in force as the session reads them.
[[nodiscard]] std::vector<storage::ImageDraft> recordImages(const client::Session& session, std::string_view purpose,
                                                            capture::DocumentImager* imager,
                                                            const capture::Image& frame,
                                                            const capture::MrzReading& reading);

/// How a record's source is named in the store: the kind of device ("scan", "camera", "video", "reader"),
/// never its path.
[[nodiscard]] std::string recordSourceName(capture::SourceKind kind);

} // namespace secondline::app
