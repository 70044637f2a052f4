/* The CPU path's inner loops, one call per contiguous range. Vectorized for AVX-512 and
 * AVX2+FMA+F16C when the running CPU has them (chosen once at run time), portable C otherwise. */
#ifndef CRAYON_CPU_KERNELS_H
#define CRAYON_CPU_KERNELS_H
#include <stddef.h>
#include <stdint.h>

/* dst[e] = sum_i w[i] * src[i][e] for e < count; src[i] point at storage-typed elements.
 * nontemporal: stream the result past the caches (for outputs far larger than them). */
void crayon_cpu_linear(float *dst, const void *const *src, const float *w, uint32_t n, size_t count,
                       uint32_t storage, int nontemporal);
/* dst[e] = scale * src[e]. */
void crayon_cpu_scaled_copy(float *dst, const void *src, float scale, size_t count, uint32_t storage);
void crayon_cpu_to_storage(void *dst, const float *src, size_t count, uint32_t storage);
void crayon_cpu_from_storage(float *dst, const void *src, size_t count, uint32_t storage);

uint32_t crayon_cpu_features(void);   /* CRAYON_FEATURE_CPU_* of the kernels in use */
uint32_t crayon_cpu_simd_width(void); /* floats per vector register of the kernels in use */

/* Kernels of one instruction set; the x86 file provides AVX-512 and AVX2 tables. */
typedef struct crayon_cpu_isa {
    const char *name;
    uint32_t feature;
    uint32_t width;
    void (*linear)(float *dst, const void *const *src, const float *w, uint32_t n, size_t count,
                   uint32_t storage, int nontemporal);
    void (*to_f16)(uint16_t *dst, const float *src, size_t count);
    void (*scaled_from_f16)(float *dst, const uint16_t *src, float scale, size_t count);
} crayon_cpu_isa;

const crayon_cpu_isa *crayon_cpu_isa_x86(void); /* NULL when the CPU has neither */

/* Portable fallbacks, also used for the tails of vector loops. */
void crayon_cpu_linear_generic(float *dst, const void *const *src, const float *w, uint32_t n, size_t count,
                               uint32_t storage);

#endif
