#pragma once
// Flags and referrals: a record flagged for a supervisor's review, or referred to another service, on a
// typed basis, with the history of every decision on it. A facet of Store (store.flags()); runs as the
// signed-in user, checked and audited like every operation.

#include <secondline/core/clock.h>
#include <secondline/core/ids.h>
#include <secondline/core/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::storage {

struct StoreImpl; ///< opaque: the open store's state, shared by the facets

enum class FlagKind { Review, Referral };
enum class FlagStatus { Open, Resolved, Dismissed };

/// Stable names ("review", "referral"; "open", "resolved", "dismissed"), as stored and printed.
[[nodiscard]] std::string_view flagKindName(FlagKind kind);
[[nodiscard]] std::string_view flagStatusName(FlagStatus status);
[[nodiscard]] std::optional<FlagStatus> flagStatusFrom(std::string_view name);

/// What a referral rests on, typed by whoever raised it and kept in its own column (the bias report counts
/// referrals by basis, never by their free text): a fact found on the document or in a check, the
/// officer's assessment, a list hit or a chip that failed its checks. None for a plain review flag.
enum class ReferralBasis { None, Fact, Assessment, ListHit, ChipFailure };
/// Stable names: "none", "fact", "assessment", "list_hit", "chip_failure".
[[nodiscard]] std::string_view referralBasisName(ReferralBasis basis);
[[nodiscard]] std::optional<ReferralBasis> referralBasisFrom(std::string_view name);

struct FlagEvent {
    core::TimePoint time{};
    std::string user;
    FlagStatus status = FlagStatus::Open;
    std::string note;
};

/// A record flagged for a supervisor's review, or referred to another service, with its whole history.
struct Flag {
    core::FlagId id{};
    core::RecordId recordId{};
    FlagKind kind = FlagKind::Review;
    ReferralBasis basis = ReferralBasis::None;
    std::string reason;
    std::string referredTo; ///< referrals: the service referred to
    FlagStatus status = FlagStatus::Open;
    std::vector<FlagEvent> history; ///< oldest first; the first event is the flag's creation
};

/// A flag or referral raised with the record.
struct ReferralDraft {
    FlagKind kind = FlagKind::Review;
    ReferralBasis basis = ReferralBasis::None;
    std::string reason{};     ///< free text, 1-4000 bytes (personal data: encrypted, never logged)
    std::string referredTo{}; ///< referrals: the service referred to
};

/// store.flags(): raise, decide and list flags.
class Flags {
public:
    /// Flags a visible record for review, or refers it (`referredTo` names the service), on a typed basis.
    /// Errors: RecordNotFound, PermissionDenied, InvalidArgument (empty reason; a referral without a service).
    [[nodiscard]] core::Result<core::FlagId> raise(core::RecordId recordId, const ReferralDraft& flag);
    /// Moves a flag to a new status with a note (supervisors); the change joins its history. Errors:
    /// RecordNotFound (no such flag), PermissionDenied, InvalidArgument.
    [[nodiscard]] core::Status update(core::FlagId flagId, FlagStatus status, std::string_view note);
    /// Flags with their history: every flag for supervisors, those on the user's own records otherwise.
    [[nodiscard]] core::Result<std::vector<Flag>> list(bool openOnly);

private:
    friend class Store;
    explicit Flags(StoreImpl* impl) : m_impl(impl) {}
    StoreImpl* m_impl;
};

} // namespace secondline::storage
