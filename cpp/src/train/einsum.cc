// tf.einsum lowered to Transpose, Reshape, MatMul / BatchMatMulV2 and Sum: each operand's
// repeated labels first reduce to their diagonal, then operands are contracted pairwise from
// the left as one (batched) matrix product each, and the result is transposed to the output.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/train/array_math.h"

namespace varflow::train {

namespace {

using Labels = std::string;  // one char per axis; ellipsis axes are the digits '0'..'9'

std::string quoted(const std::string& s) { return "'" + s + "'"; }

[[noreturn]] void bad_format(const std::string& equation) {
  raise(ErrorCode::kValue, "Indices have incorrect format: ", equation);
}

// The labels of `count` ellipsis axes, right-aligned in '0'..'9' so that ellipses of
// different ranks broadcast against each other.
Labels ellipsis_labels(int64_t count) {
  Labels labels;
  for (int64_t axis = 10 - count; axis < 10; ++axis) labels += static_cast<char>('0' + axis);
  return labels;
}

// `sub` with its one "..." replaced by `fill`.
Labels expand_ellipsis(const std::string& sub, const Labels& fill) {
  const size_t at = sub.find("...");
  if (at == std::string::npos) return sub;
  return sub.substr(0, at) + fill + sub.substr(at + 3);
}

bool has_stray_dot(const std::string& sub) {
  std::string rest = sub;
  const size_t at = rest.find("...");
  if (at != std::string::npos) rest.erase(at, 3);
  return rest.find('.') != std::string::npos || sub.find("...", at + 1) != std::string::npos;
}

struct Subscripts {
  std::vector<Labels> inputs;
  Labels output;
};

Subscripts parse(const std::string& equation, const std::vector<Output>& operands) {
  std::string eq;
  for (char ch : equation)
    if (ch != ' ') eq += ch;
  const size_t arrow = eq.find("->");
  const bool explicit_output = arrow != std::string::npos;
  const std::string lhs = explicit_output ? eq.substr(0, arrow) : eq;
  const std::string rhs = explicit_output ? eq.substr(arrow + 2) : "";
  for (char ch : lhs)
    if (!std::isalpha(static_cast<unsigned char>(ch)) && ch != '.' && ch != ',')
      bad_format(equation);
  for (char ch : rhs)
    if (!std::isalpha(static_cast<unsigned char>(ch)) && ch != '.') bad_format(equation);

  std::vector<std::string> subs(1);
  for (char ch : lhs) {
    if (ch == ',')
      subs.emplace_back();
    else
      subs.back() += ch;
  }
  VF_CHECK(subs.size() == operands.size(), ErrorCode::kValue, "Got ", operands.size(),
           " arguments for equation \"", equation, "\", expecting ", subs.size());

  Subscripts result;
  int64_t ellipsis_rank = 0;
  for (size_t i = 0; i < subs.size(); ++i) {
    const std::string& sub = subs[i];
    if (has_stray_dot(sub)) bad_format(equation);
    const Shape& shape = operands[i].shape();
    if (sub.find("...") != std::string::npos) {
      VF_CHECK(shape.has_rank(), ErrorCode::kValue, "einsum needs the rank of the operands of ",
               quoted(equation));
      const int64_t n = shape.rank() - static_cast<int64_t>(sub.size() - 3);
      VF_CHECK(n >= 0, ErrorCode::kValue, "Too many subscripts in ", quoted(sub),
               " for an operand of rank ", shape.rank());
      ellipsis_rank = std::max(ellipsis_rank, n);
      result.inputs.push_back(expand_ellipsis(sub, ellipsis_labels(n)));
    } else {
      VF_CHECK(!shape.has_rank() || shape.rank() == static_cast<int64_t>(sub.size()),
               ErrorCode::kValue, "Input ", quoted(sub), " of equation ", quoted(equation), " has ",
               sub.size(), " subscripts but the operand has rank ", shape.rank());
      result.inputs.push_back(sub);
    }
  }
  const Labels ellipsis = ellipsis_labels(ellipsis_rank);
  if (explicit_output) {
    if (has_stray_dot(rhs)) bad_format(equation);
    result.output = expand_ellipsis(rhs, ellipsis);
  } else {
    // Implicit output: the ellipsis axes, then the letters used once, alphabetically.
    std::map<char, int> uses;
    for (const Labels& labels : result.inputs)
      for (char label : labels) ++uses[label];
    result.output = ellipsis;
    for (const auto& [label, count] : uses)
      if (count == 1 && std::isalpha(static_cast<unsigned char>(label))) result.output += label;
  }
  for (char label : result.output) {
    VF_CHECK(std::count(result.output.begin(), result.output.end(), label) == 1, ErrorCode::kValue,
             "Output subscripts contain a label appearing more than once: ", equation);
    const bool present = std::any_of(result.inputs.begin(), result.inputs.end(),
                                     [&](const Labels& l) { return l.find(label) != l.npos; });
    VF_CHECK(present, ErrorCode::kValue, "Output subscripts contain the label ", label,
             " not present in the input subscripts: ", equation);
  }
  return result;
}

// An axis length: static when known, else a scalar int32 tensor read from the shape.
struct Dim {
  int64_t known = kUnknownDim;
  Output tensor;
  bool is(int64_t n) const { return known == n; }
};

// An einsum operand: a tensor and the label of each of its axes.
struct Operand {
  Output tensor;
  Labels labels;

  Dim dim(char label) const {
    const int64_t axis = static_cast<int64_t>(labels.find(label));
    const Shape& shape = tensor.shape();
    if (shape.has_rank() && shape.dim(static_cast<int>(axis)) != kUnknownDim)
      return {shape.dim(static_cast<int>(axis)), {}};
    Output full = ops::Shape(tensor);
    return {kUnknownDim, tf::strided_slice_1d(full, axis, axis + 1, 0, 0, 1)};
  }
};

Output dim_tensor(Graph& graph, const Dim& d) {
  return d.known != kUnknownDim ? tf::int32_scalar(graph, static_cast<int32_t>(d.known)) : d.tensor;
}

// A shape from axis lengths: a Const when all are static, else a Pack of int32 scalars.
Output shape_of(Graph& graph, const std::vector<Dim>& dims) {
  const bool all_known =
      std::all_of(dims.begin(), dims.end(), [](const Dim& d) { return d.known != kUnknownDim; });
  if (all_known) {
    std::vector<int32_t> values;
    for (const Dim& d : dims) values.push_back(static_cast<int32_t>(d.known));
    return tf::int32_vector(graph, values);
  }
  std::vector<Output> parts;
  for (const Dim& d : dims) parts.push_back(dim_tensor(graph, d));
  return ops::Pack(parts, {}, "stack");
}

Dim product(Graph& graph, const std::vector<Dim>& dims) {
  const bool all_known =
      std::all_of(dims.begin(), dims.end(), [](const Dim& d) { return d.known != kUnknownDim; });
  if (all_known) {
    int64_t n = 1;
    for (const Dim& d : dims) n *= d.known;
    return {n, {}};
  }
  Output result = tf::int32_scalar(graph, 1);
  for (const Dim& d : dims) result = ops::Mul(result, dim_tensor(graph, d));
  return {kUnknownDim, result};
}

Output identity_matrix(Graph& graph, const Dim& n, DType dtype) {
  if (n.known != kUnknownDim) return eye(graph, Arg(n.known), std::nullopt, std::nullopt, dtype);
  return eye(graph, Arg(n.tensor), std::nullopt, std::nullopt, dtype);
}

// Each label repeated in one operand ("ii") keeps only the diagonal along those axes: the
// operand times an identity matrix there, summed over the second axis.
Operand take_diagonals(Graph& graph, Operand x) {
  for (;;) {
    char repeated = 0;
    for (char label : x.labels)
      if (std::count(x.labels.begin(), x.labels.end(), label) > 1) {
        repeated = label;
        break;
      }
    if (!repeated) return x;
    const size_t first = x.labels.find(repeated);
    const size_t second = x.labels.find(repeated, first + 1);
    const Dim n = x.dim(repeated);
    Output identity = identity_matrix(graph, n, x.tensor.dtype());
    std::vector<Dim> shape(x.labels.size(), Dim{1, {}});
    shape[first] = n;
    shape[second] = n;
    Output product = ops::Mul(x.tensor, ops::reshape(identity, shape_of(graph, shape)));
    Output summed =
        tf::reduce("Sum", product, std::vector<int64_t>{static_cast<int64_t>(second)}, false);
    x = {summed, x.labels.substr(0, second) + x.labels.substr(second + 1)};
  }
}

Operand sum_out(const Operand& x, const std::set<char>& keep) {
  std::vector<int64_t> axes;
  Labels kept;
  for (size_t i = 0; i < x.labels.size(); ++i) {
    if (keep.count(x.labels[i]))
      kept += x.labels[i];
    else
      axes.push_back(static_cast<int64_t>(i));
  }
  if (axes.empty()) return x;
  return {tf::reduce("Sum", x.tensor, axes, false), kept};
}

Output transpose_to(Graph& graph, const Operand& x, const Labels& labels) {
  std::vector<int32_t> perm;
  bool identity = true;
  for (char label : labels) {
    perm.push_back(static_cast<int32_t>(x.labels.find(label)));
    identity &= perm.back() == static_cast<int32_t>(perm.size() - 1);
  }
  return identity ? x.tensor : tf::transpose(graph, x.tensor, perm);
}

std::set<char> union_of(const std::set<char>& a, const Labels& b) {
  std::set<char> result = a;
  result.insert(b.begin(), b.end());
  return result;
}

// The product of two operands, summed over the labels they share that `keep` lacks:
// [batch, a-only, shared] @ [batch, shared, b-only] as one (batched) matrix product.
Operand contract_pair(Graph& graph, Operand a, Operand b, const std::set<char>& keep) {
  a = sum_out(a, union_of(keep, b.labels));
  b = sum_out(b, union_of(keep, a.labels));
  Labels batch, summed, a_only, b_only;
  for (char label : a.labels) {
    const bool shared = b.labels.find(label) != Labels::npos;
    if (!shared)
      a_only += label;
    else if (keep.count(label))
      batch += label;
    else
      summed += label;
  }
  for (char label : b.labels)
    if (a.labels.find(label) == Labels::npos) b_only += label;
  for (char label : batch + summed) {
    const Dim da = a.dim(label), db = b.dim(label);
    VF_CHECK(da.known == kUnknownDim || db.known == kUnknownDim || da.known == db.known ||
                 da.is(1) || db.is(1),
             ErrorCode::kValue, "Dimensions of label '", label, "' must be equal, but are ",
             da.known, " and ", db.known, " (shapes ", tf::shape_str(a.tensor.shape()), " and ",
             tf::shape_str(b.tensor.shape()), ")");
  }
  auto dims_of = [](const Operand& x, const Labels& labels) {
    std::vector<Dim> dims;
    for (char label : labels) dims.push_back(x.dim(label));
    return dims;
  };
  std::vector<Dim> batch_dims;
  for (char label : batch) batch_dims.push_back(a.dim(label).is(1) ? b.dim(label) : a.dim(label));
  const std::vector<Dim> a_dims = dims_of(a, a_only), b_dims = dims_of(b, b_only);
  const Dim k = product(graph, dims_of(a, summed));
  Output lhs = transpose_to(graph, a, batch + a_only + summed);
  Output rhs = transpose_to(graph, b, batch + summed + b_only);
  std::vector<Dim> lhs_shape = dims_of(a, batch), rhs_shape = dims_of(b, batch);
  lhs_shape.push_back(product(graph, a_dims));
  lhs_shape.push_back(k);
  rhs_shape.push_back(k);
  rhs_shape.push_back(product(graph, b_dims));
  lhs = ops::reshape(lhs, shape_of(graph, lhs_shape));
  rhs = ops::reshape(rhs, shape_of(graph, rhs_shape));
  Output matrix_product =
      batch.empty() ? ops::MatMul(lhs, rhs) : ops::BatchMatMulV2(lhs, rhs, {}, "MatMul");
  std::vector<Dim> out_dims = batch_dims;
  out_dims.insert(out_dims.end(), a_dims.begin(), a_dims.end());
  out_dims.insert(out_dims.end(), b_dims.begin(), b_dims.end());
  return {ops::reshape(matrix_product, shape_of(graph, out_dims)), batch + a_only + b_only};
}

}  // namespace

Output einsum(Graph& graph, const std::string& equation, const std::vector<Output>& inputs,
              const std::string& name) {
  NameScope scope(graph, name.empty() ? "einsum" : name);
  VF_CHECK(!inputs.empty(), ErrorCode::kValue, "einsum needs at least one operand for equation ",
           quoted(equation));
  const DType dtype = inputs[0].dtype();
  for (const Output& input : inputs)
    VF_CHECK(input.dtype() == dtype, ErrorCode::kType, "einsum operands must have one dtype, got ",
             dtype_name(dtype), " and ", dtype_name(input.dtype()));
  const Subscripts subscripts = parse(equation, inputs);
  std::vector<Operand> operands;
  for (size_t i = 0; i < inputs.size(); ++i)
    operands.push_back(take_diagonals(graph, {inputs[i], subscripts.inputs[i]}));
  const std::set<char> output(subscripts.output.begin(), subscripts.output.end());
  Operand result = operands[0];
  for (size_t i = 1; i < operands.size(); ++i) {
    std::set<char> keep = output;
    for (size_t later = i + 1; later < operands.size(); ++later)
      keep.insert(operands[later].labels.begin(), operands[later].labels.end());
    result = contract_pair(graph, result, operands[i], keep);
  }
  result = sum_out(result, output);
  return ops::identity(transpose_to(graph, result, subscripts.output), scope.scope());
}

}  // namespace varflow::train
