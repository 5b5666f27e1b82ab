// Horovod's collectives as graph ops: HorovodAllreduce, HorovodGroupedAllreduce,
// HorovodAllreduceGradients (a synchronous allreduce of (gradient, variable) pairs),
// HorovodAllreduceStart / HorovodAllreduceWait (the distributed optimizer's asynchronous pair,
// live-freezing aware), HorovodAllgather, HorovodBroadcast, and the kernels of the last two's
// gradients. The kernels hand their tensors to the runtime (runtime.h) and wait, so a step
// stays in the plan; a start kernel returns at once and its wait kernel blocks on the result,
// so the gradient travels while the backward pass goes on (the plan runs each start right
// after the gradient's producer: OpDef::runs_early). Tensors are matched across ranks by name:
// the node's name, and for the grouped ops the node's name with the tensor's index or variable.
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "collective/runtime.h"
#include "varflow/op_registry.h"
#include "varflow/ops.h"

namespace varflow::collective {

namespace {

ReduceOp reduce_op(const AttrMap& attrs) {
  return attrs.get<int64_t>("reduce_op") == 1 ? ReduceOp::kSum : ReduceOp::kAverage;
}

std::string tensor_name(const Node& node) {
  const std::string& given = node.attrs().get<std::string>("tensor_name");
  return given.empty() ? node.name() : given;
}

void check_reduce_op(InferenceContext& c) {
  const int64_t op = c.attrs().get<int64_t>("reduce_op");
  if (op != 0 && op != 1) c.value_error("reduce_op must be 0 (Average) or 1 (Sum), got ", op);
}

void check_allreduce_dtype(InferenceContext& c, DType d, ReduceOp op) {
  const bool floating = d == DType::kFloat32 || d == DType::kFloat64 || d == DType::kFloat16;
  const bool integer = d == DType::kInt32 || d == DType::kInt64;
  if (!floating && !(integer && op == ReduceOp::kSum))
    c.type_error("Allreduce ", op == ReduceOp::kSum ? "(Sum)" : "(Average)",
                 " does not support dtype ", dtype_name(d),
                 op == ReduceOp::kSum
                     ? " (float16/32/64, int32, int64 are supported)"
                     : " (float16/32/64 are supported; Sum also takes int32/int64)");
}

void check_bytes_dtype(InferenceContext& c, DType d) {
  if (d == DType::kString) c.type_error("Collectives do not move strings (dtype string)");
}

Request request(Kind kind, std::string name, const Tensor& input, Tensor output,
                ReduceOp op = ReduceOp::kAverage, int root = 0) {
  Request r;
  r.kind = kind;
  r.name = std::move(name);
  r.input = input;
  r.output = std::move(output);
  r.op = op;
  r.root = root;
  return r;
}

// --- HorovodAllreduce ----------------------------------------------------------------------
void allreduce_shape(InferenceContext& c) {
  check_reduce_op(c);
  check_allreduce_dtype(c, c.input_dtype(0), reduce_op(c.attrs()));
  c.set_output(0, c.input_dtype(0), c.input_shape(0));
}

void allreduce_kernel(KernelContext& c) {
  const Tensor& in = c.input(0);
  Request r = request(Kind::kAllreduce, tensor_name(c.node()), in,
                      c.allocate_output(0, in.dtype(), in.dims()), reduce_op(c.attrs()));
  execute({&r});
}

// --- HorovodGroupedAllreduce / HorovodAllreduceGradients -----------------------------------
// Gradients come in (gradient, variable) pairs: the variable names the tensor across ranks and
// tells whether the run has frozen it.
void grouped_shape(InferenceContext& c, bool pairs) {
  check_reduce_op(c);
  const int step = pairs ? 2 : 1;
  if (c.num_inputs() % step != 0)
    c.value_error("HorovodAllreduceGradients takes (gradient, variable) pairs, got ",
                  c.num_inputs(), " inputs");
  const int n = c.num_inputs() / step;
  c.set_num_outputs(n);
  const std::string& compression = c.attrs().get<std::string>("compression");
  if (compression != "none" && compression != "fp16")
    c.value_error("compression must be 'none' or 'fp16', got '", compression, "'");
  for (int i = 0; i < n; ++i) {
    if (pairs && !c.input(step * i + 1).node->op_def().is_variable)
      c.type_error("Input ", step * i + 1, " of HorovodAllreduceGradients must be a variable");
    check_allreduce_dtype(c, c.input_dtype(step * i), reduce_op(c.attrs()));
    c.set_output(i, c.input_dtype(step * i), c.input_shape(step * i));
  }
}

void grouped_run(KernelContext& c, bool pairs) {
  const int step = pairs ? 2 : 1;
  const int n = c.num_inputs() / step;
  const ReduceOp op = reduce_op(c.attrs());
  const bool fp16 = c.attrs().get<std::string>("compression") == "fp16";
  std::vector<Request> requests;
  std::vector<int> which;
  requests.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const Tensor& in = c.input(step * i);
    if (pairs && c.is_frozen(c.ref(step * i + 1))) {
      c.set_output(i, in);  // the update it feeds is skipped too
      continue;
    }
    const std::string name =
        c.node().name() + "/" +
        (pairs ? c.node().inputs()[static_cast<size_t>(step * i + 1)].node->name()
               : std::to_string(i));
    if (fp16 && in.dtype() == DType::kFloat32) {
      const Tensor wire = in.cast(DType::kFloat16);
      requests.push_back(
          request(Kind::kAllreduce, name, wire, Tensor(DType::kFloat16, in.dims()), op));
    } else {
      requests.push_back(
          request(Kind::kAllreduce, name, in, c.allocate_output(i, in.dtype(), in.dims()), op));
    }
    which.push_back(i);
  }
  std::vector<Request*> pointers;
  for (Request& r : requests) pointers.push_back(&r);
  execute(pointers);
  for (size_t k = 0; k < requests.size(); ++k) {
    const int i = which[k];
    if (requests[k].output.dtype() != c.input(step * i).dtype())
      c.set_output(i, requests[k].output.cast(c.input(step * i).dtype()));
  }
}

void grouped_allreduce_kernel(KernelContext& c) { grouped_run(c, false); }
void allreduce_gradients_kernel(KernelContext& c) { grouped_run(c, true); }

// --- HorovodAllreduceStart / HorovodAllreduceWait -----------------------------------------
// A start node's state in one session: the allreduce it started last, the gradient it passes
// through unreduced when the run froze its variable, and last step's output buffer (reused
// when nobody holds it any more, so a steady-state step allocates none).
struct StartState {
  std::mutex mu;  // guards what follows (the start and the wait run in one thread per run)
  std::shared_ptr<Started> started;
  Tensor passthrough;
  Tensor output;
  DType dtype = DType::kFloat32;
  int64_t handle = 0;
};

// Handles of started allreduces (the start's int64 output) to their states: a wait looks its
// inputs up here, so a fed or stale handle is an error rather than a dangling pointer.
struct Handles {
  std::mutex mu;
  std::unordered_map<int64_t, std::weak_ptr<StartState>> by_handle;
  int64_t next = 1;
};

Handles& handles() {
  static Handles* h = new Handles();  // never destroyed: kernels may run during exit
  return *h;
}

void start_shape(InferenceContext& c) {
  check_reduce_op(c);
  const std::string& compression = c.attrs().get<std::string>("compression");
  if (compression != "none" && compression != "fp16")
    c.value_error("compression must be 'none' or 'fp16', got '", compression, "'");
  if (!c.input(1).node->op_def().is_variable)
    c.type_error("Input 1 of HorovodAllreduceStart must be the gradient's variable");
  check_allreduce_dtype(c, c.input_dtype(0), reduce_op(c.attrs()));
  c.set_output(0, DType::kInt64, Shape(Dims{}));
}

void start_kernel(KernelContext& c) {
  const Tensor& in = c.input(0);
  ResourceSlot& own = c.own_state();
  std::shared_ptr<StartState> state;
  {
    std::lock_guard<std::mutex> lock(own.mu);
    if (!own.state) own.state = std::make_shared<StartState>();
    state = std::static_pointer_cast<StartState>(own.state);
  }
  std::shared_ptr<Started> abandoned;
  {
    std::lock_guard<std::mutex> lock(state->mu);
    abandoned = std::move(state->started);  // a run that failed before its wait
    state->passthrough = Tensor();
  }
  if (abandoned) {
    // Its tensor is still in the runtime's hands until the other ranks (or the stall timeout)
    // finish it; submitting the same name again before then would be refused.
    try {
      wait(*abandoned);
    } catch (const Error&) {
    }
    abandoned.reset();
  }
  int64_t handle = 0;
  {
    std::lock_guard<std::mutex> lock(handles().mu);
    handles().by_handle.erase(state->handle);
    handle = handles().next++;
    handles().by_handle[handle] = state;
  }
  std::lock_guard<std::mutex> lock(state->mu);
  state->handle = handle;
  state->dtype = in.dtype();
  if (c.is_frozen(c.ref(1))) {
    state->passthrough = in;  // the update it feeds is skipped too
  } else {
    const bool fp16 =
        c.attrs().get<std::string>("compression") == "fp16" && in.dtype() == DType::kFloat32;
    const DType wire = fp16 ? DType::kFloat16 : in.dtype();
    if (!(state->output.defined() && state->output.dtype() == wire &&
          state->output.dims() == in.dims() && state->output.exclusively_owned()))
      state->output = Tensor(wire, in.dims());
    std::vector<Request> requests;
    requests.push_back(request(Kind::kAllreduce, c.node().name(),
                               fp16 ? in.cast(DType::kFloat16) : in, state->output,
                               reduce_op(c.attrs())));
    state->started = start(std::move(requests));
  }
  c.set_output(0, Tensor::scalar<int64_t>(handle));
}

void wait_shape(InferenceContext& c) {
  c.set_num_outputs(c.num_inputs());
  for (int i = 0; i < c.num_inputs(); ++i) {
    const Output in = c.input(i);
    if (in.node->type() != "HorovodAllreduceStart")
      c.type_error("Input ", i, " of HorovodAllreduceWait must come from a HorovodAllreduceStart, ",
                   "got ", in.node->type(), " '", in.node->name(), "'");
    const Output gradient = in.node->inputs()[0];
    c.set_output(i, gradient.dtype(), gradient.shape());
  }
}

void wait_kernel(KernelContext& c) {
  for (int i = 0; i < c.num_inputs(); ++i) {
    const Tensor& token = c.input(i);
    std::shared_ptr<StartState> state;
    if (token.dtype() == DType::kInt64 && token.num_elements() == 1) {
      std::lock_guard<std::mutex> lock(handles().mu);
      auto it = handles().by_handle.find(*token.data<int64_t>());
      if (it != handles().by_handle.end()) {
        state = it->second.lock();
        handles().by_handle.erase(it);
      }
    }
    if (!state)
      c.fail(ErrorCode::kInvalidArgument, "Input ", i, " of HorovodAllreduceWait is not the ",
             "handle of an allreduce started in this run");
    std::shared_ptr<Started> started;
    Tensor passthrough;
    DType dtype;
    {
      std::lock_guard<std::mutex> lock(state->mu);
      started = std::move(state->started);
      passthrough = std::move(state->passthrough);
      dtype = state->dtype;
    }
    if (!started) {
      c.set_output(i, std::move(passthrough));
      continue;
    }
    const auto began = std::chrono::steady_clock::now();
    wait(*started);
    if (timeline_enabled())
      timeline_event(started->requests[0].name, "WAIT", began, std::chrono::steady_clock::now());
    Tensor out = std::move(started->requests[0].output);
    started.reset();  // lets go of the gradient, so its buffer serves later steps
    c.set_output(i, out.dtype() == dtype ? std::move(out) : out.cast(dtype));
  }
}

// --- HorovodAllgather and its gradient ------------------------------------------------------
void allgather_shape(InferenceContext& c) {
  check_bytes_dtype(c, c.input_dtype(0));
  const Shape& s = c.input_shape(0);
  if (s.has_rank() && s.rank() == 0)
    c.value_error(
        "Allgather needs a tensor of rank >= 1 (it concatenates the first dimension), "
        "got a scalar");
  if (!s.has_rank()) {
    c.set_output(0, c.input_dtype(0), s);
    return;
  }
  Dims dims = s.dims();
  dims[0] = -1;
  c.set_output(0, c.input_dtype(0), Shape(dims));
}

void allgather_kernel(KernelContext& c) {
  const Tensor& in = c.input(0);
  if (in.rank() == 0)
    c.fail(ErrorCode::kInvalidArgument, "Allgather needs a tensor of rank >= 1, got a scalar");
  Request r = request(Kind::kAllgather, tensor_name(c.node()), in, Tensor());
  execute({&r});
  c.set_output(0, r.output);
}

// The sum over ranks of the gradient of the gathered tensor, then this rank's rows of it.
void allgather_grad_shape(InferenceContext& c) {
  c.set_output(0, c.input_dtype(0), c.input_shape(1));
}

void allgather_grad_kernel(KernelContext& c) {
  const Tensor& grad = c.input(0);
  const Tensor& x = c.input(1);
  Tensor rows = Tensor::scalar<int64_t>(x.dim(0)).reshaped({1});
  Request sum = request(Kind::kAllreduce, c.node().name() + "/sum", grad,
                        Tensor(grad.dtype(), grad.dims()), ReduceOp::kSum);
  Request sizes = request(Kind::kAllgather, c.node().name() + "/sizes", rows, Tensor());
  execute({&sum, &sizes});
  int64_t offset = 0;
  const int me = collective::rank();
  for (int k = 0; k < me; ++k) offset += sizes.output.data<int64_t>()[k];
  Tensor& out = c.allocate_output(0, grad.dtype(), x.dims());
  const size_t row_bytes = x.dim(0) ? out.nbytes() / static_cast<size_t>(x.dim(0)) : 0;
  if (out.nbytes())
    std::memcpy(out.raw(), static_cast<const char*>(sum.output.raw()) + offset * row_bytes,
                out.nbytes());
}

// --- HorovodBroadcast and its gradient ------------------------------------------------------
void broadcast_shape(InferenceContext& c) {
  check_bytes_dtype(c, c.input_dtype(0));
  if (c.attrs().get<int64_t>("root_rank") < 0)
    c.value_error("root_rank must be >= 0, got ", c.attrs().get<int64_t>("root_rank"));
  c.set_output(0, c.input_dtype(0), c.input_shape(0));
}

void broadcast_kernel(KernelContext& c) {
  const Tensor& in = c.input(0);
  Request r = request(Kind::kBroadcast, tensor_name(c.node()), in,
                      c.allocate_output(0, in.dtype(), in.dims()), ReduceOp::kAverage,
                      static_cast<int>(c.attrs().get<int64_t>("root_rank")));
  execute({&r});
}

// Only the root's input reaches the outputs: the root gets the sum of every rank's gradient,
// the others zeros (Horovod's rule).
void broadcast_grad_kernel(KernelContext& c) {
  const Tensor& grad = c.input(0);
  Tensor& out = c.allocate_output(0, grad.dtype(), grad.dims());
  Request r = request(Kind::kAllreduce, c.node().name(), grad, out, ReduceOp::kSum);
  execute({&r});
  if (collective::rank() != static_cast<int>(c.attrs().get<int64_t>("root_rank")) && out.nbytes())
    std::memset(out.raw(), 0, out.nbytes());
}

AttrMap same_op(const GradContext& c) {
  return AttrMap{{"reduce_op", c.attrs().get<int64_t>("reduce_op")}};
}

}  // namespace

// Every collective is stateful: it talks to the other ranks, so a run must never skip it as
// unread (every rank would not take part) or share it between two nodes.
void register_collective_ops(OpRegistry& r) {
  r.add("HorovodAllreduce")
      .stateful()
      .inputs({"tensor"})
      .outputs({"sum"})
      .attr("reduce_op", int64_t{0}, "0: average over the ranks (hvd.Average), 1: sum (hvd.Sum)")
      .attr("tensor_name", "", "the name matched across ranks; empty: the node's name")
      .shape(allreduce_shape)
      .kernel(allreduce_kernel)
      .grad([](GradContext& c) {
        return Grads{ops::op(c.graph(), "HorovodAllreduce", {c.grad()}, same_op(c))};
      })
      .doc("The sum or average of `tensor` over all ranks.");
  r.add("HorovodGroupedAllreduce")
      .stateful()
      .inputs({"tensors"})
      .variadic_inputs()
      .outputs({"sums"})
      .attr("reduce_op", int64_t{0}, "0: average over the ranks (hvd.Average), 1: sum (hvd.Sum)")
      .attr("compression", "none", "'fp16': float32 tensors travel as float16")
      .shape([](InferenceContext& c) { grouped_shape(c, false); })
      .kernel(grouped_allreduce_kernel)
      .grad([](GradContext& c) {
        std::vector<Output> grads;
        for (int i = 0; i < c.num_inputs(); ++i) grads.push_back(c.grad(i));
        Node* n = ops::add_op(c.graph(), "HorovodGroupedAllreduce", grads, same_op(c));
        Grads out;
        for (int i = 0; i < c.num_inputs(); ++i) out.push_back(n->output(i));
        return out;
      })
      .doc("Allreduces of many tensors in one op, fused into shared buffers.");
  r.add("HorovodAllreduceGradients")
      .stateful()
      .inputs({"grads_and_vars"})
      .variadic_inputs()
      .outputs({"grads"})
      .ref_inputs_where([](int i) { return i % 2 == 1; })
      .reads_refs_only()
      .handles_frozen()
      .attr("reduce_op", int64_t{0}, "0: average over the ranks (hvd.Average), 1: sum (hvd.Sum)")
      .attr("compression", "none", "'fp16': float32 gradients travel as float16")
      .shape([](InferenceContext& c) { grouped_shape(c, true); })
      .kernel(allreduce_gradients_kernel)
      .not_differentiable()
      .doc(
          "The distributed optimizer's allreduce: (gradient, variable) pairs, one output per "
          "gradient; a variable frozen in the run keeps its local gradient unreduced.");
  r.add("HorovodAllreduceStart")
      .stateful()
      .runs_early()
      .inputs({"gradient", "variable"})
      .outputs({"handle"})
      .ref_inputs({1})
      .reads_refs_only()
      .handles_frozen()
      .attr("reduce_op", int64_t{0}, "0: average over the ranks (hvd.Average), 1: sum (hvd.Sum)")
      .attr("compression", "none", "'fp16': a float32 gradient travels as float16")
      .shape(start_shape)
      .kernel(start_kernel)
      .not_differentiable()
      .doc(
          "Hands `gradient` to the collective runtime and returns at once: a handle for "
          "HorovodAllreduceWait. The plan runs it as soon as the gradient exists, so the "
          "allreduce overlaps the rest of the backward pass; a variable frozen in the run keeps "
          "its local gradient unreduced.");
  r.add("HorovodAllreduceWait")
      .stateful()
      .inputs({"handles"})
      .variadic_inputs()
      .outputs({"grads"})
      .shape(wait_shape)
      .kernel(wait_kernel)
      .not_differentiable()
      .doc(
          "Blocks until the allreduces of its HorovodAllreduceStart inputs are done: one "
          "reduced gradient per handle, in order.");
  r.add("HorovodAllgather")
      .stateful()
      .inputs({"tensor"})
      .outputs({"output"})
      .attr("tensor_name", "", "the name matched across ranks; empty: the node's name")
      .shape(allgather_shape)
      .kernel(allgather_kernel)
      .grad([](GradContext& c) {
        return Grads{ops::op(c.graph(), "HorovodAllgatherGrad", {c.grad(), c.input(0)})};
      })
      .doc("The ranks' tensors concatenated along the first dimension, in rank order.");
  r.add("HorovodAllgatherGrad")
      .stateful()
      .inputs({"grad", "tensor"})
      .outputs({"output"})
      .shape(allgather_grad_shape)
      .kernel(allgather_grad_kernel)
      .not_differentiable()
      .doc("HorovodAllgather's gradient: this rank's rows of the gradient summed over ranks.");
  r.add("HorovodBroadcast")
      .stateful()
      .inputs({"tensor"})
      .outputs({"output"})
      .attr("root_rank", int64_t{0}, "the rank whose tensor every rank receives")
      .attr("tensor_name", "", "the name matched across ranks; empty: the node's name")
      .shape(broadcast_shape)
      .kernel(broadcast_kernel)
      .grad([](GradContext& c) {
        return Grads{ops::op(c.graph(), "HorovodBroadcastGrad", {c.grad()},
                             AttrMap{{"root_rank", c.attrs().get<int64_t>("root_rank")}})};
      })
      .doc("root_rank's tensor on every rank.");
  r.add("HorovodBroadcastGrad")
      .stateful()
      .inputs({"grad"})
      .outputs({"output"})
      .attr("root_rank", int64_t{0}, "the broadcast's root rank")
      .shape([](InferenceContext& c) { c.set_output(0, c.input_dtype(0), c.input_shape(0)); })
      .kernel(broadcast_grad_kernel)
      .not_differentiable()
      .doc(
          "HorovodBroadcast's gradient: the gradients summed over ranks on the root, zeros "
          "elsewhere.");
}

}  // namespace varflow::collective
