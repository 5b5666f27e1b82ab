// Random ops: TF1's RandomUniform, RandomStandardNormal, TruncatedNormal and RandomUniformInt,
// bit-exact with TensorFlow's CPU kernels. Each node keeps a Philox generator in its own
// per-session state, seeded from attrs (seed, seed2) the first time it runs (both zero: a
// fresh seed from the OS); each run reserves 256 blocks per output element, as TF's
// GuardedPhiloxRandom does, so successive runs draw new values and a new session (or a new
// graph with the same seeds) repeats the sequence.
#include <memory>
#include <mutex>

#include "core/thread_pool.h"
#include "kernels/philox.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"

namespace varflow::ops {

namespace {

using kernels::Philox;

Dims dims_from_shape_input(KernelContext& c) {
  const Tensor& shape = c.input(0);
  if (shape.rank() != 1)
    c.fail(ErrorCode::kInvalidArgument, "shape must be a vector of {int32,int64}, got shape ",
           Shape(shape.dims()).to_tf_string());
  Dims dims = shape.as_dims();  // int32 or int64 (the shape rule checks), read without a copy
  for (int64_t d : dims)
    if (d < 0) c.fail(ErrorCode::kInvalidArgument, "Dimension ", d, " must be >= 0");
  return dims;
}

// The generator state for this run: a copy taken before advancing the node's generator past
// the blocks this run may use.
Philox reserve(KernelContext& c, int64_t outputs) {
  ResourceSlot& slot = c.own_state();
  std::lock_guard<std::mutex> lock(slot.mu);
  if (!slot.state) {
    uint64_t seed = static_cast<uint64_t>(c.attrs().get<int64_t>("seed"));
    uint64_t seed2 = static_cast<uint64_t>(c.attrs().get<int64_t>("seed2"));
    if (seed == 0 && seed2 == 0) {
      seed = kernels::os_random_seed();
      seed2 = kernels::os_random_seed();
    }
    slot.state = std::make_shared<Philox>(seed, seed2);
  }
  Philox& gen = *static_cast<Philox*>(slot.state.get());
  Philox local = gen;
  gen.skip(static_cast<uint64_t>(outputs) * kernels::kPhiloxBlocksPerOutput);
  return local;
}

enum class Dist { kUniform, kNormal, kTruncated };

template <Dist D>
void random_float_kernel(KernelContext& c) {
  const DType dtype = c.attrs().get<DType>("dtype");
  Tensor& out = c.allocate_output(0, dtype, dims_from_shape_input(c));
  const int64_t n = out.num_elements();
  const Philox gen = reserve(c, n);
  // Elements [begin, end), begin a multiple of 4 (a whole number of output groups): the
  // generator is advanced to where that group's samples start, so chunks run in parallel and
  // the values do not depend on the split.
  auto fill = [&](auto* data, int64_t begin, int64_t end) {
    constexpr int64_t per_block = sizeof(*data) == 4 ? 4 : 2;  // outputs per 128-bit block
    Philox local = gen;
    if constexpr (D == Dist::kTruncated) {
      // Each group of per_block outputs owns per_block * 256 / 4 blocks: 64 per output.
      local.skip(static_cast<uint64_t>(begin) * (kernels::kPhiloxBlocksPerOutput / 4));
    } else {
      local.skip(static_cast<uint64_t>(begin / per_block));
    }
    if constexpr (D == Dist::kUniform) kernels::fill_uniform(local, data + begin, end - begin);
    if constexpr (D == Dist::kNormal) kernels::fill_normal(local, data + begin, end - begin);
    if constexpr (D == Dist::kTruncated)
      kernels::fill_truncated_normal(local, data + begin, end - begin);
  };
  const int64_t grain = D == Dist::kUniform ? (int64_t{1} << 16) : (int64_t{1} << 13);
  c.pool().parallel_for(
      n, grain,
      [&](int64_t begin, int64_t end) {
        if (dtype == DType::kFloat32)
          fill(out.data<float>(), begin, end);
        else
          fill(out.data<double>(), begin, end);
      },
      /*align=*/4);
}

void random_uniform_int_kernel(KernelContext& c) {
  const Tensor &lo_t = c.input(1), &hi_t = c.input(2);
  if (lo_t.rank() != 0 || hi_t.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "minval and maxval must be 0-D, got shapes ",
           Shape(lo_t.dims()).to_tf_string(), " and ", Shape(hi_t.dims()).to_tf_string());
  const DType dtype = lo_t.dtype();
  Tensor& out = c.allocate_output(0, dtype, dims_from_shape_input(c));
  const int64_t n = out.num_elements();
  if (n == 0) return;
  if (dtype == DType::kInt32) {
    const int32_t lo = *lo_t.data<int32_t>(), hi = *hi_t.data<int32_t>();
    if (lo >= hi) c.fail(ErrorCode::kInvalidArgument, "Need minval < maxval: ", lo, " >= ", hi);
    kernels::fill_uniform_int(reserve(c, n), lo, hi, out.data<int32_t>(), n);
  } else {
    const int64_t lo = *lo_t.data<int64_t>(), hi = *hi_t.data<int64_t>();
    if (lo >= hi) c.fail(ErrorCode::kInvalidArgument, "Need minval < maxval: ", lo, " >= ", hi);
    kernels::fill_uniform_int(reserve(c, n), lo, hi, out.data<int64_t>(), n);
  }
}

void random_float_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kInt32, DType::kInt64});
  shape_rules::require_rank(c, 0, 1);
  const DType dtype = c.attrs().get<DType>("dtype");
  if (dtype != DType::kFloat32 && dtype != DType::kFloat64)
    c.type_error("Value for attr 'dtype' of ", dtype_name(dtype),
                 " is not in the list of allowed values: float, double");
  c.set_output(0, dtype, shape_rules::shape_from_input(c, 0));
}

void random_uniform_int_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kInt32, DType::kInt64});
  shape_rules::require_rank(c, 0, 1);
  shape_rules::require_rank(c, 1, 0);
  shape_rules::require_rank(c, 2, 0);
  shape_rules::require_dtype(c, 1, {DType::kInt32, DType::kInt64});
  if (c.input_dtype(1) != c.input_dtype(2))
    c.type_error("minval and maxval must have the same dtype, got ", dtype_name(c.input_dtype(1)),
                 " and ", dtype_name(c.input_dtype(2)));
  c.mutable_attrs().set("Tout", c.input_dtype(1));
  c.set_output(0, c.input_dtype(1), shape_rules::shape_from_input(c, 0));
}

}  // namespace

void register_random_ops(OpRegistry& r) {
  r.add("RandomUniform")
      .inputs({"shape"})
      .outputs({"output"})
      .attr("dtype", DType::kFloat32, "float32 or float64")
      .attr("seed", int64_t{0}, "graph-level seed")
      .attr("seed2", int64_t{0}, "op-level seed")
      .stateful()
      .doc("Uniform in [0, 1). attrs: dtype (float32|float64), seed, seed2.")
      .shape(random_float_shape)
      .kernel(random_float_kernel<Dist::kUniform>)
      .not_differentiable();
  r.add("RandomStandardNormal")
      .inputs({"shape"})
      .outputs({"output"})
      .attr("dtype", DType::kFloat32, "float32 or float64")
      .attr("seed", int64_t{0}, "graph-level seed")
      .attr("seed2", int64_t{0}, "op-level seed")
      .stateful()
      .doc("Standard normal by Box-Muller. attrs: dtype (float32|float64), seed, seed2.")
      .shape(random_float_shape)
      .kernel(random_float_kernel<Dist::kNormal>)
      .not_differentiable();
  r.add("TruncatedNormal")
      .inputs({"shape"})
      .outputs({"output"})
      .attr("dtype", DType::kFloat32, "float32 or float64")
      .attr("seed", int64_t{0}, "graph-level seed")
      .attr("seed2", int64_t{0}, "op-level seed")
      .stateful()
      .doc("Standard normal restricted to (-2, 2) by rejection. attrs: dtype, seed, seed2.")
      .shape(random_float_shape)
      .kernel(random_float_kernel<Dist::kTruncated>)
      .not_differentiable();
  r.add("RandomUniformInt")
      .inputs({"shape", "minval", "maxval"})
      .outputs({"output"})
      .attr("seed", int64_t{0}, "graph-level seed")
      .attr("seed2", int64_t{0}, "op-level seed")
      .stateful()
      .doc("Integers in [minval, maxval) (int32|int64). attrs: seed, seed2.")
      .shape(random_uniform_int_shape)
      .kernel(random_uniform_int_kernel)
      .not_differentiable();
}

}  // namespace varflow::ops
