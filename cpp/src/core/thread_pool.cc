#include "core/thread_pool.h"

#include <algorithm>
#include <memory>

#ifdef __linux__
#include <sched.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VF_PAUSE() _mm_pause()
#else
#define VF_PAUSE() std::this_thread::yield()
#endif

namespace varflow {

namespace {
constexpr int kSpinIterations = 20000;  // roughly 0.1-0.5 ms of pause instructions

// A pause, and every few microseconds a yield: a woken worker may be placed on the core of the
// thread that woke it, and until the scheduler moves one of them away, a thread spinning for
// the other's work would take half of the time that work needs (measured: steps 1.5-2x slower
// for whole samples on a 2-vCPU VM). With another thread runnable there, the yield hands it
// the core; on a core of its own it returns at once.
inline void spin_pause(int i) {
  VF_PAUSE();
  if ((i & 255) == 255) std::this_thread::yield();
}

// The CPU the calling thread runs on, or -1 where that is not known.
int current_cpu() {
#ifdef __linux__
  return sched_getcpu();
#else
  return -1;
#endif
}

// A worker that slept and finds itself on the CPU of the thread that woke it (where Linux's
// wake-up placement often puts it) moves to one of its other allowed CPUs at once, instead of
// sharing that core with the waker until the load balancer separates them. Its allowed set is
// restored right after, so it stays free to move later.
void leave_cpu_of(int waker) {
#ifdef __linux__
  const int here = sched_getcpu();
  if (waker < 0 || here != waker) return;
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0 || CPU_COUNT(&allowed) < 2) return;
  cpu_set_t elsewhere = allowed;
  CPU_CLR(here, &elsewhere);
  if (sched_setaffinity(0, sizeof(elsewhere), &elsewhere) == 0)
    sched_setaffinity(0, sizeof(allowed), &allowed);
#else
  (void)waker;
#endif
}
}  // namespace

ThreadPool::ThreadPool(int num_threads) {
  for (int i = 1; i < num_threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
  }
  work_cv_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::run_chunks(uint64_t generation) {
  for (;;) {
    uint64_t claim = claim_.load(std::memory_order_acquire);
    if ((claim >> 32) != generation ||
        static_cast<int>(claim & 0xffffffffu) >= num_chunks_.load(std::memory_order_acquire))
      return;
    if (!claim_.compare_exchange_weak(claim, claim + 1, std::memory_order_acq_rel)) continue;
    const auto chunk = chunks_[static_cast<size_t>(claim & 0xffffffffu)];
    (*job_)(chunk.first, chunk.second);
    done_.fetch_add(1, std::memory_order_acq_rel);
  }
}

void ThreadPool::worker_loop() {
  uint64_t seen = 0;  // generation of the last job this worker looked at
  for (;;) {
    // Spin first: the next kernel of a running plan usually arrives within microseconds.
    for (int i = 0; i < kSpinIterations; ++i) {
      if (generation_.load(std::memory_order_acquire) != seen || stop_.load()) break;
      spin_pause(i);
    }
    if (generation_.load(std::memory_order_acquire) == seen && !stop_.load()) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [&] {
          return stop_.load() || generation_.load(std::memory_order_acquire) != seen;
        });
      }
      leave_cpu_of(waker_cpu_.load(std::memory_order_relaxed));
    }
    if (stop_.load()) return;
    seen = generation_.load(std::memory_order_acquire);
    run_chunks(seen);
  }
}

void ThreadPool::parallel_for(int64_t n, int64_t grain, RangeFn fn, int64_t align) {
  if (n <= 0) return;
  // A few chunks per thread, so a delayed thread's share is taken over by the others.
  const int64_t threads = num_threads();
  int64_t max_chunks = std::min<int64_t>(4 * threads, std::max<int64_t>(1, n / grain));
  if (max_chunks > threads) max_chunks -= max_chunks % threads;  // even shares when on time
  std::unique_lock<std::mutex> job_lock(job_mu_, std::defer_lock);
  if (max_chunks <= 1 || num_threads() == 1 || !job_lock.try_lock()) {
    fn(0, n);
    return;
  }
  int64_t per = (n + max_chunks - 1) / max_chunks;
  per = (per + align - 1) / align * align;
  chunks_.clear();
  for (int64_t b = 0; b < n; b += per) chunks_.emplace_back(b, std::min(n, b + per));
  job_ = &fn;
  num_chunks_.store(static_cast<int>(chunks_.size()), std::memory_order_relaxed);
  done_.store(0, std::memory_order_relaxed);
  const uint64_t generation = generation_.load(std::memory_order_relaxed) + 1;
  claim_.store(generation << 32, std::memory_order_release);
  waker_cpu_.store(current_cpu(), std::memory_order_relaxed);
  {
    // Publishing under the lock means a worker about to sleep cannot miss the new job.
    std::lock_guard<std::mutex> lock(mu_);
    generation_.store(generation, std::memory_order_release);
  }
  work_cv_.notify_all();
  run_chunks(generation);
  for (int i = 0;
       done_.load(std::memory_order_acquire) < num_chunks_.load(std::memory_order_relaxed); ++i)
    spin_pause(i);
  job_ = nullptr;
}

namespace {
// Resizing must not destroy a pool that a running kernel on another thread still uses, so
// every pool ever made stays alive (one per distinct size, reused on a later resize back);
// an unused pool's workers sleep on their condition variable.
struct GlobalPools {
  std::mutex mu;
  std::vector<std::unique_ptr<ThreadPool>> pools;
  std::atomic<ThreadPool*> current{nullptr};
};

GlobalPools& global_pools() {
  static GlobalPools* pools = [] {
    auto* p = new GlobalPools();  // never destroyed: workers may outlive static destructors
    p->pools.push_back(std::make_unique<ThreadPool>(
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))));
    p->current.store(p->pools.back().get());
    return p;
  }();
  return *pools;
}
}  // namespace

ThreadPool& ThreadPool::global() { return *global_pools().current.load(std::memory_order_acquire); }

void ThreadPool::resize_global(int num_threads) {
  if (num_threads <= 0)
    num_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  GlobalPools& g = global_pools();
  std::lock_guard<std::mutex> lock(g.mu);
  for (const auto& pool : g.pools) {
    if (pool->num_threads() == num_threads) {
      g.current.store(pool.get(), std::memory_order_release);
      return;
    }
  }
  g.pools.push_back(std::make_unique<ThreadPool>(num_threads));
  g.current.store(g.pools.back().get(), std::memory_order_release);
}

}  // namespace varflow
