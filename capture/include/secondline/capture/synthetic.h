#pragma once
// Synthetic travel documents: generated identities (never real people) drawn at true physical size with
// the MRZ in OCR-B at 10 characters per inch. Tests, benchmarks and the training sandbox all use this.

#include <secondline/capture/image.h>
#include <secondline/core/result.h>
#include <secondline/validation/mrz_writer.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace secondline::capture {

/// A random but plausible identity for `format`, reproducible from `seed`. Names are built from
/// syllables; the issuing state is ICAO's specimen state "UTO" or a real code. The birth date lies
/// 18 to 80 years and the expiry 1 month to 9 years around `today`.
[[nodiscard]] validation::MrzFields randomFields(std::uint64_t seed, validation::MrzFormat format,
                                                 std::chrono::sys_days today);

struct RenderOptions {
    int dpi = 300;            ///< output resolution; the document keeps its physical size
    bool onPage = false;      ///< lay the document on a larger white page (a flatbed scan) instead of cropping to it
    int rotation = 0;         ///< 0, 90, 180 or 270 degrees clockwise, applied last
    double skewDegrees = 0.0; ///< small rotation of the document on the page
    double blurSigma = 0.0;   ///< Gaussian defocus in output pixels
    double noiseSigma = 0.0;  ///< Gaussian noise, in grey levels
    int jpegQuality = 0;      ///< 1-100 to pass the image through JPEG; 0 to keep it lossless
    // Camera-like conditions (all off by default).
    bool onDesk = false;      ///< lay the document on a cluttered desk (with unrelated text) instead of a page
    double perspective = 0.0; ///< tilt: each corner pulled in by up to this fraction of the frame (0-0.3)
    double motionBlur = 0.0;  ///< length of a straight motion blur, in output pixels
    double unevenLight = 0.0; ///< 0-1: how much darker the far side of the frame is (a lamp to one side)
    double glare = 0.0;       ///< 0-1: strength of a specular spot on the laminate
    bool glareOnMrz = false;  ///< put the glare spot over the machine readable zone
    double contrast = 1.0;    ///< 1 as printed; lower pulls ink and paper towards grey (faded print, dim light)
    // Documents that must not read as valid.
    bool wrongCheckDigit = false; ///< print a wrong document-number check digit (ground truth shows it as printed)
    bool withoutMrz = false;      ///< leave the zone blank (a page or card without an MRZ)
    std::uint64_t seed = 1;       ///< background pattern, placement and noise
    /// Print these in the visual zone instead of the MRZ's fields: a visual zone that disagrees with the MRZ
    /// (training exercises), or a full name where the MRZ's is truncated. Dates as YYMMDD, like the MRZ's.
    std::optional<validation::MrzFields> visualFields{};
};

struct SyntheticDocument {
    Image image;                  ///< 3-channel BGR
    validation::MrzFields fields; ///< ground truth
    std::vector<std::string> mrz; ///< ground-truth MRZ lines as printed (empty with withoutMrz)
};

/// Draws documents. Holds the loaded fonts; create once, render many. Not thread-safe.
class SyntheticRenderer {
public:
    struct Fonts {
        std::string ocrb; ///< OCR-B (fonts-ocr-b)
        std::string sans; ///< visual zone font
    };
    /// Fonts from the paths set at build time. Errors: FontUnavailable.
    [[nodiscard]] static core::Result<SyntheticRenderer> create();
    [[nodiscard]] static core::Result<SyntheticRenderer> create(const Fonts& fonts);

    SyntheticRenderer(SyntheticRenderer&&) noexcept;
    SyntheticRenderer& operator=(SyntheticRenderer&&) noexcept;
    ~SyntheticRenderer();

    /// Errors: InvalidArgument (fields that do not compose into an MRZ, dpi outside 50-1200).
    [[nodiscard]] core::Result<SyntheticDocument> render(const validation::MrzFields& fields,
                                                         const RenderOptions& options);

private:
    struct Impl;
    explicit SyntheticRenderer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace secondline::capture
