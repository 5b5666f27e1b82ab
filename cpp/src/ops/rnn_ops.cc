// Recurrent-network ops: LSTMBlockCell (one fused LSTM time step, TF's op of that name, which
// tf.contrib.rnn.LSTMBlockCell and varflow's BasicLSTMCell run) and its backward step
// LSTMBlockCellGrad, with TF's gradient: the gate gradients dicfo come from the backward op,
// the products with w and [x, h_prev] are MatMuls.
//
// As in TF, only the gradients of outputs cs and h flow back (i, f, o, ci and co are the
// intermediates the backward step reads), and the backward step treats cell_clip as absent.
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/lstm.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

constexpr int kForwardInputs = 8;  // x, cs_prev, h_prev, w, wci, wcf, wco, b
const char* const kForwardInputNames[] = {"x", "cs_prev", "h_prev", "w", "wci", "wcf", "wco", "b"};
constexpr int kForwardOutputs = 7;  // i, cs, f, o, ci, co, h
const char* const kStateNames[] = {"i", "cs", "f", "o", "ci", "co", "cs_grad", "h_grad"};

// The sizes of one step, from the input shapes (kUnknownDim where shape inference does not
// know them), checked against each other with TF's messages. `fail` reports and throws.
struct LstmSizes {
  int64_t batch = kUnknownDim, input = kUnknownDim, cell = kUnknownDim;
};

template <typename Fail>
void require_rank(const Shape& s, int rank, const char* name, const Fail& fail) {
  if (s.has_rank() && s.rank() != rank)
    fail(name, " must be rank ", rank, " but is rank ", s.rank());
}

// Merges a known dimension into `slot`, failing when both are known and differ.
template <typename Fail>
void merge_dim(int64_t& slot, int64_t value, const char* what, const char* target,
               const Fail& fail) {
  if (value == kUnknownDim) return;
  if (slot != kUnknownDim && slot != value) fail(what, " != ", target, ": ", value, " vs. ", slot);
  if (slot == kUnknownDim) slot = value;
}

template <typename Fail>
LstmSizes check_forward_shapes(const std::vector<Shape>& s, const Fail& fail) {
  const Shape &x = s[0], &cs_prev = s[1], &h_prev = s[2], &w = s[3], &b = s[7];
  require_rank(x, 2, "x", fail);
  require_rank(cs_prev, 2, "cs_prev", fail);
  require_rank(h_prev, 2, "h_prev", fail);
  require_rank(w, 2, "w", fail);
  for (int k = 4; k < 7; ++k)
    require_rank(s[static_cast<size_t>(k)], 1, kForwardInputNames[k], fail);
  require_rank(b, 1, "b", fail);
  auto dim = [](const Shape& sh, int i) { return sh.has_rank() ? sh.dim(i) : kUnknownDim; };
  auto div4 = [&](int64_t v, const char* what) {
    if (v == kUnknownDim) return kUnknownDim;
    if (v % 4 != 0) fail(what, " must be a multiple of 4 (the gates i, ci, f, o), but is ", v);
    return v / 4;
  };
  LstmSizes z;
  z.batch = dim(x, 0);
  z.input = dim(x, 1);
  z.cell = dim(cs_prev, 1);
  merge_dim(z.batch, dim(cs_prev, 0), "cs_prev.dims(0)", "batch_size", fail);
  merge_dim(z.batch, dim(h_prev, 0), "h_prev.dims(0)", "batch_size", fail);
  merge_dim(z.cell, dim(h_prev, 1), "h_prev.dims(1)", "cell_size", fail);
  merge_dim(z.cell, div4(dim(b, 0), "b.dim_size(0)"), "b.dim_size(0) / 4", "cell_size", fail);
  merge_dim(z.cell, div4(dim(w, 1), "w.dim_size(1)"), "w.dim_size(1) / 4", "cell_size", fail);
  for (int k = 4; k < 7; ++k) {
    const std::string what = std::string(kForwardInputNames[k]) + ".dims(0)";
    merge_dim(z.cell, dim(s[static_cast<size_t>(k)], 0), what.c_str(), "cell_size", fail);
  }
  if (z.input != kUnknownDim && z.cell != kUnknownDim && dim(w, 0) != kUnknownDim &&
      dim(w, 0) != z.input + z.cell)
    fail("w.dim_size(0) != input_size + cell_size: ", dim(w, 0), " vs. ", z.input + z.cell);
  return z;
}

std::vector<Shape> input_shapes(InferenceContext& c, int n) {
  std::vector<Shape> s;
  for (int i = 0; i < n; ++i) s.push_back(c.input_shape(i));
  return s;
}

std::vector<Shape> input_shapes(KernelContext& c, int n) {
  std::vector<Shape> s;
  for (int i = 0; i < n; ++i) s.push_back(Shape(c.input(i).dims()));
  return s;
}

void require_float_inputs(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kFloat32, DType::kFloat64});
  shape_rules::same_dtype(c);
}

void lstm_shape(InferenceContext& c) {
  require_float_inputs(c);
  const LstmSizes z = check_forward_shapes(input_shapes(c, kForwardInputs),
                                           [&](const auto&... parts) { c.value_error(parts...); });
  for (int i = 0; i < kForwardOutputs; ++i)
    c.set_output(i, c.input_dtype(0), Shape({z.batch, z.cell}));
}

void lstm_grad_shape(InferenceContext& c) {
  require_float_inputs(c);
  auto fail = [&](const auto&... parts) { c.value_error(parts...); };
  LstmSizes z = check_forward_shapes(input_shapes(c, kForwardInputs), fail);
  for (int k = 0; k < 8; ++k) {
    const Shape& s = c.input_shape(kForwardInputs + k);
    require_rank(s, 2, kStateNames[k], fail);
    if (!s.has_rank()) continue;
    const std::string name = kStateNames[k];
    merge_dim(z.batch, s.dim(0), (name + ".dims(0)").c_str(), "batch_size", fail);
    merge_dim(z.cell, s.dim(1), (name + ".dims(1)").c_str(), "cell_size", fail);
  }
  const DType d = c.input_dtype(0);
  c.set_output(0, d, Shape({z.batch, z.cell}));
  c.set_output(1, d, Shape({z.batch, z.cell == kUnknownDim ? kUnknownDim : 4 * z.cell}));
  for (int i = 2; i < 5; ++i) c.set_output(i, d, Shape({z.cell}));
}

template <typename Fn>
void visit_float(KernelContext& c, DType d, Fn&& fn) {
  if (d == DType::kFloat32)
    fn(float{});
  else if (d == DType::kFloat64)
    fn(double{});
  else
    c.fail(ErrorCode::kInvalidArgument, "expected a float32 or float64 tensor, got ",
           dtype_name(d));
}

LstmSizes kernel_sizes(KernelContext& c, int n_inputs) {
  for (int i = 1; i < n_inputs; ++i)
    if (c.input(i).dtype() != c.input(0).dtype())
      c.fail(ErrorCode::kInvalidArgument, "input ", i, " has dtype ",
             dtype_name(c.input(i).dtype()), " but x has ", dtype_name(c.input(0).dtype()));
  auto fail = [&](const auto&... parts) { c.fail(ErrorCode::kInvalidArgument, parts...); };
  std::vector<Shape> s = input_shapes(c, n_inputs);
  LstmSizes z = check_forward_shapes(s, fail);
  for (int k = kForwardInputs; k < n_inputs; ++k) {
    const Shape& st = s[static_cast<size_t>(k)];
    const char* name = kStateNames[k - kForwardInputs];
    require_rank(st, 2, name, fail);
    if (st.dim(0) != z.batch || st.dim(1) != z.cell)
      fail(name, " must be [batch_size, cell_size] = [", z.batch, ", ", z.cell, "], but is ",
           dims_to_string(c.input(k).dims()));
  }
  return z;
}

void lstm_kernel(KernelContext& c) {
  const LstmSizes z = kernel_sizes(c, kForwardInputs);
  const DType d = c.input(0).dtype();
  visit_float(c, d, [&](auto tag) {
    using T = decltype(tag);
    kernels::LstmForward<T> p;
    p.batch = z.batch, p.input = z.input, p.cell = z.cell;
    p.x = c.input(0).data<T>(), p.cs_prev = c.input(1).data<T>(), p.h_prev = c.input(2).data<T>();
    p.w = c.input(3).data<T>(), p.wci = c.input(4).data<T>(), p.wcf = c.input(5).data<T>();
    p.wco = c.input(6).data<T>(), p.b = c.input(7).data<T>();
    p.forget_bias = static_cast<T>(c.attrs().get<double>("forget_bias"));
    p.cell_clip = static_cast<T>(c.attrs().get<double>("cell_clip"));
    p.peephole = c.attrs().get<bool>("use_peephole");
    T* out[kForwardOutputs];
    for (int i = 0; i < kForwardOutputs; ++i)
      out[i] = c.allocate_output(i, d, {z.batch, z.cell}).template data<T>();
    p.i = out[0], p.cs = out[1], p.f = out[2], p.o = out[3], p.ci = out[4], p.co = out[5];
    p.h = out[6];
    kernels::lstm_block_cell_forward(p, c.pool());
  });
}

void lstm_grad_kernel(KernelContext& c) {
  const LstmSizes z = kernel_sizes(c, kForwardInputs + 8);
  const DType d = c.input(0).dtype();
  visit_float(c, d, [&](auto tag) {
    using T = decltype(tag);
    kernels::LstmBackward<T> p;
    p.batch = z.batch, p.cell = z.cell;
    p.cs_prev = c.input(1).data<T>();
    p.wci = c.input(4).data<T>(), p.wcf = c.input(5).data<T>(), p.wco = c.input(6).data<T>();
    p.i = c.input(8).data<T>(), p.cs = c.input(9).data<T>(), p.f = c.input(10).data<T>();
    p.o = c.input(11).data<T>(), p.ci = c.input(12).data<T>(), p.co = c.input(13).data<T>();
    p.cs_grad = c.input(14).data<T>(), p.h_grad = c.input(15).data<T>();
    p.peephole = c.attrs().get<bool>("use_peephole");
    p.cs_prev_grad = c.allocate_output(0, d, {z.batch, z.cell}).template data<T>();
    p.dicfo = c.allocate_output(1, d, {z.batch, 4 * z.cell}).template data<T>();
    p.wci_grad = c.allocate_output(2, d, {z.cell}).template data<T>();
    p.wcf_grad = c.allocate_output(3, d, {z.cell}).template data<T>();
    p.wco_grad = c.allocate_output(4, d, {z.cell}).template data<T>();
    kernels::lstm_block_cell_backward(p, c.pool());
  });
}

Output int_vector(Graph& g, std::vector<int32_t> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return constant(g, Tensor::from_vector<int32_t>(std::move(v), {n}));
}

Grads lstm_grad(GradContext& c) {
  Graph& g = c.graph();
  Output x = c.input(0), h_prev = c.input(2), w = c.input(3);
  std::vector<Shape> shapes;
  for (int i = 0; i < kForwardInputs; ++i) shapes.push_back(c.input(i).shape());
  // The forward shape rule has checked these; sizes come from whichever input knows them.
  LstmSizes z = check_forward_shapes(shapes, [](const auto&... parts) {
    raise(ErrorCode::kInternal, "LSTMBlockCell gradient: ", parts...);
  });
  const Shape& ws = shapes[3];
  if (z.input == kUnknownDim && z.cell != kUnknownDim && ws.has_rank() && ws.dim(0) != kUnknownDim)
    z.input = ws.dim(0) - z.cell;
  const int64_t input_size = z.input, cell_size = z.cell;
  VF_CHECK(input_size != kUnknownDim, ErrorCode::kValue,
           "input_size from `x` should not be None (gradient of '", c.op().name(), "')");
  VF_CHECK(cell_size != kUnknownDim, ErrorCode::kValue,
           "cell_size from `cs_prev` should not be None (gradient of '", c.op().name(), "')");
  std::vector<Output> inputs;
  for (int i = 0; i < kForwardInputs; ++i) inputs.push_back(c.input(i));
  for (int i = 0; i < kForwardOutputs - 1; ++i) inputs.push_back(c.output(i));
  inputs.push_back(c.grad(1));
  inputs.push_back(c.grad(6));
  Node* back = add_op(g, "LSTMBlockCellGrad", inputs,
                      {{"use_peephole", c.attrs().get<bool>("use_peephole")}});
  Output dicfo = back->output(1);
  Output xh_grad = matmul(dicfo, w, false, true);
  const int32_t in = static_cast<int32_t>(input_size), cell = static_cast<int32_t>(cell_size);
  Output x_grad = op(g, "Slice", {xh_grad, int_vector(g, {0, 0}), int_vector(g, {-1, in})});
  Output h_grad = op(g, "Slice", {xh_grad, int_vector(g, {0, in}), int_vector(g, {-1, cell})});
  Output xh = op(g, "ConcatV2", {x, h_prev, scalar<int32_t>(g, 1)});
  Output w_grad = matmul(xh, dicfo, true, false);
  Output b_grad = reduce_sum(dicfo, {0});
  return Grads{x_grad,          back->output(0), h_grad,          w_grad,
               back->output(2), back->output(3), back->output(4), b_grad};
}

}  // namespace

void register_rnn_ops(OpRegistry& r) {
  r.add("LSTMBlockCell")
      .inputs({"x", "cs_prev", "h_prev", "w", "wci", "wcf", "wco", "b"})
      .outputs({"i", "cs", "f", "o", "ci", "co", "h"})
      .attr("forget_bias", 1.0, "added to the forget gate's pre-activation")
      .attr("cell_clip", 3.0, "cs is clipped to [-cell_clip, cell_clip]; <= 0: no clipping")
      .attr("use_peephole", false, "whether wci, wcf and wco (peephole weights) are used")
      .shape(lstm_shape)
      .kernel(lstm_kernel)
      .grad(lstm_grad);
  r.add("LSTMBlockCellGrad")
      .inputs({"x", "cs_prev", "h_prev", "w", "wci", "wcf", "wco", "b", "i", "cs", "f", "o", "ci",
               "co", "cs_grad", "h_grad"})
      .outputs({"cs_prev_grad", "dicfo", "wci_grad", "wcf_grad", "wco_grad"})
      .attr("use_peephole", false, "whether wci, wcf and wco (peephole weights) are used")
      .shape(lstm_grad_shape)
      .kernel(lstm_grad_kernel)
      .not_differentiable();
}

}  // namespace varflow::ops
