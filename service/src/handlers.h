#pragma once
// The RPC handlers of secondline.v1.SecondLine: bounds and re-validation of every request, the session check,
// and the call into the store's facets.

#include "sessions.h"

#include <secondline/core/clock.h>

#include <secondline/v1/secondline.grpc.pb.h>

#include <string>

namespace secondline::service::detail {

struct StoreFacts {
    std::string path;
    std::string storeId; ///< read from the key slot file at start (not yet authenticated: Hello only)
    bool training = false;
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

private:
    StoreFacts m_store;
    Sessions& m_sessions;
    const core::Clock& m_clock;
};

} // namespace secondline::service::detail
