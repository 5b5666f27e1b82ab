/* LD_PRELOAD shim for benchmarks/bench_gemm_work.py: counts the calls and flops (2mnk) of
 * scipy-openblas32's prefixed cblas_sgemm, the symbol varflow's matrix products go through,
 * then forwards each call to the real one. The counters are atomic: varflow splits a large
 * product across its pool, so the calls come from several threads at once. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
typedef void (*fn_t)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
static _Atomic long long flops; static _Atomic long calls; static _Atomic int on;
/* Zeroes the counts and turns counting on or off. */
void vf_gemm_count_reset(int enable) { flops = 0; calls = 0; on = enable; }
double vf_gemm_count_flops(void) { return (double)flops; }
long vf_gemm_count_calls(void) { return calls; }
void scipy_cblas_sgemm(int o, int ta, int tb, int m, int n, int k, float al, const float* a, int lda, const float* b, int ldb, float be, float* c, int ldc) {
  static fn_t real; if (!real) real = (fn_t)dlsym(RTLD_NEXT, "scipy_cblas_sgemm");
  if (on) { flops += 2LL * m * n * k; calls++; }
  real(o, ta, tb, m, n, k, al, a, lda, b, ldb, be, c, ldc);
}
