// The CPU's own ceiling for fp32 FMA and bf16 dot-product (VDPBF16PS) arithmetic, independent of any library.
// Build and run: gcc -O2 -mavx512f -mavx512bf16 -mavx512bw -fopenmp docs/cpu-peak.c -o /tmp/cpu-peak && /tmp/cpu-peak
// (docs/performance.md quotes its figures; 12 independent accumulators per thread cover the instructions' latency.)
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
#include <omp.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define N 12
int main(){
  long iters=200000000/ N;
  // FMA fp32: each vfmadd231ps zmm = 16 lanes * 2 flops = 32 flops
  double t0=now(); double sink=0;
  #pragma omp parallel reduction(+:sink)
  {
    __m512 acc[N]; for(int i=0;i<N;i++) acc[i]=_mm512_set1_ps(0.001f*i);
    __m512 a=_mm512_set1_ps(1.0001f), b=_mm512_set1_ps(0.9999f);
    for(long k=0;k<iters;k++){
      #pragma GCC unroll 12
      for(int i=0;i<N;i++) acc[i]=_mm512_fmadd_ps(a,b,acc[i]);
    }
    float r=0; for(int i=0;i<N;i++) r+=_mm512_reduce_add_ps(acc[i]); sink+=r;
  }
  double t1=now(); int th=omp_get_max_threads();
  printf("fp32 FMA : %.1f GFLOP/s (%d threads)\n", (double)iters*N*32*th/(t1-t0)/1e9, th);
  // BF16 dot: vdpbf16ps zmm = 16 lanes * 2 pairs * 2 flops = 64 flops
  t0=now();
  #pragma omp parallel reduction(+:sink)
  {
    __m512 acc[N]; for(int i=0;i<N;i++) acc[i]=_mm512_set1_ps(0.001f*i);
    __m512bh a=(__m512bh)_mm512_set1_epi16(0x3f80), b=(__m512bh)_mm512_set1_epi16(0x3f80);
    for(long k=0;k<iters;k++){
      #pragma GCC unroll 12
      for(int i=0;i<N;i++) acc[i]=_mm512_dpbf16_ps(acc[i],a,b);
    }
    float r=0; for(int i=0;i<N;i++) r+=_mm512_reduce_add_ps(acc[i]); sink+=r;
  }
  t1=now();
  printf("bf16 DPBF16: %.1f GFLOP/s (%d threads)\n", (double)iters*N*64*th/(t1-t0)/1e9, th);
  printf("%g\n", sink);
}
