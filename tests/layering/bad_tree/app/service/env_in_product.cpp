// Known violation: the product may not replace the store's Env (a test seam).
#include <secondline/storage/env.h>
