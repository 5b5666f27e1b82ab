// Binding specs to values, and the shape encoding of the iterator ops' attributes.
#include <sstream>
#include <unordered_map>

#include "data/datasets.h"
#include "data/element.h"
#include "varflow/errors.h"

namespace varflow::data {

const Tensor& Binding::arg(size_t i) const {
  VF_CHECK(i < spec.args.size(), ErrorCode::kInternal, spec.name, " has no argument ", i);
  const int index = spec.args[i];
  VF_CHECK(index >= 0 && static_cast<size_t>(index) < scope.size(), ErrorCode::kInternal, spec.name,
           ": argument ", i, " refers to input ", index, " of ", scope.size());
  return scope[static_cast<size_t>(index)];
}

int64_t Binding::int_arg(size_t i, const std::string& what) const {
  return scalar_int(arg(i), spec.name + ": " + what);
}

bool Binding::bool_arg(size_t i, const std::string& what) const {
  return scalar_bool(arg(i), spec.name + ": " + what);
}

int64_t Binding::option(const std::string& key, int64_t fallback) const {
  auto it = spec.options.find(key);
  return it == spec.options.end() ? fallback : it->second;
}

std::vector<Tensor> Binding::captured() const {
  std::vector<Tensor> values;
  for (int index : spec.fn->captured) {
    VF_CHECK(index >= 0 && static_cast<size_t>(index) < scope.size(), ErrorCode::kInternal,
             spec.name, ": captured value refers to input ", index, " of ", scope.size());
    values.push_back(scope[static_cast<size_t>(index)]);
  }
  return values;
}

void check_signature(const Element& element, const std::vector<DType>& dtypes,
                     const std::vector<Shape>& shapes, const std::string& who) {
  VF_CHECK(element.size() == dtypes.size(), ErrorCode::kInvalidArgument, who, " produced ",
           element.size(), " components where ", dtypes.size(), " were expected");
  for (size_t i = 0; i < element.size(); ++i) {
    VF_CHECK(element[i].dtype() == dtypes[i], ErrorCode::kInvalidArgument, who,
             " produced an element of type ", dtype_name(element[i].dtype()), " in component ", i,
             " where an element of type ", dtype_name(dtypes[i]), " was expected");
    VF_CHECK(i >= shapes.size() || shapes[i].accepts(element[i].dims()),
             ErrorCode::kInvalidArgument, who, " produced an element of shape ",
             dims_to_string(element[i].dims()), " in component ", i, " where an element of shape ",
             shapes[i].to_string(), " was expected");
  }
}

std::shared_ptr<const Dataset> bind_dataset(const DatasetSpec& spec,
                                            const std::vector<Tensor>& inputs) {
  using Binder = DatasetPtr (*)(const Binding&);
  static const std::unordered_map<std::string, Binder> binders = {
      {"TensorSlice", bind_tensor_slice},
      {"Tensors", bind_tensors},
      {"Range", bind_range},
      {"Generator", bind_generator},
      {"Zip", bind_zip},
      {"Concatenate", bind_concatenate},
      {"Batch", bind_batch},
      {"PaddedBatch", bind_padded_batch},
      {"Repeat", bind_repeat},
      {"Take", bind_take},
      {"Skip", bind_skip},
      {"Cache", bind_cache},
      {"Shuffle", bind_shuffle},
      {"Prefetch", bind_prefetch},
      {"Map", bind_map},
      {"Filter", bind_filter},
      {"FlatMap", bind_flat_map},
      {"Interleave", bind_interleave},
      {"TFRecord", bind_tfrecord},
  };
  auto it = binders.find(spec.kind);
  VF_CHECK(it != binders.end(), ErrorCode::kUnimplemented, "Dataset kind '", spec.kind,
           "' is not supported");
  Binding b{spec, inputs, {}};
  for (const auto& child : spec.inputs) {
    VF_CHECK(child != nullptr, ErrorCode::kInternal, spec.name, " has a null input dataset");
    b.inputs.push_back(bind_dataset(*child, inputs));
  }
  return it->second(b);
}

std::string encode_shapes(const std::vector<Shape>& shapes) {
  std::ostringstream out;
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (i) out << ';';
    if (!shapes[i].has_rank()) {
      out << '*';
      continue;
    }
    out << '[';
    for (int d = 0; d < shapes[i].rank(); ++d) out << (d ? "," : "") << shapes[i].dim(d);
    out << ']';
  }
  return out.str();
}

std::vector<Shape> decode_shapes(const std::string& text) {
  std::vector<Shape> shapes;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ';')) {
    if (part == "*") {
      shapes.push_back(Shape::unknown_rank());
      continue;
    }
    VF_CHECK(part.size() >= 2 && part.front() == '[' && part.back() == ']',
             ErrorCode::kInvalidArgument, "Malformed output_shapes attribute '", text, "'");
    Dims dims;
    std::stringstream dims_in(part.substr(1, part.size() - 2));
    std::string d;
    try {
      while (std::getline(dims_in, d, ',')) dims.push_back(std::stoll(d));
    } catch (const std::exception&) {
      raise(ErrorCode::kInvalidArgument, "Malformed output_shapes attribute '", text, "'");
    }
    shapes.emplace_back(dims);
  }
  return shapes;
}

}  // namespace varflow::data
