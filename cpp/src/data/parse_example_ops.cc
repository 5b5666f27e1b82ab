// ParseExample: tf.train.Example protos (serialized strings) into dense tensors, for TF1's
// parse_single_example / parse_example with FixedLenFeature (float32, int64 and bytes), and
// into SparseTensors (indices, values, dense_shape after the dense outputs) for
// VarLenFeature. The
// proto's wire format is read directly: Example.features (1) -> Features.feature (1, a map
// entry of key (1) and Feature (2)) -> bytes_list (1), float_list (2) or int64_list (3), each a
// repeated field 1, packed or not.
#include <algorithm>
#include <cstring>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include "data/datasets.h"
#include "data/element.h"
#include "varflow/errors.h"

namespace varflow::data {

namespace {

enum class Kind { kNone, kBytes, kFloat, kInt64 };

struct Feature {
  Kind kind = Kind::kNone;
  std::vector<std::string> bytes;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  size_t size() const {
    return kind == Kind::kBytes ? bytes.size() : kind == Kind::kFloat ? floats.size() : ints.size();
  }
};

const char* kind_name(Kind k) {
  return k == Kind::kBytes ? "string" : k == Kind::kFloat ? "float" : "int64";
}

class Reader {
 public:
  explicit Reader(std::string_view data) : p_(data.data()), end_(data.data() + data.size()) {}
  bool done() const { return p_ >= end_; }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) bad();
      const auto byte = static_cast<unsigned char>(*p_++);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    bad();
  }
  std::string_view bytes() {
    const uint64_t n = varint();
    if (n > static_cast<uint64_t>(end_ - p_)) bad();
    std::string_view out(p_, static_cast<size_t>(n));
    p_ += n;
    return out;
  }
  uint32_t fixed32() {
    if (end_ - p_ < 4) bad();
    uint32_t v;
    std::memcpy(&v, p_, 4);
    p_ += 4;
    return v;
  }
  void skip(int wire) {
    switch (wire) {
      case 0:
        varint();
        return;
      case 1:
        if (end_ - p_ < 8) bad();
        p_ += 8;
        return;
      case 2:
        bytes();
        return;
      case 5:
        fixed32();
        return;
      default:
        bad();
    }
  }
  [[noreturn]] static void bad() {
    raise(ErrorCode::kInvalidArgument, "Could not parse example input");
  }

 private:
  const char* p_;
  const char* end_;
};

float as_float(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

Feature parse_feature(std::string_view data) {
  Feature f;
  Reader r(data);
  while (!r.done()) {
    const uint64_t tag = r.varint();
    const int field = static_cast<int>(tag >> 3), wire = static_cast<int>(tag & 7);
    if (field < 1 || field > 3 || wire != 2) {
      r.skip(wire);
      continue;
    }
    f.kind = field == 1 ? Kind::kBytes : field == 2 ? Kind::kFloat : Kind::kInt64;
    Reader list(r.bytes());
    while (!list.done()) {
      const uint64_t t = list.varint();
      const int lw = static_cast<int>(t & 7);
      if ((t >> 3) != 1) {
        list.skip(lw);
        continue;
      }
      if (f.kind == Kind::kBytes && lw == 2) {
        f.bytes.emplace_back(list.bytes());
      } else if (f.kind == Kind::kFloat && lw == 5) {
        f.floats.push_back(as_float(list.fixed32()));
      } else if (f.kind == Kind::kFloat && lw == 2) {
        Reader packed(list.bytes());
        while (!packed.done()) f.floats.push_back(as_float(packed.fixed32()));
      } else if (f.kind == Kind::kInt64 && lw == 0) {
        f.ints.push_back(static_cast<int64_t>(list.varint()));
      } else if (f.kind == Kind::kInt64 && lw == 2) {
        Reader packed(list.bytes());
        while (!packed.done()) f.ints.push_back(static_cast<int64_t>(packed.varint()));
      } else {
        Reader::bad();
      }
    }
  }
  return f;
}

std::unordered_map<std::string, Feature> parse_example(std::string_view data) {
  std::unordered_map<std::string, Feature> out;
  Reader r(data);
  while (!r.done()) {
    const uint64_t tag = r.varint();
    if (tag != ((1 << 3) | 2)) {
      r.skip(static_cast<int>(tag & 7));
      continue;
    }
    Reader features(r.bytes());
    while (!features.done()) {
      const uint64_t t = features.varint();
      if (t != ((1 << 3) | 2)) {
        features.skip(static_cast<int>(t & 7));
        continue;
      }
      Reader entry(features.bytes());
      std::string key;
      Feature value;
      while (!entry.done()) {
        const uint64_t et = entry.varint();
        if (et == ((1 << 3) | 2))
          key = std::string(entry.bytes());
        else if (et == ((2 << 3) | 2))
          value = parse_feature(entry.bytes());
        else
          entry.skip(static_cast<int>(et & 7));
      }
      out[key] = std::move(value);  // a later entry for a key wins, as in proto maps
    }
  }
  return out;
}

std::vector<std::string> split_keys(const std::string& text) {
  std::vector<std::string> keys;
  if (text.empty()) return keys;
  std::stringstream in(text);
  std::string key;
  while (std::getline(in, key, '\n')) keys.push_back(key);
  return keys;
}

std::vector<DType> types_attr(const AttrMap& attrs, const char* name) {
  std::vector<DType> out;
  for (int64_t v : attrs.get<std::vector<int64_t>>(name)) out.push_back(static_cast<DType>(v));
  return out;
}
std::vector<DType> dense_types(const AttrMap& attrs) { return types_attr(attrs, "Tdense"); }

Kind kind_of(DType d) {
  return d == DType::kFloat32 ? Kind::kFloat : d == DType::kInt64 ? Kind::kInt64 : Kind::kBytes;
}

// Writes the feature's values into out[offset .. offset + n).
void store(const Feature& f, Tensor& out, int64_t offset) {
  if (f.kind == Kind::kFloat)
    std::memcpy(out.data<float>() + offset, f.floats.data(), f.floats.size() * sizeof(float));
  else if (f.kind == Kind::kInt64)
    std::memcpy(out.data<int64_t>() + offset, f.ints.data(), f.ints.size() * sizeof(int64_t));
  else
    for (size_t i = 0; i < f.bytes.size(); ++i)
      static_cast<std::string*>(out.raw())[offset + static_cast<int64_t>(i)] = f.bytes[i];
}

// VarLenFeature k: outputs first + 3k .. first + 3k + 2 are its indices ([nnz, 2] for a batch:
// example, position; [nnz, 1] for one example), values and dense_shape (the longest list).
void parse_sparse(KernelContext& c, const Tensor& serialized, size_t first) {
  const std::vector<std::string> keys = split_keys(c.attrs().get<std::string>("sparse_keys"));
  if (keys.empty()) return;
  const std::vector<DType> types = types_attr(c.attrs(), "Tsparse");
  const bool batched = serialized.rank() == 1;
  const int64_t n = batched ? serialized.dim(0) : 1;
  const auto* examples = static_cast<const std::string*>(serialized.raw());
  std::vector<std::unordered_map<std::string, Feature>> parsed;
  for (int64_t i = 0; i < n; ++i) parsed.push_back(parse_example(examples[i]));
  for (size_t k = 0; k < keys.size(); ++k) {
    int64_t nnz = 0, longest = 0;
    for (int64_t i = 0; i < n; ++i) {
      auto it = parsed[static_cast<size_t>(i)].find(keys[k]);
      if (it == parsed[static_cast<size_t>(i)].end() || it->second.kind == Kind::kNone) continue;
      const Feature& f = it->second;
      if (f.kind != kind_of(types[k]))
        c.fail(ErrorCode::kInvalidArgument, "Key: ", keys[k],
               ".  Data types don't match. Expected type: ", kind_name(kind_of(types[k])),
               ", Actual type: ", kind_name(f.kind));
      nnz += static_cast<int64_t>(f.size());
      longest = std::max(longest, static_cast<int64_t>(f.size()));
    }
    const int cols = batched ? 2 : 1;
    const int out = static_cast<int>(first + 3 * k);
    Tensor& ix = c.allocate_output(out, DType::kInt64, {nnz, cols});
    Tensor& values = c.allocate_output(out + 1, types[k], {nnz});
    int64_t at = 0;
    for (int64_t i = 0; i < n; ++i) {
      auto it = parsed[static_cast<size_t>(i)].find(keys[k]);
      if (it == parsed[static_cast<size_t>(i)].end() || it->second.kind == Kind::kNone) continue;
      const Feature& f = it->second;
      for (int64_t j = 0; j < static_cast<int64_t>(f.size()); ++j) {
        int64_t* row = ix.data<int64_t>() + (at + j) * cols;
        if (batched) *row++ = i;
        *row = j;
      }
      store(f, values, at);
      at += static_cast<int64_t>(f.size());
    }
    Tensor shape(DType::kInt64, {cols});
    if (batched) shape.data<int64_t>()[0] = n;
    shape.data<int64_t>()[cols - 1] = longest;
    c.set_output(out + 2, std::move(shape));
  }
}

void parse_example_kernel(KernelContext& c) {
  const Tensor& serialized = c.input(0);
  const std::vector<std::string> keys = split_keys(c.attrs().get<std::string>("dense_keys"));
  const std::vector<DType> types = dense_types(c.attrs());
  const std::vector<Shape> shapes = decode_shapes(c.attrs().get<std::string>("dense_shapes"));
  const bool batched = serialized.rank() == 1;
  const int64_t n = batched ? serialized.dim(0) : 1;
  std::vector<Tensor*> outs;
  for (size_t k = 0; k < keys.size(); ++k) {
    Dims dims = shapes[k].dims();
    if (batched) dims.insert(dims.begin(), n);
    outs.push_back(&c.allocate_output(static_cast<int>(k), types[k], dims));
  }
  const auto* examples = static_cast<const std::string*>(serialized.raw());
  for (int64_t i = 0; i < n; ++i) {
    const auto features = parse_example(examples[i]);
    for (size_t k = 0; k < keys.size(); ++k) {
      const int64_t size = shapes[k].num_elements();
      const int64_t offset = i * size;
      auto it = features.find(keys[k]);
      if (it == features.end() || it->second.kind == Kind::kNone) {
        const Tensor& fallback = c.input(1 + static_cast<int>(k));
        if (fallback.num_elements() == 0)
          c.fail(ErrorCode::kInvalidArgument, "Feature: ", keys[k],
                 " (data type: ", kind_name(kind_of(types[k])),
                 ") is required but could not be found.");
        copy_elements(fallback, 0, *outs[k], offset, size);
        continue;
      }
      const Feature& f = it->second;
      if (f.kind != kind_of(types[k]))
        c.fail(ErrorCode::kInvalidArgument, "Name: <unknown>, Key: ", keys[k], ", Index: ", i,
               ".  Data types don't match. Data type: ", kind_name(f.kind),
               " but expected type: ", kind_name(kind_of(types[k])));
      if (static_cast<int64_t>(f.size()) != size)
        c.fail(ErrorCode::kInvalidArgument, "Name: <unknown>, Key: ", keys[k], ", Index: ", i,
               ".  Number of ", kind_name(f.kind), " values != expected.  Values size: ", f.size(),
               " but output shape: ", shapes[k].to_tf_string());
      store(f, *outs[k], offset);
    }
  }
  parse_sparse(c, serialized, keys.size());
}

void parse_example_shape(InferenceContext& c) {
  const std::vector<std::string> keys = split_keys(c.attrs().get<std::string>("dense_keys"));
  const std::vector<DType> types = dense_types(c.attrs());
  const std::vector<Shape> shapes = decode_shapes(c.attrs().get<std::string>("dense_shapes"));
  if (types.size() != keys.size() || shapes.size() != keys.size() ||
      c.num_inputs() != 1 + static_cast<int>(keys.size()))
    c.value_error("dense_keys, Tdense, dense_shapes and dense_defaults differ in length");
  if (c.input_dtype(0) != DType::kString) c.type_error("serialized must be a string tensor");
  const Shape& in = c.input_shape(0);
  if (in.has_rank() && in.rank() > 1) c.value_error("serialized must be a scalar or a vector");
  const std::vector<std::string> sparse_keys =
      split_keys(c.attrs().get<std::string>("sparse_keys"));
  const std::vector<DType> sparse_types = types_attr(c.attrs(), "Tsparse");
  if (sparse_types.size() != sparse_keys.size())
    c.value_error("sparse_keys and Tsparse differ in length");
  c.set_num_outputs(static_cast<int>(keys.size() + 3 * sparse_keys.size()));
  for (size_t k = 0; k < sparse_keys.size(); ++k) {
    const DType t = sparse_types[k];
    if (t != DType::kFloat32 && t != DType::kInt64 && t != DType::kString)
      c.type_error("VarLenFeature dtype must be float32, int64 or string, got ", dtype_name(t));
    const int out = static_cast<int>(keys.size() + 3 * k);
    const int64_t cols = !in.has_rank() ? kUnknownDim : in.rank() == 1 ? 2 : 1;
    c.set_output(out, DType::kInt64, Shape({kUnknownDim, cols}));
    c.set_output(out + 1, t, Shape({kUnknownDim}));
    c.set_output(out + 2, DType::kInt64, Shape({cols}));
  }
  for (size_t k = 0; k < keys.size(); ++k) {
    if (types[k] != DType::kFloat32 && types[k] != DType::kInt64 && types[k] != DType::kString)
      c.type_error("FixedLenFeature dtype must be float32, int64 or string, got ",
                   dtype_name(types[k]));
    if (!shapes[k].fully_defined()) c.value_error("dense shape ", k, " must be fully defined");
    if (c.input_dtype(1 + static_cast<int>(k)) != types[k])
      c.type_error("default value ", k, " has dtype ",
                   dtype_name(c.input_dtype(1 + static_cast<int>(k))));
    Dims dims = shapes[k].dims();
    if (!in.has_rank() || in.rank() == 1)
      dims.insert(dims.begin(), in.has_rank() ? in.dim(0) : kUnknownDim);
    c.set_output(static_cast<int>(k), types[k],
                 in.has_rank() ? Shape(dims) : Shape::unknown_rank());
  }
}

}  // namespace

void register_parse_example(OpRegistry& r) {
  r.add("ParseExample")
      .inputs({"serialized", "dense_defaults"})
      .variadic_inputs()
      .outputs({"dense_values"})
      .required_attr("dense_keys", AttrType::kString, "the features' keys, one per line")
      .required_attr("Tdense", AttrType::kIntList, "their dtypes (DType values)")
      .required_attr("dense_shapes", AttrType::kString, "their shapes (data.h's encoding)")
      .attr("sparse_keys", "", "the VarLenFeatures' keys, one per line")
      .attr("Tsparse", std::vector<int64_t>{}, "their dtypes (DType values)")
      .shape(parse_example_shape)
      .kernel(parse_example_kernel)
      .not_differentiable()
      .doc(
          "tf.train.Example protos (a scalar or a batch) into dense tensors (FixedLenFeature) "
          "and SparseTensors (VarLenFeature).");
}

}  // namespace varflow::data
