#pragma once
// Checks OCR characters against OCR-B glyph templates. Private to capture.
//
// The MRZ is printed in one font. Tesseract segments and reads each line; this verifier then compares
// every character box with the 37 MRZ glyphs rendered from the OCR-B font itself at the line's own size,
// grey level against grey level, which settles the lookalikes a general classifier mixes up (O/D/0,
// B/8, S/5, I/1, Z/2, G/6).

#include <secondline/core/result.h>

#include "ocr_engine.h"

#include <opencv2/core.hpp>

#include <array>
#include <map>
#include <memory>
#include <string>

namespace secondline::capture::detail {

class GlyphVerifier {
public:
    /// Loads the font. Errors: FontUnavailable.
    [[nodiscard]] static core::Result<std::unique_ptr<GlyphVerifier>> create(const std::string& ocrbFontPath);
    ~GlyphVerifier();
    GlyphVerifier(const GlyphVerifier&) = delete;
    GlyphVerifier& operator=(const GlyphVerifier&) = delete;

    struct Verdict {
        char best = '?';
        float bestScore = 0.0f; ///< normalised correlation, -1..1
        char second = '?';
        float secondScore = 0.0f;
    };
    /// Scores one character box (grey, dark ink on light) against every template at `capHeight` pixels.
    [[nodiscard]] Verdict classify(const cv::Mat& gray, const cv::Rect& box, int capHeight);

    /// Replaces each symbol whose template verdict clearly disagrees with the OCR, and sets each symbol's
    /// confidence from the template margin. `gray` is the image the symbols' boxes refer to.
    void verify(const cv::Mat& gray, OcrLine& line);

private:
    GlyphVerifier();
    struct Templates {
        std::array<cv::Mat, 37> ink; // CV_32F, 0..1, tight around the glyph
    };
    const Templates& templatesFor(int capHeight);

    struct Font;
    std::unique_ptr<Font> m_font;
    std::array<double, 37> m_heightRatio{}; // glyph ink height / cap height ('H'); OCR-B digits are taller
    std::map<int, Templates> m_cache;
};

} // namespace secondline::capture::detail
