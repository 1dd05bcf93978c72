#include <secondline/capture/document_images.h>

#include "cv_image.h"
#include "document_layout.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include <algorithm>
#include <array>
#include <cmath>

#ifndef SECONDLINE_FACE_CASCADE
#error "SECONDLINE_FACE_CASCADE must be defined by the build"
#endif

namespace secondline::capture {

using core::ErrorCode;
using core::fail;
using core::Result;
using validation::MrzFormat;

namespace {

constexpr double kMaxPxPerMm = 300.0 / 25.4;

} // namespace

struct DocumentImager::Impl {
    cv::CascadeClassifier faces;
};

DocumentImager::DocumentImager(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
DocumentImager::DocumentImager(DocumentImager&&) noexcept = default;
DocumentImager& DocumentImager::operator=(DocumentImager&&) noexcept = default;
DocumentImager::~DocumentImager() = default;

Result<DocumentImager> DocumentImager::create() {
    auto impl = std::make_unique<Impl>();
    try {
        if (!impl->faces.load(SECONDLINE_FACE_CASCADE))
            return fail(ErrorCode::OcrUnavailable, "the face detector model cannot be loaded (install opencv-data)");
    } catch (const cv::Exception&) {
        return fail(ErrorCode::OcrUnavailable, "the face detector model cannot be loaded (install opencv-data)");
    }
    return DocumentImager(std::move(impl));
}

Result<DocumentImages> DocumentImager::extract(const Image& frame, const MrzReading& reading) {
    if (!reading.found || !reading.document) return fail(ErrorCode::InvalidArgument, "the reading found no MRZ");
    if (frame.empty()) return fail(ErrorCode::InvalidArgument, "the frame is empty");
    try {
        cv::Mat colour = detail::view(frame);
        if (frame.channels == 1) cv::cvtColor(colour, colour, cv::COLOR_GRAY2BGR);
        const auto& c = reading.zoneCorners;
        const cv::Point2f tl(c[0].x, c[0].y), tr(c[1].x, c[1].y), br(c[2].x, c[2].y), bl(c[3].x, c[3].y);
        const detail::DocumentLayout layout = detail::documentLayout(reading.document->format);
        // Scale from the zone's printed length; directions from its edges.
        const double topLen = cv::norm(tr - tl), bottomLen = cv::norm(br - bl);
        if (topLen < 20 || bottomLen < 20) return fail(ErrorCode::InvalidArgument, "the reading has no zone");
        const double lineMm = layout.characters * detail::kMrzPitchMm;
        // The zone box is the text; the document extends around it. Each point of the document is placed by
        // interpolating along the zone's own (possibly converging) edges, which keeps the perspective.
        const double leftMm = (layout.widthMm - lineMm) / 2.0;
        const double zoneHeightMm = lineMm * (cv::norm(bl - tl) + cv::norm(br - tr)) / (topLen + bottomLen);
        auto at = [&](double xMm, double yMm) {
            // (xMm, yMm) relative to the zone's top-left, in document millimetres; bilinear in the zone quad.
            const double s = xMm / lineMm, t = yMm / zoneHeightMm;
            const cv::Point2f top = tl + (tr - tl) * static_cast<float>(s);
            const cv::Point2f bottom = bl + (br - bl) * static_cast<float>(s);
            return top + (bottom - top) * static_cast<float>(t);
        };
        // The zone box is the text with some padding around it, so its centre line is the text's: the text
        // (2 or 3 lines at 6 lines per inch, capitals 2.42 mm) ends bottomMm above the document's edge.
        const double textMm =
            (static_cast<double>(reading.lines.size()) - 1.0) * detail::kMrzLineMm + detail::kMrzCapHeightMm;
        const double docBottom = zoneHeightMm / 2.0 + textMm / 2.0 + detail::kMrzBottomMm; // from the zone's top
        const double docTop = docBottom - layout.heightMm;
        const double margin = 4.0; // mm of slack around the edges (the outline is inferred, not seen)
        const std::array<cv::Point2f, 4> from{
            at(-leftMm - margin, docTop - margin), at(lineMm + leftMm + margin, docTop - margin),
            at(lineMm + leftMm + margin, docBottom + margin), at(-leftMm - margin, docBottom + margin)};
        const cv::Rect frameRect(0, 0, colour.cols, colour.rows);
        const cv::Point2f centre = at(lineMm / 2.0, (docTop + docBottom) / 2.0);
        if (!frameRect.contains(cv::Point(static_cast<int>(centre.x), static_cast<int>(centre.y))))
            return fail(ErrorCode::ImageUnreadable, "the document lies mostly outside the picture");
        const double pxPerMm = std::min(kMaxPxPerMm, (topLen + bottomLen) / 2.0 / lineMm);
        const float w = static_cast<float>((layout.widthMm + 2 * margin) * pxPerMm);
        const float h = static_cast<float>((layout.heightMm + 2 * margin) * pxPerMm);
        const std::array<cv::Point2f, 4> to{cv::Point2f{0, 0}, {w, 0}, {w, h}, {0, h}};
        cv::Mat doc;
        cv::warpPerspective(colour, doc, cv::getPerspectiveTransform(from.data(), to.data()),
                            cv::Size(static_cast<int>(w), static_cast<int>(h)), cv::INTER_AREA, cv::BORDER_REPLICATE);

        DocumentImages out;
        out.document = detail::fromMat(doc);
        // Portrait: the largest face in the left part of the document above the MRZ, framed head and
        // shoulders; otherwise the usual place of the portrait in the format's layout.
        cv::Mat gray;
        cv::cvtColor(doc, gray, cv::COLOR_BGR2GRAY);
        cv::equalizeHist(gray, gray);
        std::vector<cv::Rect> found;
        const int minFace = std::max(24, static_cast<int>(h * 0.12));
        m_impl->faces.detectMultiScale(gray, found, 1.1, 4, 0, cv::Size(minFace, minFace));
        const double mrzTopPx = (layout.heightMm + margin - detail::kMrzBottomMm - textMm) * pxPerMm;
        std::erase_if(found, [&](const cv::Rect& f) { return f.y + f.height > mrzTopPx; });
        cv::Rect portrait;
        if (!found.empty()) {
            const auto face = *std::max_element(
                found.begin(), found.end(), [](const cv::Rect& a, const cv::Rect& b) { return a.area() < b.area(); });
            const int pw = static_cast<int>(face.width * 1.8), ph = static_cast<int>(face.height * 2.3);
            portrait = cv::Rect(face.x + face.width / 2 - pw / 2, face.y + face.height * 2 / 5 - ph * 2 / 5, pw, ph);
            out.faceFound = true;
        } else {
            // ICAO layouts put the portrait at the left edge, below the header: about 4 mm in, a quarter of
            // the width wide, in portrait proportions, ending well above the MRZ.
            const double top = std::max(6.0, 0.15 * layout.heightMm);
            const double width = 0.25 * layout.widthMm;
            const double height = std::min(width * 1.3, layout.heightMm - top - detail::kMrzBottomMm - textMm - 8.0);
            portrait = cv::Rect(static_cast<int>((margin + 4.5) * pxPerMm), static_cast<int>((margin + top) * pxPerMm),
                                static_cast<int>(width * pxPerMm), static_cast<int>(height * pxPerMm));
        }
        portrait &= cv::Rect(0, 0, doc.cols, doc.rows);
        if (portrait.area() > 0) {
            out.portrait = detail::fromMat(doc(portrait).clone());
            out.portraitBox = {portrait.x, portrait.y, portrait.width, portrait.height};
        }
        return out;
    } catch (const cv::Exception&) {
        return fail(ErrorCode::ImageUnreadable, "the document could not be cut out of this picture");
    }
}

} // namespace secondline::capture
