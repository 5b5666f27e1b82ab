#include "collective/runtime.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <map>
#include <optional>
#include <thread>
#include <unordered_map>

#include "collective/mpi_api.h"
#include "collective/wire.h"
#include "graph/op_library.h"
#include "varflow/half.h"

namespace varflow::collective {

void register_collective_ops(OpRegistry& registry);  // collective_ops.cc

namespace {

// The collective ops join the registry in every program that links the runtime (which their
// kernels need anyway).
const bool kOpsRegistered = (add_op_library(&register_collective_ops), true);

using Clock = std::chrono::steady_clock;

// How long the background thread polls for the next blocking collective after a round before it
// sleeps: a small collective's MPI work takes a few microseconds, and waking a sleeping thread
// on a VM costs about as much again. (The kernel waiting for its result does not poll: with two
// ranks on two cores its polling took the cores MPI's own progress needed, 1.07x to 1.61x
// slower medians from 1e5 floats on.)
constexpr auto kPollBeforeSleep = std::chrono::microseconds(50);

const char kNotInitialized[] = "Horovod has not been initialized; use hvd.init().";
const char kShutDown[] =
    "Horovod has been shut down. This was caused by an exception on one of the ranks or an "
    "attempt to allreduce, allgather or broadcast a tensor after one of the ranks finished "
    "execution. If the shutdown was caused by an exception, you should see the exception in "
    "the log before the first shutdown message.";

double env_double(const char* name, double fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const double d = std::strtod(v, &end);
  return end && *end == '\0' && d >= 0 ? d : fallback;
}

void finish(Request* r) {
  Batch& b = *r->batch;
  std::lock_guard<std::mutex> lock(b.mu);
  if (--b.remaining == 0) b.cv.notify_all();
}

void fail(Request* r, ErrorCode code, std::string message) {
  r->failed = true;
  r->code = code;
  r->error = std::move(message);
  finish(r);
}

// A failed or timed-out MPI call: the communicator cannot be used again.
struct Broken {
  ErrorCode code;
  std::string message;
};

struct Entry {
  std::vector<std::optional<Meta>> by_rank;
  int count = 0;
  Clock::time_point first_seen;
};

void half_sum(void* in, void* inout, int* len, mpi::Datatype*) {
  const Half* a = static_cast<const Half*>(in);
  Half* b = static_cast<Half*>(inout);
  for (int i = 0; i < *len; ++i) b[i] = Half(static_cast<float>(a[i]) + static_cast<float>(b[i]));
}

// Rank 0's record of what each tensor went through (runtime.h: HOROVOD_TIMELINE).
class Timeline {
 public:
  // Called by init() before the background thread starts; `rank` decides whether to record.
  void open(const std::string& path, int rank) {
    std::lock_guard<std::mutex> lock(mu_);
    path_ = rank == 0 ? path : "";
    epoch_ = Clock::now();
    enabled_.store(!path_.empty());
  }
  bool enabled() const { return enabled_.load(std::memory_order_relaxed); }
  void add(const std::string& tensor, const char* activity, Clock::time_point begin,
           Clock::time_point end) {
    if (!enabled()) return;
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back({tensor, activity, micros(begin), micros(end) - micros(begin)});
  }
  // Writes the events (a JSON array, Chrome's trace format) and stops recording.
  void write() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!enabled_.exchange(false)) return;
    std::FILE* f = std::fopen(path_.c_str(), "w");
    if (!f) return;
    std::fputs("[\n", f);
    for (size_t i = 0; i < events_.size(); ++i) {
      const Event& e = events_[i];
      std::fprintf(f,
                   "{\"name\": \"%s\", \"cat\": \"horovod\", \"ph\": \"X\", \"pid\": 0, "
                   "\"tid\": 0, \"ts\": %lld, \"dur\": %lld, \"args\": {\"tensor\": \"%s\"}}%s\n",
                   e.activity, static_cast<long long>(e.begin), static_cast<long long>(e.duration),
                   escaped(e.tensor).c_str(), i + 1 < events_.size() ? "," : "");
    }
    std::fputs("]\n", f);
    std::fclose(f);
    events_.clear();
  }

 private:
  struct Event {
    std::string tensor;
    const char* activity;
    int64_t begin, duration;
  };
  int64_t micros(Clock::time_point t) const {
    return std::chrono::duration_cast<std::chrono::microseconds>(t - epoch_).count();
  }
  static std::string escaped(const std::string& s) {
    std::string out;
    for (char ch : s) {
      if (ch == '"' || ch == '\\') out += '\\';
      if (static_cast<unsigned char>(ch) >= 0x20) out += ch;
    }
    return out;
  }
  std::mutex mu_;
  std::atomic<bool> enabled_{false};
  std::string path_;
  Clock::time_point epoch_;
  std::vector<Event> events_;
};

Timeline& timeline() {
  static Timeline* t = new Timeline();  // never destroyed: kernels may run during exit
  return *t;
}

const char* activity_name(Kind kind) {
  switch (kind) {
    case Kind::kAllreduce:
      return "ALLREDUCE";
    case Kind::kAllgather:
      return "ALLGATHER";
    case Kind::kBroadcast:
      return "BROADCAST";
  }
  return "?";
}

std::string ranks_text(const std::vector<int>& ranks) {
  std::string s;
  for (int r : ranks) s += (s.empty() ? "" : ", ") + std::to_string(r);
  return "[" + s + "]";
}

class Runtime {
 public:
  static Runtime& get() {
    static Runtime* r = new Runtime();  // never destroyed: kernels may run during exit
    return *r;
  }

  void init(const std::string& library) {
    std::lock_guard<std::mutex> call_lock(init_mu_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (state_ == State::kRunning) return;
      if (state_ == State::kStopped)
        raise(ErrorCode::kFailedPrecondition,
              "Horovod was shut down in this process and cannot be initialized again (MPI "
              "cannot be restarted)");
    }
    api_ = &mpi::load(library);
    fusion_threshold_ =
        static_cast<size_t>(env_double("HOROVOD_FUSION_THRESHOLD", 64.0 * 1024 * 1024));
    cycle_ = std::chrono::microseconds(
        static_cast<int64_t>(env_double("HOROVOD_CYCLE_TIME", 1.0) * 1000.0));
    timeout_ = std::chrono::milliseconds(
        static_cast<int64_t>(env_double("HOROVOD_STALL_SHUTDOWN_TIME_SECONDS", 60.0) * 1000.0));
    if (timeout_.count() == 0) timeout_ = std::chrono::hours(24 * 365);
    cache_capacity_ = static_cast<size_t>(env_double("HOROVOD_CACHE_CAPACITY", 1024));
    std::promise<std::string> started;
    std::future<std::string> result = started.get_future();
    thread_ = std::thread([this, &started] { thread_main(started); });
    const std::string error = result.get();
    if (!error.empty()) {
      thread_.join();
      raise(ErrorCode::kFailedPrecondition, error);
    }
    std::lock_guard<std::mutex> lock(mu_);
    state_ = State::kRunning;
  }

  void shutdown() {
    std::lock_guard<std::mutex> call_lock(init_mu_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!thread_.joinable()) return;
      stop_requested_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  bool initialized() {
    std::lock_guard<std::mutex> lock(mu_);
    return state_ == State::kRunning;
  }

  // A kernel blocks on requests handed over earlier: the next round should not wait.
  void hurry() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      urgent_ = true;
    }
    wake_.notify_all();
  }

  void require_running() {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ == State::kNotStarted) raise(ErrorCode::kFailedPrecondition, kNotInitialized);
    if (state_ == State::kStopped) raise(stopped_code_, stopped_reason_);
  }
  int rank() {
    require_running();
    return rank_;
  }
  int size() {
    require_running();
    return size_;
  }
  int local_rank() {
    require_running();
    return local_rank_;
  }
  int local_size() {
    require_running();
    return local_size_;
  }
  const std::string& version() {
    require_running();
    return version_;
  }

  // `urgent`: a kernel waits for these now, so the next round starts at once; otherwise
  // (asynchronous starts) they wait for the cycle's end or the next urgent hand-over, so that
  // gradients finishing close together share a negotiation round and a fusion buffer.
  void submit(const std::vector<Request*>& requests, bool urgent) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (state_ == State::kRunning) {
        const Clock::time_point now = Clock::now();
        for (Request* r : requests) r->submitted = now;
        queue_.insert(queue_.end(), requests.begin(), requests.end());
        if (!urgent) return;
        urgent_ = true;
      } else {
        const bool before = state_ == State::kNotStarted;
        for (Request* r : requests)
          fail(r, before ? ErrorCode::kFailedPrecondition : stopped_code_,
               before ? kNotInitialized : stopped_reason_);
        return;
      }
    }
    wake_.notify_all();
  }

 private:
  enum class State { kNotStarted, kRunning, kStopped };

  void check(int rc, const char* what) {
    if (rc != mpi::kSuccess)
      throw Broken{ErrorCode::kUnavailable, std::string(what) +
                                                " failed: " + mpi::error_string(rc) +
                                                "; collectives cannot continue in this process"};
  }

  // Polls a non-blocking exchange: spinning (yielding the core to whatever else is runnable)
  // keeps latency low for the first milliseconds, sleeping keeps an idle rank's thread off the
  // cores its training needs after that (a sleep costs at least the timer slack, ~50 us, which
  // is why the first polls never sleep); the deadline turns a dead peer into an error.
  void wait(mpi::Request& req) {
    const Clock::time_point start = Clock::now();
    const Clock::time_point deadline = start + timeout_;
    for (int polls = 0;; ++polls) {
      int done = 0;
      check(api_->Test(&req, &done, nullptr), "MPI_Test");
      if (done) return;
      if (polls < 200) continue;
      const Clock::time_point now = Clock::now();
      if (now - start < std::chrono::milliseconds(2)) {
        sched_yield();
        continue;
      }
      if (now > deadline)
        throw Broken{ErrorCode::kUnavailable,
                     "Rank " + std::to_string(rank_) + " has had no response from the other " +
                         std::to_string(size_ - 1) + " rank(s) for " +
                         std::to_string(timeout_.count() / 1000) +
                         " s (HOROVOD_STALL_SHUTDOWN_TIME_SECONDS): a rank has died or stopped "
                         "taking part; collectives cannot continue in this process"};
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }

  void thread_main(std::promise<std::string>& started) {
    try {
      start_mpi();
    } catch (const Error& e) {
      started.set_value(e.what());
      return;
    } catch (const Broken& b) {
      started.set_value(b.message);
      return;
    }
    const char* timeline_path = std::getenv("HOROVOD_TIMELINE");
    timeline().open(timeline_path ? timeline_path : "", rank_);
    started.set_value("");
    std::optional<Broken> broken;
    try {
      loop();
    } catch (const Broken& b) {
      broken = b;
    } catch (const std::exception& e) {
      broken = Broken{ErrorCode::kInternal, std::string("Collective runtime failed: ") + e.what()};
    }
    close(broken);
  }

  void start_mpi() {
    int initialized = 0;
    check(api_->Initialized(&initialized), "MPI_Initialized");
    if (!initialized) {
      int provided = 0;
      check(api_->Init_thread(nullptr, nullptr, mpi::kThreadMultiple, &provided),
            "MPI_Init_thread");
      we_initialized_ = true;
    }
    // Our own communicator, returning errors instead of aborting the process.
    check(api_->Comm_dup(mpi::comm_world(), &comm_), "MPI_Comm_dup");
    check(api_->Comm_set_errhandler(comm_, mpi::errors_return()), "MPI_Comm_set_errhandler");
    check(api_->Comm_rank(comm_, &rank_), "MPI_Comm_rank");
    check(api_->Comm_size(comm_, &size_), "MPI_Comm_size");
    mpi::Comm local = mpi::comm_null();
    check(api_->Comm_split_type(comm_, mpi::kCommTypeShared, rank_, mpi::info_null(), &local),
          "MPI_Comm_split_type");
    check(api_->Comm_rank(local, &local_rank_), "MPI_Comm_rank");
    check(api_->Comm_size(local, &local_size_), "MPI_Comm_size");
    check(api_->Comm_free(&local), "MPI_Comm_free");
    check(api_->Op_create(&half_sum, 1, &half_sum_), "MPI_Op_create");
    char text[8192];
    int len = 0;
    if (api_->Get_library_version(text, &len) == mpi::kSuccess)
      version_.assign(text, static_cast<size_t>(std::max(0, std::min(len, 8191))));
  }

  void loop() {
    bool performed = false;  // the last round reduced, gathered or broadcast something
    for (;;) {
      std::vector<Request*> fresh;
      bool stop = false;
      const bool hurried = performed && urgent_soon();
      {
        std::unique_lock<std::mutex> lock(mu_);
        if (!hurried) wake_.wait_for(lock, cycle_, [&] { return urgent_ || stop_requested_; });
        urgent_ = false;
        fresh.swap(queue_);
        stop = stop_requested_;
      }
      Message mine;
      mine.stop = stop;
      for (Request* r : fresh) {
        if (local_.count(r->name)) {
          fail(r, ErrorCode::kFailedPrecondition,
               "A collective on tensor '" + r->name +
                   "' is already in progress in this process (two concurrent runs of one "
                   "collective op)");
          continue;
        }
        local_[r->name] = r;
        Meta meta{r->kind, r->input.dtype(), r->op, r->root, r->input.dims()};
        auto cached = cache_id_.find(r->name);
        if (cached != cache_id_.end() && cache_[cached->second].second == meta)
          mine.cached.push_back(cached->second);
        else
          mine.announced.emplace_back(r->name, std::move(meta));
      }
      if (rank_ == 0) find_stalled(mine);
      std::vector<Message> all = exchange(mine);

      // Every rank reads the same messages in the same order, so every rank's table, ready
      // list and fusion groups are the same.
      for (const auto& [name, text] : all[0].stalled) {
        table_.erase(name);
        auto it = local_.find(name);
        if (it != local_.end()) {
          Request* r = it->second;
          local_.erase(it);
          fail(r, ErrorCode::kDeadlineExceeded, text);
        }
      }
      bool any_stop = false;
      std::vector<std::pair<std::string, Entry>> ready;
      const Clock::time_point now = Clock::now();
      for (int k = 0; k < size_; ++k) {
        Message& message = all[static_cast<size_t>(k)];
        any_stop = any_stop || message.stop;
        for (uint32_t id : message.cached) {
          if (id >= cache_.size())
            throw Broken{ErrorCode::kInternal, "A rank's response cache is out of step"};
          message.announced.push_back(cache_[id]);
        }
        for (auto& [name, meta] : message.announced) {
          Entry& e = table_[name];
          if (e.by_rank.empty()) {
            e.by_rank.resize(static_cast<size_t>(size_));
            e.first_seen = now;
          }
          if (e.by_rank[static_cast<size_t>(k)]) continue;
          e.by_rank[static_cast<size_t>(k)] = std::move(meta);
          if (++e.count == size_) {
            ready.emplace_back(name, std::move(e));
            table_.erase(name);
          }
        }
      }
      performed = !ready.empty();
      perform(ready);
      if (any_stop) return;
    }
  }

  // Whether an urgent hand-over (or a stop) arrives within kPollBeforeSleep: after a round that
  // did some work, a step's next blocking collective often follows at once (after an idle round
  // the thread sleeps at once, so an idle rank does not poll every cycle).
  bool urgent_soon() {
    const Clock::time_point until = Clock::now() + kPollBeforeSleep;
    do {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (urgent_ || stop_requested_) return true;
      }
      std::this_thread::yield();
    } while (Clock::now() < until);
    return false;
  }

  void find_stalled(Message& mine) {
    const Clock::time_point now = Clock::now();
    for (const auto& [name, e] : table_) {
      if (now - e.first_seen < timeout_) continue;
      std::vector<int> have, missing;
      for (int k = 0; k < size_; ++k)
        (e.by_rank[static_cast<size_t>(k)] ? have : missing).push_back(k);
      mine.stalled.emplace_back(
          name, "Tensor '" + name + "' was submitted for a collective by ranks " +
                    ranks_text(have) + " but not by ranks " + ranks_text(missing) + " within " +
                    std::to_string(timeout_.count() / 1000) +
                    " s (HOROVOD_STALL_SHUTDOWN_TIME_SECONDS): the ranks ran different graphs, "
                    "or some stopped before the others");
    }
  }

  // One round when every rank's message fits a fixed-size block (the usual case: a step's
  // names and shapes): an allgather of the blocks, each a length and the message. A longer
  // message costs a second round, an allgatherv of the whole messages (the lengths are known
  // from the first).
  std::vector<Message> exchange(const Message& mine) {
    constexpr size_t kBlock = 2048, kInline = kBlock - sizeof(int32_t);
    const std::vector<char> bytes = encode(mine);
    if (bytes.size() > INT_MAX) throw Broken{ErrorCode::kInternal, "Negotiation message too large"};
    const int32_t len = static_cast<int32_t>(bytes.size());
    block_.assign(kBlock, 0);
    std::memcpy(block_.data(), &len, sizeof(len));
    if (bytes.size() <= kInline && !bytes.empty())
      std::memcpy(block_.data() + sizeof(len), bytes.data(), bytes.size());
    blocks_.resize(kBlock * static_cast<size_t>(size_));
    mpi::Request req = mpi::request_null();
    check(api_->Iallgather(block_.data(), static_cast<int>(kBlock), mpi::type_byte(),
                           blocks_.data(), static_cast<int>(kBlock), mpi::type_byte(), comm_, &req),
          "MPI_Iallgather");
    wait(req);
    lens_.resize(static_cast<size_t>(size_));
    displs_.resize(static_cast<size_t>(size_));
    bool fits = true;
    for (int k = 0; k < size_; ++k) {
      int32_t n = 0;
      std::memcpy(&n, blocks_.data() + kBlock * static_cast<size_t>(k), sizeof(n));
      if (n < 0) throw Broken{ErrorCode::kInternal, "Malformed negotiation block"};
      lens_[static_cast<size_t>(k)] = n;
      fits = fits && static_cast<size_t>(n) <= kInline;
    }
    std::vector<Message> all;
    all.reserve(static_cast<size_t>(size_));
    if (fits) {
      for (int k = 0; k < size_; ++k)
        all.push_back(decode(blocks_.data() + kBlock * static_cast<size_t>(k) + sizeof(int32_t),
                             static_cast<size_t>(lens_[static_cast<size_t>(k)])));
      return all;
    }
    int64_t total = 0;
    for (int k = 0; k < size_; ++k) {
      displs_[static_cast<size_t>(k)] = static_cast<int>(total);
      total += lens_[static_cast<size_t>(k)];
      if (total > INT_MAX) throw Broken{ErrorCode::kInternal, "Negotiation message too large"};
    }
    received_.resize(static_cast<size_t>(std::max<int64_t>(total, 1)));
    check(api_->Iallgatherv(bytes.data(), len, mpi::type_byte(), received_.data(), lens_.data(),
                            displs_.data(), mpi::type_byte(), comm_, &req),
          "MPI_Iallgatherv");
    wait(req);
    for (int k = 0; k < size_; ++k)
      all.push_back(decode(received_.data() + displs_[static_cast<size_t>(k)],
                           static_cast<size_t>(lens_[static_cast<size_t>(k)])));
    return all;
  }

  // Every rank performs the same tensors in the same order, so every rank's cache (the ids it
  // gives) is the same. A tensor whose meta changed (a new shape) takes over its old id.
  void remember(const std::string& name, const Meta& meta) {
    auto it = cache_id_.find(name);
    if (it != cache_id_.end()) {
      cache_[it->second].second = meta;
    } else if (cache_.size() < cache_capacity_) {
      cache_id_.emplace(name, static_cast<uint32_t>(cache_.size()));
      cache_.emplace_back(name, meta);
    }
  }

  // Takes `name`'s request out of local_ (every rank announced it, so this one has it).
  Request* take_local(const std::string& name) {
    auto it = local_.find(name);
    if (it == local_.end()) throw Broken{ErrorCode::kInternal, "Lost the request for " + name};
    Request* r = it->second;
    local_.erase(it);
    return r;
  }

  void perform(std::vector<std::pair<std::string, Entry>>& ready) {
    // Allreduces grouped by (dtype, op) in the order they became ready, for fusion.
    std::map<std::pair<int, int>, std::vector<Request*>> groups;
    std::vector<std::pair<int, int>> group_order;
    for (auto& [name, e] : ready) {
      std::string error = validate(name, e.by_rank, size_);
      if (!error.empty()) {
        fail(take_local(name), ErrorCode::kFailedPrecondition, error);
        continue;
      }
      const Meta& m = *e.by_rank[0];
      remember(name, m);
      if (m.kind == Kind::kAllreduce) {
        const std::pair<int, int> key{static_cast<int>(m.dtype), static_cast<int>(m.op)};
        if (!groups.count(key)) group_order.push_back(key);
        groups[key].push_back(in_flight(take_local(name)));
      } else if (m.kind == Kind::kAllgather) {
        allgather(in_flight(take_local(name)), e.by_rank);
      } else {
        broadcast(in_flight(take_local(name)));
      }
    }
    for (const auto& key : group_order) allreduce_group(groups[key]);
    in_flight_.clear();
  }

  // Taken for the MPI work: the end of its QUEUE time in the timeline.
  Request* in_flight(Request* r) {
    in_flight_.push_back(r);
    if (timeline().enabled()) {
      const Clock::time_point now = Clock::now();
      timeline().add(r->name, "QUEUE", r->submitted, now);
      began_[r] = now;
    }
    return r;
  }
  void done(Request* r) {
    in_flight_.erase(std::find(in_flight_.begin(), in_flight_.end(), r));
    if (timeline().enabled()) {
      auto it = began_.find(r);
      if (it != began_.end()) {
        timeline().add(r->name, activity_name(r->kind), it->second, Clock::now());
        began_.erase(it);
      }
    }
    finish(r);
  }

  // dst = the sum over ranks of src (src == dst: in place), in MPI calls of at most 2^30
  // elements.
  void reduce(const void* src, void* dst, int64_t count, DType dtype) {
    mpi::Datatype type = mpi::type_float();
    mpi::Op op = mpi::op_sum();
    switch (dtype) {
      case DType::kFloat32:
        type = mpi::type_float();
        break;
      case DType::kFloat64:
        type = mpi::type_double();
        break;
      case DType::kInt32:
        type = mpi::type_int32();
        break;
      case DType::kInt64:
        type = mpi::type_int64();
        break;
      case DType::kFloat16:
        type = mpi::type_uint16();
        op = half_sum_;
        break;
      default:
        throw Broken{ErrorCode::kInternal, "allreduce of an unsupported dtype"};
    }
    const char* s = static_cast<const char*>(src);
    char* p = static_cast<char*>(dst);
    const size_t elem = dtype_size(dtype);
    while (count > 0) {
      const int n = static_cast<int>(std::min<int64_t>(count, 1 << 30));
      check(api_->Allreduce(s == p ? mpi::in_place() : s, p, n, type, op, comm_), "MPI_Allreduce");
      p += static_cast<size_t>(n) * elem;
      s += static_cast<size_t>(n) * elem;
      count -= n;
    }
  }

  // dst = src (summed over ranks), divided by the number of ranks for an average.
  void copy_out(const char* src, Tensor& dst, ReduceOp op) {
    const int64_t n = dst.num_elements();
    if (op == ReduceOp::kSum) {
      if (src != dst.raw()) std::memcpy(dst.raw(), src, dst.nbytes());
      return;
    }
    const double ranks = size_;
    switch (dst.dtype()) {
      case DType::kFloat32: {
        const float* s = reinterpret_cast<const float*>(src);
        float* d = dst.data<float>();
        const float r = static_cast<float>(ranks);
        for (int64_t i = 0; i < n; ++i) d[i] = s[i] / r;
        break;
      }
      case DType::kFloat64: {
        const double* s = reinterpret_cast<const double*>(src);
        double* d = dst.data<double>();
        for (int64_t i = 0; i < n; ++i) d[i] = s[i] / ranks;
        break;
      }
      case DType::kFloat16: {
        const Half* s = reinterpret_cast<const Half*>(src);
        Half* d = dst.data<Half>();
        for (int64_t i = 0; i < n; ++i)
          d[i] = Half(static_cast<float>(s[i]) / static_cast<float>(ranks));
        break;
      }
      default:
        throw Broken{ErrorCode::kInternal, "average of an integer tensor"};
    }
  }

  // MPI reads the input and writes the output itself: no copy of ours on either side.
  void allreduce_one(Request* r) {
    if (r->output.num_elements())
      reduce(r->input.raw(), r->output.raw(), r->output.num_elements(), r->output.dtype());
    copy_out(static_cast<const char*>(r->output.raw()), r->output, r->op);
    done(r);
  }

  // Consecutive tensors that fit one fusion buffer go in one MPI call; a tensor alone, or
  // one larger than the buffer, is reduced in its own output.
  void allreduce_group(std::vector<Request*>& group) {
    size_t i = 0;
    while (i < group.size()) {
      size_t j = i, bytes = 0;
      while (j < group.size() && bytes + group[j]->input.nbytes() <= fusion_threshold_)
        bytes += group[j++]->input.nbytes();
      if (j <= i + 1) {
        allreduce_one(group[i++]);
        continue;
      }
      if (fusion_.size() < bytes) fusion_.resize(bytes);
      size_t offset = 0;
      for (size_t k = i; k < j; ++k) {
        const size_t nb = group[k]->input.nbytes();
        if (nb) std::memcpy(fusion_.data() + offset, group[k]->input.raw(), nb);
        offset += nb;
      }
      const DType dtype = group[i]->input.dtype();
      reduce(fusion_.data(), fusion_.data(), static_cast<int64_t>(bytes / dtype_size(dtype)),
             dtype);
      offset = 0;
      for (size_t k = i; k < j; ++k) {
        Request* r = group[k];
        copy_out(fusion_.data() + offset, r->output, r->op);
        offset += r->input.nbytes();
        done(r);
      }
      i = j;
    }
  }

  void allgather(Request* r, const std::vector<std::optional<Meta>>& metas) {
    Dims out_dims = r->input.dims();
    int64_t rows = 0;
    std::vector<int> counts(static_cast<size_t>(size_)), displs(static_cast<size_t>(size_));
    size_t row_bytes = dtype_size(r->input.dtype());
    for (size_t d = 1; d < out_dims.size(); ++d) row_bytes *= static_cast<size_t>(out_dims[d]);
    int64_t total = 0;
    for (int k = 0; k < size_; ++k) {
      const int64_t d0 = metas[static_cast<size_t>(k)]->dims[0];
      const int64_t bytes = d0 * static_cast<int64_t>(row_bytes);
      if (total + bytes > INT_MAX) {
        in_flight_.erase(std::find(in_flight_.begin(), in_flight_.end(), r));
        fail(r, ErrorCode::kUnimplemented,
             "Allgather of tensor '" + r->name + "' would exceed 2 GB, MPI's count limit");
        return;
      }
      counts[static_cast<size_t>(k)] = static_cast<int>(bytes);
      displs[static_cast<size_t>(k)] = static_cast<int>(total);
      total += bytes;
      rows += d0;
    }
    out_dims[0] = rows;
    r->output = Tensor(r->input.dtype(), out_dims);
    char dummy = 0;
    check(api_->Allgatherv(r->input.raw() ? r->input.raw() : &dummy,
                           counts[static_cast<size_t>(rank_)], mpi::type_byte(),
                           r->output.raw() ? r->output.raw() : &dummy, counts.data(), displs.data(),
                           mpi::type_byte(), comm_),
          "MPI_Allgatherv");
    done(r);
  }

  void broadcast(Request* r) {
    if (rank_ == r->root && r->output.raw() != r->input.raw() && r->input.nbytes())
      std::memcpy(r->output.raw(), r->input.raw(), r->input.nbytes());
    char* p = static_cast<char*>(r->output.raw());
    size_t left = r->output.nbytes();
    while (left > 0) {
      const int n = static_cast<int>(std::min<size_t>(left, size_t{1} << 30));
      check(api_->Bcast(p, n, mpi::type_byte(), r->root, comm_), "MPI_Bcast");
      p += n;
      left -= static_cast<size_t>(n);
    }
    done(r);
  }

  void close(const std::optional<Broken>& broken) {
    std::vector<Request*> waiting;
    {
      std::lock_guard<std::mutex> lock(mu_);
      state_ = State::kStopped;
      stopped_code_ = broken ? broken->code : ErrorCode::kFailedPrecondition;
      stopped_reason_ = broken ? broken->message : kShutDown;
      waiting.swap(queue_);
    }
    for (Request* r : in_flight_) waiting.push_back(r);
    in_flight_.clear();
    for (auto& [name, r] : local_) waiting.push_back(r);
    local_.clear();
    began_.clear();
    for (Request* r : waiting) fail(r, stopped_code_, stopped_reason_);
    timeline().write();
    if (broken) return;  // a peer is gone: finalizing would wait for it
    api_->Op_free(&half_sum_);
    api_->Comm_free(&comm_);
    int finalized = 0;
    api_->Finalized(&finalized);
    if (we_initialized_ && !finalized) api_->Finalize();
  }

  std::mutex init_mu_;  // serialises init and shutdown
  std::mutex mu_;       // guards what follows up to the MPI state
  std::condition_variable wake_;
  State state_ = State::kNotStarted;
  bool stop_requested_ = false;
  bool urgent_ = false;  // a kernel is blocked on a collective: negotiate now
  ErrorCode stopped_code_ = ErrorCode::kFailedPrecondition;
  std::string stopped_reason_;
  std::vector<Request*> queue_;
  std::thread thread_;

  // Written by the background thread before init() returns, read-only afterwards.
  const mpi::Api* api_ = nullptr;
  mpi::Comm comm_ = mpi::comm_null();
  mpi::Op half_sum_ = nullptr;
  bool we_initialized_ = false;
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
  std::string version_;
  size_t fusion_threshold_ = 64 << 20;
  std::chrono::microseconds cycle_{1000};
  std::chrono::milliseconds timeout_{60000};
  size_t cache_capacity_ = 1024;

  // The background thread's own.
  std::unordered_map<std::string, Request*> local_;        // announced, not yet done
  std::vector<Request*> in_flight_;                        // taken from local_, being performed
  std::unordered_map<Request*, Clock::time_point> began_;  // the timeline's, of in_flight_
  std::map<std::string, Entry> table_;                     // announced by some ranks, not all
  std::unordered_map<std::string, uint32_t> cache_id_;     // the response cache: name -> id
  std::vector<std::pair<std::string, Meta>> cache_;        // by id, as last performed
  std::vector<char> fusion_;
  std::vector<char> received_, block_, blocks_;
  std::vector<int> lens_, displs_;
};

}  // namespace

namespace {

void wait_for(Batch& batch) {
  std::unique_lock<std::mutex> lock(batch.mu);
  batch.cv.wait(lock, [&] { return batch.remaining == 0; });
}

}  // namespace

void execute(const std::vector<Request*>& requests) {
  if (requests.empty()) return;
  Batch batch;
  batch.remaining = requests.size();
  for (Request* r : requests) r->batch = &batch;
  Runtime::get().submit(requests, true);
  wait_for(batch);
  for (Request* r : requests)
    if (r->failed) raise(r->code, r->error);
}

bool Started::finished() {
  std::lock_guard<std::mutex> lock(batch.mu);
  return batch.remaining == 0;
}

std::shared_ptr<Started> start(std::vector<Request> requests) {
  auto started = std::make_shared<Started>();
  started->requests = std::move(requests);
  started->batch.remaining = started->requests.size();
  std::vector<Request*> pointers;
  pointers.reserve(started->requests.size());
  for (Request& r : started->requests) {
    r.batch = &started->batch;
    pointers.push_back(&r);
  }
  if (!pointers.empty()) Runtime::get().submit(pointers, false);
  return started;
}

void wait(Started& started) {
  if (!started.finished()) Runtime::get().hurry();
  wait_for(started.batch);
  for (const Request& r : started.requests)
    if (r.failed) raise(r.code, r.error);
}

bool timeline_enabled() { return timeline().enabled(); }

void timeline_event(const std::string& tensor, const char* activity, Clock::time_point begin,
                    Clock::time_point end) {
  timeline().add(tensor, activity, begin, end);
}

void init(const std::string& mpi_library) { Runtime::get().init(mpi_library); }
void shutdown() { Runtime::get().shutdown(); }
bool is_initialized() { return Runtime::get().initialized(); }
int rank() { return Runtime::get().rank(); }
int size() { return Runtime::get().size(); }
int local_rank() { return Runtime::get().local_rank(); }
int local_size() { return Runtime::get().local_size(); }
std::string mpi_library_version() { return Runtime::get().version(); }
std::string mpi_library_path() { return mpi::loaded_path(); }

}  // namespace varflow::collective
