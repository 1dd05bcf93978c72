#pragma once
// Reading the MRZ from an image: find the zone, correct its orientation and skew, OCR it with Tesseract
// restricted to the MRZ alphabet, then parse and check it with validation.
//
//   auto reader = MrzReader::create();            // loads the OCR model: do it once
//   MrzReading r = reader->read(image, {.inspectionDate = today});
//   if (r.found) use(r.document->documentNumber());  // r.document is present whenever found is true
//
// "Report, don't fail": a zone read with a failing check digit comes back found, with the failure in
// document->checks, so an officer can see it and correct it. Nothing is invented: an image without a
// readable MRZ comes back not found, with a reason.

#include <secondline/capture/image.h>
#include <secondline/core/error.h>
#include <secondline/core/result.h>
#include <secondline/validation/travel_document.h>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::capture {

struct ReadOptions {
    /// Date of the inspection (UTC); validation sets two-digit-year centuries and expiry findings from it.
    std::chrono::sys_days inspectionDate{};
    /// Also try the image turned by 90, 180 and 270 degrees when upright finds no valid MRZ.
    bool tryRotate = true;
};

struct Box {
    int x = 0, y = 0, width = 0, height = 0;
};

struct Point {
    float x = 0, y = 0;
};

/// Why a reading found no MRZ. The names returned by readFailureName() are stable: they are in the
/// command-line JSON contract ("reason"). Never rename or reuse one; add new causes at the end.
enum class ReadFailure {
    NoMrz,      ///< "no_mrz": nothing like an MRZ in the image
    TooBlurred, ///< "too_blurred": defocus or motion
    TooSmall,   ///< "too_small": characters too few pixels high (document too far, resolution too low)
    Glare,      ///< "glare": light washed out the zone
    Partial,    ///< "partial": the zone runs off the edge of the image
    Unreadable, ///< "unreadable": an MRZ is there but its characters could not be read
};

/// Every ReadFailure, in the order of the enum.
[[nodiscard]] std::span<const ReadFailure> allReadFailures() noexcept;
/// Stable snake_case name, e.g. "no_mrz".
[[nodiscard]] std::string_view readFailureName(ReadFailure failure) noexcept;
/// The cause of a stable name (exact, case-sensitive), or nullopt.
[[nodiscard]] std::optional<ReadFailure> readFailureFrom(std::string_view name) noexcept;

struct MrzReading {
    bool found = false;             ///< an MRZ of a known format was read (check digits may still fail)
    std::vector<std::string> lines; ///< the lines as the OCR read them (also when not found, if any)
    /// Confidence (0..1) of each character of `lines`, after glyph verification and correction.
    std::vector<std::vector<float>> confidence;
    std::optional<validation::TravelDocument> document; ///< present when found
    std::optional<core::Error> error;                   ///< why not found: MrzNotFound, MrzUnreadable, ...
    /// When not found, the likely cause, so the officer knows what to change; nullopt when found.
    std::optional<ReadFailure> reason;
    int rotation = 0; ///< clockwise turn (0, 90, 180, 270) that made the zone upright
    Box zone;         ///< the zone in the input image's coordinates (bounding box)
    /// The zone's corners in the input image: top-left, top-right, bottom-right, bottom-left as the document
    /// reads (so they also give its orientation and skew).
    std::array<Point, 4> zoneCorners{};
    double elapsedMs = 0.0; ///< wall time of read()
};

struct ReaderConfig {
    enum class Model {
        Mrz,      ///< SecondLine's OCR-B model (capture/models/mrz.traineddata, legacy engine)
        StockEng, ///< Debian's stock English LSTM model, for comparison only
    };
    Model model = Model::Mrz;
    /// Empty: for Mrz, share/secondline/models found beside the program (the installed data folder, or the
    /// build tree's copy); for StockEng, Debian's tessdata folder.
    std::string modelDir;
};

/// Where an MRZ-like band is in an upright frame, without reading it: the fast check a live camera view runs
/// on every frame before handing the good ones to a reader. Nothing when the frame shows no such band.
[[nodiscard]] std::optional<Box> locateMrz(const Image& frame);

/// Owns a Tesseract engine. Create once, read many; not thread-safe (one reader per thread).
class MrzReader {
public:
    /// Errors: OcrUnavailable when the model cannot be loaded.
    [[nodiscard]] static core::Result<MrzReader> create(const ReaderConfig& config = {});

    MrzReader(MrzReader&&) noexcept;
    MrzReader& operator=(MrzReader&&) noexcept;
    ~MrzReader();

    [[nodiscard]] MrzReading read(const Image& image, const ReadOptions& options);

private:
    struct Impl;
    explicit MrzReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace secondline::capture
