#pragma once
// The contract's messages (secondline/v1/admin.proto) to and from the store's value types for users, the
// audit trail, retention, keeping the store, statistics and training results. Both ends use it (see
// records.h).

#include <secondline/v1/admin.pb.h>

namespace secondline::wire {} // namespace secondline::wire
