#pragma once
// The contract's messages (secondline/v1/records.proto, secondline.proto) to and from the store's value types
// for records, encounters, images, flags and data subjects' rights. Both ends use it: the service to fill its
// replies from the store, the client to hand the same types back. Values from the wire are never trusted by
// the service: its handlers bound and re-validate what these functions give them.
//
//   service:  wire::toWire(*record, *reply);                  // storage::StoredRecord -> v1::StoredRecord
//   client:   auto record = wire::fromWire(reply);            // and back; Internal for a name it does not know
//
// Requests go one way only, client to service (toWire here; the service reads them in its handlers, where
// they are re-validated). Pure conversions: no I/O, thread-safe.

#include <secondline/core/clock.h>
#include <secondline/core/result.h>
#include <secondline/storage/flags.h>
#include <secondline/storage/records.h>
#include <secondline/storage/subject_rights.h>
#include <secondline/validation/travel_document.h>

#include <secondline/v1/records.pb.h>
#include <secondline/v1/secondline.pb.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace secondline::wire {

/// Times on the wire: milliseconds since 1970-01-01 UTC.
[[nodiscard]] std::int64_t toWire(core::TimePoint t) noexcept;
[[nodiscard]] core::TimePoint timeFromWire(std::int64_t ms) noexcept;

/// Stable names of the enums without their own (storage keeps its names private): "document", "portrait";
/// "review", "referral".
[[nodiscard]] v1::Image::Kind toWire(storage::ImageKind kind) noexcept;
[[nodiscard]] std::optional<storage::ImageKind> imageKindFrom(v1::Image::Kind kind) noexcept;
[[nodiscard]] std::optional<storage::FlagKind> flagKindFrom(std::string_view name) noexcept;

// Replies: the store's values into messages (service).
/// The document as read and checked (its dates as the fields carry them; the typed dates are the overload below).
void toWire(const validation::TravelDocument& document, v1::Document& out);
void toWire(const validation::TravelDocument& document, v1::Document& out, v1::MrzDate& birth, v1::MrzDate& expiry);
void toWire(const storage::StoredRecord& record, v1::StoredRecord& out);
void toWire(const storage::RecordSummary& summary, v1::StoredSummary& out);
void toWire(const storage::StoredImage& image, v1::StoredImage& out);
void toWire(const storage::Flag& flag, v1::StoredFlag& out);
void toWire(const storage::Disclosure& disclosure, v1::StoredDisclosure& out);
void toWire(const privacy::AuditEntry& entry, v1::SubjectAccessEntry& out);
void toWire(const storage::SubjectData& data, v1::SubjectDataReply& out);
void toWire(const storage::SavedEncounter& saved, v1::SaveEncounterReply& out);

// Replies back into the store's values (client). Errors: Internal (a name or kind this client does not know).
[[nodiscard]] core::Result<validation::TravelDocument> fromWire(const v1::Document& document, const v1::MrzDate& birth,
                                                                const v1::MrzDate& expiry);
[[nodiscard]] core::Result<storage::StoredRecord> fromWire(const v1::StoredRecord& record);
[[nodiscard]] storage::RecordSummary fromWire(const v1::StoredSummary& summary);
[[nodiscard]] core::Result<storage::StoredImage> fromWire(const v1::StoredImage& image);
[[nodiscard]] core::Result<storage::Flag> fromWire(const v1::StoredFlag& flag);
[[nodiscard]] storage::Disclosure fromWire(const v1::StoredDisclosure& disclosure);
[[nodiscard]] privacy::AuditEntry fromWire(const v1::SubjectAccessEntry& entry);
[[nodiscard]] core::Result<storage::SubjectData> fromWire(const v1::SubjectDataReply& data);
[[nodiscard]] storage::SavedEncounter fromWire(const v1::SaveEncounterReply& saved);

// Requests (client). A document travels as its MRZ lines, the date it was judged on (derived from its expiry
// and days to expiry when both are known; otherwise empty: the service's today) and capture's hints (per-field
// confidences below 1, and the uncertain_read / ocr_corrected findings); the service parses it again.
void toWire(const validation::TravelDocument& document, v1::SaveEncounterRequest& out, v1::DocumentHints& hints);
void toWire(const storage::EncounterInfo& encounter, v1::SaveEncounterRequest& out);
void toWire(const storage::ImageDraft& image, v1::Image& out);
void toWire(const storage::ReferralDraft& referral, v1::Referral& out);
void toWire(const storage::EncounterDraft& draft, v1::SaveRequest& out);

} // namespace secondline::wire
