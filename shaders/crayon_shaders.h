/* The SPIR-V modules compiled from the .comp files in shaders/ and embedded at build time. */
#ifndef CRAYON_SHADERS_H
#define CRAYON_SHADERS_H
#include <stddef.h>

typedef struct crayon_spirv_module {
    const char *name;          /* e.g. "blend_linear_f16"; NULL ends the table */
    const unsigned char *code; /* 4-byte aligned SPIR-V words */
    size_t size;               /* bytes */
} crayon_spirv_module;

extern const crayon_spirv_module crayon_spirv_modules[];

#endif
