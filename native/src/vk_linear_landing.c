/* The linear recipe into a landing image, blended stage by stage in the image's chunk order. A whole-adapter blend
 * followed by the whole fp16 conversion keeps the first chunk waiting for all of it; blending each stage's tensors
 * first puts only that stage's share before the first read-back copy. Every element is still one sum over the
 * adapters in pool order, computed by the same shader code, so the image is bit-identical to the whole blend. */
#include <stdlib.h>

#include "vk_record.h"

static int compare_tensors(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Output elements [*begin, *end) of the next run of tensors consecutive in the pool, from sorted[*i] on; the end is
 * rounded up to the pool alignment (the padding up to the next tensor belongs to no other tensor). */
static void next_span(const crayon_layout *layout, const uint64_t *out_offsets, const uint32_t *sorted, uint32_t n, uint32_t *i,
                      uint64_t *begin, uint64_t *end) {
    uint32_t first = sorted[*i], last = first;
    for (++*i; *i < n && sorted[*i] == last + 1; ++*i) last = sorted[*i];
    *begin = out_offsets[first];
    *end = crayon_align_up(out_offsets[last] + crayon_tensor_elements(&layout->tensors[last]), CRAYON_ALIGN_ELEMENTS);
}

/* Stage of chunks [first, end): blend its tensors, convert them when the image is fp16, then copy each chunk. */
static void record_stage(crayon_pool *pool, const crayon_readback_plan *plan, const uint64_t *out_offsets, uint32_t k, VkPipeline blend,
                         VkPipeline converter, VkBufferCopy *regions, uint32_t *sorted, uint32_t first, uint32_t end, int last) {
    crayon_engine *engine = pool->engine;
    crayon_vk_engine *vk = engine->vk;
    const crayon_chunk_plan *chunks = plan->chunks;
    const uint32_t from = chunks->chunk_first[first], n = chunks->chunk_first[end] - from;
    for (uint32_t i = 0; i < n; ++i) sorted[i] = chunks->order[from + i];
    /* In pool order, tensors next to each other in the pool become one dispatch (one, when the image follows the pool). */
    qsort(sorted, n, sizeof *sorted, compare_tensors);
    uint64_t begin, stop;
    vk->fn.vkCmdBindPipeline(vk->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, blend);
    for (uint32_t i = 0; i < n;) {
        next_span(&pool->layout, out_offsets, sorted, n, &i, &begin, &stop);
        crayon_vk_record_linear(pool, k, begin, stop);
    }
    if (last) crayon_vk_write_timestamp(vk, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 1);
    const crayon_vk_buffer *source = &pool->vk->output;
    if (converter) {
        crayon_vk_barrier(engine, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                          VK_ACCESS_SHADER_READ_BIT);
        vk->fn.vkCmdBindPipeline(vk->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, converter);
        for (uint32_t i = 0; i < n;) {
            next_span(&pool->layout, out_offsets, sorted, n, &i, &begin, &stop);
            crayon_vk_record_convert(pool, begin, stop);
        }
        source = &pool->vk->output_f16;
    }
    crayon_vk_barrier(engine, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                      VK_ACCESS_TRANSFER_READ_BIT);
    for (uint32_t c = first; c < end; ++c) crayon_vk_record_chunk_copy(pool, plan, out_offsets, source, c, regions);
}

void crayon_vk_record_linear_landing(crayon_pool *pool, const crayon_readback_plan *plan, const uint64_t *out_offsets, uint32_t k,
                                     VkPipeline blend, VkPipeline converter, VkBufferCopy *regions, uint32_t *scratch) {
    const uint32_t chunk_count = plan->chunks->chunk_count;
    /* Stages of 1, 1, 2, 4, 8, ... chunks: the first chunk waits for its own blend only, and the stages (each a few
     * dispatches and barriers) stay few; producing chunks faster than the host takes them in buys nothing. */
    for (uint32_t first = 0; first < chunk_count;) {
        uint32_t end = first == 0 ? 1 : 2 * first;
        if (end > chunk_count) end = chunk_count;
        record_stage(pool, plan, out_offsets, k, blend, converter, regions, scratch, first, end, end == chunk_count);
        first = end;
    }
}
