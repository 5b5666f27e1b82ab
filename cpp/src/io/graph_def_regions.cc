// Control-flow regions in and out of GraphDefs (see graph_def_regions.h).
#include "io/graph_def_regions.h"

#include <algorithm>

#include "io/graph_def_export.h"
#include "varflow/errors.h"
#include "varflow/graph_def.h"

namespace varflow::io {

namespace {

pb::AttrValueProto int_value(int64_t v) {
  pb::AttrValueProto a;
  a.kind = pb::AttrValueProto::Kind::kI;
  a.i = v;
  return a;
}

pb::AttrValueProto string_value(const std::string& s) {
  pb::AttrValueProto a;
  a.kind = pb::AttrValueProto::Kind::kS;
  a.s = s;
  return a;
}

pb::AttrValueProto names_value(const std::vector<Output>& outputs) {
  pb::AttrValueProto a;
  a.kind = pb::AttrValueProto::Kind::kList;
  for (const Output& o : outputs) a.list.s.push_back(tensor_name(o));
  return a;
}

const pb::AttrValueProto* find(const pb::NodeDefProto& node, const std::string& key) {
  auto it = node.attr.find(key);
  return it == node.attr.end() ? nullptr : &it->second;
}

int64_t int_attr(const pb::NodeDefProto& node, const std::string& key, int64_t fallback) {
  const pb::AttrValueProto* a = find(node, key);
  if (!a) return fallback;
  VF_CHECK(a->kind == pb::AttrValueProto::Kind::kI, ErrorCode::kValue, "Node '", node.name,
           "' (op: '", node.op, "'): attribute '", key, "' must be an int");
  return a->i;
}

std::vector<std::string> names_attr(const pb::NodeDefProto& node, const std::string& key) {
  const pb::AttrValueProto* a = find(node, key);
  VF_CHECK(a != nullptr, ErrorCode::kValue, "Node '", node.name, "' (op: '", node.op,
           "') lacks attribute '", key,
           "' (varflow writes it with the node's control-flow region; a GraphDef of TensorFlow's "
           "functional If/While, whose branches are FunctionDefs, is not supported)");
  if (a->kind == pb::AttrValueProto::Kind::kS) return {a->s};
  return a->list.s;
}

// The regions an If or While owns, by the attribute naming each.
std::vector<std::pair<std::string, RegionKind>> owned_regions(const std::string& op) {
  if (op == "If")
    return {{"then_region", RegionKind::kBranch}, {"else_region", RegionKind::kBranch}};
  if (op == "While") return {{"loop_region", RegionKind::kLoop}};
  return {};
}

Output imported_tensor(const pb::NodeDefProto& owner, const std::string& name,
                       const std::map<std::string, Node*>& imported) {
  std::string node_name = name;
  int index = 0;
  const size_t colon = name.rfind(':');
  if (colon != std::string::npos) {
    node_name = name.substr(0, colon);
    index = std::stoi(name.substr(colon + 1));
  }
  auto it = imported.find(node_name);
  VF_CHECK(it != imported.end() && index >= 0 && index < it->second->num_outputs(),
           ErrorCode::kValue, "Node '", owner.name, "' (op: '", owner.op,
           "') names the region tensor '", name, "', which the GraphDef lacks");
  return it->second->output(index);
}

}  // namespace

void add_region_attrs(const Node& node, pb::NodeDefProto& proto) {
  const Graph& graph = node.graph();
  if (node.region() != -1) proto.attr["_region"] = int_value(node.region());
  const auto owned = owned_regions(node.type());
  if (owned.empty()) return;
  pb::AttrValueProto gradient;
  gradient.kind = pb::AttrValueProto::Kind::kList;
  for (const auto& [attr, kind] : owned) {
    const int id = static_cast<int>(node.attrs().get<int64_t>(attr));
    const Region& r = graph.region(id);
    if (r.resolve_foreign) gradient.list.i.push_back(id);
    if (kind == RegionKind::kBranch) {
      proto.attr[attr == "then_region" ? "_then_results" : "_else_results"] =
          names_value(r.results);
    } else {
      std::vector<Output> vars;
      for (Node* v : r.loop_vars) vars.push_back(Output{v, 0});
      proto.attr["_loop_vars"] = names_value(vars);
      proto.attr["_loop_condition"] = string_value(tensor_name(r.condition));
      proto.attr["_loop_results"] = names_value(r.results);
    }
  }
  proto.attr["_gradient_regions"] = std::move(gradient);
}

void rename_region_tensors(pb::NodeDefProto& proto,
                           const std::function<std::string(const std::string&)>& rename) {
  for (const char* key : {"_then_results", "_else_results", "_loop_vars", "_loop_results"}) {
    auto it = proto.attr.find(key);
    if (it != proto.attr.end())
      for (std::string& name : it->second.list.s) name = rename(name);
  }
  auto condition = proto.attr.find("_loop_condition");
  if (condition != proto.attr.end()) condition->second.s = rename(condition->second.s);
  auto saved = proto.attr.find("tensor_name");
  if (proto.op == "LoopSavedValue" && saved != proto.attr.end())
    saved->second.s = rename(saved->second.s);
}

RegionImport::RegionImport(const pb::GraphDefProto& graph_def) {
  std::map<int64_t, std::string> owner_of;
  for (const pb::NodeDefProto& node : graph_def.node) {
    const auto owned = owned_regions(node.op);
    if (owned.empty()) continue;
    std::vector<int64_t> gradient;
    if (const pb::AttrValueProto* g = find(node, "_gradient_regions")) gradient = g->list.i;
    for (const auto& [attr, kind] : owned) {
      const int64_t id = int_attr(node, attr, -1);
      VF_CHECK(id >= 0, ErrorCode::kValue, "Node '", node.name, "' (op: '", node.op,
               "') lacks its region attribute '", attr, "'");
      VF_CHECK(!owner_of.count(id), ErrorCode::kValue, "Nodes '", owner_of[id], "' and '",
               node.name, "' both own control-flow region ", id);
      owner_of[id] = node.name;
      Info info;
      info.kind = kind;
      info.parent = int_attr(node, "_region", -1);
      info.gradient = std::find(gradient.begin(), gradient.end(), id) != gradient.end();
      regions_[id] = info;
    }
  }
  for (const pb::NodeDefProto& node : graph_def.node) {
    const int64_t r = int_attr(node, "_region", -1);
    if (r == -1) continue;
    auto owner = owner_of.find(r);
    VF_CHECK(owner != owner_of.end(), ErrorCode::kValue, "Node '", node.name,
             "' is in control-flow region ", r, ", which no If or While of the GraphDef owns");
    extra_[owner->second].push_back(node.name);
  }
}

std::vector<std::string> RegionImport::extra_producers(const pb::NodeDefProto& node) const {
  auto it = extra_.find(node.name);
  return it == extra_.end() ? std::vector<std::string>{} : it->second;
}

int RegionImport::region_of(Graph& graph, int64_t old_id) {
  if (old_id == -1) return -1;
  auto known = ids_.find(old_id);
  if (known != ids_.end()) return known->second;
  const Info& info = regions_.at(old_id);
  const int parent = region_of(graph, info.parent);
  int id;
  {
    RegionScope in(graph, parent);
    id = graph.add_region(info.kind);
  }
  // An imported gradient region reads its forward region's values where they are (the
  // gradient that built it checked that it may).
  if (info.gradient) graph.region(id).resolve_foreign = [](const Output& t) { return t; };
  ids_[old_id] = id;
  return id;
}

int RegionImport::place(Graph& graph, const pb::NodeDefProto& node, AttrMap& attrs,
                        const std::string& scope, const std::map<std::string, Node*>& imported) {
  const int64_t old = int_attr(node, "_region", -1);
  VF_CHECK(old == -1 || regions_.count(old), ErrorCode::kValue, "Node '", node.name,
           "' is in control-flow region ", old, ", which no If or While of the GraphDef owns");
  const int region = region_of(graph, old);
  if (node.op == "LoopSavedValue" && attrs.has("tensor_name"))
    attrs.set("tensor_name", scope + attrs.get<std::string>("tensor_name"));
  for (const auto& [attr, kind] : owned_regions(node.op)) {
    const int64_t old_id = int_attr(node, attr, -1);
    const int id = region_of(graph, old_id);
    attrs.set(attr, int64_t{id});
    Region& r = graph.region(id);
    auto tensors = [&](const std::string& key) {
      std::vector<Output> out;
      for (const std::string& name : names_attr(node, key))
        out.push_back(imported_tensor(node, name, imported));
      return out;
    };
    if (kind == RegionKind::kBranch) {
      r.results = tensors(attr == "then_region" ? "_then_results" : "_else_results");
    } else {
      r.loop_vars.clear();
      for (const Output& v : tensors("_loop_vars")) {
        VF_CHECK(v.node->type() == "LoopVar" && v.node->region() == id, ErrorCode::kValue, "Node '",
                 node.name, "': loop variable '", v.name(), "' is not a LoopVar of its loop");
        r.loop_vars.push_back(v.node);
      }
      const std::vector<Output> condition = tensors("_loop_condition");
      VF_CHECK(condition.size() == 1, ErrorCode::kValue, "Node '", node.name,
               "' needs one loop condition");
      r.condition = condition[0];
      r.results = tensors("_loop_results");
    }
  }
  return region;
}

void RegionImport::owned(Graph& graph, const pb::NodeDefProto& node, Node* owner) {
  for (const auto& [attr, kind] : owned_regions(node.op))
    graph.region(ids_.at(int_attr(node, attr, -1))).owner = owner;
}

}  // namespace varflow::io

namespace varflow {

std::map<std::string, std::string> control_flow_node_attrs(const Node& node) {
  io::pb::NodeDefProto proto;
  io::add_region_attrs(node, proto);
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : proto.attr) out[key] = io::pb::serialize(value);
  return out;
}

}  // namespace varflow
