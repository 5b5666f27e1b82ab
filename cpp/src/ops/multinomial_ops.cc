// TF1's Multinomial (tf.multinomial, tf.random.categorical): num_samples class indices per
// row of unnormalised log-probabilities, drawn as TF's CPU kernel draws them. Per run the node
// reserves 256 blocks per output double (as TF's ReserveRandomOutputs), and the rows take
// successive doubles from one Philox stream, each the upper_bound of u * total in the
// running sum of exp(logit - max) over the finite logits (TF's MultinomialFunctor when it
// runs the batch as one shard).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

#include "kernels/philox.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"

namespace varflow::ops {

namespace {

using kernels::Philox;

Philox reserve(KernelContext& c, uint64_t blocks) {
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
  gen.skip(blocks);
  return local;
}

template <typename T, typename Out>
void draw(const T* logits, int64_t batch, int64_t classes, int64_t samples, Philox gen, Out* out) {
  kernels::PhiloxWords words(gen);
  std::vector<double> cdf(static_cast<size_t>(classes));
  for (int64_t b = 0; b < batch; ++b) {
    const T* row = logits + b * classes;
    T max = std::numeric_limits<T>::lowest();
    for (int64_t j = 0; j < classes; ++j)
      if (std::isfinite(row[j])) max = std::max(max, row[j]);
    double total = 0;
    for (int64_t j = 0; j < classes; ++j) {
      if (std::isfinite(row[j]))
        total += std::exp(static_cast<double>(row[j]) - static_cast<double>(max));
      cdf[static_cast<size_t>(j)] = total;
    }
    for (int64_t s = 0; s < samples; ++s) {
      const uint32_t hi = words(), lo = words();
      const double to_find = kernels::uint64_to_double(hi, lo) * total;
      out[b * samples + s] =
          static_cast<Out>(std::upper_bound(cdf.begin(), cdf.end(), to_find) - cdf.begin());
    }
  }
}

void multinomial_kernel(KernelContext& c) {
  const Tensor& logits = c.input(0);
  const Tensor& num = c.input(1);
  if (logits.rank() != 2)
    c.fail(ErrorCode::kInvalidArgument, "logits should be a matrix, got shape ",
           Shape(logits.dims()).to_tf_string());
  if (num.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "num_samples should be a scalar, got shape ",
           Shape(num.dims()).to_tf_string());
  const int64_t batch = logits.dim(0), classes = logits.dim(1), samples = num.scalar_as_int();
  if (samples < 0)
    c.fail(ErrorCode::kInvalidArgument, "num_samples should be nonnegative, got ", samples);
  if (batch > 0 && classes == 0 && samples > 0)
    c.fail(ErrorCode::kInvalidArgument, "num_classes should be positive, got 0");
  const DType out_dtype = c.attrs().get<DType>("output_dtype");
  Tensor& out = c.allocate_output(0, out_dtype, {batch, samples});
  // TF: (num_samples rounded up to 4) * 2 doubles per sample... per row, 256 blocks each.
  const uint64_t per_row = static_cast<uint64_t>((samples + 3) / 4 * 4) * 2;
  const Philox gen =
      reserve(c, static_cast<uint64_t>(batch) * per_row * kernels::kPhiloxBlocksPerOutput);
  if (out.num_elements() == 0) return;
  auto run = [&](auto* o) {
    if (logits.dtype() == DType::kFloat32)
      draw(logits.data<float>(), batch, classes, samples, gen, o);
    else
      draw(logits.data<double>(), batch, classes, samples, gen, o);
  };
  if (out_dtype == DType::kInt32)
    run(out.data<int32_t>());
  else
    run(out.data<int64_t>());
}

void multinomial_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kFloat32, DType::kFloat64});
  shape_rules::require_dtype(c, 1, {DType::kInt32});
  const DType out = c.attrs().get<DType>("output_dtype");
  if (out != DType::kInt32 && out != DType::kInt64)
    c.type_error("output_dtype must be int32 or int64, got ", dtype_name(out));
  const Shape& s = c.input_shape(0);
  if (s.has_rank() && s.rank() != 2)
    c.value_error("Shape must be rank 2 but is rank ", s.rank(), " for input 'logits'");
  if (c.input_shape(1).has_rank() && c.input_shape(1).rank() != 0)
    c.value_error("Shape must be rank 0 but is rank ", c.input_shape(1).rank(),
                  " for input 'num_samples'");
  int64_t samples = kUnknownDim;
  if (const Tensor* n = c.constant_input(1)) samples = n->scalar_as_int();
  c.set_output(0, out, Shape({s.has_rank() ? s.dim(0) : kUnknownDim, samples}));
}

}  // namespace

void register_multinomial_ops(OpRegistry& r) {
  r.add("Multinomial")
      .inputs({"logits", "num_samples"})
      .outputs({"output"})
      .attr("seed", int64_t{0}, "op-level seed (0 with seed2 0: seeded from the OS)")
      .attr("seed2", int64_t{0}, "second seed, from the graph seed")
      .attr("output_dtype", DType::kInt64, "int32 or int64")
      .stateful()
      .shape(multinomial_shape)
      .kernel(multinomial_kernel)
      .not_differentiable();
}

}  // namespace varflow::ops
