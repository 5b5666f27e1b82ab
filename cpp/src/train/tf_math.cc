#include "train/tf_math.h"

#include <cmath>
#include <cstdint>

#include "varflow/errors.h"
#include "varflow/ops_generated.h"
#include "varflow/train/arg.h"

namespace varflow::train {

Output Arg::tensor(Graph& graph, std::optional<DType> dtype, const std::string& name) const {
  if (build_) return build_(dtype, name);
  if (tensor_) return dtype ? tf::cast(*tensor_, *dtype) : *tensor_;
  const DType d = dtype.value_or(DType::kFloat32);
  const double v = *number_;
  if (!is_floating(d) && (v != std::floor(v) || !std::isfinite(v)))
    raise(ErrorCode::kType, "Expected ", dtype_name(d), ", got ", v, " of type 'float' instead.");
  return ops::constant(graph, Tensor::scalar<double>(v).cast(d), name);
}

Output Arg::index_tensor(Graph& graph, const std::string& name) const {
  if (build_) return build_(std::nullopt, name);
  if (tensor_) return *tensor_;
  const double v = *number_;
  const bool fits32 = v >= -2147483648.0 && v <= 2147483647.0;
  return ops::constant(
      graph, Tensor::scalar<double>(v).cast(fits32 ? DType::kInt32 : DType::kInt64), name);
}

namespace tf {

namespace {
Output binary(const std::string& type, Output a, Output b, const std::string& name) {
  return ops::op(a.graph(), type, {a, b}, {}, name);
}
}  // namespace

Output mul(Output a, Output b) { return binary("Mul", a, b, "mul"); }
Output mul(double a, Output b) {
  Output c = k(b, a);
  return binary("Mul", c, b, "mul");
}
Output mul(Output a, double b) {
  Output c = k(a, b);
  return binary("Mul", a, c, "mul");
}
Output add(Output a, Output b) { return binary("AddV2", a, b, "add"); }
Output add(double a, Output b) {
  Output c = k(b, a);
  return binary("AddV2", c, b, "add");
}
Output add(Output a, double b) {
  Output c = k(a, b);
  return binary("AddV2", a, c, "add");
}
Output sub(Output a, Output b) { return binary("Sub", a, b, "sub"); }
Output sub(double a, Output b) {
  Output c = k(b, a);
  return binary("Sub", c, b, "sub");
}
Output sub(Output a, double b) {
  Output c = k(a, b);
  return binary("Sub", a, c, "sub");
}
Output truediv(Output a, Output b, const std::string& name) {
  Graph& g = a.graph();
  NameScope scope(g, name.empty() ? "truediv" : name);
  // TF1 divides integers in float64.
  if (!is_floating(a.dtype())) {
    a = ops::cast(a, DType::kFloat64, "Cast");
    b = ops::cast(b, DType::kFloat64, "Cast");
  }
  return ops::op(g, "RealDiv", {a, b}, {}, scope.scope());
}
Output truediv(double a, Output b) {
  Output c = k(b, a);
  return truediv(c, b);
}
Output truediv(Output a, double b) {
  Output c = k(a, b);
  return truediv(a, c);
}
Output neg(Output a) { return ops::op(a.graph(), "Neg", {a}, {}, "Neg"); }

Output op(const std::string& type, const std::vector<Output>& inputs, const std::string& name,
          AttrMap attrs) {
  VF_CHECK(!inputs.empty(), ErrorCode::kInternal, "tf::op needs an input to find the graph");
  return ops::op(inputs[0].graph(), type, inputs, std::move(attrs), name.empty() ? type : name);
}

Output cast(Output x, DType dtype, const std::string& name) {
  if (x.dtype() == dtype) return x;
  return ops::cast(x, dtype, name.empty() ? "Cast" : name);
}

Output reduce(const std::string& type, Output x, Output axes, bool keep_dims,
              const std::string& name) {
  return ops::op(x.graph(), type, {x, axes}, {{"keep_dims", keep_dims}},
                 name.empty() ? type : name);
}

Output reduce(const std::string& type, Output x, const std::optional<std::vector<int64_t>>& axes,
              bool keep_dims, const std::string& name) {
  Graph& g = x.graph();
  Output axes_t;
  if (axes) {
    // int32 axes, or int64 when one does not fit (TF1's conversion of a Python list), so that
    // an out-of-range axis reaches the op as it is.
    const int64_t n = static_cast<int64_t>(axes->size());
    bool fits32 = true;
    for (int64_t a : *axes) fits32 &= a >= INT32_MIN && a <= INT32_MAX;
    if (fits32) {
      std::vector<int32_t> v(axes->begin(), axes->end());
      axes_t = ops::constant(g, Tensor::from_vector(v, {n}), "Const");
    } else {
      axes_t = ops::constant(g, Tensor::from_vector(*axes, {n}), "Const");
    }
  } else if (x.shape().has_rank()) {
    std::vector<int32_t> v;
    for (int i = 0; i < x.shape().rank(); ++i) v.push_back(i);
    axes_t = ops::constant(g, Tensor::from_vector(v, {static_cast<int64_t>(v.size())}), "Const");
  } else {
    Output start = ops::scalar<int32_t>(g, 0, "range/start");
    Output rank = ops::op(g, "Rank", {x}, {}, "Rank");
    Output delta = ops::scalar<int32_t>(g, 1, "range/delta");
    axes_t = ops::op(g, "Range", {start, rank, delta}, {}, "range");
  }
  return reduce(type, x, axes_t, keep_dims, name);
}

Output int32_vector(Graph& graph, const std::vector<int32_t>& values) {
  return ops::constant(
      graph, Tensor::from_vector<int32_t>(values, {static_cast<int64_t>(values.size())}), "Const");
}

Output int32_scalar(Graph& graph, int32_t value) {
  return ops::constant(graph, Tensor::scalar<int32_t>(value), "Const");
}

Output expand_dims(Graph& graph, Output x, int32_t axis) {
  NameScope scope(graph, "ExpandDims");
  Output dim = ops::constant(graph, Tensor::scalar<int32_t>(axis), "dim");
  return ops::ExpandDims(x, dim, scope.scope());
}

Output transpose(Graph& graph, Output x, const std::vector<int32_t>& perm) {
  NameScope scope(graph, "transpose");
  Output perm_const = ops::constant(
      graph, Tensor::from_vector<int32_t>(perm, {static_cast<int64_t>(perm.size())}), "perm");
  return ops::Transpose(x, perm_const, scope.scope());
}

Output strided_slice_1d(Output x, int64_t begin, int64_t end, int64_t begin_mask, int64_t end_mask,
                        int64_t shrink_axis_mask) {
  Graph& g = x.graph();
  NameScope scope(g, "strided_slice");
  auto stack = [&](int64_t v, const char* name) {
    return ops::constant(g, Tensor::from_vector<int32_t>({static_cast<int32_t>(v)}, {1}), name);
  };
  Output b = stack(begin, "stack");
  Output e = stack(end, "stack_1");
  Output s = stack(1, "stack_2");
  return ops::op(g, "StridedSlice", {x, b, e, s},
                 {{"begin_mask", begin_mask},
                  {"end_mask", end_mask},
                  {"ellipsis_mask", int64_t{0}},
                  {"new_axis_mask", int64_t{0}},
                  {"shrink_axis_mask", shrink_axis_mask}},
                 scope.scope());
}

Output string_scalar(Graph& graph, const std::string& value) {
  Tensor t(DType::kString, {});
  *t.data<std::string>() = value;
  return ops::constant(graph, t, "Const");
}

Node* binary_assert(Output left, Output right, const std::string& comparison,
                    const AssertData& data) {
  Graph& g = left.graph();
  Output all = reduce("All", op(comparison, {left, right}), std::nullopt, false);
  NameScope scope(g, "Assert");
  std::vector<Output> inputs = {all};
  for (const auto& item : data)
    inputs.push_back(std::holds_alternative<Output>(item)
                         ? std::get<Output>(item)
                         : string_scalar(g, std::get<std::string>(item)));
  return ops::add_op(g, "Assert", inputs, {}, "Assert");
}

std::string shape_str(const Shape& shape) {
  if (!shape.has_rank()) return "<unknown>";
  std::string out = "(";
  for (int i = 0; i < shape.rank(); ++i) {
    if (i) out += ", ";
    out += shape.dim(i) < 0 ? "?" : std::to_string(shape.dim(i));
  }
  return out + (shape.rank() == 1 ? ",)" : ")");
}

std::string dtype_str(DType dtype) { return std::string("<dtype: '") + dtype_name(dtype) + "'>"; }

}  // namespace tf
}  // namespace varflow::train
