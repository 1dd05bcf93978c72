#include <secondline/core/process.h>

#include <sys/prctl.h>
#include <sys/resource.h>

namespace secondline::core {

Status hardenProcess() {
    const rlimit noCore{0, 0};
    if (setrlimit(RLIMIT_CORE, &noCore) != 0) return fail(ErrorCode::Internal, "cannot disable core dumps");
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return fail(ErrorCode::Internal, "cannot mark process non-dumpable");
    return {};
}

} // namespace secondline::core
