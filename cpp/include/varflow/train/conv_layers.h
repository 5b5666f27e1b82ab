// tf.layers' convolution, pooling and flatten layers for C++ hosts: conv2d, conv2d_transpose,
// max_pooling2d, average_pooling2d and flatten, with TF1's variable names
// ("conv2d/kernel", "conv2d_1/bias"), op names ("conv2d/Conv2D", "conv2d/BiasAdd",
// "max_pooling2d/MaxPool", "flatten/Reshape") and nodes in TF1's order, so that a seeded graph
// gets TF1's numbers. The Python tf.layers functions create their variables through their
// variable_scope and call the *_output functions here for the computation.
//
// Errors: kValue for inputs that are not 4-D (the layer named, as Keras' InputSpec says it), an
// undefined channel dimension, a padding other than "valid"/"same" (any case), non-positive
// sizes, strides or dilations, and what get_variable raises; otherwise what the op builders
// raise.
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "varflow/graph.h"
#include "varflow/train/initializers.h"
#include "varflow/train/layers.h"
#include "varflow/variable.h"

namespace varflow::train {

// tf.layers' data_format: channels_last is NHWC, channels_first NCHW.
enum class DataFormat { kChannelsLast, kChannelsFirst };

// A pair of (height, width) sizes: kernel_size, strides, dilation_rate, pool_size.
using Size2 = std::array<int64_t, 2>;

struct Conv2DOptions {
  // The layer's name: variables "<variable_scope>/<name>/kernel" and ".../bias", ops in the name
  // scope <name>. Empty: "conv2d" (or "conv2d_transpose"), then "_1", "_2"... the first whose
  // kernel does not exist yet.
  std::string name;
  std::string variable_scope;  // the enclosing tf.variable_scope ("" for none)
  Size2 strides{1, 1};
  std::string padding = "valid";  // "valid" or "same", any case
  DataFormat data_format = DataFormat::kChannelsLast;
  Size2 dilation_rate{1, 1};  // conv2d only; conv2d_transpose has none
  std::function<Output(Output)> activation;
  bool use_bias = true;
  Initializer kernel_initializer;  // default glorot_uniform
  Initializer bias_initializer;    // default zeros
  Regularizer kernel_regularizer, bias_regularizer;
  bool trainable = true;
};

struct ConvLayer {
  Variable kernel;
  std::optional<Variable> bias;
  Output output;
};

// "VALID" or "SAME" for tf.layers' case-insensitive padding; kValue for anything else, with
// Keras' message.
std::string normalize_padding(const std::string& padding);

// Keras' InputSpec(ndim=4) check of layer `layer`'s input, returning the channel dimension (-1
// when unknown, or when the rank is unknown). kValue for a known rank other than 4.
int64_t spatial_input_channels(Output inputs, const std::string& layer, DataFormat data_format);

// tf.layers.conv2d: activation(conv2d(inputs, kernel) + bias), kernel [kh, kw, in_channels,
// filters]. Inputs that are not floating are cast to float32. kValue for filters < 1.
ConvLayer conv2d(Graph& graph, Output inputs, int64_t filters, Size2 kernel_size,
                 const Conv2DOptions& options = {});

// conv2d's computation given its variables, in the current name scope: `inputs` cast to the
// kernel's dtype when it differs ("Cast"), Conv2D "Conv2D" with TF1's 4-element strides and
// dilations, then BiasAdd (scope "BiasAdd") when there is a bias. No activation: the caller
// applies it. `padding` is "VALID" or "SAME".
Output conv2d_output(Graph& graph, Output inputs, Output kernel, std::optional<Output> bias,
                     Size2 strides, const std::string& padding, Size2 dilation_rate,
                     DataFormat data_format);

// tf.layers.conv2d_transpose: the transposed convolution (a Conv2DBackpropInput) with kernel
// [kh, kw, filters, in_channels]; the output's height is h * stride, plus max(kh - stride, 0)
// for VALID padding (width alike). kValue for inputs of unknown height or width, a dilation
// other than 1, or filters < 1.
ConvLayer conv2d_transpose(Graph& graph, Output inputs, int64_t filters, Size2 kernel_size,
                           const Conv2DOptions& options = {});

// conv2d_transpose's computation given its variables, in the current name scope: the Cast, the
// output shape (Shape, Unpack "unstack" of the batch, one int32 "Const" per other dimension,
// Pack "stack"), Conv2DBackpropInput "conv2d_transpose" and the BiasAdd. `kernel_size` is the
// kernel's spatial size.
Output conv2d_transpose_output(Graph& graph, Output inputs, Output kernel,
                               std::optional<Output> bias, Size2 kernel_size, Size2 strides,
                               const std::string& padding, DataFormat data_format);

// tf.layers.max_pooling2d / average_pooling2d: MaxPool "MaxPool" / AvgPool "AvgPool" in the
// name scope `name` (default "max_pooling2d" / "average_pooling2d").
Output max_pooling2d(Graph& graph, Output inputs, Size2 pool_size, Size2 strides,
                     const std::string& padding = "valid",
                     DataFormat data_format = DataFormat::kChannelsLast,
                     const std::string& name = "");
Output average_pooling2d(Graph& graph, Output inputs, Size2 pool_size, Size2 strides,
                         const std::string& padding = "valid",
                         DataFormat data_format = DataFormat::kChannelsLast,
                         const std::string& name = "");

// tf.layers.flatten: inputs reshaped to [batch, product of the other dimensions] in the name
// scope `name` (default "flatten"), channels-first inputs of rank > 2 transposed to
// channels-last order first. The target shape is a Const [batch, -1] when the batch is known,
// [-1, product] when the other dimensions are, else built from the dynamic shape (Shape,
// Unpack, Pack). kValue for inputs of unknown rank.
Output flatten(Graph& graph, Output inputs, DataFormat data_format = DataFormat::kChannelsLast,
               const std::string& name = "");

}  // namespace varflow::train
