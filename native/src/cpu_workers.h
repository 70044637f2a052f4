/* A fixed set of worker threads that run one task at a time, the calling thread included. */
#ifndef CRAYON_CPU_WORKERS_H
#define CRAYON_CPU_WORKERS_H
#include <stdint.h>

typedef struct crayon_workers crayon_workers;
/* Runs on every worker; `worker` is 0..workers-1 (0 is the caller's thread). */
typedef void (*crayon_task)(void *context, uint32_t worker, uint32_t workers);

/* `count` threads in all (count - 1 are started). Returns NULL when threads cannot be created. */
crayon_workers *crayon_workers_create(uint32_t count);
uint32_t crayon_workers_count(const crayon_workers *workers);
/* Runs `task` on all workers and returns when every one has finished. */
void crayon_workers_run(crayon_workers *workers, crayon_task task, void *context);
void crayon_workers_destroy(crayon_workers *workers);
/* Cores this process may run on (its affinity mask), at least 1. */
uint32_t crayon_online_cores(void);

#endif
