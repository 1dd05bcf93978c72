// Issue 17: storage's SQLite layer reports a failed bind instead of running the statement with the
// parameter left NULL, and its query helper binds and reports in one place. A real SQLCipher file.

#include "sqlite.h"

#include "test_support.h"

#include <gtest/gtest.h>

#include <optional>

namespace secondline {
namespace {

using core::ErrorCode;
using storage::detail::Database;

class SqliteTest : public ::testing::Test {
protected:
    test::TempDir dir;
    Database db;

    void SetUp() override {
        auto key = core::SecretBytes::random(32);
        ASSERT_OK(key);
        auto opened = Database::open(dir.file("t.db"), *key, Database::OpenMode::Create);
        ASSERT_OK(opened);
        db = std::move(*opened);
        ASSERT_OK(db.exec("CREATE TABLE t (a INTEGER NOT NULL, b TEXT, c BLOB);"));
    }

    std::int64_t rows() {
        auto q = db.query("SELECT COUNT(*) FROM t;");
        EXPECT_TRUE(q.has_value());
        auto row = q->step();
        EXPECT_TRUE(row.has_value() && *row);
        return q->int64(0);
    }
};

// Issue 17 defect: bind return codes were ignored, so a bind to a parameter that does not exist ran the
// statement anyway (with the real parameter NULL, or a row written without the value).
TEST_F(SqliteTest, ABindThatFailsStopsTheStatement) {
    auto q = db.prepare("INSERT INTO t (a, b) VALUES (1, ?);");
    ASSERT_OK(q);
    q->bind(2, std::string_view("nowhere")); // there is no parameter 2
    auto ran = q->run();
    EXPECT_ERROR_CODE(ran, ErrorCode::Database);
    EXPECT_NE(ran.error().message.find("parameter 2"), std::string::npos) << ran.error().message;
    EXPECT_EQ(rows(), 0);
    // After a reset the statement works again with correct bindings.
    q->reset();
    q->bind(1, std::string_view("fine"));
    ASSERT_OK(q->run());
    EXPECT_EQ(rows(), 1);
}

TEST_F(SqliteTest, TheQueryHelperBindsEveryKindInOrder) {
    const std::vector<std::uint8_t> bytes{1, 2, 3};
    ASSERT_OK(db.run("INSERT INTO t (a, b, c) VALUES (?, ?, ?);", 7, std::string("seven"),
                     std::span<const std::uint8_t>(bytes)));
    ASSERT_OK(db.run("INSERT INTO t (a, b, c) VALUES (?, ?, ?);", true, std::optional<std::string>{}, std::nullopt));
    auto q = db.query("SELECT a, b, c FROM t WHERE a = ? OR b IS ? ORDER BY a DESC;", std::int64_t{7},
                      std::string_view("absent"));
    ASSERT_OK(q);
    auto row = q->step();
    ASSERT_OK(row);
    ASSERT_TRUE(*row);
    EXPECT_EQ(q->int64(0), 7);
    EXPECT_EQ(q->text(1), "seven");
    EXPECT_EQ(q->blob(2), bytes);
    // Too many arguments for the statement: reported, not ignored.
    EXPECT_ERROR_CODE(db.run("INSERT INTO t (a) VALUES (?);", 1, 2), ErrorCode::Database);
    // A NOT NULL column bound to nothing fails as a constraint, with the statement's error.
    EXPECT_ERROR_CODE(db.run("INSERT INTO t (a) VALUES (?);", std::nullopt), ErrorCode::Database);
    EXPECT_EQ(rows(), 2);
}

} // namespace
} // namespace secondline
