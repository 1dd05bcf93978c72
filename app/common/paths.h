#pragma once
// Where SecondLine keeps its files by default.

#include <string>

namespace secondline::app {

/// $XDG_DATA_HOME/secondline, or ~/.local/share/secondline; created (mode 0700) if missing.
[[nodiscard]] std::string dataDirectory();

/// Default production store: <data>/store.db; default training store: <data>/training.db.
[[nodiscard]] std::string defaultStorePath(bool training);

} // namespace secondline::app
