/*
 * crayon_blend: blends a pool of LoRA adapters on a Vulkan device (or on the CPU).
 *
 * A small C ABI of opaque handles; no Vulkan type crosses it. Conventions:
 *  - every function that can fail returns an int32_t crayon_status (0 = CRAYON_OK);
 *  - on failure, crayon_last_error() and crayon_last_vk_result() describe it (thread-local:
 *    read them on the thread that made the call, before the next call);
 *  - structs passed in or out start with `struct_size`, set by the caller to sizeof, so later
 *    ABI versions can append fields; the library rejects sizes it does not know;
 *  - an engine and its pools are used by one thread at a time.
 * CRAYON_ABI_VERSION changes whenever a signature, struct or enum value changes.
 * Version 2 added crayon_host_image, crayon_blend_to_image and crayon_engine_retune.
 * Version 3 added the landing of an image chunk by chunk (crayon_host_image.landed, crayon_image_chunk,
 * CRAYON_ERROR_STOPPED) and the landing times of crayon_blend_timings. Version 2 callers keep working:
 * a crayon_host_image or crayon_blend_timings whose struct_size is the version-2 size (the offset of its
 * first version-3 field) is accepted, and nothing past that size is read or written.
 * Version 4 added the factor-wise merge recipes (CRAYON_BLEND_TIES .. CRAYON_BLEND_MAGNITUDE_PRUNE) and their
 * parameters at the end of crayon_blend_request (density, majority_sign, seed). A version-3 request (struct_size up to
 * `density`) is still accepted for linear and concat; the merge recipes need the version-4 size. A mode this library
 * does not know is rejected with CRAYON_ERROR_INVALID_ARGUMENT naming it: it is never blended as another mode.
 */
#ifndef CRAYON_BLEND_H
#define CRAYON_BLEND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CRAYON_API __attribute__((visibility("default")))
#define CRAYON_ABI_VERSION 4

typedef struct crayon_engine crayon_engine;
typedef struct crayon_pool crayon_pool;

typedef enum crayon_status {
    CRAYON_OK = 0,
    CRAYON_ERROR_INVALID_ARGUMENT = 1, /* a caller error; the message names the argument and limit */
    CRAYON_ERROR_NO_DEVICE = 2,        /* no device matches the request */
    CRAYON_ERROR_UNSUPPORTED = 3,      /* the device lacks something the blend needs */
    CRAYON_ERROR_OUT_OF_MEMORY = 4,    /* host or device memory exhausted */
    CRAYON_ERROR_VULKAN = 5,           /* a Vulkan call failed; crayon_last_vk_result() says how */
    CRAYON_ERROR_DEVICE_LOST = 6,      /* the device is gone; every later call on the engine fails */
    CRAYON_ERROR_STOPPED = 7           /* the caller's landed callback returned non-zero; the engine stays usable */
} crayon_status;

typedef enum crayon_backend {
    CRAYON_BACKEND_AUTO = 0,   /* the best Vulkan device, else the CPU path */
    CRAYON_BACKEND_VULKAN = 1,
    CRAYON_BACKEND_CPU = 2     /* the native multithreaded C path, no Vulkan at all */
} crayon_backend;

typedef enum crayon_device_type {
    CRAYON_DEVICE_OTHER = 0,
    CRAYON_DEVICE_DISCRETE_GPU = 1,
    CRAYON_DEVICE_INTEGRATED_GPU = 2,
    CRAYON_DEVICE_VIRTUAL_GPU = 3,
    CRAYON_DEVICE_CPU = 4       /* a Vulkan device running on the CPU (lavapipe), or the CPU path */
} crayon_device_type;

/* crayon_device_info.features */
#define CRAYON_FEATURE_USABLE                 (1u << 0)  /* meets what the blend needs (Vulkan 1.2, buffer device address) */
#define CRAYON_FEATURE_FP16_STORAGE           (1u << 1)  /* storageBuffer16BitAccess */
#define CRAYON_FEATURE_INT8_STORAGE           (1u << 2)  /* storageBuffer8BitAccess */
#define CRAYON_FEATURE_SHADER_FP16            (1u << 3)  /* shaderFloat16 arithmetic */
#define CRAYON_FEATURE_BUFFER_DEVICE_ADDRESS  (1u << 4)
#define CRAYON_FEATURE_TIMESTAMPS             (1u << 5)  /* compute-queue timestamps */
#define CRAYON_FEATURE_SUBGROUP_SIZE_CONTROL  (1u << 6)
#define CRAYON_FEATURE_CPU_AVX2               (1u << 16) /* CPU path: kernels compiled for AVX2+FMA+F16C */
#define CRAYON_FEATURE_CPU_AVX512             (1u << 17) /* CPU path: kernels compiled for AVX-512 */

typedef struct crayon_device_info {
    uint32_t struct_size;
    uint32_t backend;              /* crayon_backend: VULKAN or CPU */
    uint32_t index;                /* Vulkan physical-device index; 0 for the CPU path */
    uint32_t device_type;          /* crayon_device_type */
    char name[256];
    char driver[256];              /* driver name and version text */
    uint32_t vendor_id;
    uint32_t device_id;
    uint32_t api_version;          /* Vulkan version, VK_MAKE_API_VERSION packing; 0 for the CPU path */
    uint32_t features;             /* CRAYON_FEATURE_* */
    uint64_t memory_bytes;         /* largest device-local heap; physical memory for the CPU path */
    uint64_t max_allocation_bytes; /* largest single buffer the blend may allocate */
    uint32_t subgroup_size;        /* Vulkan subgroup size; SIMD width in floats for the CPU path */
    uint32_t threads;              /* CPU path worker threads; 0 for Vulkan */
    float timestamp_period_ns;     /* 0 when the device has no compute timestamps */
    uint32_t reserved;
} crayon_device_info;

typedef struct crayon_engine_options {
    uint32_t struct_size;
    uint32_t backend;              /* crayon_backend */
    int32_t device_index;          /* Vulkan physical-device index, or -1 for automatic choice */
    uint32_t cpu_threads;          /* CPU path threads; 0 = one per online core */
    const char *device_name;       /* case-insensitive substring of the device name, or NULL */
    /* Kernel tuning (0 = default). Read by the Vulkan path only. */
    uint32_t workgroup_size;       /* invocations per workgroup (default 256) */
    uint32_t loads_per_thread;     /* 16-byte loads each invocation issues per adapter (default 1) */
    uint32_t adapter_unroll;       /* adapters folded per loop iteration (default 4) */
    uint32_t max_workgroups;       /* grid-stride cap on dispatched workgroups (default 65535) */
} crayon_engine_options;

typedef enum crayon_storage {
    CRAYON_STORAGE_F32 = 0,
    CRAYON_STORAGE_F16 = 1,        /* IEEE half, rounded to nearest even on upload */
    CRAYON_STORAGE_BF16 = 2        /* bfloat16, rounded to nearest even on upload */
} crayon_storage;

typedef enum crayon_tensor_role {
    CRAYON_TENSOR_LORA_A = 0,      /* rank x in: concat stacks it along rows, scaled by the weight */
    CRAYON_TENSOR_LORA_B = 1       /* out x rank: concat stacks it along columns, unscaled */
} crayon_tensor_role;

typedef struct crayon_tensor_desc {
    uint32_t rows;
    uint32_t cols;
    uint32_t role;                 /* crayon_tensor_role */
    uint32_t reserved;
} crayon_tensor_desc;

/* Every adapter of a pool has the same tensors, in this order. */
typedef struct crayon_pool_desc {
    uint32_t struct_size;
    uint32_t adapter_count;        /* N >= 1 */
    uint32_t tensor_count;         /* T >= 1 */
    uint32_t storage;              /* crayon_storage */
    const crayon_tensor_desc *tensors;
} crayon_pool_desc;

/* The recipes (named as in docs/ARCHITECTURE.md). Linear and concat use the weights as given. The merge recipes (ABI 4)
 * are PEFT's factor-wise merges for equal ranks: element-wise over the N adapters, A' from the A_i and B' from the B_i
 * separately, each factor scaled by f_i = sqrt(w_i) (so a single adapter's B'A' is w_i B_i A_i, as PEFT's
 * sqrt(weight * scaling) per factor; weights must be >= 0), and the output has the pool's shape. For an element x_i:
 *   keep_i  magnitude (ties, magnitude_prune): x_i is among the floor(density * elements) largest |x| of its tensor in
 *           adapter i (ties at the threshold: lowest element index first). random (dare_*): u(seed, i, t, e) < density,
 *           u from the counter-based hash below, so every backend drops the same elements for a seed.
 *   v_i     keep_i ? f_i * x_i : 0, with f_i = sqrt(w_i) / density for dare_* (PEFT's rescale).
 *   sum     magnitude_prune, dare_linear: out = sum_i v_i.
 *   ties    ties, dare_ties: m = +1 if S >= 0 else -1 with S = sum_i v_i (majority_sign total) or sum_i sign(v_i)
 *           (frequency); out = sum of the v_i with sign(v_i) == m, divided by their count (or by 1 if none). */
typedef enum crayon_blend_mode {
    CRAYON_BLEND_LINEAR = 0,       /* out = sum_i w_i X_i for every tensor */
    CRAYON_BLEND_CONCAT = 1,       /* A' = [w_s A_s] stacked on rows, B' = [B_s] stacked on columns */
    CRAYON_BLEND_TIES = 2,         /* magnitude trim, sign election, disjoint mean (ABI 4) */
    CRAYON_BLEND_DARE_LINEAR = 3,  /* random drop with rescale, then sum (ABI 4) */
    CRAYON_BLEND_DARE_TIES = 4,    /* random drop with rescale, sign election, disjoint mean (ABI 4) */
    CRAYON_BLEND_MAGNITUDE_PRUNE = 5 /* magnitude trim, then sum (ABI 4) */
} crayon_blend_mode;

/* crayon_blend_request.majority_sign (ties, dare_ties) */
typedef enum crayon_majority_sign {
    CRAYON_MAJORITY_SIGN_TOTAL = 0,     /* the sign of sum_i v_i */
    CRAYON_MAJORITY_SIGN_FREQUENCY = 1  /* the sign held by more of the v_i (ties go to +) */
} crayon_majority_sign;

/* The dare keep test, identical on every backend: mix is the 32-bit "lowbias32" integer hash
 * (x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b; x ^= x >> 16), s = mix(mix(seed_lo) ^ seed_hi),
 * key(i, t) = mix(mix(s ^ i) ^ t) for adapter i and tensor t, h = mix(mix(key ^ e)) for element e of the tensor
 * (row-major), and x_i is kept when (h >> 8) < round(density * 2^24). */

typedef struct crayon_blend_request {
    uint32_t struct_size;
    uint32_t mode;                 /* crayon_blend_mode */
    const float *weights;          /* one finite weight per adapter of the pool */
    uint32_t weight_count;         /* must equal the pool's adapter count */
    uint32_t selection_count;      /* concat: k, the number of adapters stacked; linear: 0 */
    const uint32_t *selection;     /* concat: k adapter indices, stacked in this order */
    /* ABI 4: read by the merge recipes only. */
    float density;                 /* fraction of each task tensor kept, in (0, 1] */
    uint32_t majority_sign;        /* crayon_majority_sign (ties, dare_ties) */
    uint64_t seed;                 /* dare_linear, dare_ties: which elements are dropped */
} crayon_blend_request;

/* crayon_blend_timings.flags */
#define CRAYON_TIMINGS_DEVICE_TIMESTAMPS (1u << 0) /* *_device_ns come from GPU timestamps */

typedef struct crayon_blend_timings {
    uint32_t struct_size;
    uint32_t flags;
    uint64_t blend_device_ns;      /* the blend kernel: GPU timestamps (CPU path: wall time; no timestamps: the submission) */
    uint64_t readback_device_ns;   /* device output -> host-visible staging (GPU timestamps) */
    uint64_t readback_host_ns;     /* staging -> caller memory on the host */
    uint64_t total_host_ns;        /* wall time of the whole crayon_blend call */
    /* ABI 3; crayon_blend_to_image only (0 from crayon_blend). Measured from the start of the call. */
    uint64_t first_landed_ns;      /* until the first chunk was complete in the image (the whole image without a callback) */
    uint64_t landed_ns;            /* until the last chunk was complete in the image (its callback may start later) */
    uint64_t callbacks_ns;         /* time spent in the caller's landed callbacks, all chunks together */
    uint32_t chunk_count;          /* chunks reported to the callback; 0 without one */
    uint32_t callback_count;       /* reports: chunk_count or fewer, when chunks landed during a callback */
} crayon_blend_timings;

typedef struct crayon_copy_measurement {
    uint32_t struct_size;
    uint32_t flags;                /* CRAYON_TIMINGS_DEVICE_TIMESTAMPS when GPU-timed */
    uint64_t bytes;                /* bytes copied per repetition (read once, written once) */
    uint64_t best_ns;              /* fastest repetition: compute-shader copy, or threaded memcpy */
    uint64_t median_ns;
    uint64_t transfer_best_ns;     /* fastest vkCmdCopyBuffer repetition; 0 for the CPU path */
} crayon_copy_measurement;

/* A part of an image that is complete (ABI 3): whole tensors, consecutive in the image. The image is read back in
 * chunks of whole tensors, in ascending image offset; a report covers every chunk that became complete since the
 * previous report: one, or several when they landed while the previous callback ran (so a slow callback gets fewer,
 * larger reports). Every tensor is reported exactly once. Valid only during the callback. */
typedef struct crayon_image_chunk {
    uint32_t struct_size;
    uint32_t first_chunk;           /* this report covers chunks first_chunk .. first_chunk + chunks - 1 */
    uint32_t chunks;
    uint32_t chunk_count;           /* chunks of this blend */
    uint32_t tensor_count;          /* tensors complete with this report (at least 1) */
    uint32_t reserved;
    const uint32_t *tensors;        /* their pool indices, in ascending image offset */
    uint64_t offset;                /* the bytes they span in the image: [offset, offset + bytes), from the first */
    uint64_t bytes;                 /* tensor's start to the last one's end (gaps between them left as they were) */
} crayon_image_chunk;

/* Called on the thread that called crayon_blend_to_image, in image order, as soon as chunks are in the image,
 * while the device keeps reading back the next ones: time spent here (an upload of the chunks elsewhere)
 * overlaps the rest of the read-back. Return 0 to go on; anything else stops the blend, which then fails with
 * CRAYON_ERROR_STOPPED once the device is idle (no later callback; later chunks of the image may or may not be
 * written). It must not call into this library for the same engine. */
typedef int32_t (*crayon_image_landed)(void *user, const crayon_image_chunk *chunk);

/* Where crayon_blend_to_image writes (ABI 2): one flat block of caller memory, every output
 * tensor at its own byte offset, in fp32 or fp16. A blended adapter can so land directly in the
 * data section of a GGUF image, or in the buffer a runtime uploads an adapter's tensors from,
 * with no further conversion or copy. Bytes of `base` outside the tensors are left as they are. */
typedef struct crayon_host_image {
    uint32_t struct_size;
    uint32_t storage;               /* CRAYON_STORAGE_F32 or CRAYON_STORAGE_F16: the element type written */
    void *base;
    uint64_t bytes;                 /* size of base */
    const uint64_t *tensor_offsets; /* one per pool tensor: its byte offset in base, a multiple of the element
                                       size; the tensors (output sizes for this mode and k) may not overlap */
    /* ABI 3: landing chunk by chunk (optional: NULL `landed` = the image is written whole, as in ABI 2). */
    crayon_image_landed landed;
    void *landed_user;              /* passed to `landed` as is */
    uint64_t chunk_bytes;           /* the most bytes a chunk spans (0 = 1 MiB); a tensor larger than this is a chunk alone */
} crayon_host_image;

/* --- library ------------------------------------------------------------------------------ */
CRAYON_API uint32_t crayon_abi_version(void);
/* sizeof of the ABI structs (0 for an unknown index): 0 device_info, 1 engine_options, 2 tensor_desc, 3 pool_desc,
 * 4 blend_request, 5 blend_timings, 6 copy_measurement, 7 host_image, 8 image_chunk (ABI 3). */
CRAYON_API uint32_t crayon_abi_struct_size(uint32_t which);
CRAYON_API const char *crayon_last_error(void);
CRAYON_API int32_t crayon_last_vk_result(void);   /* VkResult of the last failure, 0 if not Vulkan */

/* --- devices ------------------------------------------------------------------------------ */
/* Lists Vulkan devices (none, not an error, when there is no Vulkan loader or driver). Writes at
 * most `capacity` entries and the total into *count. */
CRAYON_API int32_t crayon_devices_list(crayon_device_info *infos, uint32_t capacity, uint32_t *count);
/* The backend and device index crayon_engine_create would choose for these options. */
CRAYON_API int32_t crayon_devices_select(const crayon_engine_options *options, uint32_t *backend, uint32_t *index);

/* --- engine ------------------------------------------------------------------------------- */
CRAYON_API int32_t crayon_engine_create(const crayon_engine_options *options, crayon_engine **engine);
/* Releases the caller's reference; the engine lives on until its last pool is destroyed. */
CRAYON_API void crayon_engine_destroy(crayon_engine *engine);
CRAYON_API int32_t crayon_engine_get_info(const crayon_engine *engine, crayon_device_info *info);
/* Copy bandwidth ceiling of the engine's device: a compute-shader copy (and vkCmdCopyBuffer) on
 * Vulkan, a memcpy split over the worker threads on the CPU path. */
CRAYON_API int32_t crayon_engine_measure_copy(crayon_engine *engine, uint64_t bytes, uint32_t repetitions,
                                              crayon_copy_measurement *result);

/* Applies new kernel tuning (the workgroup_size, loads_per_thread, adapter_unroll and max_workgroups
 * fields of `options`; 0 = default; the other fields are ignored) to a live engine: its pipelines are
 * rebuilt on next use, its pools stay resident. Lets a tuning sweep reuse uploaded pools. No-op on the
 * CPU path. */
CRAYON_API int32_t crayon_engine_retune(crayon_engine *engine, const crayon_engine_options *options);

/* --- pool --------------------------------------------------------------------------------- */
CRAYON_API int32_t crayon_pool_create(crayon_engine *engine, const crayon_pool_desc *desc, crayon_pool **pool);
CRAYON_API void crayon_pool_destroy(crayon_pool *pool);
/* Uploads tensors [first_tensor, first_tensor + tensor_count) of one adapter; data[t] points at
 * rows*cols row-major floats of tensor first_tensor + t. Converted to the pool's storage. */
CRAYON_API int32_t crayon_pool_upload(crayon_pool *pool, uint32_t adapter, uint32_t first_tensor,
                                      uint32_t tensor_count, const float *const *data);
/* Reads one stored tensor back as floats (after storage rounding). */
CRAYON_API int32_t crayon_pool_read_tensor(crayon_pool *pool, uint32_t adapter, uint32_t tensor,
                                           float *out, uint64_t out_count);
/* Elements of output tensor `tensor` for a blend of this mode and selection count. */
CRAYON_API int32_t crayon_pool_output_elements(const crayon_pool *pool, uint32_t mode, uint32_t selection_count,
                                               uint32_t tensor, uint64_t *elements);
/* Blends into the pool's persistent output buffer (one queue submission for all tensors). When
 * `outputs` is non-NULL it holds one destination per tensor (output_counts[t] floats each, at
 * least crayon_pool_output_elements) and the result is read back into them. `timings` may be NULL. */
CRAYON_API int32_t crayon_blend(crayon_pool *pool, const crayon_blend_request *request,
                                float *const *outputs, const uint64_t *output_counts,
                                crayon_blend_timings *timings);

/* Blends like crayon_blend and writes the result into `image` (fp16 conversion, if asked for,
 * happens on the device, rounded to nearest even, so only half the bytes are read back). Timings:
 * blend_device_ns is the blend kernel, readback_device_ns the conversion and the copy into host-visible
 * staging, readback_host_ns the copy from staging into the image (split over threads when large).
 * With image->landed (ABI 3) the read-back is pipelined: one submission copies the image chunk by chunk,
 * worker threads move each chunk out of staging as soon as the device has written it, and the calling
 * thread hands it to `landed` meanwhile. The linear recipe also blends in chunk order, in stages (same result, bit
 * for bit), so the first chunk waits for its own share of the blend only; its blend_device_ns then runs until the
 * last stage is blended, overlapping the earlier stages' read-back. The CPU path reports the same chunks, each once
 * converted. */
CRAYON_API int32_t crayon_blend_to_image(crayon_pool *pool, const crayon_blend_request *request,
                                         const crayon_host_image *image, crayon_blend_timings *timings);

/* --- testing hooks (never used by Crayon itself) ------------------------------------------ */
/* Marks a Vulkan engine's device as lost, exactly as a real VK_ERROR_DEVICE_LOST does: every
 * later call on the engine or its pools (except destroy) fails with CRAYON_ERROR_DEVICE_LOST
 * and crayon_last_vk_result() == VK_ERROR_DEVICE_LOST. There is no portable way to make a
 * driver lose a device on demand, hence this hook. */
CRAYON_API int32_t crayon_testing_simulate_device_lost(crayon_engine *engine);
/* Fills the pool's whole persistent output buffer with `value` (e.g. NaN) so that a blend that
 * leaves an element unwritten is caught. */
CRAYON_API int32_t crayon_testing_poison_output(crayon_pool *pool, float value);

#ifdef __cplusplus
}
#endif
#endif
