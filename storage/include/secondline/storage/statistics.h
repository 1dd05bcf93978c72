#pragma once
// Statistics rows: one row per record, without identity, for the aggregate reports (analysis/). A facet of
// Store (store.statistics()).

#include <secondline/core/clock.h>
#include <secondline/core/result.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace secondline::storage {

struct StoreImpl; ///< opaque: the open store's state, shared by the facets

/// What statistics read: one row per record in the period, without identity. Ages are in bands; no name,
/// document number or date of birth is here. Each text dimension is coded into a small dictionary so a year of
/// a busy desk (a million rows) fits in tens of megabytes.
struct StatisticsData {
    enum Dimension : std::uint8_t {
        Desk,
        Source,
        DocumentCode,
        IssuingState,
        Nationality,
        Sex,     ///< "M", "F", "X", or "" (unspecified)
        AgeBand, ///< "0-17", "18-29", "30-44", "45-59", "60+", "unknown" (at the time of capture)
        Outcome, ///< the encounter's: "open", "cleared", "referred", "refused", ...
        Basis,   ///< of a referral: "fact", "assessment", "" (none or untyped)
        kDimensions
    };
    struct Row {
        std::int64_t time = 0;         ///< capture time, seconds since 1970 (UTC)
        std::int32_t processing = -1;  ///< seconds from the encounter's start to its close; -1 while open
        std::uint16_t corrections = 0; ///< rectifications of the record
        std::uint8_t missing = 0;      ///< core fields empty or partly unknown
        std::uint8_t confidence = 100; ///< lowest per-field OCR confidence, percent (100 for typed text)
        bool checkFailed = false;      ///< a check digit failed
        bool flagged = false;          ///< flagged for review or referred
        std::array<std::uint16_t, kDimensions> code{}; ///< index into `values`
    };
    std::array<std::vector<std::string>, kDimensions> values{};
    std::vector<Row> rows{};
    [[nodiscard]] const std::string& value(const Row& row, Dimension d) const { return values[d][row.code[d]]; }
};

/// store.statistics(): the rows the reports are computed from.
class Statistics {
public:
    /// The statistics rows of records captured in [from, to), of one desk when `desk` is given (audited with
    /// the period only). Errors: PermissionDenied (statistics.read).
    [[nodiscard]] core::Result<StatisticsData> rows(core::TimePoint from, core::TimePoint to,
                                                    const std::optional<std::string>& desk = std::nullopt);

private:
    friend class Store;
    explicit Statistics(StoreImpl* impl) : m_impl(impl) {}
    StoreImpl* m_impl;
};

} // namespace secondline::storage
