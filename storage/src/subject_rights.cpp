// The SubjectRights facet (issue 7): legal holds, erasure, subject access and sharing under an agreement.

#include <secondline/storage/subject_rights.h>

#include "document_codec.h"
#include "erasure_ledger.h"
#include "store_impl.h"

#include <secondline/privacy/blind_index.h>
#include <secondline/privacy/sharing.h>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::Status;
using detail::checkReason;
using detail::Database;
using detail::Transaction;

Status SubjectRights::setLegalHold(core::RecordId recordId, bool hold, std::string_view reason) {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::HoldRecord);
    if (!tx) return fail(tx.error());
    if (auto s = checkReason(reason, "a legal hold"); !s) return s;
    if (auto s = im.requireVisible(*tx, recordId); !s) return s;
    auto upd = tx->db().prepare("UPDATE records SET legal_hold = ? WHERE id = ?;");
    if (!upd) return fail(upd.error());
    upd->bind(1, std::int64_t{hold ? 1 : 0}).bind(2, recordId);
    if (auto s = upd->run(); !s) return s;
    if (auto s = im.audit(hold ? privacy::AuditAction::RecordHold : privacy::AuditAction::RecordRelease, recordId,
                          "legal_hold", "", std::string(reason));
        !s)
        return s;
    return im.commit(*tx);
}

Status SubjectRights::erase(core::RecordId recordId, std::string_view reason) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::EraseRecord); !s) return s;
    if (auto s = checkReason(reason, "an erasure"); !s) return s;
    std::optional<core::Error> refusal;
    {
        auto tx = im.transaction();
        if (!tx) return fail(tx.error());
        if (auto s = im.requireVisible(*tx, recordId); !s) return s;
        auto q = tx->db().prepare("SELECT r.legal_hold, e.outcome FROM records r "
                                  "LEFT JOIN encounters e ON e.id = r.encounter_id WHERE r.id = ?;");
        if (!q) return fail(q.error());
        q->bind(1, recordId);
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) return fail(ErrorCode::RecordNotFound, "no record with that id is visible to this user");
        const bool held = q->int64(0) != 0;
        const std::string outcome = q->isNull(1) ? std::string{} : q->text(1);
        q = {};
        if (held)
            refusal = core::Error{ErrorCode::LegalHold, "the record is under a legal hold and cannot be erased"};
        else if (!im.pack().erasable(outcome))
            refusal =
                core::Error{ErrorCode::PolicyForbids,
                            "the policy pack does not allow erasing records of this outcome before retention ends"};
        if (refusal) {
            if (auto s = im.audit(privacy::AuditAction::RecordEraseRefused, recordId, "subject_rights",
                                  std::string(core::errorCodeName(refusal->code)), std::string(reason));
                !s)
                return s;
            if (auto s = im.commit(*tx); !s) return s;
            return fail(*refusal);
        }
        // Written ahead of the erasure (erasure_ledger.h): a backup taken before now, once restored, erases the
        // record again. The entry's position goes into the trail, so that a ledger cut short shows.
        auto tags = detail::erasureTagsOf(tx->db(), im.indexKey, im.storeId, {recordId});
        if (!tags) return fail(tags.error());
        auto entries = detail::appendErasures(erasureLedgerPath(im.path), im.indexKey, im.storeId,
                                              detail::ErasureKind::Request, *tags);
        if (!entries) return fail(entries.error());
        auto erased = detail::eraseRecords(tx->db(), {recordId});
        if (!erased) return fail(erased.error());
        if (auto s =
                im.audit(privacy::AuditAction::RecordErase, recordId, "subject_rights",
                         std::to_string(erased->images) + " images, erasure ledger entry " + std::to_string(*entries),
                         std::string(reason));
            !s)
            return s;
        // The erased rows leave the file (secure_delete has zeroed their pages).
        if (auto s = im.commit(*tx, StoreImpl::AfterCommit::Compact); !s) return s;
    }
    return {};
}

Result<StoredRecord> detail::loadRecord(Database& db, core::RecordId id) {
    auto q = db.prepare("SELECT r.id, r.created_utc, u.name, r.source, r.purpose, r.document, e.id, e.location, "
                        "e.desk, e.outcome, e.notes, r.legal_hold FROM records r JOIN users u ON u.id = r.officer_id "
                        "LEFT JOIN encounters e ON e.id = r.encounter_id WHERE r.id = ?;");
    if (!q) return fail(q.error());
    q->bind(1, id);
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(ErrorCode::RecordNotFound, "no record with that id");
    StoredRecord rec;
    rec.id = q->id<core::RecordId>(0);
    rec.created = core::parseUtc(q->text(1)).value_or(core::TimePoint{});
    rec.officer = q->text(2);
    rec.encounter.source = q->text(3);
    rec.encounter.purpose = q->text(4);
    if (!q->isNull(6)) {
        rec.encounter.encounterId = q->id<core::EncounterId>(6);
        rec.encounter.location = q->text(7);
        rec.encounter.desk = q->text(8);
        rec.encounter.outcome = q->text(9);
        rec.encounter.notes = q->text(10);
    }
    rec.legalHold = q->int64(11) != 0;
    auto doc = detail::decodeDocument(q->text(5));
    if (!doc) return fail(doc.error());
    rec.document = std::move(*doc);
    q = {};
    auto history = detail::recordHistory(db, id);
    if (!history) return fail(history.error());
    rec.history = std::move(*history);
    return rec;
}

namespace {

Result<std::vector<Disclosure>> loadDisclosures(Database& db, core::RecordId recordId) {
    auto q = db.prepare("SELECT d.record_id, d.time_utc, u.name, d.agreement, d.recipient, d.purpose, "
                        "d.legal_reference, d.fields FROM disclosures d JOIN users u ON u.id = d.user_id "
                        "WHERE d.record_id = ? ORDER BY d.id;");
    if (!q) return fail(q.error());
    q->bind(1, recordId);
    std::vector<Disclosure> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        Disclosure d{q->id<core::RecordId>(0),
                     core::parseUtc(q->text(1)).value_or(core::TimePoint{}),
                     q->text(2),
                     q->text(3),
                     q->text(4),
                     q->text(5),
                     q->text(6),
                     {}};
        const auto fields = nlohmann::json::parse(q->text(7), nullptr, false);
        if (fields.is_array())
            for (const auto& f : fields)
                if (f.is_string()) d.fields.push_back(f.get<std::string>());
        out.push_back(std::move(d));
    }
    return out;
}

} // namespace

Result<std::vector<Disclosure>> SubjectRights::disclosures(core::RecordId recordId) {
    auto& im = *m_impl;
    auto access = im.connection(privacy::Action::ReadOwnRecord);
    if (!access) return fail(access.error());
    if (auto s = im.requireVisible(*access, recordId); !s) return fail(s.error());
    return loadDisclosures(access->db(), recordId);
}

Result<SubjectData> SubjectRights::exportSubject(std::string_view issuingState, std::string_view documentNumber) {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::ExportSubject);
    if (!tx) return fail(tx.error());
    const bool glass = im.viaBreakGlass(privacy::Action::ExportSubject);
    const std::string idx =
        privacy::blindIndex(im.indexKey, "document", privacy::documentLookupValue(issuingState, documentNumber));
    SubjectData out;
    std::vector<core::RecordId> ids;
    {
        auto q = tx->db().prepare("SELECT id FROM records WHERE idx_document = ? ORDER BY id;");
        if (!q) return fail(q.error());
        q->bind(1, idx);
        for (;;) {
            auto row = q->step();
            if (!row) return fail(row.error());
            if (!*row) break;
            ids.push_back(q->id<core::RecordId>(0));
        }
    }
    for (core::RecordId id : ids) {
        auto rec = detail::loadRecord(tx->db(), id);
        if (!rec) return fail(rec.error());
        out.records.push_back(std::move(*rec));
        auto images = detail::loadImages(tx->db(), id);
        if (!images) return fail(images.error());
        for (auto& image : *images) out.images.emplace_back(id, std::move(image));
        auto flags = detail::loadRecordFlags(tx->db(), id);
        if (!flags) return fail(flags.error());
        for (auto& f : *flags) out.flags.push_back(std::move(f));
        auto disclosed = loadDisclosures(tx->db(), id);
        if (!disclosed) return fail(disclosed.error());
        for (auto& d : *disclosed) out.disclosures.push_back(std::move(d));
    }
    auto trail = detail::readAuditTrail(im, *tx);
    if (!trail) return fail(trail.error());
    for (auto& e : *trail)
        if (e.recordId && std::find(ids.begin(), ids.end(), core::RecordId{*e.recordId}) != ids.end())
            out.accessLog.push_back(std::move(e));
    for (core::RecordId id : ids)
        if (auto s = im.audit(privacy::AuditAction::SubjectExport, id, glass ? "breakglass" : "subject_access",
                              glass ? "break-glass" : "", glass ? im.breakGlassReason : std::string{});
            !s)
            return fail(s.error());
    if (ids.empty())
        if (auto s = im.audit(privacy::AuditAction::SubjectExport, std::nullopt, "subject_access", "0 records"); !s)
            return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return out;
}

Result<std::string> SubjectRights::share(core::RecordId recordId, std::string_view agreementName,
                                         std::string_view justification) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ShareRecord); !s) return fail(s.error());
    if (auto s = checkReason(justification, "a disclosure"); !s) return fail(s.error());
    auto tx = im.transaction();
    if (!tx) return fail(tx.error());
    if (auto s = im.requireVisible(*tx, recordId); !s) return fail(s.error());
    const privacy::SharingAgreement* agreement = im.pack().agreement(agreementName);
    if (!agreement) {
        // Outside any agreement: refused, and the attempt is on the record.
        if (auto s = im.audit(privacy::AuditAction::ShareRefused, recordId, "sharing",
                              "no agreement of that name in the policy pack", std::string(justification));
            !s)
            return fail(s.error());
        if (auto s = im.commit(*tx); !s) return fail(s.error());
        return fail(ErrorCode::PolicyForbids, "the policy pack has no sharing agreement of that name");
    }
    auto rec = detail::loadRecord(tx->db(), recordId);
    if (!rec) return fail(rec.error());
    privacy::SharePayload payload;
    payload.agreement = agreement->name;
    payload.recipient = agreement->recipient;
    payload.purpose = agreement->purpose;
    payload.legalReference = agreement->legalReference;
    payload.storeId = im.storeId;
    payload.created = im.clock->now();
    payload.recordId = recordId.value();
    nlohmann::json sent = nlohmann::json::array();
    for (const auto& f : rec->document.fields)
        if (agreement->fields.count(f.name)) {
            payload.fields.emplace_back(f.name, f.value);
            sent.push_back(f.name);
        }
    auto sealed = privacy::sealShare(payload, *agreement, *im.signer);
    for (auto& [name, value] : payload.fields) std::fill(value.begin(), value.end(), '\0');
    if (!sealed) return fail(sealed.error());
    auto ins = tx->db().prepare("INSERT INTO disclosures (record_id, time_utc, user_id, agreement, recipient, purpose, "
                                "legal_reference, fields) VALUES (?,?,?,?,?,?,?,?);");
    if (!ins) return fail(ins.error());
    ins->bind(1, recordId).bind(2, core::formatUtc(payload.created)).bind(3, im.userId).bind(4, agreement->name);
    ins->bind(5, agreement->recipient).bind(6, agreement->purpose).bind(7, agreement->legalReference);
    ins->bind(8, sent.dump());
    if (auto s = ins->run(); !s) return fail(s.error());
    if (auto s = im.audit(privacy::AuditAction::ShareExport, recordId, agreement->purpose,
                          "agreement " + agreement->name + ", " + std::to_string(sent.size()) + " fields",
                          std::string(justification));
        !s)
        return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return sealed;
}

} // namespace secondline::storage
