#include "glyph_verifier.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>

namespace secondline::capture::detail {

using core::ErrorCode;
using core::fail;

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";
const cv::Size kCanvas(20, 28); // every shape is compared at this size
constexpr double kRenderPixels = 160.0;
// Weights of the size cues against the shape correlation (tuned on bench/capture_accuracy).
constexpr double kAspectWeight = 0.15;
constexpr double kHeightWeight = 1.0;

// How far the best template must beat the OCR's own reading to overrule it.
constexpr float kOverrule = 0.04f;

/// Bounding box of pixels above `level`.
cv::Rect inkBox(const cv::Mat& ink, double level) {
    std::vector<cv::Point> pts;
    cv::findNonZero(ink > level, pts);
    return pts.empty() ? cv::Rect() : cv::boundingRect(pts);
}

/// Ink resized to the canvas, zero-mean, unit norm.
cv::Mat shapeOf(const cv::Mat& ink) {
    cv::Mat canvas;
    cv::resize(ink, canvas, kCanvas, 0, 0, cv::INTER_AREA);
    const cv::Scalar mean = cv::mean(canvas);
    canvas -= mean[0];
    const double norm = cv::norm(canvas);
    if (norm > 1e-6) canvas /= norm;
    return canvas;
}

} // namespace

struct GlyphVerifier::Font {
    FT_Library lib = nullptr;
    FT_Face face = nullptr;
    Font() = default;
    Font(const Font&) = delete;
    Font& operator=(const Font&) = delete;
    ~Font() {
        if (face) FT_Done_Face(face);
        if (lib) FT_Done_FreeType(lib);
    }
};

GlyphVerifier::GlyphVerifier() : m_font(std::make_unique<Font>()) {}
GlyphVerifier::~GlyphVerifier() = default;

core::Result<std::unique_ptr<GlyphVerifier>> GlyphVerifier::create(const std::string& ocrbFontPath) {
    std::unique_ptr<GlyphVerifier> v(new GlyphVerifier());
    if (FT_Init_FreeType(&v->m_font->lib) != 0 ||
        FT_New_Face(v->m_font->lib, ocrbFontPath.c_str(), 0, &v->m_font->face) != 0)
        return fail(ErrorCode::FontUnavailable, "OCR-B font cannot be loaded (install fonts-ocr-b)");
    FT_Face face = v->m_font->face;
    FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(kRenderPixels));
    double cap = 0;
    for (std::size_t i = 0; i < 37; ++i) {
        const auto ch = static_cast<unsigned char>(kAlphabet[i]);
        if (FT_Get_Char_Index(face, ch) == 0 || FT_Load_Char(face, ch, FT_LOAD_RENDER) != 0)
            return fail(ErrorCode::FontUnavailable, "OCR-B font lacks an MRZ glyph");
        const FT_Bitmap& bm = face->glyph->bitmap;
        cv::Mat glyph(static_cast<int>(bm.rows), static_cast<int>(bm.width), CV_8U);
        for (unsigned r = 0; r < bm.rows; ++r)
            std::copy_n(bm.buffer + static_cast<std::ptrdiff_t>(r) * bm.pitch, bm.width,
                        glyph.ptr<uchar>(static_cast<int>(r)));
        cv::Mat ink;
        glyph.convertTo(ink, CV_32F, 1.0 / 255.0);
        const cv::Rect box = inkBox(ink, 0.5);
        if (box.area() == 0) return fail(ErrorCode::FontUnavailable, "OCR-B font has an empty MRZ glyph");
        v->m_shape[i] = shapeOf(ink(box));
        v->m_aspect[i] = static_cast<double>(box.width) / box.height;
        v->m_heightRatio[i] = box.height;
        if (kAlphabet[i] == 'H') cap = box.height;
    }
    // Height tells digits from letters (OCR-B digits are about 8% taller than capitals), not one letter from
    // another: each class gets its mean height, so round letters' overshoot does not count against them.
    double letters = 0, digits = 0;
    for (std::size_t i = 0; i < 26; ++i) letters += v->m_heightRatio[i] / 26.0;
    for (std::size_t i = 26; i < 36; ++i) digits += v->m_heightRatio[i] / 10.0;
    for (std::size_t i = 0; i < 36; ++i) v->m_heightRatio[i] = (i < 26 ? letters : digits) / cap;
    v->m_heightRatio[36] /= cap;
    return v;
}

cv::Mat GlyphVerifier::inkOf(const cv::Mat& gray, const cv::Rect& box) {
    const cv::Rect area = (box + cv::Size(4, 4) - cv::Point(2, 2)) & cv::Rect(0, 0, gray.cols, gray.rows);
    if (area.width < 2 || area.height < 2) return {};
    cv::Mat ink;
    gray(area).convertTo(ink, CV_32F, -1.0 / 255.0, 1.0);
    double lo = 0, hi = 0;
    cv::minMaxLoc(ink, &lo, &hi);
    if (hi - lo < 0.1) return {};
    ink = (ink - lo) / (hi - lo);
    // Only the blob that the OCR's box is about: ink connected to the box's centre region, so a neighbour's
    // edge caught in the margin does not count.
    cv::Mat mask = ink > 0.5;
    cv::Mat labels;
    const int n = cv::connectedComponents(mask, labels, 8, CV_32S);
    if (n > 2) {
        const cv::Rect inner =
            cv::Rect(box.x - area.x, box.y - area.y, box.width, box.height) & cv::Rect(0, 0, ink.cols, ink.rows);
        std::vector<int> inside(static_cast<std::size_t>(n), 0), total(static_cast<std::size_t>(n), 0);
        for (int y = 0; y < labels.rows; ++y)
            for (int x = 0; x < labels.cols; ++x) {
                const int l = labels.at<int>(y, x);
                if (l == 0) continue;
                ++total[static_cast<std::size_t>(l)];
                if (inner.contains({x, y})) ++inside[static_cast<std::size_t>(l)];
            }
        cv::Mat keep = cv::Mat::zeros(mask.size(), CV_8U);
        for (int y = 0; y < labels.rows; ++y)
            for (int x = 0; x < labels.cols; ++x) {
                const auto l = static_cast<std::size_t>(labels.at<int>(y, x));
                if (l != 0 && inside[l] * 2 > total[l]) keep.at<uchar>(y, x) = 255;
            }
        mask = keep;
    }
    std::vector<cv::Point> pts;
    cv::findNonZero(mask, pts);
    if (pts.empty()) return {};
    const cv::Rect tight = cv::boundingRect(pts);
    return ink(tight).clone();
}

GlyphVerifier::Verdict GlyphVerifier::classify(const cv::Mat& ink, double capHeight) const {
    Verdict verdict;
    if (ink.empty() || ink.rows < 4) return verdict;
    const cv::Mat sample = shapeOf(ink);
    const double aspect = static_cast<double>(ink.cols) / ink.rows;
    verdict.bestScore = verdict.secondScore = -10.0f;
    for (std::size_t i = 0; i < m_shape.size(); ++i) {
        double score = sample.dot(m_shape[i]);
        score -= kAspectWeight * std::abs(std::log(aspect / m_aspect[i]));
        if (capHeight > 0) score -= kHeightWeight * std::abs(std::log(ink.rows / (capHeight * m_heightRatio[i])));
        const auto s = static_cast<float>(score);
        verdict.scores[i] = s;
        if (s > verdict.bestScore) {
            verdict.second = verdict.best;
            verdict.secondScore = verdict.bestScore;
            verdict.best = kAlphabet[i];
            verdict.bestScore = s;
        } else if (s > verdict.secondScore) {
            verdict.second = kAlphabet[i];
            verdict.secondScore = s;
        }
    }
    return verdict;
}

void GlyphVerifier::verify(const cv::Mat& gray, OcrLine& line) {
    // The line's cap height: each character's ink height over its glyph's height in the font (digits are
    // taller than capitals in OCR-B), median over the line, so a few misread characters do not move it.
    // Each character's ink is cut out once, for this estimate and for its classification below.
    std::vector<cv::Mat> inks;
    inks.reserve(line.symbols.size());
    for (const auto& s : line.symbols) inks.push_back(s.box.area() > 0 ? inkOf(gray, s.box) : cv::Mat());
    std::vector<double> caps;
    for (std::size_t i = 0; i < line.symbols.size(); ++i) {
        const auto& s = line.symbols[i];
        const char* at = std::strchr(kAlphabet, s.character);
        if (s.character == '<' || at == nullptr || inks[i].empty()) continue;
        caps.push_back(inks[i].rows / m_heightRatio[static_cast<std::size_t>(at - kAlphabet)]);
    }
    double capHeight = 0;
    if (caps.size() >= 5) {
        std::nth_element(caps.begin(), caps.begin() + static_cast<std::ptrdiff_t>(caps.size() / 2), caps.end());
        capHeight = caps[caps.size() / 2];
    }
    for (std::size_t i = 0; i < line.symbols.size(); ++i) {
        auto& s = line.symbols[i];
        const Verdict v = classify(inks[i], capHeight);
        if (v.best == '?') continue;
        const float margin = v.bestScore - v.secondScore;
        // The OCR's own reading keeps a small head start: the templates overrule it only by a clear margin.
        const char* ocrAt = std::strchr(kAlphabet, s.character);
        const float ocrScore = ocrAt ? v.scores[static_cast<std::size_t>(ocrAt - kAlphabet)] : -10.0f;
        if (v.best != s.character && v.bestScore - ocrScore > kOverrule && margin > 0.02f) {
            s.character = v.best;
            line.text[i] = v.best;
        }
        // Confidence from how clearly the best template wins; the runner-up goes to check-digit correction.
        s.confidence = v.best == s.character ? std::clamp(margin / 0.1f, 0.0f, 1.0f) : 0.0f;
        s.second = v.best == s.character ? v.second : v.best;
        s.templateScores.assign(v.scores.begin(), v.scores.end());
    }
}

} // namespace secondline::capture::detail
