#include "records_handlers.h"

#include "session_call.h"

#include <secondline/privacy/access.h>
#include <secondline/service/service.h>
#include <secondline/privacy/policy.h>
#include <secondline/storage/flags.h>
#include <secondline/storage/records.h>
#include <secondline/storage/subject_rights.h>
#include <secondline/validation/field_rules.h>
#include <secondline/wire/records.h>

#include <algorithm>
#include <string>
#include <vector>

namespace secondline::service::detail {

using core::ErrorCode;
using core::fail;

static_assert(kMaxRequestBytes >= 2 * storage::kMaxImageBytes + (1u << 20),
              "a request carries two images of the store's largest size and the rest of an encounter");

namespace {

// Limits of records.proto's strings and repeated fields (written beside each field there).
constexpr std::size_t kMaxText = 4000; // reasons, notes, justifications
constexpr std::size_t kMaxShortText = 64;
constexpr std::size_t kMaxFieldName = 32;
constexpr std::size_t kMaxFindingMessage = 200;
constexpr std::size_t kMaxBirthIso = 10;
constexpr int kMaxConfidenceHints = 32;
constexpr int kMaxFindingHints = 64;

core::Status positive(std::int64_t id, const char* what) {
    if (id <= 0) return fail(ErrorCode::InvalidArgument, std::string(what) + " must be positive");
    return {};
}

/// Capture's hints applied to the document the service parsed itself: confidences (0 to 1) of its own fields,
/// and the two capture findings on its own fields. Anything else is refused.
core::Status applyHints(const v1::DocumentHints& hints, validation::TravelDocument& document) {
    if (hints.confidences_size() > kMaxConfidenceHints)
        return fail(ErrorCode::InvalidArgument, "too many confidence hints");
    if (hints.findings_size() > kMaxFindingHints) return fail(ErrorCode::InvalidArgument, "too many capture findings");
    for (const auto& hint : hints.confidences()) {
        if (auto s = bounded(hint.field(), kMaxFieldName, "a confidence hint's field"); !s) return s;
        auto it = std::find_if(document.fields.begin(), document.fields.end(),
                               [&](const validation::Field& f) { return f.name == hint.field(); });
        if (it == document.fields.end())
            return fail(ErrorCode::InvalidArgument, "a confidence hint names a field the document does not have");
        if (!(hint.confidence() >= 0.0 && hint.confidence() <= 1.0))
            return fail(ErrorCode::InvalidArgument, "a confidence is between 0 and 1");
        it->confidence = hint.confidence();
    }
    for (const auto& hint : hints.findings()) {
        if (auto s = bounded(hint.field(), kMaxFieldName, "a capture finding's field"); !s) return s;
        if (auto s = bounded(hint.message(), kMaxFindingMessage, "a capture finding's message"); !s) return s;
        const auto code = validation::findingCodeFrom(hint.code());
        if (!code ||
            (*code != validation::FindingCode::UncertainRead && *code != validation::FindingCode::OcrCorrected))
            return fail(ErrorCode::InvalidArgument, "capture findings are uncertain_read or ocr_corrected");
        validation::Severity severity{};
        if (hint.severity() == "info")
            severity = validation::Severity::Info;
        else if (hint.severity() == "warning")
            severity = validation::Severity::Warning;
        else if (hint.severity() == "error")
            severity = validation::Severity::Error;
        else
            return fail(ErrorCode::InvalidArgument, "a finding's severity is info, warning or error");
        if (!document.field(hint.field()))
            return fail(ErrorCode::InvalidArgument, "a capture finding names a field the document does not have");
        document.findings.push_back(
            {.field = hint.field(), .code = *code, .severity = severity, .message = hint.message()});
    }
    return {};
}

core::Result<storage::EncounterDraft> draftOf(const v1::SaveRequest& request, const core::Clock& clock) {
    auto draft = detail::draftOf(request.encounter(), clock, true);
    if (!draft) return fail(draft.error());
    if (auto s = applyHints(request.hints(), draft->document); !s) return fail(s.error());
    return draft;
}

void fill(v1::StoredSummaries& reply, const std::vector<storage::RecordSummary>& found) {
    for (const auto& r : found) wire::toWire(r, *reply.add_records());
}

} // namespace

grpc::Status RecordsHandlers::SessionFacts(Context* c, const v1::SessionFactsRequest*, v1::SessionFactsReply* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        r->set_user(s.store.userName());
        r->set_role(std::string(privacy::roleName(s.store.role())));
        r->set_training(s.store.training());
        r->set_store_id(s.store.storeId());
        r->set_policy_text(s.store.policy().text());
        if (auto until = s.store.breakGlassUntil()) r->set_break_glass_until_ms(wire::toWire(*until));
        if (const auto& purged = s.store.purgeAtOpen(); !purged) {
            r->set_purge_error(std::string(core::errorCodeName(purged.error().code)));
            r->set_purge_message(purged.error().message);
        }
        return {};
    });
}

grpc::Status RecordsHandlers::BreakGlass(Context* c, const v1::BreakGlassRequest* q, v1::BreakGlassReply* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto b = bounded(q->reason(), kMaxText, "reason"); !b) return b;
        auto until = s.store.breakGlass(q->reason(), q->minutes());
        if (!until) return fail(until.error());
        r->set_until_ms(wire::toWire(*until));
        return {};
    });
}

grpc::Status RecordsHandlers::LoadPolicy(Context* c, const v1::LoadPolicyRequest* q, v1::RecordsDone*) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto b = bounded(q->pack_text(), privacy::kMaxPolicyBytes, "pack_text"); !b) return b;
        return s.store.loadPolicy(q->pack_text());
    });
}

grpc::Status RecordsHandlers::Save(Context* c, const v1::SaveRequest* q, v1::SaveEncounterReply* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        auto draft = draftOf(*q, m_clock);
        if (!draft) return fail(draft.error());
        auto saved = s.store.records().save(*draft);
        if (!saved) return fail(saved.error());
        wire::toWire(*saved, *r);
        return {};
    });
}

grpc::Status RecordsHandlers::SaveBatch(Context* c, const v1::SaveBatchRequest* q, v1::SaveEncountersReply* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        auto drafts = draftsOf(q->encounters(), [&](const v1::SaveRequest& one) { return draftOf(one, m_clock); });
        if (!drafts) return fail(drafts.error());
        auto saved = s.store.records().saveBatch(*drafts);
        if (!saved) return fail(saved.error());
        for (const auto& one : *saved) wire::toWire(one, *r->add_saved());
        return {};
    });
}

grpc::Status RecordsHandlers::AddRecord(Context* c, const v1::AddRecordRequest* q, v1::AddRecordReply* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        const auto& e = q->encounter();
        if (e.corrections_size() > 0 || e.has_referral() || e.images_size() > 0 || !e.correction_reason().empty())
            return fail(ErrorCode::InvalidArgument, "AddRecord takes no corrections, referral or images (Save does)");
        // The same bounds and parsing as Save; the outcome is the encounter's own.
        auto draft = detail::draftOf(e, m_clock, false);
        if (!draft) return fail(draft.error());
        if (auto h = applyHints(q->hints(), draft->document); !h) return h;
        draft->encounter.outcome = e.outcome().empty() ? "open" : e.outcome();
        auto id = s.store.records().add(draft->document, draft->encounter);
        if (!id) return fail(id.error());
        r->set_record_id(id->value());
        return {};
    });
}

grpc::Status RecordsHandlers::GetStoredRecord(Context* c, const v1::RecordIdRequest* q, v1::StoredRecord* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto p = positive(q->record_id(), "record_id"); !p) return p;
        auto record = s.store.records().get(core::RecordId{q->record_id()});
        if (!record) return fail(record.error());
        wire::toWire(*record, *r);
        return {};
    });
}

grpc::Status RecordsHandlers::ListRecords(Context* c, const v1::ListRecordsRequest*, v1::StoredSummaries* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        auto found = s.store.records().list();
        if (!found) return fail(found.error());
        fill(*r, *found);
        return {};
    });
}

grpc::Status RecordsHandlers::FindRecordsByDocument(Context* c, const v1::FindByDocumentRequest* q,
                                                    v1::StoredSummaries* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto b = bounded(q->issuing_state(), 3, "issuing_state"); !b) return b;
        if (auto b = bounded(q->document_number(), validation::kMaxFieldValueBytes, "document_number"); !b) return b;
        auto found = s.store.records().findByDocument(q->issuing_state(), q->document_number());
        if (!found) return fail(found.error());
        fill(*r, *found);
        return {};
    });
}

grpc::Status RecordsHandlers::FindRecordsByNameAndBirth(Context* c, const v1::FindByNameAndBirthRequest* q,
                                                        v1::StoredSummaries* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto b = bounded(q->surname(), validation::kMaxFieldValueBytes, "surname"); !b) return b;
        if (auto b = bounded(q->birth_iso(), kMaxBirthIso, "birth_iso"); !b) return b;
        auto found = s.store.records().findByNameAndBirth(q->surname(), q->birth_iso());
        if (!found) return fail(found.error());
        fill(*r, *found);
        return {};
    });
}

grpc::Status RecordsHandlers::AddImage(Context* c, const v1::AddImageRequest* q, v1::AddImageReply* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto p = positive(q->record_id(), "record_id"); !p) return p;
        auto image = imageOf(q->image());
        if (!image) return fail(image.error());
        auto id = s.store.records().addImage(core::RecordId{q->record_id()}, image->kind, image->mediaType,
                                             image->width, image->height, image->data);
        if (!id) return fail(id.error());
        r->set_image_id(*id);
        return {};
    });
}

grpc::Status RecordsHandlers::Images(Context* c, const v1::RecordIdRequest* q, v1::ImagesReply* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto p = positive(q->record_id(), "record_id"); !p) return p;
        auto images = s.store.records().images(core::RecordId{q->record_id()});
        if (!images) return fail(images.error());
        for (const auto& image : *images) wire::toWire(image, *r->add_images());
        return {};
    });
}

grpc::Status RecordsHandlers::CloseEncounter(Context* c, const v1::CloseEncounterRequest* q, v1::RecordsDone*) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto p = positive(q->encounter_id(), "encounter_id"); !p) return p;
        if (auto b = bounded(q->outcome(), kMaxShortText, "outcome"); !b) return b;
        return s.store.records().closeEncounter(core::EncounterId{q->encounter_id()}, q->outcome());
    });
}

grpc::Status RecordsHandlers::RaiseFlag(Context* c, const v1::RaiseFlagRequest* q, v1::RaiseFlagReply* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto p = positive(q->record_id(), "record_id"); !p) return p;
        if (!q->has_flag()) return fail(ErrorCode::InvalidArgument, "flag is required");
        const auto& f = q->flag();
        if (auto b = bounded(f.reason(), kMaxText, "reason"); !b) return b;
        if (auto b = bounded(f.referred_to(), 200, "referred_to"); !b) return b;
        if (auto b = bounded(f.basis(), kMaxShortText, "basis"); !b) return b;
        storage::ReferralDraft flag;
        switch (f.kind()) {
        case v1::Referral::REVIEW: flag.kind = storage::FlagKind::Review; break;
        case v1::Referral::REFERRAL: flag.kind = storage::FlagKind::Referral; break;
        default: return fail(ErrorCode::InvalidArgument, "a flag's kind must be review or referral");
        }
        const auto basis = storage::referralBasisFrom(f.basis().empty() ? "none" : f.basis());
        if (!basis)
            return fail(ErrorCode::InvalidArgument, "basis must be fact, assessment, list_hit, chip_failure or none");
        flag.basis = *basis;
        flag.reason = f.reason();
        flag.referredTo = f.referred_to();
        auto id = s.store.flags().raise(core::RecordId{q->record_id()}, flag);
        if (!id) return fail(id.error());
        r->set_flag_id(id->value());
        return {};
    });
}

grpc::Status RecordsHandlers::UpdateFlag(Context* c, const v1::UpdateFlagRequest* q, v1::RecordsDone*) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto p = positive(q->flag_id(), "flag_id"); !p) return p;
        if (auto b = bounded(q->status(), kMaxShortText, "status"); !b) return b;
        if (auto b = bounded(q->note(), kMaxText, "note"); !b) return b;
        const auto status = storage::flagStatusFrom(q->status());
        if (!status) return fail(ErrorCode::InvalidArgument, "status must be open, resolved or dismissed");
        return s.store.flags().update(core::FlagId{q->flag_id()}, *status, q->note());
    });
}

grpc::Status RecordsHandlers::ListFlags(Context* c, const v1::ListFlagsRequest* q, v1::ListFlagsReply* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        auto flags = s.store.flags().list(q->open_only());
        if (!flags) return fail(flags.error());
        for (const auto& f : *flags) wire::toWire(f, *r->add_flags());
        return {};
    });
}

grpc::Status RecordsHandlers::Rectify(Context* c, const v1::RectifyRequest* q, v1::RecordsDone*) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto p = positive(q->record_id(), "record_id"); !p) return p;
        if (auto b = bounded(q->field(), kMaxFieldName, "field"); !b) return b;
        if (auto b = bounded(q->value(), validation::kMaxFieldValueBytes, "value"); !b) return b;
        if (auto b = bounded(q->reason(), kMaxText, "reason"); !b) return b;
        // The field rules here too (the store applies them again, with the record's profile).
        const auto field = validation::fieldFromName(q->field());
        if (!field) return fail(ErrorCode::InvalidArgument, "unknown field");
        if (auto problem = validation::fieldValueProblem(*field, q->value()))
            return fail(ErrorCode::InvalidArgument, *problem);
        return s.store.subjects().rectify(core::RecordId{q->record_id()}, q->field(), q->value(), q->reason());
    });
}

grpc::Status RecordsHandlers::SetLegalHold(Context* c, const v1::SetLegalHoldRequest* q, v1::RecordsDone*) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto p = positive(q->record_id(), "record_id"); !p) return p;
        if (auto b = bounded(q->reason(), kMaxText, "reason"); !b) return b;
        return s.store.subjects().setLegalHold(core::RecordId{q->record_id()}, q->hold(), q->reason());
    });
}

grpc::Status RecordsHandlers::Erase(Context* c, const v1::EraseRequest* q, v1::RecordsDone*) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto p = positive(q->record_id(), "record_id"); !p) return p;
        if (auto b = bounded(q->reason(), kMaxText, "reason"); !b) return b;
        return s.store.subjects().erase(core::RecordId{q->record_id()}, q->reason());
    });
}

grpc::Status RecordsHandlers::ExportSubject(Context* c, const v1::FindByDocumentRequest* q, v1::SubjectDataReply* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto b = bounded(q->issuing_state(), 3, "issuing_state"); !b) return b;
        if (auto b = bounded(q->document_number(), validation::kMaxFieldValueBytes, "document_number"); !b) return b;
        auto data = s.store.subjects().exportSubject(q->issuing_state(), q->document_number());
        if (!data) return fail(data.error());
        wire::toWire(*data, *r);
        return {};
    });
}

grpc::Status RecordsHandlers::Share(Context* c, const v1::ShareRequest* q, v1::ShareReply* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto p = positive(q->record_id(), "record_id"); !p) return p;
        if (auto b = bounded(q->agreement(), kMaxShortText, "agreement"); !b) return b;
        if (auto b = bounded(q->justification(), kMaxText, "justification"); !b) return b;
        auto package = s.store.subjects().share(core::RecordId{q->record_id()}, q->agreement(), q->justification());
        if (!package) return fail(package.error());
        r->set_package(std::move(*package));
        return {};
    });
}

grpc::Status RecordsHandlers::Disclosures(Context* c, const v1::RecordIdRequest* q, v1::DisclosuresReply* r) {
    return withSession(*c, m_sessions, [&](Session& s, Sessions::Lock&) -> core::Status {
        if (auto p = positive(q->record_id(), "record_id"); !p) return p;
        auto found = s.store.subjects().disclosures(core::RecordId{q->record_id()});
        if (!found) return fail(found.error());
        for (const auto& d : *found) wire::toWire(d, *r->add_disclosures());
        return {};
    });
}

} // namespace secondline::service::detail
