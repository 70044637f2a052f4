/* Where every tensor lives: inside an adapter of the pool, and inside a blend's output. Shared by
 * the Vulkan and CPU paths so both see identical layouts, and the request checks both share. */
#ifndef CRAYON_LAYOUT_H
#define CRAYON_LAYOUT_H
#include <stddef.h>

#include "crayon_blend.h"

/* Tensor offsets are multiples of this many elements, so every tensor starts 16-byte aligned
 * for vec4 loads in any storage, and an adapter's length is a whole number of 16-byte groups. */
#define CRAYON_ALIGN_ELEMENTS 64u

typedef struct crayon_layout {
    uint32_t adapter_count;
    uint32_t tensor_count;
    uint32_t storage;            /* crayon_storage */
    uint32_t storage_bytes;      /* 4 (f32) or 2 (f16, bf16) */
    crayon_tensor_desc *tensors;
    uint64_t *offsets;           /* element offset of each tensor inside an adapter */
    uint64_t adapter_elements;   /* padded length of one adapter, a multiple of CRAYON_ALIGN_ELEMENTS */
} crayon_layout;

/* Validates the description and fills `layout` (which then owns its arrays). */
int32_t crayon_layout_init(crayon_layout *layout, const crayon_pool_desc *desc);
void crayon_layout_free(crayon_layout *layout);

uint64_t crayon_tensor_elements(const crayon_tensor_desc *tensor);
uint64_t crayon_align_up(uint64_t value, uint64_t alignment);

/* Elements of output tensor `tensor`: the tensor itself (linear) or k of them stacked (concat). */
uint64_t crayon_layout_output_elements(const crayon_layout *layout, uint32_t mode, uint32_t k, uint32_t tensor);
/* Offsets of every output tensor in the output buffer (aligned like the pool), and the total. */
void crayon_layout_output_offsets(const crayon_layout *layout, uint32_t mode, uint32_t k,
                                  uint64_t *offsets, uint64_t *total_elements);

/* Checks a blend request and its destinations against the pool; records a clear error. */
int32_t crayon_check_request(const crayon_layout *layout, const crayon_blend_request *request,
                             float *const *outputs, const uint64_t *output_counts);
/* What ABI 2 callers pass as struct_size: the structs up to their first ABI 3 field. */
#define CRAYON_HOST_IMAGE_V2_SIZE offsetof(crayon_host_image, landed)
#define CRAYON_BLEND_TIMINGS_V2_SIZE offsetof(crayon_blend_timings, first_landed_ns)
/* What ABI 3 callers pass as crayon_blend_request.struct_size: the struct up to its first ABI 4 field. */
#define CRAYON_BLEND_REQUEST_V3_SIZE offsetof(crayon_blend_request, density)

/* Checks an image for a blend of this mode and k: element type, alignment, bounds, no overlaps. */
int32_t crayon_check_image(const crayon_layout *layout, uint32_t mode, uint32_t k, const crayon_host_image *image);
/* Bytes of one element of an image of this storage (4 or 2). */
uint32_t crayon_image_element_bytes(uint32_t storage);

/* k of the request: the selection count for concat, N for linear. */
uint32_t crayon_request_k(const crayon_layout *layout, const crayon_blend_request *request);

#endif
