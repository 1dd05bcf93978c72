#pragma once
// Records and encounters: what an officer saves for one traveller, and reading it back. A facet of Store
// (store.records()); every call runs as the signed-in user, is checked against the policy pack in force and
// audited in the same transaction as its change.

#include <secondline/core/clock.h>
#include <secondline/core/ids.h>
#include <secondline/core/result.h>
#include <secondline/storage/flags.h>
#include <secondline/validation/travel_document.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::storage {

struct StoreImpl; ///< opaque: the open store's state, shared by the facets

/// One inspection of one traveller at a desk; the records of the documents read during it belong to it.
struct EncounterInfo {
    std::string source; ///< "scan", "camera", "file", "synthetic", ... (no paths)
    std::string purpose = "secondary_inspection";
    std::string location{};       ///< where: the post or port code
    std::string desk{};           ///< which desk
    std::string outcome = "open"; ///< e.g. open, admitted, refused, referred
    std::string notes{};          ///< the officer's notes (personal data: encrypted, never logged)
    /// Attach the records to this existing encounter (visible to the user) instead of opening one per record.
    std::optional<core::EncounterId> encounterId{};
};

struct RecordSummary {
    core::RecordId id{};
    core::TimePoint created{};
    std::string officer;
    std::string format;
    bool valid = false;
};

/// One rectification of a record: the old value is kept, with who changed it, when and why.
struct Rectification {
    core::TimePoint time{};
    std::string user;
    std::string field;
    std::string oldValue;
    std::string newValue;
    std::string reason;
};

struct StoredRecord {
    core::RecordId id{};
    core::TimePoint created{};
    std::string officer;
    EncounterInfo encounter; ///< with encounterId set
    validation::TravelDocument document;
    bool legalHold = false;
    std::vector<Rectification> history{}; ///< oldest first
};

enum class ImageKind { Document, Portrait };

struct StoredImage {
    std::int64_t id = 0;
    ImageKind kind = ImageKind::Document;
    std::string mediaType; ///< image/png or image/jpeg
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> data; ///< the encoded image
};

/// Largest image the store accepts (an A4 page at 600 dpi, PNG, stays well below).
inline constexpr std::size_t kMaxImageBytes = 32u << 20;

/// An image ready for the store: encoded as PNG or JPEG, and already scaled to what the purpose keeps
/// (Store::imageLimit). The store reads the type and dimensions from the bytes' header and refuses a draft whose
/// mediaType, width or height say otherwise.
struct ImageDraft {
    ImageKind kind = ImageKind::Document;
    std::string mediaType; ///< image/png or image/jpeg
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> data;
};

/// One correction of a field the officer made before saving (the value read stays in the history).
struct FieldCorrection {
    std::string field; ///< a field name (validation/field_rules.h), e.g. "given_names"
    std::string value; ///< the standardized value
};

/// Everything an officer saves for one traveller at once: the reading, its images, the corrections with
/// their reason, a referral and the outcome. Store::saveEncounter writes all of it or none of it.
struct EncounterDraft {
    validation::TravelDocument document; ///< the reading (minimized by the store to the purpose's profile)
    EncounterInfo encounter{};           ///< source, purpose, location, desk, notes; encounterId to attach
    std::vector<ImageDraft> images{};    ///< already scaled (Store::imageLimit); refused if larger
    std::vector<FieldCorrection> corrections{};
    std::string correctionReason{}; ///< required when there are corrections
    std::optional<ReferralDraft> referral{};
    std::string outcome = "open"; ///< anything else closes the encounter with that outcome
};

struct SavedEncounter {
    core::RecordId recordId{};
    core::EncounterId encounterId{};
    std::vector<std::int64_t> imageIds{}; ///< image ids, in the draft's order
    std::optional<core::FlagId> flagId{};
};

/// store.records(): saving encounters, reading and finding records, their images and encounters.
class Records {
public:
    /// Saves one encounter as the officer finished it, in one transaction with one audit entry per step:
    /// the record, its images, each correction, the referral and the closing outcome all commit, or none
    /// does. Every permission the draft needs (create, and rectify, flag, update when it has corrections, a
    /// referral or an outcome) is checked before anything is written. Errors: PermissionDenied,
    /// PolicyForbids (purpose unknown, an image or field the purpose does not keep), InvalidArgument (a
    /// correction, image, reason or outcome the rules refuse; the message names which), ImageUnreadable and
    /// ImageTooLarge (an image's header, as addImage), RecordNotFound (encounterId not visible), DiskFull, Io,
    /// Database.
    [[nodiscard]] core::Result<SavedEncounter> save(const EncounterDraft& draft);
    /// Saves several encounters, each checked and written exactly as save() does, all in one transaction:
    /// every one commits, or none does (the first refusal names the encounter's position in the batch).
    /// Returns what was saved, in the drafts' order, once committed. Errors: as save(), and InvalidArgument
    /// for an empty batch.
    [[nodiscard]] core::Result<std::vector<SavedEncounter>> saveBatch(std::span<const EncounterDraft> drafts);

    /// Stores a document without images or corrections (demo, tests). Errors: PermissionDenied,
    /// PolicyForbids, InvalidArgument, DiskFull, Io, Database.
    [[nodiscard]] core::Result<core::RecordId> add(const validation::TravelDocument& document,
                                                   const EncounterInfo& encounter);
    /// Stores a batch in one transaction, each record with its own audit entry: all or none. Returns the
    /// ids in order. Errors as add().
    [[nodiscard]] core::Result<std::vector<core::RecordId>>
    addBatch(std::span<const validation::TravelDocument> documents, const EncounterInfo& encounter);

    /// Reads one record (audited). Errors: RecordNotFound (also for records this user may not see),
    /// PermissionDenied, StoreCorrupt.
    [[nodiscard]] core::Result<StoredRecord> get(core::RecordId id);
    /// Summaries of the records this user may see, newest first (audited).
    [[nodiscard]] core::Result<std::vector<RecordSummary>> list();
    /// Records of one document (issuing state and number, as printed or standardized) that this user may
    /// see, newest first; found through a blind index, never a plaintext one (audited without the values).
    [[nodiscard]] core::Result<std::vector<RecordSummary>> findByDocument(std::string_view issuingState,
                                                                          std::string_view documentNumber);
    /// Records of one person by surname and ISO birth date ("1974-08-12"), as findByDocument.
    [[nodiscard]] core::Result<std::vector<RecordSummary>> findByNameAndBirth(std::string_view surname,
                                                                              std::string_view birthIso);

    /// Attaches an image (document page or portrait) to a visible record; stored encrypted like everything
    /// in the database. The bytes are checked by their header (core/image_header.h), never decoded: they must
    /// be a PNG or JPEG of the media type and dimensions given. Errors: RecordNotFound, PermissionDenied,
    /// InvalidArgument (empty, too large, not image/png or image/jpeg, or bytes of another type or size than
    /// declared), ImageUnreadable (neither PNG nor JPEG, or a malformed header), ImageTooLarge (the header
    /// declares more than 20000 pixels a side), PolicyForbids (larger than the record's purpose keeps),
    /// DiskFull, Io.
    [[nodiscard]] core::Result<std::int64_t> addImage(core::RecordId recordId, ImageKind kind,
                                                      std::string_view mediaType, int width, int height,
                                                      std::span<const std::uint8_t> data);
    /// The images of a visible record (audited). Errors: RecordNotFound, PermissionDenied.
    [[nodiscard]] core::Result<std::vector<StoredImage>> images(core::RecordId recordId);
    /// Images a record's purpose keeps: the longest side allowed for `kind`, or nullopt when that image is
    /// never written. Errors: RecordNotFound.
    [[nodiscard]] core::Result<std::optional<int>> imageLimit(core::RecordId recordId, ImageKind kind);

    /// Closes an encounter with its outcome (one of the pack's retention outcomes other than "open"); its
    /// retention runs from now. Officers close their own open encounters. Errors: RecordNotFound,
    /// PermissionDenied, InvalidArgument (unknown outcome).
    [[nodiscard]] core::Status closeEncounter(core::EncounterId encounterId, std::string_view outcome);

private:
    friend class Store;
    explicit Records(StoreImpl* impl) : m_impl(impl) {}
    StoreImpl* m_impl;
};

} // namespace secondline::storage
