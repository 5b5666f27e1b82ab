// Queue ops: TF1's FIFOQueueV2, PaddingFIFOQueueV2 and RandomShuffleQueueV2 and the ops on
// their handle (enqueue, enqueue_many, dequeue, dequeue_many, dequeue_up_to, close, size,
// is_closed). The queue node is stateful: its kernel creates the queue (kernels/queue.h) in the
// session's state for the node on the first run, so two sessions on one graph hold separate
// queues, as in TF1. The ops on a queue take its handle as a ref input, which hands them that
// state. Queues block; none of the ops has a gradient.
//
// Two ops of the input producers live here too, until their families take them: CountUpTo
// (tf.train.limit_epochs' counter) and RandomShuffle (input_producer's shuffle), bit-exact
// with TF1's CPU kernels.
//
// Attributes: `component_types` lists the dtypes' enum values, `shapes` the component shapes
// flattened as [rank, dims...] per component (-1 for an unknown dimension; empty: no shapes),
// since attributes hold no lists of types or shapes.
#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <type_traits>

#include "kernels/queue.h"
#include "ops/op_families.h"
#include "varflow/op_registry.h"

namespace varflow::ops {

namespace {

using kernels::Queue;
using kernels::QueueKind;

bool is_queue_op(const std::string& type) {
  return type == "FIFOQueueV2" || type == "PaddingFIFOQueueV2" || type == "RandomShuffleQueueV2";
}

std::vector<DType> component_types(const AttrMap& attrs) {
  std::vector<DType> out;
  for (int64_t code : attrs.get<std::vector<int64_t>>("component_types"))
    out.push_back(static_cast<DType>(code));
  return out;
}

// Decodes `shapes`; raises through `bad` (with the reason) when the encoding is malformed.
template <typename Bad>
std::vector<Shape> component_shapes(const AttrMap& attrs, const Bad& bad) {
  const auto& flat = attrs.get<std::vector<int64_t>>("shapes");
  std::vector<Shape> out;
  for (size_t i = 0; i < flat.size();) {
    const int64_t rank = flat[i++];
    if (rank < 0 || static_cast<size_t>(rank) > flat.size() - i)
      bad("malformed 'shapes' attribute (rank ", rank, " at position ", i - 1, ")");
    Dims dims(flat.begin() + static_cast<std::ptrdiff_t>(i),
              flat.begin() + static_cast<std::ptrdiff_t>(i + static_cast<size_t>(rank)));
    for (int64_t& d : dims) {
      if (d < -1) bad("malformed 'shapes' attribute (dimension ", d, ")");
      if (d < 0) d = kUnknownDim;
    }
    out.emplace_back(std::move(dims));
    i += static_cast<size_t>(rank);
  }
  return out;
}

void queue_shape(InferenceContext& c) {
  auto bad = [&](const auto&... parts) { c.value_error(parts...); };
  const std::vector<DType> types = component_types(c.attrs());
  if (types.empty()) c.value_error("a queue needs at least one component dtype");
  for (DType t : types)
    if (!is_valid(t)) c.type_error("component dtype code ", static_cast<int>(t), " is not a dtype");
  const std::vector<Shape> shapes = component_shapes(c.attrs(), bad);
  if (!shapes.empty() && shapes.size() != types.size())
    c.value_error("Queue shapes must have the same length as dtypes, received len(shapes)=",
                  shapes.size(), ", len(dtypes)=", types.size());
  const bool padding = c.op_type() == "PaddingFIFOQueueV2";
  if (padding && shapes.empty())
    c.value_error("Shapes must be provided for all components, but received ", types.size(),
                  " dtypes and 0 shapes.");
  if (!padding)
    for (const Shape& s : shapes)
      for (int64_t d : s.dims())
        if (d < 0) c.value_error("All shapes must be fully defined: ", s.to_string());
  c.set_output(0, DType::kString, Shape{});
}

// TF names a queue's resource "_<n>_<node name>", n counting resources the process created.
std::atomic<int64_t> next_queue_id{0};

template <QueueKind Kind>
void queue_kernel(KernelContext& c) {
  ResourceSlot& slot = c.own_state();
  std::shared_ptr<Queue> queue;
  {
    std::lock_guard<std::mutex> lock(slot.mu);
    if (!slot.state) {
      kernels::QueueSpec spec;
      spec.kind = Kind;
      spec.dtypes = component_types(c.attrs());
      spec.shapes = component_shapes(
          c.attrs(), [&](const auto&... parts) { c.fail(ErrorCode::kInvalidArgument, parts...); });
      spec.capacity = c.attrs().get<int64_t>("capacity");
      if constexpr (Kind == QueueKind::kRandomShuffle) {
        spec.min_after_dequeue = c.attrs().get<int64_t>("min_after_dequeue");
        if (spec.min_after_dequeue < 0)
          c.fail(ErrorCode::kInvalidArgument, "min_after_dequeue ", spec.min_after_dequeue,
                 " must be >= 0");
        if (spec.capacity >= 0 && spec.min_after_dequeue >= spec.capacity)
          c.fail(ErrorCode::kInvalidArgument, "min_after_dequeue ", spec.min_after_dequeue,
                 " must be < capacity ", spec.capacity);
        spec.seed = static_cast<uint64_t>(c.attrs().get<int64_t>("seed"));
        spec.seed2 = static_cast<uint64_t>(c.attrs().get<int64_t>("seed2"));
      }
      const std::string& shared = c.attrs().get<std::string>("shared_name");
      spec.name =
          shared.empty() ? str_cat("_", next_queue_id.fetch_add(1), "_", c.node().name()) : shared;
      slot.state = std::make_shared<Queue>(std::move(spec));
    }
    queue = std::static_pointer_cast<Queue>(slot.state);
  }
  Tensor& handle = c.allocate_output(0, DType::kString, {});
  *handle.data<std::string>() = queue->spec().name;
}

// The queue behind input 0. Its node has run in this plan unless the handle was fed.
std::shared_ptr<Queue> queue_of(KernelContext& c) {
  ResourceSlot& slot = c.ref(0);
  std::lock_guard<std::mutex> lock(slot.mu);
  if (!slot.state)
    c.fail(ErrorCode::kFailedPrecondition, "The queue '", c.node().inputs()[0].node->name(),
           "' has not been created in this session (its handle cannot be fed)");
  return std::static_pointer_cast<Queue>(slot.state);
}

Queue::Tuple components(KernelContext& c) {
  Queue::Tuple tuple;
  for (int i = 1; i < c.num_inputs(); ++i) tuple.push_back(c.input(i));
  return tuple;
}

void enqueue_kernel(KernelContext& c) { queue_of(c)->enqueue(components(c)); }
void enqueue_many_kernel(KernelContext& c) { queue_of(c)->enqueue_many(components(c)); }

void set_outputs(KernelContext& c, Queue::Tuple tuple) {
  for (size_t i = 0; i < tuple.size(); ++i) c.set_output(static_cast<int>(i), std::move(tuple[i]));
}

void dequeue_kernel(KernelContext& c) { set_outputs(c, queue_of(c)->dequeue()); }

template <bool UpTo>
void dequeue_many_kernel(KernelContext& c) {
  const Tensor& n = c.input(1);
  if (n.rank() != 0 || !is_integer(n.dtype()))
    c.fail(ErrorCode::kInvalidArgument, "n must be an int32 scalar, got ", dtype_name(n.dtype()),
           " of shape ", Shape(n.dims()).to_tf_string());
  set_outputs(c, queue_of(c)->dequeue_many(n.scalar_as_int(), UpTo));
}

void close_kernel(KernelContext& c) {
  queue_of(c)->close(c.attrs().get<bool>("cancel_pending_enqueues"));
}

void size_kernel(KernelContext& c) {
  *c.allocate_output(0, DType::kInt32, {}).data<int32_t>() =
      static_cast<int32_t>(queue_of(c)->size());
}

void is_closed_kernel(KernelContext& c) {
  *c.allocate_output(0, DType::kBool, {}).data<bool>() = queue_of(c)->is_closed();
}

// The queue node behind input 0; its dtypes and shapes (shapes empty: unconstrained).
struct QueueInfo {
  std::vector<DType> types;
  std::vector<Shape> shapes;
};

QueueInfo queue_input(InferenceContext& c) {
  if (c.num_inputs() < 1 || !is_queue_op(c.input(0).node->type()))
    c.type_error(
        "input 0 must be a queue handle (the output of FIFOQueueV2, PaddingFIFOQueueV2 "
        "or RandomShuffleQueueV2), got '",
        c.num_inputs() < 1 ? std::string("nothing") : c.input(0).name(), "'");
  const AttrMap& attrs = c.input(0).node->attrs();
  QueueInfo info{component_types(attrs), {}};
  info.shapes = component_shapes(attrs, [&](const auto&... parts) { c.value_error(parts...); });
  return info;
}

template <bool Many>
void enqueue_shape(InferenceContext& c) {
  const QueueInfo q = queue_input(c);
  const int n = c.num_inputs() - 1;
  if (n != static_cast<int>(q.types.size()))
    c.value_error("the queue has ", q.types.size(), " components but ", n, " were given");
  int64_t batch = kUnknownDim;
  for (int i = 0; i < n; ++i) {
    const DType want = q.types[static_cast<size_t>(i)];
    if (c.input_dtype(i + 1) != want)
      c.type_error("component ", i, " has dtype ", dtype_name(c.input_dtype(i + 1)),
                   " but the queue holds ", dtype_name(want));
    Shape element = c.input_shape(i + 1);
    if (Many && element.has_rank()) {
      if (element.rank() == 0) c.value_error("Shape () must have rank at least 1");
      const int64_t b = element.dims()[0];
      if (b >= 0 && batch >= 0 && b != batch)
        c.value_error("Dimensions ", batch, " and ", b, " are not compatible");
      if (b >= 0) batch = b;
      element = Shape(Dims(element.dims().begin() + 1, element.dims().end()));
    }
    if (!q.shapes.empty() && !element.compatible_with(q.shapes[static_cast<size_t>(i)]))
      c.value_error("Shapes ", element.to_string(), " and ",
                    q.shapes[static_cast<size_t>(i)].to_string(), " are incompatible");
  }
  c.set_num_outputs(0);
}

void dequeue_shape(InferenceContext& c) {
  const QueueInfo q = queue_input(c);
  c.set_num_outputs(static_cast<int>(q.types.size()));
  for (size_t i = 0; i < q.types.size(); ++i)
    c.set_output(static_cast<int>(i), q.types[i],
                 q.shapes.empty() ? Shape::unknown_rank() : q.shapes[i]);
}

template <bool UpTo>
void dequeue_many_shape(InferenceContext& c) {
  const QueueInfo q = queue_input(c);
  if (!is_integer(c.input_dtype(1)) || !c.input_shape(1).compatible_with(Shape{}))
    c.type_error("n must be an int32 scalar, got ", dtype_name(c.input_dtype(1)), " of shape ",
                 c.input_shape(1).to_string());
  int64_t batch = kUnknownDim;
  if (const Tensor* n = c.constant_input(1); n && !UpTo) {
    batch = n->scalar_as_int();
    if (batch < 0) c.value_error("Input 'n' must be >= 0, but is ", batch);
  }
  c.set_num_outputs(static_cast<int>(q.types.size()));
  for (size_t i = 0; i < q.types.size(); ++i) {
    Shape out = Shape::unknown_rank();
    if (!q.shapes.empty()) {
      Dims dims{batch};
      dims.insert(dims.end(), q.shapes[i].dims().begin(), q.shapes[i].dims().end());
      out = Shape(dims);
    }
    c.set_output(static_cast<int>(i), q.types[i], out);
  }
}

template <DType Out>
void scalar_out_shape(InferenceContext& c) {
  queue_input(c);
  if constexpr (Out == DType::kInvalid)
    c.set_num_outputs(0);
  else
    c.set_output(0, Out, Shape{});
}

OpDefBuilder queue_common(OpDefBuilder b) {
  return b.outputs({"handle"})
      .required_attr("component_types", AttrType::kIntList, "the components' dtype codes")
      .attr("shapes", std::vector<int64_t>{}, "[rank, dims...] per component; empty: any")
      .attr("capacity", -1, "most elements held; negative: unbounded")
      .attr("container", "", "unused: TF1 resource containers")
      .attr("shared_name", "", "the queue's resource name (default _<n>_<node name>)")
      .stateful()
      .shape(queue_shape)
      .not_differentiable();
}

OpDefBuilder on_queue(OpDefBuilder b, std::vector<std::string> inputs) {
  return b.inputs(std::move(inputs)).ref_inputs_where([](int i) { return i == 0; });
}

// TF's CountUpTo: the variable's value before the increment; OutOfRange at the limit.
void count_up_to_kernel(KernelContext& c) {
  ResourceSlot& slot = c.ref(0);
  std::lock_guard<std::mutex> lock(slot.mu);
  if (!slot.value.defined())
    c.fail(ErrorCode::kFailedPrecondition, "Attempting to use uninitialized value ",
           slot.owner_name);
  const int64_t limit = c.attrs().get<int64_t>("limit");
  visit_dtype(slot.value.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>) {
      T& value = *slot.value.data<T>();
      if (value >= limit) c.fail(ErrorCode::kOutOfRange, "Reached limit of ", limit);
      *c.allocate_output(0, slot.value.dtype(), {}).data<T>() = value;
      ++value;
    }
  });
}

// TF's RandomShuffle: n - 1 words of the node's Philox stream (reserved as whole 128-bit
// blocks) for one forward Fisher-Yates pass, over the elements of a vector or else over the
// row indices.
void random_shuffle_kernel(KernelContext& c) {
  const Tensor& input = c.input(0);
  if (input.rank() == 0 || input.num_elements() <= 1 || input.dim(0) <= 1) {
    c.set_output(0, input);
    return;
  }
  const int64_t n = input.dim(0);
  kernels::Philox local;
  {
    ResourceSlot& slot = c.own_state();
    std::lock_guard<std::mutex> lock(slot.mu);
    if (!slot.state) {
      uint64_t seed = static_cast<uint64_t>(c.attrs().get<int64_t>("seed"));
      uint64_t seed2 = static_cast<uint64_t>(c.attrs().get<int64_t>("seed2"));
      if (seed == 0 && seed2 == 0) {
        seed = kernels::os_random_seed();
        seed2 = kernels::os_random_seed();
      }
      slot.state = std::make_shared<kernels::Philox>(seed, seed2);
    }
    auto& gen = *static_cast<kernels::Philox*>(slot.state.get());
    local = gen;
    gen.skip(static_cast<uint64_t>((n - 1 + 3) / 4));
  }
  kernels::PhiloxWords words(local);
  auto uniform = [&](int64_t bound) {
    return static_cast<int64_t>(words() % static_cast<uint32_t>(bound));
  };
  Tensor& out = c.allocate_output(0, input.dtype(), input.dims());
  const int64_t row = input.num_elements() / n;
  visit_any_dtype(input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* from = input.data<T>();
    T* to = out.data<T>();
    if (input.rank() == 1) {
      std::copy(from, from + n, to);
      for (int64_t i = 0; i + 1 < n; ++i) std::swap(to[i], to[i + uniform(n - i)]);
      return;
    }
    std::vector<int64_t> perm(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) perm[static_cast<size_t>(i)] = i;
    for (int64_t i = 0; i + 1 < n; ++i)
      std::swap(perm[static_cast<size_t>(i)], perm[static_cast<size_t>(i + uniform(n - i))]);
    for (int64_t i = 0; i < n; ++i) {
      const T* src = from + perm[static_cast<size_t>(i)] * row;
      std::copy(src, src + row, to + i * row);
    }
  });
}

}  // namespace

void register_queue_ops(OpRegistry& r) {
  r.add("CountUpTo")
      .inputs({"ref"})
      .outputs({"output"})
      .required_attr("limit", AttrType::kInt, "the count that raises OutOfRange")
      .ref_inputs({0})
      .shape([](InferenceContext& c) {
        if (c.input_dtype(0) != DType::kInt32 && c.input_dtype(0) != DType::kInt64)
          c.type_error("CountUpTo needs an int32 or int64 variable, got ",
                       dtype_name(c.input_dtype(0)));
        if (!c.input_shape(0).compatible_with(Shape{}))
          c.value_error("Shape must be rank 0 but is rank ", c.input_shape(0).rank());
        c.set_output(0, c.input_dtype(0), Shape{});
      })
      .kernel(count_up_to_kernel)
      .not_differentiable();
  r.add("RandomShuffle")
      .inputs({"value"})
      .outputs({"output"})
      .attr("seed", 0, "the op seed")
      .attr("seed2", 0, "the second seed")
      .stateful()
      .shape([](InferenceContext& c) { c.set_output(0, c.input_dtype(0), c.input_shape(0)); })
      .kernel(random_shuffle_kernel)
      .not_differentiable();

  queue_common(r.add("FIFOQueueV2")).kernel(queue_kernel<QueueKind::kFifo>);
  queue_common(r.add("PaddingFIFOQueueV2")).kernel(queue_kernel<QueueKind::kPaddingFifo>);
  queue_common(r.add("RandomShuffleQueueV2"))
      .attr("min_after_dequeue", 0, "elements a dequeue leaves until the queue closes")
      .attr("seed", 0, "the shuffle's seed")
      .attr("seed2", 0, "the shuffle's second seed")
      .kernel(queue_kernel<QueueKind::kRandomShuffle>);

  on_queue(r.add("QueueEnqueueV2"), {"handle", "components"})
      .variadic_inputs()
      .outputs({})
      .handles_frozen()
      .shape(enqueue_shape<false>)
      .kernel(enqueue_kernel)
      .not_differentiable();
  on_queue(r.add("QueueEnqueueManyV2"), {"handle", "components"})
      .variadic_inputs()
      .outputs({})
      .handles_frozen()
      .shape(enqueue_shape<true>)
      .kernel(enqueue_many_kernel)
      .not_differentiable();
  on_queue(r.add("QueueDequeueV2"), {"handle"})
      .outputs({"components"})
      .shape(dequeue_shape)
      .kernel(dequeue_kernel)
      .not_differentiable();
  on_queue(r.add("QueueDequeueManyV2"), {"handle", "n"})
      .outputs({"components"})
      .shape(dequeue_many_shape<false>)
      .kernel(dequeue_many_kernel<false>)
      .not_differentiable();
  on_queue(r.add("QueueDequeueUpToV2"), {"handle", "n"})
      .outputs({"components"})
      .shape(dequeue_many_shape<true>)
      .kernel(dequeue_many_kernel<true>)
      .not_differentiable();
  on_queue(r.add("QueueCloseV2"), {"handle"})
      .outputs({})
      .attr("cancel_pending_enqueues", false, "fail the enqueues blocked on a full queue")
      .shape(scalar_out_shape<DType::kInvalid>)
      .kernel(close_kernel)
      .not_differentiable();
  on_queue(r.add("QueueSizeV2"), {"handle"})
      .outputs({"size"})
      .shape(scalar_out_shape<DType::kInt32>)
      .kernel(size_kernel)
      .not_differentiable();
  on_queue(r.add("QueueIsClosedV2"), {"handle"})
      .outputs({"is_closed"})
      .shape(scalar_out_shape<DType::kBool>)
      .kernel(is_closed_kernel)
      .not_differentiable();
}

}  // namespace varflow::ops
