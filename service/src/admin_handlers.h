#pragma once
// The RPC handlers of secondline.v1.Admin (service/proto/secondline/v1/admin.proto): bounds and re-validation of
// every request, the session check (session_call.h), and the call into the session's store.

#include "handlers.h"
#include "sessions.h"

#include <secondline/core/clock.h>

#include <secondline/v1/admin.grpc.pb.h>

namespace secondline::service::detail {

class AdminHandlers final : public secondline::v1::Admin::Service {
public:
    AdminHandlers(const StoreFacts& store, Sessions& sessions, const core::Clock& clock)
        : m_store(store), m_sessions(sessions), m_clock(clock) {}

private:
    [[maybe_unused]] const StoreFacts& m_store;
    [[maybe_unused]] Sessions& m_sessions;
    [[maybe_unused]] const core::Clock& m_clock;
};

} // namespace secondline::service::detail
