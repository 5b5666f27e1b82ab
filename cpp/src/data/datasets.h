// The dataset kinds: each binds its spec to the scope's input values (bind.cc dispatches on
// DatasetSpec::kind).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "varflow/data.h"
#include "varflow/op_registry.h"

namespace varflow::data {

using DatasetPtr = std::shared_ptr<const Dataset>;

// What a kind's binder sees: its spec, its input datasets (already bound) and its arguments.
struct Binding {
  const DatasetSpec& spec;
  const std::vector<Tensor>& scope;
  std::vector<DatasetPtr> inputs;

  const Tensor& arg(size_t i) const;
  int64_t int_arg(size_t i, const std::string& what) const;
  bool bool_arg(size_t i, const std::string& what) const;
  int64_t option(const std::string& key, int64_t fallback) const;
  std::vector<Tensor> captured() const;  // the values spec.fn captured
};

DatasetPtr bind_tensor_slice(const Binding& b);
DatasetPtr bind_tensors(const Binding& b);
DatasetPtr bind_range(const Binding& b);
DatasetPtr bind_generator(const Binding& b);
DatasetPtr bind_zip(const Binding& b);
DatasetPtr bind_concatenate(const Binding& b);
DatasetPtr bind_batch(const Binding& b);
DatasetPtr bind_padded_batch(const Binding& b);
DatasetPtr bind_repeat(const Binding& b);
DatasetPtr bind_take(const Binding& b);
DatasetPtr bind_skip(const Binding& b);
DatasetPtr bind_cache(const Binding& b);
DatasetPtr bind_shuffle(const Binding& b);
DatasetPtr bind_prefetch(const Binding& b);
DatasetPtr bind_map(const Binding& b);
DatasetPtr bind_filter(const Binding& b);
DatasetPtr bind_flat_map(const Binding& b);
DatasetPtr bind_interleave(const Binding& b);
DatasetPtr bind_tfrecord(const Binding& b);

// ParseExample (parse_example_ops.cc), registered with the iterator ops.
void register_parse_example(OpRegistry& r);

// Checks an element against the signature its producer declared (generators, iterators
// initialised from another structure): kInvalidArgument naming `who`.
void check_signature(const Element& element, const std::vector<DType>& dtypes,
                     const std::vector<Shape>& shapes, const std::string& who);

}  // namespace varflow::data
