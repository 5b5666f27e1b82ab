// The learning-rate schedules of varflow/train/schedules.h. Each follows TF1's Python line by
// line (Keras' learning_rate_schedule.py), so that its nodes come out in TF1's order with
// TF1's names; the helpers in tf_math.h carry the Python operators' names.
#include "varflow/train/schedules.h"

#include <cmath>
#include <tuple>

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/train/training_util.h"

namespace varflow::train {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::string scope_name(const std::string& name, const char* default_name) {
  return name.empty() ? default_name : name;
}

// The scope's first node: the learning rate, which fixes the schedule's dtype.
Output learning_rate_tensor(Graph& g, const Arg& lr) {
  return lr.tensor(g, std::nullopt, "initial_learning_rate");
}

Output step_as(Graph& g, const Arg& step, DType dtype) {
  return tf::cast(step.tensor(g, std::nullopt), dtype);
}

// 0.5 * (1 + cos(pi * fraction)), `scale` * 0.5 * ... when given.
Output half_cosine(Output fraction, std::optional<Output> scale = std::nullopt) {
  Output half = scale ? tf::mul(0.5, *scale) : Output{};
  Output pi = tf::k(fraction, kPi);
  Output angle = tf::mul(pi, fraction);
  Output cos = tf::op("Cos", {angle});
  Output one_plus = tf::add(1.0, cos);
  return scale ? tf::mul(half, one_plus) : tf::mul(0.5, one_plus);
}

// (1 - alpha) * cosine + alpha
Output blend(Output cosine, Output alpha) {
  Output one_minus = tf::sub(1.0, alpha);
  Output scaled = tf::mul(one_minus, cosine);
  return tf::add(scaled, alpha);
}

using RateFn = Output (*)(Graph&, const Arg&, DType);

Output plain_rate(Graph& g, const Arg& rate, DType dtype) { return rate.tensor(g, dtype); }

Output natural_rate(Graph& g, const Arg& rate, DType dtype) {
  Output r = rate.tensor(g, dtype);
  Output neg = tf::op("Neg", {r});
  return tf::cast(tf::op("Exp", {neg}), dtype);
}

Output exponential_family(Graph& g, const Arg& learning_rate, const Arg& global_step,
                          const Arg& decay_steps, const Arg& decay_rate, bool staircase,
                          const std::string& scope_name, RateFn rate_fn) {
  NameScope scope(g, scope_name);
  Output lr = learning_rate_tensor(g, learning_rate);
  const DType dtype = lr.dtype();
  Output steps = decay_steps.tensor(g, dtype);
  Output rate = rate_fn(g, decay_rate, dtype);
  Output p = tf::truediv(step_as(g, global_step, dtype), steps);
  if (staircase) p = tf::op("Floor", {p});
  Output decayed = tf::op("Pow", {rate, p});
  return tf::op("Mul", {lr, decayed}, scope.scope());
}

Output linear_cosine(Graph& g, const Arg& learning_rate, const Arg& global_step,
                     const Arg& decay_steps, const Arg& num_periods, const Arg& alpha,
                     const Arg& beta, const std::string& scope_name, const Arg* initial_variance,
                     const Arg* variance_decay, std::optional<int64_t> seed) {
  NameScope scope(g, scope_name);
  Output lr = learning_rate_tensor(g, learning_rate);
  const DType dtype = lr.dtype();
  Output ds = decay_steps.tensor(g, dtype);
  Output periods = num_periods.tensor(g, dtype);
  Output a = alpha.tensor(g, dtype);
  Output b = beta.tensor(g, dtype);
  Output gs = tf::op("Minimum", {step_as(g, global_step, dtype), ds});
  Output linear = tf::truediv(tf::sub(ds, gs), ds);
  if (initial_variance) {
    Output iv = initial_variance->tensor(g, dtype);
    Output vd = variance_decay->tensor(g, dtype);
    Output base = tf::add(1.0, gs);
    Output variance = tf::truediv(iv, tf::op("Pow", {base, vd}));
    Output stddev = tf::op("Sqrt", {variance});
    const Seeds seeds = random_seeds(g, seed);
    Output normal = ops::op(
        g, "ScheduleStandardNormal", {},
        {{"dtype", dtype}, {"seed", seeds.seed.value_or(0)}, {"seed2", seeds.seed2.value_or(0)}},
        "random_normal");
    linear = tf::add(linear, tf::mul(normal, stddev));
  }
  Output two_periods = tf::mul(2.0, periods);
  Output fraction = tf::mul(two_periods, tf::truediv(gs, ds));
  Output cosine = half_cosine(fraction);
  Output weighted = tf::mul(tf::add(a, linear), cosine);
  return tf::op("Mul", {lr, tf::add(weighted, b)}, scope.scope());
}

}  // namespace

Output exponential_decay(Graph& graph, const Arg& learning_rate, const Arg& global_step,
                         const Arg& decay_steps, const Arg& decay_rate, bool staircase,
                         const std::string& name) {
  return exponential_family(graph, learning_rate, global_step, decay_steps, decay_rate, staircase,
                            scope_name(name, "ExponentialDecay"), plain_rate);
}

Output natural_exp_decay(Graph& graph, const Arg& learning_rate, const Arg& global_step,
                         const Arg& decay_steps, const Arg& decay_rate, bool staircase,
                         const std::string& name) {
  return exponential_family(graph, learning_rate, global_step, decay_steps, decay_rate, staircase,
                            scope_name(name, "ExponentialTimeDecay"), natural_rate);
}

Output inverse_time_decay(Graph& g, const Arg& learning_rate, const Arg& global_step,
                          const Arg& decay_steps, const Arg& decay_rate, bool staircase,
                          const std::string& name) {
  NameScope scope(g, scope_name(name, "InverseTimeDecay"));
  Output lr = learning_rate_tensor(g, learning_rate);
  const DType dtype = lr.dtype();
  Output steps = decay_steps.tensor(g, dtype);
  Output rate = decay_rate.tensor(g, dtype);
  Output p = tf::truediv(step_as(g, global_step, dtype), steps);
  if (staircase) p = tf::op("Floor", {p});
  Output one = tf::k(lr, 1.0);
  Output denom = tf::op("Add", {one, tf::op("Mul", {rate, p})});
  return tf::truediv(lr, denom, scope.scope());
}

Output polynomial_decay(Graph& g, const Arg& learning_rate, const Arg& global_step,
                        const Arg& decay_steps, const Arg& end_learning_rate, const Arg& power,
                        bool cycle, const std::string& name) {
  NameScope scope(g, scope_name(name, "PolynomialDecay"));
  Output lr = learning_rate_tensor(g, learning_rate);
  const DType dtype = lr.dtype();
  Output end_lr = end_learning_rate.tensor(g, dtype);
  Output pw = power.tensor(g, dtype);
  Output gs = step_as(g, global_step, dtype);
  Output ds = decay_steps.tensor(g, dtype);
  if (cycle) {
    // The first multiple of decay_steps above the step; 1 when the step is zero.
    Output zero = tf::k(gs, 0.0);
    Output at_zero = tf::op("Equal", {gs, zero});
    Output one = tf::k(gs, 1.0);
    Output multiples = tf::op("Ceil", {tf::truediv(gs, ds)});
    Output multiplier = tf::op("Select", {at_zero, one, multiples});
    ds = tf::op("Mul", {ds, multiplier});
  } else {
    gs = tf::op("Minimum", {gs, ds});
  }
  Output p = tf::truediv(gs, ds);
  Output span = tf::sub(lr, end_lr);
  Output remaining = tf::op("Pow", {tf::sub(1.0, p), pw});
  return tf::op("Add", {tf::op("Mul", {span, remaining}), end_lr}, scope.scope());
}

Output piecewise_constant(Graph& g, const Arg& x_arg, const std::vector<Arg>& boundaries,
                          const std::vector<Arg>& values, const std::string& name) {
  if (boundaries.size() + 1 != values.size())
    raise(ErrorCode::kValue, "The length of boundaries should be 1 less than the length of values");
  NameScope scope(g, scope_name(name, "PiecewiseConstant"));
  Output x = x_arg.tensor(g, std::nullopt);
  const DType xdt = x.dtype();
  std::vector<Output> bs;
  for (const Arg& b : boundaries)
    bs.push_back(b.tensor(g, b.number() ? std::optional<DType>(xdt) : std::nullopt));
  for (Output& b : bs) {
    if (b.dtype() == xdt) continue;
    // Comparisons between int32 and int64 values are allowed.
    if (b.dtype() == DType::kInt32 && xdt == DType::kInt64)
      b = tf::cast(b, xdt);
    else
      raise(ErrorCode::kValue, "Boundaries (", tf::dtype_str(b.dtype()),
            ") must have the same dtype as x (", tf::dtype_str(xdt), ").");
  }
  std::vector<Output> vs;
  for (const Arg& v : values) vs.push_back(v.tensor(g, std::nullopt));
  for (size_t i = 1; i < vs.size(); ++i)
    if (vs[i].dtype() != vs[0].dtype())
      raise(ErrorCode::kValue, "Values must have elements all with the same dtype (",
            tf::dtype_str(vs[0].dtype()), " vs ", tf::dtype_str(vs[i].dtype()), ").");
  auto pack = [&](const std::vector<Output>& parts, const char* pack_name) {
    return ops::op(g, "Pack", parts,
                   {{"axis", int64_t{0}}, {"N", static_cast<int64_t>(parts.size())}}, pack_name);
  };
  Output b =
      bs.empty() ? ops::constant(g, Tensor::zeros(xdt, {0}), "boundaries") : pack(bs, "boundaries");
  Output v = pack(vs, "values");
  return ops::op(g, "PiecewiseConstant", {x, b, v}, {}, scope.scope());
}

Output cosine_decay(Graph& g, const Arg& learning_rate, const Arg& global_step,
                    const Arg& decay_steps, const Arg& alpha, const std::string& name) {
  NameScope scope(g, scope_name(name, "CosineDecay"));
  Output lr = learning_rate_tensor(g, learning_rate);
  const DType dtype = lr.dtype();
  Output ds = decay_steps.tensor(g, dtype);
  Output gs = tf::op("Minimum", {step_as(g, global_step, dtype), ds});
  Output cosine = half_cosine(tf::truediv(gs, ds));
  Output decayed = blend(cosine, alpha.tensor(g, dtype));
  return tf::op("Mul", {lr, decayed}, scope.scope());
}

Output cosine_decay_restarts(Graph& g, const Arg& learning_rate, const Arg& global_step,
                             const Arg& first_decay_steps, const Arg& t_mul_arg,
                             const Arg& m_mul_arg, const Arg& alpha_arg, const std::string& name) {
  NameScope scope(g, scope_name(name, "SGDRDecay"));
  Output lr = learning_rate_tensor(g, learning_rate);
  const DType dtype = lr.dtype();
  Output first = first_decay_steps.tensor(g, dtype);
  Output alpha = alpha_arg.tensor(g, dtype);
  Output t_mul = t_mul_arg.tensor(g, dtype);
  Output m_mul = m_mul_arg.tensor(g, dtype);
  Output fraction = tf::truediv(step_as(g, global_step, dtype), first);

  // Restart i and the fraction of it elapsed, for t_mul != 1 (geometric restart lengths) and
  // t_mul == 1 (equal lengths).
  auto geometric = [&]() -> std::pair<Output, Output> {
    Output growth = tf::sub(1.0, t_mul);
    Output scaled = tf::mul(fraction, growth);
    Output log_arg = tf::op("Log", {tf::sub(1.0, scaled)});
    Output i = tf::op("Floor", {tf::truediv(log_arg, tf::op("Log", {t_mul}))});
    Output powered = tf::op("Pow", {t_mul, i});
    Output numer = tf::sub(1.0, powered);
    Output sum_r = tf::truediv(numer, tf::sub(1.0, t_mul));
    Output elapsed = tf::sub(fraction, sum_r);
    return {i, tf::truediv(elapsed, tf::op("Pow", {t_mul, i}))};
  };
  auto arithmetic = [&]() -> std::pair<Output, Output> {
    Output i = tf::op("Floor", {fraction});
    return {i, tf::sub(fraction, i)};
  };
  Output i_restart, frac;
  if (std::optional<double> t = t_mul_arg.number()) {
    std::tie(i_restart, frac) = *t == 1.0 ? arithmetic() : geometric();
  } else {
    Output one = tf::k(t_mul, 1.0);
    Output is_one = tf::op("Equal", {t_mul, one});
    auto [ia, fa] = arithmetic();
    auto [ig, fg] = geometric();
    i_restart = tf::op("Select", {is_one, ia, ig});
    frac = tf::op("Select", {is_one, fa, fg});
  }
  Output m_fac = tf::op("Pow", {m_mul, i_restart});
  Output cosine = half_cosine(frac, m_fac);
  Output decayed = blend(cosine, alpha);
  return tf::op("Mul", {lr, decayed}, scope.scope());
}

Output linear_cosine_decay(Graph& graph, const Arg& learning_rate, const Arg& global_step,
                           const Arg& decay_steps, const Arg& num_periods, const Arg& alpha,
                           const Arg& beta, const std::string& name) {
  return linear_cosine(graph, learning_rate, global_step, decay_steps, num_periods, alpha, beta,
                       scope_name(name, "LinearCosineDecay"), nullptr, nullptr, std::nullopt);
}

Output noisy_linear_cosine_decay(Graph& graph, const Arg& learning_rate, const Arg& global_step,
                                 const Arg& decay_steps, const Arg& initial_variance,
                                 const Arg& variance_decay, const Arg& num_periods,
                                 const Arg& alpha, const Arg& beta, const std::string& name,
                                 std::optional<int64_t> seed) {
  return linear_cosine(graph, learning_rate, global_step, decay_steps, num_periods, alpha, beta,
                       scope_name(name, "NoisyLinearCosineDecay"), &initial_variance,
                       &variance_decay, seed);
}

}  // namespace varflow::train
