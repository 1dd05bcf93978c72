// Capture accuracy and speed over a generated corpus: for each condition, COUNT synthetic documents (all five
// formats mixed, new identities and placements from the seed) are rendered and read, and the reading is
// compared with the ground truth.
//   bash scripts/bench-capture.sh                 (200 documents per condition)
//   build/release/bench/capture_accuracy --count 50 --conditions camera,hard --model eng --save /tmp/failures
//
// Per condition: exact (every MRZ character as printed), found but wrong, not found, and the two counts
// that must stay at zero: "valid but wrong" (a reading that passes every check and differs from the
// document) and, for the negative conditions, MRZs reported from images without one / documents with a
// wrong printed check digit reported valid. Times are wall time per read() on one core.

#include <secondline/capture/mrz_reader.h>
#include <secondline/capture/synthetic.h>

#include <fmt/core.h>
#include <opencv2/imgproc.hpp>
#include <tesseract/baseapi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace secondline;

namespace {

struct Condition {
    std::string name;
    std::string description;
    /// Options for document i (seeded), all randomness from `rng`.
    capture::RenderOptions (*options)(std::mt19937_64& rng);
    enum class Kind { Read, NoMrz, WrongCheckDigit } kind = Kind::Read;
};

double uniform(std::mt19937_64& rng, double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
}

capture::RenderOptions scan(std::mt19937_64& rng, int dpi) {
    capture::RenderOptions o;
    o.dpi = dpi;
    o.onPage = true;
    o.skewDegrees = uniform(rng, -3, 3);
    o.noiseSigma = uniform(rng, 0, 3);
    return o;
}

capture::RenderOptions camera(std::mt19937_64& rng) {
    capture::RenderOptions o;
    o.dpi = static_cast<int>(uniform(rng, 170, 260)); // a phone or webcam filling the frame with the document
    o.onDesk = true;
    o.skewDegrees = uniform(rng, -10, 10);
    o.perspective = uniform(rng, 0.02, 0.08);
    o.blurSigma = uniform(rng, 0.3, 1.0);
    o.motionBlur = uniform(rng, 0, 2.5);
    o.unevenLight = uniform(rng, 0.1, 0.4);
    o.noiseSigma = uniform(rng, 2, 6);
    o.jpegQuality = static_cast<int>(uniform(rng, 70, 92));
    return o;
}

const std::vector<Condition>& conditions() {
    static const std::vector<Condition> all = {
        {"scan-300", "flatbed page, 300 dpi, skew +-3 deg", [](std::mt19937_64& r) { return scan(r, 300); }},
        {"scan-150", "flatbed page, 150 dpi, skew +-3 deg", [](std::mt19937_64& r) { return scan(r, 150); }},
        {"scan-rotated", "300 dpi, turned 90/180/270, skew +-15 deg",
         [](std::mt19937_64& r) {
             auto o = scan(r, 300);
             o.rotation = 90 * static_cast<int>(1 + r() % 3);
             o.skewDegrees = uniform(r, -15, 15);
             return o;
         }},
        {"camera", "on a desk, perspective, blur, uneven light, noise, JPEG", camera},
        {"camera-tilted", "camera held at an angle: strong perspective, skew +-15 deg",
         [](std::mt19937_64& r) {
             auto o = camera(r);
             o.perspective = uniform(r, 0.12, 0.2);
             o.skewDegrees = uniform(r, -15, 15);
             return o;
         }},
        {"hard-glare", "camera with a glare spot over the zone",
         [](std::mt19937_64& r) {
             auto o = camera(r);
             o.glare = uniform(r, 0.4, 0.6);
             o.glareOnMrz = true;
             return o;
         }},
        {"hard-contrast", "camera at low contrast (0.3-0.45)",
         [](std::mt19937_64& r) {
             auto o = camera(r);
             o.contrast = uniform(r, 0.3, 0.45);
             return o;
         }},
        {"hard-120dpi", "flatbed at 120 dpi",
         [](std::mt19937_64& r) {
             auto o = scan(r, 120);
             return o;
         }},
        {"hard-jpeg", "200 dpi scan through JPEG quality 15-30",
         [](std::mt19937_64& r) {
             auto o = scan(r, 200);
             o.jpegQuality = static_cast<int>(uniform(r, 15, 30));
             return o;
         }},
        {"no-mrz", "documents and desks without an MRZ (must find none)",
         [](std::mt19937_64& r) {
             auto o = r() % 2 ? scan(r, 300) : camera(r);
             o.withoutMrz = true;
             return o;
         },
         Condition::Kind::NoMrz},
        {"wrong-check-digit", "300 dpi, document number check digit misprinted (must never be valid)",
         [](std::mt19937_64& r) {
             auto o = scan(r, 300);
             o.wrongCheckDigit = true;
             return o;
         },
         Condition::Kind::WrongCheckDigit},
    };
    return all;
}

struct Tally {
    int n = 0;
    int exact = 0;
    int foundWrong = 0;
    int notFound = 0;
    int validWrong = 0;    ///< passes every check yet differs from the document: must be 0
    int flagged = 0;       ///< exact, but reported with a low-confidence field (uncertain_read) for the officer
    int falseFound = 0;    ///< no-mrz: an MRZ reported anyway: must be 0
    int reportedValid = 0; ///< wrong-check-digit: reported valid: must be 0
    std::map<std::string, int> reasons;
    std::vector<double> ms; ///< image file (PNG or JPEG bytes) to validated reading
    int baselineExact = 0;  ///< plain Tesseract, stock model, on the lower part of the image
    std::vector<double> baselineMs;
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

/// What a newcomer would try: Debian's stock English model, default settings, on the lower third of the
/// image as it comes, the longest lines taken as the MRZ with spaces removed.
std::vector<std::string> baselineRead(tesseract::TessBaseAPI& api, const capture::Image& image, std::size_t lines) {
    const int top = image.height * 2 / 3;
    const int rows = image.height - top;
    api.SetImage(image.pixels.data() + static_cast<std::ptrdiff_t>(top) * image.width * image.channels, image.width,
                 rows, image.channels, image.width * image.channels);
    std::unique_ptr<char[]> text(api.GetUTF8Text());
    std::vector<std::string> found;
    std::istringstream in(text ? text.get() : "");
    for (std::string line; std::getline(in, line);) {
        std::erase(line, ' ');
        if (line.size() >= 20) found.push_back(line);
    }
    if (found.size() > lines) found.erase(found.begin(), found.end() - static_cast<std::ptrdiff_t>(lines));
    return found;
}

/// Frames per second of locateMrz on 1280x720 camera-like frames (documents on a desk filling the view).
double locateFps(int frames) {
    auto renderer = capture::SyntheticRenderer::create();
    if (!renderer) return 0;
    const auto today = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};
    std::vector<capture::Image> views;
    for (int i = 0; i < 20; ++i) {
        std::mt19937_64 rng(static_cast<std::uint64_t>(i) + 99);
        auto o = camera(rng);
        o.seed = static_cast<std::uint64_t>(i) + 1;
        auto doc = renderer->render(capture::randomFields(o.seed, static_cast<validation::MrzFormat>(i % 5), today), o);
        if (!doc) return 0;
        const cv::Mat src(doc->image.height, doc->image.width, CV_8UC3, doc->image.pixels.data());
        cv::Mat view;
        cv::resize(src, view, cv::Size(1280, 720), 0, 0, cv::INTER_AREA);
        views.push_back({1280, 720, 3, std::vector<std::uint8_t>(view.data, view.data + view.total() * 3)});
    }
    int located = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < frames; ++i)
        if (capture::locateMrz(views[static_cast<std::size_t>(i) % views.size()])) ++located;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print("locateMrz on 1280x720 camera frames, one core: {:.0f} frames/s ({} of {} frames with a zone)\n",
               frames / seconds, located, frames);
    return frames / seconds;
}

} // namespace

int main(int argc, char** argv) {
    int count = 200;
    std::string only;
    std::string save;
    auto model = capture::ReaderConfig::Model::Mrz;
    int threads = 2;
    bool baseline = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                fmt::print(stderr, "{} needs a value\n", a);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--count")
            count = std::max(1, std::atoi(next().c_str()));
        else if (a == "--conditions") {
// GCC 12 at -O2 and above: bogus -Wrestrict in std::string from a short literal (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
            only = "," + next() + ",";
#pragma GCC diagnostic pop
        } else if (a == "--save")
            save = next();
        else if (a == "--threads")
            threads = std::clamp(std::atoi(next().c_str()), 1, 16);
        else if (a == "--model")
            model = next() == "eng" ? capture::ReaderConfig::Model::StockEng : model;
        else if (a == "--baseline")
            baseline = true;
        else {
            fmt::print(stderr, "usage: capture_accuracy [--count N] [--conditions a,b] [--model mrz|eng] [--baseline] "
                               "[--threads N] [--save DIR]\n");
            return 2;
        }
    }
    const auto today = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};
    fmt::print("model: {}; {} documents per condition; formats TD1, TD2, TD3, MRV-A, MRV-B in turn\n\n",
               model == capture::ReaderConfig::Model::Mrz ? "SecondLine OCR-B (mrz)" : "Debian stock eng", count);
    fmt::print("{:<18} {:>5} {:>8} {:>7} {:>7} {:>7} {:>7} {:>8} {:>8} {:>8}  {}\n", "condition", "n", "exact",
               "flagged", "wrong", "missed", "valid≠", "neg.err", "p50 ms", "p95 ms", "reasons not found");
    fmt::print("(times: image file bytes to validated reading, one core per document)\n");
    int failures = 0;
    for (const auto& condition : conditions()) {
        if (!only.empty() && only.find("," + condition.name + ",") == std::string::npos) continue;
        Tally total;
        std::mutex mutex;
        std::atomic<int> nextIndex{0};
        auto worker = [&] {
            auto renderer = capture::SyntheticRenderer::create();
            capture::ReaderConfig config;
            config.model = model;
            auto reader = capture::MrzReader::create(config);
            tesseract::TessBaseAPI stock;
            if (baseline && stock.Init(SECONDLINE_TESSDATA_DIR, "eng") != 0) {
                fmt::print(stderr, "cannot start the stock Tesseract model\n");
                std::exit(2);
            }
            if (!renderer || !reader) {
                fmt::print(stderr, "cannot start: fonts or OCR model missing\n");
                std::exit(2);
            }
            for (int i = nextIndex++; i < count; i = nextIndex++) {
                const std::uint64_t seed = std::hash<std::string>{}(condition.name) ^
                                           (std::uint64_t{0x9E3779B97F4A7C15} * static_cast<std::uint64_t>(i + 1));
                std::mt19937_64 rng(seed);
                auto options = condition.options(rng);
                options.seed = seed;
                const auto format = static_cast<validation::MrzFormat>(i % 5);
                auto doc = renderer->render(capture::randomFields(seed, format, today), options);
                if (!doc) {
                    fmt::print(stderr, "render failed: {}\n", doc.error().message);
                    std::exit(2);
                }
                // Timed from the image file's bytes (PNG, or JPEG for the JPEG conditions) to the validated
                // reading, as an ingest sees it.
                auto file =
                    options.jpegQuality > 0 ? capture::encodeJpeg(doc->image, 95) : capture::encodePng(doc->image);
                if (!file) std::exit(2);
                const auto started = std::chrono::steady_clock::now();
                auto decoded = capture::decodeImage(*file);
                if (!decoded) std::exit(2);
                const auto reading = reader->read(*decoded, {.inspectionDate = today});
                const double ms =
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
                std::vector<std::string> stockLines;
                double stockMs = 0;
                if (baseline && condition.kind == Condition::Kind::Read) {
                    const auto t0 = std::chrono::steady_clock::now();
                    stockLines = baselineRead(stock, doc->image, doc->mrz.size());
                    stockMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
                }
                std::lock_guard lock(mutex);
                ++total.n;
                total.ms.push_back(ms);
                if (baseline && condition.kind == Condition::Kind::Read) {
                    total.baselineMs.push_back(stockMs);
                    if (stockLines == doc->mrz) ++total.baselineExact;
                }
                const bool exact = reading.found && reading.document && reading.document->lines == doc->mrz;
                bool bad = false;
                switch (condition.kind) {
                case Condition::Kind::NoMrz:
                    if (reading.found) {
                        ++total.falseFound;
                        bad = true;
                    }
                    break;
                case Condition::Kind::WrongCheckDigit:
                    if (reading.found && reading.document->valid()) {
                        ++total.reportedValid;
                        bad = true;
                    }
                    [[fallthrough]];
                case Condition::Kind::Read:
                    if (exact)
                        ++total.exact;
                    else if (reading.found) {
                        ++total.foundWrong;
                        bad = true;
                        if (reading.document->valid()) ++total.validWrong;
                    } else {
                        ++total.notFound;
                        bad = true;
                        ++total.reasons[reading.reason ? std::string(capture::readFailureName(*reading.reason))
                                                       : std::string("unknown")];
                    }
                    break;
                }
                if (bad && !save.empty()) {
                    const std::string base = fmt::format("{}/{}-{:03}", save, condition.name, i);
                    core::ignoreResult(capture::savePng(doc->image, base + ".png"),
                                       "a failure case not saved for inspection changes no figure");
                    if (FILE* f = std::fopen((base + ".txt").c_str(), "w")) {
                        fmt::print(f, "truth:\n{}read:\n{}", joined(doc->mrz),
                                   reading.document ? joined(reading.document->lines) : joined(reading.lines));
                        std::fclose(f);
                    }
                }
            }
        };
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
        for (auto& t : pool) t.join();

        std::string reasons;
        for (const auto& [why, n] : total.reasons) reasons += fmt::format("{}x {}; ", n, why);
        const int negErrors = condition.kind == Condition::Kind::NoMrz ? total.falseFound : total.reportedValid;
        const std::string exactText = condition.kind == Condition::Kind::NoMrz
                                          ? std::string("-")
                                          : fmt::format("{:.1f}%", 100.0 * total.exact / std::max(1, total.n));
        fmt::print("{:<18} {:>5} {:>8} {:>7} {:>7} {:>7} {:>7} {:>8} {:>8.0f} {:>8.0f}  {}\n", condition.name, total.n,
                   exactText, total.flagged, total.foundWrong,
                   condition.kind == Condition::Kind::NoMrz ? 0 : total.notFound, total.validWrong, negErrors,
                   percentile(total.ms, 0.5), percentile(total.ms, 0.95), reasons);
        if (baseline && condition.kind == Condition::Kind::Read) {
            const std::string ratio = total.baselineExact > 0
                                          ? fmt::format("SecondLine reads {:.1f}x as many exactly",
                                                        static_cast<double>(total.exact) / total.baselineExact)
                                          : fmt::format("SecondLine reads {} exactly, the baseline none", total.exact);
            fmt::print(
                "{:<18} {:>5} {:>8}  plain Tesseract (stock eng, lower third): p50 {:.0f} ms; {}; {:.1f}x faster\n",
                "  baseline", total.n, fmt::format("{:.1f}%", 100.0 * total.baselineExact / std::max(1, total.n)),
                percentile(total.baselineMs, 0.5), ratio,
                percentile(total.baselineMs, 0.5) / std::max(1e-9, percentile(total.ms, 0.5)));
        }
        std::fflush(stdout);
        failures += total.validWrong + negErrors;
    }
    if (only.empty() || only.find(",locate,") != std::string::npos) locateFps(300);
    fmt::print("\nexact: whole MRZ read exactly as printed (flagged: of those, reported with a low-confidence field "
               "for the officer to compare, so not valid); wrong: found but some character differs; valid≠: of "
               "those, readings that pass every check (must be 0); neg.err: an MRZ reported where there is none, "
               "or a misprinted check digit reported valid (must be 0)\n");
    return failures == 0 ? 0 : 1;
}
