#include "handlers.h"

#include "session_call.h"

#include "status.h"
#include "tls_credentials.h"

#include <secondline/wire/records.h>

#include <secondline/core/image_header.h>
#include <secondline/privacy/access.h>
#include <secondline/service/service.h>
#include <secondline/storage/flags.h>
#include <secondline/storage/records.h>
#include <secondline/validation/field_rules.h>
#include <secondline/validation/mrz_parser.h>

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <span>
#include <string_view>
#include <tuple>
#include <vector>

namespace secondline::service::detail {

using core::ErrorCode;
using core::fail;

namespace {

/// Where a sign-in came from, for its audit entry: the OS account and process on the Unix socket, the desk's
/// certificate name and address over TLS. Nothing the client chose to say about itself.
std::string originOf(const Peer& peer) {
    if (peer.uid == kNoUid) return "tls " + peer.tlsIdentity;
    return "unix uid " + std::to_string(peer.uid) + " pid " + std::to_string(peer.pid);
}

// Limits of the contract's strings (the .proto states them beside each field).
constexpr std::size_t kMaxUser = 64;
constexpr std::size_t kMaxPassword = 1024;
constexpr std::size_t kMaxClientName = 64;
constexpr std::size_t kMaxSource = 32;
constexpr std::size_t kMaxShortText = 64; // purpose, location, desk, outcome
constexpr std::size_t kMaxText = 4000;    // notes and reasons
constexpr std::size_t kMaxReferredTo = 200;
constexpr std::size_t kMaxFieldName = 32;
constexpr int kMaxCorrections = 32;

/// YYYY-MM-DD, or today (UTC) when empty.
core::Result<std::chrono::sys_days> inspectionDate(std::string_view text, const core::Clock& clock) {
    using namespace std::chrono;
    if (text.empty()) return floor<days>(clock.now());
    unsigned y = 0, m = 0, d = 0;
    char tail = 0;
    const std::string copy(text.substr(0, 16));
    if (text.size() != 10 || std::sscanf(copy.c_str(), "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
        return fail(ErrorCode::InvalidArgument, "inspection_date must be YYYY-MM-DD");
    const year_month_day ymd{year{static_cast<int>(y)}, month{m}, day{d}};
    if (!ymd.ok()) return fail(ErrorCode::InvalidArgument, "inspection_date is not a calendar date");
    return sys_days{ymd};
}

} // namespace

core::Result<storage::ImageDraft> imageOf(const v1::Image& image) {
    storage::ImageDraft out;
    switch (image.kind()) {
    case v1::Image::DOCUMENT: out.kind = storage::ImageKind::Document; break;
    case v1::Image::PORTRAIT: out.kind = storage::ImageKind::Portrait; break;
    default: return fail(ErrorCode::InvalidArgument, "an image's kind must be document or portrait");
    }
    // The store's own checks, in its order (so that both give the same codes), before anything else sees the
    // bytes: size, media type, declared dimensions, then the header read from the bytes and its limits.
    if (image.data().empty() || image.data().size() > storage::kMaxImageBytes)
        return fail(ErrorCode::InvalidArgument, "an image must be 1 byte to 32 MiB");
    if (image.media_type() != "image/png" && image.media_type() != "image/jpeg")
        return fail(ErrorCode::InvalidArgument, "images are stored as image/png or image/jpeg");
    if (image.width() <= 0 || image.height() <= 0 || image.width() > kMaxImageSide || image.height() > kMaxImageSide)
        return fail(ErrorCode::InvalidArgument, "image dimensions out of range");
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(image.data().data()),
                                              image.data().size());
    auto header = core::checkImageHeader(bytes, {.maxSide = kMaxImageSide});
    if (!header) return fail(header.error());
    if (core::mediaTypeOf(header->format) != image.media_type())
        return fail(ErrorCode::InvalidArgument, "the image's bytes are not of its declared media type");
    if (header->width != image.width() || header->height != image.height())
        return fail(ErrorCode::InvalidArgument, "the image's declared dimensions differ from its header's");
    out.mediaType = image.media_type();
    out.width = image.width();
    out.height = image.height();
    out.data.assign(bytes.begin(), bytes.end());
    return out;
}

/// The request re-validated into the store's draft: bounds, the MRZ re-parsed, corrections by the field rules.
core::Result<storage::EncounterDraft> draftOf(const v1::SaveEncounterRequest& r, const core::Clock& clock,
                                              bool withImages) {
    for (auto [value, max, what] :
         {std::tuple{&r.source(), kMaxSource, "source"}, std::tuple{&r.purpose(), kMaxShortText, "purpose"},
          std::tuple{&r.location(), kMaxShortText, "location"}, std::tuple{&r.desk(), kMaxShortText, "desk"},
          std::tuple{&r.notes(), kMaxText, "notes"}, std::tuple{&r.correction_reason(), kMaxText, "correction_reason"},
          std::tuple{&r.outcome(), kMaxShortText, "outcome"},
          std::tuple{&r.inspection_date(), kMaxShortText, "inspection_date"}})
        if (auto s = bounded(*value, max, what); !s) return fail(s.error());
    if (r.mrz().size() > validation::kMaxMrzTextBytes) return fail(ErrorCode::MrzTooLong, "mrz is too long");
    if (r.images_size() > 0 && !withImages)
        return fail(ErrorCode::InvalidArgument, "images are not accepted by this call (Records.Save takes them)");
    if (r.images_size() > kMaxImagesPerEncounter)
        return fail(ErrorCode::InvalidArgument,
                    "an encounter carries at most " + std::to_string(kMaxImagesPerEncounter) + " images");
    if (r.corrections_size() > kMaxCorrections) return fail(ErrorCode::InvalidArgument, "too many corrections");

    auto date = inspectionDate(r.inspection_date(), clock);
    if (!date) return fail(date.error());
    auto document = validation::parseMrzText(r.mrz(), {.inspectionDate = *date});
    if (!document) return fail(document.error());

    storage::EncounterDraft draft;
    draft.document = std::move(*document);
    draft.encounter.source = r.source();
    if (!r.purpose().empty()) draft.encounter.purpose = r.purpose();
    draft.encounter.location = r.location();
    draft.encounter.desk = r.desk();
    draft.encounter.notes = r.notes();
    if (r.has_encounter_id()) {
        if (r.encounter_id() <= 0) return fail(ErrorCode::InvalidArgument, "encounter_id must be positive");
        draft.encounter.encounterId = core::EncounterId{r.encounter_id()};
    }
    for (int i = 0; i < r.corrections_size(); ++i) {
        const auto& c = r.corrections(i);
        if (c.field().size() > kMaxFieldName)
            return fail(ErrorCode::InvalidArgument, "a correction's field name is too long");
        const auto field = validation::fieldFromName(c.field());
        if (!field) return fail(ErrorCode::InvalidArgument, "correction " + std::to_string(i + 1) + ": unknown field");
        if (c.value().size() > validation::kMaxFieldValueBytes)
            return fail(ErrorCode::InvalidArgument, std::string(validation::fieldName(*field)) + " value is too long");
        if (auto problem = validation::fieldValueProblem(*field, c.value()))
            return fail(ErrorCode::InvalidArgument, *problem);
        draft.corrections.push_back({std::string(validation::fieldName(*field)), c.value()});
    }
    draft.correctionReason = r.correction_reason();
    if (r.has_referral()) {
        const auto& f = r.referral();
        if (auto s = bounded(f.reason(), kMaxText, "referral reason"); !s) return fail(s.error());
        if (auto s = bounded(f.referred_to(), kMaxReferredTo, "referred_to"); !s) return fail(s.error());
        if (auto s = bounded(f.basis(), kMaxShortText, "referral basis"); !s) return fail(s.error());
        storage::ReferralDraft referral;
        switch (f.kind()) {
        case v1::Referral::REVIEW: referral.kind = storage::FlagKind::Review; break;
        case v1::Referral::REFERRAL: referral.kind = storage::FlagKind::Referral; break;
        default: return fail(ErrorCode::InvalidArgument, "referral kind must be review or referral");
        }
        const auto basis = storage::referralBasisFrom(f.basis().empty() ? "none" : f.basis());
        if (!basis)
            return fail(ErrorCode::InvalidArgument,
                        "referral basis must be fact, assessment, list_hit, chip_failure or none");
        referral.basis = *basis;
        referral.reason = f.reason();
        referral.referredTo = f.referred_to();
        draft.referral = std::move(referral);
    }
    if (!r.outcome().empty()) draft.outcome = r.outcome();
    for (int i = 0; i < r.images_size(); ++i) {
        auto image = imageOf(r.images(i));
        if (!image) return fail(image.error().code, "image " + std::to_string(i + 1) + ": " + image.error().message);
        draft.images.push_back(std::move(*image));
    }
    return draft;
}

grpc::Status Handlers::Hello(grpc::ServerContext* context, const v1::HelloRequest* request, v1::HelloReply* reply) {
    auto peer = admit(*context, m_sessions);
    if (!peer) return toStatus(*context, peer.error());
    if (auto s = bounded(request->client(), kMaxClientName, "client"); !s) return toStatus(*context, s.error());
    reply->set_server_version(SECONDLINE_VERSION);
    reply->set_protocol(kProtocol);
    reply->set_store_id(m_store.storeId);
    reply->set_training(m_store.training);
    return grpc::Status::OK;
}

grpc::Status Handlers::SignIn(grpc::ServerContext* context, const v1::SignInRequest* request, v1::SignInReply* reply) {
    // The password leaves the request as soon as it is in guarded memory (gRPC owns a mutable message).
    auto& wire = const_cast<std::string&>(request->password());
    struct Wipe {
        std::string& s;
        ~Wipe() { sodium_memzero(s.data(), s.size()); }
    } wipe{wire};
    auto peer = admit(*context, m_sessions);
    if (!peer) return toStatus(*context, peer.error());
    if (auto s = bounded(request->user(), kMaxUser, "user"); !s) return toStatus(*context, s.error());
    if (auto s = bounded(wire, kMaxPassword, "password"); !s) return toStatus(*context, s.error());
    if (request->user().empty()) return toStatus(*context, {ErrorCode::InvalidArgument, "user is empty"});
    auto password = core::SecretBytes::copyOf(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size()));
    if (!password) return toStatus(*context, password.error());

    auto lock = m_sessions.lock();
    // The service's own count first: deleting or restoring the store's sign-in file resets nothing here.
    if (m_signIns.locked(request->user(), peer->uid, m_clock.now())) {
        std::fputs("secondline: sign-in refused (account_locked, service count)\n", stderr);
        return toStatus(*context, {ErrorCode::AccountLocked, "too many failed sign-ins: try again later"});
    }
    // Every session opens the store with the service's root key, under the lock the service holds for its
    // whole life: several sessions at once, each its own user. The origin goes into the sign-in's audit entry.
    storage::OpenOptions openOptions{};
    openOptions.rootKey = m_store.rootKey;
    openOptions.rootKeyFile = m_store.rootKeyFile; // the file a rotation in this session rewrites
    openOptions.sharedLock = true;
    openOptions.origin = originOf(*peer);
    openOptions.checkpointFolder = m_store.checkpointFolder;
    auto store = storage::Store::open(m_store.path, request->user(), *password, openOptions, m_clock);
    if (!store) {
        const auto code = store.error().code;
        if (code == ErrorCode::AuthenticationFailed || code == ErrorCode::UserNotFound ||
            code == ErrorCode::AccountLocked) {
            m_signIns.failed(request->user(), peer->uid, m_clock.now());
            // The code only: no user name, no password, nothing personal. The store's sign-in file holds the
            // failure; the service writes it into the audit trail now, not at the next successful sign-in.
            std::fprintf(stderr, "secondline: sign-in failed (%s)\n", std::string(core::errorCodeName(code)).c_str());
            if (auto s = storage::auditFailedSignIns(m_store.path, *m_store.rootKey, m_clock); !s)
                std::fprintf(stderr, "secondline: failed sign-in not audited yet (%s)\n",
                             std::string(core::errorCodeName(s.error().code)).c_str());
        }
        return toStatus(*context, store.error());
    }
    m_signIns.succeeded(request->user());
    reply->set_role(std::string(privacy::roleName(store->role())));
    reply->set_user(store->userName());
    reply->set_break_glass(store->breakGlassUntil().has_value());
    if (const auto& purged = store->purgeAtOpen(); !purged)
        reply->set_purge_error(std::string(core::errorCodeName(purged.error().code)));
    Session session{.user = store->userName(),
                    .role = store->role(),
                    .uid = peer->uid,
                    .connection = peer->connection,
                    .lastUse = {},
                    .store = std::move(*store)};
    auto token = m_sessions.add(lock, std::move(session));
    if (!token) return toStatus(*context, token.error());
    reply->set_session_token(*token);
    return grpc::Status::OK;
}

grpc::Status Handlers::SignOut(grpc::ServerContext* context, const v1::SignOutRequest* /*request*/,
                               v1::SignOutReply* /*reply*/) {
    const auto token = sessionToken(*context);
    return withSession(*context, m_sessions, [&](Session& /*session*/, Sessions::Lock& lock) -> core::Status {
        m_sessions.remove(lock, token);
        return {};
    });
}

grpc::Status Handlers::SaveEncounter(grpc::ServerContext* context, const v1::SaveEncounterRequest* request,
                                     v1::SaveEncounterReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        // Validated after the session check: an unauthenticated caller learns nothing about the rules.
        auto draft = draftOf(*request, m_clock, false);
        if (!draft) return fail(draft.error());
        auto saved = session.store.records().save(*draft);
        if (!saved) return fail(saved.error());
        wire::toWire(*saved, *reply);
        return {};
    });
}

grpc::Status Handlers::SaveEncounters(grpc::ServerContext* context, const v1::SaveEncountersRequest* request,
                                      v1::SaveEncountersReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        auto drafts = draftsOf(request->encounters(),
                               [&](const v1::SaveEncounterRequest& one) { return draftOf(one, m_clock, false); });
        if (!drafts) return fail(drafts.error());
        // One store transaction: the reply exists only once all of it is committed.
        auto saved = session.store.records().saveBatch(*drafts);
        if (!saved) return fail(saved.error());
        for (const auto& one : *saved) wire::toWire(one, *reply->add_saved());
        return {};
    });
}

grpc::Status Handlers::GetRecord(grpc::ServerContext* context, const v1::GetRecordRequest* request,
                                 v1::GetRecordReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        if (request->id() <= 0) return fail(ErrorCode::InvalidArgument, "id must be positive");
        auto record = session.store.records().get(core::RecordId{request->id()});
        if (!record) return fail(record.error());
        auto* out = reply->mutable_record();
        out->set_id(record->id.value());
        out->set_created(core::formatUtc(record->created));
        out->set_officer(record->officer);
        out->set_legal_hold(record->legalHold);
        auto* encounter = out->mutable_encounter();
        encounter->set_id(record->encounter.encounterId.value_or(core::EncounterId{}).value());
        encounter->set_source(record->encounter.source);
        encounter->set_purpose(record->encounter.purpose);
        encounter->set_location(record->encounter.location);
        encounter->set_desk(record->encounter.desk);
        encounter->set_outcome(record->encounter.outcome);
        encounter->set_notes(record->encounter.notes);
        wire::toWire(record->document, *out->mutable_document());
        return {};
    });
}

grpc::Status Handlers::FindByDocument(grpc::ServerContext* context, const v1::FindByDocumentRequest* request,
                                      v1::FindByDocumentReply* reply) {
    return withSession(*context, m_sessions, [&](Session& session, Sessions::Lock&) -> core::Status {
        if (request->issuing_state().empty() || request->document_number().empty())
            return fail(ErrorCode::InvalidArgument, "issuing_state and document_number are required");
        if (auto s = bounded(request->issuing_state(), 3, "issuing_state"); !s) return s;
        if (auto s = bounded(request->document_number(), validation::kMaxFieldValueBytes, "document_number"); !s)
            return s;
        auto found = session.store.records().findByDocument(request->issuing_state(), request->document_number());
        if (!found) return fail(found.error());
        for (const auto& r : *found) {
            auto* summary = reply->add_records();
            summary->set_id(r.id.value());
            summary->set_created(core::formatUtc(r.created));
            summary->set_officer(r.officer);
            summary->set_format(r.format);
            summary->set_valid(r.valid);
        }
        return {};
    });
}

} // namespace secondline::service::detail
