/* The CPU kernel of the merge recipes (ties, dare_linear, dare_ties, magnitude_prune): one call per contiguous range
 * of one tensor. Same arithmetic, in the same order, as shaders/blend_merge.comp. */
#ifndef CRAYON_CPU_MERGE_H
#define CRAYON_CPU_MERGE_H
#include <stddef.h>
#include <stdint.h>

#include "recipes.h"

/* dst[e] = the merge of elements first + e (e < count) of tensor `tensor` over the n adapters; src[i] points at element
 * `first` of that tensor in adapter i, in `storage`. */
void crayon_cpu_merge(float *dst, const void *const *src, uint32_t n, uint32_t tensor, uint32_t tensor_count, uint64_t first,
                      size_t count, uint32_t storage, const crayon_merge_plan *plan);

#endif
