// train::Arg: an argument of tf.train's composite functions (schedules, clipping, losses...).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "varflow/graph.h"
#include "varflow/variable.h"

namespace varflow::train {

// A number, a tensor, or a function that builds the tensor. The composite functions turn
// their arguments into tensors at the point of the formula where TF1 does, so that nodes are
// created (and named) in TF1's order:
//   - a number becomes a scalar Const of the formula's dtype (float32 when the argument fixes
//     the dtype itself), named as TF1 names it ("Const", "clip_norm", ...);
//   - a tensor (a variable: its value) is cast to the formula's dtype when it differs;
//   - a builder is called with the dtype asked for (nullopt: the argument's own) and the
//     node name; this is how the Python API applies its own conversion rules and errors.
// An Arg may carry both a number and a builder: the number is what the function may branch on
// at build time (cosine_decay_restarts' t_mul == 1), the builder makes its tensor.
// An Arg is a value; converting it adds nodes to a graph, so it shares the graph's rule: one
// thread builds a graph at a time.
class Arg {
 public:
  using Builder = std::function<Output(std::optional<DType> dtype, const std::string& name)>;

  Arg(double value) : number_(value) {}                        // NOLINT: numbers convert implicitly
  Arg(int value) : number_(value) {}                           // NOLINT
  Arg(int64_t value) : number_(static_cast<double>(value)) {}  // NOLINT
  Arg(Output tensor) : tensor_(tensor) {}                      // NOLINT
  Arg(const Variable& variable) : tensor_(variable.value()) {}  // NOLINT: its read snapshot
  Arg(Builder build) : build_(std::move(build)) {}              // NOLINT
  Arg(double value, Builder build) : number_(value), build_(std::move(build)) {}

  // The argument as a tensor of `dtype` (see above). Throws kType when a number cannot be
  // represented in an integer dtype, and whatever a builder throws.
  Output tensor(Graph& graph, std::optional<DType> dtype, const std::string& name = "Const") const;
  // The argument as an axis or index tensor: a number becomes an int32 Const (int64 when it
  // does not fit), a tensor is taken as it is.
  Output index_tensor(Graph& graph, const std::string& name = "Const") const;
  // The number, when the argument is one (known while the graph is built).
  std::optional<double> number() const { return number_; }

 private:
  std::optional<double> number_;
  std::optional<Output> tensor_;
  Builder build_;
};

}  // namespace varflow::train
