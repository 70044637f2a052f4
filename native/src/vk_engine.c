/* The Vulkan engine: instance, device, queue, command buffer, pipelines and buffers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crayon_shaders.h"
#include "errors.h"
#include "vk_internal.h"

int32_t crayon_vk_check(crayon_engine *engine, VkResult result, const char *during) {
    if (result == VK_SUCCESS) return CRAYON_OK;
    if (result == VK_ERROR_DEVICE_LOST) return crayon_engine_mark_lost(engine, result, during);
    if (result == VK_ERROR_OUT_OF_DEVICE_MEMORY || result == VK_ERROR_OUT_OF_HOST_MEMORY)
        return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, result, "%s failed on '%s': %s", during, engine->info.name,
                           crayon_vk_result_name(result));
    return crayon_fail(CRAYON_ERROR_VULKAN, result, "%s failed on '%s': %s", during, engine->info.name, crayon_vk_result_name(result));
}

static int find_memory_type(const VkPhysicalDeviceMemoryProperties *memory, uint32_t allowed, crayon_vk_memory kind) {
    int best = -1, best_score = -1;
    for (uint32_t t = 0; t < memory->memoryTypeCount; ++t) {
        if (!(allowed & (1u << t))) continue;
        VkMemoryPropertyFlags flags = memory->memoryTypes[t].propertyFlags;
        int score;
        switch (kind) {
        case CRAYON_MEMORY_DEVICE:
            score = (flags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) ? 2 : 0;
            break;
        case CRAYON_MEMORY_UPLOAD:
            if (!(flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)) continue;
            /* Plain system memory: the small device-local host-visible window is not for staging. */
            score = ((flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) ? 2 : 0) + ((flags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) ? 0 : 1);
            break;
        default:
            if (!(flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)) continue;
            score = ((flags & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) ? 4 : 0) + ((flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) ? 2 : 0) +
                    ((flags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) ? 0 : 1);
            break;
        }
        if (score > best_score) best = (int)t, best_score = score;
    }
    return best;
}

int32_t crayon_vk_buffer_create(crayon_engine *engine, VkDeviceSize size, crayon_vk_memory kind, crayon_vk_buffer *buffer,
                                const char *purpose) {
    crayon_vk_engine *vk = engine->vk;
    memset(buffer, 0, sizeof *buffer);
    if (size < 256) size = 256;
    size = (size + 255) & ~(VkDeviceSize)255;
    /* Large device buffers in whole 2 MiB units: the driver can then back them with large pages, and
     * allocations of odd sizes do not fragment device memory into small pages over a long run (seen on
     * an H200: a long benchmark sweep lost half its bandwidth, a fresh process did not). */
    if (kind == CRAYON_MEMORY_DEVICE && size >= CRAYON_LARGE_PAGE) size = (size + CRAYON_LARGE_PAGE - 1) & ~(VkDeviceSize)(CRAYON_LARGE_PAGE - 1);
    if (size > vk->max_allocation)
        return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, VK_ERROR_OUT_OF_DEVICE_MEMORY,
                           "%s needs %llu bytes in one buffer; '%s' allows at most %llu", purpose, (unsigned long long)size,
                           engine->info.name, (unsigned long long)vk->max_allocation);
    VkBufferUsageFlags usage = kind == CRAYON_MEMORY_DEVICE
                                   ? VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT |
                                         VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT
                                   : VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    VkBufferCreateInfo info = {.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, .size = size, .usage = usage,
                               .sharingMode = VK_SHARING_MODE_EXCLUSIVE};
    char during[160];
    snprintf(during, sizeof during, "creating the %s buffer (%llu bytes)", purpose, (unsigned long long)size);
    int32_t status = crayon_vk_check(engine, vk->fn.vkCreateBuffer(vk->device, &info, NULL, &buffer->buffer), during);
    if (status != CRAYON_OK) return status;
    VkMemoryRequirements requirements;
    vk->fn.vkGetBufferMemoryRequirements(vk->device, buffer->buffer, &requirements);
    int type = find_memory_type(&vk->memory, requirements.memoryTypeBits, kind);
    if (type < 0) {
        crayon_vk_buffer_destroy(engine, buffer);
        return crayon_fail(CRAYON_ERROR_UNSUPPORTED, 0, "'%s' has no %s memory type for the %s buffer", engine->info.name,
                           kind == CRAYON_MEMORY_DEVICE ? "device" : "host-visible", purpose);
    }
    VkMemoryAllocateFlagsInfo flags = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO,
                                       .flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT};
    VkMemoryAllocateInfo allocate = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
                                     .pNext = kind == CRAYON_MEMORY_DEVICE ? &flags : NULL,
                                     .allocationSize = requirements.size, .memoryTypeIndex = (uint32_t)type};
    snprintf(during, sizeof during, "allocating %llu bytes for the %s buffer", (unsigned long long)requirements.size, purpose);
    status = crayon_vk_check(engine, vk->fn.vkAllocateMemory(vk->device, &allocate, NULL, &buffer->memory), during);
    if (status == CRAYON_OK) status = crayon_vk_check(engine, vk->fn.vkBindBufferMemory(vk->device, buffer->buffer, buffer->memory, 0), during);
    if (status == CRAYON_OK && kind != CRAYON_MEMORY_DEVICE)
        status = crayon_vk_check(engine, vk->fn.vkMapMemory(vk->device, buffer->memory, 0, VK_WHOLE_SIZE, 0, &buffer->mapped), during);
    if (status != CRAYON_OK) {
        crayon_vk_buffer_destroy(engine, buffer);
        return status;
    }
    buffer->size = size;
    buffer->coherent = (vk->memory.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) != 0;
    if (kind == CRAYON_MEMORY_DEVICE) {
        VkBufferDeviceAddressInfo address = {.sType = VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO, .buffer = buffer->buffer};
        buffer->address = vk->fn.vkGetBufferDeviceAddress(vk->device, &address);
    }
    return CRAYON_OK;
}

void crayon_vk_buffer_destroy(crayon_engine *engine, crayon_vk_buffer *buffer) {
    crayon_vk_engine *vk = engine->vk;
    if (buffer->buffer) vk->fn.vkDestroyBuffer(vk->device, buffer->buffer, NULL);
    if (buffer->memory) vk->fn.vkFreeMemory(vk->device, buffer->memory, NULL); /* frees the mapping too */
    memset(buffer, 0, sizeof *buffer);
}

int32_t crayon_vk_buffer_flush(crayon_engine *engine, crayon_vk_buffer *buffer) {
    if (buffer->coherent) return CRAYON_OK;
    VkMappedMemoryRange range = {.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE, .memory = buffer->memory, .size = VK_WHOLE_SIZE};
    return crayon_vk_check(engine, engine->vk->fn.vkFlushMappedMemoryRanges(engine->vk->device, 1, &range), "flushing staging memory");
}

int32_t crayon_vk_buffer_invalidate(crayon_engine *engine, crayon_vk_buffer *buffer) {
    if (buffer->coherent) return CRAYON_OK;
    VkMappedMemoryRange range = {.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE, .memory = buffer->memory, .size = VK_WHOLE_SIZE};
    return crayon_vk_check(engine, engine->vk->fn.vkInvalidateMappedMemoryRanges(engine->vk->device, 1, &range),
                           "reading staging memory");
}

int32_t crayon_vk_begin(crayon_engine *engine) {
    crayon_vk_engine *vk = engine->vk;
    int32_t status = crayon_vk_check(engine, vk->fn.vkResetCommandBuffer(vk->cmd, 0), "resetting the command buffer");
    if (status != CRAYON_OK) return status;
    VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    return crayon_vk_check(engine, vk->fn.vkBeginCommandBuffer(vk->cmd, &begin), "beginning the command buffer");
}

int32_t crayon_vk_submit(crayon_engine *engine, const char *during) {
    crayon_vk_engine *vk = engine->vk;
    int32_t status = crayon_vk_check(engine, vk->fn.vkEndCommandBuffer(vk->cmd), during);
    if (status != CRAYON_OK) return status;
    status = crayon_vk_check(engine, vk->fn.vkResetFences(vk->device, 1, &vk->fence), during);
    if (status != CRAYON_OK) return status;
    VkSubmitInfo submit = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = &vk->cmd};
    return crayon_vk_check(engine, vk->fn.vkQueueSubmit(vk->queue, 1, &submit, vk->fence), during);
}

int32_t crayon_vk_hung(crayon_engine *engine, const char *during) {
    /* The command buffer may still be running: nothing on this engine can be reused safely. */
    atomic_store(&engine->lost, 1);
    return crayon_fail(CRAYON_ERROR_DEVICE_LOST, VK_TIMEOUT, "%s: '%s' did not finish within %llu s; the engine is unusable", during,
                       engine->info.name, CRAYON_SUBMIT_TIMEOUT_NS / 1000000000ull);
}

int32_t crayon_vk_wait(crayon_engine *engine, const char *during) {
    crayon_vk_engine *vk = engine->vk;
    VkResult waited = vk->fn.vkWaitForFences(vk->device, 1, &vk->fence, VK_TRUE, CRAYON_SUBMIT_TIMEOUT_NS);
    if (waited == VK_TIMEOUT) return crayon_vk_hung(engine, during);
    return crayon_vk_check(engine, waited, during);
}

int32_t crayon_vk_submit_and_wait(crayon_engine *engine, const char *during) {
    int32_t status = crayon_vk_submit(engine, during);
    return status == CRAYON_OK ? crayon_vk_wait(engine, during) : status;
}

void crayon_vk_barrier(crayon_engine *engine, VkPipelineStageFlags source_stage, VkAccessFlags source_access,
                       VkPipelineStageFlags target_stage, VkAccessFlags target_access) {
    VkMemoryBarrier barrier = {.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER, .srcAccessMask = source_access, .dstAccessMask = target_access};
    engine->vk->fn.vkCmdPipelineBarrier(engine->vk->cmd, source_stage, target_stage, 0, 1, &barrier, 0, NULL, 0, NULL);
}

static const char *kernel_module(crayon_vk_kernel kernel) {
    static const char *names[CRAYON_KERNEL_COUNT] = {"blend_linear_f32", "blend_linear_f16", "blend_linear_bf16",
                                                     "blend_concat_f32", "blend_concat_f16", "blend_concat_bf16", "copy_vec4",
                                                     "convert_f16", "blend_merge_f32", "blend_merge_f16", "blend_merge_bf16"};
    return names[kernel];
}

int32_t crayon_vk_pipeline(crayon_engine *engine, crayon_vk_kernel kernel, VkPipeline *pipeline) {
    crayon_vk_engine *vk = engine->vk;
    if (vk->pipelines[kernel]) {
        *pipeline = vk->pipelines[kernel];
        return CRAYON_OK;
    }
    const char *name = kernel_module(kernel);
    const crayon_spirv_module *module = crayon_spirv_modules;
    while (module->name && strcmp(module->name, name) != 0) ++module;
    if (!module->name) return crayon_fail(CRAYON_ERROR_UNSUPPORTED, 0, "shader '%s' is not embedded in this build", name);

    VkShaderModuleCreateInfo info = {.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO, .codeSize = module->size,
                                     .pCode = (const uint32_t *)module->code};
    VkShaderModule shader;
    int32_t status = crayon_vk_check(engine, vk->fn.vkCreateShaderModule(vk->device, &info, NULL, &shader), "creating a shader module");
    if (status != CRAYON_OK) return status;
    const uint32_t constants[3] = {vk->workgroup_size, vk->loads_per_thread, vk->adapter_unroll};
    const VkSpecializationMapEntry entries[3] = {{0, 0, 4}, {1, 4, 4}, {2, 8, 4}};
    VkSpecializationInfo specialization = {.mapEntryCount = 3, .pMapEntries = entries, .dataSize = sizeof constants, .pData = constants};
    VkComputePipelineCreateInfo create = {
        .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
        .stage = {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, .stage = VK_SHADER_STAGE_COMPUTE_BIT,
                  .module = shader, .pName = "main", .pSpecializationInfo = &specialization},
        .layout = vk->pipeline_layout,
    };
    char during[96];
    snprintf(during, sizeof during, "compiling the %s pipeline", name);
    status = crayon_vk_check(engine, vk->fn.vkCreateComputePipelines(vk->device, vk->pipeline_cache, 1, &create, NULL, &vk->pipelines[kernel]),
                             during);
    vk->fn.vkDestroyShaderModule(vk->device, shader, NULL);
    if (status != CRAYON_OK) {
        vk->pipelines[kernel] = VK_NULL_HANDLE;
        return status;
    }
    *pipeline = vk->pipelines[kernel];
    return CRAYON_OK;
}

uint32_t crayon_vk_workgroups(const crayon_vk_engine *vk, uint64_t tiles) {
    if (tiles == 0) return 1;
    return tiles < vk->max_workgroups ? (uint32_t)tiles : vk->max_workgroups;
}

int32_t crayon_vk_timestamps(crayon_engine *engine, uint32_t count, uint64_t *ns) {
    crayon_vk_engine *vk = engine->vk;
    memset(ns, 0, sizeof *ns * count);
    if (!vk->timestamps) return CRAYON_OK;
    uint64_t ticks[CRAYON_TIMESTAMP_SLOTS];
    VkResult result = vk->fn.vkGetQueryPoolResults(vk->device, vk->timestamps, 0, count, sizeof ticks, ticks, sizeof ticks[0],
                                                   VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
    int32_t status = crayon_vk_check(engine, result, "reading GPU timestamps");
    if (status != CRAYON_OK) return status;
    for (uint32_t i = 0; i < count; ++i) ns[i] = (uint64_t)((double)(ticks[i] & vk->timestamp_mask) * vk->timestamp_period_ns);
    return CRAYON_OK;
}

static uint32_t tuning(uint32_t requested, uint32_t fallback) { return requested ? requested : fallback; }

static int32_t create_device(crayon_engine *engine, const crayon_vk_candidate *chosen) {
    crayon_vk_engine *vk = engine->vk;
    vk->physical = chosen->device;
    vk->queue_family = chosen->queue_family;
    vk->max_allocation = chosen->max_allocation;
    float priority = 1.0f;
    VkDeviceQueueCreateInfo queue = {.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, .queueFamilyIndex = chosen->queue_family,
                                     .queueCount = 1, .pQueuePriorities = &priority};
    VkPhysicalDeviceVulkan12Features features12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
                                                   .bufferDeviceAddress = VK_TRUE};
    VkDeviceCreateInfo info = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .pNext = &features12, .queueCreateInfoCount = 1,
                               .pQueueCreateInfos = &queue};
    int32_t status = crayon_vk_check(engine, vk->fn.vkCreateDevice(vk->physical, &info, NULL, &vk->device), "creating the Vulkan device");
    if (status != CRAYON_OK) return status;
    status = crayon_vk_load_device(&vk->fn, vk->device);
    if (status != CRAYON_OK) return status;
    vk->fn.vkGetDeviceQueue(vk->device, vk->queue_family, 0, &vk->queue);
    vk->fn.vkGetPhysicalDeviceMemoryProperties(vk->physical, &vk->memory);

    VkCommandPoolCreateInfo pool = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                    .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, .queueFamilyIndex = vk->queue_family};
    status = crayon_vk_check(engine, vk->fn.vkCreateCommandPool(vk->device, &pool, NULL, &vk->command_pool), "creating the command pool");
    if (status != CRAYON_OK) return status;
    VkCommandBufferAllocateInfo allocate = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, .commandPool = vk->command_pool,
                                            .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY, .commandBufferCount = 1};
    status = crayon_vk_check(engine, vk->fn.vkAllocateCommandBuffers(vk->device, &allocate, &vk->cmd), "allocating the command buffer");
    if (status != CRAYON_OK) return status;
    VkFenceCreateInfo fence = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    status = crayon_vk_check(engine, vk->fn.vkCreateFence(vk->device, &fence, NULL, &vk->fence), "creating a fence");
    if (status != CRAYON_OK) return status;
    VkPipelineCacheCreateInfo cache = {.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    status = crayon_vk_check(engine, vk->fn.vkCreatePipelineCache(vk->device, &cache, NULL, &vk->pipeline_cache), "creating the pipeline cache");
    if (status != CRAYON_OK) return status;
    VkPushConstantRange push = {.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT, .size = CRAYON_PUSH_CONSTANT_BYTES};
    VkPipelineLayoutCreateInfo layout = {.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO, .pushConstantRangeCount = 1,
                                         .pPushConstantRanges = &push};
    status = crayon_vk_check(engine, vk->fn.vkCreatePipelineLayout(vk->device, &layout, NULL, &vk->pipeline_layout),
                             "creating the pipeline layout");
    if (status != CRAYON_OK) return status;
    if (chosen->info.features & CRAYON_FEATURE_TIMESTAMPS) {
        VkQueryPoolCreateInfo query = {.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO, .queryType = VK_QUERY_TYPE_TIMESTAMP,
                                       .queryCount = CRAYON_TIMESTAMP_SLOTS};
        status = crayon_vk_check(engine, vk->fn.vkCreateQueryPool(vk->device, &query, NULL, &vk->timestamps), "creating the timestamp pool");
        if (status != CRAYON_OK) return status;
        vk->timestamp_period_ns = chosen->info.timestamp_period_ns;
        vk->timestamp_mask = chosen->timestamp_valid_bits >= 64 ? ~0ull : (1ull << chosen->timestamp_valid_bits) - 1;
    }
    return CRAYON_OK;
}

static int32_t apply_tuning(crayon_engine *engine, const crayon_engine_options *options) {
    crayon_vk_engine *vk = engine->vk;
    VkPhysicalDeviceProperties properties;
    vk->fn.vkGetPhysicalDeviceProperties(vk->physical, &properties);
    uint32_t largest = properties.limits.maxComputeWorkGroupSize[0];
    if (properties.limits.maxComputeWorkGroupInvocations < largest) largest = properties.limits.maxComputeWorkGroupInvocations;
    vk->workgroup_size = tuning(options->workgroup_size, largest < 256 ? largest : 256);
    /* One 16-byte load per adapter per invocation: the best or within 2 % of the best on every pool of
     * the H200 sweep (benchmarks/blend-tuning-notes.md, K4); 4 lost up to 5 % on fp16 N=32 256 MiB. */
    vk->loads_per_thread = tuning(options->loads_per_thread, 1);
    vk->adapter_unroll = tuning(options->adapter_unroll, 4);
    vk->max_workgroups = tuning(options->max_workgroups, 65535);
    vk->max_workgroups_y = properties.limits.maxComputeWorkGroupCount[1];
    if (vk->workgroup_size > largest)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "workgroup_size %u exceeds the device limit %u", vk->workgroup_size, largest);
    if (vk->loads_per_thread > 64)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "loads_per_thread %u exceeds the limit 64", vk->loads_per_thread);
    if (vk->adapter_unroll > 64)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "adapter_unroll %u exceeds the limit 64", vk->adapter_unroll);
    if (vk->max_workgroups > properties.limits.maxComputeWorkGroupCount[0])
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "max_workgroups %u exceeds the device limit %u", vk->max_workgroups,
                           properties.limits.maxComputeWorkGroupCount[0]);
    return CRAYON_OK;
}

int32_t crayon_vk_retune(crayon_engine *engine, const crayon_engine_options *options) {
    crayon_vk_engine *vk = engine->vk;
    crayon_vk_engine previous = *vk;
    int32_t status = crayon_vk_check(engine, vk->fn.vkDeviceWaitIdle(vk->device), "waiting for the device before retuning");
    if (status != CRAYON_OK) return status;
    status = apply_tuning(engine, options);
    if (status != CRAYON_OK) {
        vk->workgroup_size = previous.workgroup_size;
        vk->loads_per_thread = previous.loads_per_thread;
        vk->adapter_unroll = previous.adapter_unroll;
        vk->max_workgroups = previous.max_workgroups;
        return status;
    }
    for (int k = 0; k < CRAYON_KERNEL_COUNT; ++k) {
        if (vk->pipelines[k]) vk->fn.vkDestroyPipeline(vk->device, vk->pipelines[k], NULL);
        vk->pipelines[k] = VK_NULL_HANDLE;
    }
    vk->tuning_generation++;
    return CRAYON_OK;
}

const crayon_backend_ops crayon_vk_ops = {
    .engine_destroy = crayon_vk_engine_destroy,
    .retune = crayon_vk_retune,
    .measure_copy = crayon_vk_measure_copy,
    .pool_create = crayon_vk_pool_create,
    .pool_destroy = crayon_vk_pool_destroy,
    .pool_upload = crayon_vk_pool_upload,
    .pool_read_tensor = crayon_vk_pool_read_tensor,
    .blend = crayon_vk_blend,
    .blend_to_image = crayon_vk_blend_to_image,
    .poison_output = crayon_vk_poison_output,
};

int32_t crayon_vk_engine_create(crayon_engine *engine, const crayon_engine_options *options) {
    engine->backend = CRAYON_BACKEND_VULKAN;
    engine->ops = &crayon_vk_ops;
    crayon_vk_engine *vk = calloc(1, sizeof *vk);
    if (!vk) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory creating the engine");
    engine->vk = vk;
    int32_t status = crayon_vk_instance_create(&vk->fn, &vk->instance);
    if (status != CRAYON_OK) return status;
    crayon_vk_candidate *candidates;
    uint32_t count, chosen;
    status = crayon_vk_candidates(&vk->fn, vk->instance, &candidates, &count);
    if (status != CRAYON_OK) return status;
    status = crayon_vk_choose(candidates, count, options, &chosen);
    if (status == CRAYON_OK) {
        engine->info = candidates[chosen].info;
        status = create_device(engine, &candidates[chosen]);
    }
    free(candidates);
    if (status == CRAYON_OK) status = apply_tuning(engine, options);
    return status;
}

void crayon_vk_engine_destroy(crayon_engine *engine) {
    crayon_vk_engine *vk = engine->vk;
    if (!vk) return;
    if (vk->device) {
        vk->fn.vkDeviceWaitIdle(vk->device); /* may report a lost device; there is nothing left to do about it */
        crayon_vk_buffer_destroy(engine, &vk->copy_source);
        crayon_vk_buffer_destroy(engine, &vk->copy_target);
        for (int k = 0; k < CRAYON_KERNEL_COUNT; ++k)
            if (vk->pipelines[k]) vk->fn.vkDestroyPipeline(vk->device, vk->pipelines[k], NULL);
        if (vk->timestamps) vk->fn.vkDestroyQueryPool(vk->device, vk->timestamps, NULL);
        if (vk->pipeline_layout) vk->fn.vkDestroyPipelineLayout(vk->device, vk->pipeline_layout, NULL);
        if (vk->pipeline_cache) vk->fn.vkDestroyPipelineCache(vk->device, vk->pipeline_cache, NULL);
        if (vk->fence) vk->fn.vkDestroyFence(vk->device, vk->fence, NULL);
        if (vk->command_pool) vk->fn.vkDestroyCommandPool(vk->device, vk->command_pool, NULL);
        vk->fn.vkDestroyDevice(vk->device, NULL);
    }
    if (vk->instance && vk->fn.vkDestroyInstance) vk->fn.vkDestroyInstance(vk->instance, NULL);
    if (vk->host_copiers) crayon_workers_destroy(vk->host_copiers);
    free(vk);
    engine->vk = NULL;
}
