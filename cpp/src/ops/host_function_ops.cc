// PyFunc, PyFuncStateless and EagerPyFunc: ops whose kernel calls a host function registered
// under the op's `token` (varflow/host_function.h), with TF1's checks of what it returns.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ops/op_families.h"
#include "varflow/host_function.h"
#include "varflow/op_registry.h"
#include "varflow/ops.h"

namespace varflow {

namespace {

struct HostFunctionRegistry {
  std::mutex mutex;
  // shared_ptr: a call in progress keeps its function alive across an unregister.
  std::map<std::string, std::shared_ptr<const HostFunction>> functions;
};

HostFunctionRegistry& registry() {
  static HostFunctionRegistry* r = new HostFunctionRegistry;  // outlives every session thread
  return *r;
}

std::shared_ptr<const HostFunction> find_host_function(const std::string& token) {
  HostFunctionRegistry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.functions.find(token);
  return it == r.functions.end() ? nullptr : it->second;
}

}  // namespace

void register_host_function(const std::string& token, HostFunction fn) {
  VF_CHECK(fn, ErrorCode::kInvalidArgument, "register_host_function('", token,
           "'): the function is empty");
  HostFunctionRegistry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.functions[token] = std::make_shared<const HostFunction>(std::move(fn));
}

void unregister_host_function(const std::string& token) {
  HostFunctionRegistry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.functions.erase(token);
}

bool has_host_function(const std::string& token) { return find_host_function(token) != nullptr; }

namespace ops {

namespace {

std::vector<DType> type_list(const AttrMap& attrs, const char* name) {
  std::vector<DType> out;
  for (int64_t code : attrs.get<std::vector<int64_t>>(name))
    out.push_back(static_cast<DType>(code));
  return out;
}

void host_function_shape(InferenceContext& c) {
  if (c.attrs().get<std::string>("token").empty()) c.value_error("the token is empty");
  const std::vector<DType> tin = type_list(c.attrs(), "Tin");
  if (static_cast<int>(tin.size()) != c.num_inputs())
    c.value_error("Tin lists ", tin.size(), " dtypes for ", c.num_inputs(), " inputs");
  for (int i = 0; i < c.num_inputs(); ++i)
    if (tin[static_cast<size_t>(i)] != c.input_dtype(i))
      c.type_error("Input ", i, " has dtype ", dtype_name(c.input_dtype(i)), " but Tin says ",
                   dtype_name(tin[static_cast<size_t>(i)]));
  const std::vector<DType> tout = type_list(c.attrs(), "Tout");
  c.set_num_outputs(static_cast<int>(tout.size()));
  for (size_t i = 0; i < tout.size(); ++i) {
    if (!is_valid(tout[i])) c.type_error("Tout[", i, "] is not a dtype");
    c.set_output(static_cast<int>(i), tout[i], Shape::unknown_rank());
  }
}

void host_function_kernel(KernelContext& c) {
  const std::string& token = c.attrs().get<std::string>("token");
  std::shared_ptr<const HostFunction> fn = find_host_function(token);
  if (!fn) c.fail(ErrorCode::kInvalidArgument, "callback ", token, " is not found");
  std::vector<Tensor> inputs;
  inputs.reserve(static_cast<size_t>(c.num_inputs()));
  for (int i = 0; i < c.num_inputs(); ++i) inputs.push_back(c.input(i));
  std::vector<Tensor> outputs;
  try {
    outputs = (*fn)(inputs);
  } catch (const Error& e) {
    c.fail(e.code(), e.what());
  }
  const std::vector<DType> tout = type_list(c.attrs(), "Tout");
  if (outputs.size() != tout.size())
    c.fail(ErrorCode::kInvalidArgument, token, " returns ", outputs.size(),
           " values, but expects to see ", tout.size(), " values.");
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (!outputs[i].defined())
      c.fail(ErrorCode::kInvalidArgument, i, "-th value returned by ", token, " is undefined");
    if (outputs[i].dtype() != tout[i])
      c.fail(ErrorCode::kInvalidArgument, i, "-th value returned by ", token, " is ",
             dtype_tf_name(outputs[i].dtype()), ", but expects ", dtype_tf_name(tout[i]));
    c.set_output(static_cast<int>(i), std::move(outputs[i]));
  }
}

// TF1's _EagerPyFuncGrad: the forward call recorded its computation, and the host function
// registered as "<token>:grad" replays it backwards on the output gradients (zeros for an
// output no gradient flows into).
Grads eager_host_function_grad(GradContext& c) {
  Node& node = c.op();
  std::vector<Output> dys;
  std::vector<int64_t> dy_types, dx_types;
  for (int i = 0; i < node.num_outputs(); ++i) {
    dys.push_back(c.grad(i));
    dy_types.push_back(static_cast<int64_t>(node.output(i).dtype()));
  }
  for (int i = 0; i < c.num_inputs(); ++i)
    dx_types.push_back(static_cast<int64_t>(c.input(i).dtype()));
  Node* grad = add_op(c.graph(), "EagerPyFunc", dys,
                      {{"token", c.attrs().get<std::string>("token") + ":grad"},
                       {"Tin", dy_types},
                       {"Tout", dx_types}});
  Grads dx;
  for (int i = 0; i < c.num_inputs(); ++i) dx.emplace_back(grad->output(i));
  return dx;
}

}  // namespace

void register_host_function_ops(OpRegistry& r) {
  auto declare = [&](const char* name) -> OpDefBuilder {
    return r.add(name)
        .inputs({"input"})
        .variadic_inputs()
        .required_attr("token", AttrType::kString, "the host function's registration token")
        .required_attr("Tin", AttrType::kIntList, "the inputs' dtype codes")
        .required_attr("Tout", AttrType::kIntList, "the outputs' dtype codes")
        .shape(host_function_shape)
        .kernel(host_function_kernel);
  };
  // TF1 registers no gradient for the NumPy functions (tf.gradients gives None through them).
  declare("PyFunc").stateful().not_differentiable();
  declare("PyFuncStateless").not_differentiable();
  declare("EagerPyFunc").stateful().grad(eager_host_function_grad);
}

}  // namespace ops

}  // namespace varflow
