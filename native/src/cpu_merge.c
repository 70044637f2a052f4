#include "cpu_merge.h"

#include <string.h>

#include "half.h"

static inline float load(const void *src, size_t e, uint32_t storage) {
    switch (storage) {
    case CRAYON_STORAGE_F16: return crayon_f16_to_f32(((const uint16_t *)src)[e]);
    case CRAYON_STORAGE_BF16: return crayon_bf16_to_f32(((const uint16_t *)src)[e]);
    default: return ((const float *)src)[e];
    }
}

static inline int magnitude_keeps(float x, uint32_t element, uint32_t threshold, uint32_t cut) {
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    bits &= 0x7fffffffu;
    return bits > threshold || (bits == threshold && element < cut);
}

/* v_i of every element of a block: kept ? f_i * x_i : 0 (see crayon_blend.h). */
static void task_values(float *v, const void *src, uint32_t adapter, uint32_t tensor, uint32_t tensor_count, uint64_t first, size_t m,
                        uint32_t storage, const crayon_merge_plan *plan) {
    const float f = plan->factors[adapter];
    if (plan->prune == CRAYON_PRUNE_RANDOM) {
        const uint32_t key = crayon_dare_key(plan->seed_key, adapter, tensor);
        for (size_t e = 0; e < m; ++e) {
            float x = load(src, e, storage);
            v[e] = crayon_dare_keeps(key, (uint32_t)(first + e), plan->keep_below) ? f * x : 0.0f;
        }
    } else {
        const uint64_t at = (uint64_t)adapter * tensor_count + tensor;
        const uint32_t threshold = plan->thresholds[at], cut = plan->cuts[at];
        for (size_t e = 0; e < m; ++e) {
            float x = load(src, e, storage);
            v[e] = magnitude_keeps(x, (uint32_t)(first + e), threshold, cut) ? f * x : 0.0f;
        }
    }
}

void crayon_cpu_merge(float *dst, const void *const *src, uint32_t n, uint32_t tensor, uint32_t tensor_count, uint64_t first,
                      size_t count, uint32_t storage, const crayon_merge_plan *plan) {
    enum { BLOCK = 256 };
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
            for (size_t e = 0; e < m; ++e)
                if (v[e] * vote[e] > 0.0f) {
                    sum[e] += v[e];
                    kept[e] += 1.0f;
                }
        }
        for (size_t e = 0; e < m; ++e) dst[base + e] = sum[e] / (kept[e] > 1.0f ? kept[e] : 1.0f);
    }
}
