// TF1's string splitting into a SparseTensor (indices [n, 2], values [n], dense_shape
// [batch, longest row]): StringSplit (tf.string_split: every byte of the delimiter splits,
// empty tokens skipped by default) and StringSplitV2 (tf.strings.split: Python's str.split,
// with a separator string or on whitespace runs).
#include <algorithm>
#include <string_view>

#include "ops/indexing_helpers.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"

namespace varflow::ops {

namespace {

using namespace indexing;

using Tokens = std::vector<std::string_view>;

// tf.string_split: any byte of `delimiters` ends a token; empty delimiters split into bytes.
Tokens split_any(std::string_view s, std::string_view delimiters, bool skip_empty) {
  Tokens out;
  if (s.empty()) return out;  // TF: an empty string has no tokens, even an empty one
  if (delimiters.empty()) {
    for (size_t i = 0; i < s.size(); ++i) out.push_back(s.substr(i, 1));
    return out;
  }
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && delimiters.find(s[i]) == std::string_view::npos) continue;
    if (!skip_empty || i > start) out.push_back(s.substr(start, i - start));
    start = i + 1;
  }
  return out;
}

bool is_space(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

// str.split(sep, maxsplit) as Python defines it; an empty sep splits on whitespace runs.
Tokens split_python(std::string_view s, std::string_view sep, int64_t maxsplit) {
  Tokens out;
  if (sep.empty()) {
    size_t i = 0;
    while (true) {
      while (i < s.size() && is_space(s[i])) ++i;
      if (i >= s.size()) break;
      if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) {
        out.push_back(s.substr(i));  // the rest keeps its trailing spaces, as in Python
        break;
      }
      size_t j = i;
      while (j < s.size() && !is_space(s[j])) ++j;
      out.push_back(s.substr(i, j - i));
      i = j;
    }
    return out;
  }
  size_t start = 0;
  while (maxsplit < 0 || static_cast<int64_t>(out.size()) < maxsplit) {
    const size_t at = s.find(sep, start);
    if (at == std::string_view::npos) break;
    out.push_back(s.substr(start, at - start));
    start = at + sep.size();
  }
  out.push_back(s.substr(start));
  return out;
}

void split_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kString});
  shape_rules::require_dtype(c, 1, {DType::kString});
  if (c.input_shape(0).has_rank() && c.input_shape(0).rank() != 1)
    c.value_error("Shape must be rank 1 but is rank ", c.input_shape(0).rank());
  if (c.input_shape(1).has_rank() && c.input_shape(1).rank() != 0)
    c.value_error("Shape must be rank 0 but is rank ", c.input_shape(1).rank());
  c.set_num_outputs(3);
  c.set_output(0, DType::kInt64, Shape({kUnknownDim, 2}));
  c.set_output(1, DType::kString, Shape({kUnknownDim}));
  c.set_output(2, DType::kInt64, Shape({2}));
}

template <typename SplitFn>
void emit(KernelContext& c, SplitFn&& split) {
  const Tensor& input = c.input(0);
  if (input.rank() != 1)
    c.fail(ErrorCode::kInvalidArgument,
           "input must be a vector, got shape: ", tf_shape(input.dims()));
  if (c.input(1).rank() != 0)
    c.fail(ErrorCode::kInvalidArgument,
           "delimiter must be a scalar, got shape: ", tf_shape(c.input(1).dims()));
  const std::string& delimiter = *c.input(1).data<std::string>();
  const std::string* src = input.data<std::string>();
  std::vector<Tokens> rows(static_cast<size_t>(input.dim(0)));
  int64_t total = 0, longest = 0;
  for (int64_t i = 0; i < input.dim(0); ++i) {
    rows[static_cast<size_t>(i)] = split(std::string_view(src[i]), std::string_view(delimiter));
    const auto n = static_cast<int64_t>(rows[static_cast<size_t>(i)].size());
    total += n;
    longest = std::max(longest, n);
  }
  Tensor& ix = c.allocate_output(0, DType::kInt64, {total, 2});
  Tensor& values = c.allocate_output(1, DType::kString, {total});
  int64_t k = 0;
  for (int64_t i = 0; i < input.dim(0); ++i) {
    const Tokens& row = rows[static_cast<size_t>(i)];
    for (size_t j = 0; j < row.size(); ++j, ++k) {
      ix.data<int64_t>()[2 * k] = i;
      ix.data<int64_t>()[2 * k + 1] = static_cast<int64_t>(j);
      values.data<std::string>()[k] = std::string(row[j]);
    }
  }
  c.set_output(2, int_vector({input.dim(0), longest}, DType::kInt64));
}

void string_split_kernel(KernelContext& c) {
  const bool skip_empty = c.attrs().get<bool>("skip_empty");
  emit(c, [&](std::string_view s, std::string_view d) { return split_any(s, d, skip_empty); });
}

void string_split_v2_kernel(KernelContext& c) {
  const int64_t maxsplit = c.attrs().get<int64_t>("maxsplit");
  emit(c, [&](std::string_view s, std::string_view d) { return split_python(s, d, maxsplit); });
}

}  // namespace

void register_string_split_ops(OpRegistry& r) {
  r.add("StringSplit")
      .inputs({"input", "delimiter"})
      .outputs({"indices", "values", "shape"})
      .attr("skip_empty", true, "drop empty tokens")
      .shape(split_shape)
      .kernel(string_split_kernel)
      .not_differentiable()
      .doc("Splits each string at any byte of delimiter into a SparseTensor of tokens.");
  r.add("StringSplitV2")
      .inputs({"input", "sep"})
      .outputs({"indices", "values", "shape"})
      .attr("maxsplit", int64_t{-1}, "at most this many splits per string; -1: no limit")
      .shape(split_shape)
      .kernel(string_split_v2_kernel)
      .not_differentiable()
      .doc("Splits each string as Python's str.split(sep, maxsplit) into a SparseTensor.");
}

}  // namespace varflow::ops
