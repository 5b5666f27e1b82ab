// tf.layers' convolution, pooling and flatten layers for C++ hosts: conv1d, conv2d, conv3d,
// conv2d_transpose, conv3d_transpose, max/average_pooling1d/2d/3d and flatten, with TF1's
// variable names ("conv2d/kernel", "conv2d_1/bias"), op names ("conv2d/Conv2D",
// "conv2d/BiasAdd", "max_pooling2d/MaxPool", "flatten/Reshape") and nodes in TF1's order, so
// that a seeded graph gets TF1's numbers. The Python tf.layers functions create their variables
// through their variable_scope and call the *_output functions here for the computation.
//
// Errors: kValue for inputs of the wrong rank (the layer named, as Keras' InputSpec says it), an
// undefined channel dimension, a padding other than "valid"/"same" (any case), non-positive
// sizes, strides or dilations, and what get_variable raises; otherwise what the op builders
// raise.
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "varflow/graph.h"
#include "varflow/train/initializers.h"
#include "varflow/train/layers.h"
#include "varflow/variable.h"

namespace varflow::train {

// tf.layers' data_format: channels_last is NWC / NHWC / NDHWC, channels_first NCW / NCHW /
// NCDHW.
enum class DataFormat { kChannelsLast, kChannelsFirst };

// One size per spatial dimension ((width), (height, width) or (depth, height, width)):
// kernel_size, strides, dilation_rate, pool_size.
template <size_t N>
using SizeN = std::array<int64_t, N>;
using Size1 = SizeN<1>;
using Size2 = SizeN<2>;
using Size3 = SizeN<3>;

template <size_t N>
constexpr SizeN<N> ones() {
  SizeN<N> values{};
  for (int64_t& v : values) v = 1;
  return values;
}

// The options of an N-D convolution layer (conv1d, conv2d, conv3d and the transposed ones).
template <size_t N>
struct ConvOptions {
  // The layer's name: variables "<variable_scope>/<name>/kernel" and ".../bias", ops in the name
  // scope <name>. Empty: "conv2d" (or "conv1d", "conv3d", "conv2d_transpose"...), then "_1",
  // "_2"... the first whose kernel does not exist yet.
  std::string name;
  std::string variable_scope;  // the enclosing tf.variable_scope ("" for none)
  SizeN<N> strides = ones<N>();
  std::string padding = "valid";  // "valid" or "same", any case
  DataFormat data_format = DataFormat::kChannelsLast;
  SizeN<N> dilation_rate = ones<N>();  // the transposed convolutions take only ones
  std::function<Output(Output)> activation;
  bool use_bias = true;
  Initializer kernel_initializer;  // default glorot_uniform
  Initializer bias_initializer;    // default zeros
  Regularizer kernel_regularizer, bias_regularizer;
  bool trainable = true;
};
using Conv1DOptions = ConvOptions<1>;
using Conv2DOptions = ConvOptions<2>;
using Conv3DOptions = ConvOptions<3>;

struct ConvLayer {
  Variable kernel;
  std::optional<Variable> bias;
  Output output;
};

// The options of a separable convolution layer (separable_conv1d, separable_conv2d): those of
// ConvOptions, whose kernel_initializer and kernel_regularizer are the depthwise kernel's, and
// the pointwise kernel's own.
template <size_t N>
struct SeparableConvOptions : ConvOptions<N> {
  int64_t depth_multiplier = 1;
  Initializer pointwise_initializer;  // default glorot_uniform
  Regularizer pointwise_regularizer;
};
using SeparableConv1DOptions = SeparableConvOptions<1>;
using SeparableConv2DOptions = SeparableConvOptions<2>;

struct SeparableConvLayer {
  Variable depthwise_kernel, pointwise_kernel;
  std::optional<Variable> bias;
  Output output;
};

// "VALID" or "SAME" for tf.layers' case-insensitive padding; kValue for anything else, with
// Keras' message.
std::string normalize_padding(const std::string& padding);

// Keras' InputSpec(ndim=rank) check of layer `layer`'s input, returning the channel dimension
// (-1 when unknown, or when the rank is unknown). kValue for a known rank other than `rank`.
int64_t spatial_input_channels(Output inputs, const std::string& layer, DataFormat data_format,
                               int rank = 4);

// tf.layers.conv1d / conv2d / conv3d: activation(conv(inputs, kernel) + bias), kernel
// [k..., in_channels, filters]. Inputs that are not floating are cast to float32. kValue for
// filters < 1.
ConvLayer conv1d(Graph& graph, Output inputs, int64_t filters, Size1 kernel_size,
                 const Conv1DOptions& options = {});
ConvLayer conv2d(Graph& graph, Output inputs, int64_t filters, Size2 kernel_size,
                 const Conv2DOptions& options = {});
ConvLayer conv3d(Graph& graph, Output inputs, int64_t filters, Size3 kernel_size,
                 const Conv3DOptions& options = {});

// The convolution layers' computation given their variables, in the current name scope:
// `inputs` cast to the kernel's dtype when it differs ("Cast"), then
// - conv1d: in scope "Conv1D", `inputs` and the kernel expanded to 2-D (ExpandDims "ExpandDims"
//   at -3, or -2 for channels first, and "ExpandDims_1" at 0), Conv2D named "Conv1D" and Squeeze
//   "Squeeze"; the bias by BiasAdd, or for channels first as TF1 does it, a Reshape of the bias
//   to [1, filters, 1] and an "add";
// - conv2d: Conv2D "Conv2D"; conv3d: Conv3D "Conv3D" (TF1's 4- and 5-element strides and
//   dilations);
// then BiasAdd (scope "BiasAdd") when there is a bias. No activation: the caller applies it.
// `padding` is "VALID" or "SAME".
Output conv1d_output(Graph& graph, Output inputs, Output kernel, std::optional<Output> bias,
                     Size1 strides, const std::string& padding, Size1 dilation_rate,
                     DataFormat data_format);
Output conv2d_output(Graph& graph, Output inputs, Output kernel, std::optional<Output> bias,
                     Size2 strides, const std::string& padding, Size2 dilation_rate,
                     DataFormat data_format);
Output conv3d_output(Graph& graph, Output inputs, Output kernel, std::optional<Output> bias,
                     Size3 strides, const std::string& padding, Size3 dilation_rate,
                     DataFormat data_format);

// tf.layers.separable_conv1d / separable_conv2d: a depthwise convolution (kernel
// "depthwise_kernel" [k..., in_channels, depth_multiplier]) then a pointwise one
// ("pointwise_kernel" [1..., in_channels * depth_multiplier, filters]), the bias and the
// activation. kValue for filters or depth_multiplier < 1, and as conv2d.
SeparableConvLayer separable_conv1d(Graph& graph, Output inputs, int64_t filters, Size1 kernel_size,
                                    const SeparableConv1DOptions& options = {});
SeparableConvLayer separable_conv2d(Graph& graph, Output inputs, int64_t filters, Size2 kernel_size,
                                    const SeparableConv2DOptions& options = {});

// Their computation given the variables, in the current name scope, as TF1's Keras builds it:
// the Cast; for 1-D, ExpandDims "ExpandDims" of the inputs at 1 (2 for channels first) and
// "ExpandDims_1"/"ExpandDims_2" of the kernels at 0, the strides doubled as (s, s) and the
// dilation (1, d); in scope "separable_conv2d", DepthwiseConv2dNative "depthwise" and Conv2D
// named after the scope (1x1, VALID); the BiasAdd; for 1-D, Squeeze "Squeeze" of the added axis.
Output separable_conv1d_output(Graph& graph, Output inputs, Output depthwise_kernel,
                               Output pointwise_kernel, std::optional<Output> bias, Size1 strides,
                               const std::string& padding, Size1 dilation_rate,
                               DataFormat data_format);
Output separable_conv2d_output(Graph& graph, Output inputs, Output depthwise_kernel,
                               Output pointwise_kernel, std::optional<Output> bias, Size2 strides,
                               const std::string& padding, Size2 dilation_rate,
                               DataFormat data_format);

// tf.layers.conv2d_transpose / conv3d_transpose: the transposed convolution (a
// Conv2DBackpropInput / Conv3DBackpropInputV2) with kernel [k..., filters, in_channels]; each
// spatial output size is size * stride, plus max(k - stride, 0) for VALID padding. kValue for
// inputs of unknown spatial sizes, a dilation other than 1, or filters < 1.
ConvLayer conv2d_transpose(Graph& graph, Output inputs, int64_t filters, Size2 kernel_size,
                           const Conv2DOptions& options = {});
ConvLayer conv3d_transpose(Graph& graph, Output inputs, int64_t filters, Size3 kernel_size,
                           const Conv3DOptions& options = {});

// The transposed convolutions' computation given their variables, in the current name scope:
// the Cast, the output shape (Shape, Unpack "unstack" of the batch, one int32 "Const" per other
// dimension, Pack "stack"), the op named "conv2d_transpose" / "conv3d_transpose" and the
// BiasAdd. `kernel_size` is the kernel's spatial size.
Output conv2d_transpose_output(Graph& graph, Output inputs, Output kernel,
                               std::optional<Output> bias, Size2 kernel_size, Size2 strides,
                               const std::string& padding, DataFormat data_format);
Output conv3d_transpose_output(Graph& graph, Output inputs, Output kernel,
                               std::optional<Output> bias, Size3 kernel_size, Size3 strides,
                               const std::string& padding, DataFormat data_format);

// tf.layers' pooling layers, in the name scope `name` (default the layer's, "max_pooling2d",
// "average_pooling3d"...), as TF1's Keras builds them:
// - 2-D: MaxPool "MaxPool" / AvgPool "AvgPool" in the layer's data format;
// - 1-D: ExpandDims "ExpandDims" of axis 2 (3 for channels first), for channels first a
//   Transpose "transpose" to NHWC and "transpose_1" back, the 2-D op over [size, 1] windows and
//   Squeeze "Squeeze";
// - 3-D: MaxPool3D "MaxPool3D" / AvgPool3D "AvgPool3D" in NDHWC, channels-first inputs
//   transposed to it ("transpose") and back ("transpose_1").
// kValue for inputs of another rank (Keras' message), bad padding, non-positive sizes.
Output max_pooling1d(Graph& graph, Output inputs, Size1 pool_size, Size1 strides,
                     const std::string& padding = "valid",
                     DataFormat data_format = DataFormat::kChannelsLast,
                     const std::string& name = "");
Output average_pooling1d(Graph& graph, Output inputs, Size1 pool_size, Size1 strides,
                         const std::string& padding = "valid",
                         DataFormat data_format = DataFormat::kChannelsLast,
                         const std::string& name = "");
Output max_pooling2d(Graph& graph, Output inputs, Size2 pool_size, Size2 strides,
                     const std::string& padding = "valid",
                     DataFormat data_format = DataFormat::kChannelsLast,
                     const std::string& name = "");
Output average_pooling2d(Graph& graph, Output inputs, Size2 pool_size, Size2 strides,
                         const std::string& padding = "valid",
                         DataFormat data_format = DataFormat::kChannelsLast,
                         const std::string& name = "");
Output max_pooling3d(Graph& graph, Output inputs, Size3 pool_size, Size3 strides,
                     const std::string& padding = "valid",
                     DataFormat data_format = DataFormat::kChannelsLast,
                     const std::string& name = "");
Output average_pooling3d(Graph& graph, Output inputs, Size3 pool_size, Size3 strides,
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
