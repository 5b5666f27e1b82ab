// ReverseV2, ReverseSequence and Roll: element permutations along axes, with TF1's gradients
// (each is its own inverse up to the sign of Roll's shift) and TF's shape rules and messages.
#include <algorithm>
#include <string>
#include <vector>

#include "core/element_copy.h"
#include "ops/indexing_helpers.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

using namespace indexing;

// Moves blocks of `block` contiguous elements: for every coordinate of the outer dimensions
// dims[0..outer_rank), `source` maps it to the element offset (in units of blocks) to read.
// Blocks keep the inner dimensions contiguous, so a permutation of outer axes only costs one
// copy per block.
template <typename SourceFn>
void permute_blocks(const Tensor& in, Tensor& out, const Dims& dims, size_t outer_rank,
                    int64_t block, SourceFn source) {
  const size_t es = dtype_size(in.dtype());
  const size_t block_bytes = static_cast<size_t>(block) * es;
  const char* src = static_cast<const char*>(in.raw());
  char* dst = static_cast<char*>(out.raw());
  std::vector<int64_t> coord(outer_rank, 0);
  int64_t blocks = 1;
  for (size_t i = 0; i < outer_rank; ++i) blocks *= dims[i];
  for (int64_t k = 0; k < blocks; ++k) {
    copy_raw(in.dtype(), dst + static_cast<size_t>(k) * block_bytes,
             src + static_cast<size_t>(source(coord)) * block_bytes, block_bytes);
    for (size_t i = outer_rank; i-- > 0;) {
      if (++coord[i] < dims[i]) break;
      coord[i] = 0;
    }
  }
}

// The number of elements in dims[from..).
int64_t inner_size(const Dims& dims, size_t from) {
  int64_t n = 1;
  for (size_t i = from; i < dims.size(); ++i) n *= dims[i];
  return n;
}

// Block offset of `coord` in row-major dims[0..coord.size()).
int64_t offset_of(const std::vector<int64_t>& coord, const Dims& dims) {
  int64_t off = 0;
  for (size_t i = 0; i < coord.size(); ++i) off = off * dims[i] + coord[i];
  return off;
}

// --- ReverseV2 ----------------------------------------------------------------------------------
// Axes in [-rank, rank) without repeats, as flags per dimension; `fail` reports TF's messages.
template <typename Fail>
std::vector<bool> reversed_axes(const std::vector<int64_t>& axes, int64_t rank, Fail fail) {
  std::vector<bool> flip(static_cast<size_t>(rank), false);
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t a = axes[i];
    if (a < -rank || a >= rank)
      fail(str_cat("'axis'[", i, "] = ", a, " is out of valid range [0, ", rank - 1));
    const size_t k = static_cast<size_t>(a < 0 ? a + rank : a);
    if (flip[k]) fail(str_cat("axis ", k, " specified more than once."));
    flip[k] = true;
  }
  return flip;
}

void reverse_shape(InferenceContext& c) {
  require_int(c, 1);
  shape_rules::require_rank(c, 1, 1);
  const Shape& s = c.input_shape(0);
  if (const Tensor* axes = c.constant_input(1); axes && s.has_rank())
    reversed_axes(int_values(*axes), s.rank(), [&](const std::string& m) {
      c.value_error(m, " with input shapes: ", shapes_string(c));
    });
  c.set_output(0, c.input_dtype(0), s);
}

void reverse_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const Tensor& axis = c.input(1);
  if (axis.rank() != 1)
    c.fail(ErrorCode::kInvalidArgument, "'dims' must be 1-dimension, not ", axis.rank());
  std::vector<bool> flip = reversed_axes(int_values(axis), x.rank(), [&](const std::string& m) {
    c.fail(ErrorCode::kInvalidArgument, m);
  });
  Tensor& out = c.allocate_output(0, x.dtype(), x.dims());
  if (x.num_elements() == 0) return;
  const Dims& dims = x.dims();
  // Trailing axes that are not reversed move as one contiguous block.
  size_t outer = dims.size();
  while (outer > 0 && !flip[outer - 1]) --outer;
  permute_blocks(x, out, dims, outer, inner_size(dims, outer), [&](std::vector<int64_t> at) {
    for (size_t i = 0; i < at.size(); ++i)
      if (flip[i]) at[i] = dims[i] - 1 - at[i];
    return offset_of(at, dims);
  });
}

// --- ReverseSequence ----------------------------------------------------------------------------
void reverse_sequence_shape(InferenceContext& c) {
  require_int(c, 1);
  shape_rules::require_rank(c, 1, 1);
  const int64_t seq_dim = c.attrs().get<int64_t>("seq_dim");
  const int64_t batch_dim = c.attrs().get<int64_t>("batch_dim");
  const Shape& s = c.input_shape(0);
  if (!s.has_rank()) {
    c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  if (batch_dim < 0) c.value_error("batch_dim must be >=0, got ", batch_dim);
  if (batch_dim >= s.rank())
    c.value_error("batch_dim must be < input rank: ", batch_dim, " vs. ", s.rank());
  if (seq_dim >= s.rank())
    c.value_error("seq_dim must be < input rank: ", seq_dim, " vs. ", s.rank());
  Dims dims = s.dims();
  const int64_t lengths = c.input_shape(1).has_rank() ? c.input_shape(1).dim(0) : kUnknownDim;
  int64_t& batch = dims[static_cast<size_t>(batch_dim)];
  if (batch >= 0 && lengths >= 0 && batch != lengths)
    c.value_error("Dimensions must be equal, but are ", batch, " and ", lengths,
                  " with input shapes: ", shapes_string(c));
  if (batch < 0) batch = lengths;
  c.set_output(0, c.input_dtype(0), Shape(dims));
}

void reverse_sequence_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const Tensor& lengths_t = c.input(1);
  const int64_t seq_dim = c.attrs().get<int64_t>("seq_dim");
  const int64_t batch_dim = c.attrs().get<int64_t>("batch_dim");
  if (seq_dim < 0) c.fail(ErrorCode::kInvalidArgument, "Invalid seq_dim ", seq_dim);
  if (batch_dim < 0) c.fail(ErrorCode::kInvalidArgument, "Invalid batch_dim ", batch_dim);
  if (lengths_t.rank() != 1)
    c.fail(ErrorCode::kInvalidArgument, "seq_lengths must be 1-dim, not ", lengths_t.rank());
  if (batch_dim == seq_dim)
    c.fail(ErrorCode::kInvalidArgument, "batch_dim == seq_dim == ", seq_dim);
  if (seq_dim >= x.rank())
    c.fail(ErrorCode::kInvalidArgument, "seq_dim must be < input rank ( ", seq_dim, " vs. ",
           x.rank(), ")");
  if (batch_dim >= x.rank())
    c.fail(ErrorCode::kInvalidArgument, "batch_dim must be < input rank ( ", batch_dim, " vs. ",
           x.rank(), ")");
  const Dims& dims = x.dims();
  const size_t sd = static_cast<size_t>(seq_dim), bd = static_cast<size_t>(batch_dim);
  if (lengths_t.num_elements() != dims[bd])
    c.fail(ErrorCode::kInvalidArgument, "Length of seq_lengths != input.dims(", batch_dim, "), (",
           lengths_t.num_elements(), " vs. ", dims[bd], ")");
  const std::vector<int64_t> lengths = int_values(lengths_t);
  for (size_t b = 0; b < lengths.size(); ++b) {
    if (lengths[b] < 0) c.fail(ErrorCode::kInvalidArgument, "seq_lens(", b, ") < 0");
    if (lengths[b] > dims[sd])
      c.fail(ErrorCode::kInvalidArgument, "seq_lens(", b, ") > input.dims(", seq_dim, ")");
  }
  Tensor& out = c.allocate_output(0, x.dtype(), dims);
  if (x.num_elements() == 0) return;
  const size_t outer = std::max(sd, bd) + 1;
  permute_blocks(x, out, dims, outer, inner_size(dims, outer), [&](std::vector<int64_t> at) {
    const int64_t len = lengths[static_cast<size_t>(at[bd])];
    if (at[sd] < len) at[sd] = len - 1 - at[sd];
    return offset_of(at, dims);
  });
}

// --- Roll ---------------------------------------------------------------------------------------
void roll_shape(InferenceContext& c) {
  require_int(c, 1);
  require_int(c, 2);
  const Shape& s = c.input_shape(0);
  if (s.has_rank() && s.rank() < 1)
    c.value_error("Shape must be at least rank 1 but is rank ", s.rank(),
                  " with input shapes: ", shapes_string(c));
  for (int i : {1, 2}) {
    const Shape& v = c.input_shape(i);
    if (v.has_rank() && v.rank() > 1)
      c.value_error("Shape must be at most rank 1 but is rank ", v.rank(),
                    " with input shapes: ", shapes_string(c));
  }
  const Shape& shift = c.input_shape(1);
  const Shape& axis = c.input_shape(2);
  // As TF: only two vectors are compared at build time; a scalar against a vector fails at run.
  if (shift.has_rank() && axis.has_rank() && shift.rank() == 1 && axis.rank() == 1 &&
      shift.dim(0) >= 0 && axis.dim(0) >= 0 && shift.dim(0) != axis.dim(0))
    c.value_error("Dimension 0 in both shapes must be equal, but are ", shift.dim(0), " and ",
                  axis.dim(0), ". Shapes are [", shift.dim(0), "] and [", axis.dim(0),
                  "]. with input shapes: ", shapes_string(c));
  c.set_output(0, c.input_dtype(0), s);
}

void roll_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const Tensor& shift_t = c.input(1);
  const Tensor& axis_t = c.input(2);
  if (x.rank() < 1) c.fail(ErrorCode::kInvalidArgument, "input must be 1-D or higher");
  if (shift_t.rank() > 1)
    c.fail(ErrorCode::kInvalidArgument,
           "shift must be a scalar or a 1-D vector. Found: ", tf_shape(shift_t.dims()));
  if (axis_t.rank() > 1)
    c.fail(ErrorCode::kInvalidArgument,
           "axis must be a scalar or a 1-D vector. Found: ", tf_shape(axis_t.dims()));
  const std::vector<int64_t> shifts = int_values(shift_t), axes = int_values(axis_t);
  if (shifts.size() != axes.size())
    c.fail(ErrorCode::kInvalidArgument, "shift and axis must have the same size");
  const Dims& dims = x.dims();
  const int64_t rank = x.rank();
  std::vector<int64_t> offset(dims.size(), 0);  // per axis, total shift (repeats add up)
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t a = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (a < 0 || a >= rank)
      c.fail(ErrorCode::kInvalidArgument, "axis ", axes[i], " is out of range");
    const size_t k = static_cast<size_t>(a);
    if (dims[k] > 0) offset[k] = ((offset[k] + shifts[i]) % dims[k] + dims[k]) % dims[k];
  }
  Tensor& out = c.allocate_output(0, x.dtype(), dims);
  if (x.num_elements() == 0) return;
  size_t outer = dims.size();
  while (outer > 0 && offset[outer - 1] == 0) --outer;
  permute_blocks(x, out, dims, outer, inner_size(dims, outer), [&](std::vector<int64_t> at) {
    for (size_t i = 0; i < at.size(); ++i)
      if (offset[i]) at[i] = (at[i] - offset[i] + dims[i]) % dims[i];
    return offset_of(at, dims);
  });
}

}  // namespace

void register_reverse_ops(OpRegistry& r) {
  r.add("ReverseV2")
      .inputs({"tensor", "axis"})
      .outputs({"output"})
      .shape(reverse_shape)
      .kernel(reverse_kernel)
      .grad([](GradContext& c) {
        return Grads{op(c.graph(), "ReverseV2", {c.grad(), c.input(1)}), std::nullopt};
      });
  r.add("ReverseSequence")
      .inputs({"input", "seq_lengths"})
      .outputs({"output"})
      .required_attr("seq_dim", AttrType::kInt, "the dimension reversed, per batch entry")
      .attr("batch_dim", int64_t{0}, "the dimension seq_lengths indexes")
      .shape(reverse_sequence_shape)
      .kernel(reverse_sequence_kernel)
      .grad([](GradContext& c) {
        Output dx = op(c.graph(), "ReverseSequence", {c.grad(), c.input(1)},
                       {{"seq_dim", c.attrs().get<int64_t>("seq_dim")},
                        {"batch_dim", c.attrs().get<int64_t>("batch_dim")}});
        return Grads{dx, std::nullopt};
      });
  r.add("Roll")
      .inputs({"input", "shift", "axis"})
      .outputs({"output"})
      .shape(roll_shape)
      .kernel(roll_kernel)
      .grad([](GradContext& c) {
        Graph& g = c.graph();
        Output dx = op(g, "Roll", {c.grad(), op(g, "Neg", {c.input(1)}), c.input(2)});
        return Grads{dx, std::nullopt, std::nullopt};
      });
}

}  // namespace varflow::ops
