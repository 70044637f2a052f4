/* The Vulkan backend's shared pieces: device context, buffers, one-shot submissions, pipelines. */
#ifndef CRAYON_VK_INTERNAL_H
#define CRAYON_VK_INTERNAL_H
#include "engine.h"
#include "cpu_workers.h"
#include "vk_loader.h"

typedef enum crayon_vk_kernel {
    CRAYON_KERNEL_LINEAR_F32,
    CRAYON_KERNEL_LINEAR_F16,
    CRAYON_KERNEL_LINEAR_BF16,
    CRAYON_KERNEL_CONCAT_F32,
    CRAYON_KERNEL_CONCAT_F16,
    CRAYON_KERNEL_CONCAT_BF16,
    CRAYON_KERNEL_COPY,
    CRAYON_KERNEL_CONVERT_F16,
    CRAYON_KERNEL_MERGE_F32,
    CRAYON_KERNEL_MERGE_F16,
    CRAYON_KERNEL_MERGE_BF16,
    CRAYON_KERNEL_COUNT
} crayon_vk_kernel;

/* Push constants: every kernel's block fits in this many bytes. */
#define CRAYON_PUSH_CONSTANT_BYTES 48u
/* Timestamp slots: before the blend, after it, after the read-back copy (and spare). */
#define CRAYON_TIMESTAMP_SLOTS 4u

typedef enum crayon_vk_memory {
    CRAYON_MEMORY_DEVICE,    /* device-local, reached by buffer device address */
    CRAYON_MEMORY_UPLOAD,    /* host-visible, written by the host */
    CRAYON_MEMORY_READBACK   /* host-visible and preferably cached, read by the host */
} crayon_vk_memory;

#define CRAYON_LARGE_PAGE ((VkDeviceSize)2 << 20)

typedef struct crayon_vk_buffer {
    VkBuffer buffer;
    VkDeviceMemory memory;
    VkDeviceSize size;
    VkDeviceAddress address;  /* device-local buffers only */
    void *mapped;             /* host-visible buffers only */
    int coherent;
} crayon_vk_buffer;

typedef struct crayon_vk_candidate {
    VkPhysicalDevice device;
    crayon_device_info info;
    uint32_t queue_family;
    uint32_t timestamp_valid_bits;
    VkDeviceSize max_allocation;
    char unusable[160];       /* why it cannot run the blend; empty when usable */
} crayon_vk_candidate;

struct crayon_vk_engine {
    crayon_vk_functions fn;
    VkInstance instance;
    VkPhysicalDevice physical;
    VkDevice device;
    VkQueue queue;
    uint32_t queue_family;
    VkPhysicalDeviceMemoryProperties memory;
    VkDeviceSize max_allocation;
    VkCommandPool command_pool;
    VkCommandBuffer cmd;
    VkFence fence;
    VkPipelineCache pipeline_cache;
    VkPipelineLayout pipeline_layout;
    VkPipeline pipelines[CRAYON_KERNEL_COUNT];
    VkQueryPool timestamps;   /* VK_NULL_HANDLE without timestamp support */
    float timestamp_period_ns;
    uint64_t timestamp_mask;
    /* tuning (specialization constants and dispatch cap) */
    uint32_t workgroup_size;
    uint32_t loads_per_thread;
    uint32_t adapter_unroll;
    uint32_t max_workgroups;
    uint32_t max_workgroups_y;    /* the device's limit on a dispatch's second dimension (merge: one row per tensor) */
    uint32_t tuning_generation;   /* bumped by every retune: tables built for older tuning are stale */
    crayon_workers *host_copiers; /* copy read-back staging into large images; made on first need */
    crayon_vk_buffer copy_source; /* the copy-ceiling measurement's buffers, kept between measurements */
    crayon_vk_buffer copy_target;
};

/* The backend entry points, gathered in crayon_vk_ops (vk_engine.c). */
void crayon_vk_engine_destroy(crayon_engine *engine);
int32_t crayon_vk_retune(crayon_engine *engine, const crayon_engine_options *options);
int32_t crayon_vk_measure_copy(crayon_engine *engine, uint64_t bytes, uint32_t repetitions, crayon_copy_measurement *result);
int32_t crayon_vk_pool_create(crayon_pool *pool);
void crayon_vk_pool_destroy(crayon_pool *pool);
int32_t crayon_vk_pool_upload(crayon_pool *pool, uint32_t adapter, uint32_t first, uint32_t count, const float *const *data);
int32_t crayon_vk_pool_read_tensor(crayon_pool *pool, uint32_t adapter, uint32_t tensor, float *out);
int32_t crayon_vk_blend(crayon_pool *pool, const crayon_blend_request *request, float *const *outputs, crayon_blend_timings *timings);
int32_t crayon_vk_blend_to_image(crayon_pool *pool, const crayon_blend_request *request, const crayon_host_image *image,
                                 crayon_blend_timings *timings, uint64_t started_ns);
int32_t crayon_vk_poison_output(crayon_pool *pool, float value);

/* Lists the physical devices with what Crayon needs to know of each. *candidates is malloc'd. */
int32_t crayon_vk_candidates(crayon_vk_functions *fn, VkInstance instance, crayon_vk_candidate **candidates, uint32_t *count);
/* Applies the selection rules to the candidates. */
int32_t crayon_vk_choose(const crayon_vk_candidate *candidates, uint32_t count, const crayon_engine_options *options,
                         uint32_t *chosen);

/* Turns a VkResult into a status: CRAYON_OK on success, DEVICE_LOST (engine marked) and so on. */
int32_t crayon_vk_check(crayon_engine *engine, VkResult result, const char *during);

int32_t crayon_vk_buffer_create(crayon_engine *engine, VkDeviceSize size, crayon_vk_memory kind, crayon_vk_buffer *buffer,
                                const char *purpose);
void crayon_vk_buffer_destroy(crayon_engine *engine, crayon_vk_buffer *buffer);
/* Grows `buffer` (dropping its contents) to hold at least `bytes`. */
int32_t crayon_vk_ensure(crayon_engine *engine, crayon_vk_buffer *buffer, VkDeviceSize bytes, crayon_vk_memory kind,
                         const char *purpose);
/* Makes host writes visible to the device / device writes visible to the host (non-coherent memory). */
int32_t crayon_vk_buffer_flush(crayon_engine *engine, crayon_vk_buffer *buffer);
int32_t crayon_vk_buffer_invalidate(crayon_engine *engine, crayon_vk_buffer *buffer);

/* Resets and begins the engine's command buffer. */
int32_t crayon_vk_begin(crayon_engine *engine);
/* Ends, submits once and waits for the command buffer. */
int32_t crayon_vk_submit_and_wait(crayon_engine *engine, const char *during);
/* The two halves of crayon_vk_submit_and_wait, for work on the host while the device runs. */
int32_t crayon_vk_submit(crayon_engine *engine, const char *during);
int32_t crayon_vk_wait(crayon_engine *engine, const char *during);
/* How long a submission may run before the device is declared unusable, and what happens then: the engine is
 * marked lost (its command buffer may still be running) and DEVICE_LOST returned. */
#define CRAYON_SUBMIT_TIMEOUT_NS (120ull * 1000 * 1000 * 1000)
int32_t crayon_vk_hung(crayon_engine *engine, const char *during);
void crayon_vk_barrier(crayon_engine *engine, VkPipelineStageFlags source_stage, VkAccessFlags source_access,
                       VkPipelineStageFlags target_stage, VkAccessFlags target_access);
int32_t crayon_vk_pipeline(crayon_engine *engine, crayon_vk_kernel kernel, VkPipeline *pipeline);
/* Workgroups to dispatch for `tiles` tiles of work (capped; the kernels loop over the rest). */
uint32_t crayon_vk_workgroups(const crayon_vk_engine *vk, uint64_t tiles);
/* Reads `count` timestamps written by the last submission, as nanoseconds. 0 when unsupported. */
int32_t crayon_vk_timestamps(crayon_engine *engine, uint32_t count, uint64_t *ns);

#endif
