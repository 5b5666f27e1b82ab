// The indexing ops that sparse lookups and the sparse gradients stand on: GatherNd and
// ScatterNd (each other's gradient), and TF1's sorted sparse segment reductions
// SparseSegmentSum / Mean / SqrtN with the Mean and SqrtN gradient ops (what
// tf.nn.embedding_lookup_sparse computes with).
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

// "1,0": the position of entry `flat` among the leading `dims` of the indices, as TF prints it.
std::string position(const Dims& dims, int64_t flat) {
  if (dims.empty()) return "";
  std::vector<int64_t> at(dims.size());
  for (size_t i = dims.size(); i-- > 0;) {
    at[i] = dims[i] == 0 ? 0 : flat % dims[i];
    flat = dims[i] == 0 ? 0 : flat / dims[i];
  }
  return join(at);
}

// The number of index tuples in `indices` ([..., depth]) and their leading dims.
Dims batch_dims(const Tensor& indices) {
  return Dims(indices.dims().begin(), indices.dims().end() - 1);
}

// The flat row of each index tuple in the leading `depth` dims of `shape`, refusing tuples
// outside it with `what` ("param shape", "shape").
std::vector<int64_t> tuple_rows(KernelContext& c, const Tensor& indices, const Dims& shape,
                                const char* what) {
  const int64_t depth = indices.dim(indices.rank() - 1);
  const Dims leading = batch_dims(indices);
  const int64_t n = depth == 0 ? num_elements(leading) : indices.num_elements() / depth;
  const std::vector<int64_t> ix = int_values(indices);
  std::vector<int64_t> rows(static_cast<size_t>(n), 0);
  for (int64_t t = 0; t < n; ++t) {
    int64_t row = 0;
    for (int64_t d = 0; d < depth; ++d) {
      const int64_t v = ix[static_cast<size_t>(t * depth + d)];
      if (v < 0 || v >= shape[static_cast<size_t>(d)]) {
        std::vector<int64_t> tuple(ix.begin() + t * depth, ix.begin() + (t + 1) * depth);
        c.fail(ErrorCode::kInvalidArgument, "indices[", position(leading, t), "] = [",
               join(tuple, ", "), "] does not index into ", what, " ", tf_shape(shape),
               ", node name: ", c.node().name());
      }
      row = row * shape[static_cast<size_t>(d)] + v;
    }
    rows[static_cast<size_t>(t)] = row;
  }
  return rows;
}

// --- GatherNd -----------------------------------------------------------------------------------
void gather_nd_shape(InferenceContext& c) {
  require_int(c, 1);
  const Shape& p = c.input_shape(0);
  const Shape& ix = c.input_shape(1);
  if (ix.has_rank() && ix.rank() == 0) c.value_error("Shape must be at least rank 1 but is rank 0");
  if (!p.has_rank() || !ix.has_rank() || ix.dim(ix.rank() - 1) < 0) {
    c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  const int64_t depth = ix.dim(ix.rank() - 1);
  if (depth > p.rank())
    c.value_error("indices.shape[-1] must be <= params.rank, but saw indices shape: ",
                  ix.to_tf_string(), " and params shape: ", p.to_tf_string());
  Dims dims(ix.dims().begin(), ix.dims().end() - 1);
  dims.insert(dims.end(), p.dims().begin() + depth, p.dims().end());
  c.set_output(0, c.input_dtype(0), Shape(dims));
}

void gather_nd_kernel(KernelContext& c) {
  const Tensor& params = c.input(0);
  const Tensor& indices = c.input(1);
  if (indices.rank() < 1)
    c.fail(ErrorCode::kInvalidArgument, "indices must be at least a vector, got shape ",
           tf_shape(indices.dims()));
  const int64_t depth = indices.dim(indices.rank() - 1);
  if (depth > params.rank())
    c.fail(ErrorCode::kInvalidArgument,
           "index innermost dimension length must be <= params "
           "rank; saw: ",
           depth, " vs. ", params.rank());
  const std::vector<int64_t> rows = tuple_rows(c, indices, params.dims(), "param shape");
  Dims dims = batch_dims(indices);
  dims.insert(dims.end(), params.dims().begin() + depth, params.dims().end());
  Tensor& out = c.allocate_output(0, params.dtype(), dims);
  if (out.num_elements() == 0) return;
  int64_t inner = 1;
  for (int d = static_cast<int>(depth); d < params.rank(); ++d) inner *= params.dim(d);
  const size_t row = static_cast<size_t>(inner) * dtype_size(params.dtype());
  for (size_t t = 0; t < rows.size(); ++t)
    copy_raw(params.dtype(), static_cast<char*>(out.raw()) + t * row,
             static_cast<const char*>(params.raw()) + static_cast<size_t>(rows[t]) * row, row);
}

Grads gather_nd_grad(GradContext& c) {
  Graph& g = c.graph();
  Output shape = op(g, "Shape", {c.input(0)}, {{"out_type", c.input(1).dtype()}});
  return Grads{op(g, "ScatterNd", {c.input(1), c.grad(), shape}), std::nullopt};
}

// --- ScatterNd ----------------------------------------------------------------------------------
void scatter_nd_shape(InferenceContext& c) {
  require_int(c, 0);
  require_int(c, 2);
  if (c.input_dtype(0) != c.input_dtype(2))
    c.type_error("indices and shape must have one dtype, got ", dtype_tf_name(c.input_dtype(0)),
                 " and ", dtype_tf_name(c.input_dtype(2)));
  c.set_output(0, c.input_dtype(1), shape_rules::shape_from_input(c, 2));
}

void scatter_nd_kernel(KernelContext& c) {
  const Tensor& indices = c.input(0);
  const Tensor& updates = c.input(1);
  if (c.input(2).rank() != 1)
    c.fail(ErrorCode::kInvalidArgument, "Shape must be a vector, got shape ",
           tf_shape(c.input(2).dims()));
  const std::vector<int64_t> shape_v = int_values(c.input(2));
  const Dims shape(shape_v.begin(), shape_v.end());
  for (int64_t d : shape)
    if (d < 0)
      c.fail(ErrorCode::kInvalidArgument, "Shape has a negative dimension: ", tf_shape(shape));
  if (indices.rank() < 1) c.fail(ErrorCode::kInvalidArgument, "indices must be at least a vector");
  const int64_t depth = indices.dim(indices.rank() - 1);
  if (depth > static_cast<int64_t>(shape.size()))
    c.fail(ErrorCode::kInvalidArgument, "indices.shape[-1] must be <= shape.rank, got ", depth,
           " and ", shape.size());
  Dims want = batch_dims(indices);
  want.insert(want.end(), shape.begin() + depth, shape.end());
  if (updates.dims() != want)
    c.fail(ErrorCode::kInvalidArgument, "updates.shape ", tf_shape(updates.dims()),
           " must be indices.shape[:-1] + shape[indices.shape[-1]:] = ", tf_shape(want));
  const std::vector<int64_t> rows = tuple_rows(c, indices, shape, "shape");
  Tensor& out = c.allocate_output(0, updates.dtype(), shape);
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(depth); d < shape.size(); ++d) inner *= shape[d];
  visit_dtype(updates.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      c.fail(ErrorCode::kInvalidArgument, "ScatterNd does not support bool");
    } else {
      T* dst = out.data<T>();
      std::fill(dst, dst + out.num_elements(), T(0));
      const T* src = updates.data<T>();
      for (size_t t = 0; t < rows.size(); ++t)
        for (int64_t k = 0; k < inner; ++k)
          dst[rows[t] * inner + k] =
              kernels::wrap_add(dst[rows[t] * inner + k], src[static_cast<int64_t>(t) * inner + k]);
    }
  });
}

Grads scatter_nd_grad(GradContext& c) {
  return Grads{std::nullopt, op(c.graph(), "GatherNd", {c.grad(), c.input(0)}), std::nullopt};
}

// --- SparseSegmentSum / Mean / SqrtN ------------------------------------------------------------
template <sp::SegmentMode Mode>
void segment_shape(InferenceContext& c) {
  require_int(c, 1);
  require_int(c, 2);
  if constexpr (Mode == sp::SegmentMode::kSum)
    shape_rules::require_dtype(c, 0,
                               {DType::kFloat32, DType::kFloat64, DType::kInt32, DType::kInt64});
  else
    shape_rules::require_dtype(c, 0, {DType::kFloat32, DType::kFloat64});
  for (int i = 1; i < 3; ++i)
    if (c.input_shape(i).has_rank() && c.input_shape(i).rank() != 1)
      c.value_error("Shape must be rank 1 but is rank ", c.input_shape(i).rank());
  const Shape& d = c.input_shape(0);
  if (!d.has_rank()) {
    c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  if (d.rank() == 0) c.value_error("Shape must be at least rank 1 but is rank 0");
  Dims dims = d.dims();
  dims[0] = kUnknownDim;
  c.set_output(0, c.input_dtype(0), Shape(dims));
}

// Checks indices and segment ids; returns the number of output rows (last segment id + 1).
int64_t check_segments(KernelContext& c, const Tensor& indices, const Tensor& segments,
                       int64_t rows) {
  if (indices.rank() != 1) c.fail(ErrorCode::kInvalidArgument, "indices should be a vector.");
  if (segments.rank() != 1) c.fail(ErrorCode::kInvalidArgument, "segment_ids should be a vector.");
  if (indices.dim(0) != segments.dim(0))
    c.fail(ErrorCode::kInvalidArgument, "segment_ids and indices should have same size.");
  const std::vector<int64_t> ix = int_values(indices);
  const std::vector<int64_t> seg = int_values(segments);
  for (size_t i = 0; i < ix.size(); ++i) {
    if (ix[i] < 0 || ix[i] >= rows)
      c.fail(ErrorCode::kInvalidArgument, "Bad: indices[", i, "] == ", ix[i], " out of range [0, ",
             rows, ")");
    if (seg[i] < 0) c.fail(ErrorCode::kInvalidArgument, "segment ids must be >= 0");
    if (i > 0 && seg[i] < seg[i - 1])
      c.fail(ErrorCode::kInvalidArgument, "segment ids are not increasing");
  }
  return seg.empty() ? 0 : seg.back() + 1;
}

template <typename Fn>
void visit_int(DType d, Fn&& fn) {
  if (d == DType::kInt32)
    fn(int32_t{});
  else
    fn(int64_t{});
}

template <sp::SegmentMode Mode>
void segment_kernel(KernelContext& c) {
  const Tensor& data = c.input(0);
  const Tensor& indices = c.input(1);
  const Tensor& segments = c.input(2);
  if (data.rank() < 1) c.fail(ErrorCode::kInvalidArgument, "data must be at least a vector");
  const int64_t out_rows = check_segments(c, indices, segments, data.dim(0));
  Dims dims = data.dims();
  dims[0] = out_rows;
  Tensor& out = c.allocate_output(0, data.dtype(), dims);
  const int64_t inner = data.dim(0) == 0 ? 0 : data.num_elements() / data.dim(0);
  visit_dtype(data.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      c.fail(ErrorCode::kInvalidArgument, "SparseSegment reductions do not support bool");
    } else {
      T* dst = out.data<T>();
      std::fill(dst, dst + out.num_elements(), T(0));
      visit_int(indices.dtype(), [&](auto itag) {
        using I = decltype(itag);
        visit_int(segments.dtype(), [&](auto stag) {
          using S = decltype(stag);
          sp::sparse_segment_reduce<T, I, S>(data.data<T>(), inner, indices.data<I>(),
                                             segments.data<S>(), indices.dim(0), Mode, dst);
        });
      });
    }
  });
}

Output first_dim(Output x) {
  Graph& g = x.graph();
  Output shape = op(g, "Shape", {x}, {{"out_type", DType::kInt32}});
  return reshape(op(g, "Slice", {shape, int_const(g, {0}), int_const(g, {1})}), int_const(g, {}));
}

Grads segment_sum_grad(GradContext& c) {
  Graph& g = c.graph();
  Output gathered = op(g, "GatherV2", {c.grad(), c.input(2), i32(g, 0)});
  return Grads{op(g, "UnsortedSegmentSum", {gathered, c.input(1), first_dim(c.input(0))}),
               std::nullopt, std::nullopt};
}

template <sp::SegmentMode Mode>
Grads segment_scaled_grad(GradContext& c) {
  const char* type =
      Mode == sp::SegmentMode::kMean ? "SparseSegmentMeanGrad" : "SparseSegmentSqrtNGrad";
  return Grads{op(c.graph(), type, {c.grad(), c.input(1), c.input(2), first_dim(c.input(0))}),
               std::nullopt, std::nullopt};
}

void segment_grad_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kFloat32, DType::kFloat64});
  require_int(c, 1);
  require_int(c, 2);
  require_int(c, 3);
  const Shape& g = c.input_shape(0);
  if (!g.has_rank()) {
    c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  if (g.rank() == 0) c.value_error("Shape must be at least rank 1 but is rank 0");
  Dims dims = g.dims();
  const auto rows = const_scalar(c, 3);
  dims[0] = rows ? *rows : kUnknownDim;
  c.set_output(0, c.input_dtype(0), Shape(dims));
}

template <sp::SegmentMode Mode>
void segment_grad_kernel(KernelContext& c) {
  const Tensor& grad = c.input(0);
  const Tensor& indices = c.input(1);
  const Tensor& segments = c.input(2);
  const int64_t rows = scalar_input(c, 3, "output_dim0 should be a scalar, not shape ");
  if (rows < 0) c.fail(ErrorCode::kInvalidArgument, "output_dim0 must be non-negative");
  if (grad.rank() < 1) c.fail(ErrorCode::kInvalidArgument, "grad must be at least a vector");
  const int64_t needed = check_segments(c, indices, segments, rows);
  if (needed > grad.dim(0))
    c.fail(ErrorCode::kInvalidArgument, "Segment id ", needed - 1, " out of range [0, ",
           grad.dim(0), "), possibly because 'segment_ids' input is not sorted.");
  Dims dims = grad.dims();
  dims[0] = rows;
  Tensor& out = c.allocate_output(0, grad.dtype(), dims);
  const int64_t inner = grad.dim(0) == 0 ? 0 : grad.num_elements() / grad.dim(0);
  visit_dtype(grad.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      T* dst = out.data<T>();
      std::fill(dst, dst + out.num_elements(), T(0));
      visit_int(indices.dtype(), [&](auto itag) {
        using I = decltype(itag);
        visit_int(segments.dtype(), [&](auto stag) {
          using S = decltype(stag);
          sp::sparse_segment_grad<T, I, S>(grad.data<T>(), inner, indices.data<I>(),
                                           segments.data<S>(), indices.dim(0), Mode, dst);
        });
      });
    } else {
      c.fail(ErrorCode::kInvalidArgument, "SparseSegment gradients need float or double");
    }
  });
}

}  // namespace

void register_sparse_segment_ops(OpRegistry& r) {
  r.add("GatherNd")
      .inputs({"params", "indices"})
      .outputs({"output"})
      .shape(gather_nd_shape)
      .kernel(gather_nd_kernel)
      .grad(gather_nd_grad)
      .doc("Slices of params at the index tuples in the last dimension of indices.");
  r.add("ScatterNd")
      .inputs({"indices", "updates", "shape"})
      .outputs({"output"})
      .shape(scatter_nd_shape)
      .kernel(scatter_nd_kernel)
      .grad(scatter_nd_grad)
      .doc("A zero tensor of shape with updates added at the index tuples (repeats sum).");
  r.add("SparseSegmentSum")
      .inputs({"data", "indices", "segment_ids"})
      .outputs({"output"})
      .shape(segment_shape<sp::SegmentMode::kSum>)
      .kernel(segment_kernel<sp::SegmentMode::kSum>)
      .grad(segment_sum_grad)
      .doc("Sums of data's rows at indices, grouped by sorted segment_ids.");
  r.add("SparseSegmentMean")
      .inputs({"data", "indices", "segment_ids"})
      .outputs({"output"})
      .shape(segment_shape<sp::SegmentMode::kMean>)
      .kernel(segment_kernel<sp::SegmentMode::kMean>)
      .grad(segment_scaled_grad<sp::SegmentMode::kMean>)
      .doc("Means of data's rows at indices, grouped by sorted segment_ids.");
  r.add("SparseSegmentSqrtN")
      .inputs({"data", "indices", "segment_ids"})
      .outputs({"output"})
      .shape(segment_shape<sp::SegmentMode::kSqrtN>)
      .kernel(segment_kernel<sp::SegmentMode::kSqrtN>)
      .grad(segment_scaled_grad<sp::SegmentMode::kSqrtN>)
      .doc("Sums of data's rows at indices divided by sqrt(segment size), by sorted segment_ids.");
  r.add("SparseSegmentMeanGrad")
      .inputs({"grad", "indices", "segment_ids", "output_dim0"})
      .outputs({"output"})
      .shape(segment_grad_shape)
      .kernel(segment_grad_kernel<sp::SegmentMode::kMean>)
      .not_differentiable()
      .doc("SparseSegmentMean's gradient to data.");
  r.add("SparseSegmentSqrtNGrad")
      .inputs({"grad", "indices", "segment_ids", "output_dim0"})
      .outputs({"output"})
      .shape(segment_grad_shape)
      .kernel(segment_grad_kernel<sp::SegmentMode::kSqrtN>)
      .not_differentiable()
      .doc("SparseSegmentSqrtN's gradient to data.");
}

}  // namespace varflow::ops
