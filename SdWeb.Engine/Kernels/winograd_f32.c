// Winograd F(4×4, 3×3) for float32 3×3 convolutions on the CPU (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2016): a 6×6 input tile transformed by Bᵀ d B, multiplied element-wise (per channel pair, so as 36 matrix
// products over the tiles, which libtorch runs) by the kernel transformed by G g Gᵀ, and transformed back by Aᵀ m A into
// a 4×4 output tile. 36 multiplies per 16 outputs where the direct convolution spends 144: 2.25 per output instead of 9.
// This file holds the three transforms; Kernels/WinogradF43.cs binds them and Models/Layers/WinogradConv.cs runs them.
//
// Layouts: input [N, H, W, C] and output [N, outH, outW, O] channels-last and contiguous; transformed tiles and products
// [36, T, C] and [36, T, O] with the T tiles of tile rows [row0, row1) ordered (n, tile row, tile column); kernel
// [C, 3, 3, O], transformed [36, C, O]. Zero padding of padTop rows and padLeft columns (what lies outside the input reads as zero).

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define EXPORT __attribute__((visibility("default")))
// One build for each vector width; the loader picks the widest the CPU has.
#define VECTORIZED __attribute__((target_clones("avx512f", "avx2,fma", "default")))
#define MAX_THREADS 64
#define LANES 16  // channels per inner step: one AVX-512 vector, two AVX2 ones

typedef struct {
    const float* x;
    float* v;
    const float* zeros;  // a zero channel vector standing for the padding
    int n, h, w, c, padTop, padLeft, outW, row0, row1;
    int64_t first, end;  // this share's tiles
} InputShare;

typedef struct {
    const float* m;
    const float* bias;
    float* y;
    int n, outH, outW, o, row0, row1;
    int64_t first, end;
} OutputShare;

typedef struct {
    const float* g;
    float* u;
    double* left;  // 3 × O doubles of this share's own
    int o, c;
    int64_t first, end;  // input channels
} KernelShare;

static inline int TileColumns(int outW) { return (outW + 3) / 4; }

// Bᵀ d for one column of six values (and, applied to rows, d B).
#define INPUT_TRANSFORM(d, out, i)                                      \
    do {                                                                \
        out[0][i] = 4 * d[0][i] - 5 * d[2][i] + d[4][i];                \
        out[1][i] = -4 * (d[1][i] + d[2][i]) + d[3][i] + d[4][i];       \
        out[2][i] = 4 * (d[1][i] - d[2][i]) - d[3][i] + d[4][i];        \
        out[3][i] = -2 * (d[1][i] - d[3][i]) - d[2][i] + d[4][i];       \
        out[4][i] = 2 * (d[1][i] - d[3][i]) - d[2][i] + d[4][i];        \
        out[5][i] = 4 * d[1][i] - 5 * d[3][i] + d[5][i];                \
    } while (0)

VECTORIZED static void InputTiles(const InputShare* s) {
    const int tileColumns = TileColumns(s->outW), tileRows = s->row1 - s->row0, c = s->c;
    const int64_t tiles = (int64_t)s->n * tileRows * tileColumns, stride = tiles * c;  // between the 36 positions
    for (int64_t t = s->first; t < s->end; t++) {
        const int n = (int)(t / ((int64_t)tileRows * tileColumns));
        const int rest = (int)(t % ((int64_t)tileRows * tileColumns));
        const int top = 4 * (rest / tileColumns + s->row0) - s->padTop, left = 4 * (rest % tileColumns) - s->padLeft;
        const float* source[6][6];
        for (int r = 0; r < 6; r++)
            for (int col = 0; col < 6; col++) {
                const int y = top + r, x = left + col;
                source[r][col] = y >= 0 && y < s->h && x >= 0 && x < s->w
                    ? s->x + (((int64_t)n * s->h + y) * s->w + x) * c : s->zeros;
            }
        float* out = s->v + t * c;
        for (int ch = 0; ch < c; ch += LANES) {
            float columns[6][6][LANES];  // [column][transformed row][lane]: Bᵀ d, one column at a time
            for (int col = 0; col < 6; col++) {
                float d[6][LANES];
                for (int r = 0; r < 6; r++)
                    for (int i = 0; i < LANES; i++) d[r][i] = source[r][col][ch + i];
                for (int i = 0; i < LANES; i++) INPUT_TRANSFORM(d, columns[col], i);
            }
            for (int k = 0; k < 6; k++) {
                float d[6][LANES], tile[6][LANES];
                for (int col = 0; col < 6; col++)
                    for (int i = 0; i < LANES; i++) d[col][i] = columns[col][k][i];
                for (int i = 0; i < LANES; i++) INPUT_TRANSFORM(d, tile, i);
                for (int l = 0; l < 6; l++)
                    for (int i = 0; i < LANES; i++) out[(6 * k + l) * stride + ch + i] = tile[l][i];
            }
        }
    }
}

// Aᵀ m for one column of six values (and, applied to rows, m A).
#define OUTPUT_TRANSFORM(a, out, i)                                             \
    do {                                                                        \
        out[0][i] = a[0][i] + a[1][i] + a[2][i] + a[3][i] + a[4][i];            \
        out[1][i] = a[1][i] - a[2][i] + 2 * (a[3][i] - a[4][i]);                \
        out[2][i] = a[1][i] + a[2][i] + 4 * (a[3][i] + a[4][i]);                \
        out[3][i] = a[1][i] - a[2][i] + 8 * (a[3][i] - a[4][i]) + a[5][i];      \
    } while (0)

VECTORIZED static void OutputTiles(const OutputShare* s) {
    const int tileColumns = TileColumns(s->outW), tileRows = s->row1 - s->row0, o = s->o;
    const int64_t tiles = (int64_t)s->n * tileRows * tileColumns, stride = tiles * o;
    for (int64_t t = s->first; t < s->end; t++) {
        const int n = (int)(t / ((int64_t)tileRows * tileColumns));
        const int rest = (int)(t % ((int64_t)tileRows * tileColumns));
        const int top = 4 * (rest / tileColumns + s->row0), left = 4 * (rest % tileColumns);
        const int rows = s->outH - top < 4 ? s->outH - top : 4, columns = s->outW - left < 4 ? s->outW - left : 4;
        const float* m = s->m + t * o;
        float* y = s->y + (((int64_t)n * s->outH + top) * s->outW + left) * o;
        for (int oc = 0; oc < o; oc += LANES) {
            float bias[LANES];
            for (int i = 0; i < LANES; i++) bias[i] = s->bias ? s->bias[oc + i] : 0.0f;
            float half[6][4][LANES];  // [column][output row][lane]: Aᵀ m, one column at a time
            for (int col = 0; col < 6; col++) {
                float a[6][LANES];
                for (int r = 0; r < 6; r++)
                    for (int i = 0; i < LANES; i++) a[r][i] = m[(6 * r + col) * stride + oc + i];
                for (int i = 0; i < LANES; i++) OUTPUT_TRANSFORM(a, half[col], i);
            }
            for (int r = 0; r < rows; r++) {
                float a[6][LANES], row[4][LANES];
                for (int col = 0; col < 6; col++)
                    for (int i = 0; i < LANES; i++) a[col][i] = half[col][r][i];
                for (int i = 0; i < LANES; i++) OUTPUT_TRANSFORM(a, row, i);
                for (int col = 0; col < columns; col++)
                    for (int i = 0; i < LANES; i++) y[((int64_t)r * s->outW + col) * o + oc + i] = row[col][i] + bias[i];
            }
        }
    }
}

// G g Gᵀ per (output, input) channel pair, in double: G's sixths and twenty-fourths are not exact in float. The kernel
// comes laid out [C, 3, 3, O], and each transformed row is written whole, one at a time: 36 rows written side by side,
// a few floats each, ran at a third of the speed.
VECTORIZED static void KernelTiles(const KernelShare* s) {
    static const double G[6][3] = {
        {1.0 / 4, 0, 0}, {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
        {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1},
    };
    const int o = s->o;
    const int64_t stride = (int64_t)s->c * o;
    double* left = s->left;  // (G g)[a] for every output channel
    for (int64_t ci = s->first; ci < s->end; ci++) {
        const float* g = s->g + ci * 9 * o;
        for (int a = 0; a < 6; a++) {
            for (int l = 0; l < 3; l++)
                for (int oi = 0; oi < o; oi++)
                    left[l * o + oi] = G[a][0] * g[l * o + oi] + G[a][1] * g[(3 + l) * o + oi] + G[a][2] * g[(6 + l) * o + oi];
            for (int b = 0; b < 6; b++) {
                float* u = s->u + (6 * a + b) * stride + ci * o;
                for (int oi = 0; oi < o; oi++)
                    u[oi] = (float)(left[oi] * G[b][0] + left[o + oi] * G[b][1] + left[2 * o + oi] * G[b][2]);
            }
        }
    }
}

static void* RunInput(void* share) { InputTiles(share); return NULL; }
static void* RunOutput(void* share) { OutputTiles(share); return NULL; }
static void* RunKernel(void* share) { KernelTiles(share); return NULL; }

// Runs share 0 on the calling thread and the others on new ones; a thread that cannot start runs its share here.
static void RunShares(void* (*run)(void*), void* shares, size_t size, int threads) {
    pthread_t ids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int t = 1; t < threads; t++) started[t] = pthread_create(&ids[t], NULL, run, (char*)shares + t * size) == 0;
    run(shares);
    for (int t = 1; t < threads; t++) {
        if (started[t]) pthread_join(ids[t], NULL);
        else run((char*)shares + t * size);
    }
}

static int Threads(int threads, int64_t work) {
    if (threads < 1) threads = 1;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    return work < threads ? (int)(work > 0 ? work : 1) : threads;
}

// Each returns 0, -1 for channel counts that are not multiples of 16, -2 when out of memory.
EXPORT int sdweb_winograd_input(const float* x, float* v, int n, int h, int w, int c, int padTop, int padLeft,
                                int outW, int row0, int row1, int threads) {
    if (c % LANES) return -1;
    float* zeros = calloc((size_t)c, sizeof(float));
    if (!zeros) return -2;
    const int64_t tiles = (int64_t)n * (row1 - row0) * TileColumns(outW);
    threads = Threads(threads, tiles);
    InputShare shares[MAX_THREADS];
    for (int t = 0; t < threads; t++)
        shares[t] = (InputShare){x, v, zeros, n, h, w, c, padTop, padLeft, outW, row0, row1,
                                 tiles * t / threads, tiles * (t + 1) / threads};
    RunShares(RunInput, shares, sizeof(InputShare), threads);
    free(zeros);
    return 0;
}

EXPORT int sdweb_winograd_output(const float* m, const float* bias, float* y, int n, int outH, int outW, int o,
                                 int row0, int row1, int threads) {
    if (o % LANES) return -1;
    const int64_t tiles = (int64_t)n * (row1 - row0) * TileColumns(outW);
    threads = Threads(threads, tiles);
    OutputShare shares[MAX_THREADS];
    for (int t = 0; t < threads; t++)
        shares[t] = (OutputShare){m, bias, y, n, outH, outW, o, row0, row1, tiles * t / threads, tiles * (t + 1) / threads};
    RunShares(RunOutput, shares, sizeof(OutputShare), threads);
    return 0;
}

EXPORT int sdweb_winograd_kernel(const float* g, float* u, int o, int c, int threads) {
    threads = Threads(threads, c);
    double* left = malloc(sizeof(double) * 3 * (size_t)o * (size_t)threads + 1);
    if (!left) return -2;
    KernelShare shares[MAX_THREADS];
    for (int t = 0; t < threads; t++)
        shares[t] = (KernelShare){g, u, left + (size_t)3 * o * t, o, c, (int64_t)c * t / threads, (int64_t)c * (t + 1) / threads};
    RunShares(RunKernel, shares, sizeof(KernelShare), threads);
    free(left);
    return 0;
}
