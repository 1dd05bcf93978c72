// secondline report: aggregate statistics, data quality and the bias report over a period, small cells
// suppressed with the pack's k. CSV or JSON; no name, number or date of birth ever appears.

#include "cli.h"

#include <document_json.h>
#include <report_formats.h>
#include <report_pdf.h>

#include <CLI/CLI.hpp>

#include <iostream>

namespace secondline::cli {

namespace {

using nlohmann::json;

struct ReportArgs {
    StoreOptions store;
    std::string from;
    std::string to;
    std::string desk;
    bool anyDesk = true;
    std::string format = "json";
    std::string out;
};

int runReport(const ReportArgs& a) {
    std::chrono::sys_days from{}, to{};
    if (a.from.empty() || a.to.empty() || !dateOption(a.from, "--from", from) || !dateOption(a.to, "--to", to))
        return kUsage;
    if (to < from) {
        printError({core::ErrorCode::InvalidArgument, "--to is before --from"});
        return kUsage;
    }
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    analysis::ReportOptions options;
    options.from = std::chrono::time_point_cast<std::chrono::milliseconds>(from);
    options.to = std::chrono::time_point_cast<std::chrono::milliseconds>(to + std::chrono::days{1}); // --to included
    if (!a.anyDesk) options.desk = a.desk;
    options.minCell = session->policy().statisticsMinCell();
    auto data = session->statistics(options.from, options.to, options.desk);
    if (!data) return report(data.error());
    const auto built = analysis::buildReport(*data, options);
    std::string text;
    if (a.format == "csv") {
        text = app::reportCsv(built);
    } else if (a.format == "json") {
        text = app::reportJson(built).dump(2) + "\n";
    } else {
        auto pdf = app::reportPdf(built);
        if (!pdf) return report(pdf.error());
        text = std::move(*pdf);
    }
    if (auto s = writeNewFile(a.out, text); !s) return report(s.error());
    std::cout << app::dumpLine({{"out", a.out},
                                {"format", a.format},
                                {"records", built.records ? json(*built.records) : json(nullptr)},
                                {"min_cell", options.minCell}})
              << '\n';
    return kOk;
}

} // namespace

void registerReportCommand(CLI::App& app, Context& ctx) {
    auto args = std::make_shared<ReportArgs>();
    auto* cmd = app.add_subcommand("report", "Statistics, data quality and bias report over a period (small cells "
                                             "suppressed; no personal data)");
    addSessionOptions(*cmd, args->store);
    cmd->add_option("--from", args->from, "First day, YYYY-MM-DD (UTC)")->required();
    cmd->add_option("--to", args->to, "Last day, YYYY-MM-DD (UTC), included")->required();
    cmd->add_option("--desk", args->desk, "Only this desk")->each([args](const std::string&) {
        args->anyDesk = false;
    });
    cmd->add_option("--format", args->format, "json, csv or pdf (with charts)")
        ->check(CLI::IsMember({"json", "csv", "pdf"}));
    cmd->add_option("--out", args->out, "File to write (never overwritten)")->required();
    cmd->callback([&ctx, args] { ctx.exitCode = runReport(*args); });
}

} // namespace secondline::cli
