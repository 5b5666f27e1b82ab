// varflow: TensorFlow 1.x's training machinery as an embeddable C++ library.
//
// A host builds a graph, differentiates it and runs it in a Session, as a TF1 script does
// (tests/cpp/generated_builders_test.cc compiles and runs this example, cut from here):
//
//   using namespace varflow;
//   auto g = std::make_shared<Graph>();
//   Output x = ops::placeholder(*g, DType::kFloat32, Shape({-1, 3}), "x");
//   Variable w = Variable::create(*g, Tensor::zeros(DType::kFloat32, {3, 1}), "w");
//   Output y = ops::matmul(x, w.value());
//   Output loss = ops::reduce_mean(y * y, {});
//   std::vector<std::optional<Output>> grads = gradients({loss}, {w.value()});
//   Session session(g);
//   session.run({}, {}, {global_variables_initializer(*g)});
//   std::vector<Tensor> out = session.run({{x, x_value}}, {loss, *grads[0]});
//
// Ops are listed in the OpRegistry; every one has a shape rule, a kernel and a gradient (or is
// marked not differentiable), and a typed builder named as the op in varflow/ops_generated.h
// (ops::MatMul(a, b, ops::MatMulAttrs().with_transpose_b(true))), generated from the registry.
#pragma once

#include "varflow/checkpoint.h"
#include "varflow/collective.h"
#include "varflow/control_flow.h"
#include "varflow/data.h"
#include "varflow/dtype.h"
#include "varflow/eager.h"
#include "varflow/errors.h"
#include "varflow/gradients.h"
#include "varflow/graph.h"
#include "varflow/graph_def.h"
#include "varflow/host_function.h"
#include "varflow/op_registry.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/plan.h"
#include "varflow/queue_runner.h"
#include "varflow/runtime.h"
#include "varflow/session.h"
#include "varflow/shape.h"
#include "varflow/tensor.h"
#include "varflow/train/arg.h"
#include "varflow/train/array_math.h"
#include "varflow/train/clip.h"
#include "varflow/train/conv_layers.h"
#include "varflow/train/embeddings.h"
#include "varflow/train/functional.h"
#include "varflow/train/initializers.h"
#include "varflow/train/layers.h"
#include "varflow/train/losses.h"
#include "varflow/train/math.h"
#include "varflow/train/metrics.h"
#include "varflow/train/moving_averages.h"
#include "varflow/train/nn.h"
#include "varflow/train/optimizer.h"
#include "varflow/train/optimizers.h"
#include "varflow/train/rnn.h"
#include "varflow/train/rnn_cells.h"
#include "varflow/train/sampled_losses.h"
#include "varflow/train/schedules.h"
#include "varflow/train/sparse.h"
#include "varflow/train/training_util.h"
#include "varflow/variable.h"
