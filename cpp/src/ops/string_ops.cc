// String ops (TF1's tf.strings / tf.as_string family): StringJoin, StringLength, AsString,
// StringFormat, StringToNumber. None is differentiable.
#include <algorithm>

#include "kernels/string_format.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/op_registry.h"

namespace varflow::ops {

namespace {

void require_string(InferenceContext& c, int i) {
  shape_rules::require_dtype(c, i, {DType::kString});
}

// --- StringJoin ---------------------------------------------------------------------------------
// Every input is a scalar or has the one common shape; scalars repeat.
void string_join_shape(InferenceContext& c) {
  if (c.num_inputs() == 0) c.value_error("StringJoin needs at least one input");
  Shape out;
  for (int i = 0; i < c.num_inputs(); ++i) {
    require_string(c, i);
    const Shape& s = c.input_shape(i);
    if (s.has_rank() && s.rank() == 0) continue;
    if (out.has_rank() && out.rank() == 0) {
      out = s;
      continue;
    }
    if (!out.compatible_with(s))
      c.value_error("Input shapes do not match: ", out.to_tf_string(), " vs. ", s.to_tf_string());
    if (!out.has_rank() || (s.has_rank() && !out.fully_defined())) out = s;
  }
  c.set_output(0, DType::kString, out);
}

void string_join_kernel(KernelContext& c) {
  const std::string& separator = c.attrs().get<std::string>("separator");
  const Dims* dims = nullptr;
  for (int i = 0; i < c.num_inputs(); ++i) {
    const Tensor& t = c.input(i);
    if (t.rank() == 0) continue;
    if (dims && *dims != t.dims())
      c.fail(ErrorCode::kInvalidArgument, "Input shapes do not match: ", dims_to_string(*dims),
             " vs. ", dims_to_string(t.dims()));
    dims = &t.dims();
  }
  Tensor& out = c.allocate_output(0, DType::kString, dims ? *dims : Dims{});
  std::string* dst = out.data<std::string>();
  for (int64_t k = 0; k < out.num_elements(); ++k) {
    std::string& s = dst[k];
    s.clear();
    for (int i = 0; i < c.num_inputs(); ++i) {
      const Tensor& t = c.input(i);
      if (i > 0) s += separator;
      s += t.data<std::string>()[t.rank() == 0 ? 0 : k];
    }
  }
}

// --- StringLength -------------------------------------------------------------------------------
void string_length_shape(InferenceContext& c) {
  require_string(c, 0);
  const std::string& unit = c.attrs().get<std::string>("unit");
  if (unit != "BYTE" && unit != "UTF8_CHAR")
    c.value_error("Attr 'unit' of 'StringLength' Op passed string '", unit,
                  "' not in: \"BYTE\", \"UTF8_CHAR\"");
  c.set_output(0, DType::kInt32, c.input_shape(0));
}

void string_length_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const bool chars = c.attrs().get<std::string>("unit") == "UTF8_CHAR";
  Tensor& out = c.allocate_output(0, DType::kInt32, x.dims());
  const std::string* src = x.data<std::string>();
  int32_t* dst = out.data<int32_t>();
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    const std::string& s = src[i];
    // A UTF-8 character is every byte that is not a continuation byte (10xxxxxx).
    dst[i] = static_cast<int32_t>(
        chars ? std::count_if(s.begin(), s.end(),
                              [](char b) { return (static_cast<unsigned char>(b) & 0xc0) != 0x80; })
              : static_cast<std::ptrdiff_t>(s.size()));
  }
}

// --- AsString -----------------------------------------------------------------------------------
kernels::AsStringOptions as_string_options(const AttrMap& a) {
  return {a.get<int64_t>("precision"), a.get<bool>("scientific"), a.get<bool>("shortest"),
          a.get<int64_t>("width"), a.get<std::string>("fill")};
}

void as_string_shape(InferenceContext& c) {
  const DType d = c.input_dtype(0);
  if (!is_valid(d)) c.type_error("AsString needs a valid input dtype");
  c.set_output(0, DType::kString, c.input_shape(0));
}

void as_string_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const std::string format = kernels::as_string_format(x.dtype(), as_string_options(c.attrs()));
  Tensor& out = c.allocate_output(0, DType::kString, x.dims());
  kernels::as_string(x, format, out);
}

// --- StringFormat -------------------------------------------------------------------------------
// The template's pieces between placeholders: one more than the inputs it takes.
std::vector<std::string> split_template(const std::string& text, const std::string& placeholder) {
  std::vector<std::string> pieces;
  size_t start = 0;
  if (!placeholder.empty()) {
    for (size_t at; (at = text.find(placeholder, start)) != std::string::npos;
         start = at + placeholder.size())
      pieces.push_back(text.substr(start, at - start));
  }
  pieces.push_back(text.substr(start));
  return pieces;
}

void string_format_shape(InferenceContext& c) {
  const auto pieces = split_template(c.attrs().get<std::string>("template"),
                                     c.attrs().get<std::string>("placeholder"));
  const int64_t wanted = static_cast<int64_t>(pieces.size()) - 1;
  if (wanted != c.num_inputs())
    c.value_error("The template expects ", wanted, " tensors, but the inputs only has ",
                  c.num_inputs(),
                  ". Please ensure the number of placeholders in template matches inputs length.");
  for (int i = 0; i < c.num_inputs(); ++i)
    if (!is_valid(c.input_dtype(i))) c.type_error("StringFormat needs inputs of a valid dtype");
  c.set_output(0, DType::kString, Shape{});
}

void string_format_kernel(KernelContext& c) {
  const auto pieces = split_template(c.attrs().get<std::string>("template"),
                                     c.attrs().get<std::string>("placeholder"));
  const int64_t summarize = c.attrs().get<int64_t>("summarize");
  std::string text = pieces[0];
  for (int i = 0; i < c.num_inputs(); ++i) {
    text += kernels::summarize(c.input(i), summarize);
    text += pieces[static_cast<size_t>(i) + 1];
  }
  *c.allocate_output(0, DType::kString, {}).data<std::string>() = std::move(text);
}

// --- StringToNumber -----------------------------------------------------------------------------
void string_to_number_shape(InferenceContext& c) {
  require_string(c, 0);
  const DType to = c.attrs().get<DType>("out_type");
  if (to != DType::kFloat32 && to != DType::kFloat64 && to != DType::kInt32 && to != DType::kInt64)
    c.type_error("Value for attr 'out_type' of ", dtype_name(to),
                 " is not in the list of allowed values: float, double, int32, int64");
  c.set_output(0, to, c.input_shape(0));
}

void string_to_number_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  Tensor& out = c.allocate_output(0, c.attrs().get<DType>("out_type"), x.dims());
  kernels::string_to_number(x, out);
}

}  // namespace

void register_string_ops(OpRegistry& r) {
  r.add("StringJoin")
      .inputs({"inputs"})
      .variadic_inputs()
      .outputs({"output"})
      .attr("separator", "", "put between the joined strings")
      .attr("N", int64_t{-1}, "the number of inputs, checked when given")
      .shape(string_join_shape)
      .kernel(string_join_kernel)
      .not_differentiable()
      .doc("Element-wise concatenation of string tensors (scalars repeat).");
  r.add("StringLength")
      .inputs({"input"})
      .outputs({"output"})
      .attr("unit", "BYTE", "BYTE or UTF8_CHAR")
      .shape(string_length_shape)
      .kernel(string_length_kernel)
      .not_differentiable()
      .doc("The length of each string, in bytes or UTF-8 characters.");
  r.add("AsString")
      .inputs({"input"})
      .outputs({"output"})
      .attr("precision", int64_t{-1}, "digits after the point for floats; -1: printf's default")
      .attr("scientific", false, "exponent notation for floats")
      .attr("shortest", false, "the shorter of fixed and exponent notation for floats")
      .attr("width", int64_t{-1}, "pad to this width; -1: no padding")
      .attr("fill", "", "padding: one of ' ', '+', '-', '0', '#' (printf's flags)")
      .shape(as_string_shape)
      .kernel(as_string_kernel)
      .not_differentiable()
      .doc("Each element as text, with TF's printf formats.");
  r.add("StringFormat")
      .inputs({"inputs"})
      .variadic_inputs()
      .outputs({"output"})
      .attr("template", "%s", "text with one placeholder per input")
      .attr("placeholder", "{}", "what the template marks inputs with")
      .attr("summarize", int64_t{3}, "elements shown at each end of a dimension; -1: all")
      .shape(string_format_shape)
      .kernel(string_format_kernel)
      .not_differentiable()
      .doc("A scalar string: the template with each placeholder replaced by a tensor summary.");
  r.add("StringToNumber")
      .inputs({"string_tensor"})
      .outputs({"output"})
      .attr("out_type", DType::kFloat32, "float32, float64, int32 or int64")
      .shape(string_to_number_shape)
      .kernel(string_to_number_kernel)
      .not_differentiable()
      .doc("Parses each string as a number.");
}

}  // namespace varflow::ops
