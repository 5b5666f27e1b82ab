// TF1's checking and printing ops: Assert, CheckNumerics, Print and PrintV2. Assert's and
// Print's summaries of their data are TF's Tensor::SummarizeValue (kernels/string_format.h).
#include <cmath>
#include <iostream>
#include <memory>
#include <mutex>

#include "kernels/string_format.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/op_registry.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

void assert_shape(InferenceContext& c) {
  if (c.num_inputs() < 1) c.value_error("Assert needs a condition");
  if (c.input_dtype(0) != DType::kBool)
    c.type_error("Input 'condition' of 'Assert' Op has type ", dtype_name(c.input_dtype(0)),
                 " that does not match expected type of bool.");
}

void assert_kernel(KernelContext& c) {
  const Tensor& cond = c.input(0);
  if (cond.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument,
           "In[0] should be a scalar: ", Shape(cond.dims()).to_tf_string());
  if (*cond.data<bool>()) return;
  const int64_t summarize = c.attrs().get<int64_t>("summarize");
  std::string msg = "assertion failed: ";
  for (int i = 1; i < c.num_inputs(); ++i) {
    msg += "[" + kernels::summarize_v1(c.input(i), summarize) + "]";
    if (i < c.num_inputs() - 1) msg += " ";
  }
  c.fail(ErrorCode::kInvalidArgument, msg);
}

bool is_float_dtype(DType d) {
  return d == DType::kFloat32 || d == DType::kFloat64 || d == DType::kFloat16 ||
         d == DType::kBFloat16;
}

void check_numerics_shape(InferenceContext& c) {
  if (!is_float_dtype(c.input_dtype(0)))
    c.type_error("Value passed to parameter 'tensor' has DataType ", dtype_name(c.input_dtype(0)),
                 " not in list of allowed values: bfloat16, float16, float32, float64");
  c.set_output(0, c.input_dtype(0), c.input_shape(0));
}

void check_numerics_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  bool has_nan = false, has_inf = false;
  visit_any_dtype(
      x.dtype(),
      [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, Half> ||
                      std::is_same_v<T, BFloat16>) {
          const T* p = x.data<T>();
          for (int64_t i = 0, n = x.num_elements(); i < n; ++i) {
            double w;
            if constexpr (std::is_same_v<T, double>) {
              w = p[i];
            } else {
              w = static_cast<float>(p[i]);
            }
            has_nan |= std::isnan(w);
            has_inf |= std::isinf(w);
          }
        }
      },
      "CheckNumerics");
  if (has_nan || has_inf) {
    const char* what = has_nan && has_inf ? "Inf and NaN" : has_inf ? "Inf" : "NaN";
    c.fail(ErrorCode::kInvalidArgument, c.attrs().get<std::string>("message"), " : Tensor had ",
           what, " values");
  }
  c.set_output(0, x);
}

void print_kernel(KernelContext& c) {
  // first_n counts the runs of this node in this session (TF: per kernel instance).
  const int64_t first_n = c.attrs().get<int64_t>("first_n");
  ResourceSlot& state = c.own_state();
  bool print = first_n < 0;
  if (!print) {
    std::lock_guard<std::mutex> lock(state.mu);
    if (!state.state) state.state = std::make_shared<int64_t>(0);
    int64_t& count = *static_cast<int64_t*>(state.state.get());
    print = count < first_n;
    if (print) ++count;
  }
  if (print) {
    std::string msg = c.attrs().get<std::string>("message");
    const int64_t summarize = c.attrs().get<int64_t>("summarize");
    for (int i = 1; i < c.num_inputs(); ++i)
      msg += "[" + kernels::summarize_v1(c.input(i), summarize) + "]";
    std::cerr << msg << std::endl;
  }
  c.set_output(0, c.input(0));
}

void print_v2_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kString});
  if (c.input_shape(0).has_rank() && c.input_shape(0).rank() != 0)
    c.value_error("Shape must be rank 0 but is rank ", c.input_shape(0).rank());
  const std::string& stream = c.attrs().get<std::string>("output_stream");
  if (stream != "stderr" && stream != "stdout" && stream != "log(info)" &&
      stream != "log(warning)" && stream != "log(error)")
    c.value_error("Unknown output stream: ", stream);
}

void print_v2_kernel(KernelContext& c) {
  const std::string& text = *c.input(0).data<std::string>();
  const std::string& end = c.attrs().get<std::string>("end");
  const std::string& stream = c.attrs().get<std::string>("output_stream");
  std::ostream& out = stream == "stdout" ? std::cout : std::cerr;
  out << text << end << std::flush;
}

}  // namespace

void register_assert_ops(OpRegistry& r) {
  r.add("Assert")
      .inputs({"condition", "data"})
      .variadic_inputs()
      .outputs({})
      .attr("summarize", int64_t{3}, "elements of each data tensor shown")
      .shape(assert_shape)
      .kernel(assert_kernel)
      .not_differentiable()
      .doc(
          "Fails with InvalidArgument 'assertion failed: [data0] [data1] ...' when the scalar "
          "bool condition is false.");
  // Stateful as in TF 2.x: its failure is an effect, so a plan never leaves it out when only a
  // control dependency reaches it (tf.control_dependencies([tf.check_numerics(...)])).
  r.add("CheckNumerics")
      .inputs({"tensor"})
      .outputs({"output"})
      .stateful()
      .attr("message", "", "the error message's prefix")
      .shape(check_numerics_shape)
      .kernel(check_numerics_kernel)
      .grad([](GradContext& g) {
        const std::string message =
            "Not a number (NaN) or infinity (Inf) values detected in gradient. " +
            g.attrs().get<std::string>("message");
        return Grads{op(g.graph(), "CheckNumerics", {g.grad()}, {{"message", message}})};
      })
      .doc("The input; InvalidArgument when it holds a NaN or an Inf.");
  r.add("Print")
      .inputs({"input", "data"})
      .variadic_inputs()
      .outputs({"output"})
      .stateful()
      .attr("message", "", "printed before the data")
      .attr("first_n", int64_t{-1}, "print on the first n runs only; -1: always")
      .attr("summarize", int64_t{3}, "elements of each data tensor shown")
      .shape([](InferenceContext& c) {
        // Variadic: nothing guarantees the passed-through input exists.
        if (c.num_inputs() < 1) c.value_error("Print needs the input it passes through");
        shape_rules::unchanged(c);
      })
      .kernel(print_kernel)
      .grad([](GradContext& g) {
        Grads grads(static_cast<size_t>(g.num_inputs()));
        grads[0] = g.grad();
        return grads;
      })
      .doc("tf.Print: the input, printing message[data0][data1]... to stderr when run.");
  r.add("PrintV2")
      .inputs({"input"})
      .outputs({})
      .attr("output_stream", "stderr", "stderr, stdout, log(info), log(warning), log(error)")
      .attr("end", "\n", "appended to the text")
      .shape(print_v2_shape)
      .kernel(print_v2_kernel)
      .not_differentiable()
      .doc("tf.print: writes the scalar string input to the output stream.");
}

}  // namespace varflow::ops
