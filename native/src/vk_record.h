/* Recording pieces shared by the whole blend (vk_blend.c) and the staged linear landing (vk_linear_landing.c). */
#ifndef CRAYON_VK_RECORD_H
#define CRAYON_VK_RECORD_H
#include "vk_landing.h"
#include "vk_pool.h"

/* blend_linear.comp's push constants: the adapters' entries, the fp32 output, and the storage groups to blend. */
typedef struct crayon_linear_push {
    uint64_t entries;
    uint64_t dst;
    uint32_t first_group;
    uint32_t group_end;
    uint32_t adapter_count;
    uint32_t pad;
} crayon_linear_push;

/* convert_f16.comp's push constants: vec4_count fp32 vec4s from src to fp16 at dst. */
typedef struct crayon_convert_push {
    uint64_t src;
    uint64_t dst;
    uint32_t vec4_count;
} crayon_convert_push;

_Static_assert(sizeof(crayon_linear_push) <= CRAYON_PUSH_CONSTANT_BYTES, "push constants");
_Static_assert(sizeof(crayon_convert_push) <= CRAYON_PUSH_CONSTANT_BYTES, "push constants");

/* Writes timestamp `slot` once the work before it has passed `stage` (nothing without timestamp support). */
void crayon_vk_write_timestamp(crayon_vk_engine *vk, VkPipelineStageFlagBits stage, uint32_t slot);
/* Elements of one 16-byte storage group of blend_linear.comp: 4 fp32 or 8 fp16/bf16. */
uint32_t crayon_linear_group_elements(const crayon_layout *layout);
/* Dispatches blend_linear.comp (bound) over the output elements [begin, end), both multiples of a group. */
void crayon_vk_record_linear(crayon_pool *pool, uint32_t k, uint64_t begin, uint64_t end);
/* Dispatches convert_f16.comp (bound) over the output elements [begin, end), both multiples of 4. */
void crayon_vk_record_convert(crayon_pool *pool, uint64_t begin, uint64_t end);
/* Copies chunk c of a landing image (or, without a chunk plan, the whole output) from `source` into read-back staging, then
 * makes it visible to the host and sets the chunk's event; the last one also writes timestamp 2. */
void crayon_vk_record_chunk_copy(crayon_pool *pool, const crayon_readback_plan *plan, const uint64_t *out_offsets,
                                 const crayon_vk_buffer *source, uint32_t c, VkBufferCopy *regions);

/* The linear recipe into a landing image, recorded in stages that follow the chunk plan: stage s blends (and converts)
 * only the tensors of its chunks, then copies them and sets their events, so the first chunk is read back while the
 * later ones are still being blended. Writes timestamp 1 after the last stage's blend. `scratch` holds tensor_count. */
void crayon_vk_record_linear_landing(crayon_pool *pool, const crayon_readback_plan *plan, const uint64_t *out_offsets, uint32_t k,
                                     VkPipeline blend, VkPipeline converter, VkBufferCopy *regions, uint32_t *scratch);

#endif
