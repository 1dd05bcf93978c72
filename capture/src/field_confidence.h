#pragma once
// Per-field confidence from per-character confidence. Private to capture: the reader and the frame voter
// both give each field the confidence of its least certain character.

#include <secondline/validation/travel_document.h>

#include <algorithm>
#include <vector>

namespace secondline::capture::detail {

/// Sets each field's confidence to the lowest of its characters' in `rows` (one row per MRZ line).
inline void setFieldConfidence(validation::TravelDocument& doc, const std::vector<std::vector<float>>& rows) {
    for (auto& f : doc.fields) {
        if (f.line < 1 || static_cast<std::size_t>(f.line) > rows.size()) continue;
        const auto& row = rows[static_cast<std::size_t>(f.line - 1)];
        const auto from = static_cast<std::size_t>(f.position - 1);
        const std::size_t len = std::max<std::size_t>(1, f.raw.size());
        float lowest = 1.0f;
        for (std::size_t i = from; i < from + len && i < row.size(); ++i) lowest = std::min(lowest, row[i]);
        f.confidence = lowest;
    }
}

} // namespace secondline::capture::detail
