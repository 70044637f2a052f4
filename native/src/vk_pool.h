/* The Vulkan pool: N device-local adapter buffers plus the buffers every blend reuses. */
#ifndef CRAYON_VK_POOL_H
#define CRAYON_VK_POOL_H
#include "vk_internal.h"

struct crayon_vk_pool {
    crayon_vk_buffer *adapters;   /* one device-local buffer per adapter, padded layout */
    VkDeviceMemory *blocks;       /* the memory the adapter buffers live in: one block for the whole pool when it fits */
    uint32_t block_count;
    crayon_vk_buffer output;      /* persistent blend output, grown when a blend needs more */
    crayon_vk_buffer output_f16;  /* the output converted to fp16, for fp16 images */
    crayon_vk_buffer readback;    /* host-visible mirror of `output`, for read-back */
    crayon_vk_buffer upload;      /* host-visible staging for uploads and the concat tables */
    crayon_vk_buffer tables;      /* device-local: blend entries, concat tensor infos and tiles */
    uint32_t tiles_k;             /* the k the concat tables were built for; 0 = not built */
    uint32_t tiles_generation;    /* the engine tuning they were built for (tiles span workgroup x loads) */
    uint32_t tile_count;
    crayon_vk_buffer merge_tables; /* device-local: the merge recipes' tensor table and magnitude thresholds */
    VkEvent *events;              /* one per read-back chunk of a landing image (ABI 3), set by the device */
    uint32_t event_count;
};

/* The tables buffer: entries first, then the concat tensor infos, then the tiles. */
#define CRAYON_ENTRY_BYTES 16u
#define CRAYON_TENSOR_INFO_BYTES 32u
#define CRAYON_TILE_BYTES 16u

/* Makes the pool hold at least `count` events, all reset (host side: call only while the device is idle). */
int32_t crayon_vk_pool_events(crayon_pool *pool, uint32_t count);


#endif
