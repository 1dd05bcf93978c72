#include <secondline/client/service_session.h>

#include "client_impl.h"

#include <secondline/wire/records.h>

#include <secondline/v1/records.grpc.pb.h>

namespace secondline::client {

using core::ErrorCode;
using core::fail;

namespace {

/// One call of secondline.v1.Records under the session: the reply, or the service's error with its code.
template <class Reply, class Request, class Method>
core::Result<Reply> recordsCall(Client::Impl& impl, Method method, const Request& request) {
    // Signed out: refused here with the code a closed store gives (app::LocalSession), without a call.
    if (impl.token.empty()) return fail(ErrorCode::InvalidArgument, "the session is signed out");
    auto stub = v1::Records::NewStub(impl.channel);
    return impl.call<Reply>([&](grpc::ClientContext* c, Reply* r) { return ((*stub).*method)(c, request, r); });
}

/// The session's facts, as the service's store knows them.
core::Result<v1::SessionFactsReply> facts(Client::Impl& impl) {
    return recordsCall<v1::SessionFactsReply>(impl, &v1::Records::Stub::SessionFacts, v1::SessionFactsRequest{});
}

core::Result<std::vector<storage::RecordSummary>> summaries(const core::Result<v1::StoredSummaries>& reply) {
    if (!reply) return fail(reply.error());
    std::vector<storage::RecordSummary> out;
    out.reserve(static_cast<std::size_t>(reply->records_size()));
    for (const auto& r : reply->records()) out.push_back(wire::fromWire(r));
    return out;
}

/// The facts of SessionFacts as the session keeps them.
struct Facts {
    privacy::Role role = privacy::Role::Officer;
    bool training = false;
    std::string storeId;
    privacy::Policy policy = privacy::Policy::defaults();
    core::Status purge{};
    std::optional<core::TimePoint> breakGlassUntil;
};

core::Result<Facts> readFacts(Client::Impl& impl) {
    auto reply = facts(impl);
    if (!reply) return fail(reply.error());
    Facts out;
    const auto role = privacy::roleFromName(reply->role());
    if (!role) return fail(ErrorCode::Internal, "the service answered with a role this client does not know");
    out.role = *role;
    out.training = reply->training();
    out.storeId = reply->store_id();
    auto policy = privacy::Policy::parse(reply->policy_text());
    if (!policy)
        return fail(ErrorCode::Internal, "the service's policy pack does not parse here: " + policy.error().message);
    out.policy = std::move(*policy);
    if (!reply->purge_error().empty())
        out.purge =
            fail(core::errorCodeFromName(reply->purge_error()).value_or(ErrorCode::Internal),
                 reply->purge_message().empty() ? "the retention purge at sign-in failed" : reply->purge_message());
    if (reply->has_break_glass_until_ms()) out.breakGlassUntil = wire::timeFromWire(reply->break_glass_until_ms());
    return out;
}

template <class Reply>
core::Status done(const core::Result<Reply>& reply) {
    if (!reply) return fail(reply.error());
    return {};
}

} // namespace

core::Result<std::unique_ptr<ServiceSession>> ServiceSession::signIn(Client client, std::string_view user,
                                                                     const core::SecretBytes& password) {
    auto info = client.hello();
    if (!info) return core::fail(info.error());
    auto signedIn = client.signIn(user, password);
    if (!signedIn) return core::fail(signedIn.error());
    std::unique_ptr<ServiceSession> session(new ServiceSession(std::move(client)));
    session->m_user = signedIn->user;
    // What the store inside the service knows of this session (on failure the destructor signs out).
    auto known = readFacts(session->impl());
    if (!known) return fail(known.error());
    session->m_role = known->role;
    session->m_training = known->training;
    session->m_storeId = std::move(known->storeId);
    session->m_policy = std::move(known->policy);
    session->m_purgeAtOpen = std::move(known->purge);
    session->m_breakGlassUntil = known->breakGlassUntil;
    return session;
}

ServiceSession::~ServiceSession() {
    signOut();
}

void ServiceSession::signOut() {
    core::ignoreResult(m_client.signOut(), "the session ends here either way: a service that cannot be told (gone, "
                                           "or it already ended the session) holds nothing of it, and the token is "
                                           "wiped");
}

std::optional<int> ServiceSession::imageLimit(std::string_view purpose, storage::ImageKind kind) const {
    // The store's rule (Store::imageLimit), decided by the pack alone.
    const privacy::MinimizationProfile* profile = m_policy.profileFor(purpose);
    if (!profile) return std::nullopt;
    return kind == storage::ImageKind::Portrait ? profile->portraitMaxSide : profile->documentImageMaxSide;
}

core::Result<core::TimePoint> ServiceSession::breakGlass(std::string_view reason, int minutes) {
    v1::BreakGlassRequest request;
    request.set_reason(std::string(reason));
    request.set_minutes(minutes);
    auto reply = recordsCall<v1::BreakGlassReply>(impl(), &v1::Records::Stub::BreakGlass, request);
    if (!reply) return fail(reply.error());
    m_breakGlassUntil = wire::timeFromWire(reply->until_ms());
    return *m_breakGlassUntil;
}

core::Status ServiceSession::loadPolicy(std::string_view packText) {
    v1::LoadPolicyRequest request;
    request.set_pack_text(std::string(packText));
    auto reply = recordsCall<v1::RecordsDone>(impl(), &v1::Records::Stub::LoadPolicy, request);
    if (!reply) return fail(reply.error());
    // The pack now in force, as the service's store holds it.
    auto known = readFacts(impl());
    if (!known) return fail(known.error());
    m_policy = std::move(known->policy);
    m_breakGlassUntil = known->breakGlassUntil;
    return {};
}

core::Result<storage::SavedEncounter> ServiceSession::save(const storage::EncounterDraft& draft) {
    v1::SaveRequest request;
    wire::toWire(draft, request);
    auto reply = recordsCall<v1::SaveEncounterReply>(impl(), &v1::Records::Stub::Save, request);
    if (!reply) return fail(reply.error());
    return wire::fromWire(*reply);
}

core::Result<std::vector<storage::SavedEncounter>>
ServiceSession::saveBatch(std::span<const storage::EncounterDraft> drafts) {
    v1::SaveBatchRequest request;
    for (const auto& draft : drafts) wire::toWire(draft, *request.add_encounters());
    auto reply = recordsCall<v1::SaveEncountersReply>(impl(), &v1::Records::Stub::SaveBatch, request);
    if (!reply) return fail(reply.error());
    if (static_cast<std::size_t>(reply->saved_size()) != drafts.size())
        return fail(ErrorCode::Internal, "the service acknowledged another number of encounters than were sent");
    std::vector<storage::SavedEncounter> out;
    out.reserve(drafts.size());
    for (const auto& saved : reply->saved()) out.push_back(wire::fromWire(saved));
    return out;
}

core::Result<core::RecordId> ServiceSession::addRecord(const validation::TravelDocument& document,
                                                       const storage::EncounterInfo& encounter) {
    v1::AddRecordRequest request;
    wire::toWire(document, *request.mutable_encounter(), *request.mutable_hints());
    wire::toWire(encounter, *request.mutable_encounter());
    auto reply = recordsCall<v1::AddRecordReply>(impl(), &v1::Records::Stub::AddRecord, request);
    if (!reply) return fail(reply.error());
    return core::RecordId{reply->record_id()};
}

core::Result<storage::StoredRecord> ServiceSession::getRecord(core::RecordId id) {
    v1::RecordIdRequest request;
    request.set_record_id(id.value());
    auto reply = recordsCall<v1::StoredRecord>(impl(), &v1::Records::Stub::GetStoredRecord, request);
    if (!reply) return fail(reply.error());
    return wire::fromWire(*reply);
}

core::Result<std::vector<storage::RecordSummary>> ServiceSession::listRecords() {
    return summaries(
        recordsCall<v1::StoredSummaries>(impl(), &v1::Records::Stub::ListRecords, v1::ListRecordsRequest{}));
}

core::Result<std::vector<storage::RecordSummary>> ServiceSession::findByDocument(std::string_view issuingState,
                                                                                 std::string_view documentNumber) {
    v1::FindByDocumentRequest request;
    request.set_issuing_state(std::string(issuingState));
    request.set_document_number(std::string(documentNumber));
    return summaries(recordsCall<v1::StoredSummaries>(impl(), &v1::Records::Stub::FindRecordsByDocument, request));
}

core::Result<std::vector<storage::RecordSummary>> ServiceSession::findByNameAndBirth(std::string_view surname,
                                                                                     std::string_view birthIso) {
    v1::FindByNameAndBirthRequest request;
    request.set_surname(std::string(surname));
    request.set_birth_iso(std::string(birthIso));
    return summaries(recordsCall<v1::StoredSummaries>(impl(), &v1::Records::Stub::FindRecordsByNameAndBirth, request));
}

core::Result<std::int64_t> ServiceSession::addImage(core::RecordId recordId, const storage::ImageDraft& image) {
    v1::AddImageRequest request;
    request.set_record_id(recordId.value());
    wire::toWire(image, *request.mutable_image());
    auto reply = recordsCall<v1::AddImageReply>(impl(), &v1::Records::Stub::AddImage, request);
    if (!reply) return fail(reply.error());
    return reply->image_id();
}

core::Result<std::vector<storage::StoredImage>> ServiceSession::images(core::RecordId recordId) {
    v1::RecordIdRequest request;
    request.set_record_id(recordId.value());
    auto reply = recordsCall<v1::ImagesReply>(impl(), &v1::Records::Stub::Images, request);
    if (!reply) return fail(reply.error());
    std::vector<storage::StoredImage> out;
    for (const auto& i : reply->images()) {
        auto image = wire::fromWire(i);
        if (!image) return fail(image.error());
        out.push_back(std::move(*image));
    }
    return out;
}

core::Status ServiceSession::closeEncounter(core::EncounterId encounterId, std::string_view outcome) {
    v1::CloseEncounterRequest request;
    request.set_encounter_id(encounterId.value());
    request.set_outcome(std::string(outcome));
    return done(recordsCall<v1::RecordsDone>(impl(), &v1::Records::Stub::CloseEncounter, request));
}

core::Result<core::FlagId> ServiceSession::raiseFlag(core::RecordId recordId, const storage::ReferralDraft& flag) {
    v1::RaiseFlagRequest request;
    request.set_record_id(recordId.value());
    wire::toWire(flag, *request.mutable_flag());
    auto reply = recordsCall<v1::RaiseFlagReply>(impl(), &v1::Records::Stub::RaiseFlag, request);
    if (!reply) return fail(reply.error());
    return core::FlagId{reply->flag_id()};
}

core::Status ServiceSession::updateFlag(core::FlagId flagId, storage::FlagStatus status, std::string_view note) {
    v1::UpdateFlagRequest request;
    request.set_flag_id(flagId.value());
    request.set_status(std::string(storage::flagStatusName(status)));
    request.set_note(std::string(note));
    return done(recordsCall<v1::RecordsDone>(impl(), &v1::Records::Stub::UpdateFlag, request));
}

core::Result<std::vector<storage::Flag>> ServiceSession::listFlags(bool openOnly) {
    v1::ListFlagsRequest request;
    request.set_open_only(openOnly);
    auto reply = recordsCall<v1::ListFlagsReply>(impl(), &v1::Records::Stub::ListFlags, request);
    if (!reply) return fail(reply.error());
    std::vector<storage::Flag> out;
    for (const auto& f : reply->flags()) {
        auto flag = wire::fromWire(f);
        if (!flag) return fail(flag.error());
        out.push_back(std::move(*flag));
    }
    return out;
}

core::Status ServiceSession::rectify(core::RecordId recordId, std::string_view field, std::string_view value,
                                     std::string_view reason) {
    v1::RectifyRequest request;
    request.set_record_id(recordId.value());
    request.set_field(std::string(field));
    request.set_value(std::string(value));
    request.set_reason(std::string(reason));
    return done(recordsCall<v1::RecordsDone>(impl(), &v1::Records::Stub::Rectify, request));
}

core::Status ServiceSession::setLegalHold(core::RecordId recordId, bool hold, std::string_view reason) {
    v1::SetLegalHoldRequest request;
    request.set_record_id(recordId.value());
    request.set_hold(hold);
    request.set_reason(std::string(reason));
    return done(recordsCall<v1::RecordsDone>(impl(), &v1::Records::Stub::SetLegalHold, request));
}

core::Status ServiceSession::erase(core::RecordId recordId, std::string_view reason) {
    v1::EraseRequest request;
    request.set_record_id(recordId.value());
    request.set_reason(std::string(reason));
    return done(recordsCall<v1::RecordsDone>(impl(), &v1::Records::Stub::Erase, request));
}

core::Result<storage::SubjectData> ServiceSession::exportSubject(std::string_view issuingState,
                                                                 std::string_view documentNumber) {
    v1::FindByDocumentRequest request;
    request.set_issuing_state(std::string(issuingState));
    request.set_document_number(std::string(documentNumber));
    auto reply = recordsCall<v1::SubjectDataReply>(impl(), &v1::Records::Stub::ExportSubject, request);
    if (!reply) return fail(reply.error());
    return wire::fromWire(*reply);
}

core::Result<std::string> ServiceSession::share(core::RecordId recordId, std::string_view agreement,
                                                std::string_view justification) {
    v1::ShareRequest request;
    request.set_record_id(recordId.value());
    request.set_agreement(std::string(agreement));
    request.set_justification(std::string(justification));
    auto reply = recordsCall<v1::ShareReply>(impl(), &v1::Records::Stub::Share, request);
    if (!reply) return fail(reply.error());
    return std::move(*reply->mutable_package());
}

core::Result<std::vector<storage::Disclosure>> ServiceSession::disclosures(core::RecordId recordId) {
    v1::RecordIdRequest request;
    request.set_record_id(recordId.value());
    auto reply = recordsCall<v1::DisclosuresReply>(impl(), &v1::Records::Stub::Disclosures, request);
    if (!reply) return fail(reply.error());
    std::vector<storage::Disclosure> out;
    for (const auto& d : reply->disclosures()) out.push_back(wire::fromWire(d));
    return out;
}

} // namespace secondline::client
