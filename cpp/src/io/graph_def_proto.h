// TensorFlow's graph messages as plain structs over protobuf_wire.h: what varflow reads and
// writes of GraphDef, NodeDef, AttrValue, TensorProto, TensorShapeProto, OpDef/OpList,
// MetaGraphDef, CollectionDef, VariableDef and SaverDef.
//
// Field numbers are those of TensorFlow's .proto files (the same as tensorboard's compat
// copies the Python layer uses):
//   tensorflow/core/framework/graph.proto         GraphDef
//   tensorflow/core/framework/node_def.proto      NodeDef
//   tensorflow/core/framework/attr_value.proto    AttrValue, AttrValue.ListValue
//   tensorflow/core/framework/tensor.proto        TensorProto
//   tensorflow/core/framework/tensor_shape.proto  TensorShapeProto
//   tensorflow/core/framework/versions.proto      VersionDef
//   tensorflow/core/framework/op_def.proto        OpDef, OpDef.ArgDef, OpDef.AttrDef, OpList
//   tensorflow/core/framework/variable.proto      VariableDef
//   tensorflow/core/protobuf/meta_graph.proto     MetaGraphDef, MetaInfoDef, CollectionDef
//   tensorflow/core/protobuf/saver.proto          SaverDef
// Fields varflow has no use for are skipped when read (a GraphDef's function library, a
// MetaGraphDef's signatures and assets, debug info), never an error.
// Every parse_* raises kDataLoss (protobuf_wire.h) for bytes that are not such a message.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace varflow::io::pb {

struct TensorShapeProto {
  std::vector<int64_t> dims;  // -1 for an unknown dimension
  bool unknown_rank = false;
};

struct TensorProto {
  int dtype = 0;  // TensorFlow's DataType enum (DT_FLOAT = 1, ...)
  TensorShapeProto shape;
  std::string tensor_content;
  std::vector<int32_t> half_val;  // half and bfloat16 bit patterns
  std::vector<float> float_val;
  std::vector<double> double_val;
  std::vector<int32_t> int_val;
  std::vector<std::string> string_val;
  std::vector<float> scomplex_val;
  std::vector<int64_t> int64_val;
  std::vector<uint8_t> bool_val;
  std::vector<double> dcomplex_val;
  std::vector<uint32_t> uint32_val;
  std::vector<uint64_t> uint64_val;
};

struct AttrValueProto {
  enum class Kind { kNone, kList, kS, kI, kF, kB, kType, kShape, kTensor, kPlaceholder, kFunc };
  struct List {
    std::vector<std::string> s;
    std::vector<int64_t> i;
    std::vector<float> f;
    std::vector<uint8_t> b;
    std::vector<int32_t> type;
    std::vector<TensorShapeProto> shape;
    std::vector<TensorProto> tensor;
    std::vector<std::string> func;  // NameAttrLists, kept as bytes
    bool empty() const {
      return s.empty() && i.empty() && f.empty() && b.empty() && type.empty() && shape.empty() &&
             tensor.empty() && func.empty();
    }
  };
  Kind kind = Kind::kNone;
  std::string s;  // kS; kPlaceholder's name; kFunc's NameAttrList bytes
  int64_t i = 0;
  float f = 0;
  bool b = false;
  int32_t type = 0;
  TensorShapeProto shape;
  TensorProto tensor;
  List list;
};

struct NodeDefProto {
  std::string name;
  std::string op;
  std::vector<std::string> input;
  std::string device;
  std::map<std::string, AttrValueProto> attr;
};

struct GraphDefProto {
  std::vector<NodeDefProto> node;
  int32_t producer = 0;
  int32_t min_consumer = 0;
  bool has_versions = false;
};

struct ArgDefProto {
  std::string name;
  int32_t type = 0;
  std::string type_attr, number_attr, type_list_attr;
  bool is_ref = false;
};

struct OpAttrDefProto {
  std::string name;
  std::string type;
  std::optional<AttrValueProto> default_value;
};

struct OpDefProto {
  std::string name;
  std::vector<ArgDefProto> input_arg, output_arg;
  std::vector<OpAttrDefProto> attr;
  std::string bytes;  // the message as read, written back unchanged into stripped_op_lists
};

struct VariableDefProto {
  std::string variable_name, initial_value_name, initializer_name, snapshot_name;
  bool is_resource = false;
  bool trainable = false;
};

struct SaverDefProto {
  std::string filename_tensor_name, save_tensor_name, restore_op_name;
  int32_t max_to_keep = 0;
  bool sharded = false;
  float keep_checkpoint_every_n_hours = 0;
  int32_t version = 0;
};

struct CollectionDefProto {
  enum class Kind { kNone, kNodeList, kBytesList, kInt64List, kFloatList, kAnyList };
  Kind kind = Kind::kNone;
  std::vector<std::string> values;  // node_list, bytes_list
  std::vector<int64_t> int64s;
  std::vector<float> floats;
};

struct MetaGraphDefProto {
  bool has_meta_info_def = false;
  std::string meta_graph_version, tensorflow_version, tensorflow_git_version;
  std::vector<std::string> tags;
  bool stripped_default_attrs = false;
  bool has_stripped_op_list = false;
  std::vector<OpDefProto> stripped_op_list;
  GraphDefProto graph_def;
  std::optional<SaverDefProto> saver_def;
  std::map<std::string, CollectionDefProto> collection_def;
};

TensorShapeProto parse_shape(std::string_view bytes);
TensorProto parse_tensor(std::string_view bytes);
AttrValueProto parse_attr_value(std::string_view bytes);
GraphDefProto parse_graph_def(std::string_view bytes);
std::vector<OpDefProto> parse_op_list(std::string_view bytes);
VariableDefProto parse_variable_def(std::string_view bytes);
MetaGraphDefProto parse_meta_graph_def(std::string_view bytes);

std::string serialize(const TensorShapeProto& shape);
std::string serialize(const TensorProto& tensor);
std::string serialize(const AttrValueProto& value);
std::string serialize(const NodeDefProto& node);
std::string serialize(const GraphDefProto& graph);
std::string serialize(const VariableDefProto& variable);
std::string serialize(const SaverDefProto& saver);
std::string serialize(const CollectionDefProto& collection);
std::string serialize(const MetaGraphDefProto& meta);

}  // namespace varflow::io::pb
