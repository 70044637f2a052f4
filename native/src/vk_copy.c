/* The device's copy bandwidth, the ceiling a memory-bound blend is measured against: a compute
 * shader copying with the blend's own access pattern, plus vkCmdCopyBuffer for reference. */
#include <stdlib.h>

#include "errors.h"
#include "vk_internal.h"

typedef struct copy_push {
    uint64_t src;
    uint64_t dst;
    uint32_t vec4_count;
} copy_push;

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int32_t crayon_vk_measure_copy(crayon_engine *engine, uint64_t bytes, uint32_t repetitions, crayon_copy_measurement *result) {
    crayon_vk_engine *vk = engine->vk;
    bytes = bytes / 16 * 16;
    VkPipeline pipeline;
    uint64_t *shader_ns = calloc(repetitions, sizeof *shader_ns);
    if (!shader_ns) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory");
    int32_t status = crayon_vk_pipeline(engine, CRAYON_KERNEL_COPY, &pipeline);
    /* The buffers stay with the engine: allocating 2 x `bytes` per measurement churned device memory. */
    crayon_vk_buffer *source = &vk->copy_source, *target = &vk->copy_target;
    if (status == CRAYON_OK) status = crayon_vk_ensure(engine, source, bytes, CRAYON_MEMORY_DEVICE, "copy source");
    if (status == CRAYON_OK) status = crayon_vk_ensure(engine, target, bytes, CRAYON_MEMORY_DEVICE, "copy target");
    if (status == CRAYON_OK) status = crayon_vk_begin(engine);
    if (status == CRAYON_OK) {
        vk->fn.vkCmdFillBuffer(vk->cmd, source->buffer, 0, VK_WHOLE_SIZE, 0x3F800000u);
        status = crayon_vk_submit_and_wait(engine, "preparing the copy measurement");
    }
    uint64_t transfer_best = 0;
    copy_push push = {.src = source->address, .dst = target->address, .vec4_count = (uint32_t)(bytes / 16)};
    uint64_t per_workgroup = (uint64_t)vk->workgroup_size * vk->loads_per_thread;
    for (uint32_t r = 0; r < repetitions && status == CRAYON_OK; ++r) {
        status = crayon_vk_begin(engine);
        if (status != CRAYON_OK) break;
        if (vk->timestamps) vk->fn.vkCmdResetQueryPool(vk->cmd, vk->timestamps, 0, CRAYON_TIMESTAMP_SLOTS);
        if (vk->timestamps) vk->fn.vkCmdWriteTimestamp(vk->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, vk->timestamps, 0);
        vk->fn.vkCmdBindPipeline(vk->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
        vk->fn.vkCmdPushConstants(vk->cmd, vk->pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, &push);
        vk->fn.vkCmdDispatch(vk->cmd, crayon_vk_workgroups(vk, (push.vec4_count + per_workgroup - 1) / per_workgroup), 1, 1);
        if (vk->timestamps) vk->fn.vkCmdWriteTimestamp(vk->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, vk->timestamps, 1);
        crayon_vk_barrier(engine, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                          VK_ACCESS_TRANSFER_WRITE_BIT);
        if (vk->timestamps) vk->fn.vkCmdWriteTimestamp(vk->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, vk->timestamps, 2);
        VkBufferCopy region = {.size = bytes};
        vk->fn.vkCmdCopyBuffer(vk->cmd, source->buffer, target->buffer, 1, &region);
        if (vk->timestamps) vk->fn.vkCmdWriteTimestamp(vk->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, vk->timestamps, 3);
        uint64_t started = crayon_now_ns();
        status = crayon_vk_submit_and_wait(engine, "measuring copy bandwidth");
        uint64_t host_ns = crayon_now_ns() - started;
        uint64_t stamps[4];
        if (status == CRAYON_OK) status = crayon_vk_timestamps(engine, 4, stamps);
        if (status != CRAYON_OK) break;
        if (vk->timestamps) {
            shader_ns[r] = stamps[1] - stamps[0];
            uint64_t transfer = stamps[3] - stamps[2];
            if (transfer_best == 0 || transfer < transfer_best) transfer_best = transfer;
        } else {
            shader_ns[r] = host_ns; /* both copies together: an upper bound */
        }
    }
    if (status == CRAYON_OK) {
        qsort(shader_ns, repetitions, sizeof *shader_ns, compare_u64);
        result->flags = vk->timestamps ? CRAYON_TIMINGS_DEVICE_TIMESTAMPS : 0;
        result->bytes = bytes;
        result->best_ns = shader_ns[0];
        result->median_ns = shader_ns[repetitions / 2];
        result->transfer_best_ns = transfer_best;
    }
    free(shader_ns);
    return status;
}
