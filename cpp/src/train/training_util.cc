#include "varflow/train/training_util.h"

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/op_registry.h"
#include "varflow/ops.h"

namespace varflow::train {

namespace {
constexpr int64_t kDefaultGraphSeed = 87654321;
constexpr int64_t kMaxInt32 = 2147483647;

int64_t truncate_seed(int64_t seed) { return ((seed % kMaxInt32) + kMaxInt32) % kMaxInt32; }

Output item_output(const CollectionItem& item) {
  if (const Output* o = std::get_if<Output>(&item)) return *o;
  return std::get<Node*>(item)->output(0);
}
}  // namespace

void assert_global_step(const Output& step) {
  const DType d = step.dtype();
  if (d != DType::kInt32 && d != DType::kInt64)
    raise(ErrorCode::kType,
          "Existing \"global_step\" does not have integer type: ", tf::dtype_str(d));
  const Shape& s = step.shape();
  if (s.has_rank() && s.rank() != 0 && s.fully_defined())
    raise(ErrorCode::kType, "Existing \"global_step\" is not scalar: ", tf::shape_str(s));
}

std::optional<CollectionItem> get_global_step(const Graph& graph) {
  std::vector<CollectionItem> items = graph.get_collection(graph_keys::kGlobalStep);
  std::optional<CollectionItem> step;
  if (items.size() == 1) {
    step = items[0];
  } else if (items.empty()) {
    if (Node* node = graph.find_node("global_step")) {
      if (node->num_outputs() == 0) return std::nullopt;
      step = node->op_def().is_variable ? CollectionItem{node} : CollectionItem{node->output(0)};
    }
  }
  if (step) assert_global_step(item_output(*step));
  return step;
}

Variable create_global_step(Graph& graph) {
  if (get_global_step(graph)) raise(ErrorCode::kValue, "\"global_step\" already exists.");
  const std::string outer = graph.set_name_scope("");
  graph.push_control_dependencies({}, /*replace=*/true);
  struct Restore {
    Graph& g;
    std::string scope;
    ~Restore() {
      g.pop_control_dependencies();
      g.set_name_scope(scope);
    }
  } restore{graph, outer};
  VariableOptions options;
  options.name = graph_keys::kGlobalStep;
  options.trainable = false;
  options.collections = {graph_keys::kGlobalVariables, graph_keys::kGlobalStep};
  return Variable::create(
      graph, [](Graph& g) { return ops::scalar<int64_t>(g, 0, "Initializer/zeros"); }, options);
}

Output get_or_create_global_step(Graph& graph) {
  if (std::optional<CollectionItem> step = get_global_step(graph)) return item_output(*step);
  return create_global_step(graph).ref();
}

Seeds random_seeds(const Graph& graph, std::optional<int64_t> op_seed) {
  Seeds seeds;
  if (std::optional<int64_t> global = graph.seed()) {
    seeds.seed = truncate_seed(*global);
    seeds.seed2 = truncate_seed(op_seed.value_or(graph.num_nodes()));
  } else if (op_seed) {
    seeds.seed = kDefaultGraphSeed;
    seeds.seed2 = truncate_seed(*op_seed);
  }
  if (seeds.seed == 0 && seeds.seed2 == 0) seeds.seed2 = kMaxInt32;
  return seeds;
}

}  // namespace varflow::train
