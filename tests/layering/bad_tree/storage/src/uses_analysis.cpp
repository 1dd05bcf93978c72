#include <secondline/analysis/disclosure.h>
