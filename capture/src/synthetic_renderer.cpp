#include <secondline/capture/synthetic.h>

#include "cv_image.h"
#include "document_layout.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <cmath>
#include <random>

#ifndef SECONDLINE_OCRB_FONT
#error "SECONDLINE_OCRB_FONT must be defined by the build"
#endif

namespace secondline::capture {

using core::ErrorCode;
using core::fail;
using core::Result;
using validation::MrzFormat;

namespace {

using detail::kMrzCapHeightMm;
using detail::kMrzLineMm;
using detail::kMrzPitchMm;

} // namespace

struct SyntheticRenderer::Impl {
    FT_Library library = nullptr;
    FT_Face ocrb = nullptr;
    FT_Face sans = nullptr;
    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        // Faces go before the library that owns them.
        if (ocrb) FT_Done_Face(ocrb);
        if (sans) FT_Done_Face(sans);
        if (library) FT_Done_FreeType(library);
    }

    /// Pixel size at which 'H' is `capPx` tall.
    unsigned pixelSizeForCap(FT_Face face, double capPx) {
        FT_Set_Pixel_Sizes(face, 0, 100);
        if (FT_Load_Char(face, 'H', FT_LOAD_DEFAULT) != 0) return static_cast<unsigned>(capPx * 1.4);
        const double h100 = static_cast<double>(face->glyph->metrics.height) / 64.0;
        return static_cast<unsigned>(std::max(4.0, std::round(100.0 * capPx / std::max(1.0, h100))));
    }

    /// Draws text with its baseline at y. pitch > 0 sets a fixed advance per character (MRZ).
    void drawText(cv::Mat& img, FT_Face face, unsigned pixelSize, const std::string& text, double x, double y,
                  cv::Scalar color, double pitch = 0.0) {
        FT_Set_Pixel_Sizes(face, 0, pixelSize);
        double pen = x;
        for (char ch : text) {
            if (FT_Load_Char(face, static_cast<unsigned char>(ch), FT_LOAD_RENDER) != 0) continue;
            const FT_GlyphSlot g = face->glyph;
            double glyphX = pen + g->bitmap_left;
            if (pitch > 0) {
                // Centre each glyph in its cell.
                glyphX = pen + (pitch - static_cast<double>(g->bitmap.width)) / 2.0;
            }
            const int x0 = static_cast<int>(std::lround(glyphX));
            const int y0 = static_cast<int>(std::lround(y)) - g->bitmap_top;
            for (unsigned r = 0; r < g->bitmap.rows; ++r) {
                const int yy = y0 + static_cast<int>(r);
                if (yy < 0 || yy >= img.rows) continue;
                const unsigned char* src = g->bitmap.buffer + static_cast<std::ptrdiff_t>(r) * g->bitmap.pitch;
                auto* dst = img.ptr<cv::Vec3b>(yy);
                for (unsigned c = 0; c < g->bitmap.width; ++c) {
                    const int xx = x0 + static_cast<int>(c);
                    if (xx < 0 || xx >= img.cols) continue;
                    const double a = src[c] / 255.0;
                    for (int k = 0; k < 3; ++k)
                        dst[xx][k] = cv::saturate_cast<uchar>(dst[xx][k] * (1.0 - a) + color[k] * a);
                }
            }
            pen += pitch > 0 ? pitch : static_cast<double>(g->advance.x) / 64.0;
        }
    }
};

SyntheticRenderer::SyntheticRenderer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
SyntheticRenderer::SyntheticRenderer(SyntheticRenderer&&) noexcept = default;
SyntheticRenderer& SyntheticRenderer::operator=(SyntheticRenderer&&) noexcept = default;
SyntheticRenderer::~SyntheticRenderer() = default;

Result<SyntheticRenderer> SyntheticRenderer::create() {
    return create(Fonts{SECONDLINE_OCRB_FONT, SECONDLINE_SANS_FONT});
}

Result<SyntheticRenderer> SyntheticRenderer::create(const Fonts& fonts) {
    auto impl = std::make_unique<Impl>();
    if (FT_Init_FreeType(&impl->library) != 0) return fail(ErrorCode::Internal, "FreeType failed to initialise");
    if (FT_New_Face(impl->library, fonts.ocrb.c_str(), 0, &impl->ocrb) != 0)
        return fail(ErrorCode::FontUnavailable, "OCR-B font cannot be loaded (install fonts-ocr-b)");
    if (FT_New_Face(impl->library, fonts.sans.c_str(), 0, &impl->sans) != 0)
        return fail(ErrorCode::FontUnavailable, "visual zone font cannot be loaded (install fonts-dejavu-core)");
    return SyntheticRenderer(std::move(impl));
}

namespace {

const char* title(MrzFormat f) {
    switch (f) {
    case MrzFormat::TD3: return "PASSPORT";
    case MrzFormat::MRVA:
    case MrzFormat::MRVB: return "VISA";
    case MrzFormat::TD1:
    case MrzFormat::TD2: return "IDENTITY CARD";
    }
    return "";
}

std::string printedDate(const std::string& yymmdd) {
    if (yymmdd.size() != 6) return yymmdd;
    return yymmdd.substr(4, 2) + "." + yymmdd.substr(2, 2) + "." + yymmdd.substr(0, 2);
}

} // namespace

Result<SyntheticDocument> SyntheticRenderer::render(const validation::MrzFields& fields, const RenderOptions& options) {
    if (options.dpi < 50 || options.dpi > 1200) return fail(ErrorCode::InvalidArgument, "dpi must be 50 to 1200");
    if (options.rotation % 90 != 0) return fail(ErrorCode::InvalidArgument, "rotation must be a multiple of 90");
    if (options.perspective < 0.0 || options.perspective > 0.3 || options.contrast <= 0.0 || options.contrast > 1.0 ||
        options.glare < 0.0 || options.glare > 1.0 || options.unevenLight < 0.0 || options.unevenLight > 1.0 ||
        options.motionBlur < 0.0 || options.motionBlur > 100.0)
        return fail(ErrorCode::InvalidArgument, "degradation outside its range");
    auto mrz = validation::composeMrz(fields);
    if (!mrz) return fail(mrz.error());
    if (options.wrongCheckDigit) {
        // The document number's check digit: line 1 position 15 on TD1, line 2 position 10 otherwise.
        const bool td1 = fields.format == MrzFormat::TD1;
        char& digit = (*mrz)[td1 ? 0 : 1][td1 ? 14 : 9];
        const int shift = 1 + static_cast<int>(options.seed % 9);
        digit = digit == '<' ? '1' : static_cast<char>('0' + ((digit - '0') + shift) % 10);
    }

    const double pxPerMm = options.dpi / 25.4;
    const detail::DocumentLayout size = detail::documentLayout(fields.format);
    const int w = static_cast<int>(std::lround(size.widthMm * pxPerMm));
    const int h = static_cast<int>(std::lround(size.heightMm * pxPerMm));
    std::mt19937_64 rng(options.seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);

    // Background: pale tint and a guilloche of thin sine curves.
    const cv::Scalar tint(225 + 25 * unit(rng), 230 + 20 * unit(rng), 230 + 20 * unit(rng));
    cv::Mat doc(h, w, CV_8UC3, tint);
    const cv::Scalar lineColour(tint[0] - 35, tint[1] - 20, tint[2] - 30);
    const double phase = unit(rng) * 6.28;
    for (int k = 0; k < 14; ++k) {
        std::vector<cv::Point> pts;
        for (int x = 0; x < w; x += std::max(1, w / 400)) {
            const double t = static_cast<double>(x) / w;
            const double y = h * (0.08 + 0.065 * k) + h * 0.03 * std::sin(12.0 * t + phase + k * 0.7) +
                             h * 0.015 * std::sin(31.0 * t + k);
            pts.emplace_back(x, static_cast<int>(y));
        }
        cv::polylines(doc, pts, false, lineColour, std::max(1, static_cast<int>(pxPerMm * 0.12)), cv::LINE_AA);
    }

    Impl& im = *m_impl;
    const cv::Scalar ink(40, 30, 30);
    const cv::Scalar labelInk(110, 80, 60);
    const double margin = 4.0 * pxPerMm;
    const unsigned titleSize = im.pixelSizeForCap(im.sans, 3.0 * pxPerMm);
    const unsigned labelSize = im.pixelSizeForCap(im.sans, 1.2 * pxPerMm);
    const unsigned valueSize = im.pixelSizeForCap(im.sans, 2.0 * pxPerMm);

    // Visual zone.
    im.drawText(doc, im.sans, titleSize, title(fields.format), margin, margin + 3.5 * pxPerMm, ink);
    im.drawText(doc, im.sans, valueSize, fields.issuingState, w - margin - 14 * pxPerMm, margin + 3.5 * pxPerMm, ink);
    const int mrzLines = static_cast<int>(mrz->size());
    const double mrzTop = h - (mrzLines * kMrzLineMm + 3.0) * pxPerMm;
    const double portraitW = size.widthMm * 0.26 * pxPerMm;
    const double portraitH = std::min(portraitW * 1.3, mrzTop - margin - 8 * pxPerMm);
    const cv::Rect portrait(static_cast<int>(margin), static_cast<int>(margin + 6 * pxPerMm),
                            static_cast<int>(portraitW), static_cast<int>(portraitH));
    cv::rectangle(doc, portrait, cv::Scalar(200, 200, 205), cv::FILLED);
    const cv::Point centre(portrait.x + portrait.width / 2, portrait.y + static_cast<int>(portrait.height * 0.4));
    cv::ellipse(doc, centre, cv::Size(portrait.width / 4, static_cast<int>(portrait.height * 0.22)), 0, 0, 360,
                cv::Scalar(150, 160, 175), cv::FILLED, cv::LINE_AA);
    cv::ellipse(doc, cv::Point(centre.x, portrait.y + portrait.height),
                cv::Size(portrait.width * 2 / 5, static_cast<int>(portrait.height * 0.28)), 0, 180, 360,
                cv::Scalar(120, 120, 140), cv::FILLED, cv::LINE_AA);

    const validation::MrzFields& shown = options.visualFields ? *options.visualFields : fields;
    const std::vector<std::pair<std::string, std::string>> viz = {
        {"Surname", shown.surname},
        {"Given names", shown.givenNames},
        {"Nationality", shown.nationality},
        {"Date of birth", printedDate(shown.birthDate)},
        {"Sex", shown.sex.empty() ? "-" : shown.sex},
        {"Date of expiry", printedDate(shown.expiryDate)},
        {"Document no.", shown.documentNumber},
    };
    const double vx = portrait.x + portrait.width + 4 * pxPerMm;
    const double rowH = std::min(5.2 * pxPerMm, (mrzTop - portrait.y) / static_cast<double>(viz.size()));
    double vy = portrait.y + 1.5 * pxPerMm;
    for (const auto& [label, value] : viz) {
        im.drawText(doc, im.sans, labelSize, label, vx, vy, labelInk);
        im.drawText(doc, im.sans, valueSize, value, vx, vy + rowH * 0.55, ink);
        vy += rowH;
    }

    // Machine readable zone: white band, OCR-B at 10 cpi and 6 lpi.
    const double pitch = kMrzPitchMm * pxPerMm;
    const unsigned mrzSize = im.pixelSizeForCap(im.ocrb, kMrzCapHeightMm * pxPerMm);
    const double lineWidth = static_cast<double>((*mrz)[0].size()) * pitch;
    const double mrzX = (w - lineWidth) / 2.0;
    cv::rectangle(doc, cv::Rect(0, static_cast<int>(mrzTop), w, h - static_cast<int>(mrzTop)),
                  cv::Scalar(246, 246, 246), cv::FILLED);
    for (int i = 0; i < mrzLines && !options.withoutMrz; ++i) {
        const double baseline = mrzTop + (1.5 + kMrzLineMm * (i + 0.5) + kMrzCapHeightMm / 2) * pxPerMm;
        im.drawText(doc, im.ocrb, mrzSize, (*mrz)[static_cast<std::size_t>(i)], mrzX, baseline, cv::Scalar(15, 15, 15),
                    pitch);
    }

    if (options.glare > 0.0) {
        // A specular spot on the laminate: blends towards white, strongest at its centre.
        const double cx = options.glareOnMrz ? w * (0.3 + 0.4 * unit(rng)) : w * unit(rng);
        const double cy = options.glareOnMrz ? (mrzTop + h) / 2.0 : h * unit(rng);
        const double radius = h * (0.12 + 0.1 * unit(rng));
        for (int y = 0; y < h; ++y) {
            auto* row = doc.ptr<cv::Vec3b>(y);
            for (int x = 0; x < w; ++x) {
                const double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy) * 4.0) / (radius * radius);
                const double a = options.glare * std::exp(-d2);
                if (a < 0.01) continue;
                for (int k = 0; k < 3; ++k) row[x][k] = cv::saturate_cast<uchar>(row[x][k] + (255 - row[x][k]) * a);
            }
        }
    }

    cv::Mat out = doc;
    if (options.onPage || options.onDesk || options.skewDegrees != 0.0 || options.perspective > 0.0) {
        // Lay the document on a white page (a scanner) or a desk (a camera) with room to turn.
        const int pad = static_cast<int>(std::lround((options.onPage || options.onDesk ? 25.0 : 6.0) * pxPerMm));
        const cv::Scalar paper = options.onDesk
                                     ? cv::Scalar(70 + 40 * unit(rng), 90 + 40 * unit(rng), 110 + 50 * unit(rng))
                                     : cv::Scalar(250, 250, 250);
        cv::Mat page(h + 2 * pad, w + 2 * pad, CV_8UC3, paper);
        if (options.onDesk) {
            // Clutter: wood-like streaks, a few objects, and a note with ordinary text on it.
            for (int k = 0; k < 40; ++k) {
                const int y = static_cast<int>(unit(rng) * page.rows);
                cv::line(page, {0, y}, {page.cols, y + static_cast<int>((unit(rng) - 0.5) * pad)},
                         paper * (0.8 + 0.3 * unit(rng)), std::max(1, static_cast<int>(pxPerMm * 0.8)));
            }
            for (int k = 0; k < 4; ++k) {
                const cv::Point c(static_cast<int>(unit(rng) * page.cols), static_cast<int>(unit(rng) * page.rows));
                cv::circle(page, c, static_cast<int>(pad * (0.3 + unit(rng))),
                           cv::Scalar(255 * unit(rng), 255 * unit(rng), 255 * unit(rng)), cv::FILLED, cv::LINE_AA);
            }
            const cv::Rect note(static_cast<int>(unit(rng) * page.cols * 0.5), 0, page.cols / 3, pad);
            cv::rectangle(page, note, cv::Scalar(235, 245, 250), cv::FILLED);
            for (int line = 0; line < 3; ++line)
                im.drawText(page, im.sans, labelSize, "MEETING 10:30 ROOM 4B CALL BACK", note.x + margin,
                            note.y + (line + 1) * 3.0 * pxPerMm, ink);
        }
        doc.copyTo(page(cv::Rect(pad, pad, w, h)));
        if (options.skewDegrees != 0.0) {
            const cv::Point2f c(static_cast<float>(page.cols) / 2.0f, static_cast<float>(page.rows) / 2.0f);
            const cv::Mat rot = cv::getRotationMatrix2D(c, options.skewDegrees, 1.0);
            cv::warpAffine(page, page, rot, page.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
        }
        if (options.perspective > 0.0) {
            // A camera not square to the document: each corner pulled in by a random share of the frame.
            const auto pull = [&] { return static_cast<float>(options.perspective * unit(rng)); };
            const float pw = static_cast<float>(page.cols), ph = static_cast<float>(page.rows);
            const std::array<cv::Point2f, 4> from{cv::Point2f{0, 0}, {pw, 0}, {pw, ph}, {0, ph}};
            const std::array<cv::Point2f, 4> to{cv::Point2f{pull() * pw, pull() * ph},
                                                {pw - pull() * pw, pull() * ph},
                                                {pw - pull() * pw, ph - pull() * ph},
                                                {pull() * pw, ph - pull() * ph}};
            const cv::Mat m = cv::getPerspectiveTransform(from.data(), to.data());
            cv::warpPerspective(page, page, m, page.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, paper);
        }
        out = page;
    }
    if (options.unevenLight > 0.0) {
        // Light falls off linearly towards one side of the frame.
        const double angle = unit(rng) * 6.283;
        const double dx = std::cos(angle), dy = std::sin(angle);
        const double span = std::abs(dx) * out.cols + std::abs(dy) * out.rows;
        const double x0 = dx < 0 ? out.cols : 0.0, y0 = dy < 0 ? out.rows : 0.0;
        for (int y = 0; y < out.rows; ++y) {
            auto* row = out.ptr<cv::Vec3b>(y);
            for (int x = 0; x < out.cols; ++x) {
                const double t = ((x - x0) * dx + (y - y0) * dy) / span;
                const double gain = 1.0 - options.unevenLight * std::clamp(t, 0.0, 1.0);
                for (int k = 0; k < 3; ++k) row[x][k] = cv::saturate_cast<uchar>(row[x][k] * gain);
            }
        }
    }
    if (options.contrast < 1.0) out.convertTo(out, -1, options.contrast, 128.0 * (1.0 - options.contrast));
    if (options.blurSigma > 0) cv::GaussianBlur(out, out, cv::Size(0, 0), options.blurSigma);
    if (options.motionBlur >= 1.0) {
        const int len = static_cast<int>(std::lround(options.motionBlur));
        cv::Mat kernel = cv::Mat::zeros(len | 1, len | 1, CV_32F);
        const double angle = unit(rng) * 3.1416;
        const cv::Point2f c(static_cast<float>(kernel.cols / 2), static_cast<float>(kernel.rows / 2));
        const cv::Point2f d(static_cast<float>(std::cos(angle) * len / 2),
                            static_cast<float>(std::sin(angle) * len / 2));
        cv::line(kernel, c - d, c + d, cv::Scalar(1.0), 1, cv::LINE_AA);
        kernel /= std::max(1e-6, cv::sum(kernel)[0]);
        cv::filter2D(out, out, -1, kernel);
    }
    if (options.noiseSigma > 0) {
        cv::Mat noise(out.size(), CV_16SC3);
        cv::theRNG().state = options.seed;
        cv::randn(noise, 0, options.noiseSigma);
        cv::Mat wide;
        out.convertTo(wide, CV_16SC3);
        wide += noise;
        wide.convertTo(out, CV_8UC3);
    }
    switch ((options.rotation % 360 + 360) % 360) {
    case 90: cv::rotate(out, out, cv::ROTATE_90_CLOCKWISE); break;
    case 180: cv::rotate(out, out, cv::ROTATE_180); break;
    case 270: cv::rotate(out, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: break;
    }
    if (options.jpegQuality > 0) {
        std::vector<uchar> buf;
        cv::imencode(".jpg", out, buf, {cv::IMWRITE_JPEG_QUALITY, std::clamp(options.jpegQuality, 1, 100)});
        out = cv::imdecode(buf, cv::IMREAD_COLOR);
    }
    if (options.withoutMrz) mrz->clear();
    return SyntheticDocument{detail::fromMat(out), fields, std::move(*mrz)};
}

} // namespace secondline::capture
