#include "kernels/norms.h"

#include <algorithm>
#include <type_traits>

namespace varflow::kernels {

namespace {
constexpr int64_t kNormBlock = 1 << 16;
}  // namespace

const NormTable* norm_table(Isa isa) {
  switch (isa) {
    case Isa::kBaseline:
      return &baseline::norm_table();
#ifdef VARFLOW_HAVE_AVX2
    case Isa::kAvx2:
      return &avx2::norm_table();
#endif
#ifdef VARFLOW_HAVE_AVX512
    case Isa::kAvx512:
      return &avx512::norm_table();
#endif
    default:
      return nullptr;
  }
}

const NormTable& norm_table() {
  static const NormTable& table = select_table<NormTable>(&norm_table);
  return table;
}

template <typename T>
double sum_of_squares(const std::vector<const Tensor*>& tensors, ThreadPool& pool,
                      const NormTable& table) {
  double (*sum_squares)(const T*, int64_t);
  if constexpr (std::is_same_v<T, float>)
    sum_squares = table.sum_squares_f32;
  else
    sum_squares = table.sum_squares_f64;
  const size_t n_in = tensors.size();
  std::vector<int64_t> start(n_in + 1, 0);
  for (size_t i = 0; i < n_in; ++i) start[i + 1] = start[i] + tensors[i]->num_elements();
  const int64_t total = start.back();
  // The sum of squares of the concatenated range [b, e).
  auto range_sum = [&](int64_t b, int64_t e) {
    double s = 0;
    auto it = std::upper_bound(start.begin(), start.end(), b) - 1;
    for (size_t i = static_cast<size_t>(it - start.begin()); b < e && i < n_in; ++i) {
      const int64_t lo = std::max(b, start[i]) - start[i];
      const int64_t hi = std::min(e, start[i + 1]) - start[i];
      if (hi > lo) s += sum_squares(tensors[i]->template data<T>() + lo, hi - lo);
    }
    return s;
  };
  const int64_t blocks = (total + kNormBlock - 1) / kNormBlock;
  if (blocks <= 1) return range_sum(0, total);
  // Each block's partial sum lands in its own slot; the slots are added in order.
  std::vector<double> partial(static_cast<size_t>(blocks), 0.0);
  pool.parallel_for(
      blocks, 1,
      [&](int64_t b0, int64_t b1) {
        for (int64_t k = b0; k < b1; ++k)
          partial[static_cast<size_t>(k)] =
              range_sum(k * kNormBlock, std::min(total, (k + 1) * kNormBlock));
      },
      1);
  double s = 0;
  for (double p : partial) s += p;
  return s;
}

template <typename T>
double sum_of_squares_in_order(const T* p, int64_t n) {
  double acc = 0;
  for (int64_t i = 0; i < n; ++i) acc += static_cast<double>(p[i]) * static_cast<double>(p[i]);
  return acc;
}

template double sum_of_squares_in_order<float>(const float*, int64_t);
template double sum_of_squares_in_order<double>(const double*, int64_t);
template double sum_of_squares<float>(const std::vector<const Tensor*>&, ThreadPool&,
                                      const NormTable&);
template double sum_of_squares<double>(const std::vector<const Tensor*>&, ThreadPool&,
                                       const NormTable&);

}  // namespace varflow::kernels
