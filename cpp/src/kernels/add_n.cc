#include "kernels/add_n.h"

#include <algorithm>
#include <cstring>

#include "varflow/errors.h"

namespace varflow::kernels {

namespace {
// Elements of one tile: 8 KiB of float32 output stays in L1 beside the input lines streaming
// through it. The loops in add_n_simd.cc use the same tile.
constexpr int64_t kTile = 2048;
// Additions per task before threading pays off (elementwise.cc's grain, counted in adds).
constexpr int64_t kGrainAdds = 32768;

template <typename T>
void run(AddNLoop<T> loop, const std::vector<const Tensor*>& inputs, Tensor& out,
         ThreadPool& pool) {
  const int n = static_cast<int>(inputs.size());
  std::vector<const T*> ptrs(inputs.size());
  const int64_t len = out.num_elements();
  T* o = out.data<T>();
  const int64_t grain = std::max<int64_t>(kTile, kGrainAdds / (n - 1));
  pool.parallel_for(
      len, grain,
      [&](int64_t begin, int64_t end) {
        // Each range offsets its own copy of the pointers: the ranges run concurrently.
        std::vector<const T*> at(static_cast<size_t>(n));
        for (int k = 0; k < n; ++k) at[static_cast<size_t>(k)] = inputs[k]->data<T>() + begin;
        loop(at.data(), n, o + begin, end - begin);
      },
      kTile);
}

}  // namespace

const AddNTable* add_n_table(Isa isa) {
  switch (isa) {
    case Isa::kBaseline:
      return &baseline::add_n_table();
#ifdef VARFLOW_HAVE_AVX2
    case Isa::kAvx2:
      return &avx2::add_n_table();
#endif
#ifdef VARFLOW_HAVE_AVX512
    case Isa::kAvx512:
      return &avx512::add_n_table();
#endif
    default:
      return nullptr;
  }
}

const AddNTable& add_n_table() {
  static const AddNTable& table = select_table<AddNTable>(&add_n_table);
  return table;
}

bool add_n_supports(DType dtype) {
  return dtype == DType::kFloat32 || dtype == DType::kFloat64 || dtype == DType::kInt32 ||
         dtype == DType::kInt64;
}

void add_n(const std::vector<const Tensor*>& inputs, Tensor& out, ThreadPool& pool,
           const AddNTable& table) {
  VF_CHECK(inputs.size() >= 2, ErrorCode::kInternal, "add_n needs at least two inputs");
  for (const Tensor* t : inputs)
    VF_CHECK(t->dtype() == out.dtype() && t->num_elements() == out.num_elements(),
             ErrorCode::kInternal, "add_n inputs must match the output");
  if (out.num_elements() == 0) return;
  // The first tile pass reads inputs 0-2 before it writes; a later input must not be the output.
  for (size_t k = 3; k < inputs.size(); ++k)
    if (inputs[k]->raw() == out.raw()) {
      Tensor sum(out.dtype(), out.dims());
      add_n(inputs, sum, pool, table);
      std::memcpy(out.raw(), sum.raw(), out.nbytes());
      return;
    }
  switch (out.dtype()) {
    case DType::kFloat32:
      return run<float>(table.f32, inputs, out, pool);
    case DType::kFloat64:
      return run<double>(table.f64, inputs, out, pool);
    case DType::kInt32:
      return run<int32_t>(table.i32, inputs, out, pool);
    case DType::kInt64:
      return run<int64_t>(table.i64, inputs, out, pool);
    default:
      raise(ErrorCode::kInvalidArgument, "AddN has no one-pass loop for dtype ",
            dtype_name(out.dtype()));
  }
}

}  // namespace varflow::kernels
