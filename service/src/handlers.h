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
