// Graph -> GraphDef, as python/varflow/framework/graph_def.py writes it.
#include "varflow/graph_def.h"

#include <algorithm>

#include "io/graph_def_attr.h"
#include "io/graph_def_export.h"
#include "io/graph_def_regions.h"
#include "io/graph_def_tf_ops.h"
#include "varflow/op_registry.h"

namespace varflow {
namespace io {
namespace {

// Sets the type and length attributes TensorFlow binds to `args` from the values' dtypes.
void bind_args(pb::NodeDefProto& node, const std::vector<pb::ArgDefProto>& args,
               const std::vector<DType>& dtypes) {
  using Kind = pb::AttrValueProto::Kind;
  const std::vector<int> lengths = arg_lengths(args, static_cast<int>(dtypes.size()));
  size_t start = 0;
  for (size_t a = 0; a < args.size(); ++a) {
    const pb::ArgDefProto& arg = args[a];
    const size_t n = static_cast<size_t>(lengths[a]);
    const size_t begin = std::min(start, dtypes.size());
    const size_t end = std::min(start + n, dtypes.size());
    start += n;
    if (!arg.number_attr.empty() && !node.attr.count(arg.number_attr)) {
      auto& v = node.attr[arg.number_attr];
      v.kind = Kind::kI;
      v.i = static_cast<int64_t>(n);
    }
    if (!arg.type_attr.empty() && !node.attr.count(arg.type_attr) && end > begin) {
      auto& v = node.attr[arg.type_attr];
      v.kind = Kind::kType;
      v.type = dtype_to_proto(dtypes[begin]);
    }
    if (!arg.type_list_attr.empty() && !node.attr.count(arg.type_list_attr)) {
      auto& v = node.attr[arg.type_list_attr];
      v.kind = Kind::kList;
      for (size_t i = begin; i < end; ++i) v.list.type.push_back(dtype_to_proto(dtypes[i]));
    }
  }
}

}  // namespace

std::string tensor_name(const Output& o) {
  return o.index == 0 ? o.node->name() : o.node->name() + ":" + std::to_string(o.index);
}

pb::NodeDefProto node_def(const Node& node, bool add_shapes, bool clear_devices) {
  pb::NodeDefProto p;
  p.name = node.name();
  p.op = node.type();
  if (!clear_devices) p.device = node.device();
  for (const Output& in : node.inputs()) p.input.push_back(tensor_name(in));
  for (const Node* c : node.control_inputs()) p.input.push_back("^" + c->name());
  for (const auto& [key, value] : node.attrs().items()) p.attr[key] = attr_to_proto(value);
  if (const pb::OpDefProto* tf_def = tf_op_def(node.type())) {
    std::vector<DType> in, out;
    for (const Output& o : node.inputs()) in.push_back(o.dtype());
    for (int i = 0; i < node.num_outputs(); ++i) out.push_back(node.output_dtype(i));
    bind_args(p, tf_def->input_arg, in);
    bind_args(p, tf_def->output_arg, out);
    for (const pb::OpAttrDefProto& attr : tf_def->attr)
      if (!p.attr.count(attr.name) && attr.default_value) p.attr[attr.name] = *attr.default_value;
  }
  add_region_attrs(node, p);
  if (add_shapes) {
    pb::AttrValueProto shapes;
    shapes.kind = pb::AttrValueProto::Kind::kList;
    for (int i = 0; i < node.num_outputs(); ++i)
      shapes.list.shape.push_back(shape_to_proto(node.output_shape(i)));
    p.attr["_output_shapes"] = std::move(shapes);
  }
  return p;
}

pb::GraphDefProto graph_def_proto(const Graph& graph, const GraphDefOptions& options) {
  pb::GraphDefProto g;
  g.has_versions = true;
  g.producer = kGraphDefProducer;
  for (int i = std::max(options.from_version, 0); i < graph.num_nodes(); ++i)
    g.node.push_back(node_def(*graph.node(i), options.add_shapes, options.clear_devices));
  return g;
}

}  // namespace io

std::string graph_to_graph_def(const Graph& graph, const GraphDefOptions& options) {
  return io::pb::serialize(io::graph_def_proto(graph, options));
}

}  // namespace varflow
