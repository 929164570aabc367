// Scaled-dot-product attention on bf16 tensors for CPUs with AVX-512 BF16 (Zen 4 and later, Cooper Lake, Sapphire Rapids).
//
// libtorch 2.10's CPU flash-attention kernel runs bf16 no faster than fp32 on such CPUs (about 110 GFLOP/s over the
// 64² latents of an SD 1.5 UNet), which made attention a third of a bf16 UNet step. This is the same flash-attention
// algorithm with both products done by vdpbf16ps (bf16 pairs, fp32 accumulation):
//   for each tile of ROWS queries, for each block of BLOCK keys:
//     scores = Q·Kᵀ·scale (fp32);  running max and sum updated online;  P = exp(scores - max) rounded to bf16;
//     acc = acc·exp(old max - new max) + P·V (fp32)
//   out = acc / sum, rounded to bf16.
// This is what libtorch's kernel computes for bf16 too: fp32 scores, fp32 softmax statistics, bf16 probabilities into
// the second product. Keys and values are first packed per head into the pair layout vdpbf16ps reads.
//
// Layout: q is [batch, lq, heads·d], k and v are [batch, lk, heads·d], out is [batch, lq, heads·d]; all contiguous
// (the projections' outputs as they are, and the input of the output projection as it is wanted).

#include <immintrin.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ROWS 8     // queries per tile: 8 rows × 3 column vectors of accumulators fill 24 of the 32 zmm registers
#define KEYS 32    // keys per score micro-tile: two zmm of 16 keys
#define BLOCK 512  // keys per online-softmax block
#define MAX_D 512  // the VAE's single 512-wide head is the widest in SD v1
#define MAX_THREADS 64
#define KERNEL __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512bf16")))
#define EXPORT __attribute__((visibility("default")))

typedef struct {
    const uint16_t *q, *k, *v;
    uint16_t* out;
    int batch, heads, lq, lk, d;
    float scale;
    int64_t lkPadded;          // lk rounded up to KEYS; padding keys are masked out of the softmax
    int dPadded;               // d rounded up to 16 columns
    uint32_t* keysPacked;      // per head [lkPadded / KEYS][d / 2][KEYS]: the pair (k[2i], k[2i+1]) of each key
    uint32_t* valuesPacked;    // per head [lkPadded / 2][dPadded]: the pair (v[key 2j][c], v[key 2j+1][c])
} Problem;

static inline int64_t Width(const Problem* p) { return (int64_t)p->heads * p->d; }

// The bf16 pair at `at`, which need not be 4-byte aligned.
static inline uint32_t Pair(const uint16_t* at) {
    uint32_t pair;
    memcpy(&pair, at, sizeof pair);
    return pair;
}
static inline int64_t KeysPackedPerHead(const Problem* p) { return p->lkPadded * p->d / 2; }
static inline int64_t ValuesPackedPerHead(const Problem* p) { return p->lkPadded / 2 * p->dPadded; }

static void PackHead(const Problem* p, int head) {
    int b = head / p->heads, h = head % p->heads, pairs = p->d / 2;
    const uint16_t* k = p->k + (int64_t)b * p->lk * Width(p) + (int64_t)h * p->d;
    const uint16_t* v = p->v + (int64_t)b * p->lk * Width(p) + (int64_t)h * p->d;
    uint32_t* kp = p->keysPacked + head * KeysPackedPerHead(p);
    uint32_t* vp = p->valuesPacked + head * ValuesPackedPerHead(p);
    for (int64_t key = 0; key < p->lkPadded; key++) {
        uint32_t* tile = kp + key / KEYS * pairs * KEYS + key % KEYS;
        for (int pair = 0; pair < pairs; pair++) tile[pair * KEYS] = key < p->lk ? Pair(k + key * Width(p) + 2 * pair) : 0;
    }
    for (int64_t pair = 0; pair < p->lkPadded / 2; pair++) {
        int64_t k0 = 2 * pair, k1 = 2 * pair + 1;
        for (int c = 0; c < p->dPadded; c++) {
            uint32_t lo = k0 < p->lk && c < p->d ? v[k0 * Width(p) + c] : 0;
            uint32_t hi = k1 < p->lk && c < p->d ? v[k1 * Width(p) + c] : 0;
            vp[pair * p->dPadded + c] = lo | hi << 16;
        }
    }
}

// exp(x) for x ≤ 0 and -inf: Cody-Waite reduction by ln 2, a degree-6 polynomial, and scalef for 2ⁿ (relative error ~2e-7).
// NaN stays NaN (max returns its second operand when either is NaN), so a NaN upstream shows in the output as in libtorch's.
KERNEL static inline __m512 Exp(__m512 x) {
    x = _mm512_max_ps(_mm512_set1_ps(-104.0f), x);
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.428606765330187045e-06f), r);
    __m512 y = _mm512_set1_ps(1.0f / 720);
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(1.0f / 120));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(1.0f / 24));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(1.0f / 6));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(0.5f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(1.0f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(y, n);
}

// scores[r][0..keys) = scale · q_r · k for the block's keys.
KERNEL static void Scores(const Problem* p, const uint32_t (*qPairs)[MAX_D / 2], const uint32_t* kp, int64_t block0,
                          int keys, float (*scores)[BLOCK]) {
    int pairs = p->d / 2;
    __m512 scale = _mm512_set1_ps(p->scale);
    for (int s = 0; s < keys; s += KEYS) {
        const uint32_t* tile = kp + (block0 + s) / KEYS * pairs * KEYS;
        __m512 a[ROWS][2];
        for (int r = 0; r < ROWS; r++) a[r][0] = a[r][1] = _mm512_setzero_ps();
        for (int pair = 0; pair < pairs; pair++) {
            __m512bh k0 = (__m512bh)_mm512_loadu_si512(tile + pair * KEYS);
            __m512bh k1 = (__m512bh)_mm512_loadu_si512(tile + pair * KEYS + 16);
            for (int r = 0; r < ROWS; r++) {
                __m512bh qb = (__m512bh)_mm512_set1_epi32((int)qPairs[r][pair]);
                a[r][0] = _mm512_dpbf16_ps(a[r][0], qb, k0);
                a[r][1] = _mm512_dpbf16_ps(a[r][1], qb, k1);
            }
        }
        for (int r = 0; r < ROWS; r++) {
            _mm512_store_ps(&scores[r][s], _mm512_mul_ps(a[r][0], scale));
            _mm512_store_ps(&scores[r][s + 16], _mm512_mul_ps(a[r][1], scale));
        }
    }
    int64_t valid = p->lk - block0;
    for (int r = 0; r < ROWS; r++)
        for (int64_t s = valid; s < keys; s++) scores[r][s] = -INFINITY;
}

// The online softmax of one block: probabilities in bf16, running max and sum updated, accumulators rescaled.
KERNEL static void Softmax(const Problem* p, float (*scores)[BLOCK], uint32_t (*probs)[BLOCK / 2], int keys, float* rowMax,
                           float* rowSum, float (*acc)[MAX_D]) {
    for (int r = 0; r < ROWS; r++) {
        __m512 mx = _mm512_set1_ps(-INFINITY);
        for (int s = 0; s < keys; s += 16) mx = _mm512_max_ps(mx, _mm512_load_ps(&scores[r][s]));
        float newMax = fmaxf(rowMax[r], _mm512_reduce_max_ps(mx));
        float correction = expf(rowMax[r] - newMax);
        rowMax[r] = newMax;
        __m512 m = _mm512_set1_ps(newMax), sum = _mm512_setzero_ps();
        for (int s = 0; s < keys; s += 32) {
            __m512 e0 = Exp(_mm512_sub_ps(_mm512_load_ps(&scores[r][s]), m));
            __m512 e1 = Exp(_mm512_sub_ps(_mm512_load_ps(&scores[r][s + 16]), m));
            sum = _mm512_add_ps(sum, _mm512_add_ps(e0, e1));
            _mm512_store_si512(&probs[r][s / 2], (__m512i)_mm512_cvtne2ps_pbh(e1, e0));
        }
        rowSum[r] = rowSum[r] * correction + _mm512_reduce_add_ps(sum);
        if (correction != 1.0f) {
            __m512 c = _mm512_set1_ps(correction);
            for (int col = 0; col < p->dPadded; col += 16)
                _mm512_store_ps(&acc[r][col], _mm512_mul_ps(_mm512_load_ps(&acc[r][col]), c));
        }
    }
}

// acc += P · V for the block, three column vectors (48 columns) at a time.
KERNEL static void AccumulateValues(const Problem* p, uint32_t (*probs)[BLOCK / 2], const uint32_t* vBlock, int keys,
                                   float (*acc)[MAX_D]) {
    int vectors = p->dPadded / 16;
    for (int c0 = 0; c0 < vectors; c0 += 3) {
        int n = vectors - c0 < 3 ? vectors - c0 : 3;
        __m512 o[ROWS][3];
        for (int r = 0; r < ROWS; r++)
            for (int c = 0; c < 3; c++) o[r][c] = c < n ? _mm512_load_ps(&acc[r][(c0 + c) * 16]) : _mm512_setzero_ps();
        for (int pair = 0; pair < keys / 2; pair++) {
            const uint32_t* row = vBlock + (int64_t)pair * p->dPadded + c0 * 16;
            __m512bh v0 = (__m512bh)_mm512_loadu_si512(row);
            __m512bh v1 = n > 1 ? (__m512bh)_mm512_loadu_si512(row + 16) : v0;
            __m512bh v2 = n > 2 ? (__m512bh)_mm512_loadu_si512(row + 32) : v0;
            for (int r = 0; r < ROWS; r++) {
                __m512bh pb = (__m512bh)_mm512_set1_epi32((int)probs[r][pair]);
                o[r][0] = _mm512_dpbf16_ps(o[r][0], pb, v0);
                if (n > 1) o[r][1] = _mm512_dpbf16_ps(o[r][1], pb, v1);
                if (n > 2) o[r][2] = _mm512_dpbf16_ps(o[r][2], pb, v2);
            }
        }
        for (int r = 0; r < ROWS; r++)
            for (int c = 0; c < n; c++) _mm512_store_ps(&acc[r][(c0 + c) * 16], o[r][c]);
    }
}

// One tile: ROWS queries of one head against all its keys.
KERNEL static void Tile(const Problem* p, int head, int row0) {
    int b = head / p->heads, h = head % p->heads, pairs = p->d / 2;
    int rows = p->lq - row0 < ROWS ? p->lq - row0 : ROWS;
    const uint16_t* q = p->q + ((int64_t)b * p->lq + row0) * Width(p) + (int64_t)h * p->d;
    const uint32_t* kp = p->keysPacked + head * KeysPackedPerHead(p);
    const uint32_t* vp = p->valuesPacked + head * ValuesPackedPerHead(p);

    uint32_t qPairs[ROWS][MAX_D / 2];
    float scores[ROWS][BLOCK] __attribute__((aligned(64)));
    uint32_t probs[ROWS][BLOCK / 2] __attribute__((aligned(64)));  // bf16 probabilities, two keys per element
    float acc[ROWS][MAX_D] __attribute__((aligned(64)));
    float rowMax[ROWS], rowSum[ROWS];
    for (int r = 0; r < ROWS; r++) {
        for (int pair = 0; pair < pairs; pair++) qPairs[r][pair] = r < rows ? Pair(q + (int64_t)r * Width(p) + 2 * pair) : 0;
        for (int c = 0; c < p->dPadded; c++) acc[r][c] = 0;
        rowMax[r] = -INFINITY;
        rowSum[r] = 0;
    }

    for (int64_t block0 = 0; block0 < p->lkPadded; block0 += BLOCK) {
        int keys = p->lkPadded - block0 < BLOCK ? (int)(p->lkPadded - block0) : BLOCK;
        Scores(p, qPairs, kp, block0, keys, scores);
        Softmax(p, scores, probs, keys, rowMax, rowSum, acc);
        AccumulateValues(p, probs, vp + block0 / 2 * p->dPadded, keys, acc);
    }

    for (int r = 0; r < rows; r++) {
        uint16_t* out = p->out + ((int64_t)b * p->lq + row0 + r) * Width(p) + (int64_t)h * p->d;
        __m512 inverse = _mm512_set1_ps(1.0f / rowSum[r]);
        for (int col = 0; col < p->d; col += 16) {
            int left = p->d - col;
            __mmask16 mask = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
            __m256bh rounded = _mm512_cvtneps_pbh(_mm512_mul_ps(_mm512_load_ps(&acc[r][col]), inverse));
            _mm256_mask_storeu_epi16(out + col, mask, (__m256i)rounded);
        }
    }
}

typedef struct {
    const Problem* p;
    int packing, thread, threads;
} Share;

static void* RunShare(void* arg) {
    const Share* s = arg;
    const Problem* p = s->p;
    int headCount = p->batch * p->heads;
    if (s->packing) {
        for (int head = s->thread; head < headCount; head += s->threads) PackHead(p, head);
        return NULL;
    }
    int tilesPerHead = (p->lq + ROWS - 1) / ROWS;
    int64_t tiles = (int64_t)headCount * tilesPerHead;
    int64_t begin = tiles * s->thread / s->threads, end = tiles * (s->thread + 1) / s->threads;
    for (int64_t t = begin; t < end; t++) Tile(p, (int)(t / tilesPerHead), (int)(t % tilesPerHead) * ROWS);
    return NULL;
}

// Runs the phase on `threads` threads, this one included; fewer if threads cannot be started.
static void RunPhase(const Problem* p, int packing, int threads) {
    pthread_t ids[MAX_THREADS];
    Share shares[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int t = 0; t < threads; t++) shares[t] = (Share){p, packing, t, threads};
    for (int t = 1; t < threads; t++) started[t] = pthread_create(&ids[t], NULL, RunShare, &shares[t]) == 0;
    RunShare(&shares[0]);
    for (int t = 1; t < threads; t++) {
        if (started[t]) pthread_join(ids[t], NULL);
        else RunShare(&shares[t]);
    }
}

// 1 when this CPU (and the OS, for the zmm state) can run the kernel.
EXPORT int sdweb_attention_bf16_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bf16");
}

// 0 on success; -1 for arguments outside what the kernel handles (odd or too wide heads); -2 when out of memory.
EXPORT int sdweb_attention_bf16(const uint16_t* q, const uint16_t* k, const uint16_t* v, uint16_t* out, int batch, int heads,
                                int lq, int lk, int d, float scale, int threads) {
    if (batch < 1 || heads < 1 || lq < 1 || lk < 1 || d < 2 || d % 2 != 0 || d > MAX_D || threads < 1)
        return -1;
    Problem p = {.q = q, .k = k, .v = v, .out = out, .batch = batch, .heads = heads, .lq = lq, .lk = lk, .d = d,
                 .scale = scale, .lkPadded = ((int64_t)lk + KEYS - 1) / KEYS * KEYS, .dPadded = (d + 15) / 16 * 16};
    int64_t headCount = (int64_t)batch * heads;
    p.keysPacked = aligned_alloc(64, (size_t)(headCount * KeysPackedPerHead(&p) * 4));
    p.valuesPacked = aligned_alloc(64, (size_t)(headCount * ValuesPackedPerHead(&p) * 4));
    if (p.keysPacked == NULL || p.valuesPacked == NULL) {
        free(p.keysPacked);
        free(p.valuesPacked);
        return -2;
    }
    threads = threads < MAX_THREADS ? threads : MAX_THREADS;
    RunPhase(&p, 1, threads);
    RunPhase(&p, 0, threads);
    free(p.keysPacked);
    free(p.valuesPacked);
    return 0;
}
