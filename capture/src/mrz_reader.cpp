#include <secondline/capture/mrz_reader.h>
#include <secondline/validation/correction.h>
#include <secondline/validation/mrz_parser.h>

#include "cv_image.h"
#include "data_files.h"
#include "field_confidence.h"
#include "glyph_verifier.h"
#include "mrz_locator.h"
#include "ocr_engine.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <string_view>

#if !defined(SECONDLINE_TESSDATA_DIR) || !defined(SECONDLINE_OCRB_FONT)
#error "SECONDLINE_TESSDATA_DIR and SECONDLINE_OCRB_FONT must be defined by the build"
#endif

namespace secondline::capture {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

constexpr int kOcrCharHeight = 30; // pixels; Tesseract's LSTM reads best around this size

struct Attempt {
    std::vector<detail::OcrLine> lines;
    std::optional<validation::TravelDocument> document;
    int rotation = 0;
    Box zone;
    std::array<Point, 4> corners{};
    std::vector<std::vector<float>> confidence; ///< per character of `lines`
};

/// The 2 or 3 consecutive lines that form an MRZ shape, bottom-most first choice.
std::optional<std::vector<detail::OcrLine>> pickMrzLines(const std::vector<detail::OcrLine>& lines) {
    for (int count : {3, 2}) {
        for (int start = static_cast<int>(lines.size()) - count; start >= 0; --start) {
            const auto len = lines[static_cast<std::size_t>(start)].text.size();
            if ((count == 3 && len != 30) || (count == 2 && len != 44 && len != 36)) continue;
            bool same = true;
            for (int k = 1; k < count; ++k)
                if (lines[static_cast<std::size_t>(start + k)].text.size() != len) same = false;
            if (same) return std::vector<detail::OcrLine>(lines.begin() + start, lines.begin() + start + count);
        }
    }
    return std::nullopt;
}

bool looksLikeMrz(const std::vector<detail::OcrLine>& lines) {
    int mrzish = 0;
    for (const auto& l : lines)
        if (l.text.size() >= 25 && l.text.find("<<") != std::string::npos) ++mrzish;
    return mrzish >= 2;
}

/// Each line's per-character confidences (after glyph verification).
std::vector<std::vector<float>> confidenceRows(const std::vector<detail::OcrLine>& lines) {
    std::vector<std::vector<float>> rows;
    for (const auto& l : lines) {
        auto& row = rows.emplace_back();
        for (std::size_t i = 0; i < l.text.size(); ++i)
            row.push_back(i < l.symbols.size() ? l.symbols[i].confidence : 0.0f);
    }
    return rows;
}

// A character no check digit covers is uncertain when another character allowed in its field scores within
// this margin of it on the glyph templates. On bench/capture_accuracy (200 documents per condition) every
// misread name or code character was within 0.09, and no exact reading was flagged even at 0.15.
constexpr float kUncertainMargin = 0.12f;

/// How clearly the character read beats every other character its field allows (letters and '<' in names,
/// codes and sex; anything in optional data), on the glyph templates. 1 without template scores.
float allowedMargin(const detail::OcrSymbol& s, bool digitsAllowed) {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";
    if (s.templateScores.size() != kAlphabet.size()) return 1.0f;
    const auto at = kAlphabet.find(s.character);
    if (at == std::string_view::npos) return 0.0f;
    float rival = -10.0f;
    for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
        if (i == at || (!digitsAllowed && kAlphabet[i] >= '0' && kAlphabet[i] <= '9')) continue;
        rival = std::max(rival, s.templateScores[i]);
    }
    return s.templateScores[at] - rival;
}

/// A field no check digit vouches for (names, codes, sex, unchecked optional data) with a character that an
/// allowed lookalike nearly matched: the reading is not reported valid, so the officer compares it with the
/// document.
void flagUncertainFields(validation::TravelDocument& doc, const std::vector<detail::OcrLine>& lines) {
    for (const auto& f : doc.fields) {
        if (f.checkDigitVerified || f.line < 1 || static_cast<std::size_t>(f.line) > lines.size()) continue;
        const bool digitsAllowed = f.name.starts_with("optional_data");
        const auto& syms = lines[static_cast<std::size_t>(f.line - 1)].symbols;
        const auto from = static_cast<std::size_t>(f.position - 1);
        bool uncertain = false;
        for (std::size_t i = from; i < from + f.raw.size() && i < syms.size(); ++i)
            uncertain = uncertain || allowedMargin(syms[i], digitsAllowed) < kUncertainMargin;
        if (uncertain)
            doc.findings.push_back({f.name, validation::FindingCode::UncertainRead, validation::Severity::Error,
                                    "read with low confidence and covered by no check digit: compare with the "
                                    "document"});
    }
}

cv::Mat turned(const cv::Mat& gray, int rotation) {
    cv::Mat out;
    switch (rotation) {
    case 90: cv::rotate(gray, out, cv::ROTATE_90_CLOCKWISE); return out;
    case 180: cv::rotate(gray, out, cv::ROTATE_180); return out;
    case 270: cv::rotate(gray, out, cv::ROTATE_90_COUNTERCLOCKWISE); return out;
    default: return gray;
    }
}

/// A point of the turned image in the input image's coordinates.
cv::Point2f toInput(cv::Point2f p, int rotation, int inW, int inH) {
    switch (rotation) {
    case 90: return {p.y, static_cast<float>(inH - 1) - p.x};
    case 180: return {static_cast<float>(inW - 1) - p.x, static_cast<float>(inH - 1) - p.y};
    case 270: return {static_cast<float>(inW - 1) - p.y, p.x};
    default: return p;
    }
}

/// Corners of a zone of the turned image (top-left, top-right, bottom-right, bottom-left as the text reads),
/// in the input image's coordinates.
std::array<Point, 4> cornersInInput(const cv::RotatedRect& area, int rotation, int inW, int inH) {
    const float a = area.angle * static_cast<float>(CV_PI / 180.0);
    const cv::Point2f u(std::cos(a) * area.size.width / 2, std::sin(a) * area.size.width / 2);
    const cv::Point2f v(-std::sin(a) * area.size.height / 2, std::cos(a) * area.size.height / 2);
    const std::array<cv::Point2f, 4> upright{area.center - u - v, area.center + u - v, area.center + u + v,
                                             area.center - u + v};
    std::array<Point, 4> out;
    for (std::size_t i = 0; i < 4; ++i) {
        const cv::Point2f p = toInput(upright[i], rotation, inW, inH);
        out[i] = {p.x, p.y};
    }
    return out;
}

/// Bounding box of a zone found in the turned image, in the input image's coordinates.
Box boxInInput(const cv::RotatedRect& area, int rotation, int inW, int inH) {
    cv::Point2f pts[4];
    area.points(pts);
    float minX = 1e9f, minY = 1e9f, maxX = -1e9f, maxY = -1e9f;
    for (const auto& corner : pts) {
        const cv::Point2f p = toInput(corner, rotation, inW, inH);
        const float x = p.x, y = p.y;
        minX = std::min(minX, x);
        minY = std::min(minY, y);
        maxX = std::max(maxX, x);
        maxY = std::max(maxY, y);
    }
    const int x0 = std::clamp(static_cast<int>(minX), 0, inW), y0 = std::clamp(static_cast<int>(minY), 0, inH);
    const int x1 = std::clamp(static_cast<int>(maxX), 0, inW), y1 = std::clamp(static_cast<int>(maxY), 0, inH);
    return Box{x0, y0, x1 - x0, y1 - y0};
}

/// The best zone joined with the pieces level with it: glare or a fold can split an MRZ band in two.
detail::ZoneCandidate bandOf(const std::vector<detail::ZoneCandidate>& zones) {
    const cv::Rect first = zones.front().area.boundingRect();
    cv::Rect band = first;
    for (const auto& z : zones) {
        const cv::Rect r = z.area.boundingRect();
        const int overlap = std::min(r.br().y, first.br().y) - std::max(r.y, first.y);
        if (overlap > first.height / 2 && overlap > r.height / 2) band |= r;
    }
    detail::ZoneCandidate out = zones.front();
    out.area = cv::RotatedRect(cv::Point2f(static_cast<float>(band.x) + static_cast<float>(band.width) / 2.0f,
                                           static_cast<float>(band.y) + static_cast<float>(band.height) / 2.0f),
                               cv::Size2f(static_cast<float>(band.width), static_cast<float>(band.height)), 0.0f);
    return out;
}

/// Why a zone that was seen could not be read, judged on the zone's own pixels (upright image).
ReadFailure diagnoseZone(const cv::Mat& upright, const detail::ZoneCandidate& zone) {
    const cv::Rect bounds = zone.area.boundingRect();
    const cv::Rect frame(0, 0, upright.cols, upright.rows);
    const cv::Rect box = bounds & frame;
    if (box.area() <= 0) return ReadFailure::Unreadable;
    // Runs off the image: the zone's box leaves the frame, or touches its edge where the zone's long side is.
    const int edge = std::max(2, bounds.height / 8);
    if (bounds.x < -edge || bounds.y < -edge || bounds.br().x > upright.cols + edge ||
        bounds.br().y > upright.rows + edge || box.x <= 1 || box.br().x >= upright.cols - 1)
        return ReadFailure::Partial;
    const cv::Mat region = upright(box);
    // Glare: along the zone, some stretches washed out towards white, their ink barely darker than the paper
    // while the rest of the zone has full contrast.
    {
        constexpr int kStrips = 16;
        std::vector<double> contrast, brightness;
        for (int k = 0; k < kStrips; ++k) {
            const int x0 = region.cols * k / kStrips, x1 = region.cols * (k + 1) / kStrips;
            if (x1 - x0 < 2) continue;
            double lo = 0, hi = 0;
            const cv::Mat strip = region.colRange(x0, x1);
            cv::minMaxLoc(strip, &lo, &hi);
            contrast.push_back(hi - lo);
            brightness.push_back(lo);
        }
        if (contrast.size() >= 8) {
            auto sorted = contrast;
            std::sort(sorted.begin(), sorted.end());
            const double typical = sorted[sorted.size() * 3 / 4];
            int washed = 0;
            for (std::size_t k = 0; k < contrast.size(); ++k)
                if (contrast[k] < 0.45 * typical && brightness[k] > 150) ++washed;
            if (typical > 40 && washed >= 2) return ReadFailure::Glare;
        }
    }
    // Characters too small: an MRZ line is 6 lines per inch and a character about 60% of that; the zone
    // of 2 or 3 lines gives the line pitch.
    const double lineHeight = std::min(zone.area.size.width, zone.area.size.height) / 2.5;
    if (lineHeight < 9.0) return ReadFailure::TooSmall;
    // Blur: the steepest edges of text fall well below the ink-to-paper contrast when defocused.
    double lo = 0, hi = 0;
    cv::minMaxLoc(region, &lo, &hi);
    if (hi - lo > 20 && detail::edgeSharpness(region) < 0.0875) return ReadFailure::TooBlurred;
    return ReadFailure::Unreadable;
}

/// Why nothing like a zone was found in the whole image.
ReadFailure diagnoseImage(const cv::Mat& gray) {
    if (std::min(gray.cols, gray.rows) < 120) return ReadFailure::TooSmall;
    cv::Mat small;
    const double scale = std::min(1.0, 1000.0 / std::max(gray.cols, gray.rows));
    cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);
    cv::Mat lap;
    cv::Laplacian(small, lap, CV_32F, 3);
    cv::Scalar mean, stddev;
    cv::meanStdDev(lap, mean, stddev);
    cv::Scalar gmean, gstd;
    cv::meanStdDev(small, gmean, gstd);
    // Contrast is there but no sharp detail at all: defocus or motion.
    if (gstd[0] > 20 && stddev[0] < 0.08 * gstd[0]) return ReadFailure::TooBlurred;
    // A burnt-out patch inside the picture (not a white page around it): glare on the laminate.
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(small >= 254, labels, stats, centroids, 8, CV_32S);
    for (int i = 1; i < n; ++i) {
        const cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                         stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
        const bool inside = r.x > 0 && r.y > 0 && r.br().x < small.cols && r.br().y < small.rows;
        if (inside && stats.at<int>(i, cv::CC_STAT_AREA) > static_cast<int>(small.total() / 1000))
            return ReadFailure::Glare;
    }
    return ReadFailure::NoMrz;
}

} // namespace

std::optional<Box> locateMrz(const Image& frame) {
    if (frame.empty()) return std::nullopt;
    try {
        const cv::Mat gray = detail::toGray(frame);
        const auto zones = detail::locateMrzZones(gray, 1);
        if (zones.empty()) return std::nullopt;
        return boxInInput(zones.front().area, 0, gray.cols, gray.rows);
    } catch (const cv::Exception&) {
        return std::nullopt;
    }
}

struct MrzReader::Impl {
    std::unique_ptr<detail::OcrEngine> ocr;
    std::unique_ptr<detail::GlyphVerifier> verifier; // absent for the stock model (comparison runs)

    /// What one read() saw of zones it could not read, for its error and reason.
    struct Misses {
        std::vector<detail::OcrLine> unreadable; ///< the first lines that looked like an MRZ but did not parse
        bool loneMrzLine = false;                ///< a single MRZ-like line: a zone cut off by the frame
    };
    /// OCR, glyph verification, check-digit-guided correction and parsing of one cut-out zone; what fails
    /// is noted in `misses`.
    std::optional<Attempt> readZone(const cv::Mat& cut, const validation::ParseOptions& parseOptions, Misses& misses);
};

namespace {

int passingChecks(const validation::TravelDocument& doc) {
    return static_cast<int>(std::count_if(doc.checks.begin(), doc.checks.end(), [](const validation::CheckResult& c) {
        return c.status != validation::CheckStatus::Fail;
    }));
}

/// Orders attempts: more checks passing first, then the more confident reading (a zone read upside down
/// or through noise can pass a check by chance, but not with confident characters).
std::pair<int, double> rank(const Attempt& a) {
    double sum = 0;
    std::size_t n = 0;
    for (const auto& l : a.lines)
        for (const auto& sym : l.symbols) {
            sum += sym.confidence;
            ++n;
        }
    return {passingChecks(*a.document), n ? sum / static_cast<double>(n) : 0.0};
}

int strictlyPassingChecks(const validation::TravelDocument& doc) {
    return static_cast<int>(std::count_if(doc.checks.begin(), doc.checks.end(), [](const validation::CheckResult& c) {
        return c.status == validation::CheckStatus::Pass;
    }));
}

} // namespace

std::optional<Attempt> MrzReader::Impl::readZone(const cv::Mat& cut, const validation::ParseOptions& parseOptions,
                                                 Misses& misses) {
    auto lines = ocr->readLines(cut);
    if (verifier)
        for (auto& l : lines) verifier->verify(cut, l);
    auto picked = pickMrzLines(lines);
    if (!picked) {
        if (looksLikeMrz(lines) && misses.unreadable.empty()) misses.unreadable = lines;
        const auto mrzLike = std::count_if(lines.begin(), lines.end(), [](const detail::OcrLine& l) {
            return l.text.size() >= 28 && l.text.find("<<<") != std::string::npos;
        });
        if (mrzLike == 1) misses.loneMrzLine = true;
        return std::nullopt;
    }
    // Check-digit-guided correction of the characters the OCR was unsure of.
    std::vector<std::vector<validation::ReadCharacter>> chars;
    for (const auto& l : *picked) {
        auto& row = chars.emplace_back();
        for (const auto& sym : l.symbols) row.push_back({sym.character, sym.confidence, sym.second});
    }
    auto corrected = validation::correctMrz(chars);
    std::vector<std::string> text;
    if (corrected) {
        text = corrected->lines;
        for (std::size_t k = 0; k < picked->size(); ++k) (*picked)[k].text = text[k];
    } else {
        for (const auto& l : *picked) text.push_back(l.text);
    }
    auto doc = validation::parseMrz(text, parseOptions);
    if (!doc) {
        if (misses.unreadable.empty()) misses.unreadable = *picked;
        return std::nullopt;
    }
    if (corrected) {
        for (const auto& sub : corrected->substitutions) {
            std::string field = "document";
            for (const auto& f : doc->fields)
                if (f.line == sub.line && sub.position >= f.position &&
                    sub.position < f.position + static_cast<int>(std::max<std::size_t>(1, f.raw.size())))
                    field = f.name;
            doc->findings.push_back(
                {field, validation::FindingCode::OcrCorrected, validation::Severity::Info,
                 "line " + std::to_string(sub.line) + ", position " + std::to_string(sub.position) +
                     " corrected by the " + sub.check +
                     (sub.check == "field_type" || sub.check == "context" ? " rule" : " check digit")});
        }
    }
    auto confidence = confidenceRows(*picked);
    detail::setFieldConfidence(*doc, confidence);
    flagUncertainFields(*doc, *picked);
    return Attempt{*picked, std::move(*doc), 0, {}, {}, std::move(confidence)};
}

std::span<const ReadFailure> allReadFailures() noexcept {
    static constexpr ReadFailure kAll[] = {ReadFailure::NoMrz, ReadFailure::TooBlurred, ReadFailure::TooSmall,
                                           ReadFailure::Glare, ReadFailure::Partial,    ReadFailure::Unreadable};
    return kAll;
}

std::string_view readFailureName(ReadFailure failure) noexcept {
    switch (failure) {
    case ReadFailure::NoMrz: return "no_mrz";
    case ReadFailure::TooBlurred: return "too_blurred";
    case ReadFailure::TooSmall: return "too_small";
    case ReadFailure::Glare: return "glare";
    case ReadFailure::Partial: return "partial";
    case ReadFailure::Unreadable: return "unreadable";
    }
    return "unreadable";
}

std::optional<ReadFailure> readFailureFrom(std::string_view name) noexcept {
    for (ReadFailure f : allReadFailures())
        if (readFailureName(f) == name) return f;
    return std::nullopt;
}

MrzReader::MrzReader(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
MrzReader::MrzReader(MrzReader&&) noexcept = default;
MrzReader& MrzReader::operator=(MrzReader&&) noexcept = default;
MrzReader::~MrzReader() = default;

Result<MrzReader> MrzReader::create(const ReaderConfig& config) {
    auto impl = std::make_unique<Impl>();
    const bool stock = config.model == ReaderConfig::Model::StockEng;
    std::string dir = config.modelDir;
    if (dir.empty() && stock) dir = SECONDLINE_TESSDATA_DIR;
    if (dir.empty()) {
        const auto model = detail::findDataFile("models/mrz.traineddata");
        if (!model)
            return fail(ErrorCode::OcrUnavailable,
                        "OCR model mrz.traineddata not found in share/secondline/models beside the program");
        dir = model->parent_path().string();
    }
    auto engine = stock ? detail::OcrEngine::create(dir, "eng", detail::OcrEngine::Engine::Lstm)
                        : detail::OcrEngine::create(dir, "mrz", detail::OcrEngine::Engine::Legacy);
    if (!engine) return fail(engine.error());
    impl->ocr = std::move(*engine);
    if (!stock) {
        auto verifier = detail::GlyphVerifier::create(SECONDLINE_OCRB_FONT);
        if (!verifier) return fail(verifier.error());
        impl->verifier = std::move(*verifier);
    }
    return MrzReader(std::move(impl));
}

MrzReading MrzReader::read(const Image& image, const ReadOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    MrzReading reading;
    auto finish = [&](MrzReading& r) -> MrzReading {
        r.elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        return std::move(r);
    };
    if (image.empty() || (image.channels != 1 && image.channels != 3) ||
        image.pixels.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) *
                                   static_cast<std::size_t>(image.channels)) {
        reading.error = core::Error{ErrorCode::ImageUnreadable, "image is empty or its buffer does not match its size"};
        reading.reason = ReadFailure::Unreadable;
        return finish(reading);
    }

    std::optional<Attempt> best; // a parsed MRZ whose checks fail, kept in case nothing better turns up
    Impl::Misses misses;
    bool sawZone = false;
    ReadFailure zoneDiagnosis = ReadFailure::Unreadable; // why the most MRZ-like zone seen was not read
    cv::Mat gray;
    try {
        gray = detail::toGray(image);
        const std::vector<int> turns = options.tryRotate ? std::vector<int>{0, 180, 90, 270} : std::vector<int>{0};
        validation::ParseOptions parseOptions;
        parseOptions.inspectionDate = options.inspectionDate;
        for (int rotation : turns) {
            const cv::Mat upright = turned(gray, rotation);
            const auto zones = detail::locateMrzZones(upright);
            if (!sawZone && !zones.empty()) zoneDiagnosis = diagnoseZone(upright, bandOf(zones));
            for (const auto& zone : zones) {
                sawZone = true;
                // A zone found from some of its lines only is cut taller on a second try.
                for (float pad : {1.5f, 2.6f}) {
                    auto attempt =
                        m_impl->readZone(detail::extractZone(upright, zone, kOcrCharHeight, pad), parseOptions, misses);
                    if (!attempt) continue;
                    attempt->rotation = rotation;
                    attempt->zone = boxInInput(zone.area, rotation, gray.cols, gray.rows);
                    attempt->corners = cornersInInput(zone.area, rotation, gray.cols, gray.rows);
                    const bool better = !best || rank(*attempt) > rank(*best);
                    if (better) best = std::move(attempt);
                    if (best->document->checksPass()) break;
                }
                if (best && best->document->checksPass()) break;
            }
            if (best && best->document->checksPass()) break;
        }
    } catch (const cv::Exception&) {
        reading.error = core::Error{ErrorCode::ImageUnreadable, "image processing failed on this image"};
        reading.reason = ReadFailure::Unreadable;
        return finish(reading);
    }

    // A reading whose checks nearly all fail is more likely noise shaped like an MRZ (glare, a turned image)
    // than an MRZ: it is reported as unreadable, never as found.
    if (best && !best->document->checksPass() && strictlyPassingChecks(*best->document) < 2) {
        if (misses.unreadable.empty()) misses.unreadable = best->lines;
        best.reset();
    }
    if (best) {
        reading.found = true;
        for (const auto& l : best->lines) reading.lines.push_back(l.text);
        reading.confidence = std::move(best->confidence);
        reading.document = std::move(best->document);
        reading.rotation = best->rotation;
        reading.zone = best->zone;
        reading.zoneCorners = best->corners;
    } else {
        // Not found: say why, so the officer knows whether to re-scan, move the light or hold it closer.
        try {
            reading.reason = sawZone ? zoneDiagnosis : diagnoseImage(gray);
            if (misses.loneMrzLine &&
                (reading.reason == ReadFailure::Unreadable || reading.reason == ReadFailure::NoMrz))
                reading.reason = ReadFailure::Partial;
        } catch (const cv::Exception&) {
            reading.reason = ReadFailure::Unreadable;
        }
        if (!misses.unreadable.empty()) {
            for (const auto& l : misses.unreadable) reading.lines.push_back(l.text);
            if (reading.reason == ReadFailure::NoMrz) reading.reason = ReadFailure::Unreadable;
            reading.error =
                core::Error{ErrorCode::MrzUnreadable, "a machine readable zone was found but could not "
                                                      "be read (" +
                                                          std::string(readFailureName(*reading.reason)) + ")"};
        } else if (reading.reason == ReadFailure::NoMrz || (sawZone && reading.reason == ReadFailure::Unreadable)) {
            reading.reason = ReadFailure::NoMrz;
            reading.error = core::Error{ErrorCode::MrzNotFound,
                                        sawZone ? "no machine readable zone among the text found in the image"
                                                : "no machine readable zone found in the image"};
        } else {
            reading.error =
                core::Error{ErrorCode::MrzNotFound, "no machine readable zone could be read (" +
                                                        std::string(readFailureName(*reading.reason)) + ")"};
        }
    }
    return finish(reading);
}

} // namespace secondline::capture
