// core/small_file.h: the checks every security configuration file gets before it is read.

#include <secondline/core/small_file.h>

#include "test_support.h"

#include <sys/stat.h>

#include <filesystem>

namespace secondline::core {
namespace {

using test::TempDir;

TEST(SmallFile, ReadsAFileWithinItsLimit) {
    TempDir dir;
    const auto path = dir.file("ca.pem");
    test::writeFile(path, "-----BEGIN CERTIFICATE-----\n");
    std::string out;
    ASSERT_OK(readSmallFile(path, "client CA file", {}, out));
    EXPECT_EQ(out, "-----BEGIN CERTIFICATE-----\n");
}

TEST(SmallFile, ASecretOthersMayAccessIsRefusedAndNamedByItsRoleOnly) {
    TempDir dir;
    const auto path = dir.file("key.pem");
    test::writeFile(path, "PRIVATE KEY MATERIAL");
    for (const mode_t mode : {0644u, 0640u, 0604u, 0610u, 0601u}) {
        ASSERT_EQ(::chmod(path.c_str(), mode), 0);
        std::string out;
        const auto read = readSmallFile(path, "TLS key file", {.maxBytes = 1024, .secret = true}, out);
        ASSERT_FALSE(read) << std::oct << mode;
        EXPECT_EQ(read.error().code, ErrorCode::InvalidArgument);
        EXPECT_NE(read.error().message.find("TLS key file"), std::string::npos);
        EXPECT_EQ(read.error().message.find("MATERIAL"), std::string::npos) << "never the content";
        EXPECT_TRUE(out.empty());
    }
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    std::string out;
    EXPECT_OK(readSmallFile(path, "TLS key file", {.maxBytes = 1024, .secret = true}, out));
    ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
    EXPECT_OK(readSmallFile(path, "certificate", {.maxBytes = 1024, .secret = false}, out))
        << "a certificate is public";
}

TEST(SmallFile, MissingEmptyFolderAndOversizedAreRefusedWithTheirCodes) {
    TempDir dir;
    std::string out;
    EXPECT_ERROR_CODE(readSmallFile(dir.file("none.pem"), "CA file", {}, out), ErrorCode::FileNotFound);
    EXPECT_ERROR_CODE(readSmallFile(dir.file("none") + "/x.pem", "CA file", {}, out), ErrorCode::FileNotFound);
    EXPECT_ERROR_CODE(readSmallFile("", "CA file", {}, out), ErrorCode::InvalidArgument);
    EXPECT_ERROR_CODE(readSmallFile(dir.path().string(), "CA file", {}, out), ErrorCode::InvalidArgument);
    const auto big = dir.file("big.pem");
    test::writeFile(big, std::string(2049, 'x'));
    EXPECT_ERROR_CODE(readSmallFile(big, "CA file", {.maxBytes = 2048}, out), ErrorCode::InvalidArgument);
    EXPECT_TRUE(out.empty());
}

} // namespace
} // namespace secondline::core
