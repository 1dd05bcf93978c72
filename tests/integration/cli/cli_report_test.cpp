// The command-line contract, through the real binary: statistics reports (app/cli/commands_report.cpp).

#include <secondline/validation/mrz_parser.h>

#include "cli_fixture.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

using namespace secondline;
using namespace secondline::test;
using nlohmann::json;

TEST_F(PrivacyCli, ReportWritesSuppressedStatisticsWithoutPersonalData) {
    build("report.db", false, 6);
    auto doc = validation::parseMrzText(mrz[0] + "\n" + mrz[1], {});
    ASSERT_TRUE(doc.has_value());
    const std::string jsonOut = dir.file("report.json"), csvOut = dir.file("report.csv");
    auto r =
        run(as("s1", {"report", "--from", "2000-01-01", "--to", "2099-12-31", "--format", "json", "--out", jsonOut}),
            pw("s1"));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["records"], 6);
    const std::string text = test::readFile(jsonOut);
    const auto report = json::parse(text);
    EXPECT_EQ(report["format"], "secondline-statistics/1");
    EXPECT_EQ(report["records"], 6);
    for (const auto& t : report["counts"])
        if (t["name"] == "by_nationality") {
            ASSERT_EQ(t["rows"].size(), 1u);
            EXPECT_EQ(t["rows"][0]["values"][0], 6); // six of one nationality: at least k, published
        }
    // One of six flagged: the referral count (1) is below k and withheld.
    EXPECT_TRUE(report["bias"]["overall_referral"].is_null());
    for (const std::string& needle : {doc->surname(), doc->documentNumber(), doc->birthDate.iso(), mrz[0], mrz[1]})
        EXPECT_EQ(text.find(needle), std::string::npos) << "personal data in the report";
    r = run(as("s1", {"report", "--from", "2000-01-01", "--to", "2099-12-31", "--format", "csv", "--out", csvOut}),
            pw("s1"));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(test::readFile(csvOut).rfind("section,table,row,column,value,note\r\n", 0), 0u);
    // The PDF, with its charts: a real PDF that Poppler renders (pdfinfo reads it, pdftoppm draws page 1).
    const std::string pdfOut = dir.file("report.pdf");
    r = run(as("s1", {"report", "--from", "2000-01-01", "--to", "2099-12-31", "--format", "pdf", "--out", pdfOut}),
            pw("s1"));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(test::readFile(pdfOut).rfind("%PDF-", 0), 0u);
    const std::string info = dir.file("pdfinfo.txt"), png = dir.file("page");
    ASSERT_EQ(std::system(("pdfinfo '" + pdfOut + "' > '" + info + "' 2>&1").c_str()), 0) << test::readFile(info);
    EXPECT_NE(test::readFile(info).find("Pages:"), std::string::npos);
    ASSERT_EQ(std::system(("pdftoppm -r 30 -f 1 -l 1 -png '" + pdfOut + "' '" + png + "'").c_str()), 0);
    const std::string page = test::readFile(png + "-1.png");
    EXPECT_GT(page.size(), 1000u);
    EXPECT_EQ(page.substr(1, 3), "PNG");
    // Never overwrites; an officer may not read statistics; dates and formats are checked.
    EXPECT_NE(
        run(as("s1", {"report", "--from", "2000-01-01", "--to", "2099-12-31", "--out", csvOut}), pw("s1")).exitCode, 0);
    EXPECT_EQ(
        run(as("o1", {"report", "--from", "2000-01-01", "--to", "2099-12-31", "--out", dir.file("o.json")}), pw("o1"))
            .exitCode,
        3);
    EXPECT_EQ(
        run(as("s1", {"report", "--from", "2026-02-01", "--to", "2026-01-01", "--out", dir.file("x.json")}), pw("s1"))
            .exitCode,
        2);
    EXPECT_EQ(
        run(as("s1", {"report", "--from", "2026-02-01", "--to", "2026-13-01", "--out", dir.file("y.json")}), pw("s1"))
            .exitCode,
        2);
}
