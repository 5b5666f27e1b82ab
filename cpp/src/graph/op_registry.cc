#include "varflow/op_registry.h"

#include <algorithm>
#include <iterator>
#include <mutex>
#include <variant>
#include <vector>

#include "graph/op_library.h"
#include "varflow/errors.h"

namespace varflow {

const std::string& InferenceContext::op_type() const { return def_.name; }

const Tensor* InferenceContext::constant_input(int i) const {
  const Node* node = input(i).node;
  if (node->type() != "Const") return nullptr;
  return &node->attrs().get<Tensor>("value");
}

void InferenceContext::set_output(int i, DType dtype, Shape shape) {
  if (i >= static_cast<int>(dtypes_.size())) set_num_outputs(i + 1);
  dtypes_[static_cast<size_t>(i)] = dtype;
  shapes_[static_cast<size_t>(i)] = std::move(shape);
}

Output GradContext::grad(int i) const {
  const auto& g = output_grads_[static_cast<size_t>(i)];
  if (g) return *g;
  // An output nobody differentiated: its gradient is zero.
  return op_.graph().add_node("ZerosLike", {Output{&op_, i}})->output(0);
}

const char* attr_type_name(AttrType type) {
  switch (type) {
    case AttrType::kBool:
      return "bool";
    case AttrType::kInt:
      return "int";
    case AttrType::kFloat:
      return "float";
    case AttrType::kString:
      return "string";
    case AttrType::kType:
      return "type";
    case AttrType::kShape:
      return "shape";
    case AttrType::kIntList:
      return "list(int)";
    case AttrType::kFloatList:
      return "list(float)";
    case AttrType::kTensor:
      return "tensor";
  }
  return "?";
}

const AttrDef* OpDef::find_attr(const std::string& attr_name) const {
  for (const AttrDef& a : attrs)
    if (a.name == attr_name) return &a;
  return nullptr;
}

namespace {
// The AttrType of the alternative `value` holds.
AttrType held_type(const AttrValue& value) {
  static constexpr AttrType kByIndex[] = {
      AttrType::kBool,    AttrType::kInt,       AttrType::kFloat,
      AttrType::kString,  AttrType::kType,      AttrType::kShape,
      AttrType::kIntList, AttrType::kFloatList, AttrType::kTensor};
  static_assert(std::variant_size_v<AttrValue> == std::size(kByIndex));
  return kByIndex[value.index()];
}
}  // namespace

void validate_attrs(const OpDef& def, const std::string& node_name, AttrMap& attrs) {
  for (const auto& [key, value] : attrs.items()) {
    const AttrDef* declared = def.find_attr(key);
    if (!declared) {
      std::string known;
      for (const AttrDef& a : def.attrs) known += (known.empty() ? "" : ", ") + a.name;
      raise(ErrorCode::kValue, "Op '", def.name, "' has no attribute '", key, "' (node '",
            node_name, "'); its attributes are: ", known.empty() ? "none" : known);
    }
    const AttrType got = held_type(value);
    if (got == declared->type) continue;
    if (declared->type == AttrType::kFloat && got == AttrType::kInt) continue;  // coerced below
    if (declared->type == AttrType::kFloatList && got == AttrType::kIntList) continue;
    raise(ErrorCode::kType, "Attribute '", key, "' of '", node_name, "' (op: '", def.name,
          "') must be ", attr_type_name(declared->type), ", got ", attr_type_name(got));
  }
  for (const AttrDef& a : def.attrs) {
    if (attrs.has(a.name)) {
      const AttrValue& value = attrs.items().at(a.name);
      if (a.type == AttrType::kFloat && held_type(value) == AttrType::kInt)
        attrs.set(a.name, static_cast<double>(std::get<int64_t>(value)));
      if (a.type == AttrType::kFloatList && held_type(value) == AttrType::kIntList) {
        const auto& ints = std::get<std::vector<int64_t>>(value);
        attrs.set(a.name, std::vector<double>(ints.begin(), ints.end()));
      }
    } else if (a.default_value) {
      attrs.set(a.name, *a.default_value);
    } else {
      raise(ErrorCode::kValue, "Op '", def.name, "' requires attribute '", a.name, "' (",
            attr_type_name(a.type), ") for node '", node_name, "'");
    }
  }
}

bool OpDef::is_ref_input(int i) const {
  if (ref_input_rule) return ref_input_rule(i);
  return std::find(ref_inputs.begin(), ref_inputs.end(), i) != ref_inputs.end();
}

namespace {
struct OpLibraries {
  std::mutex mu;
  std::vector<OpLibrary> pending;  // announced before the registry was first used
  OpRegistry* registry = nullptr;
};
// Never destroyed: libraries announce themselves from static initialisers in any order.
OpLibraries& op_libraries() {
  static OpLibraries* libraries = new OpLibraries();
  return *libraries;
}
}  // namespace

void add_op_library(OpLibrary library) {
  OpLibraries& libraries = op_libraries();
  std::lock_guard<std::mutex> lock(libraries.mu);
  if (libraries.registry)
    library(*libraries.registry);
  else
    libraries.pending.push_back(library);
}

OpRegistry& OpRegistry::global() {
  static OpRegistry* registry = [] {
    auto* r = new OpRegistry();
    OpLibraries& libraries = op_libraries();
    std::lock_guard<std::mutex> lock(libraries.mu);
    for (OpLibrary library : libraries.pending) library(*r);
    libraries.pending.clear();
    libraries.registry = r;
    return r;
  }();
  return *registry;
}

OpDefBuilder OpRegistry::add(const std::string& name) {
  auto& slot = defs_[name];
  if (slot) raise(ErrorCode::kAlreadyExists, "Op '", name, "' is registered twice");
  slot = std::make_unique<OpDef>();
  slot->name = name;
  return OpDefBuilder(*slot);
}

const OpDef* OpRegistry::find(const std::string& name) const {
  auto it = defs_.find(name);
  return it == defs_.end() ? nullptr : it->second.get();
}

const OpDef& OpRegistry::get(const std::string& name) const {
  const OpDef* def = find(name);
  if (!def && defs_.empty())
    raise(ErrorCode::kNotFound, "Op type not registered '", name,
          "': no op library is linked (link varflow::core, whose link flags keep it)");
  if (!def) raise(ErrorCode::kNotFound, "Op type not registered '", name, "'");
  return *def;
}

std::vector<const OpDef*> OpRegistry::all() const {
  std::vector<const OpDef*> out;
  for (const auto& [name, def] : defs_) out.push_back(def.get());
  return out;
}

}  // namespace varflow
