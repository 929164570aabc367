// Which allocations are live, and how many bytes at most (issue 13's peak-RSS attribution, docs/performance.md).
// An LD_PRELOAD probe: tracks every live heap block of 64 KiB or more with its call stack and, every
// BIGALLOC_PERIOD_MS (default 500), writes to BIGALLOC_OUT the live total, the exact running maximum since the last
// line, and the live bytes grouped by the first four callers outside libc, libc10 and libtorch's allocation functions.
// The probe's own table (~120 MiB reserved) adds to RSS, so read peaks from a run without it.
//
//   gcc -O2 -shared -fPIC -o /tmp/live-allocations.so scripts/live-allocations.c -ldl -lpthread
//   BIGALLOC_OUT=/tmp/live.txt LD_PRELOAD=/tmp/live-allocations.so SdWeb bench --model /tmp/sd15 --component unet ...
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdint.h>

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

#define MIN_BYTES (64 * 1024)
#define SLOTS (1 << 20)
#define DEPTH 24
typedef struct { void *p; size_t n; void *frames[DEPTH]; int depth; } entry;
static entry *table;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int inside;
static int ready;
static long long live_now, live_max;

static size_t slot(void *p) { return ((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull >> 44; }

static void record(void *p, size_t n) {
    if (!ready || !p || n < MIN_BYTES || inside) return;
    inside = 1;
    entry e = { p, n, {0}, 0 };
    e.depth = backtrace(e.frames, DEPTH);
    pthread_mutex_lock(&lock);
    size_t i = slot(p);
    while (table[i].p) i = (i + 1) & (SLOTS - 1);
    table[i] = e;
    live_now += n; if (live_now > live_max) live_max = live_now;
    pthread_mutex_unlock(&lock);
    inside = 0;
}

static void forget(void *p) {
    if (!ready || !p) return;
    pthread_mutex_lock(&lock);
    size_t i = slot(p);
    while (table[i].p) {
        if (table[i].p == p) {
            live_now -= table[i].n;
            // backward-shift deletion keeps linear probing intact
            size_t j = i;
            for (;;) {
                j = (j + 1) & (SLOTS - 1);
                if (!table[j].p) break;
                size_t k = slot(table[j].p);
                if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) { table[i] = table[j]; i = j; }
            }
            table[i].p = 0;
            break;
        }
        i = (i + 1) & (SLOTS - 1);
    }
    pthread_mutex_unlock(&lock);
}

void *malloc(size_t n) { void *p = __libc_malloc(n); record(p, n); return p; }
void free(void *p) { forget(p); __libc_free(p); }
void *calloc(size_t a, size_t b) { void *p = __libc_calloc(a, b); record(p, a * b); return p; }
void *realloc(void *q, size_t n) { forget(q); void *p = __libc_realloc(q, n); record(p, n); return p; }
void *memalign(size_t a, size_t n) { void *p = __libc_memalign(a, n); record(p, n); return p; }
void *aligned_alloc(size_t a, size_t n) { void *p = __libc_memalign(a, n); record(p, n); return p; }
int posix_memalign(void **out, size_t a, size_t n) { void *p = __libc_memalign(a, n); if (!p) return 12; record(p, n); *out = p; return 0; }

static const char *site(entry *e, char *buf, size_t len) {
    size_t used = 0; int shown = 0; buf[0] = 0;
    for (int f = 2; f < e->depth && shown < 4; f++) {
        Dl_info info;
        if (!dladdr(e->frames[f], &info) || !info.dli_fname) continue;
        const char *lib = strrchr(info.dli_fname, '/'); lib = lib ? lib + 1 : info.dli_fname;
        if (strstr(lib, "libc.so") || strstr(lib, "bigalloc") || strstr(lib, "libstdc++") || strstr(lib, "libc10")) continue;
        const char *name = info.dli_sname ? info.dli_sname : "?";
        if (strstr(name, "empty") || strstr(name, "Allocator") || strstr(name, "alloc_cpu")) continue;
        used += snprintf(buf + used, len - used, "%s%s:%.60s+%lx", shown ? " < " : "", strncmp(lib, "libtorch", 8) ? lib : "T", name,
                 (unsigned long)((char *)e->frames[f] - (char *)(info.dli_saddr ? info.dli_saddr : info.dli_fbase)));
        shown++;
        if (used >= len - 1) break;
    }
    return shown ? buf : "?";
}

typedef struct { char name[600]; size_t bytes; int count; } group;

static void *dumper(void *arg) {
    (void)arg;
    inside = 1; // this thread's own allocations are not tracked
    const char *path = getenv("BIGALLOC_OUT");
    FILE *out = fopen(path ? path : "/tmp/bigalloc.txt", "w");
    int period = getenv("BIGALLOC_PERIOD_MS") ? atoi(getenv("BIGALLOC_PERIOD_MS")) : 500;
    static group groups[2048];
    static entry snapshot[SLOTS / 4];
    for (;;) {
        usleep(period * 1000);
        int n = 0;
        pthread_mutex_lock(&lock);
        long long now_bytes = live_now, max_bytes = live_max; live_max = live_now;
        for (size_t i = 0; i < SLOTS && n < SLOTS / 4; i++) if (table[i].p) snapshot[n++] = table[i];
        pthread_mutex_unlock(&lock);
        int g = 0; size_t total = 0;
        for (int i = 0; i < n; i++) {
            char buf[600]; const char *s = site(&snapshot[i], buf, sizeof buf);
            total += snapshot[i].n;
            int k = 0; while (k < g && strcmp(groups[k].name, s)) k++;
            if (k == g && g < 2048) { snprintf(groups[g].name, 600, "%s", s); groups[g].bytes = 0; groups[g].count = 0; g++; }
            if (k < 2048) { groups[k].bytes += snapshot[i].n; groups[k].count++; }
        }
        struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
        fprintf(out, "T %.3f live %.1f MiB in %d blocks; running %.1f, max since last %.1f MiB\n", ts.tv_sec + ts.tv_nsec / 1e9, total / 1048576.0, n, now_bytes / 1048576.0, max_bytes / 1048576.0);
        for (int shown = 0; shown < 12; shown++) {
            int best = -1; for (int k = 0; k < g; k++) if (groups[k].bytes && (best < 0 || groups[k].bytes > groups[best].bytes)) best = k;
            if (best < 0 || groups[best].bytes < 4 * 1048576) break;
            fprintf(out, "  %8.1f MiB %6d  %s\n", groups[best].bytes / 1048576.0, groups[best].count, groups[best].name);
            groups[best].bytes = 0;
        }
        fflush(out);
    }
    return 0;
}

__attribute__((constructor)) static void start(void) {
    inside = 1;
    table = (entry *)__libc_calloc(SLOTS, sizeof(entry));
    void *warm[2]; backtrace(warm, 2);
    pthread_t t; pthread_create(&t, 0, dumper, 0);
    ready = 1;
    inside = 0;
}
