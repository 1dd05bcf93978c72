#include "data_files.h"

#include <system_error>

#ifndef SECONDLINE_DATA_FROM_BIN
#error "SECONDLINE_DATA_FROM_BIN (the data folder relative to the programs' folder) must be defined by the build"
#endif

namespace secondline::capture::detail {

namespace {
constexpr int kBuildTreeLevels = 2; // build/<preset>/app/gui/secondline-desk is two below build/<preset>/app
} // namespace

std::optional<std::filesystem::path> findDataFile(std::string_view relativeFile) {
    std::error_code ec;
    const auto program = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec || program.empty()) return std::nullopt;
    auto folder = program.parent_path();
    for (int level = 0; level <= kBuildTreeLevels; ++level) {
        const auto candidate = (folder / SECONDLINE_DATA_FROM_BIN / relativeFile).lexically_normal();
        if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
        if (!folder.has_relative_path()) break; // reached the root
        folder = folder.parent_path();
    }
    return std::nullopt;
}

} // namespace secondline::capture::detail
