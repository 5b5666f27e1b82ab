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

struct GetVariableOptions {
  DType dtype = DType::kFloat32;
  // Default: glorot_uniform for floating dtypes, zeros for integers and bool (TF1's choice).
  Initializer initializer;
  Regularizer regularizer;
  bool trainable = true;
  // Empty: GLOBAL_VARIABLES, plus TRAINABLE_VARIABLES when trainable.
  std::vector<std::string> collections;
  // Return the existing variable of this name (checked for shape and dtype) instead of failing.
  bool reuse = false;
};

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
// of rank > 2 are flattened to 2-D and back (their leading dimensions must be known). The
// variables are created before the ops, as the layer's build() does.
DenseLayer dense(Graph& graph, Output inputs, int64_t units, const DenseOptions& options = {});

// tf.losses.sparse_softmax_cross_entropy: the SparseSoftmaxCrossEntropyWithLogits "xentropy" of
// rank-2 logits and rank-1 integer labels (floating labels are cast to int64, as TF1), weighted
// and reduced by compute_weighted_loss. Default scope "sparse_softmax_cross_entropy_loss".
Output sparse_softmax_cross_entropy(Graph& graph, Output labels, Output logits,
                                    const Arg& weights = 1.0, const std::string& name = "",
                                    const LossOptions& options = {});

}  // namespace varflow::train
