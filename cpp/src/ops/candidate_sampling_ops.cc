// TF's candidate samplers (tf.nn.*_candidate_sampler) and ComputeAccidentalHits, with TF's
// range samplers' distributions and expected counts (core/kernels/range_sampler.cc):
//  - log-uniform (Zipfian): P(k) = log((k + 2) / (k + 1)) / log(range_max + 1);
//  - uniform: P(k) = 1 / range_max;
//  - fixed unigram: P(k) = w_k^distortion / sum (from `unigrams` or a CSV vocab file);
// expected count = P * num_sampled, or with unique=True 1 - (1 - P)^num_tries, num_tries being
// the draws it took to find num_sampled distinct candidates. Each node keeps a Philox
// generator in its per-session state seeded from (seed, seed2) and draws words as TF's
// SimplePhilox does, reserving 2048 words per sample each run.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "kernels/philox.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/op_registry.h"

namespace varflow::ops {

namespace {

using kernels::Philox;

// The draws of one run: TF's SimplePhilox over the words of a reserved Philox stretch.
class Draws {
 public:
  explicit Draws(Philox gen) : gen_(gen), words_(gen_) {}
  double rand_double() {
    const uint32_t x0 = words_();
    const uint32_t x1 = words_();
    return kernels::uint64_to_double(x0, x1);
  }
  // TF's SimplePhilox::Uniform: ExactUniformInt over 32-bit words (rejection against bias).
  uint32_t uniform32(uint32_t n) {
    if (n == 0) {
      words_();
      return 0;
    }
    if ((n & (n - 1)) == 0) return words_() & (n - 1);
    const uint32_t rem = (std::numeric_limits<uint32_t>::max() % n + 1) % n;
    uint32_t x;
    do {
      x = words_();
    } while (x < rem);
    return x % n;
  }
  uint64_t uniform64(uint64_t n) {
    const uint64_t a = words_();
    const uint64_t b = words_();
    return ((a << 32) | b) % n;
  }

 private:
  Philox gen_;
  kernels::PhiloxWords words_;
};

// A range sampler: draws one candidate, and the probability of drawing a value.
struct Sampler {
  int64_t range = 0;
  virtual ~Sampler() = default;
  virtual int64_t sample(Draws& d) const = 0;
  virtual double probability(int64_t value) const = 0;
};

struct LogUniform : Sampler {
  double log_range;
  explicit LogUniform(int64_t r) : log_range(std::log1p(static_cast<double>(r))) { range = r; }
  int64_t sample(Draws& d) const override {
    const auto value = static_cast<int64_t>(std::exp(d.rand_double() * log_range)) - 1;
    return value % range;
  }
  double probability(int64_t value) const override {
    return static_cast<float>(std::log((value + 2.0) / (value + 1.0)) / log_range);
  }
};

struct Uniform : Sampler {
  explicit Uniform(int64_t r) { range = r; }
  int64_t sample(Draws& d) const override {
    return static_cast<int64_t>(d.uniform64(static_cast<uint64_t>(range)));
  }
  double probability(int64_t) const override { return static_cast<float>(1.0 / range); }
};

struct FixedUnigram : Sampler {
  std::vector<double> weights;
  std::vector<double> cumulative;
  double total = 0;
  int64_t sample(Draws& d) const override {
    const double u = d.rand_double() * total;
    auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
    auto k = static_cast<int64_t>(it - cumulative.begin());
    // A zero-weight entry is never drawn, even when u lands exactly on its boundary.
    while (k < range - 1 && weights[static_cast<size_t>(k)] == 0) ++k;
    return std::min(k, range - 1);
  }
  double probability(int64_t value) const override {
    if (value < 0 || value >= static_cast<int64_t>(weights.size())) return 0.0;
    return static_cast<float>(weights[static_cast<size_t>(value)] / total);
  }
};

// TF's learned unigram sampler (UnigramSampler over a WeightedPicker): every id starts with
// weight 1 and gains 1 each time it is a true class (after the run that saw it samples). A
// Fenwick tree over the integer weights finds the id at a uniform weight index.
struct LearnedUnigram : Sampler {
  std::vector<int64_t> weights;
  std::vector<int64_t> tree;  // Fenwick tree of the weights, 1-based
  int64_t total = 0;
  explicit LearnedUnigram(int64_t r) : weights(static_cast<size_t>(r), 1) {
    range = r;
    tree.assign(static_cast<size_t>(r) + 1, 0);
    for (int64_t i = 0; i < r; ++i) add(i, 1);
  }
  void add(int64_t index, int64_t delta) {
    total += delta;
    for (auto i = static_cast<size_t>(index) + 1; i < tree.size(); i += i & (~i + 1))
      tree[i] += delta;
  }
  int64_t sample(Draws& d) const override {
    // WeightedPicker::Pick: the id whose cumulative weight range holds a uniform index.
    auto u = static_cast<int64_t>(d.uniform32(static_cast<uint32_t>(total)));
    size_t pos = 0;
    size_t step = 1;
    while (step * 2 < tree.size()) step *= 2;
    for (; step > 0; step /= 2)
      if (pos + step < tree.size() && tree[pos + step] <= u) {
        pos += step;
        u -= tree[pos];
      }
    return static_cast<int64_t>(pos);
  }
  double probability(int64_t value) const override {
    if (value < 0 || value >= range) return 0.0;
    return static_cast<float>(weights[static_cast<size_t>(value)]) / static_cast<float>(total);
  }
  void update(const int64_t* values, int64_t n) {
    // TF stops adding once the total weight would pass the int32 range.
    const int64_t room = std::numeric_limits<int32_t>::max() - total;
    const int64_t updates = std::min(n, std::max<int64_t>(room, 0));
    for (int64_t i = 0; i < updates; ++i) {
      const int64_t v = values[i];
      if (v < 0 || v >= range) continue;
      weights[static_cast<size_t>(v)] += 1;
      add(v, 1);
    }
  }
};

// A node's per-session state: its generator and its sampler, made on the node's first run
// (a fixed unigram sampler reads its vocab file then, as TF's kernel does when it is built).
struct NodeState {
  Philox gen;
  std::shared_ptr<const Sampler> sampler;
};

using MakeSampler = std::shared_ptr<const Sampler> (*)(KernelContext&);

// This run's generator (a copy taken before advancing the node's generator past the words the
// run may use) and the node's sampler.
std::pair<Philox, std::shared_ptr<const Sampler>> node_state(KernelContext& c, int64_t words,
                                                             MakeSampler make) {
  ResourceSlot& slot = c.own_state();
  std::lock_guard<std::mutex> lock(slot.mu);
  if (!slot.state) {
    uint64_t seed = static_cast<uint64_t>(c.attrs().get<int64_t>("seed"));
    uint64_t seed2 = static_cast<uint64_t>(c.attrs().get<int64_t>("seed2"));
    if (seed == 0 && seed2 == 0) {
      seed = kernels::os_random_seed();
      seed2 = kernels::os_random_seed();
    }
    auto state = std::make_shared<NodeState>();
    state->sampler = make(c);
    state->gen = Philox(seed, seed2);
    slot.state = state;
  }
  auto& state = *static_cast<NodeState*>(slot.state.get());
  Philox local = state.gen;
  state.gen.skip(static_cast<uint64_t>((words + 3) / 4));
  return {local, state.sampler};
}

// TF's ExpectedCountHelper.
float expected_count(double p, int64_t batch_size, int64_t num_tries) {
  if (num_tries == batch_size) return static_cast<float>(p * static_cast<double>(batch_size));
  return static_cast<float>(-std::expm1(static_cast<double>(num_tries) * std::log1p(-p)));
}

void sampler_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kInt64});
  const int64_t num_true = c.attrs().get<int64_t>("num_true");
  const int64_t num_sampled = c.attrs().get<int64_t>("num_sampled");
  const int64_t range_max = c.attrs().get<int64_t>("range_max");
  if (num_true < 1) c.value_error("num_true must be >= 1, got ", num_true);
  if (num_sampled < 1) c.value_error("num_sampled must be >= 1, got ", num_sampled);
  if (range_max < 1) c.value_error("range_max must be >= 1, got ", range_max);
  const Shape& t = c.input_shape(0);
  if (t.has_rank() && t.rank() != 2) c.value_error("Shape must be rank 2 but is rank ", t.rank());
  if (t.has_rank() && t.dim(1) >= 0 && t.dim(1) != num_true)
    c.value_error("Dimension 1 in true_classes shape (", t.dim(1), ") must equal num_true (",
                  num_true, ")");
  const int64_t batch = t.has_rank() ? t.dim(0) : kUnknownDim;
  c.set_output(0, DType::kInt64, Shape({num_sampled}));
  c.set_output(1, DType::kFloat32, Shape({batch, num_true}));
  c.set_output(2, DType::kFloat32, Shape({num_sampled}));
}

// TF's BaseCandidateSamplerOp check: every true class is in the sampler's range.
void check_true_candidates(KernelContext& c, const Tensor& true_classes, int64_t range) {
  const int64_t* t = true_classes.data<int64_t>();
  for (int64_t i = 0; i < true_classes.num_elements(); ++i)
    if (t[i] < 0 || t[i] >= range)
      c.fail(ErrorCode::kInvalidArgument, "`true_candidate` out of range [0, ", range,
             "), received ", t[i]);
}

void run_sampler(KernelContext& c, MakeSampler make) {
  const Tensor& true_classes = c.input(0);
  if (true_classes.rank() != 2)
    c.fail(ErrorCode::kInvalidArgument, "true_classes must be a matrix");
  const int64_t num_true = c.attrs().get<int64_t>("num_true");
  const int64_t num_sampled = c.attrs().get<int64_t>("num_sampled");
  const bool unique = c.attrs().get<bool>("unique");
  if (true_classes.dim(1) != num_true)
    c.fail(ErrorCode::kInvalidArgument,
           "true_classes must have num_true columns, expected: ", true_classes.dim(1),
           " was: ", num_true);
  auto [gen, made] = node_state(c, 2048 * num_sampled, make);
  const Sampler& sampler = *made;
  check_true_candidates(c, true_classes, sampler.range);
  if (unique && num_sampled > sampler.range)
    c.fail(ErrorCode::kInvalidArgument, "Sampler's range is too small.");
  Draws draws(gen);
  Tensor& out = c.allocate_output(0, DType::kInt64, {num_sampled});
  int64_t* sampled = out.data<int64_t>();
  int64_t num_tries = 0;
  if (unique) {
    std::unordered_set<int64_t> used;
    for (int64_t picked = 0; picked < num_sampled;) {
      ++num_tries;
      const int64_t value = sampler.sample(draws);
      if (used.insert(value).second) sampled[picked++] = value;
    }
  } else {
    for (int64_t i = 0; i < num_sampled; ++i) sampled[i] = sampler.sample(draws);
    num_tries = num_sampled;
  }
  Tensor& true_expected = c.allocate_output(1, DType::kFloat32, true_classes.dims());
  const int64_t* t = true_classes.data<int64_t>();
  float* te = true_expected.data<float>();
  for (int64_t i = 0; i < true_classes.num_elements(); ++i)
    te[i] = expected_count(sampler.probability(t[i]), num_sampled, num_tries);
  Tensor& sampled_expected = c.allocate_output(2, DType::kFloat32, {num_sampled});
  float* se = sampled_expected.data<float>();
  for (int64_t i = 0; i < num_sampled; ++i)
    se[i] = expected_count(sampler.probability(sampled[i]), num_sampled, num_tries);
}

// The learned unigram sampler: drawn under the node's lock, since each run updates it.
void learned_unigram_kernel(KernelContext& c) {
  const Tensor& true_classes = c.input(0);
  if (true_classes.rank() != 2)
    c.fail(ErrorCode::kInvalidArgument, "true_classes must be a matrix");
  const int64_t num_true = c.attrs().get<int64_t>("num_true");
  const int64_t num_sampled = c.attrs().get<int64_t>("num_sampled");
  const bool unique = c.attrs().get<bool>("unique");
  if (true_classes.dim(1) != num_true)
    c.fail(ErrorCode::kInvalidArgument,
           "true_classes must have num_true columns, expected: ", true_classes.dim(1),
           " was: ", num_true);
  check_true_candidates(c, true_classes, c.attrs().get<int64_t>("range_max"));
  ResourceSlot& slot = c.own_state();
  std::lock_guard<std::mutex> lock(slot.mu);
  if (!slot.state) {
    uint64_t seed = static_cast<uint64_t>(c.attrs().get<int64_t>("seed"));
    uint64_t seed2 = static_cast<uint64_t>(c.attrs().get<int64_t>("seed2"));
    if (seed == 0 && seed2 == 0) {
      seed = kernels::os_random_seed();
      seed2 = kernels::os_random_seed();
    }
    auto state = std::make_shared<NodeState>();
    state->sampler = std::make_shared<LearnedUnigram>(c.attrs().get<int64_t>("range_max"));
    state->gen = Philox(seed, seed2);
    slot.state = state;
  }
  auto& state = *static_cast<NodeState*>(slot.state.get());
  // The sampler was made non-const above; NodeState keeps it as the others' const base.
  auto& sampler = const_cast<LearnedUnigram&>(static_cast<const LearnedUnigram&>(*state.sampler));
  Philox gen = state.gen;
  state.gen.skip(static_cast<uint64_t>((2048 * num_sampled + 3) / 4));
  if (unique && num_sampled > sampler.range)
    c.fail(ErrorCode::kInvalidArgument, "Sampler's range is too small.");
  Draws draws(gen);
  int64_t* sampled = c.allocate_output(0, DType::kInt64, {num_sampled}).data<int64_t>();
  int64_t num_tries = 0;
  if (unique) {
    std::unordered_set<int64_t> used;
    for (int64_t picked = 0; picked < num_sampled;) {
      ++num_tries;
      const int64_t value = sampler.sample(draws);
      if (used.insert(value).second) sampled[picked++] = value;
    }
  } else {
    for (int64_t i = 0; i < num_sampled; ++i) sampled[i] = sampler.sample(draws);
    num_tries = num_sampled;
  }
  const int64_t* t = true_classes.data<int64_t>();
  float* te = c.allocate_output(1, DType::kFloat32, true_classes.dims()).data<float>();
  for (int64_t i = 0; i < true_classes.num_elements(); ++i)
    te[i] = expected_count(sampler.probability(t[i]), num_sampled, num_tries);
  float* se = c.allocate_output(2, DType::kFloat32, {num_sampled}).data<float>();
  for (int64_t i = 0; i < num_sampled; ++i)
    se[i] = expected_count(sampler.probability(sampled[i]), num_sampled, num_tries);
  sampler.update(t, true_classes.num_elements());
}

// TF's AllCandidateSampler (for tests): the candidates 0..num_sampled-1, every count 1.
void all_sampler_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kInt64});
  const int64_t num_true = c.attrs().get<int64_t>("num_true");
  const int64_t num_sampled = c.attrs().get<int64_t>("num_sampled");
  if (num_true < 1) c.value_error("num_true must be >= 1, got ", num_true);
  if (num_sampled < 1) c.value_error("num_sampled must be >= 1, got ", num_sampled);
  const Shape& t = c.input_shape(0);
  if (t.has_rank() && t.rank() != 2) c.value_error("Shape must be rank 2 but is rank ", t.rank());
  const int64_t batch = t.has_rank() ? t.dim(0) : kUnknownDim;
  c.set_output(0, DType::kInt64, Shape({num_sampled}));
  c.set_output(1, DType::kFloat32, Shape({batch, num_true}));
  c.set_output(2, DType::kFloat32, Shape({num_sampled}));
}

void all_sampler_kernel(KernelContext& c) {
  const Tensor& true_classes = c.input(0);
  if (true_classes.rank() != 2)
    c.fail(ErrorCode::kInvalidArgument, "true_classes must be a matrix");
  const int64_t num_true = c.attrs().get<int64_t>("num_true");
  const int64_t num_sampled = c.attrs().get<int64_t>("num_sampled");
  if (true_classes.dim(1) != num_true)
    c.fail(ErrorCode::kInvalidArgument,
           "true_classes must have num_true columns, expected: ", true_classes.dim(1),
           " was: ", num_true);
  check_true_candidates(c, true_classes, num_sampled);
  int64_t* sampled = c.allocate_output(0, DType::kInt64, {num_sampled}).data<int64_t>();
  for (int64_t i = 0; i < num_sampled; ++i) sampled[i] = i;
  float* te = c.allocate_output(1, DType::kFloat32, true_classes.dims()).data<float>();
  std::fill(te, te + true_classes.num_elements(), 1.0f);
  float* se = c.allocate_output(2, DType::kFloat32, {num_sampled}).data<float>();
  std::fill(se, se + num_sampled, 1.0f);
}

void log_uniform_kernel(KernelContext& c) {
  run_sampler(c, [](KernelContext& k) -> std::shared_ptr<const Sampler> {
    return std::make_shared<LogUniform>(k.attrs().get<int64_t>("range_max"));
  });
}

void uniform_kernel(KernelContext& c) {
  run_sampler(c, [](KernelContext& k) -> std::shared_ptr<const Sampler> {
    return std::make_shared<Uniform>(k.attrs().get<int64_t>("range_max"));
  });
}

std::shared_ptr<const Sampler> build_fixed_unigram(KernelContext& c) {
  auto s = std::make_shared<FixedUnigram>();
  const int64_t range_max = c.attrs().get<int64_t>("range_max");
  const double distortion = c.attrs().get<double>("distortion");
  const int64_t reserved = c.attrs().get<int64_t>("num_reserved_ids");
  const int64_t num_shards = c.attrs().get<int64_t>("num_shards");
  const int64_t shard = c.attrs().get<int64_t>("shard");
  const std::string& vocab_file = c.attrs().get<std::string>("vocab_file");
  std::vector<double> unigrams;
  if (!vocab_file.empty()) {
    std::ifstream in(vocab_file);
    if (!in) c.fail(ErrorCode::kNotFound, vocab_file, "; No such file or directory");
    std::string line;
    for (int64_t n = 1; std::getline(in, line); ++n) {
      if (line.empty()) continue;
      const size_t comma = line.rfind(',');
      const std::string last = comma == std::string::npos ? line : line.substr(comma + 1);
      char* end = nullptr;
      const double w = std::strtod(last.c_str(), &end);
      if (end == last.c_str())
        c.fail(ErrorCode::kInvalidArgument, "Wrong vocabulary format at line: ", line);
      unigrams.push_back(w);
    }
  } else {
    for (double w : c.attrs().get<std::vector<double>>("unigrams")) unigrams.push_back(w);
  }
  for (int64_t id = 0; id < reserved; ++id)
    if (id % num_shards == shard) s->weights.push_back(0.0);
  // TF numbers the unigrams from the count of reserved ids kept in this shard.
  auto word_id = static_cast<int64_t>(s->weights.size());
  for (double w : unigrams) {
    if (word_id % num_shards == shard) {
      const double v = std::pow(static_cast<float>(w), static_cast<float>(distortion));
      s->total += static_cast<float>(v);
      s->weights.push_back(static_cast<float>(v));
    }
    ++word_id;
  }
  if (static_cast<int64_t>(s->weights.size()) != range_max)
    c.fail(ErrorCode::kInvalidArgument, "range_max (", range_max,
           ") must equal the number of unigram weights in this shard (", s->weights.size(),
           ", num_reserved_ids included)");
  if (!(s->total > 0)) c.fail(ErrorCode::kInvalidArgument, "The unigram weights sum to zero");
  s->range = range_max;
  s->cumulative.resize(s->weights.size());
  std::partial_sum(s->weights.begin(), s->weights.end(), s->cumulative.begin());
  return s;
}

void fixed_unigram_kernel(KernelContext& c) { run_sampler(c, build_fixed_unigram); }

void accidental_hits_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kInt64});
  shape_rules::require_dtype(c, 1, {DType::kInt64});
  shape_rules::require_rank(c, 0, 2);
  shape_rules::require_rank(c, 1, 1);
  c.set_output(0, DType::kInt32, Shape({kUnknownDim}));
  c.set_output(1, DType::kInt64, Shape({kUnknownDim}));
  c.set_output(2, DType::kFloat32, Shape({kUnknownDim}));
}

void accidental_hits_kernel(KernelContext& c) {
  const Tensor& true_classes = c.input(0);
  const Tensor& sampled = c.input(1);
  const int64_t num_true = c.attrs().get<int64_t>("num_true");
  if (true_classes.rank() != 2)
    c.fail(ErrorCode::kInvalidArgument, "true_classes must be a matrix");
  if (true_classes.dim(1) != num_true)
    c.fail(ErrorCode::kInvalidArgument,
           "true_classes must have num_true columns, expected: ", true_classes.dim(1),
           " was: ", num_true);
  if (sampled.rank() != 1)
    c.fail(ErrorCode::kInvalidArgument,
           "sampled_candidates must be a vector, which is typically "
           "an output from CandidateSampler");
  std::unordered_map<int64_t, int> position;  // the last position wins, as in TF
  const int64_t* s = sampled.data<int64_t>();
  for (int64_t i = 0; i < sampled.num_elements(); ++i) position[s[i]] = static_cast<int>(i);
  std::vector<int32_t> indices;
  std::vector<int64_t> ids;
  const int64_t* t = true_classes.data<int64_t>();
  for (int64_t i = 0; i < true_classes.dim(0); ++i)
    for (int64_t j = 0; j < num_true; ++j) {
      auto it = position.find(t[i * num_true + j]);
      if (it == position.end()) continue;
      indices.push_back(static_cast<int32_t>(i));
      ids.push_back(it->second);
    }
  const auto n = static_cast<int64_t>(indices.size());
  std::copy(indices.begin(), indices.end(),
            c.allocate_output(0, DType::kInt32, {n}).data<int32_t>());
  std::copy(ids.begin(), ids.end(), c.allocate_output(1, DType::kInt64, {n}).data<int64_t>());
  float* w = c.allocate_output(2, DType::kFloat32, {n}).data<float>();
  std::fill(w, w + n, -FLT_MAX);
}

void add_sampler_attrs(OpDefBuilder b) {
  b.inputs({"true_classes"})
      .outputs({"sampled_candidates", "true_expected_count", "sampled_expected_count"})
      .stateful()
      .required_attr("num_true", AttrType::kInt, "classes per example")
      .required_attr("num_sampled", AttrType::kInt, "candidates drawn per batch")
      .required_attr("unique", AttrType::kBool, "draw without replacement within the batch")
      .required_attr("range_max", AttrType::kInt, "candidates are in [0, range_max)")
      .attr("seed", int64_t{0}, "graph-level seed")
      .attr("seed2", int64_t{0}, "op-level seed")
      .shape(sampler_shape)
      .not_differentiable();
}

}  // namespace

void register_candidate_sampling_ops(OpRegistry& r) {
  add_sampler_attrs(r.add("LogUniformCandidateSampler")
                        .kernel(log_uniform_kernel)
                        .doc("Samples candidates from the log-uniform (Zipfian) distribution over "
                             "[0, range_max)."));
  add_sampler_attrs(r.add("UniformCandidateSampler")
                        .kernel(uniform_kernel)
                        .doc("Samples candidates uniformly from [0, range_max)."));
  add_sampler_attrs(r.add("FixedUnigramCandidateSampler")
                        .kernel(fixed_unigram_kernel)
                        .attr("vocab_file", "", "a CSV file whose last column is each id's count")
                        .attr("distortion", 1.0, "weights are raised to this power")
                        .attr("num_reserved_ids", int64_t{0}, "leading ids of weight zero")
                        .attr("num_shards", int64_t{1}, "ids are split over this many shards")
                        .attr("shard", int64_t{0}, "the shard sampled from")
                        .attr("unigrams", std::vector<double>{}, "the ids' counts, in order")
                        .doc("Samples candidates from a fixed unigram distribution."));
  add_sampler_attrs(r.add("LearnedUnigramCandidateSampler")
                        .kernel(learned_unigram_kernel)
                        .doc("Samples candidates from a unigram distribution learned from the true "
                             "classes seen so "
                             "far (each id starts at weight 1 and gains 1 per occurrence)."));
  r.add("AllCandidateSampler")
      .inputs({"true_classes"})
      .outputs({"sampled_candidates", "true_expected_count", "sampled_expected_count"})
      .stateful()
      .required_attr("num_true", AttrType::kInt, "classes per example")
      .required_attr("num_sampled", AttrType::kInt, "the candidates are 0..num_sampled-1")
      .required_attr("unique", AttrType::kBool, "accepted, as TF's op takes it")
      .attr("seed", int64_t{0}, "accepted, as TF's op takes it")
      .attr("seed2", int64_t{0}, "accepted, as TF's op takes it")
      .shape(all_sampler_shape)
      .kernel(all_sampler_kernel)
      .not_differentiable()
      .doc("Returns every class 0..num_sampled-1 as the candidates, each expected count 1.");
  r.add("ComputeAccidentalHits")
      .inputs({"true_classes", "sampled_candidates"})
      .outputs({"indices", "ids", "weights"})
      .required_attr("num_true", AttrType::kInt, "classes per example")
      .attr("seed", int64_t{0}, "accepted, as TF's op takes it")
      .attr("seed2", int64_t{0}, "accepted, as TF's op takes it")
      .shape(accidental_hits_shape)
      .kernel(accidental_hits_kernel)
      .not_differentiable()
      .doc(
          "The (row, sampled position) pairs where a sampled candidate is one of the row's "
          "true classes, each with weight -FLT_MAX.");
}

}  // namespace varflow::ops
