// secondline demo: the walking skeleton without a display. Renders a synthetic passport, reads its MRZ
// from the pixels, validates it, stores it in an encrypted training store, reads it back and prints it.

#include "cli.h"

#include <secondline/capture/mrz_reader.h>
#include <secondline/capture/synthetic.h>
#include <secondline/storage/store.h>

#include <paths.h>

#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <random>

namespace secondline::cli {

namespace {

struct DemoArgs {
    std::string store;
    std::uint64_t seed = 0;
    std::string format = "TD3";
};

int runDemo(const DemoArgs& a) {
    namespace fs = std::filesystem;
    const core::SystemClock clock;
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    const auto format = validation::formatFromName(a.format);
    if (!format) {
        printError({core::ErrorCode::InvalidArgument, "unknown format (use TD1, TD2, TD3, MRVA, MRVB)"});
        return kUsage;
    }
    const std::string path =
        a.store.empty() ? (fs::path(app::dataDirectory()) / "demo" / "training-demo.db").string() : a.store;
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    // The demo store is a throw-away training store: the previous one goes.
    for (const char* suffix : {"", ".keys", ".root-key", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);

    fmt::print("SecondLine demo (synthetic data only)\n\n");
    // 1. Render a synthetic document on a scanner page.
    auto renderer = capture::SyntheticRenderer::create();
    if (!renderer) return printError(renderer.error()), kUsage;
    const std::uint64_t seed = a.seed != 0 ? a.seed : std::random_device{}();
    const auto fields = capture::randomFields(seed, *format, today);
    auto doc = renderer->render(fields, {.dpi = 300, .onPage = true, .skewDegrees = 2.0, .seed = seed});
    if (!doc) return printError(doc.error()), kUsage;
    fmt::print("1. rendered a synthetic {} at 300 dpi: {}x{} pixels (seed {})\n", a.format, doc->image.width,
               doc->image.height, seed);

    // 2. Read the MRZ from the pixels.
    auto reader = capture::MrzReader::create();
    if (!reader) return printError(reader.error()), kUsage;
    const auto reading = reader->read(doc->image, {.inspectionDate = today});
    if (!reading.found) {
        printError(*reading.error);
        return kInvalid;
    }
    fmt::print("2. found and read the MRZ in {:.0f} ms (zone at {},{} size {}x{})\n", reading.elapsedMs, reading.zone.x,
               reading.zone.y, reading.zone.width, reading.zone.height);
    for (const auto& l : reading.lines) fmt::print("     {}\n", l);
    const bool exact = reading.lines == doc->mrz;
    fmt::print("   read {} the printed MRZ\n", exact ? "exactly" : "DIFFERENTLY FROM");

    // 3. Validate (done by the reader through validation/).
    const auto& document = *reading.document;
    int passed = 0;
    for (const auto& c : document.checks) passed += c.status != validation::CheckStatus::Fail;
    fmt::print("3. validated: {} of {} check digits pass, {} findings, {}\n", passed, document.checks.size(),
               document.findings.size(), document.valid() ? "valid" : "INVALID");

    // 4. Store it encrypted, in a training store unlocked through a per-user key slot.
    auto password = core::SecretBytes::random(32); // one-time, held only in guarded memory
    if (!password) return printError(password.error()), kUsage;
    storage::CreateOptions options;
    options.training = true;
    options.firstUserRole = privacy::Role::Trainer;
    if (auto s = storage::Store::create(path, "trainer", *password, options, clock); !s)
        return printError(s.error()), exitFor(s.error());
    auto store =
        storage::Store::open(path, "trainer", *password, {.mode = storage::OpenOptions::Mode::Training}, clock);
    if (!store) return printError(store.error()), exitFor(store.error());
    auto id = store->records().add(document, {.source = "synthetic"});
    if (!id) return printError(id.error()), exitFor(id.error());
    fmt::print("4. stored as record {} in the encrypted training store {}\n", id->value(), path);
    store->close();

    // 5. Unlock again and read it back.
    auto again =
        storage::Store::open(path, "trainer", *password, {.mode = storage::OpenOptions::Mode::Training}, clock);
    if (!again) return printError(again.error()), exitFor(again.error());
    auto rec = again->records().get(*id);
    if (!rec) return printError(rec.error()), exitFor(rec.error());
    fmt::print("5. read back record {} (stored {} by {}):\n", rec->id.value(), core::formatUtc(rec->created),
               rec->officer);
    for (const auto& f : rec->document.fields)
        fmt::print("     {:<16} {:<32} {}\n", f.name, f.value, f.checkDigitVerified ? "check digit ok" : "");
    for (const auto& f : rec->document.findings)
        fmt::print("     {:<8} {}: {}\n", validation::severityName(f.severity), validation::findingCodeName(f.code),
                   f.message);
    fmt::print("\nThe store file holds no readable text: try `strings {}`.\n", path);
    return exact && document.valid() ? kOk : kInvalid;
}

} // namespace

void registerDemoCommand(CLI::App& app, Context& ctx) {
    auto args = std::make_shared<DemoArgs>();
    auto* demo = app.add_subcommand("demo", "Headless demo: synthetic passport -> MRZ from pixels -> validation -> "
                                            "encrypted training store -> read back");
    demo->add_option("--store", args->store, "Demo store path (default: a throw-away store under the data directory)");
    demo->add_option("--seed", args->seed, "Seed for the synthetic identity (default: random)");
    demo->add_option("--format", args->format, "TD1, TD2, TD3, MRVA or MRVB (default TD3)");
    demo->callback([args, &ctx] { ctx.exitCode = runDemo(*args); });
}

} // namespace secondline::cli
