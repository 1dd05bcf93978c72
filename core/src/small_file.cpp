#include <secondline/core/small_file.h>

#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <iterator>

namespace secondline::core {

Status readSmallFile(const std::string& path, std::string_view role, const SmallFileRules& rules, std::string& out) {
    const std::string name(role);
    if (path.empty()) return fail(ErrorCode::InvalidArgument, "the " + name + " is not given");
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const bool missing = errno == ENOENT || errno == ENOTDIR;
        return fail(missing ? ErrorCode::FileNotFound : ErrorCode::Io,
                    "the " + name + (missing ? " does not exist" : " cannot be read"));
    }
    if (!S_ISREG(st.st_mode)) return fail(ErrorCode::InvalidArgument, "the " + name + " is not a file");
    if (rules.secret && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return fail(ErrorCode::InvalidArgument,
                    "the " + name + " is accessible by group or others (make it 0600 or stricter)");
    if (static_cast<std::uint64_t>(st.st_size) > rules.maxBytes)
        return fail(ErrorCode::InvalidArgument,
                    "the " + name + " is larger than " + std::to_string(rules.maxBytes) + " bytes");
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorCode::Io, "the " + name + " cannot be read");
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return fail(ErrorCode::Io, "the " + name + " cannot be read");
    // A file that grew between the check and the read is cut at the limit's check, not trusted.
    if (out.size() > rules.maxBytes) {
        out.clear();
        return fail(ErrorCode::InvalidArgument,
                    "the " + name + " is larger than " + std::to_string(rules.maxBytes) + " bytes");
    }
    return {};
}

} // namespace secondline::core
