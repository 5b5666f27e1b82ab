#include "exec/dense_fusion.h"

#include <algorithm>
#include <string>

#include "exec/memory_plan.h"
#include "kernels/elementwise.h"
#include "kernels/fused_dense.h"
#include "kernels/matmul.h"
#include "kernels/reduce.h"
#include "ops/conv_forward.h"
#include "varflow/errors.h"

namespace varflow {

namespace {

namespace k = kernels;

// --- kernels of the fused steps ----------------------------------------------------------------

// The chain's nodes, walked back from the fused step's node (its last node): the error paths
// name the op that would have failed in the unfused plan.
const Node& add_of(const Node& tail, int act) {
  return act == k::kActNone ? tail : *tail.inputs()[0].node;
}
const Node& matmul_of(const Node& tail, int act) { return *add_of(tail, act).inputs()[0].node; }

k::UnaryOp unary_of(int act) {
  switch (act) {
    case k::kActRelu6:
      return k::UnaryOp::kRelu6;
    case k::kActTanh:
      return k::UnaryOp::kTanh;
    case k::kActSigmoid:
      return k::UnaryOp::kSigmoid;
    default:
      return k::UnaryOp::kRelu;
  }
}

// Inputs: a, b, bias; output: act(op(a) @ op(b) + bias).
template <int Act, bool TA, bool TB>
void dense_forward_kernel(KernelContext& c) {
  const Tensor& a = c.input(0);
  const Tensor& b = c.input(1);
  const Tensor& bias = c.input(2);
  const Node& mm = matmul_of(c.node(), Act);
  if (a.rank() != 2 || b.rank() != 2)
    raise(ErrorCode::kInvalidArgument,
          "In[0] and In[1] must be matrices: ", dims_to_string(a.dims()), " ",
          dims_to_string(b.dims()), "\n\t [[node ", mm.name(), "]]");
  const int64_t ka = TA ? a.dim(0) : a.dim(1), kb = TB ? b.dim(1) : b.dim(0);
  if (ka != kb)
    raise(ErrorCode::kInvalidArgument,
          "Matrix size-incompatible: In[0]: ", dims_to_string(a.dims()),
          ", In[1]: ", dims_to_string(b.dims()), "\n\t [[node ", mm.name(), "]]");
  const Dims dims{TA ? a.dim(1) : a.dim(0), TB ? b.dim(0) : b.dim(1)};
  if (bias.rank() == 1 && bias.dim(0) == dims[1]) {
    Tensor& out = c.allocate_output(0, DType::kFloat32, dims);
    k::matmul_bias_act(a, TA, b, TB, bias, Act, out, c.pool());
    return;
  }
  // A bias of another shape than the plan was compiled for (a variable assigned with
  // validate_shape=False): the unfused ops, one after the other.
  Tensor product(DType::kFloat32, dims);
  k::matmul(a, b, TA, TB, product);
  Dims out_dims;
  try {
    out_dims = k::broadcast_dims(product.dims(), bias.dims());
  } catch (const Error& e) {
    raise(e.code(), e.what(), "\n\t [[node ", add_of(c.node(), Act).name(), "]]");
  }
  Tensor& out = c.allocate_output(0, DType::kFloat32, out_dims);
  k::binary(k::BinaryOp::kAdd, product, bias, out, c.pool());
  if (Act != k::kActNone) k::unary(unary_of(Act), out, out, c.pool());
}

template <int Act>
KernelFn forward_kernel(bool ta, bool tb) {
  if (ta)
    return tb ? dense_forward_kernel<Act, true, true> : dense_forward_kernel<Act, true, false>;
  return tb ? dense_forward_kernel<Act, false, true> : dense_forward_kernel<Act, false, false>;
}

KernelFn forward_kernel(int act, bool ta, bool tb) {
  switch (act) {
    case k::kActRelu:
      return forward_kernel<k::kActRelu>(ta, tb);
    case k::kActRelu6:
      return forward_kernel<k::kActRelu6>(ta, tb);
    case k::kActTanh:
      return forward_kernel<k::kActTanh>(ta, tb);
    case k::kActSigmoid:
      return forward_kernel<k::kActSigmoid>(ta, tb);
    default:
      return forward_kernel<k::kActNone>(ta, tb);
  }
}

// Runs `node`'s own kernel on `values` (its `arity` inputs, then its output) from the fused
// step `c`; an error names `node`, as it would unfused.
void run_node_kernel(const KernelContext& c, const Node& node, Tensor* values, int arity) {
  const int inputs[2] = {0, 1};
  ResourceSlot* const resources[3] = {nullptr, nullptr, nullptr};
  KernelContext node_c(node, values, inputs, arity, resources, c.pool());
  try {
    node.op_def().kernel(node_c);
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.find("[[node") != std::string::npos) throw;
    raise(e.code(), what, "\n\t [[node ", node.name(), "]]");
  }
}

// Inputs: x, filter, bias; output: act(conv2d(x, filter) + bias), the bias and the activation
// applied to each block of the convolution while it is in cache. The fused step's node is the
// BiasAdd or the Relu; the convolution runs as its Conv2D node, with that node's checks.
template <bool Relu>
void conv_forward_kernel(KernelContext& c) {
  const Node& tail = c.node();
  const Node& add = Relu ? *tail.inputs()[0].node : tail;
  const Node& conv = *add.inputs()[0].node;
  const Tensor& filter = c.input(1);
  const Tensor& bias = c.input(2);
  // The output buffer of the last run goes round through the Conv2D's context to be reused.
  Tensor values[3] = {c.input(0), filter, std::move(c.output(0))};
  if (bias.rank() == 1 && filter.rank() == 4 && bias.dim(0) == filter.dim(3)) {
    const int inputs[2] = {0, 1};
    ResourceSlot* const resources[3] = {nullptr, nullptr, nullptr};
    KernelContext conv_c(conv, values, inputs, 2, resources, c.pool());
    ops::conv2d_with_epilogue(conv_c, k::ConvEpilogue{bias.data<float>(), Relu});
    c.set_output(0, std::move(values[2]));
    return;
  }
  // A bias of another shape than the plan was compiled for: the three kernels in turn, with
  // their own errors.
  run_node_kernel(c, conv, values, 2);
  Tensor add_values[3] = {std::move(values[2]), bias, Tensor()};
  run_node_kernel(c, add, add_values, 2);
  if (Relu) {
    Tensor relu_values[2] = {std::move(add_values[2]), Tensor()};
    run_node_kernel(c, tail, relu_values, 1);
    c.set_output(0, std::move(relu_values[1]));
  } else {
    c.set_output(0, std::move(add_values[2]));
  }
}

// Inputs: dy, y, the bias's shape; outputs: d = ReluGrad(dy, y) and d summed to that shape.
// The fused step's node is the SumToShape; its input 0 is the ReluGrad.
void dense_backward_kernel(KernelContext& c) {
  const Tensor& dy = c.input(0);
  const Tensor& y = c.input(1);
  const Tensor& shape = c.input(2);
  const Node& sum = c.node();
  const Node& relu_grad = *sum.inputs()[0].node;
  if (dy.dims() == y.dims() && dy.rank() >= 2 && shape.rank() == 1 && shape.num_elements() == 1 &&
      shape.as_dims() == Dims{dy.dim(dy.rank() - 1)}) {
    Tensor& d = c.allocate_output(0, DType::kFloat32, dy.dims());
    Tensor& db = c.allocate_output(1, DType::kFloat32, {dy.dim(dy.rank() - 1)});
    k::relu_grad_bias_add_grad(dy, y, d, db, c.pool());
    return;
  }
  // Shapes the plan was not compiled for: ReluGrad's and SumToShape's kernels' work.
  Dims dims;
  try {
    dims = dy.dims() == y.dims() ? dy.dims() : k::broadcast_dims(dy.dims(), y.dims());
  } catch (const Error& e) {
    raise(e.code(), e.what(), "\n\t [[node ", relu_grad.name(), "]]");
  }
  Tensor& d = c.allocate_output(0, DType::kFloat32, dims);
  k::binary(k::BinaryOp::kReluGrad, dy, y, d, c.pool());
  if (shape.rank() != 1 || (shape.dtype() != DType::kInt32 && shape.dtype() != DType::kInt64))
    raise(ErrorCode::kInvalidArgument, "shape must be a vector of int32 or int64, got ",
          dims_to_string(shape.dims()), "\n\t [[node ", sum.name(), "]]");
  const Dims target = shape.as_dims();
  if (d.dims() == target) {
    c.set_output(1, d);
    return;
  }
  const int lead = d.rank() - static_cast<int>(target.size());
  std::vector<int> axes;
  bool ok = lead >= 0;
  for (int i = 0; ok && i < d.rank(); ++i) {
    if (i < lead) {
      axes.push_back(i);
      continue;
    }
    const int64_t t = target[static_cast<size_t>(i - lead)];
    if (t == 1 && d.dim(i) != 1)
      axes.push_back(i);
    else
      ok = t == d.dim(i);
  }
  if (!ok)
    raise(ErrorCode::kInvalidArgument, "Cannot reduce shape ", dims_to_string(d.dims()), " to ",
          dims_to_string(target), "\n\t [[node ", sum.name(), "]]");
  Tensor& db = c.allocate_output(1, DType::kFloat32, target);
  k::reduce(k::ReduceOp::kSum, d, axes, db);
}

// --- the pass ----------------------------------------------------------------------------------

bool is_f32_matrix(const Shape& s) { return s.has_rank() && s.rank() == 2; }

bool plain_step(const PlanStep& step) {
  return !step.control && !step.fused && step.node && step.kernel &&
         step.kernel == step.node->op_def().kernel;
}

bool all_f32(const Node& node) {
  for (int i = 0; i < node.num_outputs(); ++i)
    if (node.output_dtype(i) != DType::kFloat32) return false;
  for (const Output& in : node.inputs())
    if (in.dtype() != DType::kFloat32) return false;
  return true;
}

int activation_of(const std::string& type) {
  if (type == "Relu") return k::kActRelu;
  if (type == "Relu6") return k::kActRelu6;
  if (type == "Tanh") return k::kActTanh;
  if (type == "Sigmoid") return k::kActSigmoid;
  return -1;
}

bool nhwc(const Node& node) {
  return !node.op_def().find_attr("data_format") ||
         node.attrs().get<std::string>("data_format") == "NHWC";
}

bool bias_add(const Node& node) {
  const std::string& type = node.type();
  if (type == "Add" || type == "AddV2") return true;
  return (type == "BiasAdd" || type == "BiasAddV1") && nhwc(node);
}

struct Analysis {
  explicit Analysis(const Plan& plan)
      : readers(static_cast<size_t>(plan.num_slots), 0),
        reader_step(static_cast<size_t>(plan.num_slots), -1) {
    std::vector<int> slots;
    for (size_t t = 0; t < plan.steps.size(); ++t) {
      const PlanStep& step = plan.steps[t];
      slots.clear();
      slots_read_by(step, slots);
      for (int s : slots) {
        ++readers[static_cast<size_t>(s)];
        reader_step[static_cast<size_t>(s)] = static_cast<int>(t);
      }
    }
    for (int s : plan.fetch_slots) readers[static_cast<size_t>(s)] += 2;  // never fused away
  }
  // The one step reading `slot` (a single read of it), else -1.
  int only_reader(int slot) const {
    const size_t s = static_cast<size_t>(slot);
    return readers[s] == 1 ? reader_step[s] : -1;
  }
  std::vector<int> readers;      // reads by steps (nested blocks included) and fetches
  std::vector<int> reader_step;  // the last top-level step reading the slot
};

// Whether the fused step may run at `at` in place of steps in [first, last]: nothing in
// between writes a variable or runs a block (whose ops might), so every input has the value
// the unfused steps read.
bool quiet_between(const Plan& plan, int first, int last) {
  for (int t = first + 1; t < last; ++t) {
    const PlanStep& step = plan.steps[static_cast<size_t>(t)];
    if (step.control || step.frozen_check_input >= 0) return false;
    for (size_t i = 0; i + 1 < step.resources.size(); ++i)
      if (step.resources[i]) return false;  // a ref input: Assign, Apply*, ...
  }
  return true;
}

struct Rewrite {
  std::vector<char> removed;
  std::vector<std::pair<int, PlanStep>> replaced;  // step index -> fused step
};

// The steps of a forward chain: the product (MatMul or Conv2D), the bias add, and the last
// step (the activation, or the bias add itself).
struct ForwardChain {
  int product, add, tail;
};

// Replaces the chain by one step of `kernel` at the tail's position, reading the product's
// two inputs and the bias and writing the tail's output.
void replace_forward_chain(const Plan& plan, Rewrite& rw, ForwardChain chain, KernelFn kernel) {
  const PlanStep& product = plan.steps[static_cast<size_t>(chain.product)];
  const PlanStep& add = plan.steps[static_cast<size_t>(chain.add)];
  const PlanStep& tail = plan.steps[static_cast<size_t>(chain.tail)];
  PlanStep fused;
  fused.node = tail.node;
  fused.kernel = kernel;
  fused.input_slots = {product.input_slots[0], product.input_slots[1], add.input_slots[1]};
  fused.first_output = tail.first_output;
  fused.resources.assign(fused.input_slots.size() + 1, nullptr);
  fused.checked_inputs = {0, 1, 2};
  for (int step : {chain.product, chain.add, chain.tail}) rw.removed[static_cast<size_t>(step)] = 1;
  rw.replaced.emplace_back(chain.tail, std::move(fused));
}

void fuse_forward(const Plan& plan, const Analysis& an, Rewrite& rw, size_t t) {
  const PlanStep& mm = plan.steps[t];
  const Node& mm_node = *mm.node;
  if (mm_node.type() != "MatMul" || !all_f32(mm_node)) return;
  const Shape& product = mm_node.output_shape(0);
  if (!is_f32_matrix(product) || product.dim(1) < 0 ||
      !is_f32_matrix(mm_node.inputs()[0].shape()) || !is_f32_matrix(mm_node.inputs()[1].shape()))
    return;
  const int add_t = an.only_reader(mm.first_output);
  if (add_t < 0 || rw.removed[static_cast<size_t>(add_t)]) return;
  const PlanStep& add = plan.steps[static_cast<size_t>(add_t)];
  if (!plain_step(add) || !bias_add(*add.node) || !all_f32(*add.node)) return;
  // The product is the Add's first operand (x + bias: the unfused loop's operand order).
  if (add.input_slots[0] != mm.first_output || add.input_slots[1] == mm.first_output) return;
  const Shape& bias = add.node->inputs()[1].shape();
  if (!bias.has_rank() || bias.rank() != 1 || bias.dim(0) != product.dim(1) ||
      add.node->output_shape(0) != product)
    return;
  int act = k::kActNone;
  int tail_t = add_t;
  const int act_t = an.only_reader(add.first_output);
  if (act_t >= 0 && !rw.removed[static_cast<size_t>(act_t)]) {
    const PlanStep& a = plan.steps[static_cast<size_t>(act_t)];
    const int kind = activation_of(a.node ? a.node->type() : std::string());
    if (plain_step(a) && kind >= 0 && all_f32(*a.node) && a.input_slots[0] == add.first_output) {
      act = kind;
      tail_t = act_t;
    }
  }
  if (!quiet_between(plan, static_cast<int>(t), tail_t)) return;
  replace_forward_chain(plan, rw, {static_cast<int>(t), add_t, tail_t},
                        forward_kernel(act, mm_node.attrs().get<bool>("transpose_a"),
                                       mm_node.attrs().get<bool>("transpose_b")));
}

// Conv2D (NHWC) -> BiasAdd / Add of a [channels] bias [-> Relu] => conv_forward_kernel.
void fuse_conv_forward(const Plan& plan, const Analysis& an, Rewrite& rw, size_t t) {
  const PlanStep& conv = plan.steps[t];
  const Node& conv_node = *conv.node;
  if (conv_node.type() != "Conv2D" || !all_f32(conv_node) || !nhwc(conv_node)) return;
  const Shape& out = conv_node.output_shape(0);
  if (!out.has_rank() || out.rank() != 4 || out.dim(3) < 0) return;
  const int add_t = an.only_reader(conv.first_output);
  if (add_t < 0 || rw.removed[static_cast<size_t>(add_t)]) return;
  const PlanStep& add = plan.steps[static_cast<size_t>(add_t)];
  if (!plain_step(add) || !bias_add(*add.node) || !all_f32(*add.node)) return;
  if (add.input_slots[0] != conv.first_output || add.input_slots[1] == conv.first_output) return;
  // A bias of unknown length fuses too: the kernel takes the unfused path for another one.
  const Shape& bias = add.node->inputs()[1].shape();
  if (!bias.has_rank() || bias.rank() != 1 || (bias.dim(0) >= 0 && bias.dim(0) != out.dim(3)) ||
      !add.node->output_shape(0).compatible_with(out))
    return;
  bool relu = false;
  int tail_t = add_t;
  const int act_t = an.only_reader(add.first_output);
  if (act_t >= 0 && !rw.removed[static_cast<size_t>(act_t)]) {
    const PlanStep& a = plan.steps[static_cast<size_t>(act_t)];
    if (plain_step(a) && a.node->type() == "Relu" && all_f32(*a.node) &&
        a.input_slots[0] == add.first_output) {
      relu = true;
      tail_t = act_t;
    }
  }
  if (!quiet_between(plan, static_cast<int>(t), tail_t)) return;
  replace_forward_chain(plan, rw, {static_cast<int>(t), add_t, tail_t},
                        relu ? conv_forward_kernel<true> : conv_forward_kernel<false>);
}

void fuse_backward(Plan& plan, Rewrite& rw, size_t t) {
  const PlanStep& rg = plan.steps[t];
  const Node& rg_node = *rg.node;
  if (rg_node.type() != "ReluGrad" || !all_f32(rg_node)) return;
  // A dense layer's [batch, units] or a channels-last convolution's [batch, ..., channels]:
  // rows of the bias's length either way.
  const Shape& shape = rg_node.output_shape(0);
  // The incoming gradient's static shape may be less known (a mean's Tile, a Mul's broadcast):
  // the kernel checks the shapes at run time and takes the unfused path if they differ.
  if (!shape.has_rank() || shape.rank() < 2 || shape.dim(shape.rank() - 1) < 0 ||
      !rg_node.inputs()[0].shape().compatible_with(shape) || rg_node.inputs()[1].shape() != shape)
    return;
  const int64_t channels = shape.dim(shape.rank() - 1);
  // The SumToShape reading d (the bias gradient), the first one after the ReluGrad.
  const int d = rg.first_output;
  int sum_t = -1;
  for (size_t u = t + 1; u < plan.steps.size() && sum_t < 0; ++u) {
    const PlanStep& s = plan.steps[u];
    std::vector<int> slots;
    slots_read_by(s, slots);
    if (std::find(slots.begin(), slots.end(), d) == slots.end()) continue;
    if (!plain_step(s) || s.node->type() != "SumToShape" || s.input_slots[0] != d ||
        s.input_slots[1] == d || rw.removed[u])
      return;  // read first by something else: the fused step would come too late for it
    sum_t = static_cast<int>(u);
  }
  if (sum_t < 0) return;
  const PlanStep& sum = plan.steps[static_cast<size_t>(sum_t)];
  // The target is the bias's shape, known when the kernel runs (the fallback takes others).
  const Shape& target = sum.node->output_shape(0);
  if (sum.node->output_dtype(0) != DType::kFloat32 || !target.has_rank() || target.rank() != 1 ||
      (target.dim(0) >= 0 && target.dim(0) != channels))
    return;
  if (!quiet_between(plan, static_cast<int>(t), sum_t)) return;
  // d and the bias gradient become the fused step's two outputs, in two new adjacent slots;
  // their readers (all after the fused step, no control-flow block among them) follow.
  const int db = sum.first_output;
  for (const PlanStep& s : plan.steps) {
    if (!s.control) continue;
    std::vector<int> slots;
    slots_read_by(s, slots);
    if (std::count(slots.begin(), slots.end(), d) || std::count(slots.begin(), slots.end(), db))
      return;
  }
  const int fresh = plan.num_slots;
  plan.num_slots += 2;
  plan.slot_owner.push_back(rg.node);
  plan.slot_owner.push_back(sum.node);
  auto follow = [&](int& slot) {
    if (slot == d) slot = fresh;
    if (slot == db) slot = fresh + 1;
  };
  for (size_t u = static_cast<size_t>(sum_t) + 1; u < plan.steps.size(); ++u)
    for (int& s : plan.steps[u].input_slots) follow(s);
  for (auto& [at, step] : rw.replaced)
    for (int& s : step.input_slots) follow(s);
  for (int& s : plan.fetch_slots) follow(s);
  PlanStep fused;
  fused.node = sum.node;
  fused.kernel = dense_backward_kernel;
  fused.input_slots = {rg.input_slots[0], rg.input_slots[1], sum.input_slots[1]};
  fused.first_output = fresh;
  fused.resources.assign(fused.input_slots.size() + 1, nullptr);
  fused.checked_inputs = {0, 1, 2};
  rw.removed[t] = 1;
  rw.removed[static_cast<size_t>(sum_t)] = 1;
  rw.replaced.emplace_back(sum_t, std::move(fused));
}

}  // namespace

int dense_fused_outputs(const PlanStep& step) {
  if (!step.kernel || step.control || step.fused) return 0;
  if (step.kernel == dense_backward_kernel) return 2;
  if (step.kernel == conv_forward_kernel<true> || step.kernel == conv_forward_kernel<false>)
    return 1;
  for (int act : {k::kActNone, k::kActRelu, k::kActRelu6, k::kActTanh, k::kActSigmoid})
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        if (step.kernel == forward_kernel(act, ta, tb)) return 1;
  return 0;
}

void fuse_dense(Plan& plan) {
  Rewrite rw;
  rw.removed.assign(plan.steps.size(), 0);
  {
    const Analysis an(plan);
    for (size_t t = 0; t < plan.steps.size(); ++t)
      if (!rw.removed[t] && plain_step(plan.steps[t])) {
        fuse_forward(plan, an, rw, t);
        if (!rw.removed[t]) fuse_conv_forward(plan, an, rw, t);
      }
  }
  for (size_t t = 0; t < plan.steps.size(); ++t)
    if (!rw.removed[t] && plain_step(plan.steps[t])) fuse_backward(plan, rw, t);
  if (rw.replaced.empty()) return;
  std::vector<PlanStep> replacement(plan.steps.size());
  std::vector<char> has_replacement(plan.steps.size(), 0);
  for (auto& [at, step] : rw.replaced) {
    replacement[static_cast<size_t>(at)] = std::move(step);
    has_replacement[static_cast<size_t>(at)] = 1;
  }
  std::vector<PlanStep> out;
  out.reserve(plan.steps.size());
  for (size_t t = 0; t < plan.steps.size(); ++t) {
    if (has_replacement[t])
      out.push_back(std::move(replacement[t]));
    else if (!rw.removed[t])
      out.push_back(std::move(plan.steps[t]));
  }
  plan.steps = std::move(out);
}

}  // namespace varflow
