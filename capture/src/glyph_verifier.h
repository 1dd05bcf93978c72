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

    /// Replaces each symbol whose template verdict clearly disagrees with the OCR, and sets each symbol's
    /// confidence from the template margin. `gray` is the image the symbols' boxes refer to.
    void verify(const cv::Mat& gray, OcrLine& line);

private:
    GlyphVerifier();
    struct Verdict {
        char best = '?';
        float bestScore = 0.0f; ///< shape correlation (-1..1) less the size penalties
        char second = '?';
        float secondScore = 0.0f;
        std::array<float, 37> scores{}; ///< every character's score, in the order A-Z, 0-9, <
    };
    /// Scores one character's ink (from inkOf()) against every template. `capHeight` is the line's height
    /// of a capital letter in pixels (0 when unknown: no height cue).
    [[nodiscard]] Verdict classify(const cv::Mat& ink, double capHeight) const;
    /// The ink of a box: dark on light turned into 0..1 ink, cut to where it crosses half its range (the
    /// edge of a stroke, whatever the blur). Empty when the box holds no contrast.
    static cv::Mat inkOf(const cv::Mat& gray, const cv::Rect& box);

    struct Font;
    std::unique_ptr<Font> m_font;
    std::array<cv::Mat, 37> m_shape;        // each glyph's ink, scaled to one canvas, zero-mean unit-norm
    std::array<double, 37> m_aspect{};      // ink width / height
    std::array<double, 37> m_heightRatio{}; // ink height / cap height ('H'); OCR-B digits are taller
};

} // namespace secondline::capture::detail
