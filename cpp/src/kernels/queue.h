// TF1's queues (FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue): a bounded buffer of tuples of
// tensors with TensorFlow's blocking rules and messages. Every blocked enqueue, dequeue and
// close is an "attempt" served in arrival order under one lock, as TF's QueueBase serves them:
// a dequeue_many that has taken part of its batch keeps its place ahead of later dequeues, a
// close without cancelling waits behind the enqueues already pending, and closing wakes the
// blocked dequeues, which then fail with OutOfRange.
//
// Errors (varflow::Error): kInvalidArgument for a tuple of the wrong arity, dtype or shape;
// kCancelled for an enqueue into a closed queue, a second close, and waits cancelled by
// close(cancel_pending_enqueues) or cancel_waits(); kOutOfRange for a dequeue the closed queue
// cannot satisfy; kDeadlineExceeded when the calling thread's ScopedQueueDeadline passes.
// Thread-safety: every member function may be called from any number of threads at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kernels/philox.h"
#include "varflow/errors.h"
#include "varflow/shape.h"
#include "varflow/tensor.h"

namespace varflow::kernels {

enum class QueueKind { kFifo, kPaddingFifo, kRandomShuffle };

struct QueueSpec {
  QueueKind kind = QueueKind::kFifo;
  std::string name;  // the resource name messages use, "_0_fifo_queue" as TF names it
  std::vector<DType> dtypes;
  // One per component, or empty (any shapes; dequeue_many then refuses). A padding queue's
  // shapes may hold unknown dimensions, which dequeue_many pads to the batch's largest.
  std::vector<Shape> shapes;
  int64_t capacity = -1;  // negative: unbounded
  int64_t min_after_dequeue = 0;
  uint64_t seed = 0, seed2 = 0;  // both zero: seeded from the OS
};

// The deadline of the run on this thread (TF1's RunOptions.timeout_in_ms): queue waits that
// outlast it fail with DeadlineExceeded "Timed out waiting for notification", as TF1's
// DirectSession reports a timed-out step. Scopes nest; timeout_ms <= 0 sets no deadline.
class ScopedQueueDeadline {
 public:
  explicit ScopedQueueDeadline(int64_t timeout_ms);
  ~ScopedQueueDeadline();
  ScopedQueueDeadline(const ScopedQueueDeadline&) = delete;
  ScopedQueueDeadline& operator=(const ScopedQueueDeadline&) = delete;

 private:
  std::optional<std::chrono::steady_clock::time_point> previous_;
};

class Queue {
 public:
  using Tuple = std::vector<Tensor>;

  explicit Queue(QueueSpec spec);
  ~Queue();
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  const QueueSpec& spec() const { return spec_; }
  // Blocks while the queue is full. The stored tensors are the caller's unless they alias
  // memory that may change later (borrowed feeds, variables), which are copied.
  void enqueue(const Tuple& tuple);
  // Each component's first dimension is the batch; its rows are enqueued one by one, blocking
  // for room as they go.
  void enqueue_many(const Tuple& batch);
  Tuple dequeue();
  // n elements stacked along a new first dimension; with allow_small_batch (dequeue_up_to)
  // a closed queue hands out what it has left instead of failing.
  Tuple dequeue_many(int64_t n, bool allow_small_batch);
  void close(bool cancel_pending_enqueues);
  // Fails every pending attempt with Cancelled ("Dequeue operation was cancelled"), and every
  // later one: the session holding the queue is closing.
  void cancel_waits();
  int64_t size();
  bool is_closed();

 private:
  enum class Progress { kNone, kSome, kComplete };
  struct Attempt {
    int64_t elements_requested = 0;
    std::function<Progress(Attempt&)> run;
    bool done = false;
    bool failed = false;
    ErrorCode code = ErrorCode::kUnknown;
    std::string message;
    std::vector<Tuple> elements;  // a dequeue's elements so far, in order
    void fail(ErrorCode c, std::string m) {
      failed = true;
      code = c;
      message = std::move(m);
    }
  };

  std::string kind_name() const;
  void validate_components(const Tuple& tuple) const;
  void validate_element(const Tuple& tuple) const;
  void validate_batch(const Tuple& batch) const;
  Tuple stored(const Tuple& tuple) const;
  Tuple take_one_locked();
  void put_back_locked(std::vector<Tuple> elements);
  int64_t available_locked() const;  // elements a dequeue may take now
  Tuple assemble(const std::vector<Tuple>& elements, int64_t n) const;
  void wait(Attempt& attempt, std::deque<Attempt*>& list);
  void flush_locked();
  bool try_attempts_locked(std::deque<Attempt*>& list);

  const QueueSpec spec_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Tuple> fifo_;      // FIFO and padding queues
  std::vector<Tuple> shuffle_;  // random shuffle queue
  std::deque<Attempt*> enqueues_;
  std::deque<Attempt*> dequeues_;
  bool closed_ = false;
  bool cancelled_ = false;
  Philox generator_;
  PhiloxWords words_{generator_};
};

// Wakes every wait of the queue whose state `state` is (a ResourceSlot's state), if it is one;
// for Session::close. Never throws.
void cancel_queue_waits(const void* state) noexcept;

}  // namespace varflow::kernels
