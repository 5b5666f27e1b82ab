// The GraphDef and import machinery shared by graph_def.cc, graph_def_import.cc and
// meta_graph.cc.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "io/graph_def_proto.h"
#include "varflow/graph_def.h"

namespace varflow::io {

// TensorFlow's input spelling: output 0 goes by the node's name alone.
std::string tensor_name(const Output& output);
pb::NodeDefProto node_def(const Node& node, bool add_shapes, bool clear_devices);
pb::GraphDefProto graph_def_proto(const Graph& graph, const GraphDefOptions& options);

// {(op type, attribute): default} of a producer's OpList (a MetaGraphDef's stripped_op_list):
// attributes a newer TensorFlow added, which TF1 strips when they are at that default.
using ProducerDefaults = std::map<std::pair<std::string, std::string>, pb::AttrValueProto>;

// import_graph_def over a parsed GraphDef; `scope` is the exact name scope ("" or "a/").
ImportGraphDefResult import_graph_def_proto(Graph& graph, const pb::GraphDefProto& graph_def,
                                            const std::string& scope,
                                            const ImportGraphDefOptions& options,
                                            const ProducerDefaults& producer_defaults);

}  // namespace varflow::io
