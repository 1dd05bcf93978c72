#include "store_folder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace secondline::service::detail {

using core::ErrorCode;
using core::fail;

namespace {

core::Status checkEntry(const std::filesystem::path& path, const char* what) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return fail(ErrorCode::StoreNotFound, std::string(what) + " cannot be read");
    const std::string name = path.filename().string();
    if (st.st_uid != ::geteuid())
        return fail(ErrorCode::StoreFolderUnsafe,
                    std::string(what) + " '" + name + "' belongs to another account than the service's");
    if ((st.st_mode & 077) != 0)
        return fail(ErrorCode::StoreFolderUnsafe,
                    std::string(what) + " '" + name + "' gives group or others access (mode must be 0700 or 0600)");
    return {};
}

} // namespace

core::Status checkStoreFolder(const std::string& storePath) {
    namespace fs = std::filesystem;
    const fs::path store(storePath);
    struct stat st {};
    if (::lstat(store.c_str(), &st) != 0) return fail(ErrorCode::StoreNotFound, "no store at the path");
    if (S_ISLNK(st.st_mode))
        return fail(ErrorCode::StoreFolderUnsafe, "the store path is a symbolic link; name the store's own file");
    const fs::path folder = store.has_parent_path() ? store.parent_path() : fs::path(".");
    if (auto s = checkEntry(folder, "the store's folder"); !s) return s;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        if (auto s = checkEntry(it->path(), "the file"); !s) return s;
    if (ec) return fail(ErrorCode::StoreFolderUnsafe, "the store's folder cannot be listed");
    return {};
}

} // namespace secondline::service::detail
