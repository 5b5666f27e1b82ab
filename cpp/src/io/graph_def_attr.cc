#include "io/graph_def_attr.h"

#include <cstring>
#include <sstream>

namespace varflow::io {
namespace {

constexpr int kRefOffset = 100;  // TensorFlow's DT_FLOAT_REF = DT_FLOAT + 100, and so on
constexpr int64_t kMaxSplatBytes = int64_t{1} << 30;

std::string dims_list(const Dims& dims) {  // as Python prints a list: [2, 3]
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i) out += (i ? ", " : "") + std::to_string(dims[i]);
  return out + "]";
}

// Fills `t` (num elements n) from `values` (count k <= n): the values, then the last repeated.
template <typename T, typename V, typename Convert>
void fill(Tensor& t, const std::vector<V>& values, size_t per_element, Convert convert) {
  T* out = t.data<T>();
  const int64_t n = t.num_elements();
  const int64_t k = static_cast<int64_t>(values.size() / per_element);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t src = i < k ? i : k - 1;
    out[i] = src < 0 ? T{} : convert(values.data() + src * static_cast<int64_t>(per_element));
  }
}

uint16_t bits16(const int32_t* v) { return static_cast<uint16_t>(*v); }

}  // namespace

int dtype_to_proto(DType dtype) { return dtype_tf_enum(dtype); }

DType dtype_from_proto(int tf_enum, const std::string& node_name) {
  const int base = tf_enum > kRefOffset ? tf_enum - kRefOffset : tf_enum;
  const DType d = dtype_from_tf_enum(base);
  if (!is_valid(d))
    raise(ErrorCode::kType, "Node '", node_name, "' uses dtype ", tf_enum,
          ", which varflow does not support (its dtypes are those of varflow.dtypes)");
  return d;
}

pb::TensorShapeProto shape_to_proto(const Shape& shape) {
  pb::TensorShapeProto p;
  if (!shape.has_rank()) {
    p.unknown_rank = true;
    return p;
  }
  for (int64_t d : shape.dims()) p.dims.push_back(d < 0 ? -1 : d);
  return p;
}

Shape shape_from_proto(const pb::TensorShapeProto& p) {
  if (p.unknown_rank) return Shape::unknown_rank();
  Dims dims;
  for (int64_t d : p.dims) dims.push_back(d < 0 ? kUnknownDim : d);
  return Shape(std::move(dims));
}

pb::TensorProto tensor_to_proto(const Tensor& t) {
  pb::TensorProto p;
  p.dtype = dtype_to_proto(t.dtype());
  for (int64_t d : t.dims()) p.shape.dims.push_back(d);
  const int64_t n = t.num_elements();
  if (t.dtype() == DType::kString) {
    for (int64_t i = 0; i < n; ++i) p.string_val.push_back(t.data<std::string>()[i]);
    return p;
  }
  if (n == 1) {  // TensorFlow's own encoding of one element (what tf.constant(1.0) writes)
    switch (t.dtype()) {
      case DType::kFloat32:
        p.float_val.push_back(*t.data<float>());
        return p;
      case DType::kFloat64:
        p.double_val.push_back(*t.data<double>());
        return p;
      case DType::kInt32:
        p.int_val.push_back(*t.data<int32_t>());
        return p;
      case DType::kInt8:
        p.int_val.push_back(*t.data<int8_t>());
        return p;
      case DType::kInt16:
        p.int_val.push_back(*t.data<int16_t>());
        return p;
      case DType::kUInt8:
        p.int_val.push_back(*t.data<uint8_t>());
        return p;
      case DType::kUInt16:
        p.int_val.push_back(*t.data<uint16_t>());
        return p;
      case DType::kInt64:
        p.int64_val.push_back(*t.data<int64_t>());
        return p;
      case DType::kBool:
        p.bool_val.push_back(*t.data<bool>());
        return p;
      case DType::kUInt32:
        p.uint32_val.push_back(*t.data<uint32_t>());
        return p;
      case DType::kUInt64:
        p.uint64_val.push_back(*t.data<uint64_t>());
        return p;
      default:
        break;  // half, bfloat16, complex: raw content, as the Python layer writes them
    }
  }
  if (n > 0) p.tensor_content.assign(static_cast<const char*>(t.raw()), t.nbytes());
  return p;
}

Tensor tensor_from_proto(const pb::TensorProto& p, const std::string& node_name) {
  const DType dtype = dtype_from_proto(p.dtype, node_name);
  const Shape shape = shape_from_proto(p.shape);
  if (!shape.fully_defined())
    raise(ErrorCode::kValue, "Node '", node_name, "' holds a tensor of unknown shape");
  const Dims& dims = shape.dims();
  int64_t size = 1;
  for (int64_t d : dims)
    if (__builtin_mul_overflow(size, d, &size))
      raise(ErrorCode::kValue, "Node '", node_name, "' holds a tensor of shape ", dims_list(dims),
            ", which has more elements than int64 counts");
  const size_t elem = dtype_size(dtype);
  if (dtype != DType::kString && !p.tensor_content.empty()) {
    const size_t have = p.tensor_content.size() / elem;
    if (p.tensor_content.size() % elem || have != static_cast<uint64_t>(size))
      raise(ErrorCode::kValue, "Node '", node_name, "': tensor_content holds ",
            p.tensor_content.size(), " bytes (", have, " elements), its shape ", dims_list(dims),
            " needs ", size);
    Tensor t(dtype, dims);
    std::memcpy(t.raw(), p.tensor_content.data(), p.tensor_content.size());
    return t;
  }
  // Typed values: how many the proto holds, in elements.
  size_t count = 0;
  switch (dtype) {
    case DType::kString:
      count = p.string_val.size();
      break;
    case DType::kFloat32:
      count = p.float_val.size();
      break;
    case DType::kFloat64:
      count = p.double_val.size();
      break;
    case DType::kInt32:
    case DType::kInt8:
    case DType::kInt16:
    case DType::kUInt8:
    case DType::kUInt16:
      count = p.int_val.size();
      break;
    case DType::kInt64:
      count = p.int64_val.size();
      break;
    case DType::kBool:
      count = p.bool_val.size();
      break;
    case DType::kUInt32:
      count = p.uint32_val.size();
      break;
    case DType::kUInt64:
      count = p.uint64_val.size();
      break;
    case DType::kFloat16:
    case DType::kBFloat16:
      count = p.half_val.size();
      break;
    case DType::kComplex64:
      count = p.scomplex_val.size() / 2;
      break;
    case DType::kComplex128:
      count = p.dcomplex_val.size() / 2;
      break;
    default:
      break;
  }
  if (count > static_cast<uint64_t>(size))
    raise(ErrorCode::kValue, "Node '", node_name, "': the tensor holds ", count,
          " values, its shape ", dims_list(dims), " needs ", size);
  if (static_cast<uint64_t>(size) > count &&
      static_cast<uint64_t>(size) > static_cast<uint64_t>(kMaxSplatBytes) / elem)
    raise(ErrorCode::kValue, "Node '", node_name, "' fills a tensor of shape ", dims_list(dims),
          " from ", count, " values: more than ", kMaxSplatBytes, " bytes");
  Tensor t(dtype, dims);
  switch (dtype) {
    case DType::kString:
      fill<std::string>(t, p.string_val, 1, [](const std::string* v) { return *v; });
      break;
    case DType::kFloat32:
      fill<float>(t, p.float_val, 1, [](const float* v) { return *v; });
      break;
    case DType::kFloat64:
      fill<double>(t, p.double_val, 1, [](const double* v) { return *v; });
      break;
    case DType::kInt32:
      fill<int32_t>(t, p.int_val, 1, [](const int32_t* v) { return *v; });
      break;
    case DType::kInt8:
      fill<int8_t>(t, p.int_val, 1, [](const int32_t* v) { return static_cast<int8_t>(*v); });
      break;
    case DType::kInt16:
      fill<int16_t>(t, p.int_val, 1, [](const int32_t* v) { return static_cast<int16_t>(*v); });
      break;
    case DType::kUInt8:
      fill<uint8_t>(t, p.int_val, 1, [](const int32_t* v) { return static_cast<uint8_t>(*v); });
      break;
    case DType::kUInt16:
      fill<uint16_t>(t, p.int_val, 1, [](const int32_t* v) { return static_cast<uint16_t>(*v); });
      break;
    case DType::kInt64:
      fill<int64_t>(t, p.int64_val, 1, [](const int64_t* v) { return *v; });
      break;
    case DType::kBool:
      fill<bool>(t, p.bool_val, 1, [](const uint8_t* v) { return *v != 0; });
      break;
    case DType::kUInt32:
      fill<uint32_t>(t, p.uint32_val, 1, [](const uint32_t* v) { return *v; });
      break;
    case DType::kUInt64:
      fill<uint64_t>(t, p.uint64_val, 1, [](const uint64_t* v) { return *v; });
      break;
    case DType::kFloat16:
      fill<Half>(t, p.half_val, 1, [](const int32_t* v) {
        Half h;
        h.bits = bits16(v);
        return h;
      });
      break;
    case DType::kBFloat16:
      fill<BFloat16>(t, p.half_val, 1, [](const int32_t* v) {
        BFloat16 h;
        h.bits = bits16(v);
        return h;
      });
      break;
    case DType::kComplex64:
      fill<complex64>(t, p.scomplex_val, 2, [](const float* v) { return complex64(v[0], v[1]); });
      break;
    case DType::kComplex128:
      fill<complex128>(t, p.dcomplex_val, 2,
                       [](const double* v) { return complex128(v[0], v[1]); });
      break;
    default:
      break;
  }
  return t;
}

pb::AttrValueProto attr_to_proto(const AttrValue& value) {
  using Kind = pb::AttrValueProto::Kind;
  pb::AttrValueProto p;
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          p.kind = Kind::kB;
          p.b = v;
        } else if constexpr (std::is_same_v<T, int64_t>) {
          p.kind = Kind::kI;
          p.i = v;
        } else if constexpr (std::is_same_v<T, double>) {
          p.kind = Kind::kF;
          p.f = static_cast<float>(v);  // AttrValue.f is a float, as in TensorFlow
        } else if constexpr (std::is_same_v<T, std::string>) {
          p.kind = Kind::kS;
          p.s = v;
        } else if constexpr (std::is_same_v<T, DType>) {
          p.kind = Kind::kType;
          p.type = dtype_to_proto(v);
        } else if constexpr (std::is_same_v<T, Shape>) {
          p.kind = Kind::kShape;
          p.shape = shape_to_proto(v);
        } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
          p.kind = Kind::kList;
          p.list.i = v;
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {
          p.kind = Kind::kList;
          for (double d : v) p.list.f.push_back(static_cast<float>(d));
        } else if constexpr (std::is_same_v<T, Tensor>) {
          p.kind = Kind::kTensor;
          p.tensor = tensor_to_proto(v);
        } else {
          static_assert(sizeof(T) == 0, "an AttrValue alternative without an encoding");
        }
      },
      value);
  return p;
}

AttrValue attr_from_proto(const pb::AttrValueProto& p, const std::string& node_name,
                          const std::string& attr_name) {
  using Kind = pb::AttrValueProto::Kind;
  switch (p.kind) {
    case Kind::kB:
      return p.b;
    case Kind::kI:
      return p.i;
    case Kind::kF:
      return static_cast<double>(p.f);
    case Kind::kS:
      return p.s;
    case Kind::kType:
      return dtype_from_proto(p.type, node_name);
    case Kind::kShape:
      return shape_from_proto(p.shape);
    case Kind::kTensor:
      return tensor_from_proto(p.tensor, node_name);
    case Kind::kList: {
      // As the Python layer: floats win; ints (or an empty list) next; nothing else.
      const auto& l = p.list;
      if (!l.f.empty()) return std::vector<double>(l.f.begin(), l.f.end());
      if (!l.i.empty() || l.empty()) return l.i;
      break;
    }
    default:
      break;
  }
  raise(ErrorCode::kValue, "Attribute '", attr_name, "' of node '", node_name,
        "' has a value varflow cannot hold: ", attr_debug_string(p));
}

bool attr_equal(const pb::AttrValueProto& a, const pb::AttrValueProto& b) {
  return pb::serialize(a) == pb::serialize(b);
}

std::string attr_debug_string(const pb::AttrValueProto& p) {
  using Kind = pb::AttrValueProto::Kind;
  std::ostringstream out;
  switch (p.kind) {
    case Kind::kNone:
      return "(no value)";
    case Kind::kB:
      out << "b: " << (p.b ? "true" : "false");
      break;
    case Kind::kI:
      out << "i: " << p.i;
      break;
    case Kind::kF:
      out << "f: " << p.f;
      break;
    case Kind::kS:
      out << "s: \"" << p.s << "\"";
      break;
    case Kind::kType:
      out << "type: " << p.type;
      break;
    case Kind::kShape:
      out << "shape: " << shape_from_proto(p.shape).to_tf_string();
      break;
    case Kind::kTensor:
      out << "tensor { dtype: " << p.tensor.dtype << " }";
      break;
    case Kind::kPlaceholder:
      out << "placeholder: \"" << p.s << "\"";
      break;
    case Kind::kFunc:
      out << "func { ... }";
      break;
    case Kind::kList: {
      const auto& l = p.list;
      out << "list {";
      for (const auto& s : l.s) out << " s: \"" << s << "\"";
      for (auto i : l.i) out << " i: " << i;
      for (auto f : l.f) out << " f: " << f;
      for (auto b : l.b) out << " b: " << (b ? "true" : "false");
      for (auto t : l.type) out << " type: " << t;
      for (const auto& s : l.shape) out << " shape: " << shape_from_proto(s).to_tf_string();
      if (!l.tensor.empty()) out << " tensor: (" << l.tensor.size() << ")";
      if (!l.func.empty()) out << " func: (" << l.func.size() << ")";
      out << " }";
      break;
    }
  }
  return out.str();
}

}  // namespace varflow::io
