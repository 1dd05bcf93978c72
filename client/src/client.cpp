#include <secondline/client/client.h>

#include "client_impl.h"
#include "tls.h"

#include <secondline/v1/secondline.grpc.pb.h>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>

namespace secondline::client {

using core::ErrorCode;
using core::fail;
using detail::wipe;

namespace detail {

core::Error errorOf(const grpc::Status& status, const grpc::ClientContext& context, const std::string& address,
                    bool tls) {
    const auto& trailing = context.GetServerTrailingMetadata();
    if (auto it = trailing.find(kErrorCodeKey); it != trailing.end()) {
        const std::string name(it->second.data(), it->second.size());
        if (auto code = core::errorCodeFromName(name)) return {*code, status.error_message()};
        return {core::ErrorCode::Internal, "the service answered with an error this client does not know (" +
                                               name.substr(0, 64) + "): " + status.error_message()};
    }
    // No SecondLine code: the status comes from gRPC itself.
    switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
        if (tls) return detail::tlsUnavailable(status, address);
        return {core::ErrorCode::ServiceUnavailable, "the service at " + address + " cannot be reached"};
    case grpc::StatusCode::DEADLINE_EXCEEDED:
        return {core::ErrorCode::ServiceUnavailable, "the service at " + address + " did not answer in time"};
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
        return {core::ErrorCode::InvalidArgument, "the request is larger than the service accepts"};
    case grpc::StatusCode::INVALID_ARGUMENT: return {core::ErrorCode::InvalidArgument, status.error_message()};
    case grpc::StatusCode::UNAUTHENTICATED: return {core::ErrorCode::AuthenticationFailed, status.error_message()};
    case grpc::StatusCode::PERMISSION_DENIED: return {core::ErrorCode::PermissionDenied, status.error_message()};
    case grpc::StatusCode::UNIMPLEMENTED:
        return {core::ErrorCode::Internal, "the service does not offer this call (an older service than this client)"};
    default: return {core::ErrorCode::Internal, "the service call failed: " + status.error_message()};
    }
}

} // namespace detail

namespace {

void copy(Record& out, const v1::Record& r) {
    out.id = core::RecordId{r.id()};
    out.created = r.created();
    out.officer = r.officer();
    out.legalHold = r.legal_hold();
    out.encounterId = core::EncounterId{r.encounter().id()};
    out.source = r.encounter().source();
    out.purpose = r.encounter().purpose();
    out.location = r.encounter().location();
    out.desk = r.encounter().desk();
    out.outcome = r.encounter().outcome();
    out.notes = r.encounter().notes();
    const auto& d = r.document();
    out.format = d.format();
    out.lines.assign(d.lines().begin(), d.lines().end());
    for (const auto& f : d.fields())
        out.fields.push_back({.name = f.name(),
                              .raw = f.raw(),
                              .value = f.value(),
                              .description = f.description(),
                              .line = f.line(),
                              .position = f.position(),
                              .checkDigitVerified = f.check_digit_verified(),
                              .confidence = f.confidence()});
    for (const auto& c : d.checks())
        out.checks.push_back({.name = c.name(), .status = c.status(), .line = c.line(), .position = c.position()});
    for (const auto& f : d.findings())
        out.findings.push_back(
            {.field = f.field(), .code = f.code(), .severity = f.severity(), .message = f.message()});
    out.valid = d.valid();
    if (d.has_age_at_inspection()) out.ageAtInspection = d.age_at_inspection();
    if (d.has_days_to_expiry()) out.daysToExpiry = d.days_to_expiry();
}

} // namespace

std::string Record::value(std::string_view name) const {
    auto it = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.name == name; });
    return it == fields.end() ? std::string() : it->value;
}

core::Result<Client> Client::connect(std::string_view address, const ClientOptions& options) {
    const bool tls = address.starts_with("tls:");
    if (!tls && (!address.starts_with("unix:") || address.size() <= 5))
        return fail(ErrorCode::InvalidArgument, "the service address must be unix:PATH or tls:HOST:PORT");
    if (options.deadline <= std::chrono::milliseconds::zero())
        return fail(ErrorCode::InvalidArgument, "the deadline must be positive");
    auto impl = std::make_unique<Impl>();
    impl->address = std::string(address);
    impl->options = options;
    impl->tls = tls;
    grpc::ChannelArguments args;
    // The client sends what the caller gives: the service enforces its own limits and says so.
    args.SetMaxSendMessageSize(-1);
    // Replies carrying images (Records.Images, ExportSubject) hold several of the store's largest (32 MiB each).
    args.SetMaxReceiveMessageSize(512 << 20);
    std::string target = impl->address;
    auto credentials = grpc::InsecureChannelCredentials();
    if (tls) {
        auto channel = detail::tlsChannel(address.substr(4), options);
        if (!channel) return fail(channel.error());
        target = std::move(channel->target);
        credentials = std::move(channel->credentials);
        // A connection of its own: the service binds a TLS session to its connection, never shared with
        // another Client of this process.
        args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    }
    auto channel = grpc::CreateCustomChannel(target, credentials, args);
    if (!channel) return fail(ErrorCode::Internal, "gRPC could not create a channel");
    impl->channel = channel;
    impl->stub = v1::SecondLine::NewStub(channel);
    return Client(std::move(impl));
}

Client::Client(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

bool Client::signedIn() const noexcept {
    return m_impl && !m_impl->token.empty();
}

core::Result<ServiceInfo> Client::hello() {
    v1::HelloRequest request;
    request.set_client(m_impl->options.name);
    auto reply = m_impl->call<v1::HelloReply>(
        [&](grpc::ClientContext* c, v1::HelloReply* r) { return m_impl->stub->Hello(c, request, r); });
    if (!reply) return fail(reply.error());
    return ServiceInfo{reply->server_version(), reply->protocol(), reply->store_id(), reply->training()};
}

core::Result<SessionInfo> Client::signIn(std::string_view user, const core::SecretBytes& password) {
    v1::SignInRequest request;
    request.set_user(std::string(user));
    {
        const auto access = password.read();
        const auto bytes = access.bytes();
        request.mutable_password()->assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    auto reply = m_impl->call<v1::SignInReply>(
        [&](grpc::ClientContext* c, v1::SignInReply* r) { return m_impl->stub->SignIn(c, request, r); });
    wipe(*request.mutable_password());
    if (!reply) return fail(reply.error());
    m_impl->token = reply->session_token();
    wipe(*reply->mutable_session_token());
    return SessionInfo{reply->user(), reply->role(), reply->break_glass(), reply->purge_error()};
}

core::Status Client::signOut() {
    if (m_impl->token.empty()) return {};
    v1::SignOutRequest request;
    auto reply = m_impl->call<v1::SignOutReply>(
        [&](grpc::ClientContext* c, v1::SignOutReply* r) { return m_impl->stub->SignOut(c, request, r); });
    wipe(m_impl->token);
    if (!reply) return fail(reply.error());
    return {};
}

namespace {

void fill(v1::SaveEncounterRequest& request, const EncounterRequest& in) {
    request.set_mrz(in.mrz);
    request.set_inspection_date(in.inspectionDate);
    request.set_source(in.source);
    request.set_purpose(in.purpose);
    request.set_location(in.location);
    request.set_desk(in.desk);
    request.set_notes(in.notes);
    for (const auto& c : in.corrections) {
        auto* correction = request.add_corrections();
        correction->set_field(c.field);
        correction->set_value(c.value);
    }
    request.set_correction_reason(in.correctionReason);
    if (in.referral) {
        auto* referral = request.mutable_referral();
        referral->set_kind(in.referral->toService ? v1::Referral::REFERRAL : v1::Referral::REVIEW);
        referral->set_basis(in.referral->basis);
        referral->set_reason(in.referral->reason);
        referral->set_referred_to(in.referral->referredTo);
    }
    request.set_outcome(in.outcome);
    if (in.encounterId) request.set_encounter_id(in.encounterId->value());
}

SavedEncounter savedOf(const v1::SaveEncounterReply& reply) {
    SavedEncounter out{core::RecordId{reply.record_id()}, core::EncounterId{reply.encounter_id()}, std::nullopt};
    if (reply.has_flag_id()) out.flagId = core::FlagId{reply.flag_id()};
    return out;
}

} // namespace

core::Result<SavedEncounter> Client::saveEncounter(const EncounterRequest& in) {
    v1::SaveEncounterRequest request;
    fill(request, in);
    auto reply = m_impl->call<v1::SaveEncounterReply>(
        [&](grpc::ClientContext* c, v1::SaveEncounterReply* r) { return m_impl->stub->SaveEncounter(c, request, r); });
    if (!reply) return fail(reply.error());
    return savedOf(*reply);
}

core::Result<std::vector<SavedEncounter>> Client::saveEncounters(std::span<const EncounterRequest> requests) {
    if (requests.empty()) return fail(ErrorCode::InvalidArgument, "a batch holds at least one encounter");
    if (requests.size() > kMaxBatchEncounters)
        return fail(ErrorCode::InvalidArgument,
                    "a batch holds at most " + std::to_string(kMaxBatchEncounters) + " encounters");
    v1::SaveEncountersRequest request;
    for (const auto& in : requests) fill(*request.add_encounters(), in);
    auto reply = m_impl->call<v1::SaveEncountersReply>([&](grpc::ClientContext* c, v1::SaveEncountersReply* r) {
        return m_impl->stub->SaveEncounters(c, request, r);
    });
    if (!reply) return fail(reply.error());
    if (static_cast<std::size_t>(reply->saved_size()) != requests.size())
        return fail(ErrorCode::Internal, "the service acknowledged another number of encounters than were sent");
    std::vector<SavedEncounter> out;
    out.reserve(requests.size());
    for (const auto& saved : reply->saved()) out.push_back(savedOf(saved));
    return out;
}

core::Result<Record> Client::getRecord(core::RecordId id) {
    v1::GetRecordRequest request;
    request.set_id(id.value());
    auto reply = m_impl->call<v1::GetRecordReply>(
        [&](grpc::ClientContext* c, v1::GetRecordReply* r) { return m_impl->stub->GetRecord(c, request, r); });
    if (!reply) return fail(reply.error());
    Record out;
    copy(out, reply->record());
    return out;
}

core::Result<std::vector<RecordSummary>> Client::findByDocument(std::string_view issuingState,
                                                                std::string_view documentNumber) {
    v1::FindByDocumentRequest request;
    request.set_issuing_state(std::string(issuingState));
    request.set_document_number(std::string(documentNumber));
    auto reply = m_impl->call<v1::FindByDocumentReply>([&](grpc::ClientContext* c, v1::FindByDocumentReply* r) {
        return m_impl->stub->FindByDocument(c, request, r);
    });
    if (!reply) return fail(reply.error());
    std::vector<RecordSummary> out;
    for (const auto& r : reply->records())
        out.push_back({core::RecordId{r.id()}, r.created(), r.officer(), r.format(), r.valid()});
    return out;
}

} // namespace secondline::client
