// Moving-average ops: the fused update behind tf.train.ExponentialMovingAverage.apply.
//
//   ApplyMovingAverages(decay, shadow_0, value_0, ..., shadow_{N-1}, value_{N-1})
//
// updates every shadow variable in place, shadow -= (1 - decay) * (shadow - value) (TF1's
// assign_moving_average without zero-debias), in one pass over all elements: the TOTAL element
// count is split across the thread pool, so an EMA over many small variables costs one
// dispatch. `decay` is a scalar tensor of the shadows' dtype (the EMA computes
// min(decay, (1 + n) / (10 + n)) in the graph). Output i is shadow_i (attr N set from the
// inputs when absent).
#include <algorithm>
#include <mutex>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/moving_average.h"
#include "ops/op_families.h"
#include "varflow/op_registry.h"

namespace varflow::ops {

namespace {

void apply_moving_averages_shape(InferenceContext& c) {
  const int pairs_inputs = c.num_inputs() - 1;
  if (pairs_inputs <= 0 || pairs_inputs % 2 != 0)
    c.value_error("Expected decay and then (shadow, value) pairs, got ", c.num_inputs(), " inputs");
  const int n = pairs_inputs / 2;
  if (c.attrs().get<int64_t>("N") >= 0 && c.attrs().get<int64_t>("N") != n)
    c.value_error("Attr N = ", c.attrs().get<int64_t>("N"), " but the inputs hold ", n,
                  " shadow variables");
  c.mutable_attrs().set("N", int64_t{n});
  const DType dtype = c.input_dtype(1);
  if (dtype != DType::kFloat32 && dtype != DType::kFloat64)
    c.type_error("Value passed to parameter 'shadow' has DataType ", dtype_name(dtype),
                 " not in list of allowed values: float32, float64");
  if (c.input_dtype(0) != dtype)
    c.type_error("Input 'decay' of 'ApplyMovingAverages' Op has type ",
                 dtype_name(c.input_dtype(0)), " that does not match type ", dtype_name(dtype),
                 " of argument 'shadow'.");
  if (c.input_shape(0).has_rank() && c.input_shape(0).rank() != 0)
    c.value_error("decay is not a scalar: ", c.input_shape(0).to_tf_string());
  c.set_num_outputs(n);
  for (int g = 0; g < n; ++g) {
    const int shadow = 1 + 2 * g, value = shadow + 1;
    if (!c.input(shadow).node->op_def().is_variable)
      c.type_error("Input ", shadow, " ('shadow' ", g, ") must be a variable, got '",
                   c.input(shadow).name(), "'");
    for (int i : {shadow, value})
      if (c.input_dtype(i) != dtype)
        c.type_error("Input ", i, " of 'ApplyMovingAverages' Op has type ",
                     dtype_name(c.input_dtype(i)), " that does not match type ", dtype_name(dtype),
                     " of argument 'shadow'.");
    if (!c.input_shape(shadow).compatible_with(c.input_shape(value)))
      c.value_error("shadow and value do not have the same shape",
                    c.input_shape(shadow).to_tf_string(), " ", c.input_shape(value).to_tf_string());
    c.set_output(g, dtype, c.input_shape(shadow));
  }
}

template <typename T>
struct Pair {
  T* shadow;
  const T* value;
  int64_t size;
};

constexpr int64_t kGrain = 32768;
constexpr int64_t kAlign = 16;

int64_t round_up(int64_t n, int64_t align) { return (n + align - 1) / align * align; }

template <typename T>
void run_ema(KernelContext& c, int n, double decay) {
  thread_local std::vector<Pair<T>> pairs_storage;
  thread_local std::vector<int64_t> starts_storage;
  std::vector<Pair<T>>& pairs = pairs_storage;
  std::vector<int64_t>& starts = starts_storage;
  pairs.clear();
  starts.assign(1, 0);
  for (int g = 0; g < n; ++g) {
    Tensor& shadow = c.ref(1 + 2 * g).value;
    const Tensor& value = c.input(2 + 2 * g);
    if (value.dtype() != shadow.dtype())
      c.fail(ErrorCode::kInvalidArgument, "value has dtype ", dtype_name(value.dtype()),
             " but shadow has dtype ", dtype_name(shadow.dtype()));
    if (value.dims() != shadow.dims())
      c.fail(ErrorCode::kInvalidArgument, "shadow and value do not have the same shape",
             Shape(shadow.dims()).to_tf_string(), " ", Shape(value.dims()).to_tf_string());
    pairs.push_back({shadow.data<T>(), value.data<T>(), shadow.num_elements()});
    starts.push_back(starts.back() + round_up(shadow.num_elements(), kAlign));
  }
  const T a = static_cast<T>(1.0 - decay);
  const int64_t total = starts.back();
  auto body = [&](int64_t begin, int64_t end) {
    size_t k = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), begin) -
                                   starts.begin() - 1);
    for (; k < pairs.size() && starts[k] < end; ++k) {
      const int64_t lo = std::max<int64_t>(begin - starts[k], 0);
      const int64_t hi = std::min<int64_t>(end - starts[k], pairs[k].size);
      if (lo < hi)
        kernels::moving_average_step(pairs[k].shadow + lo, pairs[k].value + lo, hi - lo, a);
    }
  };
  if (total < 2 * kGrain || c.pool().num_threads() == 1)
    body(0, total);
  else
    c.pool().parallel_for(total, kGrain, body, kAlign);
}

void apply_moving_averages_kernel(KernelContext& c) {
  const int n = (c.num_inputs() - 1) / 2;
  const Tensor& decay = c.input(0);
  if (decay.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument,
           "decay is not a scalar: ", Shape(decay.dims()).to_tf_string());
  // Locks every distinct shadow (address order) with use_locking, as TF's assign ops do.
  std::vector<std::mutex*> mutexes;
  if (c.attrs().get<bool>("use_locking")) {
    for (int g = 0; g < n; ++g) mutexes.push_back(&c.ref(1 + 2 * g).mu);
    std::sort(mutexes.begin(), mutexes.end());
    mutexes.erase(std::unique(mutexes.begin(), mutexes.end()), mutexes.end());
  }
  for (std::mutex* mu : mutexes) mu->lock();
  struct Unlock {
    std::vector<std::mutex*>& m;
    ~Unlock() {
      for (auto it = m.rbegin(); it != m.rend(); ++it) (*it)->unlock();
    }
  } unlock{mutexes};
  // Uninitialised shadows are reported before anything is updated.
  for (int g = 0; g < n; ++g) {
    const ResourceSlot& slot = c.ref(1 + 2 * g);
    if (!slot.value.defined())
      c.fail(ErrorCode::kFailedPrecondition, "Attempting to use uninitialized value ",
             slot.owner_name);
  }
  const DType dtype = c.ref(1).value.dtype();
  if (dtype == DType::kFloat32)
    run_ema<float>(c, n, decay.scalar_as_double());
  else if (dtype == DType::kFloat64)
    run_ema<double>(c, n, decay.scalar_as_double());
  else
    c.fail(ErrorCode::kInvalidArgument, "ApplyMovingAverages is not defined for dtype ",
           dtype_name(dtype));
  for (int g = 0; g < n; ++g) c.set_output(g, c.ref(1 + 2 * g).value);
}

}  // namespace

void register_moving_average_ops(OpRegistry& r) {
  r.add("ApplyMovingAverages")
      .inputs({"decay", "shadow", "value"})
      .variadic_inputs()
      .outputs({"out"})
      .attr("N", int64_t{-1}, "number of (shadow, value) pairs, checked when given")
      .attr("use_locking", false, "lock the shadow variables during the update")
      .ref_inputs_where([](int i) { return i >= 1 && (i - 1) % 2 == 0; })
      .shape(apply_moving_averages_shape)
      .kernel(apply_moving_averages_kernel)
      .not_differentiable()
      .doc(
          "decay, then N (shadow, value) pairs: shadow -= (1 - decay) * (shadow - value) for "
          "every pair, in one pass threaded over the total element count.");
}

}  // namespace varflow::ops
