#pragma once
// The shared fixture of the command-line tests: runs the real secondline binary in a temporary home, renders
// documents, and (PrivacyCli) builds a store with one user per role. The tests are split by command family,
// as app/cli/commands_*.cpp are; their suite names (CliTest, PrivacyCli) stay those of the single file they
// came from, so filters and history still find them.

#include <secondline/validation/mrz_format.h>

#include "test_support.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace secondline::test {

/// What one run of the binary did.
struct CliRun {
    int exitCode = -1;
    std::string out;
    std::string err;
    /// The output as JSON Lines (one object a line, empty lines skipped).
    [[nodiscard]] std::vector<nlohmann::json> jsonLines() const;
};

class CliTest : public ::testing::Test {
protected:
    test::TempDir dir;
    /// More environment variables for the binary ("NAME=value"), e.g. SECONDLINE_SERVICE.
    std::vector<std::string> environment;

    /// Runs secondline with `args`, `input` on stdin, HOME and XDG_DATA_HOME inside the temp dir.
    /// A run that outlives `timeout` is killed and reported with exit code -2.
    CliRun run(const std::vector<std::string>& args, const std::string& input = "",
               std::chrono::seconds timeout = std::chrono::seconds{600});

    /// As run(), with the binary's address space limited to `bytes` (RLIMIT_AS): any allocation beyond it fails.
    /// Under AddressSanitizer, which reserves terabytes of address space, the limit is not applied.
    CliRun runWithMemoryLimit(const std::vector<std::string>& args, std::uint64_t bytes);

    /// A generated document of `format` rendered at 300 dpi into the temp dir; its path. `mrz`, when given,
    /// receives the printed zone.
    std::string renderImage(std::uint64_t seed, validation::MrzFormat format, std::vector<std::string>* mrz = nullptr);

private:
    CliRun runLimited(const std::vector<std::string>& args, const std::string& input, std::chrono::seconds timeout,
                      std::uint64_t addressSpace);
};

/// The ICAO Doc 9303 specimens, each line ended by '\n'.
inline constexpr const char* kTd3 =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n";
inline constexpr const char* kTd1 =
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<\n";

/// Key derivation settings that keep a test fast (never for a real store).
inline const std::vector<std::string> kFast = {"--kdf-ops", "1", "--kdf-mem-kib", "8192"};
/// What `store init` takes for a production store in a test: kFast, and --test-store, which exempts it from the
/// production password rule and Argon2id floor (issue 18).
inline const std::vector<std::string> kFastTestStore = {"--kdf-ops", "1", "--kdf-mem-kib", "8192", "--test-store"};

/// The default pack with one sharing agreement for `recipientKey`.
[[nodiscard]] std::string packWithAgreement(const std::string& recipientKey);

// ---- issue 7: privacy through the command line --------------------------------------------------------------------

class PrivacyCli : public CliTest {
protected:
    std::string store;
    std::string image;
    std::vector<std::string> mrz;
    std::string documentKey; // STATE:NUMBER of the generated document
    std::string policyFile;
    std::string keyFile;

    /// `args` run as `user` on the store, the password read from stdin.
    std::vector<std::string> as(const std::string& user, std::vector<std::string> args);
    static std::string pw(const std::string& user) { return "pw-" + user + "\n"; }

    /// A store with admin, o1 (officer), s1 (supervisor), au1 (auditor) or, in a training store, t1
    /// (trainer); the pack with a sharing agreement; `records` copies of one generated passport by o1.
    void build(const std::string& name, bool training, int records);
};

} // namespace secondline::test
