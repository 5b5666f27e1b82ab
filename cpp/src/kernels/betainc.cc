#include "kernels/betainc.h"

#include "kernels/special_functions.h"
#include "varflow/errors.h"

namespace varflow::kernels {

namespace {

// Each call costs hundreds of flops (a continued fraction), so small tasks pay off.
constexpr int64_t kGrain = 256;

template <typename T>
void betainc_typed(const Tensor& a, const Tensor& b, const Tensor& x, Tensor& out,
                   ThreadPool& pool) {
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  const T* px = x.data<T>();
  T* po = out.data<T>();
  // A scalar operand is read at index 0 for every element.
  const int64_t sa = a.num_elements() == 1 ? 0 : 1, sb = b.num_elements() == 1 ? 0 : 1,
                sx = x.num_elements() == 1 ? 0 : 1;
  pool.parallel_for(
      out.num_elements(), kGrain,
      [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i)
          po[i] = special::betainc(pa[i * sa], pb[i * sb], px[i * sx]);
      },
      1);
}

}  // namespace

void betainc(const Tensor& a, const Tensor& b, const Tensor& x, Tensor& out, ThreadPool& pool) {
  for (const Tensor* t : {&a, &b, &x})
    VF_CHECK(t->dtype() == out.dtype() &&
                 (t->num_elements() == 1 || t->num_elements() == out.num_elements()),
             ErrorCode::kInvalidArgument, "betainc: operand of ", dims_to_string(t->dims()), " ",
             dtype_name(t->dtype()), " for an output of ", dims_to_string(out.dims()));
  if (out.dtype() == DType::kFloat32)
    betainc_typed<float>(a, b, x, out, pool);
  else if (out.dtype() == DType::kFloat64)
    betainc_typed<double>(a, b, x, out, pool);
  else
    raise(ErrorCode::kInvalidArgument, "betainc: float32 or float64, got ",
          dtype_name(out.dtype()));
}

}  // namespace varflow::kernels
