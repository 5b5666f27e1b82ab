/* The C references of the optimizer rows (benchmarks/c_reference.py): the plain loop a
 * compiler vectorises at -O3 -march=native, with TF1's formulas, single-threaded (on this
 * machine one thread already saturates memory). adam_multi is one call over many tensors:
 * what a multi-tensor step can reach at best, with no per-tensor dispatch. */
#include <math.h>
#include <stdint.h>

void sgd(float* restrict var, const float* restrict g, int64_t n, float lr) {
  for (int64_t i = 0; i < n; ++i) var[i] -= g[i] * lr;
}

static void adam_one(float* restrict var, float* restrict m, float* restrict v,
                     const float* restrict g, int64_t n, float alpha, float one_minus_beta1,
                     float one_minus_beta2, float eps) {
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i];
    const float mi = m[i] + (gi - m[i]) * one_minus_beta1;
    const float vi = v[i] + (gi * gi - v[i]) * one_minus_beta2;
    m[i] = mi;
    v[i] = vi;
    var[i] -= (mi * alpha) / (sqrtf(vi) + eps);
  }
}

/* TF1's ApplyAdam after `steps` earlier steps: alpha = lr sqrt(1 - beta2^t) / (1 - beta1^t). */
static float adam_alpha(double lr, double beta1, double beta2, int64_t t) {
  return (float)(lr * sqrt(1 - pow(beta2, (double)t)) / (1 - pow(beta1, (double)t)));
}

void adam(float* var, float* m, float* v, const float* g, int64_t n, double lr, double beta1,
          double beta2, double eps, int64_t t) {
  adam_one(var, m, v, g, n, adam_alpha(lr, beta1, beta2, t), (float)(1 - beta1),
           (float)(1 - beta2), (float)eps);
}

void adam_multi(float* const* var, float* const* m, float* const* v, const float* const* g,
                const int64_t* n, int64_t count, double lr, double beta1, double beta2,
                double eps, int64_t t) {
  const float alpha = adam_alpha(lr, beta1, beta2, t);
  for (int64_t k = 0; k < count; ++k)
    adam_one(var[k], m[k], v[k], g[k], n[k], alpha, (float)(1 - beta1), (float)(1 - beta2),
             (float)eps);
}
