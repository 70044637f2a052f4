/* The objects behind the opaque handles, and the two backends' entry points. api.c checks
 * arguments and the lost state, then calls one backend; both backends see the same layout. */
#ifndef CRAYON_ENGINE_H
#define CRAYON_ENGINE_H
#include <stdatomic.h>

#include "crayon_blend.h"
#include "layout.h"

typedef struct crayon_vk_engine crayon_vk_engine;
typedef struct crayon_vk_pool crayon_vk_pool;
typedef struct crayon_cpu_engine crayon_cpu_engine;
typedef struct crayon_cpu_pool crayon_cpu_pool;
typedef struct crayon_backend_ops crayon_backend_ops;

struct crayon_engine {
    atomic_int references;    /* the caller's, plus one per live pool */
    uint32_t backend;         /* CRAYON_BACKEND_VULKAN or CRAYON_BACKEND_CPU */
    atomic_int lost;          /* set once the device is lost; never cleared */
    crayon_device_info info;
    const crayon_backend_ops *ops;  /* set once the backend's engine exists */
    crayon_vk_engine *vk;
    crayon_cpu_engine *cpu;
};

struct crayon_pool {
    crayon_engine *engine;
    crayon_layout layout;
    crayon_vk_pool *vk;
    crayon_cpu_pool *cpu;
    /* Magnitude pruning's exact per-tensor thresholds for prune_density (recipes.c); NULL until a magnitude merge,
     * dropped by every upload. */
    uint32_t *prune_thresholds;
    uint32_t *prune_cuts;
    float prune_density;
};

/* Records that the engine's device is gone and returns the status every later call gets. */
int32_t crayon_engine_mark_lost(crayon_engine *engine, int32_t vk_result, const char *during);

/* What a backend does; api.c has checked every argument before calling. */
struct crayon_backend_ops {
    void (*engine_destroy)(crayon_engine *engine);
    int32_t (*retune)(crayon_engine *engine, const crayon_engine_options *options);
    int32_t (*measure_copy)(crayon_engine *engine, uint64_t bytes, uint32_t repetitions, crayon_copy_measurement *result);
    int32_t (*pool_create)(crayon_pool *pool);
    void (*pool_destroy)(crayon_pool *pool);
    int32_t (*pool_upload)(crayon_pool *pool, uint32_t adapter, uint32_t first, uint32_t count, const float *const *data);
    int32_t (*pool_read_tensor)(crayon_pool *pool, uint32_t adapter, uint32_t tensor, float *out);
    int32_t (*blend)(crayon_pool *pool, const crayon_blend_request *request, float *const *outputs, crayon_blend_timings *timings);  /* timings never NULL */
    /* `timings` is never NULL; landing times are measured from `started_ns` (crayon_now_ns at the call's start). */
    int32_t (*blend_to_image)(crayon_pool *pool, const crayon_blend_request *request, const crayon_host_image *image,
                              crayon_blend_timings *timings, uint64_t started_ns);
    int32_t (*poison_output)(crayon_pool *pool, float value);
};

/* Vulkan backend (vk_*.c). */
extern const crayon_backend_ops crayon_vk_ops;
int32_t crayon_vk_engine_create(crayon_engine *engine, const crayon_engine_options *options);
int32_t crayon_vk_devices_list(crayon_device_info *infos, uint32_t capacity, uint32_t *count);
int32_t crayon_vk_devices_select(const crayon_engine_options *options, uint32_t *index);

/* CPU backend (cpu_backend.c). */
extern const crayon_backend_ops crayon_cpu_ops;
int32_t crayon_cpu_engine_create(crayon_engine *engine, const crayon_engine_options *options);

/* Monotonic clock in nanoseconds. */
uint64_t crayon_now_ns(void);

#endif
