// Control-flow regions (tf.cond branches, tf.while_loop bodies: see varflow/graph.h) in
// GraphDefs. varflow's If and While read their regions' nodes, which live in the graph like any
// other, so a GraphDef holds them as ordinary NodeDefs with the structure in internal
// ("_"-prefixed) attributes, which TensorFlow ignores:
//   `_region` (int)               on every node built inside a region: the writer's region id;
//   `_then_results`, `_else_results` (list(string))   on an If: its branches' result tensors;
//   `_loop_vars` (list(string)), `_loop_condition` (string), `_loop_results` (list(string))
//                                 on a While: its LoopVar nodes, condition and next values;
//   `_gradient_regions` (list(int)) on either: those of its regions that are gradient regions,
//                                 reading the forward region's values where they are.
// The If's then_region/else_region and the While's loop_region are the writer's region ids; the
// importer makes new regions and renumbers them.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "io/graph_def_proto.h"
#include "varflow/attr.h"
#include "varflow/graph.h"

namespace varflow::io {

// Adds `node`'s region attributes (none for a top-level node outside control flow).
void add_region_attrs(const Node& node, pb::NodeDefProto& proto);
// Renames the tensors that region attributes (and a LoopSavedValue's tensor_name) name, as an
// export under a scope renames the nodes and inputs.
void rename_region_tensors(pb::NodeDefProto& proto,
                           const std::function<std::string(const std::string&)>& rename);

// Rebuilds the regions of one GraphDef while its nodes are imported (once per target graph:
// the dry run's scratch graph, then the real one).
class RegionImport {
 public:
  explicit RegionImport(const pb::GraphDefProto& graph_def);
  // The nodes `node` must come after besides its inputs: an If or While comes after every
  // node of its regions.
  std::vector<std::string> extra_producers(const pb::NodeDefProto& node) const;
  // Starts on a new target graph.
  void reset() { ids_.clear(); }
  // The region of `graph` the node goes to (made, with its enclosing regions, on first use);
  // for an If or While, completes its regions from the imported nodes and renumbers the
  // region attributes in `attrs`; for a LoopSavedValue, puts its tensor under `scope`.
  int place(Graph& graph, const pb::NodeDefProto& node, AttrMap& attrs, const std::string& scope,
            const std::map<std::string, Node*>& imported);
  // Marks `owner` (just added for `node`) as its regions' owner.
  void owned(Graph& graph, const pb::NodeDefProto& node, Node* owner);

 private:
  struct Info {
    RegionKind kind = RegionKind::kBranch;
    int64_t parent = -1;
    bool gradient = false;
  };
  int region_of(Graph& graph, int64_t old_id);

  std::map<int64_t, Info> regions_;
  std::map<std::string, std::vector<std::string>> extra_;
  std::map<int64_t, int> ids_;
};

}  // namespace varflow::io
