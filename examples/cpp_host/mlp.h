// The digits MLP of `python -m varflow.demo`, built from the public C++ API: two dense layers
// (64-128-10, ReLU) with L2-regularized glorot-uniform kernels, the sparse softmax cross
// entropy plus the regularization loss, Adam on an exponentially decaying learning rate with
// the gradients clipped by their global norm, and an exponential moving average of the weights
// updated after every step, with a second copy of the model reading the averages.
//
// The graph is built op for op in the order the Python API builds it, so that with the same
// graph seed every initializer gets the op seed the Python demo's gets (TF1's rule: the number
// of nodes built so far) and draws the same Philox numbers.
#pragma once

#include <cstdint>
#include <memory>

#include "varflow/varflow.h"

struct MlpOptions {
  int64_t features = 64;
  int64_t hidden = 128;
  int64_t classes = 10;
  int64_t steps = 1500;  // the learning rate halves every max(steps / 4, 1) steps
  double learning_rate = 3e-3;
  double l2_scale = 1e-4;
  double clip_norm = 5.0;
  double ema_decay = 0.99;
  int64_t seed = 0;  // the graph-level seed (tf.set_random_seed)
};

struct Mlp {
  std::shared_ptr<varflow::Graph> graph;
  varflow::Output x, y;  // float32 [batch, features], int32 [batch]
  varflow::Output loss;  // cross entropy + regularization, the training objective
  varflow::Output xent, averaged_xent;
  varflow::Output predictions, averaged_predictions;  // int64 argmax of the logits
  varflow::Output learning_rate;
  varflow::Variable global_step;
  varflow::Node* train = nullptr;  // one Adam step, then the moving averages
  varflow::Node* init = nullptr;
  varflow::NamedVariables checkpointed;  // every global variable, by its name
};

// Throws varflow::Error if the graph cannot be built (it always can for positive sizes).
Mlp build_mlp(const MlpOptions& options);
