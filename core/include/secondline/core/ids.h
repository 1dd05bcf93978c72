#pragma once
// Strong ids: a record, an encounter and a flag are each numbered by the store with a 64-bit integer, but
// one is never another. StrongId<Tag> wraps the integer so that passing an EncounterId where a RecordId is
// expected, or a bare integer where either is, fails to compile.
//
//   RecordId id{42};            // explicit construction only
//   std::int64_t raw = id.value(); // explicit way back, e.g. to bind a SQL parameter
//   std::unordered_map<RecordId, int> seen; // hashable, ordered, comparable for equality
//
// No arithmetic and no implicit conversion in either direction: an id is a name, not a number. The value
// is whatever the store assigned; this header gives no meaning to zero or negative values. Value types,
// trivially copyable, thread-safe as any integer is.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace secondline::core {

template <class Tag>
class StrongId {
public:
    using ValueType = std::int64_t;

    /// Zero. Prefer std::optional<Id> over a zero id to mean "none".
    constexpr StrongId() noexcept = default;
    /// Wraps `value` as this kind of id.
    constexpr explicit StrongId(ValueType value) noexcept : m_value(value) {}

    /// The integer the store uses for this id.
    [[nodiscard]] constexpr ValueType value() const noexcept { return m_value; }

    /// Equality and ordering by value, between ids of the same kind only.
    friend constexpr bool operator==(StrongId, StrongId) noexcept = default;
    friend constexpr auto operator<=>(StrongId, StrongId) noexcept = default;

private:
    ValueType m_value = 0;
};

struct RecordIdTag {};
struct EncounterIdTag {};
struct FlagIdTag {};

/// A stored travel-document record.
using RecordId = StrongId<RecordIdTag>;
/// One inspection of a traveller (one or more records and the officer's outcome).
using EncounterId = StrongId<EncounterIdTag>;
/// A referral flag raised on a record for a supervisor.
using FlagId = StrongId<FlagIdTag>;

} // namespace secondline::core

/// Hashes as the underlying integer, so ids are keys of unordered containers.
template <class Tag>
struct std::hash<secondline::core::StrongId<Tag>> {
    [[nodiscard]] std::size_t operator()(secondline::core::StrongId<Tag> id) const noexcept {
        return std::hash<std::int64_t>{}(id.value());
    }
};
