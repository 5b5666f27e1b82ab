// MetaGraphDef in and out, as python/varflow/framework/meta_graph.py (TF1's
// export_meta_graph / import_meta_graph): the graph with `_output_shapes`, the OpDefs it uses,
// collections (VariableDefs, node lists, plain values) and the SaverDef.
#include <algorithm>
#include <set>

#include "io/file_io.h"
#include "io/graph_def_attr.h"
#include "io/graph_def_export.h"
#include "io/graph_def_regions.h"
#include "io/graph_def_tf_ops.h"
#include "varflow/graph_def.h"
#include "varflow/op_registry.h"

namespace varflow {
namespace {

namespace pb = io::pb;

// The collections TF1 stores as VariableDefs (ops.register_proto_function in variables.py).
const std::set<std::string> kVariableCollections = {
    "variables",       "trainable_variables", "moving_average_variables", "local_variables",
    "model_variables", "global_step",         "metric_variables"};

bool in_scope(const std::string& name, const std::string& scope) {
  if (scope.empty()) return true;
  std::string prefix = scope;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  prefix += "/";
  return name.compare(0, prefix.size(), prefix) == 0;
}

// TF1's ops.strip_name_scope, for a node, tensor or "^control" name.
std::string strip_scope(const std::string& name, const std::string& scope) {
  if (scope.empty()) return name;
  std::string prefix = scope;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  prefix += "/";
  const bool caret = !name.empty() && name[0] == '^';
  std::string bare = caret ? name.substr(1) : name;
  if (bare.compare(0, prefix.size(), prefix) == 0) bare = bare.substr(prefix.size());
  return (caret ? "^" : "") + bare;
}

std::string prepend_scope(const std::string& name, const std::string& scope) {
  if (scope.empty()) return name;
  std::string prefix = scope;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (!name.empty() && name[0] == '^') return "^" + prefix + "/" + name.substr(1);
  return prefix + "/" + name;
}

std::string item_name(const CollectionItem& item) {
  if (const auto* node = std::get_if<Node*>(&item)) {
    // A variable stands for its value, as a TF1 Variable's name does ("w:0").
    const Node* n = *node;
    return n->op_def().is_variable ? n->name() + ":0" : n->name();
  }
  return std::get<Output>(item).name();
}

const VariableInfo* variable_of(const Graph& graph, const CollectionItem& item) {
  const Node* n = nullptr;
  if (const auto* node = std::get_if<Node*>(&item))
    n = *node;
  else
    n = std::get<Output>(item).node;
  return n ? graph.variable_info(n) : nullptr;
}

// One collection as TF1's add_collection_def encodes it, or nullopt.
std::optional<pb::CollectionDefProto> collection_def(const Graph& graph, const std::string& key,
                                                     const std::string& scope) {
  std::vector<CollectionItem> items;
  for (const CollectionItem& item : graph.get_collection(key))
    if (in_scope(item_name(item), scope)) items.push_back(item);
  if (items.empty()) return std::nullopt;
  pb::CollectionDefProto c;
  if (kVariableCollections.count(key) && variable_of(graph, items[0])) {
    c.kind = pb::CollectionDefProto::Kind::kBytesList;
    for (const CollectionItem& item : items) {
      const VariableInfo* info = variable_of(graph, item);
      if (!info) return std::nullopt;  // TF1 warns and leaves out a mixed collection
      pb::VariableDefProto v;
      v.variable_name = strip_scope(info->node->name() + ":0", scope);
      if (info->initial_value.node)
        v.initial_value_name = strip_scope(info->initial_value.name(), scope);
      if (info->initializer) v.initializer_name = strip_scope(info->initializer->name(), scope);
      if (info->snapshot.node) v.snapshot_name = strip_scope(info->snapshot.name(), scope);
      v.trainable = info->trainable;
      c.values.push_back(pb::serialize(v));
    }
    return c;
  }
  c.kind = pb::CollectionDefProto::Kind::kNodeList;
  for (const CollectionItem& item : items) c.values.push_back(strip_scope(item_name(item), scope));
  return c;
}

pb::GraphDefProto scoped_graph_def(const Graph& graph, const MetaGraphExportOptions& options) {
  GraphDefOptions g;
  g.add_shapes = true;
  g.clear_devices = options.clear_devices;
  pb::GraphDefProto full = io::graph_def_proto(graph, g);
  if (options.export_scope.empty()) return full;
  pb::GraphDefProto scoped;
  scoped.has_versions = full.has_versions;
  scoped.producer = full.producer;
  scoped.min_consumer = full.min_consumer;
  for (pb::NodeDefProto& node : full.node) {
    if (!in_scope(node.name, options.export_scope)) continue;
    node.name = strip_scope(node.name, options.export_scope);
    for (std::string& in : node.input) in = strip_scope(in, options.export_scope);
    io::rename_region_tensors(
        node, [&](const std::string& name) { return strip_scope(name, options.export_scope); });
    scoped.node.push_back(std::move(node));
  }
  return scoped;
}

// TF1's strip_graph_default_valued_attrs.
void strip_default_attrs(pb::GraphDefProto& g) {
  for (pb::NodeDefProto& node : g.node) {
    const pb::OpDefProto* tf_def = io::tf_op_def(node.op);
    if (!tf_def) continue;
    for (const pb::OpAttrDefProto& attr : tf_def->attr) {
      auto it = node.attr.find(attr.name);
      if (it != node.attr.end() && attr.default_value &&
          io::attr_equal(it->second, *attr.default_value))
        node.attr.erase(it);
    }
  }
}

SaverDef saver_from_proto(const pb::SaverDefProto& p) {
  SaverDef s;
  s.filename_tensor_name = p.filename_tensor_name;
  s.save_tensor_name = p.save_tensor_name;
  s.restore_op_name = p.restore_op_name;
  s.max_to_keep = p.max_to_keep;
  s.sharded = p.sharded;
  s.keep_checkpoint_every_n_hours = p.keep_checkpoint_every_n_hours;
  s.version = p.version;
  return s;
}

std::string saver_scope(const pb::SaverDefProto& s) {
  const size_t slash = s.filename_tensor_name.rfind('/');
  return slash == std::string::npos ? "" : s.filename_tensor_name.substr(0, slash);
}

// The GraphDef without TensorFlow's saver subgraph (the SaverDef's name scope), when that
// scope holds op types varflow does not have (SaveV2, RestoreV2...).
pb::GraphDefProto without_tf_saver(const pb::GraphDefProto& g, const pb::SaverDefProto& saver) {
  const std::string scope = saver_scope(saver);
  if (scope.empty()) return g;
  bool foreign = false;
  for (const pb::NodeDefProto& n : g.node)
    if (in_scope(n.name, scope) && !OpRegistry::global().find(n.op)) foreign = true;
  if (!foreign) return g;
  pb::GraphDefProto kept;
  kept.has_versions = g.has_versions;
  kept.producer = g.producer;
  kept.min_consumer = g.min_consumer;
  for (const pb::NodeDefProto& n : g.node)
    if (!in_scope(n.name, scope)) kept.node.push_back(n);
  return kept;
}

std::string node_of(const std::string& tensor) { return tensor.substr(0, tensor.find(':')); }

// {checkpoint key: variable node name} of TensorFlow's saver subgraph: the keys of its SaveV2
// nodes' tensor_names constants, or empty without such nodes.
std::vector<std::pair<std::string, std::string>> tf_saver_names(const pb::GraphDefProto& g,
                                                                const pb::SaverDefProto& saver) {
  const std::string scope = saver_scope(saver);
  std::map<std::string, const pb::NodeDefProto*> by_name;
  for (const pb::NodeDefProto& n : g.node) by_name[n.name] = &n;
  std::vector<std::pair<std::string, std::string>> names;
  for (const pb::NodeDefProto& node : g.node) {
    if (node.op != "SaveV2" || !in_scope(node.name, scope) || node.input.size() < 3) continue;
    auto keys = by_name.find(node_of(node.input[1]));
    if (keys == by_name.end() || keys->second->op != "Const") return {};
    auto value = keys->second->attr.find("value");
    if (value == keys->second->attr.end()) return {};
    std::vector<std::string> tensors;
    for (size_t i = 3; i < node.input.size(); ++i)
      if (node.input[i].empty() || node.input[i][0] != '^') tensors.push_back(node.input[i]);
    const auto& keys_val = value->second.tensor.string_val;
    if (keys_val.size() != tensors.size()) return {};
    for (size_t i = 0; i < tensors.size(); ++i)
      names.emplace_back(keys_val[i], node_of(tensors[i]));
  }
  return names;
}

// TF1's Variable(variable_def=..., import_scope=...) over the imported nodes.
Node* variable_from_def(Graph& graph, const pb::VariableDefProto& def, const std::string& scope) {
  auto tensor = [&](const std::string& name) {
    return graph.tensor_by_name(prepend_scope(name, scope));
  };
  Node* node = tensor(def.variable_name).node;
  VF_CHECK(node->op_def().is_variable, ErrorCode::kValue, "VariableDef names ", def.variable_name,
           ", which is a ", node->type(), " node, not a variable");
  if (graph.variable_info(node)) return node;
  VariableInfo info;
  info.node = node;
  info.initializer = graph.operation_by_name(prepend_scope(def.initializer_name, scope));
  if (!def.initial_value_name.empty()) {
    info.initial_value = tensor(def.initial_value_name);
  } else if (info.initializer->inputs().size() > 1) {
    info.initial_value = info.initializer->inputs()[1];  // written before TF1 recorded it
  }
  info.snapshot = tensor(def.snapshot_name);
  info.trainable = def.trainable;
  graph.register_variable(info);
  return node;
}

void import_collections(Graph& graph, const pb::MetaGraphDefProto& meta, const std::string& scope,
                        ImportedMetaGraph& out) {
  using Kind = pb::CollectionDefProto::Kind;
  for (const auto& [key, c] : meta.collection_def) {  // sorted by key, as TF1
    std::vector<CollectionItem> items;
    try {
      if (c.kind == Kind::kNodeList) {
        for (const std::string& v : c.values) {
          const std::string name = prepend_scope(v, scope);
          if (name.find(':') != std::string::npos)
            items.push_back(graph.tensor_by_name(name));
          else
            items.push_back(graph.operation_by_name(name));
        }
      } else if (c.kind == Kind::kBytesList && kVariableCollections.count(key)) {
        for (const std::string& v : c.values)
          items.push_back(variable_from_def(graph, pb::parse_variable_def(v), scope));
      } else if (c.kind == Kind::kBytesList) {
        out.bytes_collections[key] = c.values;
        continue;
      } else if (c.kind == Kind::kInt64List) {
        out.int64_collections[key] = c.int64s;
        continue;
      } else if (c.kind == Kind::kFloatList) {
        out.float_collections[key] = c.floats;
        continue;
      } else {
        out.warnings.push_back("Cannot identify data type for collection " + key + ". Skipping.");
        continue;
      }
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kNotFound && e.code() != ErrorCode::kValue) throw;
      // TF1 skips a collection naming nodes it does not have (a dropped saver's).
      out.warnings.push_back("Collection " + key +
                             " names a node the graph does not have: " + e.what());
      continue;
    }
    for (const CollectionItem& item : items) graph.add_to_collection(key, item);
  }
}

}  // namespace

std::string export_meta_graph(const Graph& graph, const MetaGraphExportOptions& options) {
  pb::MetaGraphDefProto meta;
  meta.has_meta_info_def = true;
  meta.graph_def = scoped_graph_def(graph, options);
  if (options.strip_default_attrs) {
    strip_default_attrs(meta.graph_def);
    meta.stripped_default_attrs = true;
  }
  std::set<std::string> op_types;
  for (const pb::NodeDefProto& n : meta.graph_def.node) op_types.insert(n.op);
  meta.has_stripped_op_list = true;
  for (const std::string& type : op_types)
    if (const pb::OpDefProto* def = io::tf_op_def(type)) meta.stripped_op_list.push_back(*def);
  if (options.saver_def) {
    const SaverDef& s = *options.saver_def;
    pb::SaverDefProto p;
    p.filename_tensor_name = s.filename_tensor_name;
    p.save_tensor_name = s.save_tensor_name;
    p.restore_op_name = s.restore_op_name;
    p.max_to_keep = s.max_to_keep;
    p.sharded = s.sharded;
    p.keep_checkpoint_every_n_hours = s.keep_checkpoint_every_n_hours;
    p.version = s.version;
    meta.saver_def = p;
  }
  const std::vector<std::string> keys =
      options.collection_list ? *options.collection_list : graph.collection_keys();
  for (const std::string& key : keys)
    if (auto c = collection_def(graph, key, options.export_scope)) meta.collection_def[key] = *c;
  using Kind = pb::CollectionDefProto::Kind;
  for (const auto& [key, values] : options.bytes_collections) {
    auto& c = meta.collection_def[key];
    c.kind = Kind::kBytesList;
    c.values = values;
  }
  for (const auto& [key, values] : options.int64_collections) {
    auto& c = meta.collection_def[key];
    c.kind = Kind::kInt64List;
    c.int64s = values;
  }
  for (const auto& [key, values] : options.float_collections) {
    auto& c = meta.collection_def[key];
    c.kind = Kind::kFloatList;
    c.floats = values;
  }
  return pb::serialize(meta);
}

void write_meta_graph(const std::string& path, const Graph& graph,
                      const MetaGraphExportOptions& options) {
  write_file_atomically(path, export_meta_graph(graph, options));
}

ImportedMetaGraph import_meta_graph(Graph& graph, std::string_view serialized,
                                    const MetaGraphImportOptions& options) {
  const pb::MetaGraphDefProto meta = pb::parse_meta_graph_def(serialized);
  pb::GraphDefProto graph_def =
      meta.saver_def ? without_tf_saver(meta.graph_def, *meta.saver_def) : meta.graph_def;
  if (options.clear_devices)
    for (pb::NodeDefProto& n : graph_def.node) n.device.clear();
  io::ProducerDefaults defaults;
  for (const pb::OpDefProto& op : meta.stripped_op_list)
    for (const pb::OpAttrDefProto& a : op.attr)
      if (a.default_value) defaults[{op.name, a.name}] = *a.default_value;
  std::string scope = options.import_scope;
  while (!scope.empty() && scope.back() == '/') scope.pop_back();
  if (!scope.empty()) scope += "/";

  ImportedMetaGraph out;
  ImportGraphDefOptions import_options;
  import_options.input_map = options.input_map;
  ImportGraphDefResult imported =
      io::import_graph_def_proto(graph, graph_def, scope, import_options, defaults);
  out.nodes = std::move(imported.nodes);
  out.warnings = std::move(imported.warnings);
  import_collections(graph, meta, scope, out);

  // The Saver's variables: TensorFlow's saver keys, else the imported global variables by
  // their names in the file (the names a checkpoint of the exporting program holds).
  if (meta.saver_def) {
    out.saver_def = saver_from_proto(*meta.saver_def);
    bool all_found = true;
    NamedVariables named;
    for (const auto& [key, node_name] : tf_saver_names(meta.graph_def, *meta.saver_def)) {
      Node* node = graph.find_node(scope + node_name);
      if (!node || !graph.variable_info(node)) {
        all_found = false;
        break;
      }
      named.emplace_back(key, node);
    }
    if (all_found && !named.empty()) out.saver_variables = std::move(named);
  }
  if (out.saver_variables.empty()) {
    auto globals = meta.collection_def.find("variables");
    if (globals != meta.collection_def.end() &&
        globals->second.kind == pb::CollectionDefProto::Kind::kBytesList) {
      for (const std::string& bytes : globals->second.values) {
        const pb::VariableDefProto def = pb::parse_variable_def(bytes);
        Node* node = graph.find_node(
            prepend_scope(def.variable_name.substr(0, def.variable_name.find(':')), scope));
        if (node && graph.variable_info(node))
          out.saver_variables.emplace_back(strip_scope(node->name(), scope), node);
      }
    }
  }
  return out;
}

ImportedMetaGraph read_meta_graph(Graph& graph, const std::string& path,
                                  const MetaGraphImportOptions& options) {
  VF_CHECK(io::file_exists(path), ErrorCode::kNotFound, "File ", path, " does not exist.");
  io::ReadFile file(path);
  const std::string bytes = file.read_string(0, static_cast<size_t>(file.size()));
  try {
    return import_meta_graph(graph, bytes, options);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kDataLoss) throw;
    raise(ErrorCode::kDataLoss, "Cannot parse file ", path,
          " as a binary MetaGraphDef (text-format .meta files are read by the Python layer "
          "only): ",
          e.what());
  }
}

}  // namespace varflow
