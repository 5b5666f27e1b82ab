// TensorFlow's OpDefs of the op types varflow registers too, compiled into the library from
// python/varflow/framework/tf_op_defs.pb (see cpp/cmake/varflow_embed.cmake): which attributes
// TensorFlow binds to an op's arguments and which defaults it has.
#pragma once

#include <string>

#include "io/graph_def_proto.h"

namespace varflow::io {

// The GraphDef version of the TensorFlow release the OpDefs were recorded from (the Python
// layer's op_defs.GRAPH_DEF_PRODUCER).
inline constexpr int kGraphDefProducer = 2474;

// TensorFlow's OpDef of `op_type`, or nullptr when TensorFlow has no such op. Parsed once, on
// first use; thread-safe.
const pb::OpDefProto* tf_op_def(const std::string& op_type);

// How many of `total` values each argument takes: one each, except a list argument (a
// number_attr or type_list_attr), which takes the rest.
std::vector<int> arg_lengths(const std::vector<pb::ArgDefProto>& args, int total);

}  // namespace varflow::io
