#pragma once
// The RPC handlers of secondline.v1.SecondLine: bounds and re-validation of every request, the session check,
// and the call into the store's facets.

#include "sessions.h"
#include "sign_in_guard.h"
#include "status.h"

#include <secondline/core/clock.h>
#include <secondline/core/result.h>
#include <secondline/storage/records.h>

#include <secondline/v1/secondline.grpc.pb.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::service::detail {

/// Most encounters one SaveEncounters call may carry (the request's size limit applies as well).
inline constexpr int kMaxBatchEncounters = 500;

/// Most images one encounter may carry, and their largest side (the store's own limit).
inline constexpr int kMaxImagesPerEncounter = 4;
inline constexpr int kMaxImageSide = 20000;

/// An image of a request checked as the store checks it, before anything decodes it: kind, 1 byte to
/// storage::kMaxImageBytes, image/png or image/jpeg, declared dimensions within kMaxImageSide, then the header read
/// from the bytes (magic, dimensions, limits) agreeing with what was declared. Errors: InvalidArgument,
/// ImageUnreadable, ImageTooLarge.
[[nodiscard]] core::Result<storage::ImageDraft> imageOf(const v1::Image& image);

/// A SaveEncounterRequest re-validated into the store's draft: every bound, the MRZ re-parsed by validation on
/// the inspection date given (today when empty), corrections by the field rules, the referral's kind and basis;
/// images (at most kMaxImagesPerEncounter, each by imageOf) only `withImages`. Errors: InvalidArgument,
/// MrzTooLong, the parser's, imageOf's.
[[nodiscard]] core::Result<storage::EncounterDraft> draftOf(const v1::SaveEncounterRequest& request,
                                                            const core::Clock& clock, bool withImages);

/// The drafts of a batch (1 to kMaxBatchEncounters requests), each re-validated by `draftOf(request)` exactly as a
/// single request is; the first refusal names its position (1-based). Errors: InvalidArgument (empty, too
/// many), `draftOf`'s.
template <class Requests, class DraftOf>
[[nodiscard]] core::Result<std::vector<storage::EncounterDraft>> draftsOf(const Requests& requests, DraftOf&& draftOf) {
    const int n = requests.size();
    if (n == 0) return core::fail(core::ErrorCode::InvalidArgument, "a batch holds at least one encounter");
    if (n > kMaxBatchEncounters)
        return core::fail(core::ErrorCode::InvalidArgument,
                          "a batch holds at most " + std::to_string(kMaxBatchEncounters) + " encounters");
    std::vector<storage::EncounterDraft> drafts;
    drafts.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        auto draft = draftOf(requests[i]);
        if (!draft)
            return core::fail(draft.error().code, "encounter " + std::to_string(i + 1) + ": " + draft.error().message);
        drafts.push_back(std::move(*draft));
    }
    return drafts;
}

struct StoreFacts {
    std::string path;
    std::string storeId; ///< read from the key slot file at start (not yet authenticated: Hello only)
    bool training = false;
    bool testStore = false; ///< a production store made for automated tests (its slot file says so)
    /// The service's, read at start (and again after a key rotation, under the sessions' lock); every session
    /// opens with it.
    const core::SecretBytes* rootKey = nullptr;
    std::string rootKeyFile;      ///< where the service's root key file is: a rotation through a session rewrites it
    std::string checkpointFolder; ///< where storage writes a checkpoint before a sign-in's purge
};

class Handlers final : public secondline::v1::SecondLine::Service {
public:
    Handlers(StoreFacts store, Sessions& sessions, const core::Clock& clock)
        : m_store(std::move(store)), m_sessions(sessions), m_clock(clock) {}

    grpc::Status Hello(grpc::ServerContext* context, const v1::HelloRequest* request, v1::HelloReply* reply) override;
    grpc::Status SignIn(grpc::ServerContext* context, const v1::SignInRequest* request,
                        v1::SignInReply* reply) override;
    grpc::Status SignOut(grpc::ServerContext* context, const v1::SignOutRequest* request,
                         v1::SignOutReply* reply) override;
    grpc::Status SaveEncounter(grpc::ServerContext* context, const v1::SaveEncounterRequest* request,
                               v1::SaveEncounterReply* reply) override;
    grpc::Status GetRecord(grpc::ServerContext* context, const v1::GetRecordRequest* request,
                           v1::GetRecordReply* reply) override;
    grpc::Status FindByDocument(grpc::ServerContext* context, const v1::FindByDocumentRequest* request,
                                v1::FindByDocumentReply* reply) override;
    grpc::Status SaveEncounters(grpc::ServerContext* context, const v1::SaveEncountersRequest* request,
                                v1::SaveEncountersReply* reply) override;

    /// What the service knows of its store (for the handlers of the other parts of the contract).
    [[nodiscard]] const StoreFacts& store() const noexcept { return m_store; }

private:
    StoreFacts m_store;
    Sessions& m_sessions;
    const core::Clock& m_clock;
    SignInGuard m_signIns; ///< under the sessions' lock
};

} // namespace secondline::service::detail
