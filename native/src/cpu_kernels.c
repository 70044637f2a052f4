#include "cpu_kernels.h"

#include <pthread.h>

#include "crayon_blend.h"
#include "half.h"

static inline float load_element(const void *src, size_t e, uint32_t storage) {
    switch (storage) {
    case CRAYON_STORAGE_F16: return crayon_f16_to_f32(((const uint16_t *)src)[e]);
    case CRAYON_STORAGE_BF16: return crayon_bf16_to_f32(((const uint16_t *)src)[e]);
    default: return ((const float *)src)[e];
    }
}

void crayon_cpu_linear_generic(float *dst, const void *const *src, const float *w, uint32_t n, size_t count,
                               uint32_t storage) {
    enum { BLOCK = 256 };
    const size_t element_bytes = storage == CRAYON_STORAGE_F32 ? 4 : 2;
    for (size_t base = 0; base < count; base += BLOCK) {
        size_t m = count - base < BLOCK ? count - base : BLOCK;
        float acc[BLOCK];
        for (size_t e = 0; e < m; ++e) acc[e] = 0.0f;
        for (uint32_t i = 0; i < n; ++i) {
            const void *x = (const char *)src[i] + base * element_bytes;
            for (size_t e = 0; e < m; ++e) acc[e] += w[i] * load_element(x, e, storage);
        }
        for (size_t e = 0; e < m; ++e) dst[base + e] = acc[e];
    }
}

static pthread_once_t isa_once = PTHREAD_ONCE_INIT;
static const crayon_cpu_isa *isa;

static void pick_isa(void) { isa = crayon_cpu_isa_x86(); }

static const crayon_cpu_isa *current_isa(void) {
    pthread_once(&isa_once, pick_isa);
    return isa;
}

void crayon_cpu_linear(float *dst, const void *const *src, const float *w, uint32_t n, size_t count,
                       uint32_t storage, int nontemporal) {
    const crayon_cpu_isa *vector = current_isa();
    if (vector) vector->linear(dst, src, w, n, count, storage, nontemporal);
    else crayon_cpu_linear_generic(dst, src, w, n, count, storage);
}

void crayon_cpu_scaled_copy(float *dst, const void *src, float scale, size_t count, uint32_t storage) {
    const crayon_cpu_isa *vector = current_isa();
    if (storage == CRAYON_STORAGE_F32) {
        const float *x = src;
        for (size_t e = 0; e < count; ++e) dst[e] = scale * x[e];
    } else if (storage == CRAYON_STORAGE_F16 && vector) {
        vector->scaled_from_f16(dst, src, scale, count);
    } else {
        for (size_t e = 0; e < count; ++e) dst[e] = scale * load_element(src, e, storage);
    }
}

void crayon_cpu_to_storage(void *dst, const float *src, size_t count, uint32_t storage) {
    if (storage == CRAYON_STORAGE_F32) {
        memcpy(dst, src, count * sizeof(float));
    } else if (storage == CRAYON_STORAGE_F16) {
        const crayon_cpu_isa *vector = current_isa();
        if (vector) {
            vector->to_f16(dst, src, count);
        } else {
            uint16_t *h = dst;
            for (size_t e = 0; e < count; ++e) h[e] = crayon_f32_to_f16(src[e]);
        }
    } else {
        uint16_t *b = dst;
        for (size_t e = 0; e < count; ++e) b[e] = crayon_f32_to_bf16(src[e]);
    }
}

void crayon_cpu_from_storage(float *dst, const void *src, size_t count, uint32_t storage) {
    for (size_t e = 0; e < count; ++e) dst[e] = load_element(src, e, storage);
}

uint32_t crayon_cpu_features(void) {
    const crayon_cpu_isa *vector = current_isa();
    return vector ? vector->feature : 0;
}

uint32_t crayon_cpu_simd_width(void) {
    const crayon_cpu_isa *vector = current_isa();
    return vector ? vector->width : 1;
}
