/* The float32 FMA peak of one core (benchmarks/machine.py): independent chains of vector FMAs,
 * enough of them to cover the FMA latency on every current x86 and ARM core, in the widest
 * vectors -march=native offers. Two threads calling it at once give the 2-core peak. */
#include <stdint.h>

#if defined(__AVX512F__)
#define LANES 16
#elif defined(__AVX__)
#define LANES 8
#else
#define LANES 4
#endif
#define CHAINS 12 /* the named chains c0..c11 below */

typedef float vec __attribute__((vector_size(LANES * 4)));

int fma_lanes(void) { return LANES * CHAINS; }

/* Returns a sum of the accumulators so the loop is not optimised away; iters * fma_lanes()
 * FMAs (2 flops each) are done. The chains are named variables, so they live in registers. */
float fma_peak(int64_t iters, float x) {
  vec m, a;
  for (int j = 0; j < LANES; ++j) {
    m[j] = 0.999999f;
    a[j] = x * 1e-7f;
  }
  vec c0 = a, c1 = a + 1, c2 = a + 2, c3 = a + 3, c4 = a + 4, c5 = a + 5, c6 = a + 6,
      c7 = a + 7, c8 = a + 8, c9 = a + 9, c10 = a + 10, c11 = a + 11;
  for (int64_t i = 0; i < iters; ++i) {
    c0 = c0 * m + a; /* each contracted to one FMA */
    c1 = c1 * m + a;
    c2 = c2 * m + a;
    c3 = c3 * m + a;
    c4 = c4 * m + a;
    c5 = c5 * m + a;
    c6 = c6 * m + a;
    c7 = c7 * m + a;
    c8 = c8 * m + a;
    c9 = c9 * m + a;
    c10 = c10 * m + a;
    c11 = c11 * m + a;
  }
  vec t = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
  float s = 0;
  for (int j = 0; j < LANES; ++j) s += t[j];
  return s;
}
