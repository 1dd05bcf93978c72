#pragma once
// One document from any source: a scanned page is read once; camera frames are voted (FrameVoter) until the
// reading settles; a document reader's text is parsed. The same JSON comes out whatever the source.
//
//   auto source = openSource("camera:0", {});
//   SessionResult r = captureMrz(**source, reader, {.read = {.inspectionDate = today}});
//   if (r.error) ...   // DeviceGone, DeviceJammed, ... : r.reading still holds what was captured before it
//
// The source is started and stopped by the session.

#include <secondline/capture/frame_voter.h>
#include <secondline/capture/mrz_reader.h>
#include <secondline/capture/source.h>

#include <functional>

namespace secondline::capture {

struct SessionOptions {
    ReadOptions read{};
    VoteSettings vote{};
    /// The longest the session waits for a document (a reader waiting for a swipe, a camera for a
    /// readable zone); when it passes, the session ends with what it has and DeviceTimeout.
    std::chrono::milliseconds timeout{60000};
    /// Called on the calling thread for every camera frame, with where its zone is (for a live preview with
    /// the MRZ box drawn); may be empty.
    std::function<void(const Image& frame, const std::optional<Box>& zone, const FrameQuality& quality)> onFrame{};
};

struct SessionResult {
    MrzReading reading;               ///< the scanned page's or the voted frames' reading, or the parsed text
    int frames = 0;                   ///< frames or texts used
    bool settled = false;             ///< camera: every check passed with agreement; scan and text: found
    std::optional<core::Error> error; ///< why the session stopped early (the reading keeps what came before)
    /// The picture the reading's geometry belongs to: the scanned page, or the latest camera frame that was
    /// read (for the record's document image and portrait). Empty for text from a document reader.
    Image image;
};

/// Takes one document from `source`. Never throws; a device error ends the session with `error` set.
[[nodiscard]] SessionResult captureMrz(Source& source, MrzReader& reader, const SessionOptions& options);

/// Parses a document reader's MRZ text as a reading (confidence 1 for every character: the reader vouches
/// for them, and only check digits verify them).
[[nodiscard]] MrzReading readingFromText(const std::string& text, const ReadOptions& options);

} // namespace secondline::capture
