/* How an image lands chunk by chunk (ABI 3): its tensors in ascending image offset, grouped into chunks
 * of at most chunk_bytes each. Shared by both backends, so both report the same chunks. */
#ifndef CRAYON_IMAGE_CHUNKS_H
#define CRAYON_IMAGE_CHUNKS_H
#include "layout.h"

#define CRAYON_DEFAULT_CHUNK_BYTES (1ull << 20)

typedef struct crayon_chunk_plan {
    uint32_t tensor_count;
    uint32_t chunk_count;
    uint32_t *order;          /* pool tensor indices by ascending image offset */
    uint32_t *chunk_first;    /* chunk c holds order[chunk_first[c] .. chunk_first[c + 1]) */
    uint64_t *tensor_bytes;   /* bytes of each tensor in the image, by pool index */
    const uint64_t *offsets;  /* the image's tensor offsets, by pool index */
} crayon_chunk_plan;

/* Plans the chunks of a blend of this mode and k into `image` (already checked). */
int32_t crayon_chunk_plan_init(crayon_chunk_plan *plan, const crayon_layout *layout, uint32_t mode, uint32_t k,
                               const crayon_host_image *image);
void crayon_chunk_plan_free(crayon_chunk_plan *plan);
/* The report of chunks first .. first + count - 1, as the callback sees it. */
crayon_image_chunk crayon_chunk_describe(const crayon_chunk_plan *plan, uint32_t first, uint32_t count);

/* The landed callback and chunk size of an image; NULL / 0 for a version-2 image. */
crayon_image_landed crayon_image_callback(const crayon_host_image *image);
uint64_t crayon_image_chunk_bytes(const crayon_host_image *image);

/* Runs the callback on chunks first .. first + count - 1 and counts it in `timings`; CRAYON_ERROR_STOPPED (with a
 * message) when it asks to stop. */
int32_t crayon_chunk_deliver(const crayon_host_image *image, const crayon_chunk_plan *plan, uint32_t first, uint32_t count,
                             crayon_blend_timings *timings);

#endif
