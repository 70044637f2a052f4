#define _GNU_SOURCE /* sched_yield, nanosleep */
/* Read-back staging to caller memory. Whole: after the submission, split over threads when large. Chunk by
 * chunk (ABI 3): worker threads move each chunk out of staging as soon as the device has set its event, while
 * the calling thread hands the chunks landed so far to the caller, whose work (an upload elsewhere) then
 * overlaps the rest of the read-back. */
#include "vk_landing.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "vk_pool.h"

/* Tensors laid end to end (in `order`, or all in pool order), copied from staging to their destinations. */
typedef struct host_copy {
    const crayon_readback_plan *plan;
    const char *staging;
    const uint32_t *order;   /* NULL: tensors 0..count-1 */
    uint32_t count;
    uint64_t total;          /* bytes of those tensors */
} host_copy;

static uint32_t copy_tensor(const host_copy *copy, uint32_t i) { return copy->order ? copy->order[i] : i; }

static uint64_t copy_total(host_copy *copy) {
    copy->total = 0;
    for (uint32_t i = 0; i < copy->count; ++i) copy->total += copy->plan->tensor_bytes[copy_tensor(copy, i)];
    return copy->total;
}

/* Copies share `share` of `shares` of the bytes (4 KiB-aligned pieces, so threads do not share pages). */
static void copy_share(const host_copy *copy, uint32_t share, uint32_t shares) {
    const crayon_readback_plan *plan = copy->plan;
    uint64_t per = crayon_align_up((copy->total + shares - 1) / shares, 4096);
    uint64_t begin = per * share < copy->total ? per * share : copy->total;
    uint64_t end = per * (share + 1) < copy->total ? per * (share + 1) : copy->total;
    uint64_t start = 0;
    for (uint32_t i = 0; i < copy->count && start < end; ++i) {
        uint32_t t = copy_tensor(copy, i);
        uint64_t bytes = plan->tensor_bytes[t];
        uint64_t lo = begin > start ? begin - start : 0;
        uint64_t hi = end - start < bytes ? end - start : bytes;
        if (lo < hi) memcpy(plan->destinations[t] + lo, copy->staging + plan->staging_offsets[t] + lo, hi - lo);
        start += bytes;
    }
}

static void copy_task(void *context, uint32_t worker, uint32_t workers) { copy_share(context, worker, workers); }

/* Large read-backs are copied out of staging by several threads: one thread's memcpy from
 * uncached-for-writes staging runs far below the memory bandwidth. */
#define CRAYON_PARALLEL_COPY_BYTES (4ull << 20)
#define CRAYON_HOST_COPIERS 8u

static crayon_workers *copiers(crayon_vk_engine *vk) {
    if (!vk->host_copiers) {
        uint32_t cores = crayon_online_cores();
        vk->host_copiers = crayon_workers_create(cores < CRAYON_HOST_COPIERS ? cores : CRAYON_HOST_COPIERS);
    }
    return vk->host_copiers;
}

void crayon_vk_copy_out(crayon_vk_engine *vk, const crayon_layout *layout, const crayon_readback_plan *plan, const char *staging) {
    host_copy copy = {.plan = plan, .staging = staging, .count = layout->tensor_count};
    crayon_workers *workers = copy_total(&copy) >= CRAYON_PARALLEL_COPY_BYTES ? copiers(vk) : NULL;
    if (workers) crayon_workers_run(workers, copy_task, &copy);
    else copy_share(&copy, 0, 1);
}

/* --- landing chunk by chunk ---------------------------------------------------------------------------------- */

typedef struct landing {
    crayon_vk_engine *vk;
    const crayon_readback_plan *plan;
    const VkEvent *events;
    crayon_vk_buffer *staging;
    crayon_blend_timings *timings;
    uint32_t movers;          /* workers 1..movers move chunks out of staging; 0: the calling thread does it too */
    atomic_uint *moved;       /* per chunk: movers done with it */
    uint64_t *landed_at;      /* per chunk: when it was whole in caller memory (since the call's start); read after the join */
    atomic_int stop;          /* set when the callback stops, a mover fails, or everything is reported */
    atomic_int failure;       /* a mover's VkResult (VK_TIMEOUT: the hang limit); 0 = none */
    uint64_t *copy_ns;        /* per mover: time spent copying */
    int32_t status;           /* the calling thread's: CRAYON_OK or the callback's stop */
} landing;

/* Waiting on the device or on other threads: yield while the wait is young (the blend before the first chunk takes
 * ~0.3 ms on a data-center GPU, then a chunk lands every ~0.05 ms), then sleep in small steps so that a long read-back
 * or a CPU device (lavapipe) does not have every core spinning. */
static void back_off(uint64_t waiting_since) {
    if (crayon_now_ns() - waiting_since < 1000000) {
        sched_yield();
        return;
    }
    struct timespec pause = {.tv_nsec = 20000};
    nanosleep(&pause, NULL);
}

/* Waits for the device to set `event`: VK_SUCCESS, VK_NOT_READY when told to stop, VK_TIMEOUT at the hang limit,
 * or the error the device reported. */
static VkResult wait_for_event(landing *job, VkEvent event) {
    uint64_t since = crayon_now_ns();
    for (;;) {
        VkResult result = job->vk->fn.vkGetEventStatus(job->vk->device, event);
        if (result == VK_EVENT_SET) return VK_SUCCESS;
        if (result != VK_EVENT_RESET) return result;
        if (atomic_load_explicit(&job->stop, memory_order_relaxed)) return VK_NOT_READY;
        if (crayon_now_ns() - since > CRAYON_SUBMIT_TIMEOUT_NS) return VK_TIMEOUT;
        back_off(since);
    }
}

static void fail(landing *job, VkResult result) {
    int expected = 0;
    atomic_compare_exchange_strong(&job->failure, &expected, (int)result);
    atomic_store(&job->stop, 1);
}

static host_copy chunk_copy(const landing *job, uint32_t c) {
    const crayon_chunk_plan *chunks = job->plan->chunks;
    host_copy copy = {.plan = job->plan, .staging = job->staging->mapped, .order = chunks->order + chunks->chunk_first[c],
                      .count = chunks->chunk_first[c + 1] - chunks->chunk_first[c]};
    copy_total(&copy);
    return copy;
}

/* A mover: every chunk in order, its share of each as soon as the device has written the chunk. */
static void move_chunks(landing *job, uint32_t mover) {
    for (uint32_t c = 0; c < job->plan->chunks->chunk_count; ++c) {
        VkResult waited = wait_for_event(job, job->events[c]);
        if (waited == VK_NOT_READY) return;
        if (waited != VK_SUCCESS) {
            fail(job, waited);
            return;
        }
        host_copy copy = chunk_copy(job, c);
        uint64_t started = crayon_now_ns();
        copy_share(&copy, mover - 1, job->movers);
        job->copy_ns[mover - 1] += crayon_now_ns() - started;
        if (atomic_fetch_add_explicit(&job->moved[c], 1, memory_order_release) + 1 == job->movers)
            job->landed_at[c] = crayon_now_ns() - job->plan->started_ns;
    }
}

/* Without movers the calling thread moves chunk c itself, once the device has written it. */
static int move_alone(landing *job, uint32_t c) {
    if (!job->staging->coherent) {
        VkMappedMemoryRange range = {.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE, .memory = job->staging->memory, .size = VK_WHOLE_SIZE};
        VkResult result = job->vk->fn.vkInvalidateMappedMemoryRanges(job->vk->device, 1, &range);
        if (result != VK_SUCCESS) {
            fail(job, result);
            return -1;
        }
    }
    host_copy copy = chunk_copy(job, c);
    uint64_t started = crayon_now_ns();
    copy_share(&copy, 0, 1);
    job->copy_ns[0] += crayon_now_ns() - started;
    job->landed_at[c] = crayon_now_ns() - job->plan->started_ns;
    return 1;
}

/* Whether chunk c is whole in caller memory: 1 yes, 0 not yet (only when not waiting), -1 stop (failure). */
static int chunk_ready(landing *job, uint32_t c, int wait) {
    if (!job->movers) {
        VkResult status = wait ? wait_for_event(job, job->events[c]) : job->vk->fn.vkGetEventStatus(job->vk->device, job->events[c]);
        if (status == VK_SUCCESS || status == VK_EVENT_SET) return move_alone(job, c);
        if (status == VK_EVENT_RESET) return 0;
        if (status != VK_NOT_READY) fail(job, status);
        return -1;
    }
    uint64_t since = crayon_now_ns();
    while (atomic_load_explicit(&job->moved[c], memory_order_acquire) < job->movers) {
        if (atomic_load(&job->stop)) return -1;
        if (!wait) return 0;
        back_off(since);
    }
    return 1;
}

/* The calling thread: reports the chunks in order, each report covering every chunk that is whole by then, so that a
 * callback slower than the read-back gets fewer, larger reports. */
static void report_chunks(landing *job) {
    const crayon_chunk_plan *chunks = job->plan->chunks;
    for (uint32_t c = 0; c < chunks->chunk_count;) {
        int ready = chunk_ready(job, c, 1);
        uint32_t count = 1;
        while (ready > 0 && c + count < chunks->chunk_count && (ready = chunk_ready(job, c + count, 0)) > 0) count++;
        if (ready < 0) break;
        job->status = crayon_chunk_deliver(job->plan->image, chunks, c, count, job->timings);
        if (job->status != CRAYON_OK) break;
        c += count;
    }
    atomic_store(&job->stop, 1);
}

static void landing_task(void *context, uint32_t worker, uint32_t workers) {
    landing *job = context;
    if (worker == 0) report_chunks(job);
    else if (worker <= job->movers) move_chunks(job, worker);
}

int32_t crayon_vk_land(crayon_engine *engine, const crayon_readback_plan *plan, crayon_vk_buffer *staging, const VkEvent *events,
                       crayon_blend_timings *timings) {
    crayon_vk_engine *vk = engine->vk;
    const uint32_t chunk_count = plan->chunks->chunk_count;
    crayon_workers *workers = copiers(vk);
    /* Movers read staging while the device writes other parts of it: only coherent memory allows that without
     * invalidations, which are not safe from several threads at once. */
    uint32_t movers = workers && staging->coherent ? crayon_workers_count(workers) - 1 : 0;
    landing job = {.vk = vk, .plan = plan, .events = events, .staging = staging, .timings = timings, .movers = movers};
    job.moved = calloc(chunk_count, sizeof *job.moved);
    job.landed_at = calloc(chunk_count, sizeof *job.landed_at);
    job.copy_ns = calloc(movers ? movers : 1, sizeof *job.copy_ns);
    if (!job.moved || !job.landed_at || !job.copy_ns) {
        free(job.moved);
        free(job.landed_at);
        free(job.copy_ns);
        return crayon_fail(CRAYON_ERROR_OUT_OF_MEMORY, 0, "out of host memory landing %u chunks", chunk_count);
    }
    for (uint32_t c = 0; c < chunk_count; ++c) atomic_init(&job.moved[c], 0);
    atomic_init(&job.stop, 0);
    atomic_init(&job.failure, 0);
    if (movers) crayon_workers_run(workers, landing_task, &job);
    else report_chunks(&job);

    for (uint32_t m = 0; m < (movers ? movers : 1); ++m)
        if (job.copy_ns[m] > timings->readback_host_ns) timings->readback_host_ns = job.copy_ns[m];
    timings->first_landed_ns = job.landed_at[0];
    for (uint32_t c = 0; c < chunk_count; ++c)
        if (job.landed_at[c] > timings->landed_ns) timings->landed_ns = job.landed_at[c];
    VkResult failure = (VkResult)atomic_load(&job.failure);
    free(job.moved);
    free(job.landed_at);
    free(job.copy_ns);
    /* Errors are recorded here, on the calling thread: the error state is thread-local. */
    if (failure == VK_TIMEOUT) return crayon_vk_hung(engine, "reading back the blend");
    if (failure != VK_SUCCESS) return crayon_vk_check(engine, failure, "reading back the blend");
    return job.status;
}
