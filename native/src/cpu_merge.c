#include "cpu_merge.h"

#include <string.h>

#include "half.h"

enum { BLOCK = 256 };

/* keep ? value : 0, as a bit mask: the same value, and no branch to stop the loops from vectorizing. */
static inline float kept_or_zero(float value, int keep) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    bits &= 0u - (uint32_t)keep;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* crayon_f16_to_f32 without branches (the same value for every input), so the load loop vectorizes. */
static inline float f16_to_f32_branchless(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const uint32_t shifted = (uint32_t)(h & 0x7fffu) << 13;  /* exponent and mantissa in place, exponent still biased by 15 */
    const uint32_t exponent = shifted & 0x0f800000u;
    const uint32_t normal = shifted + ((127u - 15u) << 23);
    const uint32_t special = shifted + ((255u - 31u) << 23);  /* inf and NaN keep their mantissa */
    const float subnormal = (float)(h & 0x3ffu) * 0x1p-24f;
    uint32_t subnormal_bits;
    memcpy(&subnormal_bits, &subnormal, sizeof subnormal_bits);
    const uint32_t is_subnormal = 0u - (uint32_t)(exponent == 0), is_special = 0u - (uint32_t)(exponent == 0x0f800000u);
    const uint32_t bits = sign | (subnormal_bits & is_subnormal) | (special & is_special) | (normal & ~(is_subnormal | is_special));
    float out;
    memcpy(&out, &bits, sizeof out);
    return out;
}

/* The block's elements as floats; one loop per storage so each vectorizes. */
static inline void load_block(float *x, const void *src, size_t m, uint32_t storage) {
    switch (storage) {
    case CRAYON_STORAGE_F16:
        for (size_t e = 0; e < m; ++e) x[e] = f16_to_f32_branchless(((const uint16_t *)src)[e]);
        break;
    case CRAYON_STORAGE_BF16:
        for (size_t e = 0; e < m; ++e) x[e] = crayon_bf16_to_f32(((const uint16_t *)src)[e]);
        break;
    default: memcpy(x, src, m * sizeof *x);
    }
}

/* v_i of every element of a block: kept ? f_i * x_i : 0 (see crayon_blend.h). Branch-free loops, so they vectorize. */
static inline void task_values(float *v, const void *src, uint32_t adapter, uint32_t tensor, uint32_t tensor_count, uint64_t first,
                               size_t m, uint32_t storage, const crayon_merge_plan *plan) {
    float x[BLOCK];
    load_block(x, src, m, storage);
    const float f = plan->factors[adapter];
    const uint32_t start = (uint32_t)first;
    if (plan->prune == CRAYON_PRUNE_RANDOM) {
        const uint32_t key = crayon_dare_key(plan->seed_key, adapter, tensor), keep_below = plan->keep_below;
        for (size_t e = 0; e < m; ++e) {
            const uint32_t h = crayon_mix32(crayon_mix32(key ^ (start + (uint32_t)e)));
            const float product = f * x[e];
            v[e] = kept_or_zero(product, (h >> 8) < keep_below);
        }
    } else {
        const uint64_t at = (uint64_t)adapter * tensor_count + tensor;
        const uint32_t threshold = plan->thresholds[at], cut = plan->cuts[at];
        for (size_t e = 0; e < m; ++e) {
            uint32_t bits;
            memcpy(&bits, &x[e], sizeof bits);
            bits &= 0x7fffffffu;
            const int kept = (bits > threshold) | ((bits == threshold) & (start + (uint32_t)e < cut));
            const float product = f * x[e];
            v[e] = kept_or_zero(product, kept);
        }
    }
}

/* Compiled for AVX-512, AVX2 and baseline x86-64, picked at load time: the hash's 32-bit multiplies and the selects
 * vectorize only with the wider instruction sets. */
#if defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void crayon_cpu_merge(float *dst, const void *const *src, uint32_t n, uint32_t tensor, uint32_t tensor_count, uint64_t first,
                      size_t count, uint32_t storage, const crayon_merge_plan *plan) {
    const size_t element_bytes = storage == CRAYON_STORAGE_F32 ? 4 : 2;
    float v[BLOCK], sum[BLOCK], vote[BLOCK], kept[BLOCK];
    for (size_t base = 0; base < count; base += BLOCK) {
        const size_t m = count - base < BLOCK ? count - base : BLOCK;
        for (size_t e = 0; e < m; ++e) sum[e] = vote[e] = kept[e] = 0.0f;
        /* Pass 1: the plain sum and the sign election's statistic (in adapter order, as the shader). */
        for (uint32_t i = 0; i < n; ++i) {
            task_values(v, (const char *)src[i] + base * element_bytes, i, tensor, tensor_count, first + base, m, storage, plan);
            for (size_t e = 0; e < m; ++e) {
                sum[e] += v[e];
                vote[e] += (float)((v[e] > 0.0f) - (v[e] < 0.0f));
            }
        }
        if (plan->combine == CRAYON_COMBINE_SUM) {
            memcpy(dst + base, sum, m * sizeof *sum);
            continue;
        }
        /* Pass 2 (ties): the mean of the values whose sign is the elected one; the block is still in cache. */
        for (size_t e = 0; e < m; ++e) {
            const float statistic = plan->majority_sign == CRAYON_MAJORITY_SIGN_TOTAL ? sum[e] : vote[e];
            vote[e] = statistic >= 0.0f ? 1.0f : -1.0f;
            sum[e] = 0.0f;
        }
        for (uint32_t i = 0; i < n; ++i) {
            task_values(v, (const char *)src[i] + base * element_bytes, i, tensor, tensor_count, first + base, m, storage, plan);
            for (size_t e = 0; e < m; ++e) {
                const int agrees = v[e] * vote[e] > 0.0f;
                sum[e] += kept_or_zero(v[e], agrees);
                kept[e] += kept_or_zero(1.0f, agrees);
            }
        }
        for (size_t e = 0; e < m; ++e) dst[base + e] = sum[e] / (kept[e] > 1.0f ? kept[e] : 1.0f);
    }
}
