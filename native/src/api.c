/* The public C ABI: argument checks, the lost-device state, reference counts, and dispatch to
 * the Vulkan or CPU backend. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "errors.h"
#include "recipes.h"

#define CRAYON_MAX_ADAPTERS 4096u   /* the blend entry table is updated inline, 16 bytes each, <= 64 KiB */
#define VK_ERROR_DEVICE_LOST_VALUE (-4)

uint64_t crayon_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

CRAYON_API uint32_t crayon_abi_version(void) { return CRAYON_ABI_VERSION; }

CRAYON_API uint32_t crayon_abi_struct_size(uint32_t which) {
    switch (which) {
    case 0: return sizeof(crayon_device_info);
    case 1: return sizeof(crayon_engine_options);
    case 2: return sizeof(crayon_tensor_desc);
    case 3: return sizeof(crayon_pool_desc);
    case 4: return sizeof(crayon_blend_request);
    case 5: return sizeof(crayon_blend_timings);
    case 6: return sizeof(crayon_copy_measurement);
    case 7: return sizeof(crayon_host_image);
    case 8: return sizeof(crayon_image_chunk);
    default: return 0;
    }
}

CRAYON_API const char *crayon_last_error(void) { return crayon_error_message(); }
CRAYON_API int32_t crayon_last_vk_result(void) { return crayon_error_vk_result(); }

int32_t crayon_engine_mark_lost(crayon_engine *engine, int32_t vk_result, const char *during) {
    atomic_store(&engine->lost, 1);
    return crayon_fail(CRAYON_ERROR_DEVICE_LOST, vk_result,
                       "the Vulkan device '%s' was lost while %s (%s); this engine and its pools cannot be used again: "
                       "destroy them and create a new engine",
                       engine->info.name, during, crayon_vk_result_name(vk_result));
}

static int32_t check_engine(const crayon_engine *engine) {
    if (!engine) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "engine is NULL");
    if (atomic_load(&engine->lost))
        return crayon_fail(CRAYON_ERROR_DEVICE_LOST, VK_ERROR_DEVICE_LOST_VALUE,
                           "the Vulkan device '%s' was lost earlier (VK_ERROR_DEVICE_LOST); this engine and its pools cannot be "
                           "used again: destroy them and create a new engine",
                           engine->info.name);
    return CRAYON_OK;
}

static int32_t check_pool(const crayon_pool *pool) {
    if (!pool) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "pool is NULL");
    return check_engine(pool->engine);
}

static int32_t check_adapter(const crayon_layout *layout, uint32_t adapter) {
    if (adapter < layout->adapter_count) return CRAYON_OK;
    return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "adapter %u is out of range; the pool has %u adapters", adapter,
                       layout->adapter_count);
}

static int32_t check_tensor(const crayon_layout *layout, uint32_t tensor) {
    if (tensor < layout->tensor_count) return CRAYON_OK;
    return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "tensor %u is out of range; each adapter has %u tensors", tensor,
                       layout->tensor_count);
}

static const crayon_engine_options default_options = {.struct_size = sizeof(crayon_engine_options), .device_index = -1};

static int32_t check_options(const crayon_engine_options **options) {
    if (!*options) *options = &default_options;
    if ((*options)->struct_size != sizeof(crayon_engine_options))
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "crayon_engine_options.struct_size is %u, this library expects %u",
                           (*options)->struct_size, (unsigned)sizeof(crayon_engine_options));
    if ((*options)->backend > CRAYON_BACKEND_CPU)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "backend %u is not auto (0), vulkan (1) or cpu (2)", (*options)->backend);
    if ((*options)->device_index < -1)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "device_index %d is negative; use -1 for automatic choice",
                           (*options)->device_index);
    return CRAYON_OK;
}

/* AUTO falls back to the CPU path only when no device was named and none exists. */
static int auto_falls_back(const crayon_engine_options *options, int32_t status) {
    return options->backend == CRAYON_BACKEND_AUTO && status == CRAYON_ERROR_NO_DEVICE && options->device_index < 0 &&
           (!options->device_name || !options->device_name[0]);
}

CRAYON_API int32_t crayon_devices_list(crayon_device_info *infos, uint32_t capacity, uint32_t *count) {
    crayon_error_clear();
    if (!count) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "count is NULL");
    if (capacity > 0 && !infos) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "infos is NULL but capacity is %u", capacity);
    return crayon_vk_devices_list(infos, capacity, count);
}

CRAYON_API int32_t crayon_devices_select(const crayon_engine_options *options, uint32_t *backend, uint32_t *index) {
    crayon_error_clear();
    int32_t status = check_options(&options);
    if (status != CRAYON_OK) return status;
    if (!backend || !index) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "backend or index is NULL");
    *backend = CRAYON_BACKEND_CPU;
    *index = 0;
    if (options->backend == CRAYON_BACKEND_CPU) return CRAYON_OK;
    status = crayon_vk_devices_select(options, index);
    if (status == CRAYON_OK) {
        *backend = CRAYON_BACKEND_VULKAN;
    } else if (auto_falls_back(options, status)) {
        crayon_error_clear();
        *index = 0;
        status = CRAYON_OK;
    }
    return status;
}

static void engine_release(crayon_engine *engine) {
    if (atomic_fetch_sub(&engine->references, 1) != 1) return;
    if (engine->ops) engine->ops->engine_destroy(engine);
    free(engine);
}

static crayon_engine *engine_new(void) {
    crayon_engine *engine = calloc(1, sizeof *engine);
    if (engine) atomic_init(&engine->references, 1);
    return engine;
}

CRAYON_API int32_t crayon_engine_create(const crayon_engine_options *options, crayon_engine **out) {
    crayon_error_clear();
    if (!out) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "engine output pointer is NULL");
    *out = NULL;
    int32_t status = check_options(&options);
    if (status != CRAYON_OK) return status;
    crayon_engine *engine = engine_new();
    if (!engine) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory creating the engine");
    if (options->backend == CRAYON_BACKEND_CPU) {
        status = crayon_cpu_engine_create(engine, options);
    } else {
        status = crayon_vk_engine_create(engine, options);
        if (auto_falls_back(options, status)) {
            engine_release(engine);
            engine = engine_new();
            if (!engine) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory creating the engine");
            crayon_error_clear();
            status = crayon_cpu_engine_create(engine, options);
        }
    }
    if (status != CRAYON_OK) {
        engine_release(engine);
        return status;
    }
    engine->info.struct_size = sizeof engine->info;
    *out = engine;
    return CRAYON_OK;
}

CRAYON_API void crayon_engine_destroy(crayon_engine *engine) {
    if (engine) engine_release(engine);
}

CRAYON_API int32_t crayon_engine_get_info(const crayon_engine *engine, crayon_device_info *info) {
    crayon_error_clear();
    int32_t status = check_engine(engine);
    if (status != CRAYON_OK) return status;
    if (!info) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "info is NULL");
    if (info->struct_size != sizeof *info)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "crayon_device_info.struct_size is %u, this library expects %u",
                           info->struct_size, (unsigned)sizeof *info);
    *info = engine->info;
    return CRAYON_OK;
}

CRAYON_API int32_t crayon_engine_measure_copy(crayon_engine *engine, uint64_t bytes, uint32_t repetitions,
                                              crayon_copy_measurement *result) {
    crayon_error_clear();
    int32_t status = check_engine(engine);
    if (status != CRAYON_OK) return status;
    if (!result || result->struct_size != sizeof *result)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "result is NULL or its struct_size is not %u", (unsigned)sizeof *result);
    if (bytes < 4096) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "copy size %llu bytes is below the minimum 4096",
                                         (unsigned long long)bytes);
    if (repetitions == 0 || repetitions > 10000)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "repetitions %u is outside 1..10000", repetitions);
    return engine->ops->measure_copy(engine, bytes, repetitions, result);
}

CRAYON_API int32_t crayon_engine_retune(crayon_engine *engine, const crayon_engine_options *options) {
    crayon_error_clear();
    int32_t status = check_engine(engine);
    if (status != CRAYON_OK) return status;
    if (!options) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "options is NULL");
    status = check_options(&options);
    if (status != CRAYON_OK) return status;
    return engine->ops->retune ? engine->ops->retune(engine, options) : CRAYON_OK;
}

CRAYON_API int32_t crayon_pool_create(crayon_engine *engine, const crayon_pool_desc *desc, crayon_pool **out) {
    crayon_error_clear();
    if (!out) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "pool output pointer is NULL");
    *out = NULL;
    int32_t status = check_engine(engine);
    if (status != CRAYON_OK) return status;
    crayon_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory creating a pool");
    status = crayon_layout_init(&pool->layout, desc);
    if (status == CRAYON_OK && pool->layout.adapter_count > CRAYON_MAX_ADAPTERS)
        status = crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "adapter_count %u exceeds the limit %u", pool->layout.adapter_count,
                             CRAYON_MAX_ADAPTERS);
    if (status != CRAYON_OK) {
        crayon_layout_free(&pool->layout);
        free(pool);
        return status;
    }
    atomic_fetch_add(&engine->references, 1);
    pool->engine = engine;
    status = engine->ops->pool_create(pool);
    if (status != CRAYON_OK) {
        crayon_pool_destroy(pool);
        return status;
    }
    *out = pool;
    return CRAYON_OK;
}

CRAYON_API void crayon_pool_destroy(crayon_pool *pool) {
    if (!pool) return;
    crayon_engine *engine = pool->engine;
    engine->ops->pool_destroy(pool);
    crayon_merge_forget(pool);
    crayon_layout_free(&pool->layout);
    free(pool);
    engine_release(engine);
}

CRAYON_API int32_t crayon_pool_upload(crayon_pool *pool, uint32_t adapter, uint32_t first_tensor, uint32_t tensor_count,
                                      const float *const *data) {
    crayon_error_clear();
    int32_t status = check_pool(pool);
    if (status == CRAYON_OK) status = check_adapter(&pool->layout, adapter);
    if (status != CRAYON_OK) return status;
    const crayon_layout *layout = &pool->layout;
    if (tensor_count == 0 || first_tensor >= layout->tensor_count || tensor_count > layout->tensor_count - first_tensor)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "tensors %u..%u are out of range; each adapter has %u tensors",
                           first_tensor, first_tensor + tensor_count - 1, layout->tensor_count);
    if (!data) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "data is NULL");
    for (uint32_t t = 0; t < tensor_count; ++t)
        if (!data[t]) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "data for tensor %u is NULL", first_tensor + t);
    crayon_merge_forget(pool); /* the magnitude thresholds were found on the old data */
    return pool->engine->ops->pool_upload(pool, adapter, first_tensor, tensor_count, data);
}

CRAYON_API int32_t crayon_pool_read_tensor(crayon_pool *pool, uint32_t adapter, uint32_t tensor, float *out, uint64_t out_count) {
    crayon_error_clear();
    int32_t status = check_pool(pool);
    if (status == CRAYON_OK) status = check_adapter(&pool->layout, adapter);
    if (status == CRAYON_OK) status = check_tensor(&pool->layout, tensor);
    if (status != CRAYON_OK) return status;
    const crayon_layout *layout = &pool->layout;
    uint64_t elements = crayon_tensor_elements(&layout->tensors[tensor]);
    if (!out || out_count < elements)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "out holds %llu floats; tensor %u has %llu", (unsigned long long)out_count,
                           tensor, (unsigned long long)elements);
    return pool->engine->ops->pool_read_tensor(pool, adapter, tensor, out);
}

CRAYON_API int32_t crayon_pool_output_elements(const crayon_pool *pool, uint32_t mode, uint32_t selection_count, uint32_t tensor,
                                               uint64_t *elements) {
    crayon_error_clear();
    int32_t status = check_pool(pool);
    if (status != CRAYON_OK) return status;
    if (!elements) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "elements is NULL");
    uint32_t shape;
    status = crayon_mode_output_shape(mode, &shape);
    if (status == CRAYON_OK) status = check_tensor(&pool->layout, tensor);
    if (status != CRAYON_OK) return status;
    if (shape == CRAYON_SHAPE_STACKED && (selection_count == 0 || selection_count > pool->layout.adapter_count))
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "concat selection_count %u must be between 1 and %u", selection_count,
                           pool->layout.adapter_count);
    *elements = crayon_layout_output_elements(&pool->layout, mode, selection_count, tensor);
    return CRAYON_OK;
}

/* An ABI 3 request (shorter, no merge parameters) as a whole ABI 4 one, so nothing past the caller's struct is read. */
static int32_t normalize_request(const crayon_blend_request *given, crayon_blend_request *full) {
    if (!given) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "blend request is NULL");
    if (given->struct_size == sizeof *full) {
        *full = *given;
        return CRAYON_OK;
    }
    if (given->struct_size != CRAYON_BLEND_REQUEST_V3_SIZE)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "crayon_blend_request.struct_size is %u, this library expects %u (or %u, ABI 3)",
                           given->struct_size, (unsigned)sizeof *full, (unsigned)CRAYON_BLEND_REQUEST_V3_SIZE);
    memset(full, 0, sizeof *full);
    memcpy(full, given, CRAYON_BLEND_REQUEST_V3_SIZE);
    full->struct_size = sizeof *full;
    if (full->mode != CRAYON_BLEND_LINEAR && full->mode != CRAYON_BLEND_CONCAT)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "blend mode %u (%s) needs an ABI 4 crayon_blend_request (struct_size %u), got %u",
                           full->mode, crayon_mode_name(full->mode) ? crayon_mode_name(full->mode) : "unknown", (unsigned)sizeof *full,
                           given->struct_size);
    return CRAYON_OK;
}

/* Checks shared by both blend calls: the pool, the timings struct, the request, and (for images) the image. */
static int32_t check_blend(crayon_pool *pool, const crayon_blend_request *request, float *const *outputs, const uint64_t *output_counts,
                           const crayon_host_image *image, crayon_blend_timings *timings) {
    int32_t status = check_pool(pool);
    if (status != CRAYON_OK) return status;
    if (timings && timings->struct_size != sizeof *timings && timings->struct_size != CRAYON_BLEND_TIMINGS_V2_SIZE)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "crayon_blend_timings.struct_size is %u, this library expects %u (or %u, ABI 2)",
                           timings->struct_size, (unsigned)sizeof *timings, (unsigned)CRAYON_BLEND_TIMINGS_V2_SIZE);
    status = crayon_check_request(&pool->layout, request, outputs, output_counts);
    if (status == CRAYON_OK && image)
        status = crayon_check_image(&pool->layout, request->mode, crayon_request_k(&pool->layout, request), image);
    return status;
}

/* The backends fill a whole ABI 3 struct; an ABI 2 caller gets its part of it. */
static void report_timings(crayon_blend_timings *timings, crayon_blend_timings *measured, uint64_t started) {
    measured->total_host_ns = crayon_now_ns() - started;
    if (!timings) return;
    uint32_t size = timings->struct_size;
    memcpy(timings, measured, size);
    timings->struct_size = size;
}

CRAYON_API int32_t crayon_blend(crayon_pool *pool, const crayon_blend_request *request, float *const *outputs,
                                const uint64_t *output_counts, crayon_blend_timings *timings) {
    uint64_t started = crayon_now_ns();
    crayon_error_clear();
    crayon_blend_request full;
    int32_t status = normalize_request(request, &full);
    if (status == CRAYON_OK) status = check_blend(pool, &full, outputs, output_counts, NULL, timings);
    if (status != CRAYON_OK) return status;
    crayon_blend_timings measured = {.struct_size = sizeof measured};
    status = pool->engine->ops->blend(pool, &full, outputs, &measured);
    report_timings(timings, &measured, started);
    return status;
}

CRAYON_API int32_t crayon_blend_to_image(crayon_pool *pool, const crayon_blend_request *request, const crayon_host_image *image,
                                         crayon_blend_timings *timings) {
    uint64_t started = crayon_now_ns();
    crayon_error_clear();
    if (!image) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "image is NULL");
    crayon_blend_request full;
    int32_t status = normalize_request(request, &full);
    if (status == CRAYON_OK) status = check_blend(pool, &full, NULL, NULL, image, timings);
    if (status != CRAYON_OK) return status;
    crayon_blend_timings measured = {.struct_size = sizeof measured};
    status = pool->engine->ops->blend_to_image(pool, &full, image, &measured, started);
    report_timings(timings, &measured, started);
    return status;
}

CRAYON_API int32_t crayon_testing_simulate_device_lost(crayon_engine *engine) {
    crayon_error_clear();
    int32_t status = check_engine(engine);
    if (status != CRAYON_OK) return status;
    if (engine->backend != CRAYON_BACKEND_VULKAN)
        return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "the CPU path has no device to lose");
    atomic_store(&engine->lost, 1);
    return CRAYON_OK;
}

CRAYON_API int32_t crayon_testing_poison_output(crayon_pool *pool, float value) {
    crayon_error_clear();
    int32_t status = check_pool(pool);
    if (status != CRAYON_OK) return status;
    return pool->engine->ops->poison_output(pool, value);
}
