#include <secondline/core/small_file.h>

#include <sodium.h>

#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <fstream>

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
    // Read what the size promised and one byte more: a file that grew since the check is refused, not trusted.
    std::string buffer(static_cast<std::size_t>(st.st_size) + 1, '\0');
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    // A secret's bytes never outlive a refusal.
    auto refuse = [&](ErrorCode code, const std::string& why) {
        sodium_memzero(buffer.data(), buffer.size());
        return fail(code, "the " + name + why);
    };
    if (in.bad()) return refuse(ErrorCode::Io, " cannot be read");
    buffer.resize(static_cast<std::size_t>(in.gcount()));
    if (buffer.size() > static_cast<std::size_t>(st.st_size) || buffer.size() > rules.maxBytes)
        return refuse(ErrorCode::InvalidArgument, " changed while it was read, or is too large");
    out.swap(buffer);
    return {};
}

} // namespace secondline::core
