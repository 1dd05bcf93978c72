#include <secondline/core/ids.h>

#include <gtest/gtest.h>

#include <concepts>
#include <cstdint>
#include <map>
#include <type_traits>
#include <unordered_set>

using secondline::core::EncounterId;
using secondline::core::FlagId;
using secondline::core::RecordId;

namespace {
// Outside a template a failing requires-expression is an error, not false: ask through concepts.
template <class A, class B>
concept Addable = requires(A a, B b) {
    a + b;
};
template <class A>
concept Incrementable = requires(A a) {
    ++a;
};
template <class A, class B>
concept Comparable = requires(A a, B b) {
    a == b;
};
} // namespace

// An id is a name, not a number: none of these may compile.
static_assert(!std::is_convertible_v<std::int64_t, RecordId>, "no implicit conversion from an integer");
static_assert(!std::is_convertible_v<int, RecordId>, "no implicit conversion from an integer");
static_assert(!std::is_convertible_v<RecordId, std::int64_t>, "no implicit conversion to an integer");
static_assert(!std::is_constructible_v<std::int64_t, RecordId>, "no explicit conversion to an integer either");
static_assert(!std::is_constructible_v<RecordId, EncounterId>, "one kind of id is never another");
static_assert(!std::is_assignable_v<RecordId&, FlagId>, "one kind of id is never another");
static_assert(!std::equality_comparable_with<RecordId, EncounterId>, "ids of different kinds do not compare");
static_assert(!Comparable<RecordId, int>, "an id does not compare with a bare integer");
static_assert(Comparable<RecordId, RecordId>);
static_assert(!Addable<RecordId, RecordId> && !Addable<RecordId, int>, "no arithmetic");
static_assert(!Incrementable<RecordId>, "no arithmetic");
static_assert(std::is_trivially_copyable_v<RecordId> && sizeof(RecordId) == sizeof(std::int64_t));
static_assert(RecordId{7}.value() == 7 && RecordId{}.value() == 0, "usable in constant expressions");

TEST(StrongId, KeepsItsValue) {
    const RecordId id{42};
    EXPECT_EQ(id.value(), 42);
    EXPECT_EQ(EncounterId{-3}.value(), -3);
    EXPECT_EQ(FlagId{INT64_MAX}.value(), INT64_MAX);
    EXPECT_EQ(RecordId{}.value(), 0);
}

TEST(StrongId, ComparesByValue) {
    EXPECT_EQ(RecordId{5}, RecordId{5});
    EXPECT_NE(RecordId{5}, RecordId{6});
    EXPECT_LT(RecordId{5}, RecordId{6});
    EXPECT_GT(FlagId{-1}, FlagId{-2});
    std::map<EncounterId, int> ordered{{EncounterId{3}, 0}, {EncounterId{1}, 0}, {EncounterId{2}, 0}};
    EXPECT_EQ(ordered.begin()->first, EncounterId{1});
}

TEST(StrongId, HashesLikeItsValue) {
    EXPECT_EQ(std::hash<RecordId>{}(RecordId{99}), std::hash<std::int64_t>{}(99));
    std::unordered_set<RecordId> seen{RecordId{1}, RecordId{2}, RecordId{1}};
    EXPECT_EQ(seen.size(), 2u);
    EXPECT_TRUE(seen.contains(RecordId{2}));
    EXPECT_FALSE(seen.contains(RecordId{3}));
}
