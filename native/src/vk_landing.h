/* Read-back staging to caller memory: whole after the submission (crayon_vk_copy_out), or chunk by chunk while
 * the device is still copying the next chunks into staging (crayon_vk_land, ABI 3). */
#ifndef CRAYON_VK_LANDING_H
#define CRAYON_VK_LANDING_H
#include "image_chunks.h"
#include "vk_internal.h"

/* Where a blend's result goes on the host: each tensor's bytes in read-back staging and in caller
 * memory. Caller arrays (one per tensor) and images (one block) are both described this way. */
typedef struct crayon_readback_plan {
    uint32_t element_bytes;          /* 4: the fp32 output as is; 2: converted to fp16 on the device first */
    uint64_t staging_bytes;
    const uint64_t *staging_offsets; /* byte offset of each tensor in staging */
    char *const *destinations;       /* host address of each tensor */
    const uint64_t *tensor_bytes;    /* bytes of each tensor (filled in by the blend) */
    /* Images only: */
    const crayon_host_image *image;  /* with a landed callback: land chunk by chunk */
    const crayon_chunk_plan *chunks;
    uint64_t started_ns;             /* the call's start, for the landing times */
} crayon_readback_plan;

/* Copies every tensor out of staging (over several threads when large). */
void crayon_vk_copy_out(crayon_vk_engine *vk, const crayon_layout *layout, const crayon_readback_plan *plan, const char *staging);

/* After the submission that copies chunk c into staging and then sets events[c]: moves each chunk into caller
 * memory as soon as its event is set (worker threads) and hands it to the image's callback (this thread), until
 * all chunks are reported, the callback stops, or the device fails. The submission may still be running when
 * this returns: wait for it before anything reuses staging or the events. */
int32_t crayon_vk_land(crayon_engine *engine, const crayon_readback_plan *plan, crayon_vk_buffer *staging, const VkEvent *events,
                       crayon_blend_timings *timings);

#endif
