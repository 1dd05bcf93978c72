// Capture sources, end to end on real components: SANE's test backend as the scanner, a recording through
// OpenCV's capture as the camera, a pseudo-terminal as the serial document reader.
//   bash scripts/bench-sources.sh

#include <secondline/capture/capture_session.h>
#include <secondline/capture/mrz_text.h>
#include <secondline/capture/source.h>
#include <secondline/capture/synthetic.h>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <unistd.h>

using namespace secondline;
using namespace secondline::capture;
using namespace std::chrono_literals;

namespace {

const std::string kTd3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
const auto kDate = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};

/// From the reader's last byte to the MRZ text in the application: what the officer waits for.
void BM_SerialReaderToText(benchmark::State& state) {
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) {
        state.SkipWithError("no pseudo-terminal");
        return;
    }
    SourceOptions options;
    options.serial.baud = static_cast<int>(state.range(0));
    auto source = openSource(std::string("serial:") + ::ptsname(master), options);
    if (!source || !(*source)->start()) {
        state.SkipWithError("cannot open the serial source");
        return;
    }
    const std::string wire = "\x02" + kTd3 + "\r\n\x03";
    for (auto _ : state) {
        if (::write(master, wire.data(), wire.size()) != static_cast<ssize_t>(wire.size())) {
            state.SkipWithError("write failed");
            break;
        }
        for (;;) {
            auto item = (*source)->next(1s);
            if (!item) {
                state.SkipWithError("read failed");
                break;
            }
            if (item->kind == SourceItem::Kind::Text) break;
        }
    }
    state.SetItemsProcessed(state.iterations());
    ::close(master);
}
BENCHMARK(BM_SerialReaderToText)->Arg(9600)->Arg(115200)->UseRealTime()->Unit(benchmark::kMicrosecond);

/// Hostile input: how fast noise is discarded (bounded work per byte, bounded memory).
void BM_AssemblerNoise(benchmark::State& state) {
    std::mt19937 rng(5);
    std::string noise(1 << 20, '\0');
    for (auto& c : noise) c = static_cast<char>(rng());
    MrzTextAssembler assembler;
    std::vector<std::string> done;
    const auto now = MrzTextAssembler::Clock::now();
    for (auto _ : state) {
        assembler.feed(noise, now, done);
        benchmark::DoNotOptimize(done.size());
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(noise.size()));
}
BENCHMARK(BM_AssemblerNoise)->Unit(benchmark::kMillisecond);

/// One passport page (125 x 88 mm) from the SANE test backend at the given resolution, grey.
void BM_SaneTestBackendPage(benchmark::State& state) {
    SourceOptions options;
    options.scanner.resolution = static_cast<int>(state.range(0));
    options.scanner.area = ScanArea{0, 0, 125, 88};
    auto source = openSource("sane:test:0", options);
    if (!source || !(*source)->start()) {
        state.SkipWithError("no SANE test backend (SANE_CONFIG_DIR?)");
        return;
    }
    std::int64_t bytes = 0;
    for (auto _ : state) {
        auto page = (*source)->next(60s);
        if (!page) {
            state.SkipWithError("scan failed");
            break;
        }
        bytes += static_cast<std::int64_t>(page->image.pixels.size());
    }
    state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_SaneTestBackendPage)->Arg(300)->Arg(600)->UseRealTime()->Unit(benchmark::kMillisecond);

/// A hand-held camera recording to a settled, validated reading: frames decoded, read and voted.
void BM_CameraRecordingToSettledReading(benchmark::State& state) {
    const auto clip = std::filesystem::temp_directory_path() / "secondline-bench-clip.avi";
    {
        auto renderer = SyntheticRenderer::create();
        if (!renderer) {
            state.SkipWithError("no fonts");
            return;
        }
        const auto fields = randomFields(17, validation::MrzFormat::TD3, kDate);
        std::vector<Image> frames;
        for (std::uint64_t k = 0; k < 10; ++k) {
            RenderOptions o;
            o.dpi = static_cast<int>(state.range(0));
            o.onDesk = true;
            o.noiseSigma = 4.0;
            o.seed = 100 + k;
            auto doc = renderer->render(fields, o);
            if (!doc) {
                state.SkipWithError("render failed");
                return;
            }
            frames.push_back(std::move(doc->image));
        }
        if (!saveVideo(frames, clip.string(), 15.0)) {
            state.SkipWithError("cannot write the clip");
            return;
        }
    }
    auto reader = MrzReader::create();
    if (!reader) {
        state.SkipWithError("no OCR model");
        return;
    }
    std::int64_t frames = 0;
    int settled = 0;
    for (auto _ : state) {
        auto source = openSource("video:" + clip.string(), {});
        const auto r = captureMrz(**source, *reader, {.read = {.inspectionDate = kDate}});
        frames += r.frames;
        settled += r.settled ? 1 : 0;
    }
    state.counters["frames_per_document"] = static_cast<double>(frames) / static_cast<double>(state.iterations());
    state.counters["settled_share"] = static_cast<double>(settled) / static_cast<double>(state.iterations());
    state.counters["frames_per_second"] = benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
    std::filesystem::remove(clip);
}
BENCHMARK(BM_CameraRecordingToSettledReading)->Arg(170)->UseRealTime()->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char** argv) {
    // The SANE test backend only, from the tests' SANE folder, unless the caller chose a configuration.
    ::setenv("SANE_CONFIG_DIR", SECONDLINE_SANE_TEST_CONFIG, 0);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
