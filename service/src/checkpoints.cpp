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
    // Checked again each time: a folder swapped for one others can write since start is refused, not used.
    if (auto s = checkCheckpointFolder(folder); !s) return s;
    return store.audit().writeCheckpointFile(folder);
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
