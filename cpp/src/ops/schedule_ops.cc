// Learning-rate schedule ops. Most schedules are plain elementwise graphs (Pow, Cos, Floor,
// Minimum...); these are the two pieces that have no such form:
//   PiecewiseConstant(x, boundaries, values): TF1's tf.train.piecewise_constant, whose TF
//     graph is a tf.case chain; here one scalar lookup.
//   ScheduleStandardNormal: one N(0, 1) sample per run for noisy_linear_cosine_decay, from a
//     per-session counter-based generator (deterministic for a nonzero (seed, seed2)).
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <type_traits>

#include "core/element_copy.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"

namespace varflow::ops {

namespace {

// --- PiecewiseConstant -------------------------------------------------------------------------
// values[0] if x <= b[0]; values[i] if b[i-1] < x <= b[i]; values[n] if x > b[n-1]. A NaN x
// matches no interval and takes values[0], TF's tf.case default.
void piecewise_constant_shape(InferenceContext& c) {
  const DType dx = c.input_dtype(0), db = c.input_dtype(1);
  if (!is_numeric(dx))
    c.type_error("Value passed to parameter 'x' has DataType ", dtype_name(dx),
                 " not in list of allowed values");
  if (db != dx)
    c.value_error("Boundaries (", dtype_name(db), ") must have the same dtype as x (",
                  dtype_name(dx), ")");
  const Shape& xs = c.input_shape(0);
  if (xs.has_rank() && xs.rank() != 0)
    c.value_error("x must be a scalar, got shape ", xs.to_tf_string());
  const Shape& bs = c.input_shape(1);
  const Shape& vs = c.input_shape(2);
  if (bs.has_rank() && bs.rank() != 1)
    c.value_error("boundaries must be a vector, got ", bs.to_tf_string());
  if (vs.has_rank() && vs.rank() != 1)
    c.value_error("values must be a vector, got ", vs.to_tf_string());
  if (bs.has_rank() && vs.has_rank() && bs.dim(0) >= 0 && vs.dim(0) >= 0 &&
      bs.dim(0) + 1 != vs.dim(0))
    c.value_error("The length of boundaries should be 1 less than the length of values");
  c.set_output(0, c.input_dtype(2), Shape{});
}

void piecewise_constant_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const Tensor& b = c.input(1);
  const Tensor& v = c.input(2);
  const int64_t n = b.num_elements();
  if (v.num_elements() != n + 1)
    c.fail(ErrorCode::kInvalidArgument,
           "The length of boundaries should be 1 less than the length "
           "of values: ",
           n, " boundaries, ", v.num_elements(), " values");
  if (x.num_elements() != 1) c.fail(ErrorCode::kInvalidArgument, "x must be a scalar");
  int64_t index = n;
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, bool>) {
      const T xv = *x.data<T>();
      const T* bv = b.data<T>();
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(xv)) {
          index = 0;
          return;
        }
      }
      for (int64_t i = 0; i < n; ++i)
        if (xv <= bv[i]) {
          index = i;
          return;
        }
    }
  });
  Tensor& out = c.allocate_output(0, v.dtype(), {});
  const size_t size = dtype_size(v.dtype());
  copy_raw(v.dtype(), out.raw(),
           static_cast<const char*>(v.raw()) + static_cast<size_t>(index) * size, size);
}

// --- ScheduleStandardNormal ----------------------------------------------------------------------
struct NormalState {
  uint64_t key = 0;
  uint64_t counter = 0;
};

uint64_t splitmix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A uniform double in (0, 1].
double unit(uint64_t bits) { return (static_cast<double>(bits >> 11) + 1.0) * 0x1.0p-53; }

void standard_normal_kernel(KernelContext& c) {
  ResourceSlot& slot = c.own_state();
  double z;
  {
    std::lock_guard<std::mutex> lock(slot.mu);
    if (!slot.state) {
      auto st = std::make_shared<NormalState>();
      const int64_t seed = c.attrs().get<int64_t>("seed");
      const int64_t seed2 = c.attrs().get<int64_t>("seed2");
      if (seed == 0 && seed2 == 0) {
        std::random_device rd;
        st->key = (static_cast<uint64_t>(rd()) << 32) ^ rd();
      } else {
        st->key = splitmix64(static_cast<uint64_t>(seed)) ^
                  (static_cast<uint64_t>(seed2) * 0xD1B54A32D192ED03ull);
      }
      slot.state = st;
    }
    auto* st = static_cast<NormalState*>(slot.state.get());
    const uint64_t n = st->counter++;
    const double u1 = unit(splitmix64(st->key + 2 * n));
    const double u2 = unit(splitmix64(st->key + 2 * n + 1));
    z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);  // Box-Muller
  }
  const DType d = c.attrs().get<DType>("dtype");
  Tensor& out = c.allocate_output(0, d, {});
  if (d == DType::kFloat64)
    *out.data<double>() = z;
  else
    *out.data<float>() = static_cast<float>(z);
}

}  // namespace

void register_schedule_ops(OpRegistry& r) {
  r.add("PiecewiseConstant")
      .inputs({"x", "boundaries", "values"})
      .outputs({"output"})
      .shape(piecewise_constant_shape)
      .kernel(piecewise_constant_kernel)
      .not_differentiable()
      .doc("values[i] for the first boundary b[i] >= x, values[-1] past the last boundary.");
  r.add("ScheduleStandardNormal")
      .outputs({"output"})
      .attr("dtype", DType::kFloat32, "float32 or float64")
      .attr("seed", int64_t{0}, "graph-level seed")
      .attr("seed2", int64_t{0}, "op-level seed")
      .stateful()
      .shape([](InferenceContext& c) {
        const DType d = c.attrs().get<DType>("dtype");
        if (!is_floating(d))
          c.type_error("ScheduleStandardNormal needs a float dtype, got ", dtype_name(d));
        c.set_output(0, d, Shape{});
      })
      .kernel(standard_normal_kernel)
      .not_differentiable()
      .doc("A fresh N(0, 1) scalar per run; attrs dtype, seed, seed2 (both 0: nondeterministic).");
}

}  // namespace varflow::ops
