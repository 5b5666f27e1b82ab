// The transformations that run a traced function per element: map (sequential, or on
// num_parallel_calls threads of its own with the input order kept), filter, flat_map and
// interleave. A function runs as a plan of its own Session over the function's graph; the
// captured outer values are fed with every call.
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "data/datasets.h"
#include "varflow/errors.h"
#include "varflow/plan.h"
#include "varflow/session.h"

namespace varflow::data {

namespace {

class FunctionRunner {
 public:
  FunctionRunner(std::shared_ptr<const GraphFunction> fn, std::vector<Tensor> captured)
      : fn_(std::move(fn)), captured_(std::move(captured)) {
    VF_CHECK(fn_->graph != nullptr, ErrorCode::kInternal, fn_->name, " has no graph");
    VF_CHECK(fn_->args.size() >= captured_.size(), ErrorCode::kInternal, fn_->name,
             ": more captured values than arguments");
    session_ = std::make_unique<Session>(fn_->graph);
    plan_ = session_->prepare(fn_->args, fn_->results, {});
  }

  std::vector<Tensor> operator()(const Element& element) const {
    const size_t n = fn_->args.size() - captured_.size();
    VF_CHECK(element.size() == n, ErrorCode::kInvalidArgument, fn_->name, " takes ", n,
             " components but the element has ", element.size());
    std::vector<Tensor> feeds = element;
    feeds.insert(feeds.end(), captured_.begin(), captured_.end());
    return session_->run(*plan_, feeds);
  }

  const GraphFunction& fn() const { return *fn_; }

 private:
  std::shared_ptr<const GraphFunction> fn_;
  std::vector<Tensor> captured_;
  std::unique_ptr<Session> session_;
  std::shared_ptr<Plan> plan_;
};

using RunnerPtr = std::shared_ptr<const FunctionRunner>;

// A call of the map function, done by a worker and collected in order by the consumer.
struct Call {
  Element input;
  Element output;
  std::exception_ptr error;
  bool done = false;
};

// The map's worker threads: they take calls in arrival order and run them.
struct MapWorkers {
  std::mutex mu;
  std::condition_variable work_cv, done_cv;
  std::deque<std::shared_ptr<Call>> queue;
  bool stop = false;
  std::vector<std::thread> threads;

  MapWorkers(RunnerPtr runner, int n) {
    for (int i = 0; i < n; ++i)
      threads.emplace_back([this, runner] {
        while (true) {
          std::shared_ptr<Call> call;
          {
            std::unique_lock<std::mutex> lock(mu);
            work_cv.wait(lock, [&] { return stop || !queue.empty(); });
            if (stop) return;
            call = queue.front();
            queue.pop_front();
          }
          Element out;
          std::exception_ptr error;
          try {
            out = (*runner)(call->input);
          } catch (...) {
            error = std::current_exception();
          }
          std::lock_guard<std::mutex> lock(mu);
          call->output = std::move(out);
          call->error = error;
          call->done = true;
          call->input.clear();
          done_cv.notify_all();
        }
      });
  }
  ~MapWorkers() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    work_cv.notify_all();
    for (auto& t : threads) t.join();
  }
};

class MapDataset : public Dataset {
 public:
  MapDataset(DatasetPtr input, RunnerPtr runner, int64_t parallel)
      : input_(std::move(input)), runner_(std::move(runner)), parallel_(parallel) {}

  std::unique_ptr<Iterator> make_iterator() const override {
    if (parallel_ <= 1) {
      struct It : Iterator {
        std::unique_ptr<Iterator> in;
        RunnerPtr runner;
        bool next(Element* out) override {
          Element e;
          if (!in || !in->next(&e)) {
            in.reset();
            return false;
          }
          *out = (*runner)(e);
          return true;
        }
      };
      auto it = std::make_unique<It>();
      it->in = input_->make_iterator();
      it->runner = runner_;
      return it;
    }
    return std::make_unique<ParallelIt>(input_->make_iterator(), runner_, parallel_);
  }

 private:
  // Keeps up to `parallel` calls in flight; hands results out in input order, so the output
  // is the sequential map's whatever the threads' timing.
  struct ParallelIt : Iterator {
    std::unique_ptr<Iterator> in;
    std::deque<std::shared_ptr<Call>> in_flight;
    std::exception_ptr input_error;
    int64_t parallel;
    MapWorkers workers;

    ParallelIt(std::unique_ptr<Iterator> input, RunnerPtr runner, int64_t n)
        : in(std::move(input)), parallel(n), workers(std::move(runner), static_cast<int>(n)) {}

    bool next(Element* out) override {
      while (in && static_cast<int64_t>(in_flight.size()) < parallel) {
        auto call = std::make_shared<Call>();
        bool got = false;
        try {
          got = in->next(&call->input);
        } catch (...) {
          // Delivered after the calls already under way, in its place in the order.
          call->error = std::current_exception();
          call->done = true;
          in_flight.push_back(call);
          in.reset();
          break;
        }
        if (!got) {
          in.reset();
          break;
        }
        in_flight.push_back(call);
        std::lock_guard<std::mutex> lock(workers.mu);
        workers.queue.push_back(call);
        workers.work_cv.notify_one();
      }
      if (in_flight.empty()) return false;
      std::shared_ptr<Call> call = in_flight.front();
      in_flight.pop_front();
      {
        std::unique_lock<std::mutex> lock(workers.mu);
        workers.done_cv.wait(lock, [&] { return call->done; });
      }
      // A failed call is that element's error; the calls after it go on (as TF's map).
      if (call->error) std::rethrow_exception(call->error);
      *out = std::move(call->output);
      return true;
    }
  };

  DatasetPtr input_;
  RunnerPtr runner_;
  int64_t parallel_;
};

class FilterDataset : public Dataset {
 public:
  FilterDataset(DatasetPtr input, RunnerPtr runner)
      : input_(std::move(input)), runner_(std::move(runner)) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      std::unique_ptr<Iterator> in;
      RunnerPtr runner;
      bool next(Element* out) override {
        while (in && in->next(out)) {
          std::vector<Tensor> keep = (*runner)(*out);
          VF_CHECK(keep.size() == 1 && keep[0].dtype() == DType::kBool &&
                       keep[0].num_elements() == 1 && keep[0].rank() == 0,
                   ErrorCode::kInvalidArgument,
                   "Filter predicate `predicate` must return a scalar boolean tensor.");
          if (*keep[0].data<bool>()) return true;
        }
        in.reset();
        return false;
      }
    };
    auto it = std::make_unique<It>();
    it->in = input_->make_iterator();
    it->runner = runner_;
    return it;
  }

 private:
  DatasetPtr input_;
  RunnerPtr runner_;
};

// The dataset that `runner`'s function builds for one input element.
DatasetPtr dataset_for(const FunctionRunner& runner, const Element& element) {
  const GraphFunction& fn = runner.fn();
  VF_CHECK(fn.dataset != nullptr, ErrorCode::kInternal, fn.name, " returns no dataset");
  return bind_dataset(*fn.dataset, runner(element));
}

class FlatMapDataset : public Dataset {
 public:
  FlatMapDataset(DatasetPtr input, RunnerPtr runner)
      : input_(std::move(input)), runner_(std::move(runner)) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      std::unique_ptr<Iterator> in;
      RunnerPtr runner;
      DatasetPtr current;
      std::unique_ptr<Iterator> inner;
      bool next(Element* out) override {
        while (true) {
          if (inner) {
            if (inner->next(out)) return true;
            inner.reset();
            current.reset();
          }
          Element e;
          if (!in || !in->next(&e)) {
            in.reset();
            return false;
          }
          current = dataset_for(*runner, e);
          inner = current->make_iterator();
        }
      }
    };
    auto it = std::make_unique<It>();
    it->in = input_->make_iterator();
    it->runner = runner_;
    return it;
  }

 private:
  DatasetPtr input_;
  RunnerPtr runner_;
};

// TF's deterministic interleave: a cycle of up to cycle_length open inner iterators, taking
// block_length elements from each in turn; an exhausted one is replaced from the next input
// element at its place in the cycle.
class InterleaveDataset : public Dataset {
 public:
  InterleaveDataset(DatasetPtr input, RunnerPtr runner, int64_t cycle, int64_t block)
      : input_(std::move(input)), runner_(std::move(runner)), cycle_(cycle), block_(block) {}
  std::unique_ptr<Iterator> make_iterator() const override {
    struct It : Iterator {
      const InterleaveDataset* d;
      std::unique_ptr<Iterator> in;
      std::vector<DatasetPtr> datasets;
      std::vector<std::unique_ptr<Iterator>> open;
      size_t index = 0;
      int64_t in_block = 0;
      int64_t num_open = 0;
      void advance() {
        in_block = 0;
        index = (index + 1) % open.size();
      }
      bool next(Element* out) override {
        while (in || num_open > 0) {
          if (open[index]) {
            if (open[index]->next(out)) {
              if (++in_block == d->block_) advance();
              return true;
            }
            open[index].reset();
            datasets[index].reset();
            --num_open;
            advance();
          } else if (in) {
            Element e;
            if (in->next(&e)) {
              datasets[index] = dataset_for(*d->runner_, e);
              open[index] = datasets[index]->make_iterator();
              ++num_open;
            } else {
              in.reset();
            }
          } else {
            advance();
          }
        }
        return false;
      }
    };
    auto it = std::make_unique<It>();
    it->d = this;
    it->in = input_->make_iterator();
    it->open.resize(static_cast<size_t>(cycle_));
    it->datasets.resize(static_cast<size_t>(cycle_));
    return it;
  }

 private:
  DatasetPtr input_;
  RunnerPtr runner_;
  int64_t cycle_, block_;
};

RunnerPtr runner_for(const Binding& b) {
  VF_CHECK(b.spec.fn != nullptr, ErrorCode::kInternal, b.spec.name, " has no function");
  return std::make_shared<const FunctionRunner>(b.spec.fn, b.captured());
}

}  // namespace

DatasetPtr bind_map(const Binding& b) {
  int64_t parallel = b.option("num_parallel_calls", 1);
  // AUTOTUNE: one call per core, as TF's tuner settles on for a CPU-bound map.
  if (parallel == -1) parallel = std::max(1u, std::thread::hardware_concurrency());
  VF_CHECK(parallel >= 1, ErrorCode::kInvalidArgument,
           "num_parallel_calls must be greater than zero, got ", parallel);
  return std::make_shared<MapDataset>(b.inputs.at(0), runner_for(b), parallel);
}

DatasetPtr bind_filter(const Binding& b) {
  return std::make_shared<FilterDataset>(b.inputs.at(0), runner_for(b));
}

DatasetPtr bind_flat_map(const Binding& b) {
  return std::make_shared<FlatMapDataset>(b.inputs.at(0), runner_for(b));
}

DatasetPtr bind_interleave(const Binding& b) {
  int64_t cycle = b.int_arg(0, "cycle_length");
  const int64_t block = b.int_arg(1, "block_length");
  if (cycle == -1) cycle = std::max(1u, std::thread::hardware_concurrency());
  VF_CHECK(cycle > 0, ErrorCode::kInvalidArgument, "cycle_length must be greater than zero.");
  VF_CHECK(block > 0, ErrorCode::kInvalidArgument, "block_length must be greater than zero.");
  return std::make_shared<InterleaveDataset>(b.inputs.at(0), runner_for(b), cycle, block);
}

}  // namespace varflow::data
