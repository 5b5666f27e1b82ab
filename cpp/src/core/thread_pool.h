// The intra-op thread pool: one set of persistent workers; parallel_for splits a range into
// contiguous chunks only above a grain size, so small tensors run inline. Workers spin briefly
// before sleeping, so the back-to-back parallel kernels of one plan hand work over without a
// futex wake-up each time.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace varflow {

// A non-owning reference to a callable: passing a lambda costs no allocation, unlike
// std::function, whose small buffer a kernel's captures overflow.
class RangeFn {
 public:
  template <typename F>
  RangeFn(const F& f)  // NOLINT: implicit, like std::function
      : object_(&f),
        call_([](const void* o, int64_t b, int64_t e) { (*static_cast<const F*>(o))(b, e); }) {}
  void operator()(int64_t begin, int64_t end) const { call_(object_, begin, end); }

 private:
  const void* object_;
  void (*call_)(const void*, int64_t, int64_t);
};

class ThreadPool {
 public:
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return static_cast<int>(workers_.size()) + 1; }
  // Calls fn(begin, end) over [0, n) in chunks of at least `grain` (rounded to `align`).
  // Runs inline when the range is small or another parallel loop holds the pool.
  void parallel_for(int64_t n, int64_t grain, RangeFn fn, int64_t align = 16);

  static ThreadPool& global();
  static void resize_global(int num_threads);

 private:
  void worker_loop();
  // Claims and runs chunks of the job of generation `generation` until none is left.
  void run_chunks(uint64_t generation);

  std::vector<std::thread> workers_;
  std::mutex job_mu_;  // one parallel loop at a time
  std::mutex mu_;
  std::condition_variable work_cv_;
  const RangeFn* job_ = nullptr;
  std::vector<std::pair<int64_t, int64_t>> chunks_;
  // Chunks are claimed dynamically, (generation << 32) | next chunk in one word, so a thread
  // that the OS delays cannot hold the others up: whoever is running takes the next chunk,
  // and a late worker's claim on a finished job fails.
  std::atomic<uint64_t> claim_{0};
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> done_{0};
  std::atomic<int> num_chunks_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int> waker_cpu_{-1};  // the CPU of the thread that published the latest job
};

}  // namespace varflow
