#include <secondline/storage/store.h>
