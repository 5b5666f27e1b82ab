// varflow's attribute values <-> TensorFlow's AttrValue, TensorProto and TensorShapeProto, as
// python/varflow/framework/attr_value.py converts them (the two must write the same bytes).
#pragma once

#include <string>

#include "io/graph_def_proto.h"
#include "varflow/attr.h"

namespace varflow::io {

// TensorFlow's DataType of a varflow dtype, and back. dtype_from_proto strips TensorFlow's
// reference types (DT_FLOAT_REF = 101) and raises kType naming the node for a dtype varflow
// does not have.
int dtype_to_proto(DType dtype);
DType dtype_from_proto(int tf_enum, const std::string& node_name);

pb::TensorShapeProto shape_to_proto(const Shape& shape);
Shape shape_from_proto(const pb::TensorShapeProto& proto);

// TensorFlow's encoding: strings in string_val, one element of the other dtypes in its typed
// field (float_val, int_val, ...), more in tensor_content (little-endian).
pb::TensorProto tensor_to_proto(const Tensor& tensor);
// As TensorFlow reads a TensorProto: tensor_content, or typed values with the last repeated to
// fill the shape (a splat), or zeros. kValue naming the node for an unknown shape, a content or
// value count that does not fit the shape, or a splat of more than 2^30 bytes (a corrupt dimension
// must not make an import allocate the machine's memory); kType for an unsupported dtype.
Tensor tensor_from_proto(const pb::TensorProto& proto, const std::string& node_name);

// kType for a value with no AttrValue encoding (none of varflow's attribute types lacks one).
pb::AttrValueProto attr_to_proto(const AttrValue& value);
// The value Graph::add_node takes: kValue naming the attribute and node for a value varflow
// cannot hold (a list of strings, types, shapes or functions; a placeholder; no value).
AttrValue attr_from_proto(const pb::AttrValueProto& proto, const std::string& node_name,
                          const std::string& attr_name);

// TensorFlow compares attribute values as protos: the same serialization.
bool attr_equal(const pb::AttrValueProto& a, const pb::AttrValueProto& b);
// A short text for messages ("i: 3", "list { f: 1 }").
std::string attr_debug_string(const pb::AttrValueProto& value);

}  // namespace varflow::io
