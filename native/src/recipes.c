#include "recipes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "errors.h"

#define KNOWN_MODES "linear (0), concat (1), ties (2), dare_linear (3), dare_ties (4), magnitude_prune (5)"

const char *crayon_mode_name(uint32_t mode) {
    switch (mode) {
    case CRAYON_BLEND_LINEAR: return "linear";
    case CRAYON_BLEND_CONCAT: return "concat";
    case CRAYON_BLEND_TIES: return "ties";
    case CRAYON_BLEND_DARE_LINEAR: return "dare_linear";
    case CRAYON_BLEND_DARE_TIES: return "dare_ties";
    case CRAYON_BLEND_MAGNITUDE_PRUNE: return "magnitude_prune";
    default: return NULL;
    }
}

int32_t crayon_mode_output_shape(uint32_t mode, uint32_t *shape) {
    switch (mode) {
    case CRAYON_BLEND_LINEAR: *shape = CRAYON_SHAPE_POOL; return CRAYON_OK;
    case CRAYON_BLEND_CONCAT: *shape = CRAYON_SHAPE_STACKED; return CRAYON_OK;
    case CRAYON_BLEND_TIES: *shape = CRAYON_SHAPE_POOL; return CRAYON_OK;
    case CRAYON_BLEND_DARE_LINEAR: *shape = CRAYON_SHAPE_POOL; return CRAYON_OK;
    case CRAYON_BLEND_DARE_TIES: *shape = CRAYON_SHAPE_POOL; return CRAYON_OK;
    case CRAYON_BLEND_MAGNITUDE_PRUNE: *shape = CRAYON_SHAPE_POOL; return CRAYON_OK;
    default: return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "blend mode %u is not one of " KNOWN_MODES, mode);
    }
}

static int32_t merge_kind(uint32_t mode, uint32_t *prune, uint32_t *combine) {
    switch (mode) {
    case CRAYON_BLEND_TIES: *prune = CRAYON_PRUNE_MAGNITUDE; *combine = CRAYON_COMBINE_DISJOINT_MEAN; return CRAYON_OK;
    case CRAYON_BLEND_DARE_LINEAR: *prune = CRAYON_PRUNE_RANDOM; *combine = CRAYON_COMBINE_SUM; return CRAYON_OK;
    case CRAYON_BLEND_DARE_TIES: *prune = CRAYON_PRUNE_RANDOM; *combine = CRAYON_COMBINE_DISJOINT_MEAN; return CRAYON_OK;
    case CRAYON_BLEND_MAGNITUDE_PRUNE: *prune = CRAYON_PRUNE_MAGNITUDE; *combine = CRAYON_COMBINE_SUM; return CRAYON_OK;
    case CRAYON_BLEND_LINEAR:
    case CRAYON_BLEND_CONCAT:
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "blend mode %u (%s) is not a merge recipe", mode, crayon_mode_name(mode));
    default: return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "blend mode %u is not one of " KNOWN_MODES, mode);
    }
}

static int compare_u32_descending(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* The k-th largest of keys[0..n) (1 <= k <= n), found by quickselect on `scratch` (a copy): O(n) expected. */
static uint32_t kth_largest(const uint32_t *keys, uint32_t *scratch, uint64_t n, uint64_t k) {
    memcpy(scratch, keys, n * sizeof *scratch);
    uint64_t lo = 0, hi = n, want = k - 1; /* index in descending order */
    uint32_t state = 0x9e3779b9u;
    while (hi - lo > 32) {
        state = crayon_mix32(state + 1);
        uint32_t pivot = scratch[lo + state % (hi - lo)];
        /* three-way partition into > pivot, == pivot, < pivot */
        uint64_t gt = lo, i = lo, lt = hi;
        while (i < lt) {
            if (scratch[i] > pivot) { uint32_t t = scratch[gt]; scratch[gt++] = scratch[i]; scratch[i++] = t; }
            else if (scratch[i] < pivot) { uint32_t t = scratch[--lt]; scratch[lt] = scratch[i]; scratch[i] = t; }
            else ++i;
        }
        if (want < gt) hi = gt;
        else if (want < lt) return pivot;
        else lo = lt;
    }
    qsort(scratch + lo, hi - lo, sizeof *scratch, compare_u32_descending);
    return scratch[want];
}

/* Thresholds for every (adapter, tensor): keep |x| bits > threshold, and == threshold while the element index < cut,
 * which keeps exactly floor(density * elements) elements (PEFT's int(density * numel)), ties broken by index. */
static int32_t find_thresholds(crayon_pool *pool, float density) {
    const crayon_layout *layout = &pool->layout;
    const uint32_t n = layout->adapter_count, tensors = layout->tensor_count;
    uint64_t largest = 0;
    for (uint32_t t = 0; t < tensors; ++t)
        if (crayon_tensor_elements(&layout->tensors[t]) > largest) largest = crayon_tensor_elements(&layout->tensors[t]);
    float *values = malloc(largest * sizeof *values);
    uint32_t *keys = malloc(largest * sizeof *keys), *scratch = malloc(largest * sizeof *scratch);
    uint32_t *thresholds = malloc((uint64_t)n * tensors * sizeof *thresholds);
    uint32_t *cuts = malloc((uint64_t)n * tensors * sizeof *cuts);
    int32_t status = values && keys && scratch && thresholds && cuts
                         ? CRAYON_OK : crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory for the magnitude thresholds");
    for (uint32_t a = 0; a < n && status == CRAYON_OK; ++a)
        for (uint32_t t = 0; t < tensors && status == CRAYON_OK; ++t) {
            const uint64_t elements = crayon_tensor_elements(&layout->tensors[t]);
            const uint64_t k = (uint64_t)floor((double)density * (double)elements);
            uint32_t *threshold = &thresholds[(uint64_t)a * tensors + t], *cut = &cuts[(uint64_t)a * tensors + t];
            if (k == 0) {
                *threshold = UINT32_MAX; /* above every |x|: nothing kept */
                *cut = 0;
                continue;
            }
            status = pool->engine->ops->pool_read_tensor(pool, a, t, values);
            if (status != CRAYON_OK) break;
            uint64_t greater = 0;
            for (uint64_t e = 0; e < elements; ++e) {
                uint32_t bits;
                memcpy(&bits, &values[e], sizeof bits);
                keys[e] = bits & 0x7fffffffu;
            }
            *threshold = kth_largest(keys, scratch, elements, k);
            for (uint64_t e = 0; e < elements; ++e) greater += keys[e] > *threshold;
            uint64_t equal_needed = k - greater, e = 0;
            for (uint64_t seen = 0; e < elements && seen < equal_needed; ++e) seen += keys[e] == *threshold;
            *cut = (uint32_t)e;
        }
    free(values);
    free(keys);
    free(scratch);
    if (status != CRAYON_OK) {
        free(thresholds);
        free(cuts);
        return status;
    }
    crayon_merge_forget(pool);
    pool->prune_thresholds = thresholds;
    pool->prune_cuts = cuts;
    pool->prune_density = density;
    return CRAYON_OK;
}

void crayon_merge_forget(crayon_pool *pool) {
    free(pool->prune_thresholds);
    free(pool->prune_cuts);
    pool->prune_thresholds = NULL;
    pool->prune_cuts = NULL;
    pool->prune_density = 0.0f;
}

int32_t crayon_merge_plan_init(crayon_pool *pool, const crayon_blend_request *request, crayon_merge_plan *plan) {
    memset(plan, 0, sizeof *plan);
    int32_t status = merge_kind(request->mode, &plan->prune, &plan->combine);
    if (status != CRAYON_OK) return status;
    const char *name = crayon_mode_name(request->mode);
    const float density = request->density;
    if (!(density > 0.0f && density <= 1.0f))
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "%s density is %g; it must be in (0, 1] (the fraction of each tensor kept)",
                           name, (double)density);
    if (request->majority_sign > CRAYON_MAJORITY_SIGN_FREQUENCY)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "%s majority_sign is %u; it must be total (0) or frequency (1)", name,
                           request->majority_sign);
    const uint32_t n = pool->layout.adapter_count;
    for (uint32_t i = 0; i < n; ++i)
        if (request->weights[i] < 0.0f)
            return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0,
                               "weights[%u] is %g; %s scales each factor by sqrt(weight) (as PEFT does), so weights must be >= 0", i,
                               (double)request->weights[i], name);
    plan->majority_sign = request->majority_sign;
    plan->factors = malloc(n * sizeof *plan->factors);
    if (!plan->factors) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory");
    const double rescale = plan->prune == CRAYON_PRUNE_RANDOM ? 1.0 / density : 1.0;
    for (uint32_t i = 0; i < n; ++i) plan->factors[i] = (float)(sqrt((double)request->weights[i]) * rescale);
    if (plan->prune == CRAYON_PRUNE_RANDOM) {
        plan->keep_below = (uint32_t)llround((double)density * 16777216.0);
        plan->seed_key = crayon_mix32(crayon_mix32((uint32_t)request->seed) ^ (uint32_t)(request->seed >> 32));
        return CRAYON_OK;
    }
    if (!pool->prune_thresholds || pool->prune_density != density) status = find_thresholds(pool, density);
    if (status != CRAYON_OK) {
        crayon_merge_plan_free(plan);
        return status;
    }
    plan->thresholds = pool->prune_thresholds;
    plan->cuts = pool->prune_cuts;
    return CRAYON_OK;
}

void crayon_merge_plan_free(crayon_merge_plan *plan) {
    free(plan->factors);
    plan->factors = NULL;
}
