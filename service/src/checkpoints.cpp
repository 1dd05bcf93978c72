#include "checkpoints.h"

#include <secondline/storage/store.h>

#include <sys/stat.h>

namespace secondline::service::detail {

using core::ErrorCode;
using core::fail;

core::Status checkCheckpointFolder(const std::string& folder) {
    struct stat st {};
    if (folder.empty() || ::lstat(folder.c_str(), &st) != 0)
        return fail(ErrorCode::FileNotFound, "the checkpoint folder does not exist");
    if (!S_ISDIR(st.st_mode)) return fail(ErrorCode::InvalidArgument, "the checkpoint folder is not a folder");
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return fail(ErrorCode::InvalidArgument, "the checkpoint folder is writable by group or others");
    return {};
}

core::Status writeCheckpoint(storage::Store& store, const std::string& folder) {
    // TODO(issue 18): plugs in when storage lands writeCheckpointFile:
    //     return store.audit().writeCheckpointFile(folder);
    // Until then the service checks the folder again and writes nothing.
    static_cast<void>(store); // used by the call above once it exists
    return checkCheckpointFolder(folder);
}

bool CheckpointTimer::due(core::TimePoint now, bool sessionsOpen) {
    if (!sessionsOpen) {
        m_next.reset();
        return false;
    }
    if (!m_next) {
        m_next = now + m_interval;
        return false;
    }
    if (now < *m_next) return false;
    m_next = now + m_interval;
    return true;
}

} // namespace secondline::service::detail
