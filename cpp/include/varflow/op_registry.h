// The op registry. Each op is declared once, in its family file under cpp/src/ops/, as one
// builder statement: signature, shape rule, kernel and gradient together.
//
//   registry.add("Mul")
//       .inputs({"x", "y"}).outputs({"z"})
//       .shape(shape_rules::broadcast_binary)
//       .kernel(kernels::mul)
//       .grad([](GradContext& c) { return Grads{c.grad() * c.input(1), c.grad() * c.input(0)}; });
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "varflow/graph.h"
#include "varflow/tensor.h"

namespace varflow {

class ThreadPool;

// Per-session state of a stateful node: a variable's value, a random generator's counter.
struct ResourceSlot {
  std::mutex mu;
  Tensor value;  // a variable's value; undefined until initialised
  std::shared_ptr<void> state;
  std::string owner_name;
};

// What an op's shape rule sees while Graph::add_node builds a node, before the node exists: its
// inputs (of the graph, resolved for its region) and attributes (checked, defaults filled in).
// The rule sets each output's dtype and static shape, or raises through value_error/type_error.
// The context refers to `inputs` and `attrs` without copying: they must outlive it.
class InferenceContext {
 public:
  InferenceContext(const OpDef& def, std::string node_name, const std::vector<Output>& inputs,
                   AttrMap& attrs)
      : def_(def), node_name_(std::move(node_name)), inputs_(inputs), attrs_(attrs) {}

  // The op's registry entry, and the unique full name the new node will get.
  const OpDef& op_def() const { return def_; }
  const std::string& node_name() const { return node_name_; }
  // Input i in [0, num_inputs()), not checked; its dtype and static shape.
  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  Output input(int i) const { return inputs_[static_cast<size_t>(i)]; }
  DType input_dtype(int i) const { return input(i).dtype(); }
  const Shape& input_shape(int i) const { return input(i).shape(); }
  // The value of input i when it is a constant known at graph-build time, else nullptr.
  const Tensor* constant_input(int i) const;
  // The node's attributes; a rule may change them (Const sets its dtype), and the node keeps the
  // result.
  const AttrMap& attrs() const { return attrs_; }
  AttrMap& mutable_attrs() { return attrs_; }

  // Resizes the outputs; new ones start as DType::kInvalid with an unknown rank. add_node
  // first sets as many as the op declares.
  void set_num_outputs(int n) {
    dtypes_.resize(static_cast<size_t>(n), DType::kInvalid);
    shapes_.resize(static_cast<size_t>(n), Shape::unknown_rank());
  }
  // Output i's dtype and static shape; an i beyond the outputs adds outputs up to it.
  void set_output(int i, DType dtype, Shape shape);
  // What the rule set, read by add_node afterwards.
  const std::vector<DType>& output_dtypes() const { return dtypes_; }
  const std::vector<Shape>& output_shapes() const { return shapes_; }

  // Errors at graph build time, naming the op: kValue becomes ValueError, kType TypeError.
  template <typename... Parts>
  [[noreturn]] void value_error(const Parts&... parts) const {
    raise(ErrorCode::kValue, parts..., " for '", node_name_, "' (op: '", op_type(), "')");
  }
  template <typename... Parts>
  [[noreturn]] void type_error(const Parts&... parts) const {
    raise(ErrorCode::kType, parts..., " for '", node_name_, "' (op: '", op_type(), "')");
  }
  // The op type name (op_def().name).
  const std::string& op_type() const;

 private:
  const OpDef& def_;
  std::string node_name_;
  const std::vector<Output>& inputs_;
  AttrMap& attrs_;
  std::vector<DType> dtypes_;
  std::vector<Shape> shapes_;
};

// What a kernel sees while a plan runs. Inputs and outputs are slots of the plan's value
// array; outputs keep their buffers between runs, so steady-state runs do not allocate.
class KernelContext {
 public:
  KernelContext(const Node& node, Tensor* values, const int* input_slots, int first_output,
                ResourceSlot* const* resources, ThreadPool& pool,
                const std::vector<const ResourceSlot*>* frozen = nullptr)
      : node_(node),
        values_(values),
        input_slots_(input_slots),
        first_output_(first_output),
        resources_(resources),
        pool_(pool),
        frozen_(frozen) {}

  const Node& node() const { return node_; }
  const AttrMap& attrs() const { return node_.attrs(); }
  int num_inputs() const { return static_cast<int>(node_.inputs().size()); }
  const Tensor& input(int i) const { return values_[input_slots_[i]]; }
  // The variable behind ref input i (Assign, ApplyAdam...).
  ResourceSlot& ref(int i) const { return *resources_[i]; }
  // This node's own per-session state (stateful ops: variables, random generators).
  ResourceSlot& own_state() const { return *resources_[num_inputs()]; }
  ThreadPool& pool() const { return pool_; }
  // Live freezing: true when this run leaves `variable` (a variable or slot) untouched.
  bool is_frozen(const ResourceSlot& variable) const {
    if (!frozen_) return false;
    for (const ResourceSlot* f : *frozen_)
      if (f == &variable) return true;
    return false;
  }

  // Returns output i with the given dtype and dimensions, reusing last run's buffer when
  // nobody else holds it and it has the same size.
  Tensor& allocate_output(int i, DType dtype, const Dims& dims);
  void set_output(int i, Tensor value) { values_[first_output_ + i] = std::move(value); }
  Tensor& output(int i) { return values_[first_output_ + i]; }

  template <typename... Parts>
  [[noreturn]] void fail(ErrorCode code, const Parts&... parts) const {
    raise(code, parts..., "\n\t [[node ", node_.name(), "]]");
  }

 private:
  const Node& node_;
  Tensor* values_;
  const int* input_slots_;
  int first_output_;
  ResourceSlot* const* resources_;
  ThreadPool& pool_;
  const std::vector<const ResourceSlot*>* frozen_;
};

using Grads = std::vector<std::optional<Output>>;

// What an op's gradient function sees: the forward node `op` and the gradients flowing into
// its outputs (nullopt where none does). gradients() calls it inside the name scope
// "<op name>_grad", only when some output has a gradient; the function returns one entry per
// input (nullopt: no gradient), else gradients() raises kInternal.
class GradContext {
 public:
  GradContext(Node& op, std::vector<std::optional<Output>> output_grads)
      : op_(op), output_grads_(std::move(output_grads)) {}

  // The forward node, its graph, its inputs (i not checked) and its outputs.
  Graph& graph() const { return op_.graph(); }
  Node& op() const { return op_; }
  Output input(int i) const { return op_.inputs()[static_cast<size_t>(i)]; }
  int num_inputs() const { return static_cast<int>(op_.inputs().size()); }
  Output output(int i = 0) const { return Output{&op_, i}; }
  // Gradient flowing into output i; ops with several outputs get zeros for unused ones.
  Output grad(int i = 0) const;
  // True when a gradient flows into output i (grad(i) adds no ZerosLike node then).
  bool has_grad(int i) const { return output_grads_[static_cast<size_t>(i)].has_value(); }
  // The forward node's attributes.
  const AttrMap& attrs() const { return op_.attrs(); }

 private:
  Node& op_;
  std::vector<std::optional<Output>> output_grads_;
};

// The declared type of an attribute; each is one alternative of AttrValue.
enum class AttrType { kBool, kInt, kFloat, kString, kType, kShape, kIntList, kFloatList, kTensor };
const char* attr_type_name(AttrType type);  // "bool", "int", "float", "string", "type", ...
template <typename T>
constexpr AttrType attr_type_of();
template <>
constexpr AttrType attr_type_of<bool>() {
  return AttrType::kBool;
}
template <>
constexpr AttrType attr_type_of<int64_t>() {
  return AttrType::kInt;
}
template <>
constexpr AttrType attr_type_of<double>() {
  return AttrType::kFloat;
}
template <>
constexpr AttrType attr_type_of<std::string>() {
  return AttrType::kString;
}
template <>
constexpr AttrType attr_type_of<DType>() {
  return AttrType::kType;
}
template <>
constexpr AttrType attr_type_of<Shape>() {
  return AttrType::kShape;
}
template <>
constexpr AttrType attr_type_of<std::vector<int64_t>>() {
  return AttrType::kIntList;
}
template <>
constexpr AttrType attr_type_of<std::vector<double>>() {
  return AttrType::kFloatList;
}
template <>
constexpr AttrType attr_type_of<Tensor>() {
  return AttrType::kTensor;
}

// One attribute of an op: its name, type and (for optional attributes) default value.
struct AttrDef {
  std::string name;
  AttrType type;
  std::optional<AttrValue> default_value;  // none: the attribute is required
  std::string doc;
};

using ShapeFn = std::function<void(InferenceContext&)>;
using KernelFn = void (*)(KernelContext&);
using GradFn = std::function<Grads(GradContext&)>;

struct OpDef {
  std::string name;
  std::vector<std::string> input_names;
  std::vector<std::string> output_names;
  bool variadic_inputs = false;  // any number of inputs (AddN, ConcatV2, Pack)
  std::vector<int> ref_inputs;   // inputs that must be variables (Assign, ApplyAdam)
  bool stateful = false;         // gets a ResourceSlot of its own (variables, random ops)
  bool is_variable = false;
  bool is_placeholder = false;
  // Ops with ref inputs update those variables unless they only read them (IsVariableInitialized).
  bool reads_refs_only = false;
  // The kernel skips frozen variables itself (multi-tensor updates); otherwise the executor
  // skips the whole op when its first ref input is frozen in this run.
  bool handles_frozen = false;
  // The plan runs the op as soon as its inputs exist instead of in graph order (ops that start
  // asynchronous work, as a gradient's allreduce, whose wait op stays where the graph has it).
  bool runs_early = false;
  ShapeFn shape_fn;
  KernelFn kernel = nullptr;
  GradFn grad;
  bool not_differentiable = false;
  std::string doc;
  // Every attribute the op takes. Graph::add_node rejects any other attribute, checks types
  // and fills in defaults, so kernels and shape rules see complete, well-typed attributes.
  std::vector<AttrDef> attrs;
  const AttrDef* find_attr(const std::string& attr_name) const;
  // For variadic ops: decides from the input index which inputs are refs (MultiApplyAdam's
  // repeating (var, m, v, grad) groups). Overrides ref_inputs; the shape rule must check
  // that those inputs are variables.
  std::function<bool(int)> ref_input_rule;

  bool is_ref_input(int i) const;
};

class OpDefBuilder {
 public:
  explicit OpDefBuilder(OpDef& def) : def_(def) {}
  OpDefBuilder& inputs(std::vector<std::string> names) {
    def_.input_names = std::move(names);
    return *this;
  }
  OpDefBuilder& variadic_inputs() {
    def_.variadic_inputs = true;
    return *this;
  }
  OpDefBuilder& outputs(std::vector<std::string> names) {
    def_.output_names = std::move(names);
    return *this;
  }
  OpDefBuilder& ref_inputs(std::vector<int> indices) {
    def_.ref_inputs = std::move(indices);
    return *this;
  }
  OpDefBuilder& ref_inputs_where(std::function<bool(int)> rule) {
    def_.ref_input_rule = std::move(rule);
    return *this;
  }
  OpDefBuilder& stateful() {
    def_.stateful = true;
    return *this;
  }
  OpDefBuilder& variable() {
    def_.is_variable = true;
    def_.stateful = true;
    return *this;
  }
  OpDefBuilder& reads_refs_only() {
    def_.reads_refs_only = true;
    return *this;
  }
  OpDefBuilder& handles_frozen() {
    def_.handles_frozen = true;
    return *this;
  }
  OpDefBuilder& runs_early() {
    def_.runs_early = true;
    return *this;
  }
  OpDefBuilder& placeholder() {
    def_.is_placeholder = true;
    return *this;
  }
  OpDefBuilder& shape(ShapeFn fn) {
    def_.shape_fn = std::move(fn);
    return *this;
  }
  OpDefBuilder& kernel(KernelFn fn) {
    def_.kernel = fn;
    return *this;
  }
  OpDefBuilder& grad(GradFn fn) {
    def_.grad = std::move(fn);
    return *this;
  }
  OpDefBuilder& not_differentiable() {
    def_.not_differentiable = true;
    return *this;
  }
  OpDefBuilder& doc(std::string text) {
    def_.doc = std::move(text);
    return *this;
  }
  // An optional attribute; its type is the default's (`int` and `long` defaults are kInt).
  template <typename T>
  OpDefBuilder& attr(std::string attr_name, T default_value, std::string text = "") {
    using Stored = std::conditional_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int64_t,
                                      std::conditional_t<std::is_floating_point_v<T>, double, T>>;
    def_.attrs.push_back(AttrDef{std::move(attr_name), attr_type_of<Stored>(),
                                 AttrValue(static_cast<Stored>(default_value)), std::move(text)});
    return *this;
  }
  OpDefBuilder& attr(std::string attr_name, const char* default_value, std::string text = "") {
    return attr(std::move(attr_name), std::string(default_value), std::move(text));
  }
  // A required attribute.
  OpDefBuilder& required_attr(std::string attr_name, AttrType type, std::string text = "") {
    def_.attrs.push_back(AttrDef{std::move(attr_name), type, std::nullopt, std::move(text)});
    return *this;
  }

 private:
  OpDef& def_;
};

// Checks `attrs` against `def` for node `node_name`: an undeclared attribute is a ValueError
// naming the op's attributes, a value of the wrong type a TypeError (an int passes for a float),
// a missing required one a ValueError; missing optional ones get their defaults.
void validate_attrs(const OpDef& def, const std::string& node_name, AttrMap& attrs);

class OpRegistry {
 public:
  static OpRegistry& global();
  OpDefBuilder add(const std::string& name);
  const OpDef* find(const std::string& name) const;
  const OpDef& get(const std::string& name) const;  // raises NotFound
  std::vector<const OpDef*> all() const;

 private:
  std::map<std::string, std::unique_ptr<OpDef>> defs_;
};

}  // namespace varflow
