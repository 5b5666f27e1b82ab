// The C++ convolution (1-D, 2-D, 3-D, transposed), pooling and flatten layers
// (train/conv_layers.h), the softmax family over
// any axis (train/nn.h) and the loss collections' sums (train/losses.h), as a C++ host uses them:
// TF1's names and shapes, values against sums written out here, the errors, and a small CNN that
// learns. (tests/python/test_layers_core_parity.py checks that tf.layers builds the same nodes.)
#include "varflow/train/conv_layers.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "harness.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/session.h"
#include "varflow/train/initializers.h"
#include "varflow/train/layers.h"
#include "varflow/train/losses.h"
#include "varflow/train/nn.h"
#include "varflow/train/optimizers.h"
#include "varflow/variable.h"

using namespace varflow;
namespace train = varflow::train;

namespace {

using FeedMap = std::vector<std::pair<Output, Tensor>>;

std::vector<double> values_of(Session& s, Output t, const FeedMap& feeds = {}) {
  Tensor v = s.run(feeds, {t})[0].cast(DType::kFloat64);
  return std::vector<double>(v.data<double>(), v.data<double>() + v.num_elements());
}

// 0, 0.1, 0.2, ... as a float tensor of `dims`.
Tensor iota(const Dims& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  std::vector<float> values(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) values[static_cast<size_t>(i)] = static_cast<float>(i) * 0.1f;
  return Tensor::from_vector<float>(values, dims);
}

}  // namespace

VF_TEST(conv2d_layer_has_tf1_names_and_sums_its_window) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({-1, 4, 4, 2}), "x");
  train::Conv2DOptions options;
  options.padding = "Same";
  options.kernel_initializer = train::ones_initializer();
  options.bias_initializer = train::constant_initializer(0.5);
  options.activation = [](Output h) { return ops::Relu(h, "Relu"); };
  train::ConvLayer a = train::conv2d(*g, x, 3, {3, 3}, options);
  train::Conv2DOptions second;
  second.use_bias = false;
  second.strides = {2, 2};
  train::ConvLayer b = train::conv2d(*g, a.output, 1, {2, 2}, second);
  EXPECT_EQ(a.kernel.op_name(), std::string("conv2d/kernel"));
  EXPECT_EQ(a.bias->op_name(), std::string("conv2d/bias"));
  EXPECT_EQ(b.kernel.op_name(), std::string("conv2d_1/kernel"));
  EXPECT_TRUE(!b.bias.has_value());
  EXPECT_TRUE(g->find_node("conv2d/Conv2D") != nullptr);
  EXPECT_TRUE(g->find_node("conv2d/BiasAdd") != nullptr);
  EXPECT_EQ(a.output.node->name(), std::string("conv2d/Relu"));
  EXPECT_TRUE(a.kernel.shape() == Shape({3, 3, 2, 3}));
  EXPECT_TRUE(a.output.shape() == Shape({-1, 4, 4, 3}));
  EXPECT_TRUE(b.output.shape() == Shape({-1, 2, 2, 1}));

  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  const Tensor input = iota({1, 4, 4, 2});
  std::vector<double> out = values_of(s, a.output, {{x, input}});
  // Output (i, j, f): 0.5 + the sum of the input over the 3x3 window around (i, j), zero padded.
  const float* in = input.data<float>();
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      double sum = 0.5;
      for (int di = -1; di <= 1; ++di)
        for (int dj = -1; dj <= 1; ++dj) {
          const int r = i + di, c = j + dj;
          if (r < 0 || r > 3 || c < 0 || c > 3) continue;
          sum += in[(r * 4 + c) * 2] + in[(r * 4 + c) * 2 + 1];
        }
      for (int f = 0; f < 3; ++f)
        EXPECT_NEAR(out[static_cast<size_t>((i * 4 + j) * 3 + f)], sum, 1e-4);
    }
}

VF_TEST(conv2d_channels_first_and_transpose_shapes) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({2, 3, 8, 8}), "x");
  train::Conv2DOptions first;
  first.data_format = train::DataFormat::kChannelsFirst;
  first.dilation_rate = {2, 2};
  train::ConvLayer c = train::conv2d(*g, x, 5, {3, 3}, first);
  EXPECT_TRUE(c.output.shape() == Shape({2, 5, 4, 4}));
  EXPECT_TRUE(c.kernel.shape() == Shape({3, 3, 3, 5}));

  Output y = ops::placeholder(*g, DType::kFloat32, Shape({-1, 4, 4, 3}), "y");
  train::Conv2DOptions valid;
  valid.strides = {2, 2};
  train::ConvLayer t = train::conv2d_transpose(*g, y, 2, {3, 3}, valid);
  EXPECT_EQ(t.kernel.op_name(), std::string("conv2d_transpose/kernel"));
  EXPECT_TRUE(t.kernel.shape() == Shape({3, 3, 2, 3}));
  EXPECT_TRUE(g->find_node("conv2d_transpose/conv2d_transpose") != nullptr);
  EXPECT_TRUE(t.output.shape() == Shape({-1, 9, 9, 2}));  // 4 * 2 + max(3 - 2, 0)
  train::Conv2DOptions same;
  same.strides = {2, 2};
  same.padding = "SAME";
  train::ConvLayer u = train::conv2d_transpose(*g, y, 2, {3, 3}, same);
  EXPECT_EQ(u.kernel.op_name(), std::string("conv2d_transpose_1/kernel"));

  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  Tensor out = s.run({{y, iota({3, 4, 4, 3})}}, {u.output})[0];
  EXPECT_TRUE(out.dims() == (Dims{3, 8, 8, 2}));

  EXPECT_ERROR(
      train::conv2d(*g, ops::placeholder(*g, DType::kFloat32, Shape({2, 4, 3})), 2, {3, 3}),
      ErrorCode::kValue,
      "Input 0 of layer conv2d is incompatible with the layer: expected ndim=4, found "
      "ndim=3. Full shape received: [2, 4, 3]");
  EXPECT_ERROR(
      train::conv2d(*g, ops::placeholder(*g, DType::kFloat32, Shape({2, 4, 4, -1})), 2, {3, 3}),
      ErrorCode::kValue, "The channel dimension of the inputs should be defined. Found `None`.");
  train::Conv2DOptions causal;
  causal.padding = "causal";
  EXPECT_ERROR(train::conv2d(*g, y, 2, {3, 3}, causal), ErrorCode::kValue,
               "The `padding` argument must be a list/tuple or one of \"valid\", \"same\"");
  EXPECT_ERROR(train::conv2d(*g, y, 0, {3, 3}), ErrorCode::kValue, "`filters` must be positive");
  EXPECT_ERROR(train::conv2d_transpose(
                   *g, ops::placeholder(*g, DType::kFloat32, Shape({1, -1, 4, 3})), 2, {3, 3}),
               ErrorCode::kValue, "conv2d_transpose needs inputs of known spatial sizes");
}

VF_TEST(pooling_and_flatten_layers) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({-1, 4, 4, 1}), "x");
  Output max = train::max_pooling2d(*g, x, {2, 2}, {2, 2});
  Output avg = train::average_pooling2d(*g, x, {2, 2}, {2, 2}, "valid",
                                        train::DataFormat::kChannelsLast, "avg");
  EXPECT_EQ(max.node->name(), std::string("max_pooling2d/MaxPool"));
  EXPECT_EQ(avg.node->name(), std::string("avg/AvgPool"));
  Output flat = train::flatten(*g, max);
  EXPECT_EQ(flat.node->name(), std::string("flatten/Reshape"));
  EXPECT_TRUE(flat.shape() == Shape({-1, 4}));
  Output known = ops::placeholder(*g, DType::kFloat32, Shape({3, -1, 5}), "known");
  EXPECT_TRUE(train::flatten(*g, known).shape() == Shape({3, -1}));
  Output unknown = ops::placeholder(*g, DType::kFloat32, Shape({-1, -1, 5}), "unknown");
  Output dyn = train::flatten(*g, unknown);
  EXPECT_TRUE(g->find_node("flatten_2/unstack") != nullptr);
  Output cf = ops::placeholder(*g, DType::kFloat32, Shape({1, 2, 2, 2}), "cf");
  Output cf_flat = train::flatten(*g, cf, train::DataFormat::kChannelsFirst);
  EXPECT_ERROR(train::flatten(*g, ops::placeholder(*g, DType::kFloat32, Shape())),
               ErrorCode::kValue, "flatten needs inputs of known rank");
  EXPECT_ERROR(train::max_pooling2d(*g, known, {2, 2}, {2, 2}), ErrorCode::kValue,
               "Input 0 of layer max_pooling2d is incompatible with the layer");

  Session s(g);
  std::vector<double> m = values_of(s, max, {{x, iota({1, 4, 4, 1})}});
  std::vector<double> a = values_of(s, avg, {{x, iota({1, 4, 4, 1})}});
  const std::vector<double> max_expected{0.5, 0.7, 1.3, 1.5}, avg_expected{0.25, 0.45, 1.05, 1.25};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(m[i], max_expected[i], 1e-6);
    EXPECT_NEAR(a[i], avg_expected[i], 1e-6);
  }
  Tensor d = s.run({{unknown, iota({2, 3, 5})}}, {dyn})[0];
  EXPECT_TRUE(d.dims() == (Dims{2, 15}));
  // channels_first [1, c=2, h=2, w=2] flattens in (h, w, c) order.
  std::vector<double> f = values_of(s, cf_flat, {{cf, iota({1, 2, 2, 2})}});
  const std::vector<double> f_expected{0.0, 0.4, 0.1, 0.5, 0.2, 0.6, 0.3, 0.7};
  for (size_t i = 0; i < f.size(); ++i) EXPECT_NEAR(f[i], f_expected[i], 1e-6);
}

VF_TEST(conv1d_and_conv3d_layers_sum_their_windows) {
  auto g = std::make_shared<Graph>();
  Output seq = ops::placeholder(*g, DType::kFloat32, Shape({-1, 5, 2}), "seq");
  train::Conv1DOptions one;
  one.kernel_initializer = train::ones_initializer();
  one.bias_initializer = train::constant_initializer(0.5);
  train::ConvLayer c1 = train::conv1d(*g, seq, 3, {2}, one);
  EXPECT_EQ(c1.kernel.op_name(), std::string("conv1d/kernel"));
  EXPECT_TRUE(c1.kernel.shape() == Shape({2, 2, 3}));
  EXPECT_TRUE(g->find_node("conv1d/Conv1D") != nullptr);
  EXPECT_TRUE(c1.output.shape() == Shape({-1, 4, 3}));

  Output vol = ops::placeholder(*g, DType::kFloat32, Shape({-1, 3, 4, 4, 1}), "vol");
  train::Conv3DOptions three;
  three.kernel_initializer = train::ones_initializer();
  three.padding = "same";
  three.strides = {1, 2, 2};
  train::ConvLayer c3 = train::conv3d(*g, vol, 2, {1, 2, 2}, three);
  EXPECT_EQ(c3.output.node->name(), std::string("conv3d/BiasAdd"));
  EXPECT_TRUE(c3.output.shape() == Shape({-1, 3, 2, 2, 2}));
  train::ConvLayer t3 = train::conv3d_transpose(*g, c3.output, 1, {1, 2, 2}, three);
  EXPECT_EQ(t3.kernel.op_name(), std::string("conv3d_transpose/kernel"));
  EXPECT_TRUE(t3.kernel.shape() == Shape({1, 2, 2, 1, 2}));
  EXPECT_TRUE(t3.output.shape() == Shape({-1, 3, 4, 4, 1}));
  EXPECT_ERROR(train::conv3d(*g, seq, 2, {1, 1, 1}), ErrorCode::kValue,
               "expected ndim=5, found ndim=3");
  EXPECT_ERROR(train::conv1d(*g, vol, 2, {1}), ErrorCode::kValue, "expected ndim=3, found ndim=5");

  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  // Each output is its 2 x 2 window's sum plus 0.5, for every filter.
  std::vector<double> y1 = values_of(s, c1.output, {{seq, iota({1, 5, 2})}});
  for (int64_t t = 0; t < 4; ++t)
    for (int64_t f = 0; f < 3; ++f)
      EXPECT_NEAR(y1[static_cast<size_t>(t * 3 + f)], 0.1 * static_cast<double>(8 * t + 6) + 0.5,
                  1e-5);
  // A [1, 2, 2] window of a 4 x 4 plane, stride 2, no bias: the sum of each 2 x 2 block.
  std::vector<double> y3 = values_of(s, c3.output, {{vol, iota({1, 3, 4, 4, 1})}});
  EXPECT_NEAR(y3[0], 0.0 + 0.1 + 0.4 + 0.5, 1e-5);
  EXPECT_NEAR(y3[2 * 4 * 2 + 3 * 2], 4.2 + 4.3 + 4.6 + 4.7, 1e-5);  // d 2, h 1, w 1
}

VF_TEST(pooling1d_and_3d_layers) {
  auto g = std::make_shared<Graph>();
  Output seq = ops::placeholder(*g, DType::kFloat32, Shape({1, 2, 6}), "seq");
  Output max1 = train::max_pooling1d(*g, seq, {2}, {2}, "valid", train::DataFormat::kChannelsFirst);
  EXPECT_EQ(max1.node->name(), std::string("max_pooling1d/Squeeze"));
  EXPECT_TRUE(max1.shape() == Shape({1, 2, 3}));
  Output vol = ops::placeholder(*g, DType::kFloat32, Shape({1, 2, 2, 2, 1}), "vol");
  Output avg3 = train::average_pooling3d(*g, vol, {2, 2, 2}, {1, 1, 1}, "same");
  EXPECT_EQ(avg3.node->name(), std::string("average_pooling3d/AvgPool3D"));
  Output max3 = train::max_pooling3d(*g, vol, {2, 2, 2}, {2, 2, 2});
  EXPECT_TRUE(max3.shape() == Shape({1, 1, 1, 1, 1}));
  EXPECT_ERROR(train::max_pooling3d(*g, seq, {2, 2, 2}, {2, 2, 2}), ErrorCode::kValue,
               "Input 0 of layer max_pooling3d is incompatible with the layer");
  EXPECT_ERROR(train::average_pooling1d(*g, seq, {0}, {1}), ErrorCode::kValue,
               "`pool_size` must be positive");

  Session s(g);
  std::vector<double> m = values_of(s, max1, {{seq, iota({1, 2, 6})}});
  const std::vector<double> m_expected{0.1, 0.3, 0.5, 0.7, 0.9, 1.1};
  for (size_t i = 0; i < m.size(); ++i) EXPECT_NEAR(m[i], m_expected[i], 1e-6);
  // SAME: the first output averages all 8 inputs, the last only itself.
  std::vector<double> a = values_of(s, avg3, {{vol, iota({1, 2, 2, 2, 1})}});
  EXPECT_NEAR(a[0], 0.35, 1e-6);
  EXPECT_NEAR(a[7], 0.7, 1e-6);
  EXPECT_NEAR(values_of(s, max3, {{vol, iota({1, 2, 2, 2, 1})}})[0], 0.7, 1e-6);
}

VF_TEST(separable_conv_layers_are_depthwise_then_pointwise) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({-1, 4, 4, 2}), "x");
  train::SeparableConv2DOptions options;
  options.depth_multiplier = 3;
  options.kernel_initializer = train::ones_initializer();
  options.pointwise_initializer = train::ones_initializer();
  options.bias_initializer = train::constant_initializer(0.25);
  train::SeparableConvLayer a = train::separable_conv2d(*g, x, 2, {2, 2}, options);
  EXPECT_EQ(a.depthwise_kernel.op_name(), std::string("separable_conv2d/depthwise_kernel"));
  EXPECT_TRUE(a.depthwise_kernel.shape() == Shape({2, 2, 2, 3}));
  EXPECT_TRUE(a.pointwise_kernel.shape() == Shape({1, 1, 6, 2}));
  EXPECT_TRUE(a.output.shape() == Shape({-1, 3, 3, 2}));
  EXPECT_TRUE(g->find_node("separable_conv2d/separable_conv2d/depthwise") != nullptr);
  Output seq = ops::placeholder(*g, DType::kFloat32, Shape({1, 5, 2}), "seq");
  train::SeparableConv1DOptions one;
  one.use_bias = false;
  train::SeparableConvLayer b = train::separable_conv1d(*g, seq, 3, {2}, one);
  EXPECT_EQ(b.output.node->name(), std::string("separable_conv1d/Squeeze"));
  EXPECT_TRUE(b.output.shape() == Shape({1, 4, 3}));
  train::SeparableConv2DOptions bad;
  bad.depth_multiplier = 0;
  EXPECT_ERROR(train::separable_conv2d(*g, x, 2, {2, 2}, bad), ErrorCode::kValue,
               "`depth_multiplier` must be positive");

  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  // Ones everywhere: each output sums its 2 x 2 x 2 window three times, plus the bias.
  std::vector<double> y = values_of(s, a.output, {{x, iota({1, 4, 4, 2})}});
  double window = 0;
  for (int h = 0; h < 2; ++h)
    for (int w = 0; w < 2; ++w)
      for (int c = 0; c < 2; ++c) window += 0.1 * static_cast<double>((h * 4 + w) * 2 + c);
  EXPECT_NEAR(y[0], 3 * window + 0.25, 1e-4);
  EXPECT_NEAR(y[1], 3 * window + 0.25, 1e-4);
}

VF_TEST(softmax_over_any_axis) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({2, 3, 2}), "x");
  Output over_1 = train::softmax(*g, x, 1);
  Output log_over_0 = train::log_softmax(*g, x, -3, "ls");
  // As TF1: the op takes the name "Softmax" and the transpose back gets "Softmax_1".
  EXPECT_EQ(over_1.node->name(), std::string("Softmax_1"));
  EXPECT_EQ(over_1.node->type(), std::string("Transpose"));
  EXPECT_EQ(log_over_0.node->name(), std::string("ls"));
  EXPECT_TRUE(over_1.shape() == Shape({2, 3, 2}));
  EXPECT_EQ(train::softmax(*g, x).node->type(), std::string("Softmax"));
  EXPECT_ERROR(train::softmax(*g, x, 3), ErrorCode::kInvalidArgument,
               "`dim` must be in the range [-3, 3) where 3 is the number of dimensions in the "
               "input. Received: dim=3 (op: 'Softmax', name: 'Softmax')");
  EXPECT_ERROR(train::softmax(*g, ops::placeholder(*g, DType::kFloat32, Shape()), 1),
               ErrorCode::kInvalidArgument, "Received: dim=1");
  EXPECT_ERROR(train::softmax(*g, ops::placeholder(*g, DType::kFloat32, Shape::unknown_rank()), 1),
               ErrorCode::kValue, "Softmax over axis 1 (not the last) needs logits of known rank");

  Session s(g);
  const Tensor input = iota({2, 3, 2});
  const float* in = input.data<float>();
  std::vector<double> soft = values_of(s, over_1, {{x, input}});
  std::vector<double> log_soft = values_of(s, log_over_0, {{x, input}});
  for (int a = 0; a < 2; ++a)
    for (int c = 0; c < 2; ++c) {
      double sum = 0;
      for (int b = 0; b < 3; ++b) sum += std::exp(in[(a * 3 + b) * 2 + c]);
      for (int b = 0; b < 3; ++b) {
        const size_t i = static_cast<size_t>((a * 3 + b) * 2 + c);
        EXPECT_NEAR(soft[i], std::exp(in[i]) / sum, 1e-6);
      }
    }
  for (int b = 0; b < 3; ++b)
    for (int c = 0; c < 2; ++c) {
      const size_t i0 = static_cast<size_t>(b * 2 + c), i1 = i0 + 6;
      const double lse = std::log(std::exp(in[i0]) + std::exp(in[i1]));
      EXPECT_NEAR(log_soft[i0], in[i0] - lse, 1e-5);
      EXPECT_NEAR(log_soft[i1], in[i1] - lse, 1e-5);
    }
}

VF_TEST(softmax_cross_entropy_over_an_inner_axis_and_as_a_loss) {
  auto g = std::make_shared<Graph>();
  Output logits = ops::placeholder(*g, DType::kFloat32, Shape({2, 3, 2}), "logits");
  Output labels = ops::placeholder(*g, DType::kFloat32, Shape({2, 3, 2}), "labels");
  Output xent = train::softmax_cross_entropy_with_logits(*g, labels, logits, 1);
  EXPECT_EQ(xent.node->name(), std::string("softmax_cross_entropy_with_logits"));
  EXPECT_TRUE(xent.shape() == Shape({2, 2}));
  Output sg = train::softmax_cross_entropy_with_logits(*g, labels, logits, -1, "", true);
  EXPECT_TRUE(g->find_node("softmax_cross_entropy_with_logits_sg/labels_stop_gradient"));
  EXPECT_TRUE(sg.shape() == Shape({2, 3}));
  EXPECT_ERROR(train::softmax_cross_entropy_with_logits(*g, labels, logits, -4),
               ErrorCode::kInvalidArgument, "Received: dim=-4");

  Output rows = ops::placeholder(*g, DType::kFloat32, Shape({4, 3}), "rows");
  Output onehot = ops::placeholder(*g, DType::kInt32, Shape({4, 3}), "onehot");
  Output weights = ops::placeholder(*g, DType::kFloat32, Shape({4}), "weights");
  Output loss = train::softmax_cross_entropy(*g, onehot, rows, weights, 0.3);
  EXPECT_TRUE(g->find_node("softmax_cross_entropy_loss/xentropy") != nullptr);
  EXPECT_EQ(g->get_collection(graph_keys::kLosses).size(), size_t{1});
  EXPECT_ERROR(train::softmax_cross_entropy(*g, onehot, labels), ErrorCode::kValue,
               "Shapes (2, 3, 2) and (4, 3) are incompatible");

  Session s(g);
  const Tensor lg = iota({2, 3, 2});
  std::vector<float> lab(12, 0.0f);
  for (int a = 0; a < 2; ++a)
    for (int c = 0; c < 2; ++c) lab[static_cast<size_t>((a * 3 + (a + c) % 3) * 2 + c)] = 1.0f;
  std::vector<double> x =
      values_of(s, xent, {{logits, lg}, {labels, Tensor::from_vector<float>(lab, {2, 3, 2})}});
  const float* l = lg.data<float>();
  for (int a = 0; a < 2; ++a)
    for (int c = 0; c < 2; ++c) {
      double sum = 0, picked = 0;
      for (int b = 0; b < 3; ++b) {
        const size_t i = static_cast<size_t>((a * 3 + b) * 2 + c);
        sum += std::exp(l[i]);
        picked += lab[i] * l[i];
      }
      EXPECT_NEAR(x[static_cast<size_t>(a * 2 + c)], std::log(sum) - picked, 1e-5);
    }

  // The loss: smoothed labels y' = y (1 - s) + s / 3, weighted, summed over nonzero weights.
  const Tensor r = iota({4, 3});
  const std::vector<int32_t> hot{0, 0, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0};
  const std::vector<float> w{1.0f, 0.0f, 2.0f, 0.5f};
  std::vector<double> got = values_of(s, loss,
                                      {{rows, r},
                                       {onehot, Tensor::from_vector<int32_t>(hot, {4, 3})},
                                       {weights, Tensor::from_vector<float>(w, {4})}});
  double total = 0, nonzero = 0;
  for (int i = 0; i < 4; ++i) {
    double sum = 0, row = 0;
    for (int c = 0; c < 3; ++c) sum += std::exp(r.data<float>()[i * 3 + c]);
    for (int c = 0; c < 3; ++c) {
      const double y = hot[static_cast<size_t>(i * 3 + c)] * 0.7 + 0.1;
      row += y * (std::log(sum) - r.data<float>()[i * 3 + c]);
    }
    total += w[static_cast<size_t>(i)] * row;
    nonzero += w[static_cast<size_t>(i)] != 0;
  }
  EXPECT_NEAR(got[0], total / nonzero, 1e-5);
}

VF_TEST(total_and_regularization_losses_filter_by_scope) {
  auto g = std::make_shared<Graph>();
  EXPECT_ERROR(train::get_total_loss(*g), ErrorCode::kValue,
               "inputs must be a list of at least one Tensor");
  Output none = train::get_regularization_loss(*g);
  EXPECT_EQ(none.node->type(), std::string("Const"));
  train::GetVariableOptions reg;
  reg.initializer = train::ones_initializer();
  reg.regularizer = train::l2_regularizer(0.5);
  train::get_variable(*g, "a/w", {2}, reg);
  train::get_variable(*g, "b/w", {3}, reg);
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({2}), "x");
  train::mean_squared_error(*g, x, ops::ZerosLike(x));
  Output regularization = train::get_regularization_loss(*g);
  EXPECT_EQ(regularization.node->name(), std::string("total_regularization_loss"));
  EXPECT_EQ(regularization.node->type(), std::string("AddN"));
  Output only_a = train::get_regularization_loss(*g, "a/", "reg_a");
  EXPECT_EQ(only_a.node->type(), std::string("Identity"));
  Output total = train::get_total_loss(*g);
  EXPECT_EQ(total.node->name(), std::string("total_loss"));
  Output losses_only = train::get_total_loss(*g, false, "losses_only");
  EXPECT_EQ(losses_only.node->type(), std::string("Identity"));
  EXPECT_EQ(train::get_losses(*g, "mean_squared_error").size(), size_t{1});
  EXPECT_EQ(train::get_losses(*g, "squared").size(), size_t{0});  // matched from the start
  EXPECT_EQ(train::get_regularization_losses(*g, "(a|b)/w").size(), size_t{2});
  EXPECT_ERROR(train::get_losses(*g, "(unclosed"), ErrorCode::kValue,
               "is not a regular expression");

  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  const FeedMap feed{{x, Tensor::from_vector<float>({1.0f, 3.0f}, {2})}};
  // l2_regularizer(0.5): 0.5 * sum(w^2) / 2 per variable, w all ones.
  EXPECT_NEAR(values_of(s, regularization)[0], 0.5 * 2 / 2 + 0.5 * 3 / 2, 1e-6);
  EXPECT_NEAR(values_of(s, only_a)[0], 0.5, 1e-6);
  EXPECT_NEAR(values_of(s, total, feed)[0], 5.0 + 1.25, 1e-5);
  EXPECT_NEAR(values_of(s, none)[0], 0.0, 0.0);
}

VF_TEST(a_small_cnn_learns_from_cpp) {
  auto g = std::make_shared<Graph>();
  g->set_seed(1);
  Output images = ops::placeholder(*g, DType::kFloat32, Shape({-1, 6, 6, 1}), "images");
  Output labels = ops::placeholder(*g, DType::kInt32, Shape({-1}), "labels");
  train::Conv2DOptions conv;
  conv.padding = "same";
  conv.activation = [](Output h) { return ops::Relu(h, "Relu"); };
  Output h = train::conv2d(*g, images, 4, {3, 3}, conv).output;
  h = train::max_pooling2d(*g, h, {2, 2}, {2, 2});
  h = train::flatten(*g, h);
  Output logits = train::dense(*g, h, 2).output;
  Output onehot = ops::OneHot(labels, ops::constant(*g, Tensor::scalar<int32_t>(2)),
                              ops::constant(*g, Tensor::scalar<float>(1.0f)),
                              ops::constant(*g, Tensor::scalar<float>(0.0f)));
  train::softmax_cross_entropy(*g, onehot, logits);
  Output loss = train::get_total_loss(*g);
  train::GradientDescentOptimizer sgd(0.5);
  Node* step = sgd.minimize(loss);

  // Class 1: a bright left half; class 0: a bright right half.
  std::vector<float> pixels;
  std::vector<int32_t> classes;
  for (int n = 0; n < 8; ++n) {
    const int label = n % 2;
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 6; ++j)
        pixels.push_back(((j < 3) == (label == 1) ? 1.0f : 0.0f) +
                         0.05f * static_cast<float>((n + i + j) % 3));
    classes.push_back(label);
  }
  const FeedMap feed{{images, Tensor::from_vector<float>(pixels, {8, 6, 6, 1})},
                     {labels, Tensor::from_vector<int32_t>(classes, {8})}};
  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  const double first = values_of(s, loss, feed)[0];
  for (int i = 0; i < 30; ++i) s.run(feed, {}, {step});
  const double last = values_of(s, loss, feed)[0];
  EXPECT_TRUE(last < 0.2 * first);
}

VF_TEST_MAIN()
