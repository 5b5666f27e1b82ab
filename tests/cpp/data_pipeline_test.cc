// A tf.data pipeline built and run from C++ alone: TensorSlice -> Map (a graph function) ->
// Batch, iterated directly and through the graph ops (IteratorV2,
// MakeIterator, IteratorGetNext) in a Session, with OutOfRange at the end, re-initialisation
// with new input values, and the string handles of feedable iterators.
#include <algorithm>
#include <numeric>

#include "harness.h"
#include "varflow/data.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/session.h"

using namespace varflow;

namespace {

// x -> x * 3 + 1, traced as a graph function of one int64 scalar.
std::shared_ptr<const data::GraphFunction> affine_fn() {
  auto fn = std::make_shared<data::GraphFunction>();
  fn->graph = std::make_shared<Graph>();
  Output x = ops::placeholder(*fn->graph, DType::kInt64, Shape{}, "arg");
  Output y = ops::add(ops::mul(x, ops::scalar<int64_t>(*fn->graph, 3)),
                      ops::scalar<int64_t>(*fn->graph, 1));
  fn->args = {x};
  fn->results = {y};
  fn->name = "MapDataset";
  return fn;
}

// Inputs: 0 the slices, 1 batch_size, 2 drop_remainder (and 3..5 shuffle's, when used).
std::shared_ptr<const data::DatasetSpec> pipeline(bool shuffle) {
  auto slices = std::make_shared<data::DatasetSpec>();
  slices->kind = "TensorSlice";
  slices->name = "TensorSliceDataset";
  slices->args = {0};
  slices->dtypes = {DType::kInt64};
  slices->shapes = {Shape{}};

  auto map = std::make_shared<data::DatasetSpec>();
  map->kind = "Map";
  map->name = "MapDataset";
  map->inputs = {slices};
  map->fn = affine_fn();
  map->dtypes = {DType::kInt64};
  map->shapes = {Shape{}};

  std::shared_ptr<const data::DatasetSpec> before_batch = map;
  if (shuffle) {
    auto s = std::make_shared<data::DatasetSpec>();
    s->kind = "Shuffle";
    s->name = "ShuffleDataset";
    s->inputs = {map};
    s->args = {3, 4, 5};
    s->dtypes = {DType::kInt64};
    s->shapes = {Shape{}};
    before_batch = s;
  }
  auto batch = std::make_shared<data::DatasetSpec>();
  batch->kind = "Batch";
  batch->name = "BatchDataset";
  batch->inputs = {before_batch};
  batch->args = {1, 2};
  batch->dtypes = {DType::kInt64};
  batch->shapes = {Shape({kUnknownDim})};
  return batch;
}

Tensor range_tensor(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), int64_t{0});
  return Tensor::from_vector(v, {n});
}

std::vector<Tensor> inputs(int64_t n, int64_t batch, bool drop, int64_t seed = 0) {
  return {range_tensor(n),
          Tensor::scalar<int64_t>(batch),
          Tensor::scalar<bool>(drop),
          Tensor::scalar<int64_t>(10),
          Tensor::scalar<int64_t>(seed),
          Tensor::scalar<int64_t>(7)};
}

std::vector<int64_t> values(const Tensor& t) {
  return std::vector<int64_t>(t.data<int64_t>(), t.data<int64_t>() + t.num_elements());
}

}  // namespace

VF_TEST(map_then_batch_iterates_in_order) {
  auto dataset = data::bind_dataset(*pipeline(false), inputs(7, 3, false));
  auto it = dataset->make_iterator();
  data::Element e;
  std::vector<std::vector<int64_t>> batches;
  while (it->next(&e)) batches.push_back(values(e.at(0)));
  EXPECT_EQ(batches.size(), size_t{3});
  EXPECT_TRUE((batches[0] == std::vector<int64_t>{1, 4, 7}));
  EXPECT_TRUE((batches[1] == std::vector<int64_t>{10, 13, 16}));
  EXPECT_TRUE((batches[2] == std::vector<int64_t>{19}));
  EXPECT_TRUE(!it->next(&e));  // and stays at the end
}

VF_TEST(drop_remainder_and_a_second_iterator) {
  auto dataset = data::bind_dataset(*pipeline(false), inputs(7, 3, true));
  for (int pass = 0; pass < 2; ++pass) {
    auto it = dataset->make_iterator();
    data::Element e;
    int count = 0;
    while (it->next(&e)) {
      EXPECT_EQ(e.at(0).num_elements(), int64_t{3});
      ++count;
    }
    EXPECT_EQ(count, 2);
  }
}

VF_TEST(bad_batch_size_is_invalid_argument) {
  EXPECT_ERROR(data::bind_dataset(*pipeline(false), inputs(7, 0, false)),
               ErrorCode::kInvalidArgument, "Batch size must be greater than zero");
}

VF_TEST(graph_ops_run_the_pipeline_in_a_session) {
  auto graph = std::make_shared<Graph>();
  const int64_t id = data::register_dataset(pipeline(false));
  const std::string shapes = data::encode_shapes({Shape({kUnknownDim})});
  AttrMap sig{{"output_types", std::vector<int64_t>{static_cast<int64_t>(DType::kInt64)}},
              {"output_shapes", shapes}};
  Node* iterator = graph->add_node("IteratorV2", {}, sig, "Iterator");
  Output n = ops::placeholder(*graph, DType::kInt64, Shape({kUnknownDim}), "slices");
  Output size = ops::scalar<int64_t>(*graph, 2);
  Output drop = ops::scalar<bool>(*graph, false);
  Node* init = graph->add_node("MakeIterator", {Output{iterator, 0}, n, size, drop},
                               {{"dataset_id", id}}, "MakeIterator");
  Node* next = graph->add_node("IteratorGetNext", {Output{iterator, 0}}, sig, "IteratorGetNext");
  Node* handle = graph->add_node("IteratorToStringHandle", {Output{iterator, 0}}, {}, "handle");
  Output fed = ops::placeholder(*graph, DType::kString, Shape{}, "fed_handle");
  Node* via_handle = graph->add_node("IteratorGetNextFromStringHandle", {fed}, sig, "via_handle");

  Session session(graph);
  EXPECT_ERROR(session.run({}, {Output{next, 0}}), ErrorCode::kFailedPrecondition,
               "not been initialized");
  session.run({{n, range_tensor(5)}}, {}, {init});
  EXPECT_TRUE((values(session.run({}, {Output{next, 0}})[0]) == std::vector<int64_t>{1, 4}));
  const Tensor name = session.run({}, {Output{handle, 0}})[0];
  // The handle reads the same iterator: the next batch, then the last one.
  EXPECT_TRUE((values(session.run({{fed, name}}, {Output{via_handle, 0}})[0]) ==
               std::vector<int64_t>{7, 10}));
  EXPECT_TRUE((values(session.run({}, {Output{next, 0}})[0]) == std::vector<int64_t>{13}));
  EXPECT_ERROR(session.run({}, {Output{next, 0}}), ErrorCode::kOutOfRange, "End of sequence");
  EXPECT_ERROR(
      session.run({{fed, Tensor::scalar<std::string>("nonsense")}}, {Output{via_handle, 0}}),
      ErrorCode::kInvalidArgument, "string_handle");
  // Re-initialising with new values restarts the iterator on them.
  session.run({{n, range_tensor(2)}}, {}, {init});
  EXPECT_TRUE((values(session.run({}, {Output{next, 0}})[0]) == std::vector<int64_t>{1, 4}));
}

VF_TEST_MAIN()
