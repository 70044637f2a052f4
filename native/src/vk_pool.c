/* Pool creation, upload through staging, and reading stored tensors back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_kernels.h"
#include "errors.h"
#include "vk_pool.h"

/* Upload staging never exceeds this; bigger uploads go through it in several submissions. */
#define CRAYON_UPLOAD_STAGING_BYTES (64ull << 20)

int32_t crayon_vk_ensure(crayon_engine *engine, crayon_vk_buffer *buffer, VkDeviceSize bytes, crayon_vk_memory kind,
                         const char *purpose) {
    if (buffer->buffer && buffer->size >= bytes) return CRAYON_OK;
    crayon_vk_buffer_destroy(engine, buffer);
    return crayon_vk_buffer_create(engine, bytes, kind, buffer, purpose);
}

int32_t crayon_vk_pool_create(crayon_pool *pool) {
    crayon_engine *engine = pool->engine;
    crayon_vk_engine *vk = engine->vk;
    const crayon_layout *layout = &pool->layout;
    crayon_vk_pool *vp = calloc(1, sizeof *vp);
    if (!vp) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory creating a pool");
    pool->vk = vp;
    vp->adapters = calloc(layout->adapter_count, sizeof *vp->adapters);
    if (!vp->adapters) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory creating a pool");
    VkDeviceSize adapter_bytes = layout->adapter_elements * layout->storage_bytes;
    for (uint32_t a = 0; a < layout->adapter_count; ++a) {
        int32_t status = crayon_vk_buffer_create(engine, adapter_bytes, CRAYON_MEMORY_DEVICE, &vp->adapters[a], "adapter");
        if (status != CRAYON_OK) return status;
    }
    /* Zero everything once, so padding and not-yet-uploaded tensors read as 0. */
    int32_t status = crayon_vk_begin(engine);
    if (status != CRAYON_OK) return status;
    for (uint32_t a = 0; a < layout->adapter_count; ++a) vk->fn.vkCmdFillBuffer(vk->cmd, vp->adapters[a].buffer, 0, VK_WHOLE_SIZE, 0);
    return crayon_vk_submit_and_wait(engine, "clearing the pool");
}

void crayon_vk_pool_destroy(crayon_pool *pool) {
    crayon_vk_pool *vp = pool->vk;
    if (!vp) return;
    crayon_engine *engine = pool->engine;
    if (vp->adapters) {
        for (uint32_t a = 0; a < pool->layout.adapter_count; ++a) crayon_vk_buffer_destroy(engine, &vp->adapters[a]);
        free(vp->adapters);
    }
    crayon_vk_buffer_destroy(engine, &vp->output);
    crayon_vk_buffer_destroy(engine, &vp->output_f16);
    crayon_vk_buffer_destroy(engine, &vp->readback);
    crayon_vk_buffer_destroy(engine, &vp->upload);
    crayon_vk_buffer_destroy(engine, &vp->tables);
    free(vp);
    pool->vk = NULL;
}

typedef struct upload_batch {
    crayon_engine *engine;
    crayon_vk_buffer *staging;
    crayon_vk_buffer *target;
    VkBufferCopy *regions;
    uint32_t region_count;
    uint32_t region_capacity;
    VkDeviceSize used;
} upload_batch;

static int32_t flush_batch(upload_batch *batch) {
    if (batch->region_count == 0) return CRAYON_OK;
    crayon_vk_engine *vk = batch->engine->vk;
    int32_t status = crayon_vk_buffer_flush(batch->engine, batch->staging);
    if (status == CRAYON_OK) status = crayon_vk_begin(batch->engine);
    if (status != CRAYON_OK) return status;
    vk->fn.vkCmdCopyBuffer(vk->cmd, batch->staging->buffer, batch->target->buffer, batch->region_count, batch->regions);
    status = crayon_vk_submit_and_wait(batch->engine, "uploading adapter tensors");
    batch->region_count = 0;
    batch->used = 0;
    return status;
}

static int32_t add_region(upload_batch *batch, VkDeviceSize source, VkDeviceSize target, VkDeviceSize bytes) {
    if (batch->region_count == batch->region_capacity) {
        uint32_t capacity = batch->region_capacity ? batch->region_capacity * 2 : 64;
        VkBufferCopy *grown = realloc(batch->regions, capacity * sizeof *grown);
        if (!grown) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory uploading tensors");
        batch->regions = grown;
        batch->region_capacity = capacity;
    }
    batch->regions[batch->region_count++] = (VkBufferCopy){.srcOffset = source, .dstOffset = target, .size = bytes};
    return CRAYON_OK;
}

int32_t crayon_vk_pool_upload(crayon_pool *pool, uint32_t adapter, uint32_t first, uint32_t count, const float *const *data) {
    crayon_engine *engine = pool->engine;
    crayon_vk_pool *vp = pool->vk;
    const crayon_layout *layout = &pool->layout;
    const size_t element_bytes = layout->storage_bytes;
    VkDeviceSize adapter_bytes = layout->adapter_elements * element_bytes;
    VkDeviceSize staging_bytes = adapter_bytes < CRAYON_UPLOAD_STAGING_BYTES ? adapter_bytes : CRAYON_UPLOAD_STAGING_BYTES;
    int32_t status = crayon_vk_ensure(engine, &vp->upload, staging_bytes, CRAYON_MEMORY_UPLOAD, "upload staging");
    if (status != CRAYON_OK) return status;

    upload_batch batch = {.engine = engine, .staging = &vp->upload, .target = &vp->adapters[adapter]};
    const uint64_t staging_elements = vp->upload.size / element_bytes;
    for (uint32_t t = first; t < first + count && status == CRAYON_OK; ++t) {
        uint64_t elements = crayon_tensor_elements(&layout->tensors[t]);
        for (uint64_t done = 0; done < elements && status == CRAYON_OK;) {
            uint64_t room = staging_elements - batch.used / element_bytes;
            if (room == 0) {
                status = flush_batch(&batch);
                continue;
            }
            uint64_t piece = elements - done < room ? elements - done : room;
            crayon_cpu_to_storage((char *)vp->upload.mapped + batch.used, data[t - first] + done, piece, layout->storage);
            status = add_region(&batch, batch.used, (layout->offsets[t] + done) * element_bytes, piece * element_bytes);
            batch.used += piece * element_bytes;
            done += piece;
        }
    }
    if (status == CRAYON_OK) status = flush_batch(&batch);
    free(batch.regions);
    return status;
}

int32_t crayon_vk_pool_read_tensor(crayon_pool *pool, uint32_t adapter, uint32_t tensor, float *out) {
    crayon_engine *engine = pool->engine;
    crayon_vk_engine *vk = engine->vk;
    crayon_vk_pool *vp = pool->vk;
    const crayon_layout *layout = &pool->layout;
    uint64_t elements = crayon_tensor_elements(&layout->tensors[tensor]);
    VkDeviceSize bytes = elements * layout->storage_bytes;
    int32_t status = crayon_vk_ensure(engine, &vp->readback, bytes, CRAYON_MEMORY_READBACK, "read-back staging");
    if (status == CRAYON_OK) status = crayon_vk_begin(engine);
    if (status != CRAYON_OK) return status;
    VkBufferCopy region = {.srcOffset = layout->offsets[tensor] * layout->storage_bytes, .dstOffset = 0, .size = bytes};
    vk->fn.vkCmdCopyBuffer(vk->cmd, vp->adapters[adapter].buffer, vp->readback.buffer, 1, &region);
    crayon_vk_barrier(engine, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                      VK_ACCESS_HOST_READ_BIT);
    status = crayon_vk_submit_and_wait(engine, "reading a pool tensor");
    if (status == CRAYON_OK) status = crayon_vk_buffer_invalidate(engine, &vp->readback);
    if (status == CRAYON_OK) crayon_cpu_from_storage(out, vp->readback.mapped, elements, layout->storage);
    return status;
}

int32_t crayon_vk_poison_output(crayon_pool *pool, float value) {
    crayon_engine *engine = pool->engine;
    crayon_vk_engine *vk = engine->vk;
    crayon_vk_pool *vp = pool->vk;
    /* Sized for the largest blend (concat of all N), so no later blend grows it unpoisoned. */
    uint64_t largest;
    crayon_layout_output_offsets(&pool->layout, CRAYON_BLEND_CONCAT, pool->layout.adapter_count, NULL, &largest);
    int32_t status = crayon_vk_ensure(engine, &vp->output, largest * sizeof(float), CRAYON_MEMORY_DEVICE, "blend output");
    if (status == CRAYON_OK) status = crayon_vk_begin(engine);
    if (status != CRAYON_OK) return status;
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    vk->fn.vkCmdFillBuffer(vk->cmd, vp->output.buffer, 0, VK_WHOLE_SIZE, bits);
    return crayon_vk_submit_and_wait(engine, "poisoning the blend output");
}
