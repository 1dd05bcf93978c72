// Records and encounters: writing a reading with its images, corrections, referral and outcome; reading,
// listing and finding records; flags and their history.

#include <secondline/storage/store.h>

#include "document_codec.h"
#include "sqlite.h"
#include "store_impl.h"

#include <secondline/core/image_header.h>
#include <secondline/privacy/blind_index.h>
#include <secondline/validation/field_rules.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::Status;
using detail::Database;
using detail::Transaction;

namespace {

/// Free text limits: notes and reasons are for a sentence or a paragraph, not a document.
constexpr std::size_t kMaxFreeText = 4000;
constexpr std::size_t kMaxServiceName = 200;
constexpr int kMaxImageSide = 20000;

constexpr std::array<std::pair<ReferralBasis, std::string_view>, 5> kBasisNames{{
    {ReferralBasis::None, "none"},
    {ReferralBasis::Fact, "fact"},
    {ReferralBasis::Assessment, "assessment"},
    {ReferralBasis::ListHit, "list_hit"},
    {ReferralBasis::ChipFailure, "chip_failure"},
}};

std::string_view imageKindName(ImageKind k) {
    return k == ImageKind::Portrait ? "portrait" : "document";
}

Status checkImage(const ImageDraft& image) {
    if (image.data.empty() || image.data.size() > kMaxImageBytes)
        return fail(ErrorCode::InvalidArgument, "an image must be 1 byte to 32 MiB");
    if (image.mediaType != "image/png" && image.mediaType != "image/jpeg")
        return fail(ErrorCode::InvalidArgument, "images are stored as image/png or image/jpeg");
    if (image.width <= 0 || image.height <= 0 || image.width > kMaxImageSide || image.height > kMaxImageSide)
        return fail(ErrorCode::InvalidArgument, "image dimensions out of range");
    // The bytes, not the caller's word: PNG or JPEG by their magic, and the type and size their header declares,
    // so that a picture larger than the purpose keeps cannot be stored by declaring it smaller, and whoever
    // decodes it later decodes no more than was checked here.
    auto header = core::checkImageHeader(image.data, {.maxSide = kMaxImageSide});
    if (!header) return fail(header.error());
    if (core::mediaTypeOf(header->format) != image.mediaType)
        return fail(ErrorCode::InvalidArgument, "the image's bytes are not of its declared media type");
    if (header->width != image.width || header->height != image.height)
        return fail(ErrorCode::InvalidArgument, "the image's declared dimensions differ from its header's");
    return {};
}

Status checkFlag(const ReferralDraft& flag) {
    if (flag.reason.empty() || flag.reason.size() > kMaxFreeText || flag.referredTo.size() > kMaxServiceName)
        return fail(ErrorCode::InvalidArgument, "a flag needs a reason of at most 4000 characters");
    if (flag.kind == FlagKind::Referral && flag.referredTo.empty())
        return fail(ErrorCode::InvalidArgument, "a referral names the service it goes to");
    return {};
}

Status checkOutcome(const privacy::Policy& pack, std::string_view outcome) {
    if (outcome == "open" || !pack.knownOutcome(outcome))
        return fail(ErrorCode::InvalidArgument,
                    "the outcome must be one of the policy pack's outcomes other than open");
    return {};
}

/// The encounter's officer and outcome, when the session may see it; RecordNotFound otherwise.
Result<std::string> visibleEncounterPurpose(StoreImpl& im, Access& a, core::EncounterId encounterId) {
    auto q = a.db().query("SELECT officer_id, outcome, purpose FROM encounters WHERE id = ?;", encounterId);
    if (!q) return fail(q.error());
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row || (!im.readsAny() && (q->int64(0) != im.userId || !openOutcome(q->text(1)))))
        return fail(ErrorCode::RecordNotFound, "no encounter with that id is visible to this user");
    return q->text(2);
}

/// Inserts one record (minimized to `profile`) with its statistics row and audit entry.
Result<core::RecordId> insertRecord(StoreImpl& im, Access& a, const validation::TravelDocument& given,
                                    const EncounterInfo& encounter, core::EncounterId encounterId,
                                    const privacy::MinimizationProfile& profile, const std::string& now) {
    const validation::TravelDocument document = detail::minimized(given, profile);
    const auto indexes = detail::blindIndexesOf(im.indexKey, document);
    if (auto s = a.db().run("INSERT INTO records (created_utc, officer_id, source, purpose, format, valid, document, "
                            "idx_document, idx_name_birth, encounter_id) VALUES (?,?,?,?,?,?,?,?,?,?);",
                            now, im.userId, encounter.source, encounter.purpose,
                            std::string_view(validation::formatName(document.format)), document.valid(),
                            detail::encodeDocument(document), indexes.document, indexes.nameBirth, encounterId);
        !s)
        return fail(s.error());
    const core::RecordId id{a.db().lastInsertId()};
    if (auto s = detail::writeFacts(a.db(), id, document); !s) return fail(s.error());
    if (auto s = im.audit(privacy::AuditAction::RecordCreate, id, encounter.purpose, ""); !s) return fail(s.error());
    return id;
}

Result<core::EncounterId> insertEncounter(StoreImpl& im, Access& a, const EncounterInfo& encounter,
                                          std::string_view outcome, const std::string& now) {
    if (auto s =
            a.db().run("INSERT INTO encounters (started_utc, location, desk, officer_id, purpose, outcome, notes) "
                       "VALUES (?,?,?,?,?,?,?);",
                       now, encounter.location, encounter.desk, im.userId, encounter.purpose, outcome, encounter.notes);
        !s)
        return fail(s.error());
    return core::EncounterId{a.db().lastInsertId()};
}

/// Inserts an image of a record whose purpose is `purpose`, within what the purpose keeps; audited.
Result<std::int64_t> insertImage(StoreImpl& im, Access& a, core::RecordId recordId, const std::string& purpose,
                                 const ImageDraft& image) {
    // Minimization: only the images the record's purpose keeps, no larger than its profile allows (the caller
    // scales them first: imageLimit()).
    const auto limit = detail::imageLimitFor(im.pack(), purpose, image.kind);
    if (!limit)
        return fail(ErrorCode::PolicyForbids, "the policy keeps no " + std::string(imageKindName(image.kind)) +
                                                  " image for this record's purpose");
    if (std::max(image.width, image.height) > *limit)
        return fail(ErrorCode::PolicyForbids, "the policy keeps the " + std::string(imageKindName(image.kind)) +
                                                  " image at most " + std::to_string(*limit) +
                                                  " pixels on its longer side");
    if (auto s = a.db().run("INSERT INTO images (record_id, kind, media_type, width, height, data) "
                            "VALUES (?,?,?,?,?,?);",
                            recordId, imageKindName(image.kind), image.mediaType, image.width, image.height,
                            std::span<const std::uint8_t>(image.data));
        !s)
        return fail(s.error());
    const std::int64_t id = a.db().lastInsertId();
    if (auto s = im.audit(privacy::AuditAction::ImageCreate, recordId, purpose, std::string(imageKindName(image.kind)));
        !s)
        return fail(s.error());
    return id;
}

Result<core::FlagId> insertFlag(StoreImpl& im, Access& a, core::RecordId recordId, const std::string& purpose,
                                const ReferralDraft& flag) {
    const std::string now = core::formatUtc(im.clock->now());
    if (auto s = a.db().run("INSERT INTO flags (record_id, kind, reason, referred_to, status, created_utc, created_by, "
                            "basis) VALUES (?,?,?,?,'open',?,?,?);",
                            recordId, flagKindName(flag.kind), flag.reason, flag.referredTo, now, im.userId,
                            referralBasisName(flag.basis));
        !s)
        return fail(s.error());
    const core::FlagId id{a.db().lastInsertId()};
    if (auto s = a.db().run("INSERT INTO flag_history (flag_id, time_utc, user_id, status, note) "
                            "VALUES (?,?,?,'open',?);",
                            id, now, im.userId, flag.reason);
        !s)
        return fail(s.error());
    if (auto s = im.audit(privacy::AuditAction::FlagCreate, recordId, purpose, std::string(flagKindName(flag.kind)));
        !s)
        return fail(s.error());
    if (auto s = detail::factsAfterFlag(a.db(), recordId, flag.basis); !s) return fail(s.error());
    return id;
}

/// A correction the rules accept: the date it means, for date fields.
struct CheckedCorrection {
    std::optional<validation::MrzDate> date;
};

/// A correction the field rules accept (validation/field_rules.h: the same rules the desk applies as the officer
/// types, so nothing reaches the store that the desk would refuse), with the date it means for date fields.
Result<CheckedCorrection> checkCorrection(std::string_view field, std::string_view value) {
    const auto id = validation::fieldFromName(field);
    if (!id) return fail(ErrorCode::InvalidArgument, "no such record field");
    if (auto problem = validation::fieldValueProblem(*id, value)) return fail(ErrorCode::InvalidArgument, *problem);
    CheckedCorrection out;
    if (*id == validation::FieldId::BirthDate || *id == validation::FieldId::ExpiryDate) {
        out.date = validation::standardDate(value);
        if (!out.date) return fail(ErrorCode::InvalidArgument, std::string(field) + " is not a date");
    }
    return out;
}

/// Corrects one field of record `recordId` (visible, checked by the caller), inside the caller's transaction.
Status applyCorrection(StoreImpl& im, Access& a, core::RecordId recordId, std::string_view field,
                       std::string_view value, std::string_view reason) {
    auto checked = checkCorrection(field, value);
    if (!checked) return fail(checked.error());
    auto q = a.db().query("SELECT document, purpose FROM records WHERE id = ?;", recordId);
    if (!q) return fail(q.error());
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(ErrorCode::RecordNotFound, "no record with that id is visible to this user");
    auto doc = detail::decodeDocument(q->text(0));
    if (!doc) return fail(doc.error());
    const std::string purpose = q->text(1);
    q = {};
    const privacy::MinimizationProfile* profile = im.pack().profileFor(purpose);
    if (!profile || !profile->allowsField(field))
        return fail(ErrorCode::PolicyForbids, "the policy does not keep that field for this record's purpose");
    auto it = std::find_if(doc->fields.begin(), doc->fields.end(), [&](const auto& f) { return f.name == field; });
    if (it == doc->fields.end()) return fail(ErrorCode::InvalidArgument, "this document has no such field");
    const std::string old = it->value;
    it->value = std::string(value);
    if (field == "birth_date") doc->birthDate = *checked->date;
    if (field == "expiry_date") doc->expiryDate = *checked->date;
    const auto indexes = detail::blindIndexesOf(im.indexKey, *doc);
    if (auto s = a.db().run("UPDATE records SET document = ?, idx_document = ?, idx_name_birth = ? WHERE id = ?;",
                            detail::encodeDocument(*doc), indexes.document, indexes.nameBirth, recordId);
        !s)
        return s;
    if (auto s = a.db().run("INSERT INTO record_history (record_id, time_utc, user_id, field, old_value, new_value, "
                            "reason) VALUES (?,?,?,?,?,?,?);",
                            recordId, core::formatUtc(im.clock->now()), im.userId, field, old, value, reason);
        !s)
        return s;
    if (auto s = detail::factsAfterRectify(a.db(), recordId, *doc); !s) return s;
    return im.audit(privacy::AuditAction::RecordRectify, recordId, purpose, "field " + std::string(field),
                    std::string(reason));
}

Status closeEncounterIn(StoreImpl& im, Access& a, core::EncounterId encounterId, std::string_view outcome,
                        const std::string& purpose) {
    if (auto s = a.db().run("UPDATE encounters SET outcome = ?, closed_utc = ? WHERE id = ?;", outcome,
                            core::formatUtc(im.clock->now()), encounterId);
        !s)
        return s;
    return im.audit(privacy::AuditAction::EncounterClose, std::nullopt, purpose,
                    "encounter " + std::to_string(encounterId.value()) + " " + std::string(outcome));
}

/// The purpose of record `recordId` (which exists).
Result<std::string> recordPurpose(Database& db, core::RecordId recordId) {
    auto q = db.query("SELECT purpose FROM records WHERE id = ?;", recordId);
    if (!q) return fail(q.error());
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(ErrorCode::RecordNotFound, "no record with that id is visible to this user");
    return q->text(0);
}

} // namespace

std::string_view flagKindName(FlagKind kind) {
    return kind == FlagKind::Referral ? "referral" : "review";
}

std::string_view flagStatusName(FlagStatus status) {
    switch (status) {
    case FlagStatus::Open: return "open";
    case FlagStatus::Resolved: return "resolved";
    case FlagStatus::Dismissed: return "dismissed";
    }
    return "open";
}

std::optional<FlagStatus> flagStatusFrom(std::string_view name) {
    for (auto s : {FlagStatus::Open, FlagStatus::Resolved, FlagStatus::Dismissed})
        if (flagStatusName(s) == name) return s;
    return std::nullopt;
}

std::string_view referralBasisName(ReferralBasis basis) {
    for (const auto& [b, name] : kBasisNames)
        if (b == basis) return name;
    return "none";
}

std::optional<ReferralBasis> referralBasisFrom(std::string_view name) {
    for (const auto& [b, n] : kBasisNames)
        if (n == name) return b;
    return std::nullopt;
}

detail::BlindIndexes detail::blindIndexesOf(const core::SecretBytes& key, const validation::TravelDocument& doc) {
    BlindIndexes out;
    // A lookup value the profile did not keep is not indexed (an empty one would match every such record).
    if (!doc.issuingState().empty() && !doc.documentNumber().empty())
        out.document = documentIndex(key, doc.issuingState(), doc.documentNumber());
    if (!doc.surname().empty() && doc.field("birth_date") != nullptr)
        out.nameBirth = nameBirthIndex(key, doc.surname(), doc.birthDate.iso());
    return out;
}

std::string detail::documentIndex(const core::SecretBytes& key, std::string_view issuingState,
                                  std::string_view documentNumber) {
    return privacy::blindIndex(key, "document", privacy::documentLookupValue(issuingState, documentNumber));
}

std::string detail::nameBirthIndex(const core::SecretBytes& key, std::string_view surname, std::string_view birthIso) {
    return privacy::blindIndex(key, "name_birth", privacy::nameBirthLookupValue(surname, birthIso));
}

std::optional<int> detail::imageLimitFor(const privacy::Policy& pack, std::string_view purpose, ImageKind kind) {
    const privacy::MinimizationProfile* profile = pack.profileFor(purpose);
    if (!profile) return std::nullopt;
    return kind == ImageKind::Portrait ? profile->portraitMaxSide : profile->documentImageMaxSide;
}

std::optional<int> Store::imageLimit(std::string_view purpose, ImageKind kind) const {
    return detail::imageLimitFor(m_impl->pack(), purpose, kind);
}

namespace {

/// Records::save's work inside the caller's transaction `tx` (begun for CreateRecord): the draft checked whole,
/// then written with its audit entries. The caller commits.
Result<SavedEncounter> saveIn(StoreImpl& im, Result<Access>& tx, const EncounterDraft& draft) {
    // Every permission the draft needs is checked first: a refusal leaves nothing half saved.
    if (!draft.corrections.empty())
        if (auto s = im.allowed(privacy::Action::RectifyRecord); !s) return fail(s.error());
    if (draft.referral)
        if (auto s = im.allowed(privacy::Action::FlagRecord); !s) return fail(s.error());
    if (draft.outcome != "open")
        if (auto s = im.allowed(privacy::Action::UpdateRecord); !s) return fail(s.error());
    // The draft is checked whole before the transaction, so a refusal names the part at fault.
    const privacy::MinimizationProfile* profile = im.pack().profileFor(draft.encounter.purpose);
    if (!profile) return fail(ErrorCode::PolicyForbids, "the policy pack names no such purpose");
    if (draft.encounter.notes.size() > kMaxFreeText)
        return fail(ErrorCode::InvalidArgument, "encounter notes are at most 4000 characters");
    for (const auto& image : draft.images)
        if (auto s = checkImage(image); !s) return fail(s.error());
    if (!draft.corrections.empty())
        if (auto s = detail::checkReason(draft.correctionReason, "a correction"); !s) return fail(s.error());
    for (const auto& c : draft.corrections)
        if (auto s = checkCorrection(c.field, c.value); !s)
            return fail(s.error().code, "correction of " + c.field + ": " + s.error().message);
    if (draft.referral)
        if (auto s = checkFlag(*draft.referral); !s) return fail(s.error());
    if (draft.outcome != "open")
        if (auto s = checkOutcome(im.pack(), draft.outcome); !s) return fail(s.error());

    const std::string now = core::formatUtc(im.clock->now());
    SavedEncounter saved;
    std::string purpose = draft.encounter.purpose;
    if (draft.encounter.encounterId) {
        auto existing = visibleEncounterPurpose(im, *tx, *draft.encounter.encounterId);
        if (!existing) return fail(existing.error());
        saved.encounterId = *draft.encounter.encounterId;
    } else {
        auto enc = insertEncounter(im, *tx, draft.encounter, "open", now);
        if (!enc) return fail(enc.error());
        saved.encounterId = *enc;
    }
    auto id = insertRecord(im, *tx, draft.document, draft.encounter, saved.encounterId, *profile, now);
    if (!id) return fail(id.error());
    saved.recordId = *id;
    for (const auto& image : draft.images) {
        auto imageId = insertImage(im, *tx, saved.recordId, purpose, image);
        if (!imageId) return fail(imageId.error());
        saved.imageIds.push_back(*imageId);
    }
    for (const auto& c : draft.corrections)
        if (auto s = applyCorrection(im, *tx, saved.recordId, c.field, c.value, draft.correctionReason); !s)
            return fail(s.error().code, "correction of " + c.field + ": " + s.error().message);
    if (draft.referral) {
        auto flagId = insertFlag(im, *tx, saved.recordId, purpose, *draft.referral);
        if (!flagId) return fail(flagId.error());
        saved.flagId = *flagId;
    }
    if (draft.outcome != "open")
        if (auto s = closeEncounterIn(im, *tx, saved.encounterId, draft.outcome, purpose); !s) return fail(s.error());
    return saved;
}

} // namespace

Result<SavedEncounter> Records::save(const EncounterDraft& draft) {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::CreateRecord);
    if (!tx) return fail(tx.error());
    auto saved = saveIn(im, tx, draft);
    if (!saved) return fail(saved.error());
    // One commit: the whole encounter with its audit entries, or nothing.
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return saved;
}

Result<std::vector<SavedEncounter>> Records::saveBatch(std::span<const EncounterDraft> drafts) {
    auto& im = *m_impl;
    if (drafts.empty()) return fail(ErrorCode::InvalidArgument, "a batch holds at least one encounter");
    auto tx = im.begin(privacy::Action::CreateRecord);
    if (!tx) return fail(tx.error());
    std::vector<SavedEncounter> saved;
    saved.reserve(drafts.size());
    for (std::size_t i = 0; i < drafts.size(); ++i) {
        auto one = saveIn(im, tx, drafts[i]);
        // The position, never the value: which encounter of the batch the refusal is about.
        if (!one) return fail(one.error().code, "encounter " + std::to_string(i + 1) + ": " + one.error().message);
        saved.push_back(std::move(*one));
    }
    // One commit for the whole batch with its audit entries, or nothing.
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return saved;
}

Result<core::RecordId> Records::add(const validation::TravelDocument& document, const EncounterInfo& encounter) {
    auto ids = addBatch({&document, 1}, encounter);
    if (!ids) return fail(ids.error());
    return ids->front();
}

Result<std::vector<core::RecordId>> Records::addBatch(std::span<const validation::TravelDocument> documents,
                                                      const EncounterInfo& encounter) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::CreateRecord); !s) return fail(s.error());
    // Purpose limitation and minimization: a record is written only for a purpose the pack names, and only
    // with the fields that purpose's profile keeps.
    const privacy::MinimizationProfile* profile = im.pack().profileFor(encounter.purpose);
    if (!profile) return fail(ErrorCode::PolicyForbids, "the policy pack names no such purpose");
    if (!encounter.encounterId && !im.pack().knownOutcome(encounter.outcome))
        return fail(ErrorCode::InvalidArgument, "the outcome is not one of the policy pack's outcomes");
    if (encounter.notes.size() > kMaxFreeText)
        return fail(ErrorCode::InvalidArgument, "encounter notes are at most 4000 characters");
    auto tx = im.transaction();
    if (!tx) return fail(tx.error());
    if (encounter.encounterId)
        if (auto existing = visibleEncounterPurpose(im, *tx, *encounter.encounterId); !existing)
            return fail(existing.error());
    const std::string now = core::formatUtc(im.clock->now());
    std::vector<core::RecordId> ids;
    ids.reserve(documents.size());
    for (const auto& given : documents) {
        core::EncounterId encounterId = encounter.encounterId.value_or(core::EncounterId{});
        if (!encounter.encounterId) {
            auto enc = insertEncounter(im, *tx, encounter, encounter.outcome, now);
            if (!enc) return fail(enc.error());
            encounterId = *enc;
        }
        auto id = insertRecord(im, *tx, given, encounter, encounterId, *profile, now);
        if (!id) return fail(id.error());
        ids.push_back(*id);
    }
    // One commit for the batch: all of it is stored with its audit entries, or none of it.
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return ids;
}

Result<StoredRecord> Records::get(core::RecordId id) {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::ReadOwnRecord);
    if (!tx) return fail(tx.error());
    const bool glass = im.viaBreakGlass(privacy::Action::ReadAnyRecord);
    if (auto s = im.requireVisible(*tx, id); !s) return fail(s.error());
    auto rec = detail::loadRecord(tx->db(), id);
    if (!rec) return fail(rec.error());
    if (auto s = im.audit(privacy::AuditAction::RecordRead, id, glass ? "breakglass" : rec->encounter.purpose,
                          glass ? "break-glass" : "", glass ? im.breakGlassReason : std::string{});
        !s)
        return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return std::move(*rec);
}

namespace {

/// Summaries visible to the session, optionally filtered by one blind-index column; audited.
Result<std::vector<RecordSummary>> listRecords(StoreImpl& im, const char* indexColumn, const std::string& indexValue,
                                               privacy::AuditAction action) {
    const bool glass = im.viaBreakGlass(privacy::Action::ListRecords);
    auto tx = im.transaction();
    if (!tx) return fail(tx.error());
    std::string sql = "SELECT r.id, r.created_utc, u.name, r.format, r.valid FROM records r "
                      "JOIN users u ON u.id = r.officer_id LEFT JOIN encounters e ON e.id = r.encounter_id WHERE ";
    sql += kVisibleRecord;
    if (indexColumn) sql += std::string(" AND r.") + indexColumn + " = ?";
    sql += " ORDER BY r.id DESC;";
    auto q = tx->db().prepare(sql);
    if (!q) return fail(q.error());
    q->bind(1, std::int64_t{im.readsAny() ? 1 : 0}).bind(2, im.userId);
    if (indexColumn) q->bind(3, indexValue);
    std::vector<RecordSummary> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        out.push_back({q->id<core::RecordId>(0), core::parseUtc(q->text(1)).value_or(core::TimePoint{}), q->text(2),
                       q->text(3), q->int64(4) != 0});
    }
    if (auto s = im.audit(action, std::nullopt, glass ? "breakglass" : "secondary_inspection",
                          std::to_string(out.size()) + " records" + (glass ? " (break-glass)" : ""),
                          glass ? im.breakGlassReason : std::string{});
        !s)
        return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return out;
}

} // namespace

Result<std::vector<RecordSummary>> Records::list() {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ListRecords); !s) return fail(s.error());
    return listRecords(im, nullptr, {}, privacy::AuditAction::RecordList);
}

Result<std::vector<RecordSummary>> Records::findByDocument(std::string_view issuingState,
                                                           std::string_view documentNumber) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ListRecords); !s) return fail(s.error());
    return listRecords(im, "idx_document", detail::documentIndex(im.indexKey, issuingState, documentNumber),
                       privacy::AuditAction::RecordFind);
}

Result<std::vector<RecordSummary>> Records::findByNameAndBirth(std::string_view surname, std::string_view birthIso) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ListRecords); !s) return fail(s.error());
    return listRecords(im, "idx_name_birth", detail::nameBirthIndex(im.indexKey, surname, birthIso),
                       privacy::AuditAction::RecordFind);
}

Result<std::vector<StoredImage>> detail::loadImages(Database& db, core::RecordId recordId) {
    auto q = db.query("SELECT id, kind, media_type, width, height, data FROM images WHERE record_id = ? ORDER BY id;",
                      recordId);
    if (!q) return fail(q.error());
    std::vector<StoredImage> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        out.push_back({q->int64(0), q->text(1) == "portrait" ? ImageKind::Portrait : ImageKind::Document, q->text(2),
                       static_cast<int>(q->int64(3)), static_cast<int>(q->int64(4)), q->blob(5)});
    }
    return out;
}

Result<std::int64_t> Records::addImage(core::RecordId recordId, ImageKind kind, std::string_view mediaType, int width,
                                       int height, std::span<const std::uint8_t> data) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::CreateRecord); !s) return fail(s.error());
    const ImageDraft image{kind, std::string(mediaType), width, height, {data.begin(), data.end()}};
    if (auto s = checkImage(image); !s) return fail(s.error());
    auto tx = im.transaction();
    if (!tx) return fail(tx.error());
    if (auto s = im.requireVisible(*tx, recordId); !s) return fail(s.error());
    auto purpose = recordPurpose(tx->db(), recordId);
    if (!purpose) return fail(purpose.error());
    auto id = insertImage(im, *tx, recordId, *purpose, image);
    if (!id) return fail(id.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return *id;
}

Result<std::vector<StoredImage>> Records::images(core::RecordId recordId) {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::ReadOwnRecord);
    if (!tx) return fail(tx.error());
    if (auto s = im.requireVisible(*tx, recordId); !s) return fail(s.error());
    auto purpose = recordPurpose(tx->db(), recordId);
    if (!purpose) return fail(purpose.error());
    auto out = detail::loadImages(tx->db(), recordId);
    if (!out) return fail(out.error());
    if (auto s = im.audit(privacy::AuditAction::ImageRead, recordId, *purpose, std::to_string(out->size()) + " images");
        !s)
        return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return out;
}

Result<std::optional<int>> Records::imageLimit(core::RecordId recordId, ImageKind kind) {
    auto& im = *m_impl;
    // A read that writes nothing (no audit entry): the connection, without a transaction.
    auto access = im.connection(privacy::Action::CreateRecord);
    if (!access) return fail(access.error());
    if (auto s = im.requireVisible(*access, recordId); !s) return fail(s.error());
    auto purpose = recordPurpose(access->db(), recordId);
    if (!purpose) return fail(purpose.error());
    return detail::imageLimitFor(im.pack(), *purpose, kind);
}

Result<core::FlagId> Flags::raise(core::RecordId recordId, const ReferralDraft& flag) {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::FlagRecord);
    if (!tx) return fail(tx.error());
    if (auto s = checkFlag(flag); !s) return fail(s.error());
    if (auto s = im.requireVisible(*tx, recordId); !s) return fail(s.error());
    auto purpose = recordPurpose(tx->db(), recordId);
    if (!purpose) return fail(purpose.error());
    auto id = insertFlag(im, *tx, recordId, *purpose, flag);
    if (!id) return fail(id.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return *id;
}

Status Flags::update(core::FlagId flagId, FlagStatus status, std::string_view note) {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::ReviewFlags);
    if (!tx) return fail(tx.error());
    if (note.empty() || note.size() > kMaxFreeText)
        return fail(ErrorCode::InvalidArgument, "a flag's change needs a note of at most 4000 characters");
    auto q = tx->db().query("SELECT record_id FROM flags WHERE id = ?;", flagId);
    if (!q) return fail(q.error());
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(ErrorCode::RecordNotFound, "no flag with that id");
    const auto recordId = q->id<core::RecordId>(0);
    q = {};
    if (auto s = tx->db().run("UPDATE flags SET status = ? WHERE id = ?;", flagStatusName(status), flagId); !s)
        return s;
    if (auto s = tx->db().run("INSERT INTO flag_history (flag_id, time_utc, user_id, status, note) VALUES (?,?,?,?,?);",
                              flagId, core::formatUtc(im.clock->now()), im.userId, flagStatusName(status), note);
        !s)
        return s;
    if (auto s =
            im.audit(privacy::AuditAction::FlagUpdate, recordId, "supervision", std::string(flagStatusName(status)));
        !s)
        return s;
    return im.commit(*tx);
}

namespace {

constexpr const char* kFlagColumns = "SELECT f.id, f.record_id, f.kind, f.reason, f.referred_to, f.status, f.basis "
                                     "FROM flags f ";

/// The flags a query over kFlagColumns returns, each with its history, oldest first.
Result<std::vector<Flag>> readFlags(Database& db, Result<detail::Statement> q) {
    if (!q) return fail(q.error());
    std::vector<Flag> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        Flag f;
        f.id = q->id<core::FlagId>(0);
        f.recordId = q->id<core::RecordId>(1);
        f.kind = q->textView(2) == "referral" ? FlagKind::Referral : FlagKind::Review;
        f.reason = q->text(3);
        f.referredTo = q->text(4);
        auto status = flagStatusFrom(q->textView(5));
        auto basis = referralBasisFrom(q->textView(6));
        if (!status || !basis) return fail(ErrorCode::StoreCorrupt, "a flag has an unknown status or basis");
        f.status = *status;
        f.basis = *basis;
        out.push_back(std::move(f));
    }
    auto h = db.prepare("SELECT h.time_utc, u.name, h.status, h.note FROM flag_history h "
                        "JOIN users u ON u.id = h.user_id WHERE h.flag_id = ? ORDER BY h.id;");
    if (!h) return fail(h.error());
    for (auto& f : out) {
        h->bind(1, f.id);
        for (;;) {
            auto row = h->step();
            if (!row) return fail(row.error());
            if (!*row) break;
            auto status = flagStatusFrom(h->textView(2));
            if (!status) return fail(ErrorCode::StoreCorrupt, "a flag's history has an unknown status");
            f.history.push_back(
                {core::parseUtc(h->text(0)).value_or(core::TimePoint{}), h->text(1), *status, h->text(3)});
        }
        h->reset();
    }
    return out;
}

} // namespace

Result<std::vector<Flag>> detail::loadRecordFlags(Database& db, core::RecordId recordId) {
    return readFlags(db, db.query(std::string(kFlagColumns) + "WHERE f.record_id = ? ORDER BY f.id;", recordId));
}

Result<std::vector<Flag>> Flags::list(bool openOnly) {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::FlagRecord);
    if (!tx) return fail(tx.error());
    const bool all = privacy::decide(im.pack(), im.role, privacy::Action::ReviewFlags, im.context()).allowed;
    auto out =
        readFlags(tx->db(), tx->db().query(std::string(kFlagColumns) +
                                               "JOIN records r ON r.id = f.record_id WHERE (? OR r.officer_id = ?) "
                                               "AND (? = 0 OR f.status = 'open') ORDER BY f.id;",
                                           all, im.userId, openOnly));
    if (!out) return fail(out.error());
    if (auto s = im.audit(privacy::AuditAction::FlagList, std::nullopt, "supervision",
                          std::to_string(out->size()) + " flags");
        !s)
        return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return out;
}

Status Records::closeEncounter(core::EncounterId encounterId, std::string_view outcome) {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::UpdateRecord);
    if (!tx) return fail(tx.error());
    if (auto s = checkOutcome(im.pack(), outcome); !s) return s;
    auto purpose = visibleEncounterPurpose(im, *tx, encounterId);
    if (!purpose) return fail(purpose.error());
    if (auto s = closeEncounterIn(im, *tx, encounterId, outcome, *purpose); !s) return s;
    return im.commit(*tx);
}

Result<std::vector<Rectification>> detail::recordHistory(Database& db, core::RecordId recordId) {
    auto q = db.query("SELECT h.time_utc, u.name, h.field, h.old_value, h.new_value, h.reason FROM record_history h "
                      "JOIN users u ON u.id = h.user_id WHERE h.record_id = ? ORDER BY h.id;",
                      recordId);
    if (!q) return fail(q.error());
    std::vector<Rectification> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        out.push_back({core::parseUtc(q->text(0)).value_or(core::TimePoint{}), q->text(1), q->text(2), q->text(3),
                       q->text(4), q->text(5)});
    }
    return out;
}

Status SubjectRights::rectify(core::RecordId recordId, std::string_view field, std::string_view value,
                              std::string_view reason) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::RectifyRecord); !s) return s;
    if (auto s = detail::checkReason(reason, "a rectification"); !s) return s;
    if (auto s = checkCorrection(field, value); !s) return fail(s.error());
    auto tx = im.transaction();
    if (!tx) return fail(tx.error());
    if (auto s = im.requireVisible(*tx, recordId); !s) return s;
    if (auto s = applyCorrection(im, *tx, recordId, field, value, reason); !s) return s;
    return im.commit(*tx);
}

} // namespace secondline::storage
