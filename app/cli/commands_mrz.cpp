// secondline mrz read | mrz parse | synth

#include "cli.h"

#include <secondline/capture/frame_voter.h>
#include <secondline/capture/mrz_reader.h>
#include <secondline/capture/source.h>
#include <secondline/capture/synthetic.h>
#include <secondline/validation/mrz_parser.h>

#include <document_json.h>

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

namespace secondline::cli {

namespace {

void printHuman(const std::string& source, const capture::MrzReading& r) {
    if (!r.found) {
        fmt::print("{}: not found ({}: {})\n", source, r.error ? core::errorCodeName(r.error->code) : "",
                   r.error ? r.error->message : "");
        return;
    }
    const auto& d = *r.document;
    fmt::print("{}: {} {} ({:.0f} ms)\n", source, validation::formatName(d.format), d.valid() ? "valid" : "INVALID",
               r.elapsedMs);
    for (const auto& line : d.lines) fmt::print("  {}\n", line);
    for (const auto& f : d.fields)
        fmt::print("  {:<16} {:<32} {}\n", f.name, f.value, f.checkDigitVerified ? "check digit ok" : "");
    for (const auto& c : d.checks) fmt::print("  check {:<16} {}\n", c.name, validation::checkStatusName(c.status));
    for (const auto& f : d.findings)
        fmt::print("  {:<8} {}: {}\n", validation::severityName(f.severity), validation::findingCodeName(f.code),
                   f.message);
}

void printHumanDocument(const validation::TravelDocument& d) {
    fmt::print("{} {}\n", validation::formatName(d.format), d.valid() ? "valid" : "INVALID");
    for (const auto& f : d.fields)
        fmt::print("  {:<16} {:<32} {}\n", f.name, f.value, f.checkDigitVerified ? "check digit ok" : "");
    for (const auto& c : d.checks) fmt::print("  check {:<16} {}\n", c.name, validation::checkStatusName(c.status));
    for (const auto& f : d.findings)
        fmt::print("  {:<8} {}: {}\n", validation::severityName(f.severity), validation::findingCodeName(f.code),
                   f.message);
}

struct ReadArgs {
    std::vector<std::string> images;
    bool json = false;
    bool noRotate = false;
    std::string date;
    SourceReadArgs device;
};

int runRead(const ReadArgs& args) {
    std::chrono::sys_days today{};
    if (!dateOption(args.date, "--date", today)) return kUsage;
    if (args.device.any() == !args.images.empty()) {
        printError({core::ErrorCode::InvalidArgument,
                    "give image files, or one of --camera, --video, --serial, --scanner (not both)"});
        return kUsage;
    }
    if (args.device.any()) return runMrzFromSource(args.device, args.json, today);
    auto reader = capture::MrzReader::create();
    if (!reader) {
        printError(reader.error());
        return kUsage;
    }
    int rc = kOk;
    Progress progress("reading", args.device.progress && args.images.size() > 1);
    std::size_t done = 0;
    for (const auto& path : args.images) {
        if (args.images.size() > 1) progress.count(done++, args.images.size());
        capture::MrzReading reading;
        const auto started = std::chrono::steady_clock::now();
        auto image = capture::loadImage(path);
        if (!image) {
            reading.error = image.error();
        } else {
            reading = reader->read(*image, {.inspectionDate = today, .tryRotate = !args.noRotate});
        }
        reading.elapsedMs =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        if (args.json)
            std::cout << app::dumpLine(app::readingJson(path, reading)) << '\n' << std::flush;
        else
            printHuman(path, reading);
        int status = kOk;
        if (!image &&
            (image.error().code == core::ErrorCode::FileNotFound || image.error().code == core::ErrorCode::Io))
            status = kUsage;
        else if (!reading.found || !reading.document->valid())
            status = kInvalid;
        rc = std::max(rc, status);
    }
    if (args.images.size() > 1) progress.count(done, args.images.size());
    return rc;
}

struct FramesArgs {
    std::vector<std::string> images;
    std::string date;
    int agree = 2;
};

/// Several pictures of one document (a burst of photos, frames saved from a camera): each is scored and
/// read, and the readings are voted character by character. One JSON object: the voted reading, with
/// "frames" (how many were used) and "settled" (every check passes with enough agreement).
int runFrames(const FramesArgs& args) {
    std::chrono::sys_days today{};
    if (!dateOption(args.date, "--date", today)) return kUsage;
    auto reader = capture::MrzReader::create();
    if (!reader) {
        printError(reader.error());
        return kUsage;
    }
    capture::FrameVoter voter(*reader, {.inspectionDate = today},
                              {.agreeingFrames = args.agree, .maxFrames = static_cast<int>(args.images.size())});
    nlohmann::json scores = nlohmann::json::array();
    for (const auto& path : args.images) {
        auto image = capture::loadImage(path);
        if (!image) {
            printError(image.error());
            return exitFor(image.error());
        }
        const auto step = voter.add(*image);
        scores.push_back({{"source", path},
                          {"read", step.read},
                          {"sharpness", std::round(step.quality.sharpness * 1000.0) / 1000.0},
                          {"glare", std::round(step.quality.glare * 1000.0) / 1000.0},
                          {"weight", std::round(step.quality.weight * 1000.0) / 1000.0}});
        if (voter.done()) break;
    }
    const auto reading = voter.result();
    auto j = app::readingJson("frames", reading);
    j["frames"] = voter.frames();
    j["settled"] = voter.settled();
    j["frame_scores"] = std::move(scores);
    std::cout << app::dumpLine(j) << '\n';
    return reading.found && reading.document->valid() ? kOk : kInvalid;
}

struct ParseArgs {
    bool json = false;
    std::string date;
};

/// Parses one block of text into `scratch` (a document reused across blocks: batch parsing allocates
/// almost nothing per MRZ).
core::Status parseBlockText(const std::string& text, const validation::ParseOptions& options,
                            validation::TravelDocument& scratch) {
    thread_local std::vector<std::string> lines; // reused across blocks, like the document
    if (auto s = validation::splitMrzLinesInto(text, lines); !s) return s;
    return validation::parseMrzInto(lines, options, scratch);
}

/// One input block: MRZ lines, or a JSON object with "lines".
void emitParsed(const std::vector<std::string>& block, bool tooLong, const ParseArgs& args,
                const validation::ParseOptions& options, validation::TravelDocument& scratch, int& rc) {
    nlohmann::json out;
    core::Status status = core::fail(core::ErrorCode::MrzEmpty, "no MRZ text");
    std::vector<std::string> lines = block;
    if (tooLong) {
        status = core::fail(core::ErrorCode::MrzTooLong, "input block is longer than an MRZ");
        lines.clear();
    } else if (block.size() == 1 && !block[0].empty() && block[0][0] == '{') {
        const auto j = nlohmann::json::parse(block[0], nullptr, false);
        lines.clear();
        if (j.is_discarded() || !j.is_object() || !j.contains("lines") || !j["lines"].is_array()) {
            status = core::fail(core::ErrorCode::MrzFormat, "JSON input needs an object with a \"lines\" array");
        } else {
            bool strings = true;
            for (const auto& l : j["lines"]) {
                if (!l.is_string())
                    strings = false;
                else
                    lines.push_back(l.get<std::string>());
            }
            if (!strings) {
                status = core::fail(core::ErrorCode::MrzFormat, "\"lines\" must hold strings");
            } else {
                std::string text;
                for (const auto& l : lines) text += l + "\n";
                status = parseBlockText(text, options, scratch);
            }
        }
    } else {
        std::string text;
        for (const auto& l : block) text += l + "\n";
        status = parseBlockText(text, options, scratch);
    }
    const validation::TravelDocument* doc = status ? &scratch : nullptr;
    if (doc) {
        out = app::documentJson(*doc);
    } else {
        out = {{"format", nullptr},
               {"lines", lines},
               {"fields", nlohmann::json::object()},
               {"checks", nlohmann::json::array()},
               {"findings", nlohmann::json::array()},
               {"valid", false},
               {"error", app::errorJson(status.error())}};
    }
    if (args.json) {
        std::cout << app::dumpLine(out) << '\n';
    } else if (doc) {
        printHumanDocument(*doc);
    } else {
        fmt::print("error {}: {}\n", core::errorCodeName(status.error().code), status.error().message);
    }
    if (!doc || !doc->valid()) rc = std::max(rc, static_cast<int>(kInvalid));
}

int runParse(const ParseArgs& args) {
    validation::ParseOptions options;
    if (!dateOption(args.date, "--date", options.inspectionDate)) return kUsage;
    int rc = kOk;
    validation::TravelDocument scratch;
    std::vector<std::string> block;
    std::size_t blockBytes = 0;
    bool tooLong = false;
    bool any = false;
    auto flush = [&] {
        if (!block.empty() || tooLong) {
            emitParsed(block, tooLong, args, options, scratch, rc);
            any = true;
        }
        block.clear();
        blockBytes = 0;
        tooLong = false;
    };
    // Bytes are read in chunks and lines kept bounded, so a hostile stream (megabytes without a newline)
    // costs time proportional to its size and no more memory than one MRZ.
    auto handleLine = [&](std::string& line, bool overlong) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (overlong) {
            tooLong = true;
        } else if (line.find_first_not_of(" \t") == std::string::npos) {
            flush();
        } else if (line.front() == '{') {
            flush();
            block.push_back(line);
            flush();
        } else {
            blockBytes += line.size() + 1;
            if (blockBytes > validation::kMaxMrzTextBytes || block.size() >= 8)
                tooLong = true;
            else
                block.push_back(line);
        }
        line.clear();
    };
    std::string line;
    bool overlong = false;
    char chunk[65536];
    while (std::cin.read(chunk, sizeof chunk) || std::cin.gcount() > 0) {
        const auto got = static_cast<std::size_t>(std::cin.gcount());
        for (std::size_t i = 0; i < got; ++i) {
            if (chunk[i] == '\n') {
                handleLine(line, overlong);
                overlong = false;
            } else if (line.size() < validation::kMaxMrzTextBytes) {
                line += chunk[i];
            } else {
                overlong = true;
            }
        }
    }
    if (!line.empty() || overlong) handleLine(line, overlong);
    flush();
    if (!any) {
        printError({core::ErrorCode::MrzEmpty, "no MRZ text on standard input"});
        return kInvalid;
    }
    return rc;
}

struct SynthArgs {
    std::string out;
    int count = 10;
    std::vector<std::string> formats{"TD1", "TD2", "TD3", "MRVA", "MRVB"};
    int dpi = 300;
    int rotation = 0;
    double skew = 0.0;
    bool onPage = false;
    capture::RenderOptions degrade{}; ///< the camera-like and damaging conditions
    std::uint64_t seed = 1;
    std::string date;
    int videoFrames = 0; ///< write each document as a video of this many frames (a hand-held camera)
};

int runSynth(const SynthArgs& args) {
    std::chrono::sys_days today{};
    if (!dateOption(args.date, "--date", today)) return kUsage;
    std::vector<validation::MrzFormat> formats;
    for (const auto& name : args.formats) {
        auto f = validation::formatFromName(name);
        if (!f) {
            printError({core::ErrorCode::InvalidArgument, "unknown format (use TD1, TD2, TD3, MRVA, MRVB)"});
            return kUsage;
        }
        formats.push_back(*f);
    }
    std::error_code ec;
    std::filesystem::create_directories(args.out, ec);
    if (ec) {
        printError({core::ErrorCode::Io, "cannot create the output folder"});
        return kUsage;
    }
    auto renderer = capture::SyntheticRenderer::create();
    if (!renderer) {
        printError(renderer.error());
        return kUsage;
    }
    for (int i = 0; i < args.count; ++i) {
        const auto format = formats[static_cast<std::size_t>(i) % formats.size()];
        const auto fields = capture::randomFields(args.seed * 100003 + static_cast<std::uint64_t>(i), format, today);
        capture::RenderOptions options = args.degrade;
        options.dpi = args.dpi;
        options.rotation = args.rotation;
        options.skewDegrees = args.skew;
        options.onPage = args.onPage;
        options.seed = args.seed + static_cast<std::uint64_t>(i);
        auto doc = renderer->render(fields, options);
        if (!doc) {
            printError(doc.error());
            return kUsage;
        }
        const std::string stem = fmt::format("{}/synthetic-{:04d}-{}", args.out, i, validation::formatName(format));
        if (args.videoFrames > 0) {
            // The same document again and again, each frame with its own noise and placement, as a camera sees it.
            std::vector<capture::Image> frames{doc->image};
            for (int f = 1; f < args.videoFrames; ++f) {
                options.seed = args.seed + static_cast<std::uint64_t>(i) * 1000 + static_cast<std::uint64_t>(f);
                auto frame = renderer->render(fields, options);
                if (!frame) {
                    printError(frame.error());
                    return kUsage;
                }
                frames.push_back(std::move(frame->image));
            }
            if (auto s = capture::saveVideo(frames, stem + ".avi", 10.0); !s) {
                printError(s.error());
                return kUsage;
            }
        } else if (auto s = capture::savePng(doc->image, stem + ".png"); !s) {
            printError(s.error());
            return kUsage;
        }
        const auto& d = args.degrade;
        const nlohmann::json truth = {{"synthetic", true},
                                      {"generator", "secondline synth"},
                                      {"format", validation::formatName(format)},
                                      {"dpi", args.dpi},
                                      {"rotation", args.rotation},
                                      {"skew_degrees", args.skew},
                                      {"on_desk", d.onDesk},
                                      {"perspective", d.perspective},
                                      {"blur_sigma", d.blurSigma},
                                      {"motion_blur", d.motionBlur},
                                      {"noise_sigma", d.noiseSigma},
                                      {"uneven_light", d.unevenLight},
                                      {"glare", d.glare},
                                      {"glare_on_mrz", d.glareOnMrz},
                                      {"contrast", d.contrast},
                                      {"jpeg_quality", d.jpegQuality},
                                      {"wrong_check_digit", d.wrongCheckDigit},
                                      {"without_mrz", d.withoutMrz},
                                      {"video_frames", args.videoFrames},
                                      {"mrz", doc->mrz}};
        std::ofstream(stem + ".json") << truth.dump(2) << '\n';
    }
    fmt::print("wrote {} synthetic documents to {}\n", args.count, args.out);
    return kOk;
}

} // namespace

void registerMrzCommands(CLI::App& app, Context& ctx) {
    auto* mrz = app.add_subcommand("mrz", "Read and parse machine readable zones");
    mrz->require_subcommand(1);

    auto readArgs = std::make_shared<ReadArgs>();
    auto* read = mrz->add_subcommand("read", "Read the MRZ from image files (PNG or JPEG), or from a "
                                             "camera, recording, scanner or serial document reader");
    read->add_option("images", readArgs->images, "Image files");
    addSourceReadOptions(*read, readArgs->device);
    read->add_flag("--json", readArgs->json, "One JSON object per image, one per line");
    read->add_flag("--no-rotate", readArgs->noRotate, "Do not try the image turned by 90, 180 and 270 degrees");
    read->add_option("--date", readArgs->date, "Inspection date YYYY-MM-DD (default: today, UTC)");
    read->callback([readArgs, &ctx] { ctx.exitCode = runRead(*readArgs); });

    auto framesArgs = std::make_shared<FramesArgs>();
    auto* frames = mrz->add_subcommand("frames", "Read one document from several pictures of it and vote per "
                                                 "character (JSON; stops once every check passes with agreement)");
    frames->add_option("images", framesArgs->images, "Pictures of the same document, best first or in order")
        ->required();
    frames->add_option("--agree", framesArgs->agree, "Frames that must agree on every character")
        ->check(CLI::Range(1, 10));
    frames->add_option("--date", framesArgs->date, "Inspection date YYYY-MM-DD (default: today, UTC)");
    frames->callback([framesArgs, &ctx] { ctx.exitCode = runFrames(*framesArgs); });

    auto parseArgs = std::make_shared<ParseArgs>();
    auto* parse = mrz->add_subcommand("parse", "Parse MRZ text from standard input: blocks of lines separated by a "
                                               "blank line, or JSON lines {\"lines\": [...]}");
    parse->add_flag("--json", parseArgs->json, "One JSON object per input, one per line");
    parse->add_option("--date", parseArgs->date, "Inspection date YYYY-MM-DD (default: today, UTC)");
    parse->callback([parseArgs, &ctx] { ctx.exitCode = runParse(*parseArgs); });

    auto synthArgs = std::make_shared<SynthArgs>();
    auto* synth = app.add_subcommand("synth", "Write synthetic document images with their ground truth");
    synth->add_option("--out", synthArgs->out, "Output folder")->required();
    synth->add_option("--count", synthArgs->count, "How many documents")->check(CLI::Range(1, 100000));
    synth->add_option("--format", synthArgs->formats, "Formats to cycle through (TD1 TD2 TD3 MRVA MRVB)");
    synth->add_option("--dpi", synthArgs->dpi, "Resolution")->check(CLI::Range(50, 1200));
    synth->add_option("--rotation", synthArgs->rotation, "0, 90, 180 or 270")->check(CLI::IsMember({0, 90, 180, 270}));
    synth->add_option("--skew", synthArgs->skew, "Skew in degrees")->check(CLI::Range(-30.0, 30.0));
    synth->add_flag("--on-page", synthArgs->onPage, "Lay each document on a larger page");
    auto& d = synthArgs->degrade;
    synth->add_flag("--on-desk", d.onDesk, "Lay each document on a cluttered desk (camera-like)");
    synth->add_option("--perspective", d.perspective, "Camera tilt, 0-0.3")->check(CLI::Range(0.0, 0.3));
    synth->add_option("--blur", d.blurSigma, "Defocus (Gaussian sigma, pixels)")->check(CLI::Range(0.0, 50.0));
    synth->add_option("--motion-blur", d.motionBlur, "Motion blur length, pixels")->check(CLI::Range(0.0, 100.0));
    synth->add_option("--noise", d.noiseSigma, "Gaussian noise, grey levels")->check(CLI::Range(0.0, 100.0));
    synth->add_option("--uneven-light", d.unevenLight, "Light fall-off across the frame, 0-1")
        ->check(CLI::Range(0.0, 1.0));
    synth->add_option("--glare", d.glare, "Glare spot strength, 0-1")->check(CLI::Range(0.0, 1.0));
    synth->add_flag("--glare-on-mrz", d.glareOnMrz, "Put the glare spot over the MRZ");
    synth->add_option("--contrast", d.contrast, "Print contrast, 0.05-1")->check(CLI::Range(0.05, 1.0));
    synth->add_option("--jpeg", d.jpegQuality, "Pass through JPEG at this quality (1-100)")->check(CLI::Range(0, 100));
    synth->add_flag("--wrong-check-digit", d.wrongCheckDigit, "Misprint the document number's check digit");
    synth->add_flag("--without-mrz", d.withoutMrz, "Leave the MRZ out (negative samples)");
    synth->add_option("--seed", synthArgs->seed, "Random seed");
    synth
        ->add_option("--video-frames", synthArgs->videoFrames,
                     "Write each document as an MJPEG video (.avi) of this many frames instead of a PNG")
        ->check(CLI::Range(0, 300));
    synth->add_option("--date", synthArgs->date, "Reference date for birth and expiry dates (default: today)");
    synth->callback([synthArgs, &ctx] { ctx.exitCode = runSynth(*synthArgs); });
}

} // namespace secondline::cli
