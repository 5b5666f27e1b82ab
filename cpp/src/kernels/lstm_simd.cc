// The LSTM cell's gate arithmetic, compiled once per SIMD variant (VF_ISA_NS). The loops run
// over the units of one batch row, with vmath's branch-free sigmoid and tanh so that they
// vectorise; the expressions follow TF's LSTMBlockCellFprop / Bprop term for term.
#include <algorithm>

#include "kernels/lstm.h"
#include "kernels/vector_math.h"

namespace varflow::kernels::VF_ISA_NS {
namespace {

// One batch row, units [u0, u1). Every array is a separate restrict parameter, so that GCC
// sees the loop's loads and stores cannot alias and vectorises it (through a struct
// reference it does not).
template <typename T, bool kPeephole>
void forward_row(const T* __restrict g, const T* __restrict b, const T* __restrict cs_prev,
                 const T* __restrict wci, const T* __restrict wcf, const T* __restrict wco,
                 T* __restrict i, T* __restrict ci, T* __restrict f, T* __restrict cs,
                 T* __restrict co, T* __restrict o, T* __restrict h, int64_t n, int64_t u0,
                 int64_t u1, T fb, T clip) {
  for (int64_t j = u0; j < u1; ++j) {
    const T gi = g[j] + b[j], gc = g[n + j] + b[n + j];
    const T gf = g[2 * n + j] + b[2 * n + j], go = g[3 * n + j] + b[3 * n + j];
    const T vi = vmath::sigmoid(kPeephole ? gi + cs_prev[j] * wci[j] : gi);
    const T vc = vmath::tanh(gc);
    const T vf = vmath::sigmoid(kPeephole ? gf + fb + cs_prev[j] * wcf[j] : gf + fb);
    T s = vi * vc + vf * cs_prev[j];
    if (clip > T(0)) s = std::min(std::max(s, -clip), clip);
    const T vco = vmath::tanh(s);
    const T vo = vmath::sigmoid(kPeephole ? go + s * wco[j] : go);
    i[j] = vi, ci[j] = vc, f[j] = vf, cs[j] = s, co[j] = vco, o[j] = vo, h[j] = vo * vco;
  }
}

template <typename T>
void forward_block(const LstmForward<T>& p, const T* gates, int64_t u0, int64_t u1) {
  const int64_t n = p.cell;
  for (int64_t r = 0; r < p.batch; ++r) {
    const T* g = gates + r * 4 * n;
    const int64_t row = r * n;
    auto run = p.peephole ? &forward_row<T, true> : &forward_row<T, false>;
    run(g, p.b, p.cs_prev + row, p.wci, p.wcf, p.wco, p.i + row, p.ci + row, p.f + row, p.cs + row,
        p.co + row, p.o + row, p.h + row, n, u0, u1, p.forget_bias, p.cell_clip);
  }
}

template <typename T, bool kPeephole>
void backward_row(const T* __restrict i, const T* __restrict f, const T* __restrict o,
                  const T* __restrict ci, const T* __restrict co, const T* __restrict cs_prev,
                  const T* __restrict cs_grad, const T* __restrict h_grad, const T* __restrict wci,
                  const T* __restrict wcf, const T* __restrict wco, T* __restrict cs_prev_grad,
                  T* __restrict d, int64_t n) {
  const T one = T(1);
  for (int64_t j = 0; j < n; ++j) {
    const T d_o = o[j] * (one - o[j]) * h_grad[j] * co[j];
    T dcs = (one - co[j] * co[j]) * h_grad[j] * o[j] + cs_grad[j];
    if (kPeephole) dcs = dcs + d_o * wco[j];
    const T dci = (one - ci[j] * ci[j]) * dcs * i[j];
    const T df = f[j] * (one - f[j]) * dcs * cs_prev[j];
    const T di = i[j] * (one - i[j]) * dcs * ci[j];
    d[j] = di, d[n + j] = dci, d[2 * n + j] = df, d[3 * n + j] = d_o;
    T prev = dcs * f[j];
    if (kPeephole) prev = prev + di * wci[j] + df * wcf[j];
    cs_prev_grad[j] = prev;
  }
}

template <typename T>
void backward_rows(const LstmBackward<T>& p, int64_t r0, int64_t r1) {
  const int64_t n = p.cell;
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t row = r * n;
    auto run = p.peephole ? &backward_row<T, true> : &backward_row<T, false>;
    run(p.i + row, p.f + row, p.o + row, p.ci + row, p.co + row, p.cs_prev + row, p.cs_grad + row,
        p.h_grad + row, p.wci, p.wcf, p.wco, p.cs_prev_grad + row, p.dicfo + r * 4 * n, n);
  }
}

LstmTable make_table() {
  LstmTable t;
  t.forward_f32 = &forward_block<float>;
  t.forward_f64 = &forward_block<double>;
  t.backward_f32 = &backward_rows<float>;
  t.backward_f64 = &backward_rows<double>;
  return t;
}

}  // namespace

const LstmTable& lstm_table() {
  static const LstmTable table = make_table();
  return table;
}

}  // namespace varflow::kernels::VF_ISA_NS
