#include "ops/shape_rules.h"

#include <algorithm>

namespace varflow::shape_rules {

void unchanged(InferenceContext& c) { c.set_output(0, c.input_dtype(0), c.input_shape(0)); }

DType same_dtype(InferenceContext& c) {
  DType first = c.input_dtype(0);
  for (int i = 1; i < c.num_inputs(); ++i) {
    if (c.input_dtype(i) != first) {
      const auto& names = c.op_def().input_names;
      std::string arg0 = names.empty() ? "x" : names[0];
      std::string argi =
          static_cast<size_t>(i) < names.size() ? names[static_cast<size_t>(i)] : arg0;
      raise(ErrorCode::kType, "Input '", argi, "' of '", c.op_type(), "' Op has type ",
            dtype_name(c.input_dtype(i)), " that does not match type ", dtype_name(first),
            " of argument '", arg0, "' (node '", c.node_name(), "').");
    }
  }
  return first;
}

void require_same_dtype_as(InferenceContext& c, int i, int reference) {
  if (c.input_dtype(i) == c.input_dtype(reference)) return;
  const auto& names = c.op_def().input_names;
  c.type_error("Input '", names[static_cast<size_t>(i)], "' of '", c.op_type(), "' Op has type ",
               dtype_name(c.input_dtype(i)), " that does not match type ",
               dtype_name(c.input_dtype(reference)), " of argument '",
               names[static_cast<size_t>(reference)], "'");
}

void require_dtype(InferenceContext& c, int i, std::initializer_list<DType> allowed) {
  DType d = c.input_dtype(i);
  if (std::find(allowed.begin(), allowed.end(), d) != allowed.end()) return;
  std::string list;
  for (DType a : allowed) list += std::string(list.empty() ? "" : ", ") + dtype_name(a);
  const auto& names = c.op_def().input_names;
  std::string arg = static_cast<size_t>(i) < names.size() ? names[static_cast<size_t>(i)] : "x";
  raise(ErrorCode::kType, "Value passed to parameter '", arg, "' has DataType ", dtype_name(d),
        " not in list of allowed values: ", list, " (op '", c.op_type(), "', node '", c.node_name(),
        "')");
}

Shape broadcast_shapes(InferenceContext& c, const Shape& a, const Shape& b) {
  if (!a.has_rank() || !b.has_rank()) return Shape::unknown_rank();
  size_t rank = static_cast<size_t>(std::max(a.rank(), b.rank()));
  Dims out(rank);
  for (size_t i = 0; i < rank; ++i) {
    size_t ra = rank - static_cast<size_t>(a.rank()), rb = rank - static_cast<size_t>(b.rank());
    int64_t da = i < ra ? 1 : a.dims()[i - ra];
    int64_t db = i < rb ? 1 : b.dims()[i - rb];
    if (da == 1) {
      out[i] = db;
    } else if (db == 1) {
      out[i] = da;
    } else if (da == kUnknownDim || db == kUnknownDim) {
      out[i] = da == kUnknownDim ? db : da;
    } else if (da == db) {
      out[i] = da;
    } else {
      raise(ErrorCode::kValue, "Dimensions must be equal, but are ", da, " and ", db, " for '",
            c.node_name(), "' (op: '", c.op_type(), "') with input shapes: ", a.to_tf_string(),
            ", ", b.to_tf_string(), ".");
    }
  }
  return Shape(out);
}

void broadcast_binary(InferenceContext& c) {
  DType d = same_dtype(c);
  c.set_output(0, d, broadcast_shapes(c, c.input_shape(0), c.input_shape(1)));
}

void broadcast_compare(InferenceContext& c) {
  same_dtype(c);
  c.set_output(0, DType::kBool, broadcast_shapes(c, c.input_shape(0), c.input_shape(1)));
}

std::vector<int> normalize_axes(InferenceContext& c, const Tensor& axes, int rank) {
  std::vector<int> out;
  Tensor ax = axes.cast(DType::kInt64);
  for (int64_t i = 0; i < ax.num_elements(); ++i) {
    int64_t a = ax.data<int64_t>()[i];
    if (a < -rank || a >= rank)
      c.value_error("Invalid reduction dimension ", a, " for input with ", rank, " dimensions.");
    out.push_back(static_cast<int>(a < 0 ? a + rank : a));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void reduction(InferenceContext& c) {
  require_dtype(c, 1, {DType::kInt32, DType::kInt64});
  const Shape& in = c.input_shape(0);
  const bool keep = c.attrs().get<bool>("keep_dims");
  const Tensor* axes = c.constant_input(1);
  if (!in.has_rank() || !axes) {
    c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  std::vector<int> ax = normalize_axes(c, *axes, in.rank());
  Dims out;
  for (int i = 0; i < in.rank(); ++i) {
    bool reduced = std::find(ax.begin(), ax.end(), i) != ax.end();
    if (!reduced)
      out.push_back(in.dim(i));
    else if (keep)
      out.push_back(1);
  }
  c.set_output(0, c.input_dtype(0), Shape(out));
}

namespace {

// A scalar size when building tells it: a Const, or an element of tf.unstack(tf.shape(x)) whose
// dimension of x is known; else kUnknownDim.
int64_t known_size(const Output& part) {
  const Node* node = part.node;
  if (node->type() == "Const") {
    const Tensor& value = node->attrs().get<Tensor>("value");
    if (value.rank() != 0) return kUnknownDim;
    const int64_t size = value.scalar_as_int();
    return size >= 0 ? size : kUnknownDim;
  }
  if (node->type() == "Unpack" && node->inputs()[0].node->type() == "Shape" &&
      node->attrs().get_or<int64_t>("axis", 0) == 0) {
    const Shape& shape = node->inputs()[0].node->inputs()[0].shape();
    if (shape.has_rank() && part.index < shape.rank()) return shape.dim(part.index);
  }
  return kUnknownDim;
}

// The partial shape a shape vector built from pieces stands for, as TF1's
// constant_value_as_shape reads it: a Const's values, a tf.stack of scalar sizes, the Shape of
// a tensor of known rank, and a tf.concat (axis 0) of such pieces; nullopt when unknown.
std::optional<Dims> partial_dims(const Output& t) {
  const Node* node = t.node;
  const std::string& type = node->type();
  if (type == "Const") {
    const Tensor& value = node->attrs().get<Tensor>("value");
    if (value.rank() != 1 || !is_integer(value.dtype())) return std::nullopt;
    const Tensor v = value.cast(DType::kInt64);
    Dims dims;
    for (int64_t k = 0; k < v.num_elements(); ++k)
      dims.push_back(v.data<int64_t>()[k] >= 0 ? v.data<int64_t>()[k] : kUnknownDim);
    return dims;
  }
  if (type == "Pack") {
    Dims dims;
    for (const Output& part : node->inputs()) {
      if (!part.shape().has_rank() || part.shape().rank() != 0) return std::nullopt;
      dims.push_back(known_size(part));
    }
    return dims;
  }
  if (type == "Shape") {
    const Shape& shape = node->inputs()[0].shape();
    if (shape.has_rank()) return shape.dims();
    return std::nullopt;
  }
  if (type == "ConcatV2") {
    const std::vector<Output>& in = node->inputs();
    const Node* axis = in.back().node;
    if (axis->type() != "Const") return std::nullopt;
    const int64_t a = axis->attrs().get<Tensor>("value").scalar_as_int();
    if (a != 0 && a != -1) return std::nullopt;
    Dims dims;
    for (size_t k = 0; k + 1 < in.size(); ++k) {
      const std::optional<Dims> piece = partial_dims(in[k]);
      if (!piece) return std::nullopt;
      dims.insert(dims.end(), piece->begin(), piece->end());
    }
    return dims;
  }
  return std::nullopt;
}

}  // namespace

Shape shape_from_input(InferenceContext& c, int i) {
  const Tensor* t = c.constant_input(i);
  const Node* node = c.input(i).node;
  if (!t && (node->type() == "Pack" || node->type() == "ConcatV2")) {
    // A shape stacked or concatenated from pieces (TF1's partial shape of such a vector): the
    // constant sizes are known, the rest unknown.
    if (std::optional<Dims> dims = partial_dims(c.input(i))) return Shape(*dims);
    if (node->type() == "Pack") return Shape::unknown_rank();
  }
  if (!t) {
    const Shape& s = c.input_shape(i);
    // A shape vector of known length gives that many unknown dims; lengths beyond any real
    // rank (a placeholder declared [10**12]) give an unknown rank rather than a huge vector.
    constexpr int64_t kMaxRank = 254;
    if (s.rank() == 1 && s.dim(0) >= 0 && s.dim(0) <= kMaxRank)
      return Shape(Dims(static_cast<size_t>(s.dim(0)), kUnknownDim));
    return Shape::unknown_rank();
  }
  if (t->rank() != 1)
    c.value_error("Shape must be rank 1 but is rank ", t->rank(), " for the shape input ", i);
  Tensor v = t->cast(DType::kInt64);
  Dims dims(v.data<int64_t>(), v.data<int64_t>() + v.num_elements());
  for (int64_t d : dims)
    if (d < kUnknownDim) c.value_error("Invalid value in tensor used for shape: ", d);
  Shape shape(dims);
  if (shape.fully_defined()) {
    try {
      num_elements(dims);
    } catch (const Error& e) {
      c.value_error(e.what());
    }
  }
  return shape;
}

void require_rank(InferenceContext& c, int i, int rank) {
  const Shape& s = c.input_shape(i);
  if (s.has_rank() && s.rank() != rank)
    raise(
        ErrorCode::kValue, "Shape must be rank ", rank, " but is rank ", s.rank(), " for '",
        c.node_name(), "' (op: '", c.op_type(), "') with input shapes: ",
        [&] {
          std::string all;
          for (int k = 0; k < c.num_inputs(); ++k)
            all += (k ? ", " : "") + c.input_shape(k).to_tf_string();
          return all;
        }(),
        ".");
}

}  // namespace varflow::shape_rules
