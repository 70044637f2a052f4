#define _GNU_SOURCE
#include "cpu_workers.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

struct crayon_workers {
    uint32_t count;
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t start;
    pthread_cond_t done;
    uint64_t generation;     /* bumped for every task */
    uint32_t busy;           /* helpers still running the current task */
    int stopping;
    crayon_task task;
    void *context;
};

typedef struct helper_args {
    crayon_workers *workers;
    uint32_t index;
} helper_args;

static void *helper_main(void *raw) {
    helper_args args = *(helper_args *)raw;
    free(raw);
    crayon_workers *w = args.workers;
    uint64_t seen = 0;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->generation == seen && !w->stopping) pthread_cond_wait(&w->start, &w->lock);
        if (w->stopping) break;
        seen = w->generation;
        crayon_task task = w->task;
        void *context = w->context;
        pthread_mutex_unlock(&w->lock);
        task(context, args.index, w->count);
        pthread_mutex_lock(&w->lock);
        if (--w->busy == 0) pthread_cond_signal(&w->done);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

crayon_workers *crayon_workers_create(uint32_t count) {
    if (count == 0) count = 1;
    crayon_workers *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->count = count;
    w->threads = calloc(count, sizeof *w->threads);
    if (!w->threads) { free(w); return NULL; }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->start, NULL);
    pthread_cond_init(&w->done, NULL);
    for (uint32_t i = 1; i < count; ++i) {
        helper_args *args = malloc(sizeof *args);
        if (!args || (args->workers = w, args->index = i, pthread_create(&w->threads[i], NULL, helper_main, args) != 0)) {
            free(args);
            w->count = i; /* destroy joins the ones already started */
            crayon_workers_destroy(w);
            return NULL;
        }
    }
    return w;
}

uint32_t crayon_workers_count(const crayon_workers *workers) { return workers->count; }

void crayon_workers_run(crayon_workers *w, crayon_task task, void *context) {
    if (w->count > 1) {
        pthread_mutex_lock(&w->lock);
        w->task = task;
        w->context = context;
        w->busy = w->count - 1;
        w->generation++;
        pthread_cond_broadcast(&w->start);
        pthread_mutex_unlock(&w->lock);
    }
    task(context, 0, w->count);
    if (w->count > 1) {
        pthread_mutex_lock(&w->lock);
        while (w->busy > 0) pthread_cond_wait(&w->done, &w->lock);
        pthread_mutex_unlock(&w->lock);
    }
}

void crayon_workers_destroy(crayon_workers *w) {
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_broadcast(&w->start);
    pthread_mutex_unlock(&w->lock);
    for (uint32_t i = 1; i < w->count; ++i) pthread_join(w->threads[i], NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->start);
    pthread_cond_destroy(&w->done);
    free(w->threads);
    free(w);
}

uint32_t crayon_online_cores(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return (uint32_t)n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (uint32_t)n : 1u;
}
