// Graphs in and out of C++ as TensorFlow's protobufs: GraphDef (`tf.import_graph_def`,
// `Graph.as_graph_def`) and MetaGraphDef (`tf.train.export_meta_graph`/`import_meta_graph`,
// the `.meta` file `tf.train.Saver.save` writes), byte-compatible with the Python layer's
// (python/varflow/framework/graph_def.py, importer.py, meta_graph.py) and with TensorFlow's.
//
// A C++ host loads a model built and saved in Python like this:
//
//   auto graph = std::make_shared<varflow::Graph>();
//   varflow::ImportedMetaGraph meta = varflow::read_meta_graph(*graph, "model.meta");
//   varflow::Session session(graph);
//   varflow::restore_checkpoint(session, meta.saver_variables, "model-0");   // checkpoint.h
//   varflow::Node* train = std::get<varflow::Node*>(graph->get_collection("train_op")[0]);
//   varflow::Output loss = graph->tensor_by_name("loss:0");
//   ... session.run(feeds, {loss}, {train}) ...
//   varflow::save_checkpoint(session, meta.saver_variables, "model-100");
//
// What is written: node names, op types, data inputs ("name" for output 0, "name:i"
// otherwise), control inputs ("^name"), devices and attributes in TensorFlow's AttrValue
// encoding (bool, int, float, string, type, shape, tensor, int and float lists; constants of
// every dtype, strings in string_val). For op types TensorFlow has, the attributes TensorFlow's
// OpDef binds to arguments (`T`, `N`) and TensorFlow's defaults of attributes varflow lacks
// are added from TensorFlow's OpDefs, which the library carries (recorded from TensorFlow in
// python/varflow/framework/tf_op_defs.pb), so TensorFlow imports the result as its own.
// Importing drops those again, and TensorFlow's `_`-attributes and grappler hints; an
// attribute varflow cannot honour is an error.
//
// Errors (varflow::Error): kDataLoss for bytes that are not the message (truncated, corrupt:
// never a crash, whatever the bytes); kValue for a malformed graph (a duplicate or unknown
// node, a cycle, an output index out of range, an input_map key the graph does not use, an
// attribute value varflow cannot hold, a return element not found, an input of another type
// than the NodeDef states), as TF1's ValueError; kType for a dtype varflow does not have;
// kNotFound for an op type varflow does not register, and for a missing file; what add_node
// raises for a node its shape rule rejects. A failed import adds no node to the graph.
// Thread-safety: exporting reads the graph (safe while nobody modifies it); importing modifies
// it and must not run concurrently with other changes to that graph, as any graph building.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "varflow/checkpoint.h"
#include "varflow/graph.h"

namespace varflow {

// --- GraphDef --------------------------------------------------------------------------------

struct GraphDefOptions {
  // Adds `_output_shapes` to each node (what MetaGraphDefs carry).
  bool add_shapes = false;
  // Leaves the nodes' devices out.
  bool clear_devices = false;
  // Only nodes with id >= from_version (TF1's `as_graph_def(from_version=...)`).
  int from_version = 0;
};

// The graph as a serialized GraphDef (versions.producer is the TensorFlow GraphDef version
// the OpDefs were recorded from). Throws kType only for an attribute value with no AttrValue
// encoding (none of the registered ops has one).
std::string graph_to_graph_def(const Graph& graph, const GraphDefOptions& options = {});

// The internal attributes that carry `node`'s control-flow structure in a GraphDef (`_region`
// on a node inside a tf.cond branch or tf.while_loop; the regions' results, loop variables and
// condition on an If or While), each as a serialized AttrValue; empty for other nodes. Writers
// of NodeDefs other than graph_to_graph_def (the Python layer's) add these.
std::map<std::string, std::string> control_flow_node_attrs(const Node& node);

struct ImportGraphDefOptions {
  // The name scope the nodes land under: "import" (made unique: "import_1"... and nested in
  // the graph's current name scope, as TF1), a name ending in "/" taken exactly, or "" for
  // none (the node names of the GraphDef, which must not be taken).
  std::string name = "import";
  // Replaces the GraphDef's tensor "x:0" (or "x", output 0) by an existing tensor, and its
  // control input "^x" by an existing operation: nodes reading them read these instead.
  std::map<std::string, Output> input_map;
  std::map<std::string, Node*> control_input_map;
  // "x:1" for a tensor, "x" for an operation, in the names of the GraphDef.
  std::vector<std::string> return_elements;
};

struct ImportGraphDefResult {
  // One per requested return element: an Output for a tensor name, a Node* for an op name.
  std::vector<CollectionItem> return_elements;
  // Every imported node by its name in the GraphDef.
  std::map<std::string, Node*> nodes;
  // Attributes ignored because varflow's op has no such attribute and TensorFlow's OpDef does
  // not know it either (TF1 logs these and ignores them too).
  std::vector<std::string> warnings;
};

// TF1's `tf.import_graph_def`: adds the GraphDef's nodes (in any order) to `graph`. The
// graph's current device and control dependencies apply to the imported nodes, as in TF1.
ImportGraphDefResult import_graph_def(Graph& graph, std::string_view serialized_graph_def,
                                      const ImportGraphDefOptions& options = {});

// --- MetaGraphDef ----------------------------------------------------------------------------

// TF1's SaverDef: the Saver's settings and, for TensorFlow's Saver, its graph nodes (varflow's
// Saver has none: the core reads and writes checkpoints, so the names stay empty).
struct SaverDef {
  enum Version : int32_t { kLegacy = 0, kV1 = 1, kV2 = 2 };
  std::string filename_tensor_name;
  std::string save_tensor_name;
  std::string restore_op_name;
  int32_t max_to_keep = 5;
  bool sharded = false;
  float keep_checkpoint_every_n_hours = 10000.0f;
  int32_t version = kV2;
};

struct MetaGraphExportOptions {
  std::optional<SaverDef> saver_def;
  // The collections to write (all of the graph's when unset). Items are encoded as TF1 does:
  // the variables of GLOBAL_VARIABLES, TRAINABLE_VARIABLES, LOCAL_VARIABLES,
  // MODEL_VARIABLES, MOVING_AVERAGE_VARIABLES, METRIC_VARIABLES and GLOBAL_STEP as
  // VariableDefs, other nodes and tensors as a node_list of names.
  std::optional<std::vector<std::string>> collection_list;
  // Collections of plain values, which a Graph cannot hold (TF1's bytes/int64/float lists).
  std::map<std::string, std::vector<std::string>> bytes_collections;
  std::map<std::string, std::vector<int64_t>> int64_collections;
  std::map<std::string, std::vector<float>> float_collections;
  // Only nodes (and collection items) under this name scope, with the scope stripped.
  std::string export_scope;
  bool clear_devices = false;
  // Leaves out attributes at TensorFlow's default (meta_info_def.stripped_default_attrs).
  bool strip_default_attrs = false;
};

// The graph with `_output_shapes`, TensorFlow's OpDefs of the op types it uses
// (meta_info_def.stripped_op_list), its collections and the SaverDef, serialized. Throws as
// graph_to_graph_def.
std::string export_meta_graph(const Graph& graph, const MetaGraphExportOptions& options = {});
// export_meta_graph written to `path` atomically (temporary file, fsync, rename); errors of
// the file system as checkpoint.h's (kNotFound for a missing directory, ...).
void write_meta_graph(const std::string& path, const Graph& graph,
                      const MetaGraphExportOptions& options = {});

struct MetaGraphImportOptions {
  // The nodes land exactly under this scope ("" for the names of the file).
  std::string import_scope;
  bool clear_devices = false;
  std::map<std::string, Output> input_map;
};

struct ImportedMetaGraph {
  std::optional<SaverDef> saver_def;
  // The variables a Saver of the imported graph saves and restores, each with its checkpoint
  // key: the keys TensorFlow's saver nodes write, else the variables' op names (TF1's default
  // Saver over GLOBAL_VARIABLES). Pass it to save_checkpoint/restore_checkpoint.
  NamedVariables saver_variables;
  // Collections of plain values (node lists and variables go to the graph's collections).
  std::map<std::string, std::vector<std::string>> bytes_collections;
  std::map<std::string, std::vector<int64_t>> int64_collections;
  std::map<std::string, std::vector<float>> float_collections;
  // Every imported node by its name in the GraphDef.
  std::map<std::string, Node*> nodes;
  // Attributes ignored (as ImportGraphDefResult's) and collections skipped because they name
  // nodes the graph does not have (a TensorFlow saver's, left out) or hold no known kind.
  std::vector<std::string> warnings;
};

// TF1's `tf.train.import_meta_graph`: imports the graph, registers the variables its
// VariableDefs describe (so global_variables(graph) and variables_initializer work) and adds
// every node_list and VariableDef collection to the graph's collections. TensorFlow's saver
// subgraph (SaveV2, RestoreV2: ops varflow does not have) is left out; the checkpoint keys it
// used are kept in saver_variables. Errors as import_graph_def; kDataLoss also for a corrupt
// VariableDef.
ImportedMetaGraph import_meta_graph(Graph& graph, std::string_view serialized_meta_graph,
                                    const MetaGraphImportOptions& options = {});
// import_meta_graph of the binary MetaGraphDef file at `path` (kNotFound if it does not exist;
// kDataLoss also for a text-format file, which only the Python layer reads).
ImportedMetaGraph read_meta_graph(Graph& graph, const std::string& path,
                                  const MetaGraphImportOptions& options = {});

}  // namespace varflow
