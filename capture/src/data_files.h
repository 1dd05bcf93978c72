#pragma once
// Where the data SecondLine ships with its programs (the OCR model) is found at run time.

#include <filesystem>
#include <optional>
#include <string_view>

namespace secondline::capture::detail {

/// The path of `relativeFile` (e.g. "models/mrz.traineddata") in SecondLine's data folder, found relative to
/// the running program: <program's folder>/<bin-to-data> (<prefix>/share/secondline for an installed
/// program), else the same relative path taken from one or two folders further up (the build tree, whose
/// programs sit in subfolders such as app/gui/). Nothing when the file is in none of them. Reads the
/// program's own path from /proc; never uses the working directory or a path fixed at build time.
[[nodiscard]] std::optional<std::filesystem::path> findDataFile(std::string_view relativeFile);

} // namespace secondline::capture::detail
