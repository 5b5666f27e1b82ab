// The second C++ host: trains a model that Python built and saved. It imports the meta graph
// `tf.train.Saver.save` wrote (`<model>.meta`), restores the checkpoint beside it, finds the
// train op by the `train_op` collection and the loss by name, trains, and saves a checkpoint
// and a meta graph that Python's `tf.train.import_meta_graph` + `Saver.restore` resume from.
//
//   python examples/cpp_import_host/make_model.py --out /tmp/m
//   varflow_cpp_import_host --model /tmp/m/model-0 --data /tmp/m/data.bin --steps 50
//       --batch-size 32 --out /tmp/m/trained
//
// Prints "loss <global step> <value>" for every step (%.9g: float32 round-trips) and writes
// <out>-<step>.safetensors, <out>-<step>.meta and the `checkpoint` state file in <out>'s
// directory.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <variant>

#include "data.h"
#include "varflow/varflow.h"

namespace {

struct Options {
  std::string model, data, out;
  int64_t steps = 50;
  int64_t batch_size = 32;
};

[[noreturn]] void usage_error(const std::string& why) {
  std::fprintf(stderr,
               "usage: varflow_cpp_import_host --model PREFIX --data FILE --out PREFIX "
               "[--steps N] [--batch-size N]\nerror: %s\n",
               why.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage_error(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--model") {
      o.model = value;
    } else if (flag == "--data") {
      o.data = value;
    } else if (flag == "--out") {
      o.out = value;
    } else if (flag == "--steps" || flag == "--batch-size") {
      char* end = nullptr;
      const long long v = std::strtoll(value.c_str(), &end, 10);
      if (*end != '\0' || v <= 0) usage_error(flag + " needs a positive integer");
      (flag == "--steps" ? o.steps : o.batch_size) = v;
    } else {
      usage_error("unknown flag " + flag);
    }
  }
  if (o.model.empty() || o.data.empty() || o.out.empty())
    usage_error("--model, --data and --out are required");
  return o;
}

// The `checkpoint` state file of TF1's Saver (tf.train.latest_checkpoint reads it).
void write_state(const std::string& prefix) {
  const size_t slash = prefix.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : prefix.substr(0, slash);
  const std::string name = slash == std::string::npos ? prefix : prefix.substr(slash + 1);
  varflow::write_file_atomically(
      dir + "/checkpoint",
      "model_checkpoint_path: \"" + name + "\"\nall_model_checkpoint_paths: \"" + name + "\"\n");
}

int run(const Options& o) {
  using namespace varflow;
  const ImportHostData data = read_data(o.data);
  auto graph = std::make_shared<Graph>();
  ImportedMetaGraph meta = read_meta_graph(*graph, o.model + ".meta");
  for (const std::string& w : meta.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  const std::vector<CollectionItem> train_ops = graph->get_collection(graph_keys::kTrainOp);
  if (train_ops.size() != 1 || !std::holds_alternative<Node*>(train_ops[0]))
    throw std::runtime_error("the meta graph's train_op collection must hold one operation");
  Node* train = std::get<Node*>(train_ops[0]);
  const Output loss = graph->tensor_by_name("loss:0");
  const Output x = graph->tensor_by_name("x:0");
  const Output y = graph->tensor_by_name("y:0");
  Node* global_step = graph->find_node("global_step");

  Session session(graph);
  restore_checkpoint(session, meta.saver_variables, o.model);
  std::shared_ptr<Plan> plan = session.prepare({x, y}, {loss}, {train});
  int64_t step = session.variable_value(global_step).scalar_as_int();
  for (int64_t i = 0; i < o.steps; ++i) {
    auto [bx, by] = batch_at(data, step, o.batch_size);
    const std::vector<Tensor> out = session.run(*plan, {bx, by});
    std::printf("loss %lld %.9g\n", static_cast<long long>(step), out[0].scalar_as_double());
    step = session.variable_value(global_step).scalar_as_int();
  }
  const std::string prefix = o.out + "-" + std::to_string(step);
  save_checkpoint(session, meta.saver_variables, prefix, {{"global_step", std::to_string(step)}});
  MetaGraphExportOptions export_options;
  export_options.saver_def = meta.saver_def.value_or(SaverDef{});
  write_meta_graph(prefix + ".meta", *graph, export_options);
  write_state(prefix);
  std::printf("saved %s\n", prefix.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  try {
    return run(options);
  } catch (const varflow::Error& e) {
    std::fprintf(stderr, "varflow error (code %d): %s\n", static_cast<int>(e.code()), e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  }
  return 1;
}
