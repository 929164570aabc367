// How much of a process's resident memory is live heap blocks and how much glibc keeps freed (docs/performance.md,
// "A whole generation in bf16 weights"). An LD_PRELOAD probe: a thread writes to HEAP_RESIDENCY_OUT, every
// HEAP_RESIDENCY_PERIOD_MS (default 100), VmRSS and glibc's mallinfo2 in MiB: `arena` (heap address space), `inuse`
// (live blocks in the heaps), `free` (freed blocks in the heaps, resident or handed back by a trim) and `mmapped` (live
// blocks glibc mapped on their own). RSS − inuse − mmapped is the fixed cost (code, runtime) plus what glibc keeps
// resident freed; a probe that also trims (HEAP_RESIDENCY_TRIM=1) shows how much of that a trim would hand back.
//
//   gcc -O2 -shared -fPIC -o /tmp/heap-residency.so scripts/heap-residency.c -lpthread
//   HEAP_RESIDENCY_OUT=/tmp/heap.txt LD_PRELOAD=/tmp/heap-residency.so SdWeb bench --model /tmp/sd15 --pipeline ...
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long rss_kib(void) {
    char line[256];
    long kib = 0;
    FILE *status = fopen("/proc/self/status", "r");
    while (status && fgets(line, sizeof line, status))
        if (!strncmp(line, "VmRSS:", 6)) kib = atol(line + 6);
    if (status) fclose(status);
    return kib;
}

static void *sample(void *path) {
    FILE *out = fopen(path, "w");
    if (!out) return 0;
    const char *period = getenv("HEAP_RESIDENCY_PERIOD_MS");
    useconds_t sleep_us = (period ? atoi(period) : 100) * 1000;
    int trim = getenv("HEAP_RESIDENCY_TRIM") != 0;
    for (;;) {
        long before = rss_kib();
        if (trim) malloc_trim(0);
        struct mallinfo2 m = mallinfo2();
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        fprintf(out, "%.2f rss %ld after_trim %ld arena %zu inuse %zu free %zu mmapped %zu\n",
                ts.tv_sec + ts.tv_nsec / 1e9, before >> 10, rss_kib() >> 10, m.arena >> 20, m.uordblks >> 20,
                m.fordblks >> 20, m.hblkhd >> 20);
        fflush(out);
        usleep(sleep_us);
    }
    return 0;
}

__attribute__((constructor)) static void start(void) {
    char *path = getenv("HEAP_RESIDENCY_OUT");
    pthread_t thread;
    if (path) pthread_create(&thread, 0, sample, path);
}
