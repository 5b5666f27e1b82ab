// GraphDef -> Graph: TF1's import_graph_def, as python/varflow/framework/importer.py does it
// (the same checks, messages and attribute rules).
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <queue>
#include <set>
#include <unordered_map>

#include "io/graph_def_attr.h"
#include "io/graph_def_export.h"
#include "io/graph_def_regions.h"
#include "io/graph_def_tf_ops.h"
#include "varflow/op_registry.h"

namespace varflow {
namespace io {
namespace {

// Hints to TensorFlow's grappler about where a product came from: no effect on the value.
const std::set<std::string> kHintAttrs = {"grad_a", "grad_b", "grad_x", "grad_y"};

// "x" and "x:0" are one tensor; "^x" stays a control input.
std::string canonical(const std::string& name) {
  if (!name.empty() && name[0] == '^') return name;
  if (name.find(':') != std::string::npos) return name;
  return name + ":0";
}

std::string source_of(const std::string& spec) {
  if (!spec.empty() && spec[0] == '^') return spec.substr(1);
  const size_t colon = spec.rfind(':');
  return colon == std::string::npos || colon == 0 ? spec : spec.substr(0, colon);
}

std::pair<std::string, int> split_tensor(const std::string& name) {
  const size_t colon = name.rfind(':');
  const std::string index = colon == std::string::npos ? "" : name.substr(colon + 1);
  const bool digits =
      !index.empty() && index.size() < 10 &&
      std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits)
    raise(ErrorCode::kValue, "'", name,
          "' is not a valid tensor name (\"<op_name>:<output_index>\")");
  return {name.substr(0, colon), std::stoi(index)};
}

std::string hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
  return buf;
}

// The NodeDefs with every producer before its consumers, otherwise in GraphDef order.
std::vector<const pb::NodeDefProto*> topological_order(const pb::GraphDefProto& g,
                                                       const std::set<std::string>& mapped,
                                                       const RegionImport& regions) {
  std::unordered_map<std::string, size_t> position;
  for (size_t i = 0; i < g.node.size(); ++i)
    if (g.node[i].name.empty())
      raise(ErrorCode::kValue, "Node ", i, " of the GraphDef (op: '", g.node[i].op,
            "') has no name");
    else if (!position.emplace(g.node[i].name, i).second)
      raise(ErrorCode::kValue, "Node '", g.node[i].name, "' is not unique");
  std::vector<int> pending(g.node.size(), 0);
  std::vector<std::vector<size_t>> consumers(g.node.size());
  for (size_t i = 0; i < g.node.size(); ++i) {
    std::set<size_t> producers;
    for (const std::string& spec : g.node[i].input) {
      if (mapped.count(canonical(spec))) continue;
      auto it = position.find(source_of(spec));
      if (it == position.end())
        raise(ErrorCode::kValue, "Node '", g.node[i].name, "': Unknown input node '", spec, "'");
      producers.insert(it->second);
    }
    // An If or While after its regions' nodes.
    for (const std::string& name : regions.extra_producers(g.node[i]))
      producers.insert(position.at(name));
    pending[i] = static_cast<int>(producers.size());
    for (size_t p : producers) consumers[p].push_back(i);
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t i = 0; i < pending.size(); ++i)
    if (pending[i] == 0) ready.push(i);
  std::vector<const pb::NodeDefProto*> order;
  while (!ready.empty()) {
    const size_t i = ready.top();
    ready.pop();
    order.push_back(&g.node[i]);
    for (size_t c : consumers[i])
      if (--pending[c] == 0) ready.push(c);
  }
  if (order.size() != g.node.size())
    raise(ErrorCode::kValue, g.node.size() - order.size(), " nodes in a cycle");
  return order;
}

std::set<std::string> bound_attrs(const pb::OpDefProto& def) {
  std::set<std::string> bound;
  for (const auto* args : {&def.input_arg, &def.output_arg})
    for (const pb::ArgDefProto& a : *args)
      for (const std::string* n : {&a.type_attr, &a.number_attr, &a.type_list_attr})
        if (!n->empty()) bound.insert(*n);
  return bound;
}

// The NodeDef's attributes that varflow's op takes, as Graph::add_node takes them.
AttrMap node_attrs(const pb::NodeDefProto& node, const OpDef& def,
                   const ProducerDefaults& producer_defaults, std::vector<std::string>& warnings) {
  const pb::OpDefProto* tf_def = tf_op_def(node.op);
  const std::set<std::string> bound = tf_def ? bound_attrs(*tf_def) : std::set<std::string>{};
  AttrMap attrs;
  for (const auto& [key, value] : node.attr) {
    if (def.find_attr(key)) {
      attrs.set(key, attr_from_proto(value, node.name, key));
      continue;
    }
    if ((!key.empty() && key[0] == '_') || bound.count(key) || kHintAttrs.count(key)) continue;
    const pb::OpAttrDefProto* tf_attr = nullptr;
    if (tf_def)
      for (const auto& a : tf_def->attr)
        if (a.name == key) tf_attr = &a;
    if (tf_attr) {
      if (tf_attr->default_value && attr_equal(value, *tf_attr->default_value)) continue;
      raise(ErrorCode::kValue, "Node '", node.name, "' (op: '", node.op, "') sets attribute '", key,
            "' to ", attr_debug_string(value), "; varflow's ", node.op,
            " implements only TensorFlow's default (",
            tf_attr->default_value ? attr_debug_string(*tf_attr->default_value) : "none", ")");
    }
    auto produced = producer_defaults.find({node.op, key});
    if (produced != producer_defaults.end() && attr_equal(value, produced->second)) continue;
    warnings.push_back("NodeDef mentions attribute " + key +
                       " which is not in the op definition of " + node.op +
                       ". Unknown attributes will be ignored. NodeDef: {{node " + node.name + "}}");
  }
  return attrs;
}

// The input types a TensorFlow NodeDef states (`T`) must be the inputs' types.
void check_bound_types(const pb::NodeDefProto& node, const std::string& new_name,
                       const std::vector<Output>& inputs) {
  const pb::OpDefProto* tf_def = tf_op_def(node.op);
  if (!tf_def) return;
  const std::vector<int> lengths = arg_lengths(tf_def->input_arg, static_cast<int>(inputs.size()));
  size_t start = 0;
  for (size_t a = 0; a < tf_def->input_arg.size(); ++a) {
    const pb::ArgDefProto& arg = tf_def->input_arg[a];
    const size_t n = static_cast<size_t>(lengths[a]);
    auto it = arg.type_attr.empty() ? node.attr.end() : node.attr.find(arg.type_attr);
    if (it != node.attr.end() && it->second.kind == pb::AttrValueProto::Kind::kType &&
        it->second.type) {
      const DType want = dtype_from_proto(it->second.type, node.name);
      for (size_t i = start; i < std::min(start + n, inputs.size()); ++i)
        if (inputs[i].dtype() != want)
          raise(ErrorCode::kValue, "Input ", i, " of node ", new_name, " was passed ",
                dtype_tf_name(inputs[i].dtype()), " from ", inputs[i].name(),
                " incompatible with expected ", dtype_tf_name(want), ".");
    }
    start += n;
  }
}

// What a mapped tensor looks like to the dry run: a copy of a constant or a variable (shape
// rules read constants; ref inputs need variables), else a placeholder.
Output stand_in(Graph& scratch, const Output& target) {
  const Node& node = *target.node;
  if (node.type() == "Const" || node.type() == "VariableV2")
    return scratch.add_node(node.type(), {}, node.attrs(), "")->output(0);
  AttrMap attrs;
  attrs.set("dtype", target.dtype());
  attrs.set("shape", target.shape());
  return scratch.add_node("Placeholder", {}, attrs, "")->output(0);
}

struct Mapped {
  std::map<std::string, Output> tensors;  // canonical "x:0"
  std::map<std::string, Node*> controls;  // "^x"
};

std::map<std::string, Node*> add_nodes(
    Graph& graph, const std::vector<const pb::NodeDefProto*>& order, const Mapped& mapped,
    const std::string& scope, std::map<std::string, AttrMap>& attrs,
    const std::function<AttrMap(const pb::NodeDefProto&)>& convert, RegionImport& regions) {
  std::map<std::string, Node*> imported;
  regions.reset();
  const std::string old_scope = graph.set_name_scope("");
  const std::string old_device = graph.device();
  try {
    for (const pb::NodeDefProto* node : order) {
      std::vector<Output> inputs;
      std::vector<Node*> controls;
      for (const std::string& spec : node->input) {
        const std::string c = canonical(spec);
        if (auto t = mapped.tensors.find(c); t != mapped.tensors.end()) {
          inputs.push_back(t->second);
        } else if (auto k = mapped.controls.find(c); k != mapped.controls.end()) {
          controls.push_back(k->second);
        } else if (spec[0] == '^') {
          controls.push_back(imported.at(spec.substr(1)));
        } else {
          auto [source, index] = split_tensor(c);
          Node* producer = imported.at(source);
          if (index >= producer->num_outputs())
            raise(ErrorCode::kValue, "Node '", node->name, "': Connecting to invalid output ",
                  index, " of source node ", source, " which has ", producer->num_outputs(),
                  " outputs.");
          inputs.push_back(producer->output(index));
        }
      }
      const std::string new_name = graph.unique_name(scope + node->name);
      check_bound_types(*node, new_name, inputs);
      auto cached = attrs.find(node->name);
      if (cached == attrs.end()) cached = attrs.emplace(node->name, convert(*node)).first;
      // As in TF1: the caller's device fills in nodes without one, and its control
      // dependencies apply to every imported node.
      graph.set_device(node->device.empty() ? old_device : node->device);
      graph.push_control_dependencies(controls, false);
      try {
        AttrMap node_attrs = cached->second;
        const int region = regions.place(graph, *node, node_attrs, scope, imported);
        RegionScope in(graph, region);
        Node* added = graph.add_node(node->op, inputs, node_attrs, new_name + "/");
        regions.owned(graph, *node, added);
        imported[node->name] = added;
      } catch (...) {
        graph.pop_control_dependencies();
        throw;
      }
      graph.pop_control_dependencies();
    }
  } catch (...) {
    graph.set_name_scope(old_scope);
    graph.set_device(old_device);
    throw;
  }
  graph.set_name_scope(old_scope);
  graph.set_device(old_device);
  return imported;
}

CollectionItem return_element(const std::map<std::string, Node*>& imported,
                              const std::string& spec) {
  if (spec.find(':') != std::string::npos) {
    auto [source, index] = split_tensor(spec);
    auto it = imported.find(source);
    if (it == imported.end())
      raise(ErrorCode::kValue, "Requested return tensor '", spec, "' not found in graph def");
    if (index >= it->second->num_outputs())
      raise(ErrorCode::kValue, "Invalid return output ", index, " of node '", source,
            "', which has ", it->second->num_outputs(), " output(s)");
    return it->second->output(index);
  }
  auto it = imported.find(spec);
  if (it == imported.end())
    raise(ErrorCode::kValue, "Requested return node '", spec, "' not found in graph def");
  return it->second;
}

}  // namespace

ImportGraphDefResult import_graph_def_proto(Graph& graph, const pb::GraphDefProto& graph_def,
                                            const std::string& scope,
                                            const ImportGraphDefOptions& options,
                                            const ProducerDefaults& producer_defaults) {
  VF_CHECK(!graph.finalized(), ErrorCode::kRuntime, "Graph is finalized and cannot be modified.");
  Mapped mapped;
  for (const auto& [key, value] : options.input_map) {
    const std::string c = canonical(key);
    VF_CHECK(c[0] != '^', ErrorCode::kValue, "input_map key '", key,
             "' is a control input: map it in control_input_map");
    VF_CHECK(value.node != nullptr, ErrorCode::kValue, "input_map value for '", key, "' is null");
    VF_CHECK(&value.graph() == &graph, ErrorCode::kValue, "input_map value ", value.name(),
             " is not an element of this graph.");
    mapped.tensors[c] = value;
  }
  for (const auto& [key, value] : options.control_input_map) {
    const std::string c = key.empty() || key[0] != '^' ? "^" + key : key;
    VF_CHECK(value != nullptr, ErrorCode::kValue, "control_input_map value for '", key,
             "' is null");
    VF_CHECK(&value->graph() == &graph, ErrorCode::kValue, "control_input_map value ",
             value->name(), " is not an element of this graph.");
    mapped.controls[c] = value;
  }
  std::set<std::string> mapped_keys;
  for (const auto& kv : mapped.tensors) mapped_keys.insert(kv.first);
  for (const auto& kv : mapped.controls) mapped_keys.insert(kv.first);

  RegionImport regions(graph_def);
  const auto order = topological_order(graph_def, mapped_keys, regions);
  for (const pb::NodeDefProto* node : order)
    if (!OpRegistry::global().find(node->op))
      raise(ErrorCode::kNotFound, "Op type not registered '", node->op, "' in binary running on ",
            hostname(),
            ". Make sure the Op and Kernel are registered in the binary running in this "
            "process. (node '",
            node->name, "')");
  std::set<std::string> referenced;
  for (const pb::NodeDefProto* node : order)
    for (const std::string& spec : node->input) referenced.insert(canonical(spec));
  std::string unused;
  for (const std::string& key : mapped_keys)
    if (!referenced.count(key)) unused += (unused.empty() ? "" : ", ") + key;
  if (!unused.empty())
    raise(ErrorCode::kValue, "Attempted to map inputs that were not found in graph_def: [", unused,
          "]");

  ImportGraphDefResult result;
  auto convert = [&](const pb::NodeDefProto& node) {
    return node_attrs(node, OpRegistry::global().get(node.op), producer_defaults, result.warnings);
  };
  // A dry run into a scratch graph meets every error first (shape rules speak only as a node
  // is added), so a failed import adds nothing, as in TF1.
  std::map<std::string, AttrMap> attrs;
  {
    auto scratch = std::make_shared<Graph>();
    Mapped stand_ins;
    for (const auto& [key, value] : mapped.tensors)
      stand_ins.tensors[key] = stand_in(*scratch, value);
    for (const auto& [key, value] : mapped.controls)
      stand_ins.controls[key] = scratch->add_node("NoOp", {}, {}, "");
    add_nodes(*scratch, order, stand_ins, scope, attrs, convert, regions);
  }
  result.nodes = add_nodes(graph, order, mapped, scope, attrs, convert, regions);
  for (const std::string& spec : options.return_elements)
    result.return_elements.push_back(return_element(result.nodes, spec));
  return result;
}

}  // namespace io

ImportGraphDefResult import_graph_def(Graph& graph, std::string_view serialized,
                                      const ImportGraphDefOptions& options) {
  const io::pb::GraphDefProto proto = io::pb::parse_graph_def(serialized);
  std::string scope;
  if (!options.name.empty())
    scope = options.name.back() == '/' ? options.name : graph.unique_name(options.name) + "/";
  return io::import_graph_def_proto(graph, proto, scope, options, {});
}

}  // namespace varflow
