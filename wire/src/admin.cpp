#include <secondline/wire/admin.h>

namespace secondline::wire {} // namespace secondline::wire
