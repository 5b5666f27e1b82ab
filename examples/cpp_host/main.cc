// A C++ host: trains the digits MLP of `python -m varflow.demo` with Adam, an exponential
// learning-rate decay, global-norm clipping and a moving average of the weights, checkpoints
// it and resumes from the checkpoint, using only varflow's public C++ API (no Python at run
// time). With the same seed and options it prints the demo's numbers: the same initial weights
// (seeded Philox initializers), the same batches (make_data.py records them), the same ops.
//
//   python examples/cpp_host/make_data.py --seed 0 --steps 1500 --out digits.bin
//   varflow_cpp_host --data digits.bin --checkpoint /tmp/mlp --stop-after 700
//   varflow_cpp_host --data digits.bin --checkpoint /tmp/mlp --resume
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "digits_data.h"
#include "mlp.h"
#include "varflow/varflow.h"

namespace {

struct Options {
  std::string data;
  int64_t steps = 1500;
  std::optional<int64_t> batch_size;  // default: the data file's
  double learning_rate = 3e-3;
  int64_t seed = 0;
  int64_t eval_every = 100;
  std::string checkpoint;             // prefix; empty: no checkpoints
  int64_t save_every = 0;             // 0: only when the run ends
  bool resume = false;                // start from the checkpoint instead of the initializers
  std::optional<int64_t> stop_after;  // end the run (and save) at this global step
  bool trace = false;                 // every loss and evaluation at full precision
};

const char kUsage[] =
    "usage: varflow_cpp_host --data FILE [--steps N] [--batch-size N] [--lr X] [--seed N]\n"
    "                        [--eval-every N] [--checkpoint PREFIX [--save-every N] [--resume]\n"
    "                        [--stop-after STEP]] [--trace]\n"
    "Trains the digits MLP of `python -m varflow.demo` on FILE (examples/cpp_host/make_data.py).\n";

[[noreturn]] void usage_error(const std::string& why) {
  std::fprintf(stderr, "%serror: %s\n", kUsage, why.c_str());
  std::exit(2);
}

int64_t parse_int(const char* flag, const char* text) {
  char* end = nullptr;
  long long v = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0') usage_error(std::string(flag) + " needs an integer");
  return v;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (flag == "--resume") {
      o.resume = true;
      continue;
    }
    if (flag == "--trace") {
      o.trace = true;
      continue;
    }
    if (i + 1 >= argc) usage_error(flag + " needs a value");
    const char* value = argv[++i];
    if (flag == "--data") {
      o.data = value;
    } else if (flag == "--steps") {
      o.steps = parse_int("--steps", value);
    } else if (flag == "--batch-size") {
      o.batch_size = parse_int("--batch-size", value);
    } else if (flag == "--lr") {
      char* end = nullptr;
      o.learning_rate = std::strtod(value, &end);
      if (end == value || *end != '\0') usage_error("--lr needs a number");
    } else if (flag == "--seed") {
      o.seed = parse_int("--seed", value);
    } else if (flag == "--eval-every") {
      o.eval_every = parse_int("--eval-every", value);
    } else if (flag == "--checkpoint") {
      o.checkpoint = value;
    } else if (flag == "--save-every") {
      o.save_every = parse_int("--save-every", value);
    } else if (flag == "--stop-after") {
      o.stop_after = parse_int("--stop-after", value);
    } else {
      usage_error("unknown option " + flag);
    }
  }
  if (o.data.empty()) usage_error("--data is required");
  if (o.steps < 1 || o.eval_every < 1 || o.save_every < 0) {
    usage_error("--steps and --eval-every must be positive, --save-every not negative");
  }
  if ((o.resume || o.save_every > 0 || o.stop_after) && o.checkpoint.empty()) {
    usage_error("--resume, --save-every and --stop-after need --checkpoint");
  }
  if (o.stop_after && (*o.stop_after < 1 || *o.stop_after > o.steps)) {
    usage_error("--stop-after must lie in [1, --steps]");
  }
  return o;
}

struct Evaluation {
  int64_t step;
  double accuracy, averaged_accuracy, loss, averaged_loss;
};

double accuracy(const varflow::Tensor& predictions, const std::vector<int32_t>& labels) {
  int64_t correct = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    correct += predictions.data<int64_t>()[i] == labels[i];
  }
  return static_cast<double>(correct) / static_cast<double>(labels.size());
}

double mean(const std::vector<float>& v, size_t begin, size_t end) {
  double sum = 0;
  for (size_t i = begin; i < end; ++i) sum += v[i];
  return end > begin ? sum / static_cast<double>(end - begin) : 0.0;
}

// `<dir of prefix>/checkpoint`, TF1's text proto naming the latest checkpoint.
std::string state_file(const std::string& prefix) {
  const size_t slash = prefix.rfind('/');
  return slash == std::string::npos ? "checkpoint" : prefix.substr(0, slash + 1) + "checkpoint";
}

std::string checkpoint_state(const std::string& prefix) {
  const size_t slash = prefix.rfind('/');
  std::string quoted = "\"";
  for (char c : slash == std::string::npos ? prefix : prefix.substr(slash + 1)) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return "model_checkpoint_path: " + quoted + "\nall_model_checkpoint_paths: " + quoted + "\n";
}

int run(const Options& o) {
  const DigitsData data = read_digits(o.data);
  if (o.seed != data.seed) {
    throw std::runtime_error(o.data + " holds the data of seed " + std::to_string(data.seed) +
                             ", not " + std::to_string(o.seed));
  }
  if (o.batch_size && *o.batch_size != data.batch_size) {
    throw std::runtime_error(o.data + " holds the batch order for --batch-size " +
                             std::to_string(data.batch_size));
  }
  if (o.steps > data.steps) {
    throw std::runtime_error(o.data + " holds the batch order of " + std::to_string(data.steps) +
                             " steps: write it again with make_data.py --steps " +
                             std::to_string(o.steps));
  }

  MlpOptions mo;
  mo.features = data.features;
  mo.steps = o.steps;
  mo.learning_rate = o.learning_rate;
  mo.seed = o.seed;
  Mlp m = build_mlp(mo);

  varflow::Session session(m.graph);
  int64_t start = 0;
  if (o.resume) {
    // Every global variable is in the checkpoint (weights, Adam's slots and beta powers, the
    // averages, the step), so nothing is initialized.
    varflow::restore_checkpoint(session, m.checkpointed, o.checkpoint);
    start = session.variable_value(m.global_step.node()).scalar_as_int();
    if (start < 0 || start > o.steps) {
      throw std::runtime_error(o.checkpoint + " is at step " + std::to_string(start) +
                               ", outside this run's " + std::to_string(o.steps) + " steps");
    }
  } else {
    session.run({}, {}, {m.init});
  }
  const int64_t end = o.stop_after ? *o.stop_after : o.steps;
  if (end < start) {
    throw std::runtime_error("--stop-after " + std::to_string(end) + " lies before the step of " +
                             o.checkpoint + " (" + std::to_string(start) + ")");
  }

  const varflow::BuildInfo info = varflow::build_info();
  std::printf(
      "varflow %s (%s): MLP %lld-%lld-%lld on the digits, %lld train / %lld test, adam, "
      "%lld steps (C++ host)\n",
      info.version.c_str(), info.selected_isa.c_str(), static_cast<long long>(mo.features),
      static_cast<long long>(mo.hidden), static_cast<long long>(mo.classes),
      static_cast<long long>(data.n_train()), static_cast<long long>(data.n_test()),
      static_cast<long long>(o.steps));
  if (o.resume)
    std::printf("resumed from %s at step %lld\n", o.checkpoint.c_str(),
                static_cast<long long>(start));

  auto step_plan = session.prepare({m.x, m.y}, {m.loss}, {m.train});
  auto eval_plan = session.prepare(
      {m.x, m.y}, {m.predictions, m.averaged_predictions, m.xent, m.averaged_xent}, {});
  std::vector<int32_t> test_index(static_cast<size_t>(data.n_test()));
  for (size_t i = 0; i < test_index.size(); ++i) test_index[i] = static_cast<int32_t>(i);
  const varflow::Tensor x_test =
      gather_rows(data.x_test, data.features, test_index.data(), data.n_test());
  const varflow::Tensor y_test = gather_labels(data.y_test, test_index.data(), data.n_test());

  auto save = [&](int64_t step) {
    std::string path = varflow::save_checkpoint(session, m.checkpointed, o.checkpoint,
                                                {{"global_step", std::to_string(step)}});
    // The Saver's state file, so that tf.train.latest_checkpoint(dir) finds it from Python.
    varflow::write_file_atomically(state_file(o.checkpoint), checkpoint_state(o.checkpoint));
    std::printf("saved %s at step %lld\n", path.c_str(), static_cast<long long>(step));
  };

  BatchOrder batches(data);
  batches.skip(start);
  std::vector<float> losses;
  std::vector<Evaluation> history;
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t step = start; step < end; ++step) {
    const int32_t* idx = batches.next();
    std::vector<varflow::Tensor> out =
        session.run(*step_plan, {gather_rows(data.x_train, data.features, idx, data.batch_size),
                                 gather_labels(data.y_train, idx, data.batch_size)});
    losses.push_back(out[0].data<float>()[0]);
    if (o.trace) std::printf("loss %lld %.9g\n", static_cast<long long>(step), losses.back());
    if ((step + 1) % o.eval_every == 0 || step + 1 == o.steps) {
      std::vector<varflow::Tensor> e = session.run(*eval_plan, {x_test, y_test});
      history.push_back({step + 1, accuracy(e[0], data.y_test), accuracy(e[1], data.y_test),
                         e[2].scalar_as_double(), e[3].scalar_as_double()});
      const Evaluation& h = history.back();
      if (o.trace) {
        std::printf("eval %lld %.17g %.17g %.9g %.9g\n", static_cast<long long>(h.step), h.accuracy,
                    h.averaged_accuracy, h.loss, h.averaged_loss);
      }
    }
    if (o.save_every > 0 && (step + 1) % o.save_every == 0 && step + 1 < end) save(step + 1);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (losses.empty()) {
    std::printf("nothing to train: the run ends at step %lld\n", static_cast<long long>(end));
    return 0;
  }
  if (!o.checkpoint.empty()) save(end);

  const double final_lr = session.run({}, {m.learning_rate})[0].scalar_as_double();
  const size_t n = losses.size(), window = std::min<size_t>(50, n);
  std::printf("train loss %.4f -> %.4f; learning rate %.1e -> %.1e; %.1f s\n",
              mean(losses, 0, window), mean(losses, n - window, n), o.learning_rate, final_lr,
              seconds);
  std::printf("  step   test accuracy (raw / average)   test loss (raw / average)\n");
  for (const Evaluation& h : history) {
    std::printf("%6lld   %.4f / %.4f              %.4f / %.4f\n", static_cast<long long>(h.step),
                h.accuracy, h.averaged_accuracy, h.loss, h.averaged_loss);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  try {
    return run(options);
  } catch (const varflow::Error& e) {
    // The code says what kind of mistake it is (errors.h); the message names the node or file.
    std::fprintf(stderr, "varflow error %d: %s\n", static_cast<int>(e.code()), e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  }
  return 1;
}
