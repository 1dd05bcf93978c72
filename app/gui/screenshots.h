#pragma once
// `secondline-desk --screenshots DIR`: builds a throw-away production store and a training store with
// generated data in a temporary folder, signs in as each role and saves a PNG of each main screen. Run it
// under a virtual display (scripts/screenshots.sh) or the offscreen platform.

class QString;

namespace secondline::desk {

/// Returns the process exit status (0 when every screenshot was written).
int saveScreenshots(const QString& folder);

} // namespace secondline::desk
