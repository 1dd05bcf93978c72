#include "glyph_verifier.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace secondline::capture::detail {

using core::ErrorCode;
using core::fail;

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";

/// Bounding box of pixels brighter than `level`.
cv::Rect inkBox(const cv::Mat& ink, double level) {
    std::vector<cv::Point> pts;
    cv::findNonZero(ink > level, pts);
    return pts.empty() ? cv::Rect() : cv::boundingRect(pts);
}

/// `ink` centred in a cell of `size`, shifted by (dx, dy), as zero-mean unit-norm.
cv::Mat inCell(const cv::Mat& ink, cv::Size size, int dx, int dy) {
    cv::Mat cell = cv::Mat::zeros(size, CV_32F);
    const int x = (size.width - ink.cols) / 2 + dx;
    const int y = (size.height - ink.rows) / 2 + dy;
    const cv::Rect target = cv::Rect(x, y, ink.cols, ink.rows) & cv::Rect(0, 0, size.width, size.height);
    if (target.area() > 0) ink(cv::Rect(target.x - x, target.y - y, target.width, target.height)).copyTo(cell(target));
    const cv::Scalar mean = cv::mean(cell);
    cell -= mean[0];
    const double norm = cv::norm(cell);
    if (norm > 1e-6) cell /= norm;
    return cell;
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
    FT_Set_Pixel_Sizes(face, 0, 200);
    if (FT_Load_Char(face, 'H', FT_LOAD_RENDER) != 0 || face->glyph->bitmap.rows == 0)
        return fail(ErrorCode::FontUnavailable, "OCR-B font has no 'H' glyph");
    const double cap = face->glyph->bitmap.rows;
    for (std::size_t i = 0; i < 37; ++i) {
        if (FT_Get_Char_Index(face, static_cast<unsigned char>(kAlphabet[i])) == 0 ||
            FT_Load_Char(face, static_cast<unsigned char>(kAlphabet[i]), FT_LOAD_RENDER) != 0)
            return fail(ErrorCode::FontUnavailable, "OCR-B font lacks an MRZ glyph");
        v->m_heightRatio[i] = face->glyph->bitmap.rows / cap;
    }
    return v;
}

const GlyphVerifier::Templates& GlyphVerifier::templatesFor(int capHeight) {
    auto it = m_cache.find(capHeight);
    if (it != m_cache.end()) return it->second;
    FT_Face face = m_font->face;
    // Pixel size at which 'H' is capHeight tall.
    FT_Set_Pixel_Sizes(face, 0, 100);
    FT_Load_Char(face, 'H', FT_LOAD_DEFAULT);
    const double h100 = std::max(1.0, static_cast<double>(face->glyph->metrics.height) / 64.0);
    FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(std::max(4L, std::lround(100.0 * capHeight / h100))));
    Templates t;
    for (std::size_t i = 0; i < 37; ++i) {
        if (FT_Load_Char(face, static_cast<unsigned char>(kAlphabet[i]), FT_LOAD_RENDER) != 0) continue;
        const FT_Bitmap& bm = face->glyph->bitmap;
        cv::Mat glyph(static_cast<int>(bm.rows), static_cast<int>(bm.width), CV_8U);
        for (unsigned r = 0; r < bm.rows; ++r)
            std::copy_n(bm.buffer + static_cast<std::ptrdiff_t>(r) * bm.pitch, bm.width,
                        glyph.ptr<uchar>(static_cast<int>(r)));
        const cv::Rect box = inkBox(glyph, 0);
        if (box.area() == 0) continue;
        glyph(box).convertTo(t.ink[i], CV_32F, 1.0 / 255.0);
    }
    if (m_cache.size() > 64) m_cache.clear(); // bounded: a few sizes per session in practice
    return m_cache.emplace(capHeight, std::move(t)).first->second;
}

GlyphVerifier::Verdict GlyphVerifier::classify(const cv::Mat& gray, const cv::Rect& box, int capHeight) {
    Verdict verdict;
    if (capHeight < 6 || box.area() <= 0) return verdict;
    const Templates& templates = templatesFor(capHeight);
    // The sample: the OCR's box, one pixel wider each way, as ink (bright) on zero, background removed.
    const cv::Rect area = (box + cv::Size(2, 2) - cv::Point(1, 1)) & cv::Rect(0, 0, gray.cols, gray.rows);
    if (area.width < 2 || area.height < 2) return verdict;
    cv::Mat ink;
    gray(area).convertTo(ink, CV_32F, -1.0 / 255.0, 1.0);
    double lo = 0, hi = 0;
    cv::minMaxLoc(ink, &lo, &hi);
    if (hi - lo < 0.1) return verdict;
    ink = (ink - lo) / (hi - lo);
    cv::threshold(ink, ink, 0.15, 0, cv::THRESH_TOZERO);
    const cv::Rect tightBox = inkBox(ink, 0.2);
    if (tightBox.area() == 0) return verdict;
    ink = ink(tightBox).clone();

    const cv::Size cell(capHeight + 6, capHeight * 5 / 4 + 6);
    std::array<cv::Mat, 9> shifted;
    for (int k = 0; k < 9; ++k) shifted[static_cast<std::size_t>(k)] = inCell(ink, cell, k % 3 - 1, k / 3 - 1);
    verdict.bestScore = verdict.secondScore = -2.0f;
    for (std::size_t i = 0; i < templates.ink.size(); ++i) {
        if (templates.ink[i].empty()) continue;
        const cv::Mat t = inCell(templates.ink[i], cell, 0, 0);
        float score = -2.0f;
        for (const auto& s : shifted) score = std::max(score, static_cast<float>(s.dot(t)));
        if (score > verdict.bestScore) {
            verdict.second = verdict.best;
            verdict.secondScore = verdict.bestScore;
            verdict.best = kAlphabet[i];
            verdict.bestScore = score;
        } else if (score > verdict.secondScore) {
            verdict.second = kAlphabet[i];
            verdict.secondScore = score;
        }
    }
    return verdict;
}

void GlyphVerifier::verify(const cv::Mat& gray, OcrLine& line) {
    // The line's cap height: each box's height over its glyph's height in the font (digits are taller
    // than capitals in OCR-B), median over the line, so a few misread characters do not move it.
    std::vector<double> caps;
    for (const auto& s : line.symbols) {
        const char* at = std::strchr(kAlphabet, s.character);
        if (s.character == '<' || at == nullptr || s.box.height <= 0) continue;
        caps.push_back(s.box.height / m_heightRatio[static_cast<std::size_t>(at - kAlphabet)]);
    }
    if (caps.empty()) return;
    std::nth_element(caps.begin(), caps.begin() + static_cast<std::ptrdiff_t>(caps.size() / 2), caps.end());
    const int capHeight = static_cast<int>(std::lround(caps[caps.size() / 2]));
    for (std::size_t i = 0; i < line.symbols.size(); ++i) {
        auto& s = line.symbols[i];
        const Verdict v = classify(gray, s.box, capHeight);
        if (v.best == '?') continue;
        const float margin = v.bestScore - v.secondScore;
        if (v.best != s.character && margin > 0.01f) {
            s.character = v.best;
            line.text[i] = v.best;
        }
        // Confidence from how clearly the best template wins; the runner-up goes to check-digit correction.
        s.confidence = v.best == s.character ? std::clamp(margin / 0.1f, 0.0f, 1.0f) : 0.0f;
        s.second = v.second;
    }
}

} // namespace secondline::capture::detail
