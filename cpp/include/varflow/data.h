// Input pipelines (TF's tf.data) in C++: a dataset is described once at graph-build time as a
// tree of DatasetSpecs, bound to the values of its input tensors when an iterator is
// initialised (so a pipeline built from placeholders re-reads the fed values each time), and
// iterated in C++: functions (map, filter, flat_map) are traced graphs run with their own
// Session, prefetching and parallel map use the pipeline's own threads.
//
// The graph side: MakeIterator(iterator, inputs...) binds a registered spec to its inputs and
// stores the iterator in the IteratorV2 node's per-session state; IteratorGetNext pulls the
// next element and raises kOutOfRange ("End of sequence") at the end. OneShotIterator binds
// on first use. Specs are registered process-wide (register_dataset) and named by id in the
// ops' `dataset_id` attribute; the four ops join the registry in every program that links
// register_dataset (they are in its object file), and only there, so they have no typed
// builders in ops_generated.h: build them with Graph::add_node.
//
// Errors: binding and iteration throw varflow::Error: kInvalidArgument for bad values (slice
// components of different lengths, batching elements of different shapes, a generator value
// of the wrong dtype or shape), kOutOfRange at the end, kFailedPrecondition for an iterator
// that was never initialised; errors of a function's graph pass through with its node named.
// Thread-safety: specs are immutable once registered; a bound Dataset may make iterators from
// any thread; one Iterator is used by one thread at a time (IteratorGetNext locks it).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "varflow/graph.h"
#include "varflow/shape.h"
#include "varflow/tensor.h"

namespace varflow::data {

using Element = std::vector<Tensor>;

struct DatasetSpec;

// A traced function: its graph, the placeholders it takes (the element's components, then one
// per captured outer value) and its results. `captured` indexes the binding scope's inputs;
// for a function that builds a dataset (flat_map, interleave), `dataset` is that dataset's
// spec, whose own inputs index this function's results.
struct GraphFunction {
  std::shared_ptr<Graph> graph;
  std::vector<Output> args;
  std::vector<Output> results;
  std::vector<int> captured;
  std::shared_ptr<const DatasetSpec> dataset;
  std::string name;  // the transformation's op name, for error messages
};

// Python's (or a host's) generator: a factory called once per iteration, returning a function
// that fills the next element and returns false at the end.
using GeneratorFn = std::function<std::function<bool(Element*)>()>;

// One node of a pipeline. `kind` is TF's dataset op name without "Dataset" (TensorSlice,
// Tensors, Range, Zip, Concatenate, Map, Filter, FlatMap, Interleave, Batch, PaddedBatch,
// Shuffle, Repeat, Prefetch, Take, Skip, Cache, Generator). `args` index the binding scope's
// input tensors: components (TensorSlice, Tensors), then the scalar parameters in TF's order
// (Range: start, stop, step; Batch: batch_size, drop_remainder; PaddedBatch: batch_size, one
// padded shape and one padding value per component, drop_remainder; Shuffle: buffer_size,
// seed, seed2; Repeat/Take/Skip: count; Prefetch: buffer_size; Interleave: cycle_length,
// block_length). `options` holds static flags (num_parallel_calls, reshuffle_each_iteration).
struct DatasetSpec {
  std::string kind;
  std::string name;  // for error messages ("TensorSliceDataset", "MapDataset", ...)
  std::vector<std::shared_ptr<const DatasetSpec>> inputs;
  std::vector<int> args;
  std::shared_ptr<const GraphFunction> fn;
  GeneratorFn generator;
  std::map<std::string, int64_t> options;
  std::vector<DType> dtypes;  // the element's components
  std::vector<Shape> shapes;
};

class Iterator {
 public:
  virtual ~Iterator() = default;
  // The next element into *out; false at the end (and on every later call).
  virtual bool next(Element* out) = 0;
};

// A spec bound to its input values: makes any number of iterators (repeat, re-iteration).
class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual std::unique_ptr<Iterator> make_iterator() const = 0;
};

// Binds `spec` to `inputs` (the values of the scope's input tensors). Checks what can be
// checked before iterating (slice lengths, scalar parameters) with kInvalidArgument.
std::shared_ptr<const Dataset> bind_dataset(const DatasetSpec& spec,
                                            const std::vector<Tensor>& inputs);

// Process-wide registry of specs, named by id in the iterator ops' `dataset_id` attribute.
int64_t register_dataset(std::shared_ptr<const DatasetSpec> spec);
std::shared_ptr<const DatasetSpec> registered_dataset(int64_t id);  // kNotFound if unknown

// The element signature as the ops' `output_shapes` attribute holds it: "2,-1;;*" is
// ((2, ?), (), <unknown rank>).
std::string encode_shapes(const std::vector<Shape>& shapes);
std::vector<Shape> decode_shapes(const std::string& text);

}  // namespace varflow::data
