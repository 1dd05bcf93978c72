// The command-line contract, through the real binary: scanners, cameras and serial readers
// (app/cli/commands_devices.cpp).

#include "cli_fixture.h"
#include "fake_serial_port.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace secondline;
using namespace secondline::test;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------- devices

TEST_F(CliTest, DevicesListShowsTheScannersSaneKnows) {
    const auto r = run({"devices", "list", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    bool found = false;
    for (const auto& d : r.jsonLines()) {
        EXPECT_TRUE(d["id"].is_string() && d["kind"].is_string() && d["name"].is_string() && d["path"].is_string());
        if (d["id"] == "sane:test:0") {
            found = true;
            EXPECT_EQ(d["kind"], "scanner");
        }
    }
    EXPECT_TRUE(found) << r.out;
}

TEST_F(CliTest, ScanWritesAnOwnerOnlyPageWithProgressAndNeverOverwrites) {
    const std::string out = dir.file("page.png");
    const auto r = run(
        {"scan", "--device", "sane:test:0", "--out", out, "--resolution", "100", "--area", "0,0,80,100", "--progress"});
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    const auto j = json::parse(r.out);
    EXPECT_EQ(j["dpi"], 100);
    EXPECT_NEAR(j["width"].get<double>(), 80 / 25.4 * 100, 2);
    EXPECT_NEAR(j["height"].get<double>(), 100 / 25.4 * 100, 2);
    EXPECT_NE(r.err.find("100%"), std::string::npos) << "progress on standard error: " << r.err;
    struct stat st {};
    ASSERT_EQ(::stat(out.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    const auto before = test::readFile(out);
    const auto again = run({"scan", "--device", "sane:test:0", "--out", out});
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_EQ(test::readFile(out), before);
    EXPECT_EQ(run({"scan", "--device", "sane:test:0", "--out", dir.file("page.gif")}).exitCode, 2);
    EXPECT_EQ(run({"scan", "--device", "sane:test:0", "--out", dir.file("p.png"), "--area", "1,2"}).exitCode, 2);
}

TEST_F(CliTest, ScannerFaultsExitFourWithTheirCodeAndWriteNothing) {
    const std::pair<const char*, const char*> faults[] = {{"SANE_STATUS_JAMMED", "device_jammed"},
                                                          {"SANE_STATUS_NO_DOCS", "device_no_document"},
                                                          {"SANE_STATUS_COVER_OPEN", "device_cover_open"},
                                                          {"SANE_STATUS_IO_ERROR", "device_io_error"}};
    for (const auto& [status, code] : faults) {
        const std::string out = dir.file(std::string(code) + ".png");
        // SANE's test driver can deadlock itself after a fault (see sources_test, isolated()): a run that hangs
        // is run again, up to three times.
        CliRun r;
        for (int attempt = 0; attempt < 3; ++attempt) {
            std::vector<std::string> args = {"scan",
                                             "--device",
                                             "sane:test:0",
                                             "--out",
                                             out,
                                             "--resolution",
                                             "50",
                                             "--option",
                                             "enable-test-options=yes",
                                             "--option",
                                             std::string("read-return-value=") + status};
#if !defined(__SANITIZE_ADDRESS__) // under ASan a second scan after the driver's fault nearly always blocks
            args.insert(args.end(), {"--retries", "1"});
#endif
            r = run(args, "", std::chrono::seconds{20});
            if (r.exitCode != -2) break;
        }
        EXPECT_EQ(r.exitCode, 4) << status << r.err;
        ASSERT_EQ(r.jsonLines().size(), 1U) << r.out;
        const auto j = r.jsonLines()[0];
        EXPECT_EQ(j["error"]["code"], code);
        EXPECT_EQ(j["error"]["retryable"], std::string(code) == "device_io_error");
        EXPECT_TRUE(j["error"]["remedy"].is_string());
        EXPECT_NE(r.err.find(code), std::string::npos);
        EXPECT_FALSE(std::filesystem::exists(out));
    }
    const auto missing = run({"scan", "--device", "sane:test:7", "--out", dir.file("none.png")});
    EXPECT_EQ(missing.exitCode, 4);
    EXPECT_EQ(json::parse(missing.out)["error"]["code"], "device_not_found");
    const auto option = run({"scan", "--device", "sane:test:0", "--out", dir.file("none.png"), "--option", "bogus=1"});
    EXPECT_EQ(option.exitCode, 4);
    EXPECT_EQ(json::parse(option.out)["error"]["code"], "device_option_invalid");
}

TEST_F(CliTest, MrzReadFromAScannerAVideoAndASerialReaderGivesTheImageJson) {
    // Scanner: the test backend's page has no MRZ, and says so like an image would.
    const auto scanned = run({"mrz", "read", "--json", "--scanner", "sane:test:0", "--resolution", "75"});
    EXPECT_EQ(scanned.exitCode, 1) << scanned.err;
    auto j = json::parse(scanned.out);
    EXPECT_EQ(j["source"], "sane:test:0");
    EXPECT_EQ(j["found"], false);
    EXPECT_EQ(j["reason"], "no_mrz");

    // Camera: a recording of a document on a desk.
    const auto synth = run({"synth", "--out", dir.file("clips"), "--count", "1", "--format", "TD2", "--on-desk",
                            "--noise", "3", "--dpi", "170", "--video-frames", "5", "--date", "2026-11-27"});
    ASSERT_EQ(synth.exitCode, 0) << synth.err;
    const auto truth = json::parse(test::readFile(dir.file("clips/synthetic-0000-TD2.json")));
    const std::string clip = dir.file("clips/synthetic-0000-TD2.avi");
    const auto video = run({"mrz", "read", "--json", "--date", "2026-11-27", "--video", clip});
    ASSERT_EQ(video.exitCode, 0) << video.out << video.err;
    j = json::parse(video.out);
    EXPECT_EQ(j["source"], "video:" + clip);
    EXPECT_EQ(j["lines"], truth["mrz"]);
    EXPECT_EQ(j["valid"], true);
    EXPECT_EQ(j["settled"], true);
    EXPECT_GE(j["frames"].get<int>(), 2);
    EXPECT_EQ(j["checks"].size(), 4U) << "TD2: number, birth, expiry, composite";

    // Serial: a pseudo-terminal as the document reader; it sends the zone once the command listens.
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    ASSERT_GE(master, 0);
    ASSERT_EQ(::grantpt(master), 0);
    ASSERT_EQ(::unlockpt(master), 0);
    const std::string port = ::ptsname(master);
    std::thread reader([&] {
        EXPECT_TRUE(test::waitUntilPortOpened(master, std::chrono::seconds{20})) << "the command never opened the port";
        const std::string wire = std::string("\x02") + kTd1 + "\r\n\x03";
        EXPECT_EQ(::write(master, wire.data(), wire.size()), static_cast<ssize_t>(wire.size()));
    });
    const auto serial = run({"mrz", "read", "--json", "--date", "2026-11-27", "--serial", port, "--baud", "19200",
                             "--framing", "8N1", "--timeout", "20"});
    reader.join();
    EXPECT_EQ(serial.exitCode, 0) << serial.out << serial.err;
    j = json::parse(serial.out);
    EXPECT_EQ(j["source"], "serial:" + port);
    EXPECT_EQ(j["format"], "TD1");
    EXPECT_EQ(j["fields"]["document_number"]["value"], "D23145890");
    EXPECT_EQ(j["valid"], true);

    // Nothing arrives: device_timeout, exit 4, with the same JSON shape.
    const auto idle = run({"mrz", "read", "--json", "--serial", port, "--timeout", "0.5"});
    EXPECT_EQ(idle.exitCode, 4) << idle.err;
    j = json::parse(idle.out);
    EXPECT_EQ(j["found"], false);
    EXPECT_EQ(j["device_error"]["code"], "device_timeout");
    ::close(master);

    EXPECT_EQ(run({"mrz", "read", "--serial", port, "--framing", "9X1"}).exitCode, 2);
    EXPECT_EQ(run({"mrz", "read", "--serial", "/dev/null", "--timeout", "1"}).exitCode, 4);
    EXPECT_EQ(run({"mrz", "read", "--video", dir.file("absent.avi")}).exitCode, 2) << "a missing file is usage";
    EXPECT_EQ(run({"mrz", "read", "--camera", "0", "--video", clip}).exitCode, 2);
    EXPECT_EQ(run({"mrz", "read", "--video", clip, dir.file("doc.png")}).exitCode, 2);
}

TEST_F(CliTest, BatchReadsShowProgressCountsWithoutFileNames) {
    const std::string a = renderImage(61, validation::MrzFormat::TD3);
    const std::string b = renderImage(62, validation::MrzFormat::TD1);
    const auto r = run({"mrz", "read", "--json", "--progress", "--date", "2026-11-27", a, b});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("reading: 2/2"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("doc61"), std::string::npos) << "progress names no file";
}

TEST_F(CliTest, IngestFromARecordingAndASerialReaderStoresEachWithItsSource) {
    const std::string store = dir.file("dev.db");
    ASSERT_EQ(run({"store", "init", "--store", store, "--user", "admin", "--password-stdin", "--kdf-mem-kib", "8",
                   "--kdf-ops", "1", "--test-store"},
                  "admin-pass\n")
                  .exitCode,
              0);
    ASSERT_EQ(run({"user", "add", "officer1", "--role", "officer", "--store", store, "--user", "admin",
                   "--password-stdin", "--kdf-mem-kib", "8", "--kdf-ops", "1"},
                  "admin-pass\nofficer-pass\n")
                  .exitCode,
              0);
    const std::vector<std::string> as = {"--store", store, "--user", "officer1", "--password-stdin"};
    ASSERT_EQ(run({"synth", "--out", dir.file("clips"), "--count", "1", "--format", "TD3", "--on-desk", "--noise", "3",
                   "--dpi", "170", "--video-frames", "4"})
                  .exitCode,
              0);
    std::vector<std::string> args = {"ingest", "--video", dir.file("clips/synthetic-0000-TD3.avi")};
    args.insert(args.end(), as.begin(), as.end());
    const auto video = run(args, "officer-pass\n");
    ASSERT_EQ(video.exitCode, 0) << video.out << video.err;
    auto j = json::parse(video.out);
    ASSERT_TRUE(j.contains("record_id")) << video.out;
    EXPECT_EQ(j["images"], 2) << "the document and portrait from the frame that was read";

    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    ASSERT_GE(master, 0);
    ASSERT_EQ(::grantpt(master), 0);
    ASSERT_EQ(::unlockpt(master), 0);
    const std::string port = ::ptsname(master);
    std::thread reader([&] {
        // After the unlock and the port opening.
        EXPECT_TRUE(test::waitUntilPortOpened(master, std::chrono::seconds{20})) << "the command never opened the port";
        const std::string wire = std::string(kTd3) + "\r\n" + kTd1 + "\r\n";
        EXPECT_EQ(::write(master, wire.data(), wire.size()), static_cast<ssize_t>(wire.size()));
    });
    args = {"ingest", "--serial", port, "--count", "2", "--timeout", "20"};
    args.insert(args.end(), as.begin(), as.end());
    const auto serial = run(args, "officer-pass\n");
    reader.join();
    ::close(master);
    ASSERT_EQ(serial.exitCode, 0) << serial.out << serial.err;
    const auto lines = serial.jsonLines();
    ASSERT_EQ(lines.size(), 2U) << serial.out;
    for (const auto& line : lines) {
        EXPECT_EQ(line["source"], "serial:" + port);
        EXPECT_EQ(line["images"], 0) << "a reader's text has no picture";
    }
    args = {"records", "show", std::to_string(lines[1]["record_id"].get<std::int64_t>())};
    args.insert(args.end(), as.begin(), as.end());
    const auto shown = run(args, "officer-pass\n");
    ASSERT_EQ(shown.exitCode, 0) << shown.err;
    EXPECT_EQ(json::parse(shown.out)["document"]["format"], "TD1");
    // Files and a device at once is a usage error.
    args = {"ingest", "--serial", port, dir.file("clips/synthetic-0000-TD3.json")};
    args.insert(args.end(), as.begin(), as.end());
    EXPECT_EQ(run(args, "officer-pass\n").exitCode, 2);
}
