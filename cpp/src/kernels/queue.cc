#include "kernels/queue.h"

#include <algorithm>
#include <set>

namespace varflow::kernels {

namespace {

using Clock = std::chrono::steady_clock;
thread_local std::optional<Clock::time_point> tls_deadline;

// Live queues, so that a session can wake the waits of the states it holds without knowing
// their type.
std::mutex& registry_mutex() {
  static std::mutex* mu = new std::mutex();
  return *mu;
}
std::set<const Queue*>& registry() {
  static std::set<const Queue*>* live = new std::set<const Queue*>();
  return *live;
}

Dims tail_dims(const Dims& dims) { return Dims(dims.begin() + 1, dims.end()); }

std::string tf_dims(const Dims& dims) { return Shape(dims).to_tf_string(); }

// Copies `src` (any dtype, strings included) into `dst` at element offset `offset`, the
// element laid out inside a slot of dimensions `slot` (>= src's in each dimension; the rest of
// the slot keeps its zero padding).
void copy_into_slot(const Tensor& src, Tensor& dst, int64_t offset, const Dims& slot) {
  visit_any_dtype(
      src.dtype(),
      [&](auto tag) {
        using T = decltype(tag);
        const T* from = src.data<T>();
        T* to = dst.data<T>() + offset;
        const Dims& dims = src.dims();
        if (dims == slot) {
          std::copy(from, from + src.num_elements(), to);
          return;
        }
        // Row by row: the last dimension is contiguous in both.
        const int rank = static_cast<int>(dims.size());
        const int64_t row = dims.back();
        const int64_t rows = row == 0 ? 0 : src.num_elements() / row;
        std::vector<int64_t> index(static_cast<size_t>(rank), 0);
        for (int64_t r = 0; r < rows; ++r) {
          int64_t at = 0;
          for (int d = 0; d < rank; ++d) at = at * slot[static_cast<size_t>(d)] + index[d];
          std::copy(from + r * row, from + (r + 1) * row, to + at);
          for (int d = rank - 2; d >= 0; --d) {
            if (++index[static_cast<size_t>(d)] < dims[static_cast<size_t>(d)]) break;
            index[static_cast<size_t>(d)] = 0;
          }
        }
      },
      "A queue");
}

Tensor row_of(const Tensor& batch, int64_t i) {
  Tensor row(batch.dtype(), tail_dims(batch.dims()));
  const int64_t n = row.num_elements();
  visit_any_dtype(
      batch.dtype(),
      [&](auto tag) {
        using T = decltype(tag);
        const T* from = batch.data<T>() + i * n;
        std::copy(from, from + n, row.data<T>());
      },
      "A queue");
  return row;
}

}  // namespace

ScopedQueueDeadline::ScopedQueueDeadline(int64_t timeout_ms) : previous_(tls_deadline) {
  if (timeout_ms > 0) tls_deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
}

ScopedQueueDeadline::~ScopedQueueDeadline() { tls_deadline = previous_; }

Queue::Queue(QueueSpec spec) : spec_(std::move(spec)) {
  uint64_t seed = spec_.seed, seed2 = spec_.seed2;
  if (seed == 0 && seed2 == 0) {
    seed = os_random_seed();
    seed2 = os_random_seed();
  }
  generator_ = Philox(seed, seed2);
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry().insert(this);
}

Queue::~Queue() {
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry().erase(this);
}

void cancel_queue_waits(const void* state) noexcept {
  if (!state) return;
  std::lock_guard<std::mutex> lock(registry_mutex());
  auto it = registry().find(static_cast<const Queue*>(state));
  if (it != registry().end()) const_cast<Queue*>(*it)->cancel_waits();
}

std::string Queue::kind_name() const {
  switch (spec_.kind) {
    case QueueKind::kFifo:
      return "FIFOQueue";
    case QueueKind::kPaddingFifo:
      return "PaddingFIFOQueue";
    case QueueKind::kRandomShuffle:
      return "RandomShuffleQueue";
  }
  return "Queue";
}

// --- validation (TF's QueueBase::ValidateTuple / ValidateManyTuple messages) ----------------

void Queue::validate_components(const Tuple& tuple) const {
  if (tuple.size() != spec_.dtypes.size())
    raise(ErrorCode::kInvalidArgument, "Wrong number of components in tuple. Expected ",
          spec_.dtypes.size(), ", got ", tuple.size());
  for (size_t i = 0; i < tuple.size(); ++i)
    if (tuple[i].dtype() != spec_.dtypes[i])
      raise(ErrorCode::kInvalidArgument, "Type mismatch in tuple component ", i, ". Expected ",
            dtype_tf_name(spec_.dtypes[i]), ", got ", dtype_tf_name(tuple[i].dtype()));
}

void Queue::validate_element(const Tuple& tuple) const {
  validate_components(tuple);
  if (spec_.shapes.empty()) return;
  for (size_t i = 0; i < tuple.size(); ++i)
    if (!spec_.shapes[i].accepts(tuple[i].dims()))
      raise(ErrorCode::kInvalidArgument, "Shape mismatch in tuple component ", i, ". Expected ",
            spec_.shapes[i].to_tf_string(), ", got ", tf_dims(tuple[i].dims()));
}

void Queue::validate_batch(const Tuple& batch) const {
  validate_components(batch);
  for (size_t i = 0; i < batch.size(); ++i)
    if (batch[i].rank() == 0)
      raise(ErrorCode::kInvalidArgument, "Shape mismatch in tuple component ", i,
            ". Expected a batch of elements (rank at least 1), got a scalar");
  const int64_t batch_size = batch[0].dim(0);
  if (spec_.shapes.empty()) {
    for (size_t i = 1; i < batch.size(); ++i)
      if (batch[i].dim(0) != batch_size)
        raise(ErrorCode::kInvalidArgument,
              "All input tensors must have the same size in the 0th dimension. Component ", i,
              " has ", batch[i].dim(0), ", and should have ", batch_size);
    return;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    Dims expected{batch_size};
    for (int64_t d : spec_.shapes[i].dims()) expected.push_back(d);
    if (!Shape(expected).accepts(batch[i].dims()))
      raise(ErrorCode::kInvalidArgument, "Shape mismatch in tuple component ", i, ". Expected ",
            Shape(expected).to_tf_string(), ", got ", tf_dims(batch[i].dims()));
  }
}

Queue::Tuple Queue::stored(const Tuple& tuple) const {
  Tuple out;
  out.reserve(tuple.size());
  for (const Tensor& t : tuple) {
    const bool may_change = t.buffer() && (t.buffer()->borrowed() || t.buffer()->shared_state());
    out.push_back(may_change ? t.deep_copy() : t);
  }
  return out;
}

// --- the element store -----------------------------------------------------------------------

int64_t Queue::available_locked() const {
  if (spec_.kind == QueueKind::kRandomShuffle) {
    const int64_t n = static_cast<int64_t>(shuffle_.size());
    return closed_ ? n : std::max<int64_t>(0, n - spec_.min_after_dequeue);
  }
  return static_cast<int64_t>(fifo_.size());
}

Queue::Tuple Queue::take_one_locked() {
  if (spec_.kind == QueueKind::kRandomShuffle) {
    // TF's RandomShuffleQueue: a uniform index from the next 32-bit Philox word, the last
    // element moved into its place.
    const size_t index = static_cast<size_t>(words_() % shuffle_.size());
    Tuple out = std::move(shuffle_[index]);
    shuffle_[index] = std::move(shuffle_.back());
    shuffle_.pop_back();
    return out;
  }
  Tuple out = std::move(fifo_.front());
  fifo_.pop_front();
  return out;
}

// A failed dequeue_many gives back what it took: to the front in order (FIFO), or appended
// (shuffle), as TF restores them.
void Queue::put_back_locked(std::vector<Tuple> elements) {
  if (spec_.kind == QueueKind::kRandomShuffle) {
    for (auto it = elements.rbegin(); it != elements.rend(); ++it)
      shuffle_.push_back(std::move(*it));
    return;
  }
  for (auto it = elements.rbegin(); it != elements.rend(); ++it) fifo_.push_front(std::move(*it));
}

int64_t Queue::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return spec_.kind == QueueKind::kRandomShuffle ? static_cast<int64_t>(shuffle_.size())
                                                 : static_cast<int64_t>(fifo_.size());
}

bool Queue::is_closed() {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

// --- attempts ----------------------------------------------------------------------------------

bool Queue::try_attempts_locked(std::deque<Attempt*>& list) {
  bool progress = false;
  while (!list.empty()) {
    Attempt& attempt = *list.front();
    const Progress p = attempt.run(attempt);
    if (p == Progress::kNone) break;
    progress = true;
    if (p == Progress::kSome) break;
    attempt.done = true;
    list.pop_front();
  }
  return progress;
}

void Queue::flush_locked() {
  bool any = false, changed;
  do {
    changed = try_attempts_locked(enqueues_);
    changed = try_attempts_locked(dequeues_) || changed;
    any = any || changed;
  } while (changed);
  if (any) changed_.notify_all();
}

void Queue::wait(Attempt& attempt, std::deque<Attempt*>& list) {
  std::unique_lock<std::mutex> lock(mu_);
  if (cancelled_) {
    attempt.fail(ErrorCode::kCancelled, &list == &enqueues_ ? "Enqueue operation was cancelled"
                                                            : "Dequeue operation was cancelled");
  } else {
    list.push_back(&attempt);
    flush_locked();
    const std::optional<Clock::time_point> deadline = tls_deadline;
    while (!attempt.done) {
      if (!deadline) {
        changed_.wait(lock);
      } else if (changed_.wait_until(lock, *deadline) == std::cv_status::timeout && !attempt.done) {
        // TF cancels the step: the attempt leaves the line (a partial batch is lost, as in TF)
        // and the attempts behind it get their turn.
        list.erase(std::find(list.begin(), list.end(), &attempt));
        attempt.fail(ErrorCode::kDeadlineExceeded, "Timed out waiting for notification");
        attempt.done = true;
        flush_locked();
      }
    }
  }
  if (attempt.failed) throw Error(attempt.code, attempt.message);
}

void Queue::cancel_waits() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = true;
  for (Attempt* a : enqueues_) {
    a->fail(ErrorCode::kCancelled, "Enqueue operation was cancelled");
    a->done = true;
  }
  for (Attempt* a : dequeues_) {
    a->fail(ErrorCode::kCancelled, "Dequeue operation was cancelled");
    a->done = true;
  }
  enqueues_.clear();
  dequeues_.clear();
  changed_.notify_all();
}

// --- operations ------------------------------------------------------------------------------

void Queue::enqueue(const Tuple& tuple) {
  validate_element(tuple);
  Tuple element = stored(tuple);
  Attempt attempt;
  attempt.elements_requested = 1;
  attempt.run = [this, &element](Attempt& a) {
    if (closed_) {
      a.fail(ErrorCode::kCancelled, str_cat(kind_name(), " '", spec_.name, "' is closed."));
      return Progress::kComplete;
    }
    const int64_t size = spec_.kind == QueueKind::kRandomShuffle
                             ? static_cast<int64_t>(shuffle_.size())
                             : static_cast<int64_t>(fifo_.size());
    if (spec_.capacity >= 0 && size >= spec_.capacity) return Progress::kNone;
    if (spec_.kind == QueueKind::kRandomShuffle)
      shuffle_.push_back(std::move(element));
    else
      fifo_.push_back(std::move(element));
    return Progress::kComplete;
  };
  wait(attempt, enqueues_);
}

void Queue::enqueue_many(const Tuple& batch) {
  validate_batch(batch);
  const int64_t batch_size = batch[0].dim(0);
  if (batch_size == 0) return;
  Attempt attempt;
  attempt.elements_requested = batch_size;
  attempt.run = [this, &batch, batch_size](Attempt& a) {
    if (closed_) {
      a.fail(ErrorCode::kCancelled, str_cat(kind_name(), " '", spec_.name, "' is closed."));
      return Progress::kComplete;
    }
    Progress result = Progress::kNone;
    for (;;) {
      const int64_t size = spec_.kind == QueueKind::kRandomShuffle
                               ? static_cast<int64_t>(shuffle_.size())
                               : static_cast<int64_t>(fifo_.size());
      if (spec_.capacity >= 0 && size >= spec_.capacity) return result;
      result = Progress::kSome;
      const int64_t row = batch_size - a.elements_requested;
      Tuple element;
      for (const Tensor& component : batch) element.push_back(row_of(component, row));
      if (spec_.kind == QueueKind::kRandomShuffle)
        shuffle_.push_back(std::move(element));
      else
        fifo_.push_back(std::move(element));
      if (--a.elements_requested == 0) return Progress::kComplete;
    }
  };
  wait(attempt, enqueues_);
}

Queue::Tuple Queue::dequeue() {
  Attempt attempt;
  attempt.elements_requested = 1;
  attempt.run = [this](Attempt& a) {
    const int64_t size = spec_.kind == QueueKind::kRandomShuffle
                             ? static_cast<int64_t>(shuffle_.size())
                             : static_cast<int64_t>(fifo_.size());
    if (closed_ && size == 0) {
      a.fail(ErrorCode::kOutOfRange,
             str_cat(kind_name(), " '", spec_.name,
                     "' is closed and has insufficient elements (requested 1, current size 0)"));
      return Progress::kComplete;
    }
    if (available_locked() == 0) return Progress::kNone;
    a.elements.push_back(take_one_locked());
    return Progress::kComplete;
  };
  wait(attempt, dequeues_);
  return std::move(attempt.elements.front());
}

Queue::Tuple Queue::dequeue_many(int64_t n, bool allow_small_batch) {
  if (n < 0) raise(ErrorCode::kInvalidArgument, "DequeueManyOp requested ", n, " < 0 elements");
  if (spec_.shapes.empty())
    raise(ErrorCode::kInvalidArgument, kind_name(),
          "'s DequeueMany and DequeueUpTo require the components to have specified shapes.");
  if (n == 0) return assemble({}, 0);
  Attempt attempt;
  attempt.elements_requested = n;
  attempt.run = [this, allow_small_batch](Attempt& a) {
    int64_t size = spec_.kind == QueueKind::kRandomShuffle ? static_cast<int64_t>(shuffle_.size())
                                                           : static_cast<int64_t>(fifo_.size());
    if (closed_ && size < a.elements_requested) {
      const int64_t requested = a.elements_requested;
      const int64_t taken = static_cast<int64_t>(a.elements.size());
      if (taken > 0) {
        put_back_locked(std::move(a.elements));
        a.elements.clear();
        a.elements_requested += taken;
      }
      const int64_t now = size + taken;
      if (allow_small_batch && now > 0) {
        a.elements_requested = now;
      } else {
        a.fail(ErrorCode::kOutOfRange,
               str_cat(kind_name(), " '", spec_.name,
                       "' is closed and has insufficient elements (requested ", requested,
                       ", current size ", size, ")"));
        return Progress::kComplete;
      }
    }
    Progress result = Progress::kNone;
    for (int64_t available = available_locked(); available > 0; --available) {
      result = Progress::kSome;
      a.elements.push_back(take_one_locked());
      if (--a.elements_requested == 0) return Progress::kComplete;
    }
    return result;
  };
  wait(attempt, dequeues_);
  return assemble(attempt.elements, static_cast<int64_t>(attempt.elements.size()));
}

// Stacks n elements; a padding queue's unknown dimensions become the batch's largest, the
// rest of each slot zero (TF's PaddingFIFOQueue pads with zeros, strings with "").
Queue::Tuple Queue::assemble(const std::vector<Tuple>& elements, int64_t n) const {
  Tuple out;
  for (size_t c = 0; c < spec_.dtypes.size(); ++c) {
    Dims slot = spec_.shapes[c].dims();
    for (size_t d = 0; d < slot.size(); ++d) {
      if (slot[d] >= 0) continue;
      int64_t largest = 0;
      for (const Tuple& e : elements) largest = std::max(largest, e[c].dim(static_cast<int>(d)));
      slot[d] = largest;
    }
    Dims dims{n};
    dims.insert(dims.end(), slot.begin(), slot.end());
    const bool padded = spec_.kind == QueueKind::kPaddingFifo;
    Tensor batch = padded ? Tensor::zeros(spec_.dtypes[c], dims) : Tensor(spec_.dtypes[c], dims);
    const int64_t per_slot = n == 0 ? 0 : batch.num_elements() / n;
    for (int64_t i = 0; i < n; ++i)
      copy_into_slot(elements[static_cast<size_t>(i)][c], batch, i * per_slot, slot);
    out.push_back(std::move(batch));
  }
  return out;
}

void Queue::close(bool cancel_pending_enqueues) {
  if (cancel_pending_enqueues) {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    for (Attempt* a : enqueues_) {
      a->fail(ErrorCode::kCancelled, "Enqueue operation was cancelled");
      a->done = true;
    }
    enqueues_.clear();
    flush_locked();
    changed_.notify_all();
    return;
  }
  // Behind the pending enqueues, as TF's Close is itself an enqueue attempt.
  Attempt attempt;
  attempt.run = [this](Attempt& a) {
    if (closed_)
      a.fail(ErrorCode::kCancelled, str_cat("Queue '", spec_.name, "' is already closed."));
    closed_ = true;
    return Progress::kComplete;
  };
  wait(attempt, enqueues_);
}

}  // namespace varflow::kernels
