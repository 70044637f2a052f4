/* One blend = one submission: entry table update, the blend dispatch over every tensor, and
 * (when the caller wants the result) the copy into host-visible staging, with timestamps. */
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "recipes.h"
#include "vk_record.h"

typedef struct blend_entry {
    uint64_t address;
    float weight;
    uint32_t pad;
} blend_entry;

typedef struct concat_push {
    uint64_t tiles;
    uint64_t tensors;
    uint64_t entries;
    uint64_t dst;
    uint32_t tile_count;
    uint32_t k;
} concat_push;

typedef struct merge_push {
    uint64_t entries;
    uint64_t tables;
    uint64_t dst;
    uint32_t adapter_count;
    uint32_t tensor_count;
    uint32_t flags;
    uint32_t keep_below;
    uint32_t seed_key;
    uint32_t pad;
} merge_push;

typedef struct tensor_info {
    uint32_t src_offset;
    uint32_t dst_offset;
    uint32_t elements;
    uint32_t row_length;
    uint32_t scaled;
    uint32_t vec4_ok;
    uint32_t pad[2];
} tensor_info;

typedef struct tile {
    uint32_t tensor;
    uint32_t slot;
    uint32_t start;
    uint32_t pad;
} tile;

_Static_assert(sizeof(blend_entry) == CRAYON_ENTRY_BYTES, "Entry layout");
_Static_assert(sizeof(tensor_info) == CRAYON_TENSOR_INFO_BYTES, "TensorInfo layout");
_Static_assert(sizeof(tile) == CRAYON_TILE_BYTES, "Tile layout");
_Static_assert(sizeof(concat_push) <= CRAYON_PUSH_CONSTANT_BYTES, "push constants");
_Static_assert(sizeof(merge_push) <= CRAYON_PUSH_CONSTANT_BYTES, "push constants");

static VkDeviceSize entries_bytes(const crayon_layout *layout) {
    return crayon_align_up((uint64_t)layout->adapter_count * CRAYON_ENTRY_BYTES, 256);
}
static VkDeviceSize tensors_bytes(const crayon_layout *layout) {
    return crayon_align_up((uint64_t)layout->tensor_count * CRAYON_TENSOR_INFO_BYTES, 256);
}

static int32_t kernel_for(uint32_t mode, uint32_t storage, crayon_vk_kernel *kernel) {
    switch (mode) {
    case CRAYON_BLEND_LINEAR: *kernel = (crayon_vk_kernel)(CRAYON_KERNEL_LINEAR_F32 + storage); return CRAYON_OK;
    case CRAYON_BLEND_CONCAT: *kernel = (crayon_vk_kernel)(CRAYON_KERNEL_CONCAT_F32 + storage); return CRAYON_OK;
    case CRAYON_BLEND_TIES:
    case CRAYON_BLEND_DARE_LINEAR:
    case CRAYON_BLEND_DARE_TIES:
    case CRAYON_BLEND_MAGNITUDE_PRUNE: *kernel = (crayon_vk_kernel)(CRAYON_KERNEL_MERGE_F32 + storage); return CRAYON_OK;
    default: return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "blend mode %u has no Vulkan kernel", mode);
    }
}

/* The merge recipes' tables (per tensor: offset and elements; per adapter and tensor: magnitude threshold and cut),
 * written into upload staging before recording; *copy_bytes is their size. */
static int32_t prepare_merge_tables(crayon_pool *pool, const crayon_merge_plan *merge, VkDeviceSize *copy_bytes) {
    crayon_engine *engine = pool->engine;
    crayon_vk_pool *vp = pool->vk;
    const crayon_layout *layout = &pool->layout;
    const uint64_t tensors = layout->tensor_count, rows = tensors + (uint64_t)layout->adapter_count * tensors;
    if (tensors > engine->vk->max_workgroups_y)
        return crayon_fail(CRAYON_ERROR_UNSUPPORTED, 0, "a merge dispatches one workgroup row per tensor; %u tensors exceed the device's %u",
                           layout->tensor_count, engine->vk->max_workgroups_y);
    *copy_bytes = rows * 2 * sizeof(uint32_t);
    int32_t status = crayon_vk_ensure(engine, &vp->upload, *copy_bytes, CRAYON_MEMORY_UPLOAD, "upload staging");
    if (status == CRAYON_OK) status = crayon_vk_ensure(engine, &vp->merge_tables, *copy_bytes, CRAYON_MEMORY_DEVICE, "merge tables");
    if (status != CRAYON_OK) return status;
    uint32_t *table = vp->upload.mapped;
    for (uint32_t t = 0; t < tensors; ++t) {
        table[2 * t] = (uint32_t)layout->offsets[t];
        table[2 * t + 1] = (uint32_t)crayon_tensor_elements(&layout->tensors[t]);
    }
    for (uint64_t r = 0; r < rows - tensors; ++r) {
        table[2 * (tensors + r)] = merge->thresholds ? merge->thresholds[r] : 0;
        table[2 * (tensors + r) + 1] = merge->cuts ? merge->cuts[r] : 0;
    }
    /* Concat's tables are built in the same staging: make it rebuild them next time. */
    vp->tiles_k = 0;
    return crayon_vk_buffer_flush(engine, &vp->upload);
}

/* Builds the concat tensor infos and tiles for k selected adapters in upload staging, sized
 * before recording starts. They depend on k only, so they are rebuilt only when k changes;
 * *copy_bytes is then the size to copy into the tables buffer (0 when they are current). */
static int32_t prepare_concat_tables(crayon_pool *pool, uint32_t k, const uint64_t *out_offsets, VkDeviceSize *copy_bytes) {
    crayon_engine *engine = pool->engine;
    crayon_vk_engine *vk = engine->vk;
    crayon_vk_pool *vp = pool->vk;
    const crayon_layout *layout = &pool->layout;
    *copy_bytes = 0;
    if (vp->tiles_k == k && vp->tiles_generation == vk->tuning_generation) return CRAYON_OK;
    vp->tiles_k = 0;

    const uint64_t scalar_span = (uint64_t)vk->workgroup_size * vk->loads_per_thread;
    uint64_t tile_count = 0;
    for (uint32_t t = 0; t < layout->tensor_count; ++t) {
        const crayon_tensor_desc *d = &layout->tensors[t];
        uint64_t elements = crayon_tensor_elements(d);
        uint32_t row_length = d->role == CRAYON_TENSOR_LORA_A ? (uint32_t)elements : d->cols;
        uint64_t span = scalar_span * (row_length % 4 == 0 ? 4 : 1);
        tile_count += k * ((elements + span - 1) / span);
    }
    if (tile_count > UINT32_MAX) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "concat needs %llu tiles; the limit is %u",
                                                    (unsigned long long)tile_count, UINT32_MAX);
    VkDeviceSize table_bytes = tensors_bytes(layout) + tile_count * CRAYON_TILE_BYTES;
    int32_t status = crayon_vk_ensure(engine, &vp->upload, table_bytes, CRAYON_MEMORY_UPLOAD, "upload staging");
    if (status == CRAYON_OK)
        status = crayon_vk_ensure(engine, &vp->tables, entries_bytes(layout) + table_bytes, CRAYON_MEMORY_DEVICE, "blend tables");
    if (status != CRAYON_OK) return status;

    tensor_info *infos = vp->upload.mapped;
    tile *tiles = (tile *)((char *)vp->upload.mapped + tensors_bytes(layout));
    uint64_t next = 0;
    for (uint32_t t = 0; t < layout->tensor_count; ++t) {
        const crayon_tensor_desc *d = &layout->tensors[t];
        uint32_t elements = (uint32_t)crayon_tensor_elements(d);
        uint32_t row_length = d->role == CRAYON_TENSOR_LORA_A ? elements : d->cols;
        infos[t] = (tensor_info){.src_offset = (uint32_t)layout->offsets[t], .dst_offset = (uint32_t)out_offsets[t],
                                 .elements = elements, .row_length = row_length,
                                 .scaled = d->role == CRAYON_TENSOR_LORA_A, .vec4_ok = row_length % 4 == 0};
        uint64_t span = scalar_span * (row_length % 4 == 0 ? 4 : 1);
        for (uint32_t slot = 0; slot < k; ++slot)
            for (uint64_t start = 0; start < elements; start += span)
                tiles[next++] = (tile){.tensor = t, .slot = slot, .start = (uint32_t)start};
    }
    vp->tile_count = (uint32_t)tile_count;
    *copy_bytes = table_bytes;
    return crayon_vk_buffer_flush(engine, &vp->upload);
}

static void record_merge(crayon_pool *pool, const crayon_merge_plan *merge) {
    crayon_vk_engine *vk = pool->engine->vk;
    crayon_vk_pool *vp = pool->vk;
    const crayon_layout *layout = &pool->layout;
    uint64_t largest = 0;
    for (uint32_t t = 0; t < layout->tensor_count; ++t)
        if (crayon_tensor_elements(&layout->tensors[t]) > largest) largest = crayon_tensor_elements(&layout->tensors[t]);
    merge_push push = {.entries = vp->tables.address, .tables = vp->merge_tables.address, .dst = vp->output.address,
                       .adapter_count = layout->adapter_count, .tensor_count = layout->tensor_count,
                       .flags = (merge->prune == CRAYON_PRUNE_RANDOM ? 1u : 0u) | (merge->combine == CRAYON_COMBINE_DISJOINT_MEAN ? 2u : 0u) |
                                (merge->majority_sign == CRAYON_MAJORITY_SIGN_FREQUENCY ? 4u : 0u),
                       .keep_below = merge->keep_below, .seed_key = merge->seed_key};
    vk->fn.vkCmdPushConstants(vk->cmd, vk->pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, &push);
    vk->fn.vkCmdDispatch(vk->cmd, crayon_vk_workgroups(vk, (largest + vk->workgroup_size - 1) / vk->workgroup_size), layout->tensor_count, 1);
}

/* The mode was resolved to a kernel already (kernel_for), so only known modes get here. */
static void record_dispatch(crayon_pool *pool, const crayon_blend_request *request, uint32_t k, VkPipeline pipeline,
                            const crayon_merge_plan *merge) {
    crayon_vk_engine *vk = pool->engine->vk;
    crayon_vk_pool *vp = pool->vk;
    const crayon_layout *layout = &pool->layout;
    vk->fn.vkCmdBindPipeline(vk->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
    if (merge->factors) {
        record_merge(pool, merge);
    } else if (request->mode == CRAYON_BLEND_LINEAR) {
        crayon_vk_record_linear(pool, k, 0, layout->adapter_elements);
    } else {
        concat_push push = {.tiles = vp->tables.address + entries_bytes(layout) + tensors_bytes(layout),
                            .tensors = vp->tables.address + entries_bytes(layout), .entries = vp->tables.address,
                            .dst = vp->output.address, .tile_count = vp->tile_count, .k = k};
        vk->fn.vkCmdPushConstants(vk->cmd, vk->pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, &push);
        vk->fn.vkCmdDispatch(vk->cmd, crayon_vk_workgroups(vk, push.tile_count), 1, 1);
    }
}

void crayon_vk_write_timestamp(crayon_vk_engine *vk, VkPipelineStageFlagBits stage, uint32_t slot) {
    if (vk->timestamps) vk->fn.vkCmdWriteTimestamp(vk->cmd, stage, vk->timestamps, slot);
}

uint32_t crayon_linear_group_elements(const crayon_layout *layout) {
    return layout->storage == CRAYON_STORAGE_F32 ? 4 : 8;
}

void crayon_vk_record_linear(crayon_pool *pool, uint32_t k, uint64_t begin, uint64_t end) {
    crayon_vk_engine *vk = pool->engine->vk;
    crayon_vk_pool *vp = pool->vk;
    const uint32_t elements_per_group = crayon_linear_group_elements(&pool->layout);
    crayon_linear_push push = {.entries = vp->tables.address, .dst = vp->output.address, .first_group = (uint32_t)(begin / elements_per_group),
                               .group_end = (uint32_t)(end / elements_per_group), .adapter_count = k};
    uint64_t per_workgroup = (uint64_t)vk->workgroup_size * vk->loads_per_thread;
    vk->fn.vkCmdPushConstants(vk->cmd, vk->pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, &push);
    vk->fn.vkCmdDispatch(vk->cmd, crayon_vk_workgroups(vk, (push.group_end - push.first_group + per_workgroup - 1) / per_workgroup), 1, 1);
}

void crayon_vk_record_convert(crayon_pool *pool, uint64_t begin, uint64_t end) {
    crayon_vk_engine *vk = pool->engine->vk;
    crayon_vk_pool *vp = pool->vk;
    crayon_convert_push push = {.src = vp->output.address + begin * sizeof(float), .dst = vp->output_f16.address + begin * 2,
                                .vec4_count = (uint32_t)((end - begin) / 4)};
    uint64_t per_workgroup = (uint64_t)vk->workgroup_size * vk->loads_per_thread;
    vk->fn.vkCmdPushConstants(vk->cmd, vk->pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, &push);
    vk->fn.vkCmdDispatch(vk->cmd, crayon_vk_workgroups(vk, (push.vec4_count + per_workgroup - 1) / per_workgroup), 1, 1);
}

void crayon_vk_record_chunk_copy(crayon_pool *pool, const crayon_readback_plan *plan, const uint64_t *out_offsets,
                                 const crayon_vk_buffer *source, uint32_t c, VkBufferCopy *regions) {
    crayon_vk_engine *vk = pool->engine->vk;
    crayon_vk_pool *vp = pool->vk;
    const crayon_chunk_plan *chunks = plan->chunks;
    const uint32_t chunk_count = chunks ? chunks->chunk_count : 1;
    uint32_t i = chunks ? chunks->chunk_first[c] : 0, end = chunks ? chunks->chunk_first[c + 1] : pool->layout.tensor_count, count = 0;
    for (; i < end; ++i, ++count) {
        uint32_t t = chunks ? chunks->order[i] : i;
        regions[count] = (VkBufferCopy){.srcOffset = out_offsets[t] * plan->element_bytes, .dstOffset = plan->staging_offsets[t],
                                        .size = plan->tensor_bytes[t]};
    }
    vk->fn.vkCmdCopyBuffer(vk->cmd, source->buffer, vp->readback.buffer, count, regions);
    if (c + 1 == chunk_count) crayon_vk_write_timestamp(vk, VK_PIPELINE_STAGE_TRANSFER_BIT, 2);
    crayon_vk_barrier(pool->engine, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                      VK_ACCESS_HOST_READ_BIT);
    if (chunks) vk->fn.vkCmdSetEvent(vk->cmd, vp->events[c], VK_PIPELINE_STAGE_TRANSFER_BIT);
}

/* Records the read-back: the fp16 conversion when asked for, then the copy into staging, whole or one copy per
 * chunk, each followed by its event (which tells the host that chunk may be moved on). */
static void record_read_back(crayon_pool *pool, const crayon_readback_plan *plan, const uint64_t *out_offsets, uint64_t total,
                             VkPipeline converter, VkBufferCopy *regions) {
    crayon_engine *engine = pool->engine;
    crayon_vk_engine *vk = engine->vk;
    crayon_vk_pool *vp = pool->vk;
    crayon_vk_buffer *source = &vp->output;
    if (converter) {
        crayon_vk_barrier(engine, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                          VK_ACCESS_SHADER_READ_BIT);
        vk->fn.vkCmdBindPipeline(vk->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, converter);
        crayon_vk_record_convert(pool, 0, total);
        source = &vp->output_f16;
    }
    crayon_vk_barrier(engine, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                      VK_ACCESS_TRANSFER_READ_BIT);
    const uint32_t chunk_count = plan->chunks ? plan->chunks->chunk_count : 1;
    for (uint32_t c = 0; c < chunk_count; ++c) crayon_vk_record_chunk_copy(pool, plan, out_offsets, source, c, regions);
}

/* Waits for the submission; a landing image's chunks are moved and reported meanwhile. */
static int32_t finish(crayon_pool *pool, const crayon_readback_plan *plan, crayon_blend_timings *timings) {
    crayon_engine *engine = pool->engine;
    if (!plan || !plan->chunks) return crayon_vk_wait(engine, "blending");
    int32_t landed = crayon_vk_land(engine, plan, &pool->vk->readback, pool->vk->events, timings);
    if (atomic_load(&engine->lost)) return landed;
    /* Staging and the events are reused by the next blend: whatever happened, the device must be done with them. */
    int32_t waited = crayon_vk_wait(engine, "blending");
    return waited != CRAYON_OK ? waited : landed;
}

/* One blend, and when `plan` is given its read-back: one submission. */
static int32_t blend_and_read_back(crayon_pool *pool, const crayon_blend_request *request, const crayon_readback_plan *given,
                                   crayon_blend_timings *timings) {
    crayon_engine *engine = pool->engine;
    crayon_vk_engine *vk = engine->vk;
    crayon_vk_pool *vp = pool->vk;
    const crayon_layout *layout = &pool->layout;
    const uint32_t k = crayon_request_k(layout, request);

    uint64_t *out_offsets = malloc(sizeof *out_offsets * layout->tensor_count);
    uint64_t *tensor_bytes = malloc(sizeof *tensor_bytes * layout->tensor_count);
    VkBufferCopy *regions = malloc(sizeof *regions * layout->tensor_count);
    uint32_t *scratch = malloc(sizeof *scratch * layout->tensor_count);
    if (!out_offsets || !tensor_bytes || !regions || !scratch) {
        free(out_offsets);
        free(tensor_bytes);
        free(regions);
        free(scratch);
        return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory");
    }
    uint64_t total;
    crayon_layout_output_offsets(layout, request->mode, k, out_offsets, &total);
    crayon_readback_plan local = given ? *given : (crayon_readback_plan){0};
    const crayon_readback_plan *plan = given ? &local : NULL;
    if (plan)
        for (uint32_t t = 0; t < layout->tensor_count; ++t)
            tensor_bytes[t] = crayon_layout_output_elements(layout, request->mode, k, t) * plan->element_bytes;
    local.tensor_bytes = tensor_bytes;
    const int convert = plan && plan->element_bytes == 2;

    VkPipeline pipeline, converter = VK_NULL_HANDLE;
    crayon_vk_kernel kernel = CRAYON_KERNEL_COUNT;
    crayon_merge_plan merge = {0};
    uint32_t shape = CRAYON_SHAPE_POOL;
    int32_t status = kernel_for(request->mode, layout->storage, &kernel);
    if (status == CRAYON_OK) status = crayon_mode_output_shape(request->mode, &shape);
    if (status == CRAYON_OK && kernel >= CRAYON_KERNEL_MERGE_F32) status = crayon_merge_plan_init(pool, request, &merge);
    if (status == CRAYON_OK) status = crayon_vk_pipeline(engine, kernel, &pipeline);
    if (status == CRAYON_OK && convert) status = crayon_vk_pipeline(engine, CRAYON_KERNEL_CONVERT_F16, &converter);
    if (status == CRAYON_OK) status = crayon_vk_ensure(engine, &vp->output, total * sizeof(float), CRAYON_MEMORY_DEVICE, "blend output");
    if (status == CRAYON_OK && convert)
        status = crayon_vk_ensure(engine, &vp->output_f16, total * 2, CRAYON_MEMORY_DEVICE, "fp16 blend output");
    if (status == CRAYON_OK && plan)
        status = crayon_vk_ensure(engine, &vp->readback, plan->staging_bytes, CRAYON_MEMORY_READBACK, "read-back staging");
    if (status == CRAYON_OK && plan && plan->chunks) status = crayon_vk_pool_events(pool, plan->chunks->chunk_count);
    if (status == CRAYON_OK && !vp->tables.buffer)
        status = crayon_vk_ensure(engine, &vp->tables, entries_bytes(layout), CRAYON_MEMORY_DEVICE, "blend tables");
    VkDeviceSize table_copy = 0, merge_copy = 0;
    if (status == CRAYON_OK && shape == CRAYON_SHAPE_STACKED) status = prepare_concat_tables(pool, k, out_offsets, &table_copy);
    if (status == CRAYON_OK && merge.factors) status = prepare_merge_tables(pool, &merge, &merge_copy);
    if (status == CRAYON_OK) status = crayon_vk_begin(engine);
    if (status != CRAYON_OK) {
        crayon_merge_plan_free(&merge);
        free(out_offsets);
        free(tensor_bytes);
        free(regions);
        free(scratch);
        return status;
    }
    if (vk->timestamps) vk->fn.vkCmdResetQueryPool(vk->cmd, vk->timestamps, 0, CRAYON_TIMESTAMP_SLOTS);

    /* The entries: which adapters take part, in order, and their weights (<= 64 KiB inline). */
    blend_entry entries[k];
    for (uint32_t j = 0; j < k; ++j) {
        uint32_t a = shape == CRAYON_SHAPE_STACKED ? request->selection[j] : j;
        entries[j] = (blend_entry){.address = vp->adapters[a].address, .weight = merge.factors ? merge.factors[a] : request->weights[a]};
    }
    vk->fn.vkCmdUpdateBuffer(vk->cmd, vp->tables.buffer, 0, sizeof(blend_entry) * k, entries);
    if (table_copy) {
        VkBufferCopy region = {.srcOffset = 0, .dstOffset = entries_bytes(layout), .size = table_copy};
        vk->fn.vkCmdCopyBuffer(vk->cmd, vp->upload.buffer, vp->tables.buffer, 1, &region);
    }
    if (merge_copy) {
        VkBufferCopy region = {.srcOffset = 0, .dstOffset = 0, .size = merge_copy};
        vk->fn.vkCmdCopyBuffer(vk->cmd, vp->upload.buffer, vp->merge_tables.buffer, 1, &region);
    }
    crayon_vk_barrier(engine, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                      VK_ACCESS_SHADER_READ_BIT);
    crayon_vk_write_timestamp(vk, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0);
    if (plan && plan->chunks && request->mode == CRAYON_BLEND_LINEAR) {
        crayon_vk_record_linear_landing(pool, plan, out_offsets, k, pipeline, converter, regions, scratch);
    } else {
        record_dispatch(pool, request, k, pipeline, &merge);
        crayon_vk_write_timestamp(vk, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 1);
        if (plan) record_read_back(pool, plan, out_offsets, total, converter, regions);
    }
    uint64_t submitted = crayon_now_ns();
    status = crayon_vk_submit(engine, "blending");
    if (status == CRAYON_OK) status = finish(pool, plan, timings);
    uint64_t executed_ns = crayon_now_ns() - submitted;
    if ((status == CRAYON_OK || status == CRAYON_ERROR_STOPPED) && table_copy) {
        vp->tiles_k = k;
        vp->tiles_generation = vk->tuning_generation;
    }
    uint64_t stamps[3] = {0, 0, 0};
    if (status == CRAYON_OK) status = crayon_vk_timestamps(engine, plan ? 3 : 2, stamps);
    if (status == CRAYON_OK && plan && !plan->chunks) {
        uint64_t started = crayon_now_ns();
        status = crayon_vk_buffer_invalidate(engine, &vp->readback);
        if (status == CRAYON_OK) crayon_vk_copy_out(vk, layout, plan, vp->readback.mapped);
        timings->readback_host_ns = crayon_now_ns() - started;
        if (plan->image) timings->first_landed_ns = timings->landed_ns = crayon_now_ns() - plan->started_ns;
    }
    if (status == CRAYON_OK && vk->timestamps) {
        timings->flags |= CRAYON_TIMINGS_DEVICE_TIMESTAMPS;
        timings->blend_device_ns = stamps[1] - stamps[0];
        timings->readback_device_ns = plan ? stamps[2] - stamps[1] : 0;
    } else if (status == CRAYON_OK) {
        timings->blend_device_ns = executed_ns; /* no timestamps: the whole submission, an upper bound */
    }
    crayon_merge_plan_free(&merge);
    free(out_offsets);
    free(tensor_bytes);
    free(regions);
    free(scratch);
    return status;
}

int32_t crayon_vk_blend(crayon_pool *pool, const crayon_blend_request *request, float *const *outputs,
                        crayon_blend_timings *timings) {
    if (!outputs) return blend_and_read_back(pool, request, NULL, timings);
    const crayon_layout *layout = &pool->layout;
    uint64_t *offsets = malloc(sizeof *offsets * layout->tensor_count);
    if (!offsets) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory");
    /* Staging mirrors the fp32 output buffer. */
    uint64_t total;
    crayon_layout_output_offsets(layout, request->mode, crayon_request_k(layout, request), offsets, &total);
    for (uint32_t t = 0; t < layout->tensor_count; ++t) offsets[t] *= sizeof(float);
    crayon_readback_plan plan = {.element_bytes = sizeof(float), .staging_bytes = total * sizeof(float), .staging_offsets = offsets,
                                 .destinations = (char *const *)outputs};
    int32_t status = blend_and_read_back(pool, request, &plan, timings);
    free(offsets);
    return status;
}

int32_t crayon_vk_blend_to_image(crayon_pool *pool, const crayon_blend_request *request, const crayon_host_image *image,
                                 crayon_blend_timings *timings, uint64_t started_ns) {
    const crayon_layout *layout = &pool->layout;
    char **destinations = malloc(sizeof *destinations * layout->tensor_count);
    if (!destinations) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory");
    for (uint32_t t = 0; t < layout->tensor_count; ++t) destinations[t] = (char *)image->base + image->tensor_offsets[t];
    crayon_chunk_plan chunks = {0};
    const int landing = crayon_image_callback(image) != NULL;
    int32_t status = landing ? crayon_chunk_plan_init(&chunks, layout, request->mode, crayon_request_k(layout, request), image) : CRAYON_OK;
    /* Staging has the image's own layout. */
    crayon_readback_plan plan = {.element_bytes = crayon_image_element_bytes(image->storage), .staging_bytes = image->bytes,
                                 .staging_offsets = image->tensor_offsets, .destinations = destinations, .image = image,
                                 .chunks = landing ? &chunks : NULL, .started_ns = started_ns};
    if (status == CRAYON_OK) status = blend_and_read_back(pool, request, &plan, timings);
    if (landing) crayon_chunk_plan_free(&chunks);
    free(destinations);
    return status;
}
