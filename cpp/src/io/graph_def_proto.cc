#include "io/graph_def_proto.h"

#include "io/protobuf_wire.h"

namespace varflow::io::pb {
namespace {

// Field numbers (see the header for the .proto files they come from).
namespace shape_f {
constexpr int kDim = 2, kUnknownRank = 3, kDimSize = 1;
}
namespace tensor_f {
constexpr int kDtype = 1, kShape = 2, kContent = 4, kHalf = 13, kFloat = 5, kDouble = 6, kInt = 7,
              kString = 8, kSComplex = 9, kInt64 = 10, kBool = 11, kDComplex = 12, kUInt32 = 16,
              kUInt64 = 17;
}
namespace attr_f {
constexpr int kList = 1, kS = 2, kI = 3, kF = 4, kB = 5, kType = 6, kShape = 7, kTensor = 8,
              kPlaceholder = 9, kFunc = 10;
// AttrValue.ListValue
constexpr int kListS = 2, kListI = 3, kListF = 4, kListB = 5, kListType = 6, kListShape = 7,
              kListTensor = 8, kListFunc = 9;
}  // namespace attr_f
namespace node_f {
constexpr int kName = 1, kOp = 2, kInput = 3, kDevice = 4, kAttr = 5;
}
namespace graph_f {
constexpr int kNode = 1, kVersions = 4, kProducer = 1, kMinConsumer = 2;
}
namespace op_f {
constexpr int kName = 1, kInputArg = 2, kOutputArg = 3, kAttr = 4;
// ArgDef
constexpr int kArgName = 1, kArgType = 3, kArgTypeAttr = 4, kArgNumberAttr = 5,
              kArgTypeListAttr = 6, kArgIsRef = 16;
// OpDef.AttrDef
constexpr int kAttrName = 1, kAttrType = 2, kAttrDefault = 3;
constexpr int kOpListOp = 1;
}  // namespace op_f
namespace variable_f {
constexpr int kVariableName = 1, kInitializerName = 2, kSnapshotName = 3, kIsResource = 5,
              kInitialValueName = 6, kTrainable = 7;
}
namespace saver_f {
constexpr int kFilename = 1, kSave = 2, kRestore = 3, kMaxToKeep = 4, kSharded = 5, kKeepHours = 6,
              kVersion = 7;
}
namespace collection_f {
constexpr int kNodeList = 1, kBytesList = 2, kInt64List = 3, kFloatList = 4, kAnyList = 5,
              kValue = 1;
}
namespace meta_f {
constexpr int kMetaInfoDef = 1, kGraphDef = 2, kSaverDef = 3, kCollectionDef = 4;
// MetaInfoDef
constexpr int kVersion = 1, kStrippedOpList = 2, kTags = 4, kTfVersion = 5, kTfGitVersion = 6,
              kStrippedDefaultAttrs = 7;
}  // namespace meta_f
constexpr int kMapKey = 1, kMapValue = 2;  // a map<K, V> entry

float as_float(uint32_t bits) {
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}
double as_double(uint64_t bits) {
  double v;
  std::memcpy(&v, &bits, 8);
  return v;
}

TensorShapeProto read_shape(WireReader r) {
  TensorShapeProto shape;
  while (r.next()) {
    if (r.field() == shape_f::kDim) {
      WireReader dim = r.message("TensorShapeProto.Dim");
      int64_t size = 0;
      while (dim.next()) {
        if (dim.field() == shape_f::kDimSize)
          size = dim.int64();
        else
          dim.skip();
      }
      shape.dims.push_back(size);
    } else if (r.field() == shape_f::kUnknownRank) {
      shape.unknown_rank = r.boolean();
    } else {
      r.skip();
    }
  }
  return shape;
}

TensorProto read_tensor(WireReader r) {
  TensorProto t;
  while (r.next()) {
    switch (r.field()) {
      case tensor_f::kDtype:
        t.dtype = r.int32();
        break;
      case tensor_f::kShape:
        t.shape = read_shape(r.message("TensorShapeProto"));
        break;
      case tensor_f::kContent:
        t.tensor_content = r.string();
        break;
      case tensor_f::kHalf:
        r.repeated_varint([&](uint64_t v) { t.half_val.push_back(static_cast<int32_t>(v)); });
        break;
      case tensor_f::kFloat:
        r.repeated_fixed32([&](uint32_t v) { t.float_val.push_back(as_float(v)); });
        break;
      case tensor_f::kDouble:
        r.repeated_fixed64([&](uint64_t v) { t.double_val.push_back(as_double(v)); });
        break;
      case tensor_f::kInt:
        r.repeated_varint([&](uint64_t v) { t.int_val.push_back(static_cast<int32_t>(v)); });
        break;
      case tensor_f::kString:
        t.string_val.push_back(r.string());
        break;
      case tensor_f::kSComplex:
        r.repeated_fixed32([&](uint32_t v) { t.scomplex_val.push_back(as_float(v)); });
        break;
      case tensor_f::kInt64:
        r.repeated_varint([&](uint64_t v) { t.int64_val.push_back(static_cast<int64_t>(v)); });
        break;
      case tensor_f::kBool:
        r.repeated_varint([&](uint64_t v) { t.bool_val.push_back(v != 0); });
        break;
      case tensor_f::kDComplex:
        r.repeated_fixed64([&](uint64_t v) { t.dcomplex_val.push_back(as_double(v)); });
        break;
      case tensor_f::kUInt32:
        r.repeated_varint([&](uint64_t v) { t.uint32_val.push_back(static_cast<uint32_t>(v)); });
        break;
      case tensor_f::kUInt64:
        r.repeated_varint([&](uint64_t v) { t.uint64_val.push_back(v); });
        break;
      default:
        r.skip();
    }
  }
  return t;
}

AttrValueProto::List read_list(WireReader r) {
  AttrValueProto::List list;
  while (r.next()) {
    switch (r.field()) {
      case attr_f::kListS:
        list.s.push_back(r.string());
        break;
      case attr_f::kListI:
        r.repeated_varint([&](uint64_t v) { list.i.push_back(static_cast<int64_t>(v)); });
        break;
      case attr_f::kListF:
        r.repeated_fixed32([&](uint32_t v) { list.f.push_back(as_float(v)); });
        break;
      case attr_f::kListB:
        r.repeated_varint([&](uint64_t v) { list.b.push_back(v != 0); });
        break;
      case attr_f::kListType:
        r.repeated_varint([&](uint64_t v) { list.type.push_back(static_cast<int32_t>(v)); });
        break;
      case attr_f::kListShape:
        list.shape.push_back(read_shape(r.message("TensorShapeProto")));
        break;
      case attr_f::kListTensor:
        list.tensor.push_back(read_tensor(r.message("TensorProto")));
        break;
      case attr_f::kListFunc:
        list.func.push_back(r.string());
        break;
      default:
        r.skip();
    }
  }
  return list;
}

AttrValueProto read_attr_value(WireReader r) {
  using Kind = AttrValueProto::Kind;
  AttrValueProto v;
  while (r.next()) {
    switch (r.field()) {
      case attr_f::kList:
        v.kind = Kind::kList;
        v.list = read_list(r.message("AttrValue.ListValue"));
        break;
      case attr_f::kS:
        v.kind = Kind::kS;
        v.s = r.string();
        break;
      case attr_f::kI:
        v.kind = Kind::kI;
        v.i = r.int64();
        break;
      case attr_f::kF:
        v.kind = Kind::kF;
        v.f = r.float32();
        break;
      case attr_f::kB:
        v.kind = Kind::kB;
        v.b = r.boolean();
        break;
      case attr_f::kType:
        v.kind = Kind::kType;
        v.type = r.int32();
        break;
      case attr_f::kShape:
        v.kind = Kind::kShape;
        v.shape = read_shape(r.message("TensorShapeProto"));
        break;
      case attr_f::kTensor:
        v.kind = Kind::kTensor;
        v.tensor = read_tensor(r.message("TensorProto"));
        break;
      case attr_f::kPlaceholder:
        v.kind = Kind::kPlaceholder;
        v.s = r.string();
        break;
      case attr_f::kFunc:
        v.kind = Kind::kFunc;
        v.s = r.string();
        break;
      default:
        r.skip();
    }
  }
  return v;
}

NodeDefProto read_node(WireReader r) {
  NodeDefProto node;
  while (r.next()) {
    switch (r.field()) {
      case node_f::kName:
        node.name = r.string();
        break;
      case node_f::kOp:
        node.op = r.string();
        break;
      case node_f::kInput:
        node.input.push_back(r.string());
        break;
      case node_f::kDevice:
        node.device = r.string();
        break;
      case node_f::kAttr: {
        WireReader entry = r.message("NodeDef.AttrEntry");
        std::string key;
        AttrValueProto value;
        while (entry.next()) {
          if (entry.field() == kMapKey)
            key = entry.string();
          else if (entry.field() == kMapValue)
            value = read_attr_value(entry.message("AttrValue"));
          else
            entry.skip();
        }
        node.attr[key] = std::move(value);
        break;
      }
      default:
        r.skip();
    }
  }
  return node;
}

GraphDefProto read_graph_def(WireReader r) {
  GraphDefProto g;
  while (r.next()) {
    if (r.field() == graph_f::kNode) {
      g.node.push_back(read_node(r.message("NodeDef")));
    } else if (r.field() == graph_f::kVersions) {
      g.has_versions = true;
      WireReader v = r.message("VersionDef");
      while (v.next()) {
        if (v.field() == graph_f::kProducer)
          g.producer = v.int32();
        else if (v.field() == graph_f::kMinConsumer)
          g.min_consumer = v.int32();
        else
          v.skip();
      }
    } else {
      r.skip();  // the function library, the deprecated version, debug info
    }
  }
  return g;
}

ArgDefProto read_arg(WireReader r) {
  ArgDefProto a;
  while (r.next()) {
    switch (r.field()) {
      case op_f::kArgName:
        a.name = r.string();
        break;
      case op_f::kArgType:
        a.type = r.int32();
        break;
      case op_f::kArgTypeAttr:
        a.type_attr = r.string();
        break;
      case op_f::kArgNumberAttr:
        a.number_attr = r.string();
        break;
      case op_f::kArgTypeListAttr:
        a.type_list_attr = r.string();
        break;
      case op_f::kArgIsRef:
        a.is_ref = r.boolean();
        break;
      default:
        r.skip();
    }
  }
  return a;
}

OpDefProto read_op_def(std::string_view bytes) {
  OpDefProto op;
  op.bytes = std::string(bytes);
  WireReader r(bytes, "OpDef");
  while (r.next()) {
    switch (r.field()) {
      case op_f::kName:
        op.name = r.string();
        break;
      case op_f::kInputArg:
        op.input_arg.push_back(read_arg(r.message("OpDef.ArgDef")));
        break;
      case op_f::kOutputArg:
        op.output_arg.push_back(read_arg(r.message("OpDef.ArgDef")));
        break;
      case op_f::kAttr: {
        WireReader a = r.message("OpDef.AttrDef");
        OpAttrDefProto attr;
        while (a.next()) {
          if (a.field() == op_f::kAttrName)
            attr.name = a.string();
          else if (a.field() == op_f::kAttrType)
            attr.type = a.string();
          else if (a.field() == op_f::kAttrDefault)
            attr.default_value = read_attr_value(a.message("AttrValue"));
          else
            a.skip();
        }
        op.attr.push_back(std::move(attr));
        break;
      }
      default:
        r.skip();
    }
  }
  return op;
}

std::vector<OpDefProto> read_op_list(WireReader r) {
  std::vector<OpDefProto> ops;
  while (r.next()) {
    if (r.field() == op_f::kOpListOp)
      ops.push_back(read_op_def(r.bytes()));
    else
      r.skip();
  }
  return ops;
}

SaverDefProto read_saver_def(WireReader r) {
  SaverDefProto s;
  while (r.next()) {
    switch (r.field()) {
      case saver_f::kFilename:
        s.filename_tensor_name = r.string();
        break;
      case saver_f::kSave:
        s.save_tensor_name = r.string();
        break;
      case saver_f::kRestore:
        s.restore_op_name = r.string();
        break;
      case saver_f::kMaxToKeep:
        s.max_to_keep = r.int32();
        break;
      case saver_f::kSharded:
        s.sharded = r.boolean();
        break;
      case saver_f::kKeepHours:
        s.keep_checkpoint_every_n_hours = r.float32();
        break;
      case saver_f::kVersion:
        s.version = r.int32();
        break;
      default:
        r.skip();
    }
  }
  return s;
}

CollectionDefProto read_collection(WireReader r) {
  using Kind = CollectionDefProto::Kind;
  CollectionDefProto c;
  while (r.next()) {
    const int f = r.field();
    if (f == collection_f::kNodeList || f == collection_f::kBytesList) {
      c.kind = f == collection_f::kNodeList ? Kind::kNodeList : Kind::kBytesList;
      c.values.clear();
      WireReader list = r.message("CollectionDef list");
      while (list.next()) {
        if (list.field() == collection_f::kValue)
          c.values.push_back(list.string());
        else
          list.skip();
      }
    } else if (f == collection_f::kInt64List) {
      c.kind = Kind::kInt64List;
      c.int64s.clear();
      WireReader list = r.message("CollectionDef.Int64List");
      while (list.next()) {
        if (list.field() == collection_f::kValue)
          list.repeated_varint([&](uint64_t v) { c.int64s.push_back(static_cast<int64_t>(v)); });
        else
          list.skip();
      }
    } else if (f == collection_f::kFloatList) {
      c.kind = Kind::kFloatList;
      c.floats.clear();
      WireReader list = r.message("CollectionDef.FloatList");
      while (list.next()) {
        if (list.field() == collection_f::kValue)
          list.repeated_fixed32([&](uint32_t v) { c.floats.push_back(as_float(v)); });
        else
          list.skip();
      }
    } else if (f == collection_f::kAnyList) {
      c.kind = Kind::kAnyList;
      r.skip();
    } else {
      r.skip();
    }
  }
  return c;
}

// --- writing ---------------------------------------------------------------------------------

void write_shape(WireWriter& w, const TensorShapeProto& s) {
  for (int64_t d : s.dims) {
    WireWriter dim;
    dim.int64_if_set(shape_f::kDimSize, d);
    w.message(shape_f::kDim, dim);
  }
  w.bool_if_set(shape_f::kUnknownRank, s.unknown_rank);
}

void write_tensor(WireWriter& w, const TensorProto& t) {
  using namespace tensor_f;
  w.int64_if_set(kDtype, t.dtype);
  WireWriter shape;
  write_shape(shape, t.shape);
  w.message(kShape, shape);  // always present, as TensorFlow writes it (even for a scalar)
  w.string_if_set(kContent, t.tensor_content);
  auto varint = [](WireWriter& p, auto v) { p.raw_varint(static_cast<uint64_t>(v)); };
  auto signed_varint = [](WireWriter& p, auto v) {
    p.raw_varint(static_cast<uint64_t>(static_cast<int64_t>(v)));
  };
  auto f32 = [](WireWriter& p, float v) { p.append(&v, 4); };
  auto f64 = [](WireWriter& p, double v) { p.append(&v, 8); };
  write_packed(w, kFloat, t.float_val, f32);
  write_packed(w, kDouble, t.double_val, f64);
  write_packed(w, kInt, t.int_val, signed_varint);
  for (const std::string& s : t.string_val) w.bytes(kString, s);
  write_packed(w, kSComplex, t.scomplex_val, f32);
  write_packed(w, kInt64, t.int64_val, signed_varint);
  write_packed(w, kBool, t.bool_val, varint);
  write_packed(w, kDComplex, t.dcomplex_val, f64);
  write_packed(w, kHalf, t.half_val, signed_varint);
  write_packed(w, kUInt32, t.uint32_val, varint);
  write_packed(w, kUInt64, t.uint64_val, varint);
}

void write_attr_value(WireWriter& w, const AttrValueProto& v) {
  using Kind = AttrValueProto::Kind;
  using namespace attr_f;
  switch (v.kind) {
    case Kind::kNone:
      break;
    case Kind::kList: {
      WireWriter list;
      const auto& l = v.list;
      for (const std::string& s : l.s) list.bytes(kListS, s);
      auto signed_varint = [](WireWriter& p, auto x) {
        p.raw_varint(static_cast<uint64_t>(static_cast<int64_t>(x)));
      };
      write_packed(list, kListI, l.i, signed_varint);
      write_packed(list, kListF, l.f, [](WireWriter& p, float x) { p.append(&x, 4); });
      write_packed(list, kListB, l.b, signed_varint);
      write_packed(list, kListType, l.type, signed_varint);
      for (const TensorShapeProto& s : l.shape) {
        WireWriter m;
        write_shape(m, s);
        list.message(kListShape, m);
      }
      for (const TensorProto& t : l.tensor) {
        WireWriter m;
        write_tensor(m, t);
        list.message(kListTensor, m);
      }
      for (const std::string& f : l.func) list.bytes(kListFunc, f);
      w.message(kList, list);
      break;
    }
    case Kind::kS:
      w.bytes(kS, v.s);
      break;
    case Kind::kI:
      w.int64(kI, v.i);
      break;
    case Kind::kF:
      w.float32(kF, v.f);
      break;
    case Kind::kB:
      w.boolean(kB, v.b);
      break;
    case Kind::kType:
      w.int32(kType, v.type);
      break;
    case Kind::kShape: {
      WireWriter m;
      write_shape(m, v.shape);
      w.message(kShape, m);
      break;
    }
    case Kind::kTensor: {
      WireWriter m;
      write_tensor(m, v.tensor);
      w.message(kTensor, m);
      break;
    }
    case Kind::kPlaceholder:
      w.bytes(kPlaceholder, v.s);
      break;
    case Kind::kFunc:
      w.bytes(kFunc, v.s);
      break;
  }
}

void write_node(WireWriter& w, const NodeDefProto& n) {
  w.string_if_set(node_f::kName, n.name);
  w.string_if_set(node_f::kOp, n.op);
  for (const std::string& i : n.input) w.bytes(node_f::kInput, i);
  w.string_if_set(node_f::kDevice, n.device);
  for (const auto& [key, value] : n.attr) {
    WireWriter entry, v;
    entry.bytes(kMapKey, key);
    write_attr_value(v, value);
    entry.message(kMapValue, v);
    w.message(node_f::kAttr, entry);
  }
}

void write_graph_def(WireWriter& w, const GraphDefProto& g) {
  for (const NodeDefProto& n : g.node) {
    WireWriter m;
    write_node(m, n);
    w.message(graph_f::kNode, m);
  }
  if (g.has_versions) {
    WireWriter v;
    v.int64_if_set(graph_f::kProducer, g.producer);
    v.int64_if_set(graph_f::kMinConsumer, g.min_consumer);
    w.message(graph_f::kVersions, v);
  }
}

}  // namespace

TensorShapeProto parse_shape(std::string_view b) {
  return read_shape(WireReader(b, "TensorShapeProto"));
}
TensorProto parse_tensor(std::string_view b) { return read_tensor(WireReader(b, "TensorProto")); }
AttrValueProto parse_attr_value(std::string_view b) {
  return read_attr_value(WireReader(b, "AttrValue"));
}
GraphDefProto parse_graph_def(std::string_view b) {
  return read_graph_def(WireReader(b, "GraphDef"));
}
std::vector<OpDefProto> parse_op_list(std::string_view b) {
  return read_op_list(WireReader(b, "OpList"));
}

VariableDefProto parse_variable_def(std::string_view b) {
  using namespace variable_f;
  WireReader r(b, "VariableDef");
  VariableDefProto v;
  while (r.next()) {
    switch (r.field()) {
      case kVariableName:
        v.variable_name = r.string();
        break;
      case kInitializerName:
        v.initializer_name = r.string();
        break;
      case kSnapshotName:
        v.snapshot_name = r.string();
        break;
      case kIsResource:
        v.is_resource = r.boolean();
        break;
      case kInitialValueName:
        v.initial_value_name = r.string();
        break;
      case kTrainable:
        v.trainable = r.boolean();
        break;
      default:
        r.skip();
    }
  }
  return v;
}

MetaGraphDefProto parse_meta_graph_def(std::string_view b) {
  WireReader r(b, "MetaGraphDef");
  MetaGraphDefProto m;
  while (r.next()) {
    switch (r.field()) {
      case meta_f::kMetaInfoDef: {
        m.has_meta_info_def = true;
        WireReader info = r.message("MetaGraphDef.MetaInfoDef");
        while (info.next()) {
          switch (info.field()) {
            case meta_f::kVersion:
              m.meta_graph_version = info.string();
              break;
            case meta_f::kStrippedOpList:
              m.has_stripped_op_list = true;
              m.stripped_op_list = read_op_list(info.message("OpList"));
              break;
            case meta_f::kTags:
              m.tags.push_back(info.string());
              break;
            case meta_f::kTfVersion:
              m.tensorflow_version = info.string();
              break;
            case meta_f::kTfGitVersion:
              m.tensorflow_git_version = info.string();
              break;
            case meta_f::kStrippedDefaultAttrs:
              m.stripped_default_attrs = info.boolean();
              break;
            default:
              info.skip();
          }
        }
        break;
      }
      case meta_f::kGraphDef:
        m.graph_def = read_graph_def(r.message("GraphDef"));
        break;
      case meta_f::kSaverDef:
        m.saver_def = read_saver_def(r.message("SaverDef"));
        break;
      case meta_f::kCollectionDef: {
        WireReader entry = r.message("MetaGraphDef.CollectionDefEntry");
        std::string key;
        CollectionDefProto value;
        while (entry.next()) {
          if (entry.field() == kMapKey)
            key = entry.string();
          else if (entry.field() == kMapValue)
            value = read_collection(entry.message("CollectionDef"));
          else
            entry.skip();
        }
        m.collection_def[key] = std::move(value);
        break;
      }
      default:
        r.skip();  // signatures, assets, the object graph
    }
  }
  return m;
}

std::string serialize(const TensorShapeProto& s) {
  WireWriter w;
  write_shape(w, s);
  return w.take();
}
std::string serialize(const TensorProto& t) {
  WireWriter w;
  write_tensor(w, t);
  return w.take();
}
std::string serialize(const AttrValueProto& v) {
  WireWriter w;
  write_attr_value(w, v);
  return w.take();
}
std::string serialize(const NodeDefProto& n) {
  WireWriter w;
  write_node(w, n);
  return w.take();
}
std::string serialize(const GraphDefProto& g) {
  WireWriter w;
  write_graph_def(w, g);
  return w.take();
}

std::string serialize(const VariableDefProto& v) {
  using namespace variable_f;
  WireWriter w;
  w.string_if_set(kVariableName, v.variable_name);
  w.string_if_set(kInitializerName, v.initializer_name);
  w.string_if_set(kSnapshotName, v.snapshot_name);
  w.bool_if_set(kIsResource, v.is_resource);
  w.string_if_set(kInitialValueName, v.initial_value_name);
  w.bool_if_set(kTrainable, v.trainable);
  return w.take();
}

std::string serialize(const SaverDefProto& s) {
  using namespace saver_f;
  WireWriter w;
  w.string_if_set(kFilename, s.filename_tensor_name);
  w.string_if_set(kSave, s.save_tensor_name);
  w.string_if_set(kRestore, s.restore_op_name);
  w.int64_if_set(kMaxToKeep, s.max_to_keep);
  w.bool_if_set(kSharded, s.sharded);
  if (s.keep_checkpoint_every_n_hours != 0) w.float32(kKeepHours, s.keep_checkpoint_every_n_hours);
  w.int64_if_set(kVersion, s.version);
  return w.take();
}

std::string serialize(const CollectionDefProto& c) {
  using Kind = CollectionDefProto::Kind;
  using namespace collection_f;
  WireWriter w, list;
  switch (c.kind) {
    case Kind::kNodeList:
    case Kind::kBytesList:
      for (const std::string& v : c.values) list.bytes(kValue, v);
      w.message(c.kind == Kind::kNodeList ? kNodeList : kBytesList, list);
      break;
    case Kind::kInt64List:
      write_packed(list, kValue, c.int64s,
                   [](WireWriter& p, int64_t v) { p.raw_varint(static_cast<uint64_t>(v)); });
      w.message(kInt64List, list);
      break;
    case Kind::kFloatList:
      write_packed(list, kValue, c.floats, [](WireWriter& p, float v) { p.append(&v, 4); });
      w.message(kFloatList, list);
      break;
    default:
      break;
  }
  return w.take();
}

std::string serialize(const MetaGraphDefProto& m) {
  WireWriter w;
  if (m.has_meta_info_def) {
    WireWriter info;
    info.string_if_set(meta_f::kVersion, m.meta_graph_version);
    if (m.has_stripped_op_list) {
      WireWriter ops;
      for (const OpDefProto& op : m.stripped_op_list) ops.bytes(op_f::kOpListOp, op.bytes);
      info.message(meta_f::kStrippedOpList, ops);
    }
    for (const std::string& t : m.tags) info.bytes(meta_f::kTags, t);
    info.string_if_set(meta_f::kTfVersion, m.tensorflow_version);
    info.string_if_set(meta_f::kTfGitVersion, m.tensorflow_git_version);
    info.bool_if_set(meta_f::kStrippedDefaultAttrs, m.stripped_default_attrs);
    w.message(meta_f::kMetaInfoDef, info);
  }
  WireWriter graph;
  write_graph_def(graph, m.graph_def);
  w.message(meta_f::kGraphDef, graph);
  if (m.saver_def) w.bytes(meta_f::kSaverDef, serialize(*m.saver_def));
  for (const auto& [key, value] : m.collection_def) {
    WireWriter entry;
    entry.bytes(kMapKey, key);
    entry.bytes(kMapValue, serialize(value));
    w.message(meta_f::kCollectionDef, entry);
  }
  return w.take();
}

}  // namespace varflow::io::pb
