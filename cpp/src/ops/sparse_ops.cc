// TF1's sparse ops over the COO layout of tf.SparseTensor (indices int64 [nnz, rank], values
// [nnz], dense_shape int64 [rank]): SparseToDense, SparseReorder, SparseReshape, SparseAdd
// (+ SparseAddGrad), SparseTensorDenseAdd, SparseReduceSum, SparseTensorDenseMatMul and
// SparseFillEmptyRows. Every kernel checks the indices against the shape before it touches
// memory (InvalidArgumentError with TF's message); ops that merge sorted inputs check order.
#include <cmath>
#include <cstring>
#include <type_traits>

#include "core/element_copy.h"
#include "kernels/sparse.h"
#include "kernels/wrapping.h"
#include "ops/indexing_helpers.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

using namespace indexing;
namespace sp = kernels::sparse;

constexpr const char* kOutOfOrder =
    " is out of order. Many sparse ops require sorted indices.\n    Use `tf.sparse.reorder` to "
    "create a correctly ordered copy.\n\n";

// A SparseTensor's three inputs, checked for consistent shapes, indices as int64.
struct SparseInput {
  Tensor indices_storage;
  const int64_t* ix = nullptr;
  int64_t nnz = 0;
  int rank = 0;
  std::vector<int64_t> shape;
};

SparseInput sparse_input(KernelContext& c, int first, const char* which = "input") {
  const Tensor& ix = c.input(first);
  const Tensor& values = c.input(first + 1);
  const Tensor& shape = c.input(first + 2);
  if (ix.rank() != 2)
    c.fail(ErrorCode::kInvalidArgument, which, "_indices should be a matrix but received shape ",
           tf_shape(ix.dims()));
  if (values.rank() != 1)
    c.fail(ErrorCode::kInvalidArgument, which, "_values should be a vector but received shape ",
           tf_shape(values.dims()));
  if (shape.rank() != 1)
    c.fail(ErrorCode::kInvalidArgument, which, "_shape should be a vector but received shape ",
           tf_shape(shape.dims()));
  if (ix.dim(0) != values.dim(0))
    c.fail(ErrorCode::kInvalidArgument, "Number of ", which, " indices (", ix.dim(0),
           ") and number of values (", values.dim(0), ") must match");
  if (ix.dim(1) != shape.dim(0))
    c.fail(ErrorCode::kInvalidArgument, "Number of dimensions of ", which, " indices (", ix.dim(1),
           ") and rank of the shape (", shape.dim(0), ") must match");
  SparseInput s;
  s.indices_storage = ix.dtype() == DType::kInt64 ? ix : ix.cast(DType::kInt64);
  s.ix = s.indices_storage.data<int64_t>();
  s.nnz = ix.dim(0);
  s.rank = static_cast<int>(ix.dim(1));
  s.shape = int_values(shape);
  for (int64_t d : s.shape)
    if (d < 0)
      c.fail(ErrorCode::kInvalidArgument, which,
             "_shape has a negative dimension: ", "[" + join(s.shape) + "]");
  return s;
}

// Every index inside the shape; with `ordered`, strictly increasing as well.
void check_indices(KernelContext& c, const SparseInput& s, bool ordered) {
  for (int64_t i = 0; i < s.nnz; ++i) {
    for (int d = 0; d < s.rank; ++d) {
      const int64_t v = s.ix[i * s.rank + d];
      if (v < 0 || v >= s.shape[static_cast<size_t>(d)])
        c.fail(ErrorCode::kInvalidArgument, "indices[", i, "] = ", sp::row_string(s.ix, i, s.rank),
               " is out of bounds: need 0 <= index < [", join(s.shape), "]");
    }
    if (ordered && i > 0) {
      const int cmp = sp::compare_rows(s.ix, i - 1, s.ix, i, s.rank);
      if (cmp == 0)
        c.fail(ErrorCode::kInvalidArgument, "indices[", i, "] = ", sp::row_string(s.ix, i, s.rank),
               " is repeated");
      if (cmp > 0)
        c.fail(ErrorCode::kInvalidArgument, "indices[", i, "] = ", sp::row_string(s.ix, i, s.rank),
               kOutOfOrder);
    }
  }
}

int64_t checked_elements(KernelContext& c, const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(n, d, &n))
      c.fail(ErrorCode::kInvalidArgument, "Shape [", join(shape),
             "] has too many elements (more than 2**63 - 1)");
  return n;
}

Tensor int64_vector(const std::vector<int64_t>& v) { return int_vector(v, DType::kInt64); }

void require_int64(InferenceContext& c, int i, const char* what) {
  if (c.input_dtype(i) != DType::kInt64)
    c.type_error("Input '", what, "' of '", c.op_type(), "' Op has type ",
                 dtype_tf_name(c.input_dtype(i)), " that does not match expected type of int64.");
}

// Graph-time checks of a SparseTensor's three inputs at `first`.
void sparse_input_shape(InferenceContext& c, int first) {
  require_int64(c, first, "indices");
  require_int64(c, first + 2, "shape");
  const Shape& ix = c.input_shape(first);
  if (ix.has_rank() && ix.rank() != 2)
    c.value_error("Shape must be rank 2 but is rank ", ix.rank());
  if (c.input_shape(first + 1).has_rank() && c.input_shape(first + 1).rank() != 1)
    c.value_error("Shape must be rank 1 but is rank ", c.input_shape(first + 1).rank());
  if (c.input_shape(first + 2).has_rank() && c.input_shape(first + 2).rank() != 1)
    c.value_error("Shape must be rank 1 but is rank ", c.input_shape(first + 2).rank());
}

// TF's values gradient where an op reads the dense tensor at the sparse indices.
Output gather_nd(Output params, Output indices) {
  return op(params.graph(), "GatherNd", {params, indices});
}

// --- SparseToDense ------------------------------------------------------------------------------
void sparse_to_dense_shape(InferenceContext& c) {
  require_int(c, 0);
  require_int(c, 1);
  if (c.input_dtype(2) != c.input_dtype(3))
    c.type_error("sparse_values and default_value must have one dtype, got ",
                 dtype_tf_name(c.input_dtype(2)), " and ", dtype_tf_name(c.input_dtype(3)));
  const Shape& ix = c.input_shape(0);
  if (ix.has_rank() && ix.rank() > 2)
    c.value_error("Shape must be at most rank 2 but is rank ", ix.rank());
  if (c.input_shape(3).has_rank() && c.input_shape(3).rank() != 0)
    c.value_error("Shape must be rank 0 but is rank ", c.input_shape(3).rank());
  c.set_output(0, c.input_dtype(2), shape_rules::shape_from_input(c, 1));
}

void sparse_to_dense_kernel(KernelContext& c) {
  const Tensor& ix_in = c.input(0);
  const Tensor& values = c.input(2);
  const Tensor& fallback = c.input(3);
  if (c.input(1).rank() > 1)
    c.fail(ErrorCode::kInvalidArgument, "output_shape must be rank 1, got shape ",
           tf_shape(c.input(1).dims()));
  const std::vector<int64_t> shape = int_values(c.input(1));
  if (ix_in.rank() > 2)
    c.fail(ErrorCode::kInvalidArgument,
           "sparse_indices should be a scalar, vector, or matrix, got ", tf_shape(ix_in.dims()));
  const int64_t nnz = ix_in.rank() == 0 ? 1 : ix_in.dim(0);
  const int64_t dims = ix_in.rank() == 2 ? ix_in.dim(1) : 1;
  if (dims != static_cast<int64_t>(shape.size()))
    c.fail(ErrorCode::kInvalidArgument, "sparse_indices[0].size() (", dims,
           ") must match output_shape.size() (", shape.size(), ")");
  if (!(values.rank() == 0 || (values.rank() == 1 && values.dim(0) == nnz)))
    c.fail(ErrorCode::kInvalidArgument, "sparse_values has incorrect shape ",
           tf_shape(values.dims()), ", should be [] or [", nnz, "]");
  if (fallback.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "default_value should be a scalar, got shape ",
           tf_shape(fallback.dims()));
  SparseInput s;
  s.indices_storage = ix_in.cast(DType::kInt64);
  s.ix = s.indices_storage.data<int64_t>();
  s.nnz = nnz;
  s.rank = static_cast<int>(dims);
  s.shape = shape;
  for (int64_t d : shape)
    if (d < 0)
      c.fail(ErrorCode::kInvalidArgument, "output_shape has a negative dimension: [", join(shape),
             "]");
  // Out-of-bounds indices are always refused (a write past the buffer); order only with
  // validate_indices, as in TF.
  check_indices(c, s, c.attrs().get<bool>("validate_indices"));
  checked_elements(c, shape);
  Dims out_dims(shape.begin(), shape.end());
  Tensor& out = c.allocate_output(0, values.dtype(), out_dims);
  const auto strides = sp::strides_of(shape);
  visit_any_dtype(values.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* dst = out.data<T>();
    const T fill = *fallback.data<T>();
    std::fill(dst, dst + out.num_elements(), fill);
    const T* src = values.data<T>();
    for (int64_t i = 0; i < nnz; ++i) {
      int64_t at = 0;
      for (int d = 0; d < s.rank; ++d) at += s.ix[i * s.rank + d] * strides[static_cast<size_t>(d)];
      dst[at] = src[values.rank() == 0 ? 0 : i];
    }
  });
}

Grads sparse_to_dense_grad(GradContext& c) {
  Graph& g = c.graph();
  Output ix = c.input(0);
  // Indices of a 1-D output may come as a vector (or a scalar): one column of a matrix.
  if (ix.shape().has_rank() && ix.shape().rank() < 2) ix = reshape(ix, int_const(g, {-1, 1}));
  Output values_grad = gather_nd(c.grad(), ix);
  Output default_grad = sub(reduce_sum(c.grad(), {}, false), reduce_sum(values_grad, {}, false));
  return Grads{std::nullopt, std::nullopt, values_grad, default_grad};
}

// --- SparseReorder ------------------------------------------------------------------------------
void sparse_reorder_shape(InferenceContext& c) {
  sparse_input_shape(c, 0);
  c.set_num_outputs(2);
  c.set_output(0, DType::kInt64, c.input_shape(0));
  c.set_output(1, c.input_dtype(1), c.input_shape(1));
}

void sparse_reorder_kernel(KernelContext& c) {
  const SparseInput s = sparse_input(c, 0);
  check_indices(c, s, false);
  const auto perm = sp::sorting_permutation(s.ix, s.nnz, s.rank);
  Tensor& out_ix = c.allocate_output(0, DType::kInt64, {s.nnz, s.rank});
  const Tensor& values = c.input(1);
  Tensor& out_values = c.allocate_output(1, values.dtype(), values.dims());
  int64_t* dst = out_ix.data<int64_t>();
  const size_t item = dtype_size(values.dtype());
  for (int64_t i = 0; i < s.nnz; ++i) {
    const int64_t from = perm[static_cast<size_t>(i)];
    std::memcpy(dst + i * s.rank, s.ix + from * s.rank, sizeof(int64_t) * s.rank);
    copy_raw(values.dtype(), static_cast<char*>(out_values.raw()) + i * item,
             static_cast<const char*>(values.raw()) + from * item, item);
  }
}

// TF's _SparseReorderGrad: reorder the entry numbers to learn the permutation, then gather
// the output gradient through its inverse.
Grads sparse_reorder_grad(GradContext& c) {
  Graph& g = c.graph();
  Output n = op(g, "Size", {c.input(1)}, {{"out_type", DType::kInt32}});
  Output entries = op(g, "Range", {i32(g, 0), n, i32(g, 1)});
  Node* ordered = add_op(g, "SparseReorder", {c.input(0), entries, c.input(2)});
  Output inverse = op(g, "InvertPermutation", {Output{ordered, 1}});
  return Grads{std::nullopt, op(g, "GatherV2", {c.grad(1), inverse, i32(g, 0)}), std::nullopt};
}

// --- SparseReshape ------------------------------------------------------------------------------
void sparse_reshape_shape(InferenceContext& c) {
  require_int64(c, 0, "input_indices");
  require_int64(c, 1, "input_shape");
  require_int64(c, 2, "new_shape");
  const Shape& ix = c.input_shape(0);
  const Shape& ns = c.input_shape(2);
  const int64_t rank = ns.has_rank() && ns.rank() == 1 ? ns.dim(0) : kUnknownDim;
  c.set_num_outputs(2);
  c.set_output(0, DType::kInt64,
               Shape({ix.has_rank() && ix.rank() == 2 ? ix.dim(0) : kUnknownDim, rank}));
  c.set_output(1, DType::kInt64, Shape({rank}));
}

void sparse_reshape_kernel(KernelContext& c) {
  const Tensor& ix_t = c.input(0);
  if (ix_t.rank() != 2)
    c.fail(ErrorCode::kInvalidArgument, "Input indices should be a matrix but received shape ",
           tf_shape(ix_t.dims()));
  if (c.input(1).rank() != 1)
    c.fail(ErrorCode::kInvalidArgument, "Input shape should be a vector but received shape ",
           tf_shape(c.input(1).dims()));
  if (c.input(2).rank() != 1)
    c.fail(ErrorCode::kInvalidArgument, "Target shape should be a vector but received shape ",
           tf_shape(c.input(2).dims()));
  const std::vector<int64_t> in_shape = int_values(c.input(1));
  std::vector<int64_t> out_shape = int_values(c.input(2));
  const int rank = static_cast<int>(in_shape.size());
  if (ix_t.dim(1) != rank)
    c.fail(ErrorCode::kInvalidArgument,
           "Input tensor rank must match input shape length: ", ix_t.dim(1), " vs. ", rank);
  for (int64_t d : in_shape)
    if (d < 0) c.fail(ErrorCode::kInvalidArgument, "Input shape has a negative dimension");
  const int64_t dense = checked_elements(c, in_shape);
  int64_t product = 1;
  int unknown = -1;
  for (size_t d = 0; d < out_shape.size(); ++d) {
    const int64_t v = out_shape[d];
    if (v == -1) {
      if (unknown >= 0)
        c.fail(ErrorCode::kInvalidArgument, "only one output dimension may be -1, not both ",
               unknown, " and ", d);
      unknown = static_cast<int>(d);
    } else if (v < 0) {
      c.fail(ErrorCode::kInvalidArgument, "size ", d, " must be non-negative, not ", v);
    } else if (__builtin_mul_overflow(product, v, &product)) {
      c.fail(ErrorCode::kInvalidArgument, "Target shape has too many elements");
    }
  }
  if (unknown >= 0) {
    if (product == 0 || dense % product != 0)
      c.fail(ErrorCode::kInvalidArgument, "Input to reshape is a SparseTensor with ", dense,
             " dense values, but the requested shape requires a multiple of ", product,
             ". input_shape=[", join(in_shape), "] output_shape=[", join(out_shape), "]");
    out_shape[static_cast<size_t>(unknown)] = dense / product;
    product = dense;
  }
  if (product != dense)
    c.fail(ErrorCode::kInvalidArgument, "Input to reshape is a tensor with ", dense,
           " dense values, but the requested shape has ", product, ". input_shape=[",
           join(in_shape), "] output_shape=[", join(out_shape), "]");
  SparseInput s;
  s.indices_storage = ix_t;
  s.ix = ix_t.data<int64_t>();
  s.nnz = ix_t.dim(0);
  s.rank = rank;
  s.shape = in_shape;
  check_indices(c, s, false);
  const int out_rank = static_cast<int>(out_shape.size());
  Tensor& out = c.allocate_output(0, DType::kInt64, {s.nnz, out_rank});
  const auto in_strides = sp::strides_of(in_shape);
  const auto out_strides = sp::strides_of(out_shape);
  int64_t* dst = out.data<int64_t>();
  for (int64_t i = 0; i < s.nnz; ++i) {
    int64_t flat = 0;
    for (int d = 0; d < rank; ++d) flat += s.ix[i * rank + d] * in_strides[static_cast<size_t>(d)];
    for (int d = 0; d < out_rank; ++d) {
      dst[i * out_rank + d] = flat / out_strides[static_cast<size_t>(d)];
      flat %= out_strides[static_cast<size_t>(d)];
    }
  }
  c.set_output(1, int64_vector(out_shape));
}

// --- SparseAdd / SparseAddGrad ------------------------------------------------------------------
void sparse_add_shape(InferenceContext& c) {
  sparse_input_shape(c, 0);
  sparse_input_shape(c, 3);
  if (c.input_dtype(1) != c.input_dtype(4))
    c.type_error("SparseAdd needs values of one dtype, got ", dtype_tf_name(c.input_dtype(1)),
                 " and ", dtype_tf_name(c.input_dtype(4)));
  c.set_num_outputs(3);
  const Shape& ix = c.input_shape(0);
  c.set_output(0, DType::kInt64,
               Shape({kUnknownDim, ix.has_rank() && ix.rank() == 2 ? ix.dim(1) : kUnknownDim}));
  c.set_output(1, c.input_dtype(1), Shape({kUnknownDim}));
  c.set_output(2, DType::kInt64, c.input_shape(2));
}

template <typename T>
double magnitude(const T& v) {
  return std::fabs(static_cast<double>(v));
}

void sparse_add_kernel(KernelContext& c) {
  const SparseInput a = sparse_input(c, 0, "a");
  const SparseInput b = sparse_input(c, 3, "b");
  if (a.shape != b.shape)
    c.fail(ErrorCode::kInvalidArgument, "Operands' shapes do not match: A.shape = [", join(a.shape),
           "] vs. B.shape = [", join(b.shape), "]");
  check_indices(c, a, true);
  check_indices(c, b, true);
  const double thresh = c.input(6).scalar_as_double();
  const Tensor& av = c.input(1);
  const Tensor& bv = c.input(4);
  const int rank = a.rank;
  std::vector<std::pair<bool, int64_t>> from;  // (from a, entry) per output entry
  visit_dtype(av.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      c.fail(ErrorCode::kInvalidArgument, "SparseAdd does not support bool");
    } else {
      const T* x = av.data<T>();
      const T* y = bv.data<T>();
      std::vector<T> sums;
      int64_t i = 0, j = 0;
      while (i < a.nnz && j < b.nnz) {
        const int cmp = sp::compare_rows(a.ix, i, b.ix, j, rank);
        if (cmp < 0) {
          from.emplace_back(true, i);
          sums.push_back(x[i++]);
        } else if (cmp > 0) {
          from.emplace_back(false, j);
          sums.push_back(y[j++]);
        } else {
          const T s = kernels::wrap_add(x[i], y[j]);
          // Only sums are thresholded, as in TF; entries of one operand are copied.
          if (thresh <= magnitude(s)) {
            from.emplace_back(true, i);
            sums.push_back(s);
          }
          ++i;
          ++j;
        }
      }
      for (; i < a.nnz; ++i) {
        from.emplace_back(true, i);
        sums.push_back(x[i]);
      }
      for (; j < b.nnz; ++j) {
        from.emplace_back(false, j);
        sums.push_back(y[j]);
      }
      const auto n = static_cast<int64_t>(sums.size());
      Tensor& ix = c.allocate_output(0, DType::kInt64, {n, rank});
      Tensor& vals = c.allocate_output(1, av.dtype(), {n});
      for (int64_t k = 0; k < n; ++k) {
        const auto [is_a, e] = from[static_cast<size_t>(k)];
        std::memcpy(ix.data<int64_t>() + k * rank, (is_a ? a.ix : b.ix) + e * rank,
                    sizeof(int64_t) * rank);
      }
      std::copy(sums.begin(), sums.end(), vals.data<T>());
    }
  });
  c.set_output(2, int64_vector(a.shape));
}

void sparse_add_grad_shape(InferenceContext& c) {
  c.set_num_outputs(2);
  c.set_output(0, c.input_dtype(0),
               Shape({c.input_shape(1).has_rank() ? c.input_shape(1).dim(0) : kUnknownDim}));
  c.set_output(1, c.input_dtype(0),
               Shape({c.input_shape(2).has_rank() ? c.input_shape(2).dim(0) : kUnknownDim}));
}

// Each operand's entries take the gradient of the sum entry at the same index (zero where
// the threshold dropped it).
void sparse_add_grad_kernel(KernelContext& c) {
  const Tensor& grad = c.input(0);
  const Tensor& sum_ix = c.input(3);
  if (grad.rank() != 1 || sum_ix.rank() != 2 || grad.dim(0) != sum_ix.dim(0))
    c.fail(ErrorCode::kInvalidArgument,
           "backprop_val_grad must be a vector of one entry per "
           "sum index, got ",
           tf_shape(grad.dims()), " and ", tf_shape(sum_ix.dims()));
  const int rank = static_cast<int>(sum_ix.dim(1));
  for (int k = 0; k < 2; ++k) {
    const Tensor& ix = c.input(1 + k);
    if (ix.rank() != 2 || ix.dim(1) != rank)
      c.fail(ErrorCode::kInvalidArgument, "Indices of SparseAddGrad must be matrices of rank ",
             rank, ", got ", tf_shape(ix.dims()));
    Tensor& out = c.allocate_output(k, grad.dtype(), {ix.dim(0)});
    zero_raw(grad.dtype(), out.raw(), out.nbytes());
    const int64_t* x = ix.data<int64_t>();
    const int64_t* s = sum_ix.data<int64_t>();
    const size_t item = dtype_size(grad.dtype());
    for (int64_t i = 0, j = 0; i < ix.dim(0) && j < sum_ix.dim(0);) {
      const int cmp = sp::compare_rows(x, i, s, j, rank);
      if (cmp == 0) {
        copy_raw(grad.dtype(), static_cast<char*>(out.raw()) + i * item,
                 static_cast<const char*>(grad.raw()) + j * item, item);
        ++i;
        ++j;
      } else if (cmp < 0) {
        ++i;
      } else {
        ++j;
      }
    }
  }
}

Grads sparse_add_grad(GradContext& c) {
  Node* g =
      add_op(c.graph(), "SparseAddGrad", {c.grad(1), c.input(0), c.input(3), Output{&c.op(), 0}});
  return Grads{std::nullopt, Output{g, 0}, std::nullopt, std::nullopt,
               Output{g, 1}, std::nullopt, std::nullopt};
}

// --- SparseTensorDenseAdd -----------------------------------------------------------------------
void sparse_dense_add_shape(InferenceContext& c) {
  require_int(c, 0);
  require_int(c, 2);
  if (c.input_dtype(1) != c.input_dtype(3))
    c.type_error("SparseTensorDenseAdd needs values of one dtype, got ",
                 dtype_tf_name(c.input_dtype(1)), " and ", dtype_tf_name(c.input_dtype(3)));
  c.set_output(0, c.input_dtype(3), c.input_shape(3));
}

void sparse_dense_add_kernel(KernelContext& c) {
  const SparseInput a = sparse_input(c, 0, "a");
  const Tensor& b = c.input(3);
  if (static_cast<int>(a.shape.size()) != b.rank())
    c.fail(ErrorCode::kInvalidArgument, "Dimensions must match, a_shape has rank ", a.shape.size(),
           " but b has rank ", b.rank());
  for (int d = 0; d < b.rank(); ++d)
    if (a.shape[static_cast<size_t>(d)] != b.dim(d))
      c.fail(ErrorCode::kInvalidArgument, "Dimension ", d,
             " does not equal (no broadcasting is supported): sparse side ",
             a.shape[static_cast<size_t>(d)], " vs dense side ", b.dim(d));
  check_indices(c, a, false);
  Tensor& out = c.allocate_output(0, b.dtype(), b.dims());
  const auto strides = sp::strides_of(a.shape);
  visit_dtype(b.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      c.fail(ErrorCode::kInvalidArgument, "SparseTensorDenseAdd does not support bool");
    } else {
      T* dst = out.data<T>();
      std::copy(b.data<T>(), b.data<T>() + b.num_elements(), dst);
      const T* v = c.input(1).data<T>();
      for (int64_t i = 0; i < a.nnz; ++i) {
        int64_t at = 0;
        for (int d = 0; d < a.rank; ++d)
          at += a.ix[i * a.rank + d] * strides[static_cast<size_t>(d)];
        dst[at] = kernels::wrap_add(dst[at], v[i]);
      }
    }
  });
}

Grads sparse_dense_add_grad(GradContext& c) {
  return Grads{std::nullopt, gather_nd(c.grad(), c.input(0)), std::nullopt, c.grad()};
}

// --- SparseReduceSum ----------------------------------------------------------------------------
std::vector<bool> reduced_axes(KernelContext& c, const Tensor& axes, int rank) {
  std::vector<bool> reduce(static_cast<size_t>(rank), false);
  for (int64_t a : int_values(axes)) {
    const auto at = normalize_axis(a, rank);
    if (!at)
      c.fail(ErrorCode::kInvalidArgument, "Invalid reduction dimension ", a, ", for input with ",
             rank, " dimensions.");
    reduce[static_cast<size_t>(*at)] = true;
  }
  return reduce;
}

void sparse_reduce_sum_shape(InferenceContext& c) {
  sparse_input_shape(c, 0);
  require_int(c, 3);
  const bool keep = c.attrs().get<bool>("keep_dims");
  const Tensor* shape = c.constant_input(2);
  const Tensor* axes = c.constant_input(3);
  if (!shape || !axes) {
    c.set_output(0, c.input_dtype(1), Shape::unknown_rank());
    return;
  }
  const std::vector<int64_t> dims = int_values(*shape);
  const int rank = static_cast<int>(dims.size());
  std::vector<bool> reduce(static_cast<size_t>(rank), false);
  for (int64_t a : int_values(*axes)) {
    const auto at = normalize_axis(a, rank);
    if (!at)
      c.value_error("Invalid reduction dimension ", a, ", for input with ", rank, " dimensions.");
    reduce[static_cast<size_t>(*at)] = true;
  }
  Dims out;
  for (int d = 0; d < rank; ++d) {
    if (!reduce[static_cast<size_t>(d)])
      out.push_back(dims[static_cast<size_t>(d)]);
    else if (keep)
      out.push_back(1);
  }
  c.set_output(0, c.input_dtype(1), Shape(out));
}

void sparse_reduce_sum_kernel(KernelContext& c) {
  const SparseInput s = sparse_input(c, 0);
  check_indices(c, s, false);
  const std::vector<bool> reduce = reduced_axes(c, c.input(3), s.rank);
  const bool keep = c.attrs().get<bool>("keep_dims");
  std::vector<int64_t> kept;  // the output's dims with reduced axes as 1
  Dims out_dims;
  for (int d = 0; d < s.rank; ++d) {
    const int64_t v = reduce[static_cast<size_t>(d)] ? 1 : s.shape[static_cast<size_t>(d)];
    kept.push_back(v);
    if (!reduce[static_cast<size_t>(d)] || keep) out_dims.push_back(v);
  }
  checked_elements(c, kept);
  const Tensor& values = c.input(1);
  Tensor& out = c.allocate_output(0, values.dtype(), out_dims);
  const auto strides = sp::strides_of(kept);
  visit_dtype(values.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      c.fail(ErrorCode::kInvalidArgument, "SparseReduceSum does not support bool");
    } else {
      T* dst = out.data<T>();
      std::fill(dst, dst + out.num_elements(), T(0));
      const T* v = values.data<T>();
      for (int64_t i = 0; i < s.nnz; ++i) {
        int64_t at = 0;
        for (int d = 0; d < s.rank; ++d)
          if (!reduce[static_cast<size_t>(d)])
            at += s.ix[i * s.rank + d] * strides[static_cast<size_t>(d)];
        dst[at] = kernels::wrap_add(dst[at], v[i]);
      }
    }
  });
}

// TF's _SparseReduceSumGrad: each value takes the output gradient at its reduced index.
Grads sparse_reduce_sum_grad(GradContext& c) {
  Graph& g = c.graph();
  Output kept = op(g, "ReducedShape", {c.input(2), c.input(3)});
  Output grad = reshape(c.grad(), kept);
  Output scale = op(g, "FloorDiv", {c.input(2), cast(kept, DType::kInt64)});
  Output at = op(g, "FloorDiv", {c.input(0), scale});
  return Grads{std::nullopt, gather_nd(grad, at), std::nullopt, std::nullopt};
}

// --- SparseTensorDenseMatMul --------------------------------------------------------------------
void sparse_matmul_shape(InferenceContext& c) {
  require_int(c, 0);
  require_int64(c, 2, "a_shape");
  if (c.input_dtype(1) != c.input_dtype(3))
    c.type_error("SparseTensorDenseMatMul needs a_values and b of one dtype, got ",
                 dtype_tf_name(c.input_dtype(1)), " and ", dtype_tf_name(c.input_dtype(3)));
  const bool adj_a = c.attrs().get<bool>("adjoint_a");
  const bool adj_b = c.attrs().get<bool>("adjoint_b");
  const Shape& b = c.input_shape(3);
  if (b.has_rank() && b.rank() != 2) c.value_error("Shape must be rank 2 but is rank ", b.rank());
  int64_t m = kUnknownDim;
  if (const Tensor* shape = c.constant_input(2)) {
    const auto dims = int_values(*shape);
    if (dims.size() != 2) c.value_error("Shape must be rank 2 but is rank ", dims.size());
    m = dims[adj_a ? 1 : 0];
    const int64_t k = dims[adj_a ? 0 : 1];
    const int64_t bk = b.has_rank() ? b.dim(adj_b ? 1 : 0) : kUnknownDim;
    if (k >= 0 && bk >= 0 && k != bk)
      c.value_error("Dimensions must be equal, but are ", k, " and ", bk);
  }
  c.set_output(0, c.input_dtype(1), Shape({m, b.has_rank() ? b.dim(adj_b ? 0 : 1) : kUnknownDim}));
}

void sparse_matmul_kernel(KernelContext& c) {
  const SparseInput a = sparse_input(c, 0, "a");
  const Tensor& b = c.input(3);
  const bool adj_a = c.attrs().get<bool>("adjoint_a");
  const bool adj_b = c.attrs().get<bool>("adjoint_b");
  if (a.rank != 2) c.fail(ErrorCode::kInvalidArgument, "Tensor 'a_shape' must have 2 elements");
  if (b.rank() != 2) c.fail(ErrorCode::kInvalidArgument, "Tensor 'b' is not a matrix");
  const int64_t m = a.shape[adj_a ? 1 : 0], k = a.shape[adj_a ? 0 : 1];
  const int64_t bk = b.dim(adj_b ? 1 : 0), n = b.dim(adj_b ? 0 : 1);
  if (k != bk)
    c.fail(ErrorCode::kInvalidArgument,
           "Cannot multiply A and B because inner dimension does not match: ", k, " vs. ", bk,
           ".  Did you forget a transpose?  Dimensions of A: [", a.shape[0], ", ", a.shape[1],
           ").  Dimensions of B: ", tf_shape(b.dims()));
  for (int64_t i = 0; i < a.nnz; ++i) {
    const int64_t row = a.ix[2 * i + (adj_a ? 1 : 0)], col = a.ix[2 * i + (adj_a ? 0 : 1)];
    if (col < 0 || col >= k)
      c.fail(ErrorCode::kInvalidArgument, "k (", col, ") from index[", i, ",", adj_a ? 0 : 1,
             "] out of bounds (>=", k, ")");
    if (row < 0 || row >= m)
      c.fail(ErrorCode::kInvalidArgument, "m (", row, ") from index[", i, ",", adj_a ? 1 : 0,
             "] out of bounds (>=", m, ")");
  }
  Tensor& out = c.allocate_output(0, b.dtype(), {m, n});
  visit_dtype(b.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      c.fail(ErrorCode::kInvalidArgument, "SparseTensorDenseMatMul does not support dtype bool");
    } else {
      T* dst = out.data<T>();
      std::fill(dst, dst + out.num_elements(), T(0));
      sp::sparse_dense_matmul<T>(a.ix, c.input(1).data<T>(), a.nnz, b.data<T>(), b.dim(1), adj_a,
                                 adj_b, k, dst, n);
    }
  });
}

// Column `col` of a [nnz, 2] index matrix, as a vector.
Output index_column(Output ix, int col) {
  Graph& g = ix.graph();
  Output part = op(g, "Slice", {ix, int_const(g, {0, col}), int_const(g, {-1, 1})});
  return reshape(part, int_const(g, {-1}));
}

// TF's _SparseTensorDenseMatMulGrad.
Grads sparse_matmul_grad(GradContext& c) {
  Graph& g = c.graph();
  const bool adj_a = c.attrs().get<bool>("adjoint_a");
  const bool adj_b = c.attrs().get<bool>("adjoint_b");
  Output grad = c.grad();
  Output b_grad = op(g, "SparseTensorDenseMatMul", {c.input(0), c.input(1), c.input(2), grad},
                     {{"adjoint_a", !adj_a}, {"adjoint_b", false}});
  if (adj_b) b_grad = op(g, "Transpose", {b_grad, int_const(g, {1, 0})});
  Output rows = index_column(c.input(0), 0), cols = index_column(c.input(0), 1);
  Output b = c.input(3);
  if (adj_b) b = op(g, "Transpose", {b, int_const(g, {1, 0})});
  Output parts_a = op(g, "GatherV2", {grad, adj_a ? cols : rows, i32(g, 0)});
  Output parts_b = op(g, "GatherV2", {b, adj_a ? rows : cols, i32(g, 0)});
  Output values_grad = reduce_sum(mul(parts_a, parts_b), {1}, false);
  return Grads{std::nullopt, values_grad, std::nullopt, b_grad};
}

// --- SparseFillEmptyRows ------------------------------------------------------------------------
void fill_empty_rows_shape(InferenceContext& c) {
  sparse_input_shape(c, 0);
  if (c.input_dtype(1) != c.input_dtype(3))
    c.type_error("default_value must have the dtype of values, got ",
                 dtype_tf_name(c.input_dtype(3)), " and ", dtype_tf_name(c.input_dtype(1)));
  if (c.input_shape(3).has_rank() && c.input_shape(3).rank() != 0)
    c.value_error("Shape must be rank 0 but is rank ", c.input_shape(3).rank());
  const Shape& ix = c.input_shape(0);
  c.set_num_outputs(4);
  c.set_output(0, DType::kInt64,
               Shape({kUnknownDim, ix.has_rank() && ix.rank() == 2 ? ix.dim(1) : kUnknownDim}));
  c.set_output(1, c.input_dtype(1), Shape({kUnknownDim}));
  c.set_output(2, DType::kBool, Shape({kUnknownDim}));
  c.set_output(3, DType::kInt64, c.input_shape(1));
}

void fill_empty_rows_kernel(KernelContext& c) {
  const SparseInput s = sparse_input(c, 0);
  const Tensor& values = c.input(1);
  const Tensor& fallback = c.input(3);
  if (fallback.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "default_value must be a scalar, got shape ",
           tf_shape(fallback.dims()));
  if (s.rank < 1)
    c.fail(ErrorCode::kInvalidArgument, "dense_shape must have at least one dimension");
  const int64_t rows = s.shape[0];
  for (int64_t i = 0; i < s.nnz; ++i) {
    const int64_t r = s.ix[i * s.rank];
    if (r < 0 || r >= rows)
      c.fail(ErrorCode::kInvalidArgument, "indices(", i, ", 0) is invalid: ", r,
             r < 0 ? " < 0" : " >= ", r < 0 ? "" : std::to_string(rows));
  }
  std::vector<int64_t> count(static_cast<size_t>(rows), 0);
  for (int64_t i = 0; i < s.nnz; ++i) ++count[static_cast<size_t>(s.ix[i * s.rank])];
  // Output position of each row's first entry; an empty row holds one default entry.
  std::vector<int64_t> start(static_cast<size_t>(rows) + 1, 0);
  for (int64_t r = 0; r < rows; ++r)
    start[static_cast<size_t>(r) + 1] =
        start[static_cast<size_t>(r)] + std::max<int64_t>(count[static_cast<size_t>(r)], 1);
  const int64_t n = start[static_cast<size_t>(rows)];
  Tensor& out_ix = c.allocate_output(0, DType::kInt64, {n, s.rank});
  Tensor& out_values = c.allocate_output(1, values.dtype(), {n});
  Tensor& empty = c.allocate_output(2, DType::kBool, {rows});
  Tensor& reverse = c.allocate_output(3, DType::kInt64, {s.nnz});
  int64_t* dst_ix = out_ix.data<int64_t>();
  const size_t item = dtype_size(values.dtype());
  char* dst_v = static_cast<char*>(out_values.raw());
  std::vector<int64_t> next(start.begin(), start.end() - 1);
  for (int64_t i = 0; i < s.nnz; ++i) {
    const int64_t at = next[static_cast<size_t>(s.ix[i * s.rank])]++;
    std::memcpy(dst_ix + at * s.rank, s.ix + i * s.rank, sizeof(int64_t) * s.rank);
    copy_raw(values.dtype(), dst_v + at * item, static_cast<const char*>(values.raw()) + i * item,
             item);
    reverse.data<int64_t>()[i] = at;
  }
  for (int64_t r = 0; r < rows; ++r) {
    const bool is_empty = count[static_cast<size_t>(r)] == 0;
    empty.data<bool>()[r] = is_empty;
    if (!is_empty) continue;
    const int64_t at = start[static_cast<size_t>(r)];
    std::fill(dst_ix + at * s.rank, dst_ix + (at + 1) * s.rank, int64_t{0});
    dst_ix[at * s.rank] = r;
    copy_raw(values.dtype(), dst_v + at * item, fallback.raw(), item);
  }
}

// TF's _SparseFillEmptyRowsGrad: each input value takes the gradient of its output entry;
// the default value takes what the filled entries received.
Grads fill_empty_rows_grad(GradContext& c) {
  Graph& g = c.graph();
  Output grad = c.grad(1);
  Output values_grad = op(g, "GatherV2", {grad, Output{&c.op(), 3}, i32(g, 0)});
  Output default_grad = sub(reduce_sum(grad, {}, false), reduce_sum(values_grad, {}, false));
  return Grads{std::nullopt, values_grad, std::nullopt, default_grad};
}

}  // namespace

void register_sparse_ops(OpRegistry& r) {
  r.add("SparseToDense")
      .inputs({"sparse_indices", "output_shape", "sparse_values", "default_value"})
      .outputs({"dense"})
      .attr("validate_indices", true, "refuse unsorted or repeated indices")
      .shape(sparse_to_dense_shape)
      .kernel(sparse_to_dense_kernel)
      .grad(sparse_to_dense_grad)
      .doc(
          "A dense tensor of output_shape: sparse_values at sparse_indices, default_value "
          "elsewhere.");
  r.add("SparseReorder")
      .inputs({"input_indices", "input_values", "input_shape"})
      .outputs({"output_indices", "output_values"})
      .shape(sparse_reorder_shape)
      .kernel(sparse_reorder_kernel)
      .grad(sparse_reorder_grad)
      .doc("A SparseTensor's entries in row-major (canonical) order.");
  r.add("SparseReshape")
      .inputs({"input_indices", "input_shape", "new_shape"})
      .outputs({"output_indices", "output_shape"})
      .shape(sparse_reshape_shape)
      .kernel(sparse_reshape_kernel)
      .not_differentiable()
      .doc("The indices of a SparseTensor reshaped to new_shape (one -1 is inferred).");
  r.add("SparseAdd")
      .inputs({"a_indices", "a_values", "a_shape", "b_indices", "b_values", "b_shape", "thresh"})
      .outputs({"sum_indices", "sum_values", "sum_shape"})
      .shape(sparse_add_shape)
      .kernel(sparse_add_kernel)
      .grad(sparse_add_grad)
      .doc(
          "The sum of two ordered SparseTensors of one shape; sums below thresh in magnitude "
          "are dropped.");
  r.add("SparseAddGrad")
      .inputs({"backprop_val_grad", "a_indices", "b_indices", "sum_indices"})
      .outputs({"a_val_grad", "b_val_grad"})
      .shape(sparse_add_grad_shape)
      .kernel(sparse_add_grad_kernel)
      .not_differentiable()
      .doc("SparseAdd's gradient to each operand's values.");
  r.add("SparseTensorDenseAdd")
      .inputs({"a_indices", "a_values", "a_shape", "b"})
      .outputs({"output"})
      .shape(sparse_dense_add_shape)
      .kernel(sparse_dense_add_kernel)
      .grad(sparse_dense_add_grad)
      .doc("A SparseTensor added to a dense tensor of the same shape.");
  r.add("SparseReduceSum")
      .inputs({"input_indices", "input_values", "input_shape", "reduction_axes"})
      .outputs({"output"})
      .attr("keep_dims", false, "keep reduced dimensions with length 1")
      .shape(sparse_reduce_sum_shape)
      .kernel(sparse_reduce_sum_kernel)
      .grad(sparse_reduce_sum_grad)
      .doc("The sum of a SparseTensor's values over the reduction axes, as a dense tensor.");
  r.add("SparseTensorDenseMatMul")
      .inputs({"a_indices", "a_values", "a_shape", "b"})
      .outputs({"product"})
      .attr("adjoint_a", false, "use A's (conjugate) transpose")
      .attr("adjoint_b", false, "use B's (conjugate) transpose")
      .shape(sparse_matmul_shape)
      .kernel(sparse_matmul_kernel)
      .grad(sparse_matmul_grad)
      .doc("A rank-2 SparseTensor times a dense matrix.");
  r.add("SparseFillEmptyRows")
      .inputs({"indices", "values", "dense_shape", "default_value"})
      .outputs({"output_indices", "output_values", "empty_row_indicator", "reverse_index_map"})
      .shape(fill_empty_rows_shape)
      .kernel(fill_empty_rows_kernel)
      .grad(fill_empty_rows_grad)
      .doc("Adds a default_value entry at column 0 of every empty row of a SparseTensor.");
}

}  // namespace varflow::ops
