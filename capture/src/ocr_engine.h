#pragma once
// Tesseract behind a small interface. Private to capture.

#include <secondline/core/result.h>

#include <opencv2/core.hpp>

#include <memory>
#include <string>
#include <vector>

namespace secondline::capture::detail {

struct OcrSymbol {
    char character = '?';
    float confidence = 0.0f; ///< 0..1
    cv::Rect box;            ///< in the image passed to readLines
    char second = 0;         ///< runner-up reading, 0 when none
    /// Glyph-template score of every MRZ character (A-Z, 0-9, <) when the glyph verifier has seen this
    /// symbol; empty otherwise.
    std::vector<float> templateScores{};
};

struct OcrLine {
    std::string text;               ///< spaces removed
    std::vector<OcrSymbol> symbols; ///< one per character of text
};

/// Tesseract restricted to the MRZ alphabet (A-Z, 0-9, <), dictionaries off.
class OcrEngine {
public:
    enum class Engine { Legacy, Lstm };
    [[nodiscard]] static core::Result<std::unique_ptr<OcrEngine>> create(const std::string& modelDir,
                                                                         const std::string& model, Engine engine);
    ~OcrEngine();
    OcrEngine(const OcrEngine&) = delete;
    OcrEngine& operator=(const OcrEngine&) = delete;

    /// Text lines of a gray zone image, top to bottom.
    [[nodiscard]] std::vector<OcrLine> readLines(const cv::Mat& gray);

private:
    OcrEngine();
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace secondline::capture::detail
