// The command-line contract, through the real binary: the headless demo (app/cli/commands_demo.cpp).

#include "cli_fixture.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace secondline;
using namespace secondline::test;
using nlohmann::json;

TEST_F(CliTest, HeadlessDemoReadsFromPixelsAndStores) {
    const auto r = run({"demo", "--seed", "4242", "--store", dir.file("demo.db")});
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_TRUE(test::contains(r.out, "read exactly the printed MRZ")) << r.out;
    EXPECT_TRUE(test::contains(r.out, "read back record 1")) << r.out;
    EXPECT_TRUE(std::filesystem::exists(dir.file("demo.db")));
    EXPECT_TRUE(std::filesystem::exists(dir.file("demo.db.keys")));
}
