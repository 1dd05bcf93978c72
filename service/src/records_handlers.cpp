#include "records_handlers.h"

#include "session_call.h"

namespace secondline::service::detail {} // namespace secondline::service::detail
