// Prefetch: a thread of the pipeline pulls elements ahead into a bounded buffer while the
// consumer (the training step) runs. An error is delivered in its place in the order.
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "data/datasets.h"
#include "varflow/errors.h"

namespace varflow::data {

namespace {

// AUTOTUNE (-1) has no tuner here: a fixed depth that covers a step's jitter.
constexpr int64_t kAutotuneDepth = 8;

struct PrefetchState {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Element> buffer;
  std::exception_ptr error;  // delivered after the buffered elements
  bool ended = false;
  bool cancelled = false;
};

class PrefetchIterator : public Iterator {
 public:
  PrefetchIterator(std::unique_ptr<Iterator> input, int64_t depth)
      : state_(std::make_shared<PrefetchState>()) {
    // The thread owns the input iterator and shares the state, so it may outlive this
    // iterator (it is detached when it cannot be joined promptly: see the destructor).
    std::shared_ptr<PrefetchState> state = state_;
    std::shared_ptr<Iterator> in(std::move(input));
    thread_ = std::thread([state, in, depth] {
      while (true) {
        {
          std::unique_lock<std::mutex> lock(state->mu);
          state->cv.wait(lock, [&] {
            return state->cancelled || static_cast<int64_t>(state->buffer.size()) < depth;
          });
          if (state->cancelled) return;
        }
        Element e;
        bool got = false;
        std::exception_ptr error;
        try {
          got = in->next(&e);
        } catch (...) {
          error = std::current_exception();
        }
        std::lock_guard<std::mutex> lock(state->mu);
        if (error) state->error = error;
        if (got)
          state->buffer.push_back(std::move(e));
        else
          state->ended = true;
        state->cv.notify_all();
        if (!got) return;
      }
    });
  }

  ~PrefetchIterator() override {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->cancelled = true;
    }
    state_->cv.notify_all();
    // A thread inside a generator may wait for Python's lock, which the thread destroying
    // this iterator can hold: it finishes that element on its own and exits.
    thread_.detach();
  }

  bool next(Element* out) override {
    std::unique_lock<std::mutex> lock(state_->mu);
    state_->cv.wait(lock, [&] { return !state_->buffer.empty() || state_->ended; });
    if (!state_->buffer.empty()) {
      *out = std::move(state_->buffer.front());
      state_->buffer.pop_front();
      state_->cv.notify_all();
      return true;
    }
    if (state_->error) {
      std::exception_ptr error = state_->error;
      state_->error = nullptr;
      std::rethrow_exception(error);
    }
    return false;
  }

 private:
  std::shared_ptr<PrefetchState> state_;
  std::thread thread_;
};

class PrefetchDataset : public Dataset {
 public:
  PrefetchDataset(DatasetPtr input, int64_t depth) : input_(std::move(input)), depth_(depth) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    if (depth_ == 0) return input_->make_iterator();
    return std::make_unique<PrefetchIterator>(input_->make_iterator(), depth_);
  }

 private:
  DatasetPtr input_;
  int64_t depth_;
};

}  // namespace

DatasetPtr bind_prefetch(const Binding& b) {
  int64_t depth = b.int_arg(0, "buffer_size");
  VF_CHECK(depth >= -1, ErrorCode::kInvalidArgument, "buffer_size must be >= -1 (AUTOTUNE), got ",
           depth);
  if (depth == -1) depth = kAutotuneDepth;
  return std::make_shared<PrefetchDataset>(b.inputs.at(0), depth);
}

}  // namespace varflow::data
