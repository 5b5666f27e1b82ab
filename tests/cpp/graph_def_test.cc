// GraphDef and MetaGraphDef from the C++ API: export, import (prefix, input_map, return
// elements, control inputs, attributes, constants of every dtype), meta graphs with
// collections, variables and the SaverDef, TensorFlow's own files (the Python tests'
// fixtures), and corrupt input: every truncation and many byte flips are a varflow::Error.
#include "varflow/graph_def.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "harness.h"
#include "io/protobuf_wire.h"
#include "varflow/ops.h"
#include "varflow/session.h"
#include "varflow/train/optimizers.h"
#include "varflow/variable.h"

using namespace varflow;

namespace {

std::string fixtures() {
  return std::string(VARFLOW_SOURCE_DIR) + "/tests/python/fixtures/tf_graphs/";
}

struct Model {
  std::shared_ptr<Graph> g = std::make_shared<Graph>();
  Output x, y, loss;
  Variable w;
  Node* train = nullptr;

  Model() {
    x = ops::placeholder(*g, DType::kFloat32, Shape({-1, 2}), "x");
    y = ops::placeholder(*g, DType::kFloat32, Shape({-1, 1}), "y");
    w = Variable::create(*g, Tensor::from_vector<float>({0.5f, -0.25f}, {2, 1}), "w");
    Output err = ops::matmul(x, w.value()) - y;
    loss = ops::reduce_mean(err * err, {0, 1}, false, "loss");
    train::AdamOptimizer adam(0.1);
    train = adam.minimize(loss);
    g->add_to_collection(graph_keys::kLosses, loss);
  }
};

std::vector<std::pair<Output, Tensor>> batch(const Graph& g) {
  return {{g.tensor_by_name("x:0"), Tensor::from_vector<float>({1, 2, 3, -1}, {2, 2})},
          {g.tensor_by_name("y:0"), Tensor::from_vector<float>({1, -2}, {2, 1})}};
}

std::vector<float> floats(const Tensor& t) {
  return std::vector<float>(t.data<float>(), t.data<float>() + t.num_elements());
}

}  // namespace

VF_TEST(wire_format_round_trips_varints_and_rejects_overruns) {
  io::pb::WireWriter w;
  w.int64(1, -1);
  w.int32(2, -7);
  w.varint(3, 300);
  w.float32(4, 1.5f);
  w.bytes(5, "abc");
  io::pb::WireReader r(w.str(), "Test");
  int seen = 0;
  while (r.next()) {
    ++seen;
    if (r.field() == 1) EXPECT_EQ(r.int64(), -1);
    if (r.field() == 2) EXPECT_EQ(r.int32(), -7);
    if (r.field() == 3) EXPECT_EQ(r.varint(), uint64_t{300});
    if (r.field() == 4) EXPECT_EQ(r.float32(), 1.5f);
    if (r.field() == 5) EXPECT_EQ(r.string(), std::string("abc"));
  }
  EXPECT_EQ(seen, 5);
  EXPECT_EQ(w.str().size(), size_t{(1 + 10) + (1 + 10) + (1 + 2) + (1 + 4) + (1 + 1 + 3)});
  std::string cut = w.str().substr(0, w.str().size() - 1);
  EXPECT_ERROR(
      {
        io::pb::WireReader c(cut, "Test");
        while (c.next()) c.skip();
      },
      ErrorCode::kDataLoss, "Corrupt Test");
}

VF_TEST(export_import_keeps_names_ops_inputs_attrs_and_numbers) {
  Model m;
  ControlDependencies deps(*m.g, {m.w.initializer()});
  Output after = ops::identity(m.loss, "after_init");
  (void)after;
  const std::string bytes = graph_to_graph_def(*m.g);

  auto g2 = std::make_shared<Graph>();
  ImportGraphDefOptions options;
  options.name = "";
  ImportGraphDefResult r = import_graph_def(*g2, bytes, options);
  EXPECT_EQ(r.nodes.size(), static_cast<size_t>(m.g->num_nodes()));
  EXPECT_EQ(g2->num_nodes(), m.g->num_nodes());
  for (int i = 0; i < m.g->num_nodes(); ++i) {
    const Node& a = *m.g->node(i);
    const Node* b = g2->find_node(a.name());
    EXPECT_TRUE(b != nullptr);
    if (!b) continue;
    EXPECT_EQ(b->type(), a.type());
    EXPECT_EQ(b->inputs().size(), a.inputs().size());
    for (size_t k = 0; k < a.inputs().size(); ++k)
      EXPECT_EQ(b->inputs()[k].name(), a.inputs()[k].name());
    EXPECT_EQ(b->control_inputs().size(), a.control_inputs().size());
    EXPECT_EQ(b->attrs().items().size(), a.attrs().items().size());
  }
  const Node* identity = g2->find_node("after_init");
  EXPECT_EQ(identity->control_inputs().size(), size_t{1});
  EXPECT_EQ(identity->control_inputs()[0]->name(), std::string("w/Assign"));
  // Re-exported, the imported graph writes the same bytes.
  EXPECT_TRUE(graph_to_graph_def(*g2) == bytes);

  // The imported graph computes what the original does (the variable by its initializer).
  Session s1(m.g), s2(g2);
  s1.run({}, {}, {m.w.initializer()});
  s2.run({}, {}, {g2->find_node("w/Assign")});
  Tensor l1 = s1.run(batch(*m.g), {m.loss})[0];
  Tensor l2 = s2.run(batch(*g2), {g2->tensor_by_name("loss:0")})[0];
  EXPECT_EQ(l1.scalar_as_double(), l2.scalar_as_double());
}

VF_TEST(prefix_input_map_return_elements) {
  Model m;
  const std::string bytes = graph_to_graph_def(*m.g);
  auto g2 = std::make_shared<Graph>();
  Output feed = ops::placeholder(*g2, DType::kFloat32, Shape({-1, 2}), "my_x");
  ImportGraphDefOptions options;
  options.input_map = {{"x", feed}};
  options.return_elements = {"loss:0", "w/Assign"};
  ImportGraphDefResult r = import_graph_def(*g2, bytes, options);
  EXPECT_TRUE(g2->find_node("import/w") != nullptr);
  EXPECT_TRUE(g2->find_node("import/x") != nullptr);  // still imported, but no longer read
  EXPECT_EQ(std::get<Output>(r.return_elements[0]).name(), std::string("import/loss:0"));
  EXPECT_EQ(std::get<Node*>(r.return_elements[1])->name(), std::string("import/w/Assign"));
  EXPECT_EQ(g2->find_node("import/MatMul")->inputs()[0].name(), std::string("my_x:0"));
  // A second import gets a fresh scope.
  import_graph_def(*g2, bytes);
  EXPECT_TRUE(g2->find_node("import_1/w") != nullptr);
  options.name = "exact/";
  options.input_map.clear();
  options.return_elements = {"loss:7"};
  EXPECT_ERROR(import_graph_def(*g2, bytes, options), ErrorCode::kValue, "Invalid return output 7");
  const int before = g2->num_nodes();
  options.return_elements.clear();
  options.input_map = {{"nope:0", feed}};
  EXPECT_ERROR(import_graph_def(*g2, bytes, options), ErrorCode::kValue,
               "Attempted to map inputs that were not found in graph_def: [nope:0]");
  EXPECT_EQ(g2->num_nodes(), before);
}

VF_TEST(constants_of_every_dtype_round_trip) {
  auto g = std::make_shared<Graph>();
  std::vector<Output> consts = {
      ops::constant(*g, Tensor::from_vector<float>({1.5f, -2, 3}, {3}), "f32"),
      ops::constant(*g, Tensor::scalar<float>(0.25f), "f32_scalar"),
      ops::constant(*g, Tensor::from_vector<double>({1e-300, 2}, {2}), "f64"),
      ops::constant(*g, Tensor::from_vector<int32_t>({-5, 7}, {1, 2}), "i32"),
      ops::constant(*g, Tensor::scalar<int32_t>(-3), "i32_scalar"),
      ops::constant(*g, Tensor::from_vector<int64_t>({int64_t{1} << 40, -1}, {2}), "i64"),
      ops::constant(*g, Tensor::from_vector<bool>({true, false}, {2}), "b"),
      ops::constant(*g, Tensor::from_vector<std::string>({"a", "", std::string("\0z", 2)}, {3}),
                    "s"),
      ops::constant(*g, Tensor::scalar<int8_t>(-8), "i8"),
      ops::constant(*g, Tensor::from_vector<uint8_t>({255, 0}, {2}), "u8"),
      ops::constant(*g, Tensor::scalar<uint16_t>(65535), "u16"),
      ops::constant(*g, Tensor::scalar<uint32_t>(4000000000u), "u32"),
      ops::constant(*g, Tensor::scalar<uint64_t>(~uint64_t{0}), "u64"),
      ops::constant(*g, Tensor::from_vector<complex64>({{1, 2}, {3, -4}}, {2}), "c64"),
      ops::constant(*g, Tensor::scalar<complex128>({0.5, -0.5}), "c128"),
      ops::constant(*g, Tensor::zeros(DType::kFloat32, {0, 3}), "empty"),
  };
  auto g2 = std::make_shared<Graph>();
  ImportGraphDefOptions options;
  options.name = "";
  import_graph_def(*g2, graph_to_graph_def(*g), options);
  Session s1(g), s2(g2);
  std::vector<Output> fetch2;
  for (const Output& c : consts) fetch2.push_back(g2->tensor_by_name(c.name()));
  std::vector<Tensor> a = s1.run({}, consts), b = s2.run({}, fetch2);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(a[i].dtype() == b[i].dtype());
    EXPECT_TRUE(a[i].dims() == b[i].dims());
    if (a[i].dtype() == DType::kString) {
      for (int64_t k = 0; k < a[i].num_elements(); ++k)
        EXPECT_EQ(a[i].data<std::string>()[k], b[i].data<std::string>()[k]);
    } else {
      EXPECT_TRUE(std::memcmp(a[i].raw(), b[i].raw(), a[i].nbytes()) == 0);
    }
  }
}

VF_TEST(import_errors_read_as_tensorflows) {
  auto empty = std::make_shared<Graph>();
  auto node = [](const std::string& name, const std::string& op,
                 std::vector<std::string> inputs = {}) {
    io::pb::WireWriter n;
    n.bytes(1, name);
    n.bytes(2, op);
    for (const auto& i : inputs) n.bytes(3, i);
    return n;
  };
  auto graph_of = [](std::vector<io::pb::WireWriter> nodes) {
    io::pb::WireWriter g;
    for (const auto& n : nodes) g.message(1, n);
    return g.take();
  };
  EXPECT_ERROR(import_graph_def(*empty, graph_of({node("a", "NoSuchOp")})), ErrorCode::kNotFound,
               "Op type not registered 'NoSuchOp'");
  EXPECT_ERROR(import_graph_def(*empty, graph_of({node("a", "NoOp"), node("a", "NoOp")})),
               ErrorCode::kValue, "Node 'a' is not unique");
  EXPECT_ERROR(import_graph_def(*empty, graph_of({node("a", "NoOp", {"^b"})})), ErrorCode::kValue,
               "Unknown input node '^b'");
  EXPECT_ERROR(import_graph_def(
                   *empty, graph_of({node("a", "Identity", {"b"}), node("b", "Identity", {"a"})})),
               ErrorCode::kValue, "2 nodes in a cycle");
  EXPECT_ERROR(import_graph_def(*empty, std::string("\x0a\xff\xff\xff", 4)), ErrorCode::kDataLoss,
               "Corrupt GraphDef");
  EXPECT_EQ(empty->num_nodes(), 0);
}

VF_TEST(meta_graph_round_trip_trains_and_checkpoints) {
  Model m;
  MetaGraphExportOptions options;
  options.saver_def = SaverDef{};
  options.bytes_collections["notes"] = {"hello", std::string("\x00\x01", 2)};
  options.int64_collections["ints"] = {-1, 5};
  const std::string bytes = export_meta_graph(*m.g, options);

  Session original(m.g);
  original.run({}, {}, {global_variables_initializer(*m.g)});
  std::vector<float> want;
  for (int i = 0; i < 3; ++i)
    want.push_back(original.run(batch(*m.g), {m.loss}, {m.train})[0].data<float>()[0]);

  auto g2 = std::make_shared<Graph>();
  ImportedMetaGraph meta = import_meta_graph(*g2, bytes);
  EXPECT_TRUE(meta.saver_def.has_value());
  EXPECT_EQ(meta.saver_def->max_to_keep, 5);
  EXPECT_EQ(meta.bytes_collections["notes"].size(), size_t{2});
  EXPECT_EQ(meta.bytes_collections["notes"][1], std::string("\x00\x01", 2));
  EXPECT_EQ(meta.int64_collections["ints"][0], int64_t{-1});
  EXPECT_EQ(global_variables(*g2).size(), global_variables(*m.g).size());
  EXPECT_EQ(trainable_variables(*g2).size(), size_t{1});
  EXPECT_EQ(meta.saver_variables.size(), global_variables(*m.g).size());
  auto train_ops = g2->get_collection(graph_keys::kTrainOp);
  EXPECT_EQ(train_ops.size(), size_t{1});
  Node* train = std::get<Node*>(train_ops[0]);
  Output loss = std::get<Output>(g2->get_collection(graph_keys::kLosses)[0]);
  EXPECT_EQ(loss.name(), std::string("loss:0"));

  Session s(g2);
  s.run({}, {}, {global_variables_initializer(*g2)});
  for (int i = 0; i < 3; ++i) {
    const float got = s.run(batch(*g2), {loss}, {train})[0].data<float>()[0];
    EXPECT_EQ(got, want[static_cast<size_t>(i)]);
  }

  // Checkpoint with the imported saver's names, restore into a third import.
  const std::string prefix = str_cat("/tmp/varflow_graph_def_test_", ::getpid());
  save_checkpoint(s, meta.saver_variables, prefix);
  auto g3 = std::make_shared<Graph>();
  ImportedMetaGraph meta3 = import_meta_graph(*g3, bytes);
  Session s3(g3);
  restore_checkpoint(s3, meta3.saver_variables, prefix);
  EXPECT_EQ(floats(s3.variable_value(g3->find_node("w"))),
            floats(s.variable_value(g2->find_node("w"))));
  std::remove(checkpoint_filename(prefix).c_str());

  // Under an import scope the names gain the scope; the checkpoint keys stay the file's.
  auto g4 = std::make_shared<Graph>();
  MetaGraphImportOptions scoped;
  scoped.import_scope = "tower";
  ImportedMetaGraph meta4 = import_meta_graph(*g4, bytes, scoped);
  EXPECT_TRUE(g4->find_node("tower/w") != nullptr);
  bool keyed = false;
  for (const auto& [key, node] : meta4.saver_variables)
    keyed |= key == "w" && node->name() == "tower/w";
  EXPECT_TRUE(keyed);
}

VF_TEST(tensorflow_meta_graph_and_checkpoint_load_and_train) {
  const std::string dir = fixtures();
  for (const char* name : {"mlp_sgd_model-3", "mlp_adam_model-3"}) {
    auto g = std::make_shared<Graph>();
    ImportedMetaGraph meta = read_meta_graph(*g, dir + name + ".meta");
    EXPECT_TRUE(meta.saver_def.has_value());
    EXPECT_TRUE(g->find_node("save/SaveV2") == nullptr);  // TensorFlow's saver is left out
    // The checkpoint keys are TensorFlow's, and all of them are in its checkpoint.
    std::vector<CheckpointEntry> entries = list_checkpoint_variables(dir + name);
    EXPECT_EQ(meta.saver_variables.size(), entries.size());
    Session s(g);
    restore_checkpoint(s, meta.saver_variables, dir + name);
    Node* train = g->find_node("train");
    EXPECT_TRUE(train != nullptr);
    std::vector<std::pair<Output, Tensor>> feeds = {
        {g->tensor_by_name("x:0"), Tensor::zeros(DType::kFloat32, {6, 4})},
        {g->tensor_by_name("y:0"), Tensor::zeros(DType::kFloat32, {6, 3})}};
    const double before = s.run(feeds, {g->tensor_by_name("loss:0")})[0].scalar_as_double();
    s.run(feeds, {}, {train});
    EXPECT_TRUE(std::isfinite(before));
    // The global step went on from TensorFlow's 3.
    EXPECT_EQ(s.variable_value(g->find_node("global_step")).scalar_as_int(), int64_t{4});
  }
}

VF_TEST(corrupt_graph_defs_and_meta_graphs_are_errors_never_crashes) {
  Model m;
  MetaGraphExportOptions options;
  options.saver_def = SaverDef{};
  const std::vector<std::string> inputs = {graph_to_graph_def(*m.g),
                                           export_meta_graph(*m.g, options)};
  std::mt19937 rng(1234);
  int errors = 0, imported = 0;
  for (size_t which = 0; which < inputs.size(); ++which) {
    const std::string& good = inputs[which];
    auto attempt = [&](const std::string& bytes) {
      auto g = std::make_shared<Graph>();
      try {
        if (which == 0)
          import_graph_def(*g, bytes);
        else
          import_meta_graph(*g, bytes);
        ++imported;
      } catch (const Error&) {
        ++errors;  // any varflow::Error is a clear error; anything else fails the test
      }
    };
    for (size_t cut = 0; cut < good.size(); cut += 1 + good.size() / 400)
      attempt(good.substr(0, cut));
    for (int i = 0; i < 400; ++i) {
      std::string bytes = good;
      const int flips = 1 + static_cast<int>(rng() % 3);
      for (int f = 0; f < flips; ++f)
        bytes[rng() % bytes.size()] ^= static_cast<char>(1 << (rng() % 8));
      attempt(bytes);
    }
  }
  EXPECT_TRUE(errors > 0);
  EXPECT_TRUE(imported > 0);  // flips in names and values may still be a valid graph
}

VF_TEST_MAIN()
