#include "kernels/activations.h"

namespace varflow::kernels {

const ActivationTable* activation_table(Isa isa) {
  switch (isa) {
    case Isa::kBaseline:
      return &baseline::activation_table();
#ifdef VARFLOW_HAVE_AVX2
    case Isa::kAvx2:
      return &avx2::activation_table();
#endif
#ifdef VARFLOW_HAVE_AVX512
    case Isa::kAvx512:
      return &avx512::activation_table();
#endif
    default:
      return nullptr;
  }
}

const ActivationTable& activation_table() {
  static const ActivationTable& table = select_table<ActivationTable>(&activation_table);
  return table;
}

void activation(Activation op, const Tensor& a, const Tensor& b, Tensor& out, double alpha,
                ThreadPool& pool, const ActivationTable& table) {
  const bool f32 = a.dtype() == DType::kFloat32;
  const ActivationLoop loop = (f32 ? table.f32 : table.f64)[static_cast<int>(op)];
  const size_t size = f32 ? sizeof(float) : sizeof(double);
  const char* pa = static_cast<const char*>(a.raw());
  const char* pb = static_cast<const char*>(b.raw());
  char* po = static_cast<char*>(out.raw());
  pool.parallel_for(a.num_elements(), 1 << 15, [&](int64_t begin, int64_t end) {
    const size_t offset = static_cast<size_t>(begin) * size;
    loop(pa + offset, pb + offset, po + offset, end - begin, alpha);
  });
}

}  // namespace varflow::kernels
