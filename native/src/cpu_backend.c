#define _GNU_SOURCE /* madvise */
/* The CPU path: same pool layout and semantics as the Vulkan path, computed by worker threads
 * with vectorized kernels. Used when there is no Vulkan device, or when asked for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu_kernels.h"
#include "cpu_merge.h"
#include "cpu_workers.h"
#include "engine.h"
#include "errors.h"
#include "image_chunks.h"

/* Outputs at least this large are written with streaming stores: they would not stay cached. */
#ifndef CRAYON_NONTEMPORAL_BYTES
#define CRAYON_NONTEMPORAL_BYTES (4ull << 20)
#endif

struct crayon_cpu_engine {
    crayon_workers *workers;
};

struct crayon_cpu_pool {
    void **adapters;       /* 64-byte aligned, padded layout */
    float *output;         /* persistent output for blends without caller destinations */
    uint64_t output_capacity;
};

static void crayon_cpu_engine_destroy(crayon_engine *engine) {
    if (!engine->cpu) return;
    crayon_workers_destroy(engine->cpu->workers);
    free(engine->cpu);
    engine->cpu = NULL;
}

/* Large buffers are 2 MiB aligned and asked for transparent huge pages: a blend streams many
 * buffers at once, and 4 KiB pages would cost a TLB miss per stream every 4 KiB. */
static void *allocate_aligned(uint64_t bytes) {
    const uint64_t huge = 2ull << 20;
    if (bytes < huge) return aligned_alloc(64, crayon_align_up(bytes ? bytes : 64, 64));
    uint64_t rounded = crayon_align_up(bytes, huge);
    void *memory = aligned_alloc(huge, rounded);
    if (memory) madvise(memory, rounded, MADV_HUGEPAGE); /* advice only: failure changes nothing */
    return memory;
}

static int32_t crayon_cpu_pool_create(crayon_pool *pool) {
    const crayon_layout *layout = &pool->layout;
    crayon_cpu_pool *cp = calloc(1, sizeof *cp);
    if (!cp) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory creating a pool");
    pool->cpu = cp;
    cp->adapters = calloc(layout->adapter_count, sizeof *cp->adapters);
    if (!cp->adapters) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory creating a pool");
    uint64_t bytes = layout->adapter_elements * layout->storage_bytes;
    for (uint32_t a = 0; a < layout->adapter_count; ++a) {
        cp->adapters[a] = allocate_aligned(bytes);
        if (!cp->adapters[a])
            return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory allocating adapter %u (%llu bytes)", a,
                               (unsigned long long)bytes);
        memset(cp->adapters[a], 0, bytes);
    }
    return CRAYON_OK;
}

static void crayon_cpu_pool_destroy(crayon_pool *pool) {
    crayon_cpu_pool *cp = pool->cpu;
    if (!cp) return;
    if (cp->adapters)
        for (uint32_t a = 0; a < pool->layout.adapter_count; ++a) free(cp->adapters[a]);
    free(cp->adapters);
    free(cp->output);
    free(cp);
    pool->cpu = NULL;
}

static int32_t crayon_cpu_pool_upload(crayon_pool *pool, uint32_t adapter, uint32_t first, uint32_t count, const float *const *data) {
    const crayon_layout *layout = &pool->layout;
    char *base = pool->cpu->adapters[adapter];
    for (uint32_t t = first; t < first + count; ++t)
        crayon_cpu_to_storage(base + layout->offsets[t] * layout->storage_bytes, data[t - first],
                              crayon_tensor_elements(&layout->tensors[t]), layout->storage);
    return CRAYON_OK;
}

static int32_t crayon_cpu_pool_read_tensor(crayon_pool *pool, uint32_t adapter, uint32_t tensor, float *out) {
    const crayon_layout *layout = &pool->layout;
    const char *base = pool->cpu->adapters[adapter];
    crayon_cpu_from_storage(out, base + layout->offsets[tensor] * layout->storage_bytes,
                            crayon_tensor_elements(&layout->tensors[tensor]), layout->storage);
    return CRAYON_OK;
}

static int32_t ensure_output(crayon_cpu_pool *cp, uint64_t elements) {
    if (cp->output && cp->output_capacity >= elements) return CRAYON_OK;
    free(cp->output);
    cp->output = allocate_aligned(elements * sizeof(float));
    cp->output_capacity = cp->output ? elements : 0;
    if (!cp->output)
        return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory for a %llu-element blend output", (unsigned long long)elements);
    return CRAYON_OK;
}

static int32_t crayon_cpu_poison_output(crayon_pool *pool, float value) {
    uint64_t largest;
    crayon_layout_output_offsets(&pool->layout, CRAYON_BLEND_CONCAT, pool->layout.adapter_count, NULL, &largest);
    int32_t status = ensure_output(pool->cpu, largest);
    if (status != CRAYON_OK) return status;
    for (uint64_t e = 0; e < pool->cpu->output_capacity; ++e) pool->cpu->output[e] = value;
    return CRAYON_OK;
}

/* One blend, split over the workers by equal shares of the elements written. */
typedef struct blend_job {
    const crayon_layout *layout;
    const crayon_cpu_pool *pool;
    const crayon_blend_request *request;
    uint32_t k;
    float *const *destinations;  /* one per tensor */
    uint64_t work;               /* elements written in all */
    int nontemporal;
    const crayon_merge_plan *merge; /* merge recipes only */
} blend_job;

static void share(uint64_t work, uint32_t worker, uint32_t workers, uint64_t *begin, uint64_t *end) {
    /* Shares start on 64-element boundaries so streaming stores stay aligned. */
    uint64_t per = crayon_align_up((work + workers - 1) / workers, 64);
    *begin = per * worker < work ? per * worker : work;
    *end = per * (worker + 1) < work ? per * (worker + 1) : work;
}

/* Runs `run` on each tensor's part of this worker's share of the elements (the same shares for every element-wise recipe). */
typedef void (*share_runner)(const blend_job *job, uint32_t tensor, const void **sources, uint64_t lo, uint64_t count);

static void walk_share(const blend_job *job, uint32_t worker, uint32_t workers, share_runner run) {
    const crayon_layout *layout = job->layout;
    const uint32_t n = layout->adapter_count;
    uint64_t begin, end;
    share(job->work, worker, workers, &begin, &end);
    const void *sources[n];
    uint64_t tensor_start = 0;
    for (uint32_t t = 0; t < layout->tensor_count && tensor_start < end; ++t) {
        uint64_t elements = crayon_tensor_elements(&layout->tensors[t]);
        uint64_t lo = begin > tensor_start ? begin - tensor_start : 0;
        uint64_t hi = end - tensor_start < elements ? end - tensor_start : elements;
        if (lo < hi) {
            for (uint32_t i = 0; i < n; ++i)
                sources[i] = (const char *)job->pool->adapters[i] + (layout->offsets[t] + lo) * layout->storage_bytes;
            run(job, t, sources, lo, hi - lo);
        }
        tensor_start += elements;
    }
}

static void run_linear(const blend_job *job, uint32_t t, const void **sources, uint64_t lo, uint64_t count) {
    crayon_cpu_linear(job->destinations[t] + lo, sources, job->request->weights, job->layout->adapter_count, count, job->layout->storage,
                      job->nontemporal);
}

/* The merge recipes are element-wise over all N adapters like linear, so they take the same shares. */
static void run_merge(const blend_job *job, uint32_t t, const void **sources, uint64_t lo, uint64_t count) {
    crayon_cpu_merge(job->destinations[t] + lo, sources, job->layout->adapter_count, t, job->layout->tensor_count, lo, count,
                     job->layout->storage, job->merge);
}

static void linear_task(void *context, uint32_t worker, uint32_t workers) { walk_share(context, worker, workers, run_linear); }

static void merge_task(void *context, uint32_t worker, uint32_t workers) { walk_share(context, worker, workers, run_merge); }

/* Copies source elements [lo, hi) of one tensor of the adapter in `slot` to their stacked place. */
static void concat_piece(const blend_job *job, uint32_t t, uint32_t slot, uint64_t lo, uint64_t hi) {
    const crayon_layout *layout = job->layout;
    const crayon_tensor_desc *d = &layout->tensors[t];
    uint32_t adapter = job->request->selection[slot];
    const char *source = (const char *)job->pool->adapters[adapter] + layout->offsets[t] * layout->storage_bytes;
    float *dst = job->destinations[t];
    if (d->role == CRAYON_TENSOR_LORA_A) {
        uint64_t elements = crayon_tensor_elements(d);
        crayon_cpu_scaled_copy(dst + slot * elements + lo, source + lo * layout->storage_bytes, job->request->weights[adapter],
                               hi - lo, layout->storage);
        return;
    }
    const uint64_t row_length = d->cols;
    for (uint64_t q = lo; q < hi;) {
        uint64_t row = q / row_length, column = q % row_length;
        uint64_t run = row_length - column < hi - q ? row_length - column : hi - q;
        crayon_cpu_scaled_copy(dst + row * row_length * job->k + slot * row_length + column, source + q * layout->storage_bytes,
                               1.0f, run, layout->storage);
        q += run;
    }
}

static void concat_task(void *context, uint32_t worker, uint32_t workers) {
    const blend_job *job = context;
    const crayon_layout *layout = job->layout;
    uint64_t begin, end;
    share(job->work, worker, workers, &begin, &end);
    uint64_t piece_start = 0;
    for (uint32_t t = 0; t < layout->tensor_count && piece_start < end; ++t) {
        uint64_t elements = crayon_tensor_elements(&layout->tensors[t]);
        for (uint32_t slot = 0; slot < job->k && piece_start < end; ++slot) {
            uint64_t lo = begin > piece_start ? begin - piece_start : 0;
            uint64_t hi = end - piece_start < elements ? end - piece_start : elements;
            if (lo < hi) concat_piece(job, t, slot, lo, hi);
            piece_start += elements;
        }
    }
}

static int32_t crayon_cpu_blend(crayon_pool *pool, const crayon_blend_request *request, float *const *outputs,
                         crayon_blend_timings *timings) {
    const crayon_layout *layout = &pool->layout;
    crayon_cpu_pool *cp = pool->cpu;
    const uint32_t k = crayon_request_k(layout, request);
    float **destinations = malloc(sizeof *destinations * layout->tensor_count);
    uint64_t *offsets = malloc(sizeof *offsets * layout->tensor_count);
    int32_t status = destinations && offsets ? CRAYON_OK : crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory");
    uint64_t total = 0, work = 0;
    crayon_task task = NULL;
    crayon_merge_plan merge = {0};
    if (status == CRAYON_OK) {
        switch (request->mode) {
        case CRAYON_BLEND_LINEAR: task = linear_task; break;
        case CRAYON_BLEND_CONCAT: task = concat_task; break;
        case CRAYON_BLEND_TIES:
        case CRAYON_BLEND_DARE_LINEAR:
        case CRAYON_BLEND_DARE_TIES:
        case CRAYON_BLEND_MAGNITUDE_PRUNE:
            task = merge_task;
            status = crayon_merge_plan_init(pool, request, &merge);
            break;
        default: status = crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "blend mode %u has no CPU kernel", request->mode);
        }
    }
    if (status == CRAYON_OK) {
        crayon_layout_output_offsets(layout, request->mode, k, offsets, &total);
        /* Without caller destinations the result stays in the persistent output buffer. */
        if (!outputs) status = ensure_output(cp, total);
    }
    if (status == CRAYON_OK) {
        for (uint32_t t = 0; t < layout->tensor_count; ++t) {
            destinations[t] = outputs ? outputs[t] : cp->output + offsets[t];
            work += crayon_layout_output_elements(layout, request->mode, k, t);
        }
        blend_job job = {.layout = layout, .pool = cp, .request = request, .k = k, .destinations = destinations, .work = work,
                         .nontemporal = work * sizeof(float) >= CRAYON_NONTEMPORAL_BYTES, .merge = &merge};
        uint64_t started = crayon_now_ns();
        crayon_workers_run(pool->engine->cpu->workers, task, &job);
        if (timings) timings->blend_device_ns = crayon_now_ns() - started;
    }
    crayon_merge_plan_free(&merge);
    free(destinations);
    free(offsets);
    return status;
}

/* The CPU's copy ceiling: memcpy split over the same workers. */
typedef struct copy_job {
    char *target;
    const char *source;
    uint64_t bytes;
} copy_job;

static void copy_task(void *context, uint32_t worker, uint32_t workers) {
    const copy_job *job = context;
    uint64_t begin, end;
    share(job->bytes, worker, workers, &begin, &end);
    if (begin < end) memcpy(job->target + begin, job->source + begin, end - begin);
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int32_t crayon_cpu_measure_copy(crayon_engine *engine, uint64_t bytes, uint32_t repetitions, crayon_copy_measurement *result) {
    char *source = allocate_aligned(bytes), *target = allocate_aligned(bytes);
    uint64_t *times = calloc(repetitions, sizeof *times);
    if (!source || !target || !times) {
        free(source);
        free(target);
        free(times);
        return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory for a %llu-byte copy", (unsigned long long)bytes);
    }
    memset(source, 1, bytes);
    memset(target, 0, bytes); /* fault the pages in before timing */
    copy_job job = {.target = target, .source = source, .bytes = bytes};
    for (uint32_t r = 0; r < repetitions; ++r) {
        uint64_t started = crayon_now_ns();
        crayon_workers_run(engine->cpu->workers, copy_task, &job);
        times[r] = crayon_now_ns() - started;
    }
    qsort(times, repetitions, sizeof *times, compare_u64);
    result->flags = 0;
    result->bytes = bytes;
    result->best_ns = times[0];
    result->median_ns = times[repetitions / 2];
    result->transfer_best_ns = 0;
    free(source);
    free(target);
    free(times);
    return CRAYON_OK;
}

/* The blend into the persistent fp32 output, then each tensor converted into its place in the image. With a landed
 * callback, the tensors are converted chunk by chunk in image order and each chunk is reported once converted (on
 * this one thread nothing lands during a callback, so reports are never merged). */
static int32_t crayon_cpu_blend_to_image(crayon_pool *pool, const crayon_blend_request *request, const crayon_host_image *image,
                                         crayon_blend_timings *timings, uint64_t started_ns) {
    int32_t status = crayon_cpu_blend(pool, request, NULL, timings);
    if (status != CRAYON_OK) return status;
    const crayon_layout *layout = &pool->layout;
    const uint32_t k = crayon_request_k(layout, request);
    uint64_t *offsets = malloc(sizeof *offsets * layout->tensor_count);
    if (!offsets) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory");
    uint64_t total;
    crayon_layout_output_offsets(layout, request->mode, k, offsets, &total);
    crayon_chunk_plan plan = {0};
    const int chunked = crayon_image_callback(image) != NULL;
    if (chunked) status = crayon_chunk_plan_init(&plan, layout, request->mode, k, image);
    uint64_t converting = 0;
    for (uint32_t c = 0; status == CRAYON_OK && c < (chunked ? plan.chunk_count : 1); ++c) {
        uint64_t started = crayon_now_ns();
        uint32_t first = chunked ? plan.chunk_first[c] : 0, end = chunked ? plan.chunk_first[c + 1] : layout->tensor_count;
        for (uint32_t i = first; i < end; ++i) {
            uint32_t t = chunked ? plan.order[i] : i;
            crayon_cpu_to_storage((char *)image->base + image->tensor_offsets[t], pool->cpu->output + offsets[t],
                                  crayon_layout_output_elements(layout, request->mode, k, t), image->storage);
        }
        converting += crayon_now_ns() - started;
        if (c == 0) timings->first_landed_ns = crayon_now_ns() - started_ns;
        timings->landed_ns = crayon_now_ns() - started_ns;
        if (chunked) status = crayon_chunk_deliver(image, &plan, c, 1, timings);
    }
    timings->readback_host_ns = converting;
    if (chunked) crayon_chunk_plan_free(&plan);
    free(offsets);
    return status;
}

const crayon_backend_ops crayon_cpu_ops = {
    .engine_destroy = crayon_cpu_engine_destroy,
    .measure_copy = crayon_cpu_measure_copy,
    .pool_create = crayon_cpu_pool_create,
    .pool_destroy = crayon_cpu_pool_destroy,
    .pool_upload = crayon_cpu_pool_upload,
    .pool_read_tensor = crayon_cpu_pool_read_tensor,
    .blend = crayon_cpu_blend,
    .blend_to_image = crayon_cpu_blend_to_image,
    .poison_output = crayon_cpu_poison_output,
};

int32_t crayon_cpu_engine_create(crayon_engine *engine, const crayon_engine_options *options) {
    engine->backend = CRAYON_BACKEND_CPU;
    engine->ops = &crayon_cpu_ops;
    crayon_cpu_engine *cpu = calloc(1, sizeof *cpu);
    if (!cpu) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory creating the engine");
    engine->cpu = cpu;
    uint32_t threads = options->cpu_threads ? options->cpu_threads : crayon_online_cores();
    if (threads > 1024) return crayon_fail(CRAYON_ERROR_INVALID_ARGUMENT, 0, "cpu_threads %u exceeds the limit 1024", threads);
    cpu->workers = crayon_workers_create(threads);
    if (!cpu->workers) return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "could not start %u worker threads", threads);

    crayon_device_info *info = &engine->info;
    info->backend = CRAYON_BACKEND_CPU;
    info->device_type = CRAYON_DEVICE_CPU;
    snprintf(info->name, sizeof info->name, "CPU");
    FILE *cpuinfo = fopen("/proc/cpuinfo", "r");
    if (cpuinfo) {
        char line[512];
        while (fgets(line, sizeof line, cpuinfo))
            if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
                char *model = strchr(line, ':') + 2;
                model[strcspn(model, "\n")] = '\0';
                snprintf(info->name, sizeof info->name, "%s", model);
                break;
            }
        fclose(cpuinfo);
    }
    snprintf(info->driver, sizeof info->driver, "crayon CPU kernels (%s)",
             crayon_cpu_features() & CRAYON_FEATURE_CPU_AVX512 ? "AVX-512"
             : crayon_cpu_features() & CRAYON_FEATURE_CPU_AVX2 ? "AVX2" : "portable C");
    info->features = CRAYON_FEATURE_USABLE | crayon_cpu_features();
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    info->memory_bytes = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
    info->max_allocation_bytes = info->memory_bytes;
    info->subgroup_size = crayon_cpu_simd_width();
    info->threads = threads;
    return CRAYON_OK;
}

