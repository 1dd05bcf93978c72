#pragma once
// The images that go with a record: the document cut out of the frame and squared up, and the holder's
// portrait. Both are handed to storage (encrypted there) and never written anywhere else.
//
//   auto imager = DocumentImager::create();
//   auto images = imager->extract(frame, reading);   // reading: a found MrzReading of that frame
//
// The document's outline comes from the MRZ itself: its lines have a known printed length for each format
// (10 characters per inch), which gives the scale, the orientation and the perspective, and the document's
// size is fixed by the format. That works on a cluttered desk where the document's edges do not show.

#include <secondline/capture/image.h>
#include <secondline/capture/mrz_reader.h>
#include <secondline/core/result.h>

#include <memory>
#include <optional>

namespace secondline::capture {

struct DocumentImages {
    Image document;         ///< the document squared up, at most 300 dpi (3-channel BGR)
    Image portrait;         ///< the portrait region of `document` (empty when none could be placed)
    Box portraitBox;        ///< where the portrait is in `document`
    bool faceFound = false; ///< placed by the face detector (otherwise by the format's usual layout)
};

class DocumentImager {
public:
    /// Loads OpenCV's face detector (opencv-data). Errors: OcrUnavailable when its model file is missing.
    [[nodiscard]] static core::Result<DocumentImager> create();

    DocumentImager(DocumentImager&&) noexcept;
    DocumentImager& operator=(DocumentImager&&) noexcept;
    ~DocumentImager();

    /// Errors: InvalidArgument (the reading was not found, or the frame is not the one it came from),
    /// ImageUnreadable (the document falls mostly outside the frame).
    [[nodiscard]] core::Result<DocumentImages> extract(const Image& frame, const MrzReading& reading);

private:
    struct Impl;
    explicit DocumentImager(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace secondline::capture
