/* Which Vulkan devices exist, what each offers, and which one an engine gets. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "vk_internal.h"

static uint32_t device_type(VkPhysicalDeviceType type) {
    switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return CRAYON_DEVICE_DISCRETE_GPU;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return CRAYON_DEVICE_INTEGRATED_GPU;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return CRAYON_DEVICE_VIRTUAL_GPU;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return CRAYON_DEVICE_CPU;
    default: return CRAYON_DEVICE_OTHER;
    }
}

/* Automatic choice order: discrete, integrated, virtual, CPU (lavapipe), anything else. */
static int type_rank(uint32_t type) {
    switch (type) {
    case CRAYON_DEVICE_DISCRETE_GPU: return 0;
    case CRAYON_DEVICE_INTEGRATED_GPU: return 1;
    case CRAYON_DEVICE_VIRTUAL_GPU: return 2;
    case CRAYON_DEVICE_CPU: return 3;
    default: return 4;
    }
}

static void describe(crayon_vk_functions *fn, VkPhysicalDevice device, uint32_t index, crayon_vk_candidate *c) {
    memset(c, 0, sizeof *c);
    c->device = device;
    crayon_device_info *info = &c->info;
    info->struct_size = sizeof *info;
    info->backend = CRAYON_BACKEND_VULKAN;
    info->index = index;

    VkPhysicalDeviceProperties base;
    fn->vkGetPhysicalDeviceProperties(device, &base);
    snprintf(info->name, sizeof info->name, "%s", base.deviceName);
    info->device_type = device_type(base.deviceType);
    info->vendor_id = base.vendorID;
    info->device_id = base.deviceID;
    info->api_version = base.apiVersion;

    int modern = base.apiVersion >= VK_API_VERSION_1_2;
    VkPhysicalDeviceVulkan11Features features11 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
    VkPhysicalDeviceVulkan12Features features12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES, .pNext = &features11};
    VkPhysicalDeviceSubgroupProperties subgroup = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    VkPhysicalDeviceMaintenance3Properties maintenance3 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES, .pNext = &subgroup};
    VkPhysicalDeviceDriverProperties driver = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES, .pNext = &maintenance3};
    c->max_allocation = (VkDeviceSize)1 << 30;
    if (modern) {
        VkPhysicalDeviceFeatures2 features = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &features12};
        fn->vkGetPhysicalDeviceFeatures2(device, &features);
        VkPhysicalDeviceProperties2 properties = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &driver};
        fn->vkGetPhysicalDeviceProperties2(device, &properties);
        snprintf(info->driver, sizeof info->driver, "%.120s %.120s", driver.driverName, driver.driverInfo);
        info->subgroup_size = subgroup.subgroupSize;
        c->max_allocation = maintenance3.maxMemoryAllocationSize;
        if (features11.storageBuffer16BitAccess) info->features |= CRAYON_FEATURE_FP16_STORAGE;
        if (features12.storageBuffer8BitAccess) info->features |= CRAYON_FEATURE_INT8_STORAGE;
        if (features12.shaderFloat16) info->features |= CRAYON_FEATURE_SHADER_FP16;
        if (features12.bufferDeviceAddress) info->features |= CRAYON_FEATURE_BUFFER_DEVICE_ADDRESS;
    } else {
        snprintf(info->driver, sizeof info->driver, "driver version 0x%x", base.driverVersion);
    }
    /* Buffers are capped by both the allocation limit and the buffer-size range we index. */
    if (c->max_allocation > ((VkDeviceSize)1 << 32) - 256) c->max_allocation = ((VkDeviceSize)1 << 32) - 256;
    info->max_allocation_bytes = c->max_allocation;

    VkPhysicalDeviceMemoryProperties memory;
    fn->vkGetPhysicalDeviceMemoryProperties(device, &memory);
    for (uint32_t h = 0; h < memory.memoryHeapCount; ++h)
        if ((memory.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) && memory.memoryHeaps[h].size > info->memory_bytes)
            info->memory_bytes = memory.memoryHeaps[h].size;

    uint32_t family_count = 0;
    fn->vkGetPhysicalDeviceQueueFamilyProperties(device, &family_count, NULL);
    VkQueueFamilyProperties *families = calloc(family_count ? family_count : 1, sizeof *families);
    int found = 0;
    if (families) {
        fn->vkGetPhysicalDeviceQueueFamilyProperties(device, &family_count, families);
        /* The first compute family, preferring one that can write timestamps. */
        for (int pass = 0; pass < 2 && !found; ++pass)
            for (uint32_t q = 0; q < family_count && !found; ++q)
                if ((families[q].queueFlags & VK_QUEUE_COMPUTE_BIT) && (pass == 1 || families[q].timestampValidBits > 0)) {
                    c->queue_family = q;
                    c->timestamp_valid_bits = families[q].timestampValidBits;
                    found = 1;
                }
        free(families);
    }
    if (found && c->timestamp_valid_bits > 0 && base.limits.timestampPeriod > 0) {
        info->features |= CRAYON_FEATURE_TIMESTAMPS;
        info->timestamp_period_ns = base.limits.timestampPeriod;
    }

    if (!modern)
        snprintf(c->unusable, sizeof c->unusable, "supports Vulkan %u.%u; the blend needs 1.2",
                 VK_API_VERSION_MAJOR(base.apiVersion), VK_API_VERSION_MINOR(base.apiVersion));
    else if (!(info->features & CRAYON_FEATURE_BUFFER_DEVICE_ADDRESS))
        snprintf(c->unusable, sizeof c->unusable, "lacks bufferDeviceAddress, which the blend shaders use");
    else if (!found)
        snprintf(c->unusable, sizeof c->unusable, "has no compute queue");
    else
        info->features |= CRAYON_FEATURE_USABLE;
}

int32_t crayon_vk_candidates(crayon_vk_functions *fn, VkInstance instance, crayon_vk_candidate **candidates, uint32_t *count) {
    *candidates = NULL;
    *count = 0;
    uint32_t n = 0;
    VkResult result = fn->vkEnumeratePhysicalDevices(instance, &n, NULL);
    if (result != VK_SUCCESS && result != VK_INCOMPLETE)
        return crayon_fail(CRAYON_ERROR_VULKAN, result, "vkEnumeratePhysicalDevices failed: %s", crayon_vk_result_name(result));
    if (n == 0) return CRAYON_OK;
    VkPhysicalDevice *devices = calloc(n, sizeof *devices);
    crayon_vk_candidate *list = calloc(n, sizeof *list);
    if (!devices || !list) {
        free(devices);
        free(list);
        return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory listing %u devices", n);
    }
    result = fn->vkEnumeratePhysicalDevices(instance, &n, devices);
    if (result != VK_SUCCESS && result != VK_INCOMPLETE) {
        free(devices);
        free(list);
        return crayon_fail(CRAYON_ERROR_VULKAN, result, "vkEnumeratePhysicalDevices failed: %s", crayon_vk_result_name(result));
    }
    for (uint32_t i = 0; i < n; ++i) describe(fn, devices[i], i, &list[i]);
    free(devices);
    *candidates = list;
    *count = n;
    return CRAYON_OK;
}

static int contains_ignoring_case(const char *text, const char *part) {
    size_t n = strlen(part);
    for (const char *t = text; *t; ++t) {
        size_t i = 0;
        while (i < n && t[i] && tolower((unsigned char)t[i]) == tolower((unsigned char)part[i])) ++i;
        if (i == n) return 1;
    }
    return n == 0;
}

int32_t crayon_vk_choose(const crayon_vk_candidate *candidates, uint32_t count, const crayon_engine_options *options,
                         uint32_t *chosen) {
    if (count == 0) return crayon_fail(CRAYON_ERROR_NO_DEVICE, 0, "no Vulkan device found");
    if (options->device_index >= 0) {
        uint32_t index = (uint32_t)options->device_index;
        if (index >= count)
            return crayon_fail(CRAYON_ERROR_NO_DEVICE, 0, "device index %u does not exist; there are %u Vulkan devices (0..%u)",
                               index, count, count - 1);
        if (candidates[index].unusable[0])
            return crayon_fail(CRAYON_ERROR_UNSUPPORTED, 0, "device %u (%s) %s", index, candidates[index].info.name,
                               candidates[index].unusable);
        *chosen = index;
        return CRAYON_OK;
    }
    /* Chosen automatically, a Vulkan device that runs on the CPU (lavapipe) loses to Crayon's own CPU kernels (~25x faster
       at blending): it is taken only when asked for, by name, index or the vulkan backend. */
    int skip_cpu_devices = options->backend == CRAYON_BACKEND_AUTO && !(options->device_name && options->device_name[0]);
    int best = -1;
    uint32_t skipped_cpu = 0;
    for (uint32_t i = 0; i < count; ++i) {
        const crayon_vk_candidate *c = &candidates[i];
        if (c->unusable[0]) continue;
        if (options->device_name && !contains_ignoring_case(c->info.name, options->device_name)) continue;
        if (skip_cpu_devices && c->info.device_type == CRAYON_DEVICE_CPU) {
            skipped_cpu++;
            continue;
        }
        if (best < 0 || type_rank(c->info.device_type) < type_rank(candidates[best].info.device_type)) best = (int)i;
    }
    if (best < 0) {
        if (options->device_name)
            return crayon_fail(CRAYON_ERROR_NO_DEVICE, 0, "no usable Vulkan device has a name containing '%s'", options->device_name);
        if (skipped_cpu)
            return crayon_fail(CRAYON_ERROR_NO_DEVICE, 0, "the only usable Vulkan device%s run%s on the CPU; Crayon's CPU kernels blend faster",
                               skipped_cpu == 1 ? "" : "s", skipped_cpu == 1 ? "s" : "");
        return crayon_fail(CRAYON_ERROR_NO_DEVICE, 0, "none of the %u Vulkan devices is usable (device 0: %s %s)", count,
                           candidates[0].info.name, candidates[0].unusable);
    }
    *chosen = (uint32_t)best;
    return CRAYON_OK;
}

/* A temporary instance and its candidates; the caller frees both (also on failure). */
static int32_t open_candidates(crayon_vk_functions *fn, VkInstance *instance, crayon_vk_candidate **candidates, uint32_t *count) {
    *candidates = NULL;
    *count = 0;
    int32_t status = crayon_vk_instance_create(fn, instance);
    if (status == CRAYON_OK) status = crayon_vk_candidates(fn, *instance, candidates, count);
    return status;
}

static void close_candidates(crayon_vk_functions *fn, VkInstance instance, crayon_vk_candidate *candidates) {
    free(candidates);
    if (instance && fn->vkDestroyInstance) fn->vkDestroyInstance(instance, NULL);
}

int32_t crayon_vk_devices_list(crayon_device_info *infos, uint32_t capacity, uint32_t *count) {
    crayon_vk_functions fn;
    VkInstance instance;
    crayon_vk_candidate *candidates;
    int32_t status = open_candidates(&fn, &instance, &candidates, count);
    if (status == CRAYON_ERROR_NO_DEVICE) {
        crayon_error_clear();
        status = CRAYON_OK; /* no Vulkan at all: an empty list */
    }
    for (uint32_t i = 0; status == CRAYON_OK && i < *count && i < capacity; ++i) infos[i] = candidates[i].info;
    close_candidates(&fn, instance, candidates);
    return status;
}

int32_t crayon_vk_devices_select(const crayon_engine_options *options, uint32_t *index) {
    crayon_vk_functions fn;
    VkInstance instance;
    crayon_vk_candidate *candidates;
    uint32_t count;
    int32_t status = open_candidates(&fn, &instance, &candidates, &count);
    if (status == CRAYON_OK) status = crayon_vk_choose(candidates, count, options, index);
    close_candidates(&fn, instance, candidates);
    return status;
}
