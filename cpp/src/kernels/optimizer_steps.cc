// The multi-tensor driver: picks the SIMD variant's loop once per call and splits the total
// element count of all tensors across the thread pool.
#include "kernels/optimizer_steps.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/thread_pool.h"

namespace varflow::kernels {

const OptimizerStepTable* optimizer_step_table(Isa isa) {
  switch (isa) {
    case Isa::kBaseline:
      return &baseline::optimizer_step_table();
#ifdef VARFLOW_HAVE_AVX2
    case Isa::kAvx2:
      return &avx2::optimizer_step_table();
#endif
#ifdef VARFLOW_HAVE_AVX512
    case Isa::kAvx512:
      return &avx512::optimizer_step_table();
#endif
    default:
      return nullptr;
  }
}

const OptimizerStepTable& optimizer_step_table() {
  // Only the selected variant's table is built: building the AVX-512 one may itself execute
  // AVX-512 instructions, which a CPU without them cannot.
  static const OptimizerStepTable& table = select_table<OptimizerStepTable>(&optimizer_step_table);
  return table;
}

AdamArgs AdamArgs::make(double lr, double beta1, double beta2, double epsilon, double beta1_power,
                        double beta2_power, bool nesterov, bool amsgrad) {
  AdamArgs a;
  a.alpha = lr * std::sqrt(1 - beta2_power) / (1 - beta1_power);
  a.beta1 = beta1;
  a.beta2 = beta2;
  a.epsilon = epsilon;
  a.nesterov = nesterov;
  a.amsgrad = amsgrad;
  return a;
}

AdamaxArgs AdamaxArgs::make(double lr, double beta1, double beta2, double epsilon,
                            double beta1_power) {
  return AdamaxArgs{lr / (1 - beta1_power), beta1, beta2, epsilon};
}

AdamWArgs AdamWArgs::make(double lr, double beta1, double beta2, double epsilon,
                          double weight_decay, double beta1_power, double beta2_power,
                          bool amsgrad) {
  AdamWArgs a;
  a.step_size = lr / (1 - beta1_power);
  a.bias_correction2_sqrt = std::sqrt(1 - beta2_power);
  a.decay = 1 - lr * weight_decay;
  a.beta1 = beta1;
  a.beta2 = beta2;
  a.epsilon = epsilon;
  a.amsgrad = amsgrad;
  return a;
}

NadamArgs NadamArgs::make(double lr, double beta1, double beta2, double epsilon, double beta2_power,
                          double m_schedule, double mu_t, double mu_next) {
  NadamArgs a;
  a.grad_coef = lr * (1 - mu_t) / (1 - m_schedule);
  a.m_coef = lr * mu_next / (1 - m_schedule * mu_next);
  a.bias_correction2 = 1 - beta2_power;
  a.beta1 = beta1;
  a.beta2 = beta2;
  a.epsilon = epsilon;
  return a;
}

namespace {

constexpr int64_t kGrain = 32768;     // elements per task before threading pays off
constexpr int64_t kAlign = 16;        // chunk boundaries, in elements of each tensor (cache lines)
constexpr int64_t kLambBlock = 4096;  // LAMB's norm partial sums: one per block of a tensor

int64_t round_up(int64_t n, int64_t align) { return (n + align - 1) / align * align; }

// Calls fn(tensor_index, begin, end) over every element of every tensor, splitting the total
// across the pool. Each tensor occupies a whole number of `align`-sized blocks of one virtual
// index space, so every chunk boundary falls on a block boundary of every tensor.
template <typename T, typename Fn>
void for_each_range(const TensorSlots<T>* tensors, size_t count, int64_t align, const Fn& fn) {
  int64_t total = 0;
  for (size_t k = 0; k < count; ++k) total += round_up(tensors[k].size, align);
  if (total == 0) return;
  ThreadPool& pool = ThreadPool::global();
  if (total < 2 * kGrain || pool.num_threads() == 1) {
    for (size_t k = 0; k < count; ++k)
      if (tensors[k].size > 0) fn(k, int64_t{0}, tensors[k].size);
    return;
  }
  // Start offsets in the virtual space (reused between calls: steady state allocates nothing).
  thread_local std::vector<int64_t> starts_storage;
  std::vector<int64_t>& starts = starts_storage;
  starts.resize(count + 1);
  starts[0] = 0;
  for (size_t k = 0; k < count; ++k) starts[k + 1] = starts[k] + round_up(tensors[k].size, align);
  pool.parallel_for(
      total, kGrain,
      [&](int64_t begin, int64_t end) {
        size_t k = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), begin) -
                                       starts.begin() - 1);
        for (; k < count && starts[k] < end; ++k) {
          const int64_t lo = std::max<int64_t>(begin - starts[k], 0);
          const int64_t hi = std::min<int64_t>(end - starts[k], tensors[k].size);
          if (lo < hi) fn(k, lo, hi);
        }
      },
      align);
}

template <typename Args, typename T>
void run(StepLoop<Args, T> loop, const Args& args, const TensorSlots<T>* tensors, size_t count) {
  for_each_range(tensors, count, kAlign,
                 [&](size_t k, int64_t lo, int64_t hi) { loop(args, tensors[k], lo, hi); });
}

}  // namespace

template <typename T>
void gradient_descent_step(const GradientDescentArgs& args, const TensorSlots<T>* tensors,
                           size_t count, const OptimizerStepTable& table) {
  run(table.loops<T>().gradient_descent, args, tensors, count);
}

template <typename T>
void momentum_step(const MomentumArgs& args, const TensorSlots<T>* tensors, size_t count,
                   const OptimizerStepTable& table) {
  run(table.loops<T>().momentum[args.nesterov], args, tensors, count);
}

template <typename T>
void adagrad_step(const AdagradArgs& args, const TensorSlots<T>* tensors, size_t count,
                  const OptimizerStepTable& table) {
  run(table.loops<T>().adagrad[args.update_slots], args, tensors, count);
}

template <typename T>
void adagrad_da_step(const AdagradDAArgs& args, const TensorSlots<T>* tensors, size_t count,
                     const OptimizerStepTable& table) {
  run(table.loops<T>().adagrad_da, args, tensors, count);
}

template <typename T>
void adam_step(const AdamArgs& args, const TensorSlots<T>* tensors, size_t count,
               const OptimizerStepTable& table) {
  run(table.loops<T>().adam[args.nesterov][args.amsgrad], args, tensors, count);
}

template <typename T>
void adamax_step(const AdamaxArgs& args, const TensorSlots<T>* tensors, size_t count,
                 const OptimizerStepTable& table) {
  run(table.loops<T>().adamax, args, tensors, count);
}

template <typename T>
void adadelta_step(const AdadeltaArgs& args, const TensorSlots<T>* tensors, size_t count,
                   const OptimizerStepTable& table) {
  run(table.loops<T>().adadelta, args, tensors, count);
}

template <typename T>
void rmsprop_step(const RMSPropArgs& args, const TensorSlots<T>* tensors, size_t count,
                  const OptimizerStepTable& table) {
  run(table.loops<T>().rmsprop[args.centered], args, tensors, count);
}

template <typename T>
void ftrl_step(const FtrlArgs& args, const TensorSlots<T>* tensors, size_t count,
               const OptimizerStepTable& table) {
  // TF compares lr_power with -0.5 in T before taking the sqrt path.
  const bool sqrt_path = static_cast<T>(args.lr_power) == static_cast<T>(-0.5);
  run(table.loops<T>().ftrl[sqrt_path], args, tensors, count);
}

template <typename T>
void proximal_gradient_descent_step(const ProximalGradientDescentArgs& args,
                                    const TensorSlots<T>* tensors, size_t count,
                                    const OptimizerStepTable& table) {
  run(table.loops<T>().proximal_gradient_descent, args, tensors, count);
}

template <typename T>
void proximal_adagrad_step(const ProximalAdagradArgs& args, const TensorSlots<T>* tensors,
                           size_t count, const OptimizerStepTable& table) {
  run(table.loops<T>().proximal_adagrad, args, tensors, count);
}

template <typename T>
void adamw_step(const AdamWArgs& args, const TensorSlots<T>* tensors, size_t count,
                const OptimizerStepTable& table) {
  run(table.loops<T>().adamw[args.amsgrad], args, tensors, count);
}

template <typename T>
void nadam_step(const NadamArgs& args, const TensorSlots<T>* tensors, size_t count,
                const OptimizerStepTable& table) {
  run(table.loops<T>().nadam, args, tensors, count);
}

template <typename T>
void lion_step(const LionArgs& args, const TensorSlots<T>* tensors, size_t count,
               const OptimizerStepTable& table) {
  run(table.loops<T>().lion, args, tensors, count);
}

template <typename T>
void lamb_step(const LambArgs& args, const TensorSlots<T>* tensors, size_t count,
               const OptimizerStepTable& table) {
  const OptimizerLoops<T>& loops = table.loops<T>();
  // One (||var||^2, ||update||^2) partial per kLambBlock block of each tensor. Chunks are
  // aligned to whole blocks, so each block is summed by one thread, and the per-tensor sums
  // add the blocks in order: the result does not depend on the thread count.
  thread_local std::vector<int64_t> first_block_storage;
  thread_local std::vector<double> partial_storage;
  std::vector<int64_t>& first_block = first_block_storage;
  std::vector<double>& partial = partial_storage;
  first_block.resize(count + 1);
  first_block[0] = 0;
  for (size_t k = 0; k < count; ++k)
    first_block[k + 1] = first_block[k] + round_up(tensors[k].size, kLambBlock) / kLambBlock;
  partial.assign(static_cast<size_t>(2 * first_block[count]), 0.0);
  for_each_range(tensors, count, kLambBlock, [&](size_t k, int64_t lo, int64_t hi) {
    for (int64_t b = lo; b < hi; b += kLambBlock) {
      double* sums = &partial[static_cast<size_t>(2 * (first_block[k] + b / kLambBlock))];
      loops.lamb_norms(args, tensors[k], b, std::min(hi, b + kLambBlock), sums);
    }
  });
  thread_local std::vector<double> scale_storage;
  std::vector<double>& scale = scale_storage;
  scale.resize(count);
  for (size_t k = 0; k < count; ++k) {
    double w_sq = 0, u_sq = 0;
    for (int64_t b = first_block[k]; b < first_block[k + 1]; ++b) {
      w_sq += partial[static_cast<size_t>(2 * b)];
      u_sq += partial[static_cast<size_t>(2 * b + 1)];
    }
    const double ratio = (w_sq > 0 && u_sq > 0) ? std::sqrt(w_sq) / std::sqrt(u_sq) : 1.0;
    scale[k] = args.lr * ratio;
  }
  for_each_range(tensors, count, kAlign, [&](size_t k, int64_t lo, int64_t hi) {
    loops.lamb_apply(args, tensors[k], lo, hi, scale[k]);
  });
}

#define VF_INSTANTIATE(T)                                                                   \
  template void gradient_descent_step<T>(const GradientDescentArgs&, const TensorSlots<T>*, \
                                         size_t, const OptimizerStepTable&);                \
  template void momentum_step<T>(const MomentumArgs&, const TensorSlots<T>*, size_t,        \
                                 const OptimizerStepTable&);                                \
  template void adagrad_step<T>(const AdagradArgs&, const TensorSlots<T>*, size_t,          \
                                const OptimizerStepTable&);                                 \
  template void adagrad_da_step<T>(const AdagradDAArgs&, const TensorSlots<T>*, size_t,     \
                                   const OptimizerStepTable&);                              \
  template void adam_step<T>(const AdamArgs&, const TensorSlots<T>*, size_t,                \
                             const OptimizerStepTable&);                                    \
  template void adamax_step<T>(const AdamaxArgs&, const TensorSlots<T>*, size_t,            \
                               const OptimizerStepTable&);                                  \
  template void adadelta_step<T>(const AdadeltaArgs&, const TensorSlots<T>*, size_t,        \
                                 const OptimizerStepTable&);                                \
  template void rmsprop_step<T>(const RMSPropArgs&, const TensorSlots<T>*, size_t,          \
                                const OptimizerStepTable&);                                 \
  template void ftrl_step<T>(const FtrlArgs&, const TensorSlots<T>*, size_t,                \
                             const OptimizerStepTable&);                                    \
  template void proximal_gradient_descent_step<T>(const ProximalGradientDescentArgs&,       \
                                                  const TensorSlots<T>*, size_t,            \
                                                  const OptimizerStepTable&);               \
  template void proximal_adagrad_step<T>(const ProximalAdagradArgs&, const TensorSlots<T>*, \
                                         size_t, const OptimizerStepTable&);                \
  template void adamw_step<T>(const AdamWArgs&, const TensorSlots<T>*, size_t,              \
                              const OptimizerStepTable&);                                   \
  template void nadam_step<T>(const NadamArgs&, const TensorSlots<T>*, size_t,              \
                              const OptimizerStepTable&);                                   \
  template void lion_step<T>(const LionArgs&, const TensorSlots<T>*, size_t,                \
                             const OptimizerStepTable&);                                    \
  template void lamb_step<T>(const LambArgs&, const TensorSlots<T>*, size_t,                \
                             const OptimizerStepTable&);
VF_INSTANTIATE(float)
VF_INSTANTIATE(double)
#undef VF_INSTANTIATE

}  // namespace varflow::kernels
