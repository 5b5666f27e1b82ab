#include "kernels/reduce.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kernels/wrapping.h"
#include "varflow/errors.h"

namespace varflow::kernels {

namespace {

template <typename T>
T identity(ReduceOp op) {
  switch (op) {
    case ReduceOp::kProd:
    case ReduceOp::kAll:
      return T(1);
    case ReduceOp::kMax:
      if constexpr (std::is_floating_point_v<T>)
        return -std::numeric_limits<T>::infinity();
      else
        return std::numeric_limits<T>::lowest();
    case ReduceOp::kMin:
      if constexpr (std::is_floating_point_v<T>)
        return std::numeric_limits<T>::infinity();
      else
        return std::numeric_limits<T>::max();
    default:
      return T(0);
  }
}

template <typename T>
inline T combine(ReduceOp op, T acc, T x) {
  switch (op) {
    case ReduceOp::kProd:
      if constexpr (std::is_same_v<T, bool>)
        return acc && x;
      else
        return wrap_mul(acc, x);
    case ReduceOp::kMax:
      return (x > acc || x != x) ? x : acc;  // NaN propagates, as in TF
    case ReduceOp::kMin:
      return (x < acc || x != x) ? x : acc;
    case ReduceOp::kAll:
      return acc && x;
    case ReduceOp::kAny:
      return acc || x;
    default:
      if constexpr (std::is_same_v<T, bool>)
        return acc || x;  // unreachable: sums of bools are rejected before
      else
        return wrap_add(acc, x);  // integer sums wrap, as in TF1
  }
}

// Merged dims of the input, each marked reduced or kept.
struct ReducePlan {
  Dims dims;
  Dims reduced;  // 1 for a reduced dim, 0 for a kept one (Dims: no allocation)
};

ReducePlan plan(const Dims& dims, const std::vector<int>& axes) {
  ReducePlan p;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 1) continue;
    bool r = std::find(axes.begin(), axes.end(), static_cast<int>(i)) != axes.end();
    if (!p.dims.empty() && (p.reduced.back() != 0) == r) {
      p.dims.back() *= dims[i];
    } else {
      p.dims.push_back(dims[i]);
      p.reduced.push_back(r);
    }
  }
  return p;
}

template <typename T>
void reduce_typed(ReduceOp op, const Tensor& in, const std::vector<int>& axes, Tensor& out) {
  using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;
  const T* src = in.data<T>();
  T* dst = out.data<T>();
  const int64_t out_n = out.num_elements();
  const T init = identity<T>(op);
  for (int64_t i = 0; i < out_n; ++i) dst[i] = init;
  const int64_t n = in.num_elements();
  if (n > 0) {
    ReducePlan p = plan(in.dims(), axes);
    if (p.dims.empty()) {  // a single element
      dst[0] = combine(op, dst[0], src[0]);
    } else {
      const size_t rank = p.dims.size();
      // Out strides for the kept dims (0 for reduced ones).
      Dims out_strides(rank, 0);
      int64_t s = 1;
      for (size_t i = rank; i-- > 0;)
        if (!p.reduced[i]) {
          out_strides[i] = s;
          s *= p.dims[i];
        }
      const int64_t inner = p.dims.back();
      const bool inner_reduced = p.reduced.back();
      Dims index(rank, 0);
      for (int64_t base = 0; base < n; base += inner) {
        int64_t o = 0;
        for (size_t i = 0; i + 1 < rank; ++i) o += index[i] * out_strides[i];
        const T* row = src + base;
        if (inner_reduced) {
          Acc acc = static_cast<Acc>(identity<T>(op));
          for (int64_t j = 0; j < inner; ++j) acc = combine<Acc>(op, acc, static_cast<Acc>(row[j]));
          dst[o] = static_cast<T>(combine<Acc>(op, static_cast<Acc>(dst[o]), acc));
        } else {
          T* out_row = dst + o;
          for (int64_t j = 0; j < inner; ++j) out_row[j] = combine(op, out_row[j], row[j]);
        }
        for (size_t i = rank - 1; i-- > 0;) {
          if (++index[i] < p.dims[i]) break;
          index[i] = 0;
        }
      }
    }
  }
  if (op == ReduceOp::kMean) {
    const int64_t count = out_n == 0 ? 0 : n / out_n;
    // An integer mean over no elements is 0 (the empty sum), where a float mean is NaN.
    if (std::is_integral_v<T> && count == 0) return;
    // Integers divide in int64: a count of 2^32 cast to int32 would be a zero divisor.
    using Div = std::conditional_t<std::is_integral_v<T>, int64_t, T>;
    for (int64_t i = 0; i < out_n; ++i)
      dst[i] = static_cast<T>(static_cast<Div>(dst[i]) / static_cast<Div>(count));
  }
}

}  // namespace

void reduce(ReduceOp op, const Tensor& in, const std::vector<int>& axes, Tensor& out) {
  visit_dtype(in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      VF_CHECK(op == ReduceOp::kAll || op == ReduceOp::kAny, ErrorCode::kInvalidArgument,
               "reduction is not defined for bool");
      reduce_typed<T>(op, in, axes, out);
    } else {
      reduce_typed<T>(op, in, axes, out);
    }
  });
}

void arg_reduce(bool is_max, const Tensor& in, int axis, Tensor& out) {
  const Dims& d = in.dims();
  int64_t outer = 1, inner = 1, len = d[static_cast<size_t>(axis)];
  for (int i = 0; i < axis; ++i) outer *= d[static_cast<size_t>(i)];
  for (size_t i = static_cast<size_t>(axis) + 1; i < d.size(); ++i) inner *= d[i];
  VF_CHECK(len > 0, ErrorCode::kInvalidArgument, "Reduction axis ", axis, " is empty in shape ",
           dims_to_string(d));
  visit_dtype(in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* src = in.data<T>();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t best = 0;
        T best_v = src[o * len * inner + i];
        for (int64_t k = 1; k < len; ++k) {
          T v = src[(o * len + k) * inner + i];
          if (is_max ? v > best_v : v < best_v) {
            best_v = v;
            best = k;
          }
        }
        if (out.dtype() == DType::kInt32)
          out.data<int32_t>()[o * inner + i] = static_cast<int32_t>(best);
        else
          out.data<int64_t>()[o * inner + i] = best;
      }
  });
}

}  // namespace varflow::kernels
