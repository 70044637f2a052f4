#ifndef CRAYON_BLEND_H
#define CRAYON_BLEND_H
#include <stdint.h>
#define CRAYON_API __attribute__((visibility("default")))
#define CRAYON_ABI_VERSION 0
CRAYON_API uint32_t crayon_abi_version(void);
#endif
