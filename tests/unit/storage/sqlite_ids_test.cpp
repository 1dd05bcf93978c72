// Strong ids (core/ids.h) in storage's SQL layer: bound as their integer by Statement::bind and by the query
// helper (also inside an optional), and read back typed with Statement::id<Id>(). An in-memory database: no disk.

#include "sqlite.h"

#include "test_support.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

namespace secondline {
namespace {

using core::EncounterId;
using core::FlagId;
using core::RecordId;
using storage::detail::Database;
using storage::detail::kIsStrongId;

static_assert(kIsStrongId<RecordId> && kIsStrongId<EncounterId> && kIsStrongId<FlagId>);
static_assert(!kIsStrongId<std::int64_t> && !kIsStrongId<std::optional<RecordId>>);

class SqliteIdsTest : public ::testing::Test {
protected:
    Database db;

    void SetUp() override {
        auto key = core::SecretBytes::random(32);
        ASSERT_OK(key);
        auto opened = Database::open(":memory:", *key, Database::OpenMode::Create);
        ASSERT_OK(opened);
        db = std::move(*opened);
        ASSERT_OK(db.exec("CREATE TABLE t (record INTEGER NOT NULL, flag INTEGER);"));
    }
};

TEST_F(SqliteIdsTest, AStrongIdBindsAsItsInteger) {
    // The query helper, with an id and an optional id (set and empty); Statement::bind directly.
    ASSERT_OK(db.run("INSERT INTO t (record, flag) VALUES (?, ?);", RecordId{42}, std::optional<FlagId>{FlagId{7}}));
    ASSERT_OK(db.run("INSERT INTO t (record, flag) VALUES (?, ?);", RecordId{43}, std::optional<FlagId>{}));
    auto ins = db.prepare("INSERT INTO t (record) VALUES (?);");
    ASSERT_OK(ins);
    ins->bind(1, RecordId{-5});
    ASSERT_OK(ins->run());

    // Stored as the bare integers: found by them, and the column reads back as the same ids.
    auto q = db.query("SELECT record, flag FROM t WHERE record = ?;", std::int64_t{42});
    ASSERT_OK(q);
    auto row = q->step();
    ASSERT_OK(row);
    ASSERT_TRUE(*row);
    EXPECT_EQ(q->int64(0), 42);
    EXPECT_EQ(q->int64(1), 7);
    EXPECT_EQ(q->id<RecordId>(0), RecordId{42});
    EXPECT_EQ(q->id<FlagId>(1), FlagId{7});

    auto nullFlag =
        db.query("SELECT COUNT(*) FROM t WHERE record IN (?, ?) AND flag IS NULL;", RecordId{43}, RecordId{-5});
    ASSERT_OK(nullFlag);
    row = nullFlag->step();
    ASSERT_OK(row);
    ASSERT_TRUE(*row);
    EXPECT_EQ(nullFlag->int64(0), 2);
}

TEST_F(SqliteIdsTest, AnIdAndItsIntegerBindTheSame) {
    auto q = db.query("SELECT ? = ?, ? = ?, typeof(?);", RecordId{9}, 9, EncounterId{INT64_MAX}, INT64_MAX, FlagId{1});
    ASSERT_OK(q);
    auto row = q->step();
    ASSERT_OK(row);
    ASSERT_TRUE(*row);
    EXPECT_EQ(q->int64(0), 1);
    EXPECT_EQ(q->int64(1), 1);
    EXPECT_EQ(q->text(2), "integer");
}

} // namespace
} // namespace secondline
