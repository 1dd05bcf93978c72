#include <secondline/wire/records.h>

namespace secondline::wire {} // namespace secondline::wire
