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

/* Creates the adapter buffers inside as few memory blocks as device limits allow (one for most pools):
 * N separate allocations fragment device memory and cost large pages. */
static int32_t create_adapter_buffers(crayon_engine *engine, crayon_vk_pool *vp, uint32_t count, VkDeviceSize adapter_bytes) {
    crayon_vk_engine *vk = engine->vk;
    for (uint32_t a = 0; a < count; ++a) {
        VkBufferCreateInfo info = {.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, .size = adapter_bytes,
                                   .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT |
                                            VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                   .sharingMode = VK_SHARING_MODE_EXCLUSIVE};
        int32_t status = crayon_vk_check(engine, vk->fn.vkCreateBuffer(vk->device, &info, NULL, &vp->adapters[a].buffer), "creating an adapter buffer");
        if (status != CRAYON_OK) return status;
        vp->adapters[a].size = adapter_bytes;
    }
    VkMemoryRequirements need;
    vk->fn.vkGetBufferMemoryRequirements(vk->device, vp->adapters[0].buffer, &need);
    VkDeviceSize alignment = need.alignment > 256 ? need.alignment : 256;
    VkDeviceSize stride = (need.size + alignment - 1) / alignment * alignment;
    if (stride > vk->max_allocation)
        return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, VK_ERROR_OUT_OF_DEVICE_MEMORY, "one adapter needs %llu bytes; '%s' allows at most %llu in one allocation",
                           (unsigned long long)stride, engine->info.name, (unsigned long long)vk->max_allocation);
    uint32_t per_block = (uint32_t)(vk->max_allocation / stride < count ? vk->max_allocation / stride : count);
    vp->block_count = (count + per_block - 1) / per_block;
    vp->blocks = calloc(vp->block_count, sizeof *vp->blocks);
    if (!vp->blocks) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory creating a pool");
    int type = -1;
    for (uint32_t t = 0; t < vk->memory.memoryTypeCount && type < 0; ++t)
        if ((need.memoryTypeBits & (1u << t)) && (vk->memory.memoryTypes[t].propertyFlags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT)) type = (int)t;
    for (uint32_t t = 0; t < vk->memory.memoryTypeCount && type < 0; ++t)
        if (need.memoryTypeBits & (1u << t)) type = (int)t;
    if (type < 0) return crayon_fail(CRAYON_ERROR_UNSUPPORTED, 0, "'%s' has no memory type for adapter buffers", engine->info.name);
    for (uint32_t b = 0; b < vp->block_count; ++b) {
        uint32_t first = b * per_block, in_block = count - first < per_block ? count - first : per_block;
        VkDeviceSize bytes = stride * in_block;
        if (bytes >= CRAYON_LARGE_PAGE) bytes = (bytes + CRAYON_LARGE_PAGE - 1) & ~(VkDeviceSize)(CRAYON_LARGE_PAGE - 1);
        if (bytes > vk->max_allocation) bytes = stride * in_block;
        VkMemoryAllocateFlagsInfo flags = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO, .flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT};
        VkMemoryAllocateInfo allocate = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, .pNext = &flags, .allocationSize = bytes,
                                         .memoryTypeIndex = (uint32_t)type};
        char during[128];
        snprintf(during, sizeof during, "allocating %llu bytes for %u adapters", (unsigned long long)bytes, in_block);
        int32_t status = crayon_vk_check(engine, vk->fn.vkAllocateMemory(vk->device, &allocate, NULL, &vp->blocks[b]), during);
        for (uint32_t a = first; a < first + in_block && status == CRAYON_OK; ++a) {
            status = crayon_vk_check(engine, vk->fn.vkBindBufferMemory(vk->device, vp->adapters[a].buffer, vp->blocks[b], stride * (a - first)), during);
            VkBufferDeviceAddressInfo address = {.sType = VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO, .buffer = vp->adapters[a].buffer};
            if (status == CRAYON_OK) vp->adapters[a].address = vk->fn.vkGetBufferDeviceAddress(vk->device, &address);
        }
        if (status != CRAYON_OK) return status;
    }
    return CRAYON_OK;
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
    if (adapter_bytes < 256) adapter_bytes = 256;
    adapter_bytes = (adapter_bytes + 255) & ~(VkDeviceSize)255;
    int32_t status = create_adapter_buffers(engine, vp, layout->adapter_count, adapter_bytes);
    if (status != CRAYON_OK) return status;
    /* Zero everything once, so padding and not-yet-uploaded tensors read as 0. */
    status = crayon_vk_begin(engine);
    if (status != CRAYON_OK) return status;
    for (uint32_t a = 0; a < layout->adapter_count; ++a) vk->fn.vkCmdFillBuffer(vk->cmd, vp->adapters[a].buffer, 0, VK_WHOLE_SIZE, 0);
    return crayon_vk_submit_and_wait(engine, "clearing the pool");
}

void crayon_vk_pool_destroy(crayon_pool *pool) {
    crayon_vk_pool *vp = pool->vk;
    if (!vp) return;
    crayon_engine *engine = pool->engine;
    if (vp->adapters) {
        /* The adapter buffers own no memory (memory == 0): destroying them frees only the buffers. */
        for (uint32_t a = 0; a < pool->layout.adapter_count; ++a) crayon_vk_buffer_destroy(engine, &vp->adapters[a]);
        free(vp->adapters);
    }
    for (uint32_t b = 0; b < vp->block_count; ++b)
        if (vp->blocks[b]) engine->vk->fn.vkFreeMemory(engine->vk->device, vp->blocks[b], NULL);
    free(vp->blocks);
    crayon_vk_buffer_destroy(engine, &vp->output);
    crayon_vk_buffer_destroy(engine, &vp->output_f16);
    crayon_vk_buffer_destroy(engine, &vp->readback);
    crayon_vk_buffer_destroy(engine, &vp->upload);
    crayon_vk_buffer_destroy(engine, &vp->tables);
    crayon_vk_buffer_destroy(engine, &vp->merge_tables);
    for (uint32_t e = 0; e < vp->event_count; ++e) engine->vk->fn.vkDestroyEvent(engine->vk->device, vp->events[e], NULL);
    free(vp->events);
    free(vp);
    pool->vk = NULL;
}

int32_t crayon_vk_pool_events(crayon_pool *pool, uint32_t count) {
    crayon_engine *engine = pool->engine;
    crayon_vk_engine *vk = engine->vk;
    crayon_vk_pool *vp = pool->vk;
    if (count > vp->event_count) {
        VkEvent *grown = realloc(vp->events, sizeof *grown * count);
        if (!grown) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory for %u read-back events", count);
        vp->events = grown;
        VkEventCreateInfo info = {.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
        while (vp->event_count < count) {
            int32_t status = crayon_vk_check(engine, vk->fn.vkCreateEvent(vk->device, &info, NULL, &vp->events[vp->event_count]),
                                             "creating a read-back event");
            if (status != CRAYON_OK) return status;
            vp->event_count++;
        }
    }
    for (uint32_t e = 0; e < count; ++e) {
        int32_t status = crayon_vk_check(engine, vk->fn.vkResetEvent(vk->device, vp->events[e]), "resetting a read-back event");
        if (status != CRAYON_OK) return status;
    }
    return CRAYON_OK;
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
    /* The fp16 images' copy of the output too, so a test sees any element a blend leaves unconverted. */
    if (vp->output_f16.buffer) vk->fn.vkCmdFillBuffer(vk->cmd, vp->output_f16.buffer, 0, VK_WHOLE_SIZE, bits);
    return crayon_vk_submit_and_wait(engine, "poisoning the blend output");
}
