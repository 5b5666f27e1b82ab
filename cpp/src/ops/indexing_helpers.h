// Helpers shared by the indexing families (concat_split_ops.cc, slice_ops.cc, gather_ops.cc,
// pad_tile_ops.cc, index_set_ops.cc).
//
// Every op there checks its inputs twice: in the shape rule, against what is known at
// graph-build time (ValueError / TypeError with TF1's message), and in the kernel, against the
// actual values (InvalidArgumentError), because with placeholders of unknown shape the shape
// rule sees nothing. Axes go through normalize_axis; sizes computed from user values
// (paddings, multiples, split sizes, concatenated lengths, slice bounds) use checked
// arithmetic, so an overflow is an error and never a wrapped shape or an out-of-bounds write.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops::indexing {

inline constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
// StridedSlice's masks are bit sets over the spec's entries (and one more for an implicit
// ellipsis), so a spec can have at most 62 entries.
inline constexpr int64_t kMaxSliceSpec = 62;
// A vector input longer than this is not a rank anybody means (TF's TensorShape allows 254);
// the shape rules leave such ranks unknown rather than allocate them.
inline constexpr int64_t kMaxRank = 254;

inline std::vector<int64_t> int_values(const Tensor& t) {
  std::vector<int64_t> v(static_cast<size_t>(t.num_elements()));
  for (int64_t i = 0; i < t.num_elements(); ++i)
    v[static_cast<size_t>(i)] =
        t.dtype() == DType::kInt32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
  return v;
}

inline Tensor int_vector(const std::vector<int64_t>& v, DType dtype) {
  Tensor t(dtype, {static_cast<int64_t>(v.size())});
  for (size_t i = 0; i < v.size(); ++i) {
    if (dtype == DType::kInt32)
      t.data<int32_t>()[i] = static_cast<int32_t>(v[i]);
    else
      t.data<int64_t>()[i] = v[i];
  }
  return t;
}

inline Output int_const(Graph& g, const std::vector<int64_t>& v) {
  return constant(g, int_vector(v, DType::kInt32));
}
inline Output i32(Graph& g, int32_t v) { return scalar<int32_t>(g, v); }

inline void require_int(InferenceContext& c, int i) {
  shape_rules::require_dtype(c, i, {DType::kInt32, DType::kInt64});
}

// The constant scalar value of input i, if known at graph-build time.
inline std::optional<int64_t> const_scalar(InferenceContext& c, int i) {
  const Tensor* t = c.constant_input(i);
  if (!t || t->num_elements() != 1) return std::nullopt;
  return t->scalar_as_int();
}

inline std::string shapes_string(InferenceContext& c) {
  std::string all;
  for (int k = 0; k < c.num_inputs(); ++k) all += (k ? ", " : "") + c.input_shape(k).to_tf_string();
  return all;
}

inline std::string tf_shape(const Dims& dims) { return Shape(dims).to_tf_string(); }

template <typename V>
inline std::string join(const V& v, const char* sep = ",") {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + std::to_string(v[i]);
  return s;
}

// Run time: input i must be a scalar (rank 0); returns its value.
inline int64_t scalar_input(KernelContext& c, int i, const std::string& message) {
  const Tensor& t = c.input(i);
  if (t.rank() != 0) c.fail(ErrorCode::kInvalidArgument, message, tf_shape(t.dims()));
  return t.scalar_as_int();
}

// The rank a shape rule can give its output when only a vector input's length tells it.
inline std::optional<int64_t> vector_length(const Shape& s) {
  if (!s.has_rank() || s.rank() != 1 || s.dim(0) < 0 || s.dim(0) > kMaxRank) return std::nullopt;
  return s.dim(0);
}

inline Shape unknown_dims(int64_t rank) {
  return Shape(Dims(static_cast<size_t>(rank), kUnknownDim));
}

}  // namespace varflow::ops::indexing
