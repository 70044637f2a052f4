/* The blend recipes on the native side: which modes exist, what shape their output has, and what a merge recipe
 * (ties, dare_linear, dare_ties, magnitude_prune) needs before its kernels run. Every decision over the mode number
 * is a switch here or in a backend's dispatch with one case per recipe and a default that fails: an unknown mode is
 * an error, never another recipe. */
#ifndef CRAYON_RECIPES_H
#define CRAYON_RECIPES_H
#include <stdint.h>

#include "crayon_blend.h"

typedef struct crayon_pool crayon_pool;

/* How a recipe's output relates to the pool's tensors. */
typedef enum crayon_mode_shape {
    CRAYON_SHAPE_POOL = 0,    /* every output tensor has its pool tensor's shape (linear and the merges) */
    CRAYON_SHAPE_STACKED = 1  /* k tensors stacked on the rank axis (concat) */
} crayon_mode_shape;

/* The recipe's name ("ties"), or NULL for a mode this library does not know. */
const char *crayon_mode_name(uint32_t mode);
/* The output shape of `mode`; CRAYON_ERROR_INVALID_ARGUMENT (naming the known modes) for an unknown one. */
int32_t crayon_mode_output_shape(uint32_t mode, uint32_t *shape);

/* What the merge kernels do, resolved from the mode once on the host. */
typedef enum crayon_prune_method { CRAYON_PRUNE_MAGNITUDE = 0, CRAYON_PRUNE_RANDOM = 1 } crayon_prune_method;
typedef enum crayon_merge_combine { CRAYON_COMBINE_SUM = 0, CRAYON_COMBINE_DISJOINT_MEAN = 1 } crayon_merge_combine;

/* Everything a merge kernel reads besides the pool. Pointers are owned by the pool (valid until the next upload). */
typedef struct crayon_merge_plan {
    uint32_t prune;            /* crayon_prune_method */
    uint32_t combine;          /* crayon_merge_combine */
    uint32_t majority_sign;    /* crayon_majority_sign */
    uint32_t keep_below;       /* random: round(density * 2^24) */
    uint32_t seed_key;         /* random: s = mix(mix(seed_lo) ^ seed_hi) */
    float *factors;            /* N: sqrt(w_i), divided by density for random pruning */
    const uint32_t *thresholds; /* magnitude: N x T (adapter-major), the |x| bits of the k-th largest element */
    const uint32_t *cuts;       /* magnitude: N x T, elements equal to the threshold are kept below this index */
} crayon_merge_plan;

/* Checks the merge parameters of `request` (mode already known to be a merge) and fills `plan`; for magnitude
 * pruning it finds (or reuses, while density and the uploaded data are unchanged) every tensor's exact top-k threshold
 * by reading the pool back once and selecting on the host: O(N x pool elements) time, 8 bytes per tensor kept. */
int32_t crayon_merge_plan_init(crayon_pool *pool, const crayon_blend_request *request, crayon_merge_plan *plan);
void crayon_merge_plan_free(crayon_merge_plan *plan);
/* Forgets the pool's cached thresholds (its data changed). */
void crayon_merge_forget(crayon_pool *pool);

/* The dare hash (see crayon_blend.h), shared by the CPU kernels; shaders/blend_merge.comp has the same lines. */
static inline uint32_t crayon_mix32(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}
static inline uint32_t crayon_dare_key(uint32_t seed_key, uint32_t adapter, uint32_t tensor) {
    return crayon_mix32(crayon_mix32(seed_key ^ adapter) ^ tensor);
}
static inline int crayon_dare_keeps(uint32_t key, uint32_t element, uint32_t keep_below) {
    return (crayon_mix32(crayon_mix32(key ^ element)) >> 8) < keep_below;
}

#endif
