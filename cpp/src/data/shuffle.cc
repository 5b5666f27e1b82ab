// Shuffle with TF's buffer discipline and random stream, so a seeded pipeline gives TF's
// element order: a buffer of up to buffer_size elements filled in arrival order; each output
// is buffer[start + r % count] for the next 32-bit word r of Philox(seed, seed2), which then
// takes the place of the buffer's oldest element. With reshuffle_each_iteration, every
// iterator draws its own (seed, seed2) as two words of a generator seeded with the dataset's
// seeds (TF's RandomSeedGenerator); otherwise every iterator uses the dataset's seeds.
#include <mutex>

#include "data/datasets.h"
#include "kernels/philox.h"
#include "varflow/errors.h"

namespace varflow::data {

namespace {

class ShuffleDataset : public Dataset {
 public:
  ShuffleDataset(DatasetPtr input, int64_t buffer_size, int64_t seed, int64_t seed2, bool reshuffle)
      : input_(std::move(input)),
        buffer_size_(buffer_size),
        seed_(seed),
        seed2_(seed2),
        reshuffle_(reshuffle),
        seed_gen_(static_cast<uint64_t>(seed), static_cast<uint64_t>(seed2)),
        seed_words_(seed_gen_) {}

  std::unique_ptr<Iterator> make_iterator() const override {
    int64_t seed = seed_, seed2 = seed2_;
    if (reshuffle_) {
      std::lock_guard<std::mutex> lock(mu_);
      seed = seed_words_();
      seed2 = seed_words_();
    }
    return std::make_unique<It>(this, seed, seed2);
  }

 private:
  struct It : Iterator {
    const ShuffleDataset* d;
    std::unique_ptr<Iterator> in;
    kernels::Philox gen;
    kernels::PhiloxWords words;
    std::vector<Element> buffer;  // grows to buffer_size, then is used as a ring
    int64_t start = 0, end = 0;   // the live elements are [start, end) modulo buffer_size

    It(const ShuffleDataset* d, int64_t seed, int64_t seed2)
        : d(d),
          in(d->input_->make_iterator()),
          gen(static_cast<uint64_t>(seed), static_cast<uint64_t>(seed2)),
          words(gen) {}

    bool next(Element* out) override {
      while (in && end - start < d->buffer_size_) {
        Element e;
        if (!in->next(&e)) {
          in.reset();
          break;
        }
        const int64_t slot = end % d->buffer_size_;
        if (slot == static_cast<int64_t>(buffer.size()))
          buffer.push_back(std::move(e));
        else
          buffer[static_cast<size_t>(slot)] = std::move(e);
        ++end;
      }
      if (end == start) return false;
      const int64_t offset = static_cast<int64_t>(words()) % (end - start);
      const size_t index = static_cast<size_t>((start + offset) % d->buffer_size_);
      const size_t oldest = static_cast<size_t>(start % d->buffer_size_);
      *out = std::move(buffer[index]);
      std::swap(buffer[index], buffer[oldest]);
      ++start;
      return true;
    }
  };

  DatasetPtr input_;
  int64_t buffer_size_;
  int64_t seed_, seed2_;
  bool reshuffle_;
  mutable std::mutex mu_;
  mutable kernels::Philox seed_gen_;
  mutable kernels::PhiloxWords seed_words_;
};

}  // namespace

DatasetPtr bind_shuffle(const Binding& b) {
  const int64_t buffer_size = b.int_arg(0, "buffer_size");
  VF_CHECK(buffer_size > 0, ErrorCode::kInvalidArgument, "buffer_size must be greater than zero.");
  int64_t seed = b.int_arg(1, "seed");
  int64_t seed2 = b.int_arg(2, "seed2");
  // TF's convention: both seeds 0 asks for a non-deterministic order.
  if (seed == 0 && seed2 == 0) {
    seed = static_cast<int64_t>(kernels::os_random_seed());
    seed2 = static_cast<int64_t>(kernels::os_random_seed());
  }
  return std::make_shared<ShuffleDataset>(b.inputs.at(0), buffer_size, seed, seed2,
                                          b.option("reshuffle_each_iteration", 1) != 0);
}

}  // namespace varflow::data
