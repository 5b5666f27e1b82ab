// The graph ops of tf.data: IteratorV2 (an iterator's per-session state), MakeIterator (binds
// a registered dataset to its input values and starts iterating it), OneShotIterator (binds on
// first use), IteratorGetNext (the next element; OutOfRange "End of sequence" at the end).
// The ops register themselves with the registry from this layer (graph/op_library.h); the
// spec registry lives here too, so a program that registers a dataset links the ops with it.
#include <mutex>
#include <unordered_map>

#include "data/datasets.h"
#include "graph/op_library.h"
#include "varflow/errors.h"
#include "varflow/op_registry.h"

namespace varflow::data {

namespace {
struct Registry {
  std::mutex mu;
  std::unordered_map<int64_t, std::shared_ptr<const DatasetSpec>> specs;
  int64_t next = 1;
};
Registry& registry() {
  static Registry* r = new Registry();  // outlives every static Session that might use it
  return *r;
}
}  // namespace

int64_t register_dataset(std::shared_ptr<const DatasetSpec> spec) {
  VF_CHECK(spec != nullptr, ErrorCode::kInvalidArgument, "register_dataset: null spec");
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  const int64_t id = r.next++;
  r.specs.emplace(id, std::move(spec));
  return id;
}

std::shared_ptr<const DatasetSpec> registered_dataset(int64_t id) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.specs.find(id);
  VF_CHECK(it != r.specs.end(), ErrorCode::kNotFound, "No dataset registered with id ", id);
  return it->second;
}

namespace {

// What an iterator node holds in a session: the running iterator (none until initialised).
struct IteratorState {
  std::mutex mu;
  std::shared_ptr<const Dataset> dataset;
  std::unique_ptr<Iterator> iterator;
  bool ended = false;
  int64_t handle_id = 0;  // set by the first IteratorToStringHandle
};

// The iterators named by string handles. Entries hold the state weakly: a closed session's
// iterators are gone, and their handles then fail with NotFound.
struct HandleEntry {
  std::weak_ptr<IteratorState> state;
  std::vector<DType> dtypes;
};
struct HandleRegistry {
  std::mutex mu;
  std::unordered_map<int64_t, HandleEntry> entries;
  int64_t next = 1;
};
HandleRegistry& handles() {
  static HandleRegistry* r = new HandleRegistry();
  return *r;
}
constexpr const char* kHandlePrefix = "varflow-iterator:";

std::vector<DType> dtypes_attr(const AttrMap& attrs) {
  std::vector<DType> out;
  for (int64_t v : attrs.get<std::vector<int64_t>>("output_types")) {
    VF_CHECK(v >= 0 && v < 127 && dtype_size(static_cast<DType>(v)) != 0,
             ErrorCode::kInvalidArgument, "Invalid dtype ", v, " in output_types");
    out.push_back(static_cast<DType>(v));
  }
  return out;
}

std::shared_ptr<IteratorState> shared_state_of(ResourceSlot& slot) {
  std::lock_guard<std::mutex> lock(slot.mu);
  if (!slot.state) slot.state = std::make_shared<IteratorState>();
  return std::static_pointer_cast<IteratorState>(slot.state);
}

IteratorState& state_of(ResourceSlot& slot) { return *shared_state_of(slot); }

// Binds the node's dataset to inputs [first, num_inputs) and starts a fresh iterator.
void start(KernelContext& c, IteratorState& state, int first) {
  std::vector<Tensor> inputs;
  for (int i = first; i < c.num_inputs(); ++i) inputs.push_back(c.input(i));
  auto spec = registered_dataset(c.attrs().get<int64_t>("dataset_id"));
  auto dataset = bind_dataset(*spec, inputs);
  auto iterator = dataset->make_iterator();
  // The old iterator (and its threads) goes after the new one is in place.
  std::unique_ptr<Iterator> old = std::move(state.iterator);
  state.dataset = std::move(dataset);
  state.iterator = std::move(iterator);
  state.ended = false;
  old.reset();
}

void handle_output(KernelContext& c) {
  *c.allocate_output(0, DType::kInt64, {}).data<int64_t>() = 0;
}

void iterator_kernel(KernelContext& c) {
  state_of(c.own_state());
  handle_output(c);
}

void make_iterator_kernel(KernelContext& c) {
  IteratorState& state = state_of(c.ref(0));
  std::lock_guard<std::mutex> lock(state.mu);
  start(c, state, 1);
}

void one_shot_kernel(KernelContext& c) {
  IteratorState& state = state_of(c.own_state());
  {
    std::lock_guard<std::mutex> lock(state.mu);
    if (!state.iterator && !state.ended) start(c, state, 0);
  }
  handle_output(c);
}

void emit_next(KernelContext& c, IteratorState& state) {
  std::lock_guard<std::mutex> lock(state.mu);
  if (!state.iterator) {
    if (state.ended) c.fail(ErrorCode::kOutOfRange, "End of sequence");
    c.fail(ErrorCode::kFailedPrecondition,
           "GetNext() failed because the iterator has not been initialized. Ensure that you "
           "have run the initializer operation for this iterator before getting the next "
           "element.");
  }
  Element element;
  // An error leaves the iterator in place, as TF's: the next run pulls the element after it.
  if (!state.iterator->next(&element)) {
    state.iterator.reset();
    state.dataset.reset();
    state.ended = true;
    c.fail(ErrorCode::kOutOfRange, "End of sequence");
  }
  const std::vector<DType> dtypes = dtypes_attr(c.attrs());
  const std::vector<Shape> shapes = decode_shapes(c.attrs().get<std::string>("output_shapes"));
  check_signature(element, dtypes, shapes, "The iterator's dataset");
  for (size_t i = 0; i < element.size(); ++i) c.set_output(static_cast<int>(i), element[i]);
}

void get_next_kernel(KernelContext& c) { emit_next(c, state_of(c.ref(0))); }

void to_string_handle_kernel(KernelContext& c) {
  std::shared_ptr<IteratorState> state = shared_state_of(c.ref(0));
  HandleRegistry& r = handles();
  int64_t id;
  {
    std::lock_guard<std::mutex> lock(r.mu);
    if (state->handle_id == 0) {
      for (auto it = r.entries.begin(); it != r.entries.end();)
        it = it->second.state.expired() ? r.entries.erase(it) : std::next(it);
      state->handle_id = r.next++;
      r.entries[state->handle_id] =
          HandleEntry{state, dtypes_attr(c.node().inputs()[0].node->attrs())};
    }
    id = state->handle_id;
  }
  *c.allocate_output(0, DType::kString, {}).data<std::string>() =
      kHandlePrefix + std::to_string(id);
}

void get_next_from_handle_kernel(KernelContext& c) {
  const Tensor& h = c.input(0);
  if (h.dtype() != DType::kString || h.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "string_handle must be a scalar string");
  const std::string& text = *h.data<std::string>();
  const std::string prefix = kHandlePrefix;
  int64_t id = 0;
  if (text.compare(0, prefix.size(), prefix) == 0) {
    try {
      id = std::stoll(text.substr(prefix.size()));
    } catch (const std::exception&) {
      id = 0;
    }
  }
  if (id <= 0)
    c.fail(ErrorCode::kInvalidArgument, "Could not parse string_handle '", text,
           "' (it must come from Iterator.string_handle())");
  std::shared_ptr<IteratorState> state;
  std::vector<DType> dtypes;
  {
    HandleRegistry& r = handles();
    std::lock_guard<std::mutex> lock(r.mu);
    auto it = r.entries.find(id);
    if (it != r.entries.end()) {
      state = it->second.state.lock();
      dtypes = it->second.dtypes;
    }
  }
  if (!state)
    c.fail(ErrorCode::kNotFound, "Resource ", text,
           " does not exist (its iterator's session was closed)");
  const std::vector<DType> want = dtypes_attr(c.attrs());
  if (dtypes.size() != want.size())
    c.fail(ErrorCode::kInvalidArgument, "Number of components does not match: expected ",
           want.size(), " types but got ", dtypes.size(), ".");
  for (size_t i = 0; i < want.size(); ++i)
    if (dtypes[i] != want[i])
      c.fail(ErrorCode::kInvalidArgument, "Data type mismatch at component ", i, ": expected ",
             dtype_tf_name(want[i]), " but got ", dtype_tf_name(dtypes[i]), ".");
  emit_next(c, *state);
}

void signature_outputs(InferenceContext& c) {
  const std::vector<DType> dtypes = dtypes_attr(c.attrs());
  std::vector<Shape> shapes = decode_shapes(c.attrs().get<std::string>("output_shapes"));
  if (shapes.size() != dtypes.size())
    c.value_error("output_shapes has ", shapes.size(), " shapes but output_types has ",
                  dtypes.size(), " types");
  c.set_num_outputs(static_cast<int>(dtypes.size()));
  for (size_t i = 0; i < dtypes.size(); ++i)
    c.set_output(static_cast<int>(i), dtypes[i], shapes[i]);
}

void handle_shape(InferenceContext& c) { c.set_output(0, DType::kInt64, Shape{}); }

void register_data_ops(OpRegistry& r) {
  register_parse_example(r);
  r.add("IteratorV2")
      .outputs({"handle"})
      .required_attr("output_types", AttrType::kIntList, "the element's dtypes (DType values)")
      .required_attr("output_shapes", AttrType::kString, "the element's shapes (data.h)")
      .attr("shared_name", "", "unused: TF1 resource sharing")
      .attr("container", "", "unused: TF1 resource containers")
      .stateful()
      .shape(handle_shape)
      .kernel(iterator_kernel)
      .not_differentiable()
      .doc("An iterator's per-session state; MakeIterator starts it, IteratorGetNext reads it.");
  r.add("MakeIterator")
      .inputs({"iterator", "inputs"})
      .variadic_inputs()
      .ref_inputs_where([](int i) { return i == 0; })
      .reads_refs_only()
      .required_attr("dataset_id", AttrType::kInt, "the registered dataset (data.h)")
      .shape([](InferenceContext& c) {
        if (c.num_inputs() < 1 || c.input(0).node->type() != "IteratorV2")
          c.type_error("input 0 must be an IteratorV2");
        c.set_num_outputs(0);
      })
      .kernel(make_iterator_kernel)
      .not_differentiable()
      .doc("Binds a dataset to the values of its inputs and (re)starts the iterator on it.");
  r.add("OneShotIterator")
      .inputs({"inputs"})
      .variadic_inputs()
      .outputs({"handle"})
      .required_attr("dataset_id", AttrType::kInt, "the registered dataset (data.h)")
      .required_attr("output_types", AttrType::kIntList, "the element's dtypes (DType values)")
      .required_attr("output_shapes", AttrType::kString, "the element's shapes (data.h)")
      .stateful()
      .shape(handle_shape)
      .kernel(one_shot_kernel)
      .not_differentiable()
      .doc("An iterator that binds its dataset the first time it is used.");
  r.add("IteratorGetNext")
      .inputs({"iterator"})
      .outputs({"components"})
      .ref_inputs_where([](int i) { return i == 0; })
      .reads_refs_only()
      .required_attr("output_types", AttrType::kIntList, "the element's dtypes (DType values)")
      .required_attr("output_shapes", AttrType::kString, "the element's shapes (data.h)")
      .shape([](InferenceContext& c) {
        const std::string& type = c.input(0).node->type();
        if (type != "IteratorV2" && type != "OneShotIterator")
          c.type_error("input 0 must be an iterator, got '", type, "'");
        signature_outputs(c);
      })
      .kernel(get_next_kernel)
      .not_differentiable()
      .doc("The iterator's next element; OutOfRange \"End of sequence\" after the last.");
  r.add("IteratorToStringHandle")
      .inputs({"resource_handle"})
      .outputs({"string_handle"})
      .ref_inputs_where([](int i) { return i == 0; })
      .reads_refs_only()
      .shape([](InferenceContext& c) {
        const std::string& type = c.input(0).node->type();
        if (type != "IteratorV2" && type != "OneShotIterator")
          c.type_error("input 0 must be an iterator, got '", type, "'");
        c.set_output(0, DType::kString, Shape{});
      })
      .kernel(to_string_handle_kernel)
      .not_differentiable()
      .doc("A string naming the iterator's state in this session (Iterator.string_handle).");
  r.add("IteratorGetNextFromStringHandle")
      .inputs({"string_handle"})
      .outputs({"components"})
      .required_attr("output_types", AttrType::kIntList, "the element's dtypes (DType values)")
      .required_attr("output_shapes", AttrType::kString, "the element's shapes (data.h)")
      .stateful()  // reads whichever iterator the fed handle names: never folded or shared
      .shape([](InferenceContext& c) {
        if (c.input_dtype(0) != DType::kString) c.type_error("string_handle must be a string");
        signature_outputs(c);
      })
      .kernel(get_next_from_handle_kernel)
      .not_differentiable()
      .doc("The next element of the iterator a string handle names (Iterator.from_string_handle).");
}

const bool kRegistered = (add_op_library(&register_data_ops), true);

}  // namespace

}  // namespace varflow::data
