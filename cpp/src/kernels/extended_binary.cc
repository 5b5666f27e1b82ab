#include "kernels/extended_binary.h"

#include <type_traits>

namespace varflow::kernels {

namespace {

// The table dtype an extended dtype computes in, or kInvalid if only comparisons exist.
DType compute_dtype(DType d) {
  if (d == DType::kFloat16 || d == DType::kBFloat16) return DType::kFloat32;
  if (d == DType::kInt8 || d == DType::kInt16 || d == DType::kUInt8 || d == DType::kUInt16 ||
      d == DType::kUInt32)
    return DType::kInt64;
  return DType::kInvalid;
}

bool is_equality(BinaryOp op) { return op == BinaryOp::kEqual || op == BinaryOp::kNotEqual; }

// Offsets of every output element into a and b under NumPy broadcasting.
template <typename Fn>
void for_each_broadcast(const Dims& a, const Dims& b, const Dims& out, Fn fn) {
  const size_t rank = out.size();
  Dims sa(rank, 0), sb(rank, 0);
  int64_t ma = 1, mb = 1;
  for (size_t k = rank; k-- > 0;) {
    const size_t ka = k + a.size() - rank, kb = k + b.size() - rank;  // may wrap: then absent
    if (k + a.size() >= rank) {
      sa[k] = a[ka] == 1 ? 0 : ma;
      ma *= a[ka];
    }
    if (k + b.size() >= rank) {
      sb[k] = b[kb] == 1 ? 0 : mb;
      mb *= b[kb];
    }
  }
  const int64_t n = num_elements(out);
  Dims index(rank, 0);
  int64_t oa = 0, ob = 0;
  for (int64_t i = 0; i < n; ++i) {
    fn(i, oa, ob);
    for (size_t k = rank; k-- > 0;) {
      oa += sa[k];
      ob += sb[k];
      if (++index[k] < out[k]) break;
      oa -= sa[k] * index[k];
      ob -= sb[k] * index[k];
      index[k] = 0;
    }
  }
}

void compare(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) {
  const bool want_equal = op == BinaryOp::kEqual;
  bool* dst = out.data<bool>();
  visit_any_dtype(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
      raise_unsupported_dtype(a.dtype(), "Equality without conversion");  // they go via float
    } else {
      const T* pa = a.data<T>();
      const T* pb = b.data<T>();
      for_each_broadcast(a.dims(), b.dims(), out.dims(), [&](int64_t i, int64_t ia, int64_t ib) {
        dst[i] = (pa[ia] == pb[ib]) == want_equal;
      });
    }
  });
}

void concatenate(const Tensor& a, const Tensor& b, Tensor& out) {
  const std::string* pa = a.data<std::string>();
  const std::string* pb = b.data<std::string>();
  std::string* dst = out.data<std::string>();
  for_each_broadcast(a.dims(), b.dims(), out.dims(),
                     [&](int64_t i, int64_t ia, int64_t ib) { dst[i] = pa[ia] + pb[ib]; });
}

// `wide`, the result in the compute dtype, written into `out` in its own dtype.
void store(const Tensor& wide, Tensor& out) {
  if (wide.dtype() == out.dtype()) {
    out.copy_elements_from(wide, 0, 0, wide.num_elements());
    return;
  }
  const Tensor narrow = wide.cast(out.dtype());
  out.copy_elements_from(narrow, 0, 0, narrow.num_elements());
}

}  // namespace

bool extended_binary_supports(BinaryOp op, DType dtype) {
  if (!is_valid(dtype) || is_classic(dtype)) return false;
  const DType wide = compute_dtype(dtype);
  if (wide != DType::kInvalid) return binary_supports(op, wide);
  return is_equality(op) || (dtype == DType::kString && op == BinaryOp::kAdd);
}

bool extended_unary_supports(UnaryOp op, DType dtype) {
  if (!is_valid(dtype) || is_classic(dtype)) return false;
  const DType wide = compute_dtype(dtype);
  if (wide == DType::kInvalid) return false;
  // Neg of an unsigned type would wrap in TF too, but TF1 registers no such kernel; its Round
  // takes signed integers only.
  if (is_unsigned(dtype) &&
      (op == UnaryOp::kNeg || op == UnaryOp::kAbs || op == UnaryOp::kSign || op == UnaryOp::kRound))
    return false;
  return unary_supports(op, wide);
}

void extended_binary(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out, ThreadPool& pool,
                     const ElementwiseTable& table) {
  const DType wide = compute_dtype(a.dtype());
  if (wide == DType::kInvalid) {
    if (op == BinaryOp::kAdd)
      concatenate(a, b, out);
    else
      compare(op, a, b, out);
    return;
  }
  const Tensor wa = a.cast(wide), wb = b.cast(wide);
  Tensor result(binary_result_dtype(op, wide), out.dims());
  binary(op, wa, wb, result, pool, table);
  store(result, out);
}

void extended_unary(UnaryOp op, const Tensor& a, Tensor& out, ThreadPool& pool,
                    const ElementwiseTable& table) {
  const Tensor wa = a.cast(compute_dtype(a.dtype()));
  Tensor result(unary_result_dtype(op, wa.dtype()), out.dims());
  unary(op, wa, result, pool, table);
  store(result, out);
}

}  // namespace varflow::kernels
