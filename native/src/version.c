#include "crayon_blend.h"
uint32_t crayon_abi_version(void) { return CRAYON_ABI_VERSION; }
