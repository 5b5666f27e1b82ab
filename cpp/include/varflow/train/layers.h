// TF1's variable creation and first layers for C++ hosts: tf.get_variable (the initializer
// under "<name>/Initializer/", the regularizer under "<name>/Regularizer/" into
// REGULARIZATION_LOSSES), tf.contrib.layers.l2_regularizer, tf.layers.dense and
// tf.losses.sparse_softmax_cross_entropy, with TF1's variable and op names and, for a seeded
// graph, TF1's numbers (the Python API builds the same nodes in the same order).
//
// Errors: kValue for a variable that exists already (without reuse) or is reused with another
// shape or dtype, a shape that is not fully defined, a dense input whose last dimension is
// unknown, labels/logits of mismatched rank; kType for non-integer labels of the wrong kind;
// otherwise what the op builders raise.
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/arg.h"
#include "varflow/train/initializers.h"
#include "varflow/train/losses.h"
#include "varflow/variable.h"

namespace varflow::train {

// A regularizer returns the penalty of a variable (or nothing), built in its name scope.
using Regularizer = std::function<std::optional<Output>(Graph& graph, const Variable& variable)>;
// scale * l2_loss(variable) in scope "l2_regularizer" (a "scale" constant of its dtype).
// scale 0 gives no penalty, as TF1; kValue for a negative scale.
Regularizer l2_regularizer(double scale);
// The penalty itself, of any tensor: Mul(scale, L2Loss(weights)) named `name` (the caller's
// "l2_regularizer" scope), `scale` converted to the weights' dtype as "scale".
Output l2_penalty(Graph& graph, Output weights, const Arg& scale, const std::string& name);
// tf.contrib.layers.l1_regularizer: scale * sum(abs(variable)) in scope "l1_regularizer"; scale 0
// gives no penalty; kValue for a negative scale.
Regularizer l1_regularizer(double scale);
// Its penalty of any tensor: Mul(scale, Sum(Abs(weights))) named `name`, `scale` converted to
// the weights' dtype as "scale".
Output l1_penalty(Graph& graph, Output weights, const Arg& scale, const std::string& name);
// tf.contrib.layers.sum_regularizer: the AddN of the penalties the regularizers give (none:
// nothing), named as the scope `scope` (default "sum_regularizer").
Regularizer sum_regularizer(std::vector<Regularizer> regularizers, const std::string& scope = "");
// tf.contrib.layers.l1_l2_regularizer: the sum of the L1 and L2 penalties, in scope
// "l1_l2_regularizer"; both scales 0 give no penalty.
Regularizer l1_l2_regularizer(double scale_l1 = 1.0, double scale_l2 = 1.0);

struct GetVariableOptions {
  DType dtype = DType::kFloat32;
  // Default: glorot_uniform for floating dtypes, zeros for integers and bool (TF1's choice).
  Initializer initializer;
  Regularizer regularizer;
  bool trainable = true;
  // Empty: GLOBAL_VARIABLES, plus TRAINABLE_VARIABLES when trainable.
  std::vector<std::string> collections;
  // Return the existing variable of this name (checked for shape and dtype) instead of failing;
  // a missing one is then an error.
  bool reuse = false;
  // tf.AUTO_REUSE: return the existing variable when there is one, else create it (`reuse` is
  // ignored).
  bool auto_reuse = false;
};

// TF1's reuse modes of a variable scope: False (create; an existing name is an error), True
// (reuse; a missing name is an error) and AUTO_REUSE.
enum class Reuse { kCreate, kReuse, kAuto };

// The shape and dtype of a variable get_variable found under a name.
struct FoundVariable {
  Shape shape;
  DType dtype;
};

// TF1's _VariableStore checks of get_variable for `name` before anything is built: with an
// existing variable `found`, kValue when `reuse` is kCreate ("... already exists, disallowed.",
// then `defined_at` when not empty: where it was defined, as TF1's message ends), when `shape`
// is incompatible with the found one or `dtype` differs; without one, kValue when `reuse` is
// kReuse. Returns true when the found variable is to be returned, false when a new one is to be
// created. Thread-safe (it builds nothing).
bool check_get_variable(const std::string& name, const std::optional<FoundVariable>& found,
                        const Shape& shape, DType dtype, Reuse reuse,
                        const std::string& defined_at = "");

// tf.get_variable with `name` the full name (variable scope included: "mlp/hidden/kernel"),
// built in the root name scope outside any control dependencies, as TF1 does.
Variable get_variable(Graph& graph, const std::string& name, const Dims& shape,
                      const GetVariableOptions& options = {});

struct DenseOptions {
  // The layer's name: variables "<variable_scope>/<name>/kernel" and ".../bias", ops in the name
  // scope <name> (made unique in the current name scope). Empty: "dense", or "dense_1", ... the
  // first whose kernel does not exist yet.
  std::string name;
  std::string variable_scope;                // the enclosing tf.variable_scope ("" for none)
  std::function<Output(Output)> activation;  // e.g. [](Output x) { return ops::Relu(x); }
  bool use_bias = true;
  Initializer kernel_initializer;  // default glorot_uniform
  Initializer bias_initializer;    // default zeros
  Regularizer kernel_regularizer, bias_regularizer;
  bool trainable = true;
};

struct DenseLayer {
  Variable kernel;
  std::optional<Variable> bias;
  Output output;
};

// tf.layers.dense: activation(inputs @ kernel + bias), kernel [last dim of inputs, units]. Inputs
// of rank > 2 are flattened to 2-D and back (dense_output). The variables are created before the
// ops, as the layer's build() does; inputs that are not floating are cast to float32, as TF1's
// layers do.
DenseLayer dense(Graph& graph, Output inputs, int64_t units, const DenseOptions& options = {});

// The computation of tf.layers.dense given its variables, in the current name scope (dense()
// opens the layer's): `inputs` cast to the kernel's dtype when it differs ("Cast"); for rank 2
// MatMul "MatMul", for rank > 2 a Reshape to [-1, in] (a "Const"), MatMul, and a Reshape
// "Tensordot" to the leading dimensions plus `units` (a "Const" when the leading dimensions are
// known, else Shape, Unpack "unstack", a "Const" of units and Pack "stack", the static shape
// set as TF1's Dense does); then BiasAdd (scope
// "BiasAdd") and `activation`. kValue for inputs of unknown rank or rank < 2, or a last
// dimension that is not the kernel's first.
// `kernel` and `bias` are the variables' values (Variable::value(), or what a custom getter made).
Output dense_output(Graph& graph, Output inputs, Output kernel, std::optional<Output> bias,
                    const std::function<Output(Output)>& activation = nullptr);

// tf.nn.sparse_softmax_cross_entropy_with_logits, in scope `name` (default
// "SparseSoftmaxCrossEntropyWithLogits"): for rank-2 logits the op named after the scope; for any
// other rank, known or not, the rows of the last axis (logits reshaped to [-1, classes] through
// Shape/Rank/Slice/ConcatV2, labels to [-1]) and the loss reshaped back to the labels' shape,
// named after the scope. `labels` and `logits` are converted (Arg::tensor, name "Const") inside
// the scope. kValue for labels that are not integers or ranks that do not match.
Output sparse_softmax_cross_entropy_with_logits(Graph& graph, const Arg& labels, const Arg& logits,
                                                const std::string& name = "");

// tf.losses.sparse_softmax_cross_entropy: the sparse_softmax_cross_entropy_with_logits
// "xentropy" of logits and integer labels of one rank less (floating labels are cast to int64,
// as TF1), weighted and reduced by compute_weighted_loss. Default scope
// "sparse_softmax_cross_entropy_loss".
Output sparse_softmax_cross_entropy(Graph& graph, const Arg& labels, const Arg& logits,
                                    const Arg& weights = 1.0, const std::string& name = "",
                                    const LossOptions& options = {});

}  // namespace varflow::train
