// The LSTM cell's gate arithmetic, compiled once per SIMD variant (VF_ISA_NS). The loops run
// over the units of one batch row, with vmath's branch-free sigmoid and tanh so that they
// vectorise; the expressions follow TF's LSTMBlockCellFprop / Bprop term for term.
#include <algorithm>

#include "kernels/lstm.h"
#include "kernels/vector_math.h"

namespace varflow::kernels::VF_ISA_NS {
namespace {

template <typename T>
void forward_rows(const LstmForward<T>& p, const T* gates, int64_t r0, int64_t r1) {
  const int64_t n = p.cell;
  const T* __restrict b = p.b;
  const T fb = p.forget_bias, clip = p.cell_clip;
  for (int64_t r = r0; r < r1; ++r) {
    const T* __restrict g = gates + (r - r0) * 4 * n;
    const int64_t row = r * n;
    const T* __restrict cs_prev = p.cs_prev + row;
    T* __restrict i = p.i + row;
    T* __restrict cs = p.cs + row;
    T* __restrict f = p.f + row;
    T* __restrict o = p.o + row;
    T* __restrict ci = p.ci + row;
    T* __restrict co = p.co + row;
    T* __restrict h = p.h + row;
    if (p.peephole) {
      const T* __restrict wci = p.wci;
      const T* __restrict wcf = p.wcf;
      const T* __restrict wco = p.wco;
      for (int64_t j = 0; j < n; ++j) {
        const T gi = g[j] + b[j], gc = g[n + j] + b[n + j];
        const T gf = g[2 * n + j] + b[2 * n + j], go = g[3 * n + j] + b[3 * n + j];
        const T vi = vmath::sigmoid(gi + cs_prev[j] * wci[j]);
        const T vc = vmath::tanh(gc);
        const T vf = vmath::sigmoid(gf + fb + cs_prev[j] * wcf[j]);
        T s = vi * vc + vf * cs_prev[j];
        if (clip > T(0)) s = std::min(std::max(s, -clip), clip);
        const T vco = vmath::tanh(s);
        const T vo = vmath::sigmoid(go + s * wco[j]);
        i[j] = vi, ci[j] = vc, f[j] = vf, cs[j] = s, co[j] = vco, o[j] = vo, h[j] = vo * vco;
      }
    } else {
      for (int64_t j = 0; j < n; ++j) {
        const T gi = g[j] + b[j], gc = g[n + j] + b[n + j];
        const T gf = g[2 * n + j] + b[2 * n + j], go = g[3 * n + j] + b[3 * n + j];
        const T vi = vmath::sigmoid(gi);
        const T vc = vmath::tanh(gc);
        const T vf = vmath::sigmoid(gf + fb);
        T s = vi * vc + vf * cs_prev[j];
        if (clip > T(0)) s = std::min(std::max(s, -clip), clip);
        const T vco = vmath::tanh(s);
        const T vo = vmath::sigmoid(go);
        i[j] = vi, ci[j] = vc, f[j] = vf, cs[j] = s, co[j] = vco, o[j] = vo, h[j] = vo * vco;
      }
    }
  }
}

template <typename T>
void backward_rows(const LstmBackward<T>& p, int64_t r0, int64_t r1) {
  const int64_t n = p.cell;
  const T one = T(1);
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t row = r * n;
    const T* __restrict i = p.i + row;
    const T* __restrict cs = p.cs + row;
    const T* __restrict f = p.f + row;
    const T* __restrict o = p.o + row;
    const T* __restrict ci = p.ci + row;
    const T* __restrict co = p.co + row;
    const T* __restrict cs_prev = p.cs_prev + row;
    const T* __restrict cs_grad = p.cs_grad + row;
    const T* __restrict h_grad = p.h_grad + row;
    T* __restrict cs_prev_grad = p.cs_prev_grad + row;
    T* __restrict d = p.dicfo + r * 4 * n;
    (void)cs;
    for (int64_t j = 0; j < n; ++j) {
      const T d_o = o[j] * (one - o[j]) * h_grad[j] * co[j];
      T dcs = (one - co[j] * co[j]) * h_grad[j] * o[j] + cs_grad[j];
      if (p.peephole) dcs = dcs + d_o * p.wco[j];
      const T dci = (one - ci[j] * ci[j]) * dcs * i[j];
      const T df = f[j] * (one - f[j]) * dcs * cs_prev[j];
      const T di = i[j] * (one - i[j]) * dcs * ci[j];
      d[j] = di, d[n + j] = dci, d[2 * n + j] = df, d[3 * n + j] = d_o;
      T prev = dcs * f[j];
      if (p.peephole) prev = prev + di * p.wci[j] + df * p.wcf[j];
      cs_prev_grad[j] = prev;
    }
  }
}

LstmTable make_table() {
  LstmTable t;
  t.forward_f32 = &forward_rows<float>;
  t.forward_f64 = &forward_rows<double>;
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
