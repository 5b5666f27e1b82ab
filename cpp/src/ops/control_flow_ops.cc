// Control-flow ops: If and While (their regions run by the executor, see varflow/plan.h),
// LoopVar (a loop variable inside a loop region) and LoopSavedValue (a forward loop's value,
// saved per iteration, read by its gradient loop); and the cond/while_loop builders.
#include <algorithm>

#include "ops/op_families.h"
#include "varflow/control_flow.h"
#include "varflow/errors.h"
#include "varflow/op_registry.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

// The executor runs these nodes itself; a kernel call means a graph ran them eagerly.
void runs_in_plans_only(KernelContext& c) {
  c.fail(ErrorCode::kUnimplemented, c.node().type(),
         " runs only inside a Session plan (in eager mode tf.cond and tf.while_loop run the "
         "Python functions directly)");
}

// The most specific shape both branches' values fit.
Shape common_shape(const Shape& a, const Shape& b) {
  if (!a.has_rank() || !b.has_rank() || a.rank() != b.rank()) return Shape::unknown_rank();
  Dims dims;
  for (int i = 0; i < a.rank(); ++i) dims.push_back(a.dim(i) == b.dim(i) ? a.dim(i) : -1);
  return Shape(dims);
}

// TF1's rule: a loop value must be at least as specific as its variable's shape invariant.
bool fits_invariant(const Shape& value, const Shape& invariant) {
  if (!invariant.has_rank()) return true;
  if (!value.has_rank() || value.rank() != invariant.rank()) return false;
  for (int i = 0; i < invariant.rank(); ++i)
    if (invariant.dim(i) >= 0 && value.dim(i) != invariant.dim(i)) return false;
  return true;
}

// The region an If or While is built for: one the builders made, of the right kind, that no
// other node owns yet (a node added by hand with a made-up region id is a ValueError).
const Region& region_attr(const InferenceContext& c, const char* attr, RegionKind kind) {
  if (c.num_inputs() == 0) c.value_error("Control-flow nodes take at least one input");
  const int64_t id = c.attrs().get<int64_t>(attr);
  const Graph& graph = c.input(0).graph();
  if (id < 0 || id >= graph.num_regions()) c.value_error("No control-flow region ", id);
  const Region& region = graph.region(static_cast<int>(id));
  if (region.kind != kind || region.owner != nullptr ||
      (kind == RegionKind::kLoop && region.condition.node == nullptr))
    c.value_error("Region ", id, " is not a complete ",
                  kind == RegionKind::kLoop ? "loop" : "branch",
                  " waiting for its node (build control flow with cond/while_loop)");
  return region;
}

void check_predicate(const InferenceContext& c, const Output& pred, const char* what) {
  if (pred.dtype() != DType::kBool)
    c.type_error(what, " must be a bool tensor, got ", dtype_name(pred.dtype()), " (", pred.name(),
                 ")");
  if (pred.shape().has_rank() && pred.shape().rank() != 0)
    c.value_error(what, " must be a scalar, got shape ", pred.shape().to_string(), " (",
                  pred.name(), ")");
}

void if_shape(InferenceContext& c) {
  const Region& then_r = region_attr(c, "then_region", RegionKind::kBranch);
  const Region& else_r = region_attr(c, "else_region", RegionKind::kBranch);
  if (&then_r == &else_r) c.value_error("The branches of an If must be two regions");
  check_predicate(c, c.input(0), "The predicate of tf.cond");
  if (then_r.results.size() != else_r.results.size())
    c.value_error("true_fn and false_fn must return the same number of results, got ",
                  then_r.results.size(), " and ", else_r.results.size());
  c.set_num_outputs(static_cast<int>(then_r.results.size()));
  for (size_t k = 0; k < then_r.results.size(); ++k) {
    const Output& a = then_r.results[k];
    const Output& b = else_r.results[k];
    if (a.dtype() != b.dtype())
      c.value_error("Outputs of true_fn and false_fn must have the same type: ",
                    dtype_name(a.dtype()), ", ", dtype_name(b.dtype()));
    c.set_output(static_cast<int>(k), a.dtype(), common_shape(a.shape(), b.shape()));
  }
}

void while_shape(InferenceContext& c) {
  const Region& loop = region_attr(c, "loop_region", RegionKind::kLoop);
  const size_t vars = loop.loop_vars.size();
  const bool has_max = c.attrs().get<bool>("has_maximum_iterations");
  if (static_cast<size_t>(c.num_inputs()) < vars + (has_max ? 1 : 0))
    c.value_error("Expected ", vars, " initial values");
  check_predicate(c, loop.condition, "The condition of tf.while_loop");
  if (loop.results.size() != vars)
    c.value_error("The body returned ", loop.results.size(), " values for ", vars,
                  " loop variables");
  c.set_num_outputs(static_cast<int>(vars) + 1);
  for (size_t k = 0; k < vars; ++k) {
    const Output var{loop.loop_vars[k], 0};
    const Output init = c.input(static_cast<int>(k));
    const Output next = loop.results[k];
    if (init.dtype() != var.dtype() || next.dtype() != var.dtype())
      c.value_error("Loop variable ", k, " has dtype ", dtype_name(init.dtype()),
                    " before the loop and ", dtype_name(next.dtype()), " after one iteration");
    for (const Output* value : {&init, &next})
      if (!fits_invariant(value->shape(), var.shape()))
        c.value_error("Input tensor '", init.name(), "' enters the loop with shape ",
                      init.shape().to_string(), ", but has shape ", next.shape().to_string(),
                      " after one iteration. To allow the shape to vary across iterations, use "
                      "the `shape_invariants` argument of tf.while_loop to specify a less-specific "
                      "shape.");
    c.set_output(static_cast<int>(k), var.dtype(), var.shape());
  }
  if (has_max) {
    const Output m = c.input(static_cast<int>(vars));
    if ((m.dtype() != DType::kInt32 && m.dtype() != DType::kInt64) ||
        (m.shape().has_rank() && m.shape().rank() != 0))
      c.value_error("maximum_iterations must be an integer scalar, got ", m.name());
  }
  c.set_output(static_cast<int>(vars), DType::kInt32, Shape{});
}

void typed_value_shape(InferenceContext& c) {
  c.set_num_outputs(1);
  c.set_output(0, c.attrs().get<DType>("dtype"), c.attrs().get<Shape>("shape"));
}

}  // namespace

void register_control_flow_ops(OpRegistry& r) {
  r.add("If")
      .inputs({"cond"})
      .variadic_inputs()
      .outputs({"output"})
      .required_attr("then_region", AttrType::kInt, "the branch run when cond is true")
      .required_attr("else_region", AttrType::kInt, "the branch run when cond is false")
      .shape(if_shape)
      .kernel(runs_in_plans_only)
      .doc(
          "tf.cond: the outputs of the branch the boolean scalar `cond` selects; only that "
          "branch runs. Inputs after cond are the tensors the branches capture.");
  r.add("While")
      .inputs({"input"})
      .variadic_inputs()
      .outputs({"output"})
      .required_attr("loop_region", AttrType::kInt, "the loop's condition and body")
      .attr("has_maximum_iterations", false, "the input after the initial values is the limit")
      .attr("back_prop", true, "false: no gradient flows through the loop")
      .shape(while_shape)
      .kernel(runs_in_plans_only)
      .doc(
          "tf.while_loop: the loop variables' values when the condition turns false, then "
          "the number of iterations run. Inputs: the initial values, the optional iteration "
          "limit, then the tensors the loop captures.");
  r.add("EnsureShape")
      .inputs({"input"})
      .outputs({"output"})
      .required_attr("shape", AttrType::kShape, "what the input's shape must be compatible with")
      .shape([](InferenceContext& c) {
        const Shape& wanted = c.attrs().get<Shape>("shape");
        if (!c.input_shape(0).compatible_with(wanted))
          c.value_error("Shape ", c.input_shape(0).to_string(), " is not compatible with ",
                        wanted.to_string());
        c.set_output(0, c.input_dtype(0), c.input_shape(0).merge_with(wanted));
      })
      .kernel([](KernelContext& c) {
        const Shape& wanted = c.attrs().get<Shape>("shape");
        if (!wanted.accepts(c.input(0).dims()))
          c.fail(ErrorCode::kInvalidArgument, "Shape of tensor ", c.node().inputs()[0].name(), " ",
                 dims_to_string(c.input(0).dims()), " is not compatible with expected shape ",
                 wanted.to_string(), ".");
        c.set_output(0, c.input(0));
      })
      .grad([](GradContext& c) { return Grads{c.grad()}; })
      .doc(
          "tf.ensure_shape: the input, checked at run time to have a shape compatible with "
          "`shape`, and known statically to have it.");
  r.add("LoopVar")
      .outputs({"output"})
      .required_attr("dtype", AttrType::kType)
      .required_attr("shape", AttrType::kShape, "the loop variable's shape invariant")
      .shape(typed_value_shape)
      .kernel(runs_in_plans_only)
      .not_differentiable()
      .doc("A loop variable inside a while loop's region; its While writes it.");
  r.add("LoopSavedValue")
      .outputs({"output"})
      .required_attr("tensor_name", AttrType::kString, "the forward loop's tensor")
      .required_attr("dtype", AttrType::kType)
      .required_attr("shape", AttrType::kShape)
      .shape(typed_value_shape)
      .kernel(runs_in_plans_only)
      .not_differentiable()
      .doc(
          "In a gradient loop: the value tensor_name had in the forward loop's iteration "
          "this one mirrors (the forward loop pushes, this pops).");
}

Output fit_to_shape(Output value, const Shape& shape) {
  if (fits_invariant(value.shape(), shape)) return value;
  return op(value.graph(), "EnsureShape", {value}, {{"shape", shape}});
}

Output region_result(Graph& graph, int region, Output value) {
  if (value.node->region() == region) return value;
  RegionScope in(graph, region);
  return identity(value);
}

Output loop_var(Graph& graph, int loop_region, DType dtype, const Shape& shape,
                const std::string& name) {
  RegionScope in(graph, loop_region);
  Node* n = add_op(graph, "LoopVar", {}, {{"dtype", dtype}, {"shape", shape}}, name);
  graph.region(loop_region).loop_vars.push_back(n);
  return n->output(0);
}

namespace {

std::vector<Output> owner_inputs(const std::vector<Output>& leading,
                                 const std::vector<const Region*>& regions,
                                 std::vector<Node*>& controls) {
  std::vector<Output> inputs = leading;
  for (const Region* r : regions) {
    for (const Output& c : r->captures)
      if (std::find(inputs.begin() + static_cast<long>(leading.size()), inputs.end(), c) ==
          inputs.end())
        inputs.push_back(c);
    for (Node* c : r->control_captures)
      if (std::find(controls.begin(), controls.end(), c) == controls.end()) controls.push_back(c);
  }
  return inputs;
}

// An eager graph's value of a predicate, checked as the If and While shape rules check it (kType
// for a predicate that is not boolean, kValue for one that is not a scalar).
bool eager_predicate(Graph& graph, const Output& pred, const char* what) {
  VF_CHECK(pred.dtype() == DType::kBool, ErrorCode::kType, what, " must be a bool tensor, got ",
           dtype_name(pred.dtype()), " (", pred.name(), ")");
  const Tensor value = graph.eager_value(pred);
  VF_CHECK(value.num_elements() == 1, ErrorCode::kValue, what, " must be a scalar, got shape ",
           pred.shape().to_string(), " (", pred.name(), ")");
  return *value.data<bool>();
}

int64_t eager_iteration_limit(Graph& graph, const std::optional<Output>& maximum_iterations) {
  if (!maximum_iterations) return -1;
  const Tensor m = graph.eager_value(*maximum_iterations);
  VF_CHECK(m.num_elements() == 1 && (m.dtype() == DType::kInt32 || m.dtype() == DType::kInt64),
           ErrorCode::kValue, "maximum_iterations must be an integer scalar, got ",
           maximum_iterations->name());
  return m.dtype() == DType::kInt32 ? *m.data<int32_t>() : *m.data<int64_t>();
}

// tf.while_loop in an eager graph: the body's nodes run as they are built, iteration after
// iteration, as TF2's eager loops do; the loop variables keep their dtypes.
std::vector<Output> eager_while_loop(Graph& graph, const LoopConditionFn& cond_fn,
                                     const LoopBodyFn& body, std::vector<Output> vars,
                                     const WhileOptions& options) {
  const int64_t limit = eager_iteration_limit(graph, options.maximum_iterations);
  for (int64_t i = 0; limit < 0 || i < limit; ++i) {
    if (!eager_predicate(graph, cond_fn(vars), "The condition of tf.while_loop")) break;
    std::vector<Output> next = body(vars);
    VF_CHECK(next.size() == vars.size(), ErrorCode::kValue, "The body of tf.while_loop returned ",
             next.size(), " values for ", vars.size(), " loop variables");
    for (size_t k = 0; k < vars.size(); ++k)
      VF_CHECK(next[k].dtype() == vars[k].dtype(), ErrorCode::kValue, "Loop variable ", k,
               " has dtype ", dtype_name(vars[k].dtype()), " before the loop and ",
               dtype_name(next[k].dtype()), " after one iteration");
    vars = std::move(next);
  }
  return vars;
}

}  // namespace

Node* if_node(Output pred, int then_region, int else_region, const std::string& name) {
  Graph& graph = pred.graph();
  std::vector<Node*> controls;
  std::vector<Output> inputs =
      owner_inputs({pred}, {&graph.region(then_region), &graph.region(else_region)}, controls);
  ControlDependencies deps(graph, controls);
  Node* n =
      add_op(graph, "If", inputs,
             {{"then_region", int64_t{then_region}}, {"else_region", int64_t{else_region}}}, name);
  graph.region(then_region).owner = n;
  graph.region(else_region).owner = n;
  return n;
}

Node* while_node(const std::vector<Output>& initial_values, int loop_region,
                 std::optional<Output> maximum_iterations, bool back_prop,
                 const std::string& name) {
  VF_CHECK(!initial_values.empty(), ErrorCode::kValue, "No loop variables provided");
  Graph& graph = initial_values[0].graph();
  std::vector<Output> leading = initial_values;
  if (maximum_iterations) leading.push_back(*maximum_iterations);
  std::vector<Node*> controls;
  std::vector<Output> inputs = owner_inputs(leading, {&graph.region(loop_region)}, controls);
  ControlDependencies deps(graph, controls);
  Node* n = add_op(graph, "While", inputs,
                   {{"loop_region", int64_t{loop_region}},
                    {"has_maximum_iterations", maximum_iterations.has_value()},
                    {"back_prop", back_prop}},
                   name);
  graph.region(loop_region).owner = n;
  return n;
}

std::vector<Output> cond(Output pred, const BranchFn& then_fn, const BranchFn& else_fn,
                         const std::string& name) {
  Graph& graph = pred.graph();
  NameScope scope(graph, name);
  if (graph.executes_eagerly())
    return eager_predicate(graph, pred, "The predicate of tf.cond") ? then_fn() : else_fn();
  int regions[2];
  const BranchFn* fns[2] = {&then_fn, &else_fn};
  for (int b = 0; b < 2; ++b) {
    regions[b] = graph.add_region(RegionKind::kBranch);
    std::vector<Output> results;
    {
      RegionScope in(graph, regions[b]);
      results = (*fns[b])();
    }
    for (Output& o : results) o = region_result(graph, regions[b], o);
    graph.region(regions[b]).results = results;
  }
  Node* n = if_node(pred, regions[0], regions[1]);
  std::vector<Output> outputs;
  for (int k = 0; k < n->num_outputs(); ++k) outputs.push_back(n->output(k));
  return outputs;
}

std::vector<Output> while_loop(const LoopConditionFn& cond_fn, const LoopBodyFn& body,
                               const std::vector<Output>& loop_vars, const WhileOptions& options) {
  VF_CHECK(!loop_vars.empty(), ErrorCode::kValue, "No loop variables provided");
  VF_CHECK(options.shape_invariants.empty() || options.shape_invariants.size() == loop_vars.size(),
           ErrorCode::kValue, "shape_invariants has ", options.shape_invariants.size(),
           " entries for ", loop_vars.size(), " loop variables");
  Graph& graph = loop_vars[0].graph();
  NameScope scope(graph, options.name);
  if (graph.executes_eagerly()) return eager_while_loop(graph, cond_fn, body, loop_vars, options);
  const int loop = graph.add_region(RegionKind::kLoop);
  std::vector<Output> vars;
  for (size_t k = 0; k < loop_vars.size(); ++k) {
    const Shape invariant =
        options.shape_invariants.empty() ? loop_vars[k].shape() : options.shape_invariants[k];
    if (!fits_invariant(loop_vars[k].shape(), invariant))
      raise(ErrorCode::kValue, "The shape invariant specified for ", loop_vars[k].name(),
            " is not compatible with the initial shape of the loop variable. It enters the loop "
            "with shape ",
            loop_vars[k].shape().to_string(), ", but the specified shape invariant is ",
            invariant.to_string(), ".");
    vars.push_back(loop_var(graph, loop, loop_vars[k].dtype(), invariant, "Enter"));
  }
  Output condition;
  std::vector<Output> results;
  {
    RegionScope in(graph, loop);
    condition = cond_fn(vars);
    results = body(vars);
  }
  VF_CHECK(results.size() == vars.size(), ErrorCode::kValue, "The body of tf.while_loop returned ",
           results.size(), " values for ", vars.size(), " loop variables");
  for (Output& o : results) o = region_result(graph, loop, o);
  Region& region = graph.region(loop);
  region.condition = region_result(graph, loop, condition);
  region.results = results;
  Node* n = while_node(loop_vars, loop, options.maximum_iterations, options.back_prop);
  std::vector<Output> outputs;
  for (size_t k = 0; k < loop_vars.size(); ++k) outputs.push_back(n->output(static_cast<int>(k)));
  return outputs;
}

}  // namespace varflow::ops
