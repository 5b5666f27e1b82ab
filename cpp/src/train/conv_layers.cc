// tf.layers' convolution and flatten layers of varflow/train/conv_layers.h, node for node as
// TF1's layers/convolutional.py and core.py over Keras' layers.
#include "varflow/train/conv_layers.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "train/conv_layer_parts.h"
#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"

namespace varflow::train {

namespace {

Output add_bias(Graph& graph, Output value, std::optional<Output> bias, DataFormat format) {
  if (!bias) return value;
  NameScope scope(graph, "BiasAdd");  // tf.nn.bias_add names its op after its scope
  return ops::BiasAdd(
      value, *bias, ops::BiasAddAttrs().with_data_format(channels_first(format) ? "NCHW" : "NHWC"),
      scope.scope());
}

// The layer's name: options.name, or the default's first unused numbering (as dense()), told
// by its variable `first_variable`.
template <size_t N>
std::string layer_name(Graph& graph, const ConvOptions<N>& options, const std::string& base,
                       const std::string& first_variable) {
  if (!options.name.empty()) return options.name;
  const std::string prefix = options.variable_scope.empty() ? "" : options.variable_scope + "/";
  std::string name = base;
  for (int i = 1; graph.find_node(prefix + name + "/" + first_variable); ++i)
    name = base + "_" + std::to_string(i);
  return name;
}

// A layer variable "<scope>/<name>" of `shape` with the initializer (default glorot_uniform),
// the regularizer and the options' trainability.
template <size_t N>
Variable layer_variable(Graph& graph, const std::string& scope, const std::string& name,
                        const Dims& shape, DType dtype, const Initializer& initializer,
                        const Regularizer& regularizer, const ConvOptions<N>& options) {
  GetVariableOptions v;
  v.dtype = dtype;
  v.initializer = initializer;
  v.regularizer = regularizer;
  v.trainable = options.trainable;
  return get_variable(graph, scope + "/" + name, shape, v);
}

// The bias of `filters` (default zeros), when the options use one.
template <size_t N>
std::optional<Variable> make_bias(Graph& graph, const std::string& scope, int64_t filters,
                                  DType dtype, const ConvOptions<N>& options) {
  if (!options.use_bias) return std::nullopt;
  return layer_variable(graph, scope, "bias", {filters}, dtype,
                        options.bias_initializer ? options.bias_initializer : zeros_initializer(),
                        options.bias_regularizer, options);
}

// The checks every convolution layer makes, and its input's channel count.
template <size_t N>
int64_t checked_channels(Output inputs, int64_t filters, SizeN<N> kernel_size,
                         const ConvOptions<N>& options, const std::string& name,
                         const std::string& base) {
  check_positive(kernel_size, "kernel_size", name);
  check_positive(options.strides, "strides", name);
  check_positive(options.dilation_rate, "dilation_rate", name);
  VF_CHECK(filters > 0, ErrorCode::kValue, name, ": `filters` must be positive, got ", filters);
  const int64_t channels =
      spatial_input_channels(inputs, base, options.data_format, static_cast<int>(N) + 2);
  VF_CHECK(channels >= 0, ErrorCode::kValue,
           "The channel dimension of the inputs should be defined. Found `None`.");
  return channels;
}

std::string scope_prefix(const std::string& variable_scope) {
  return variable_scope.empty() ? "" : variable_scope + "/";
}

// What every convolution layer shares: the checks, the variables, the layer's name scope and
// the activation around `compute`.
template <size_t N, typename Compute>
ConvLayer conv_layer(Graph& graph, Output inputs, int64_t filters, SizeN<N> kernel_size,
                     const ConvOptions<N>& options, const std::string& base, bool transpose,
                     Compute compute) {
  const std::string padding = normalize_padding(options.padding);
  const std::string name = layer_name(graph, options, base, "kernel");
  const int64_t channels = checked_channels(inputs, filters, kernel_size, options, name, base);
  const DType dtype = is_any_floating(inputs.dtype()) ? inputs.dtype() : DType::kFloat32;
  Dims kernel_shape(kernel_size.begin(), kernel_size.end());
  kernel_shape.push_back(transpose ? filters : channels);
  kernel_shape.push_back(transpose ? channels : filters);
  const std::string scope_name = scope_prefix(options.variable_scope) + name;
  ConvLayer layer;
  layer.kernel = layer_variable(graph, scope_name, "kernel", kernel_shape, dtype,
                                options.kernel_initializer, options.kernel_regularizer, options);
  layer.bias = make_bias(graph, scope_name, filters, dtype, options);
  NameScope scope(graph, name);
  std::optional<Output> bias;
  if (layer.bias) bias = layer.bias->value();
  layer.output = compute(layer.kernel.value(), bias, padding);
  if (options.activation) layer.output = options.activation(layer.output);
  return layer;
}

// The transposed convolution's output length along one axis (Keras' deconv_output_length).
int64_t deconv_length(int64_t size, int64_t kernel, const std::string& padding, int64_t stride) {
  if (padding == "VALID") return size * stride + std::max<int64_t>(kernel - stride, 0);
  return size * stride;
}

// conv2d_transpose_output and conv3d_transpose_output: the output shape from the inputs' batch
// and the static spatial sizes, then `backprop_input(output_shape, x)`.
template <size_t N, typename BackpropInput>
Output conv_transpose_output(Graph& graph, Output inputs, Output kernel, std::optional<Output> bias,
                             SizeN<N> kernel_size, SizeN<N> strides, const std::string& padding,
                             DataFormat data_format, const char* layer,
                             BackpropInput backprop_input) {
  constexpr int kRank = static_cast<int>(N) + 2;
  const bool first = channels_first(data_format);
  Output x = tf::cast(inputs, kernel.dtype());
  const Shape& shape = x.shape();
  const int spatial_start = first ? 2 : 1;
  Output dynamic_shape = ops::Shape(x);  // before the check, as TF1 builds it
  bool known = shape.has_rank() && shape.rank() == kRank;
  for (size_t i = 0; known && i < N; ++i) known = shape.dim(spatial_start + int(i)) >= 0;
  VF_CHECK(known, ErrorCode::kValue, "varflow: ", layer,
           " needs inputs of known spatial sizes, got ", tf::shape_str(shape));
  const Shape& k_shape = kernel.shape();
  VF_CHECK(k_shape.has_rank() && k_shape.rank() == kRank && k_shape.dim(int(N)) >= 0,
           ErrorCode::kValue, layer, ": the kernel must be [k..., filters, in_channels], got ",
           tf::shape_str(k_shape));
  const int64_t filters = k_shape.dim(int(N));
  std::vector<int64_t> rest;
  if (first) rest.push_back(filters);
  for (size_t i = 0; i < N; ++i)
    rest.push_back(
        deconv_length(shape.dim(spatial_start + int(i)), kernel_size[i], padding, strides[i]));
  if (!first) rest.push_back(filters);
  Node* parts = ops::Unpack(dynamic_shape, ops::UnpackAttrs().with_num(kRank), "unstack").node;
  std::vector<Output> dims{parts->output(0)};
  for (int64_t d : rest) dims.push_back(tf::int32_scalar(graph, static_cast<int32_t>(d)));
  Output output_shape = ops::Pack(dims, {}, "stack");
  return add_bias(graph, backprop_input(output_shape, x), bias, data_format);
}

}  // namespace

std::string normalize_padding(const std::string& padding) {
  std::string lower = padding;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  VF_CHECK(lower == "valid" || lower == "same", ErrorCode::kValue,
           "The `padding` argument must be a list/tuple or one of \"valid\", \"same\" (or "
           "\"causal\", only for `Conv1D). Received: ",
           padding);
  return lower == "valid" ? "VALID" : "SAME";
}

int64_t spatial_input_channels(Output inputs, const std::string& layer, DataFormat data_format,
                               int rank) {
  const Shape& shape = inputs.shape();
  if (!shape.has_rank()) return -1;
  if (shape.rank() != rank) {
    std::string dims = "[";
    for (int i = 0; i < shape.rank(); ++i) {
      if (i) dims += ", ";
      dims += shape.dim(i) < 0 ? "None" : std::to_string(shape.dim(i));
    }
    raise(ErrorCode::kValue, "Input 0 of layer ", layer,
          " is incompatible with the layer: expected ndim=", rank, ", found ndim=", shape.rank(),
          ". Full shape received: ", dims, "]");
  }
  const int64_t channels = shape.dim(channels_first(data_format) ? 1 : rank - 1);
  return channels < 0 ? -1 : channels;
}

Output conv1d_output(Graph& graph, Output inputs, Output kernel, std::optional<Output> bias,
                     Size1 strides, const std::string& padding, Size1 dilation_rate,
                     DataFormat data_format) {
  const bool first = channels_first(data_format);
  Output x = tf::cast(inputs, kernel.dtype());
  Output out;
  {
    NameScope scope(graph, "Conv1D");
    const int32_t axis = first ? -2 : -3;  // the added height axis
    Output x2 = tf::expand_dims(graph, x, axis);
    Output kernel2 = tf::expand_dims(graph, kernel, 0);
    out = ops::Conv2D(x2, kernel2, window<2>({1, strides[0]}, data_format), padding,
                      ops::Conv2DAttrs()
                          .with_data_format(first ? "NCHW" : "NHWC")
                          .with_dilations(window<2>({1, dilation_rate[0]}, data_format)),
                      scope.scope());
    out = ops::Squeeze(out, ops::SqueezeAttrs().with_squeeze_dims({axis}), "Squeeze");
  }
  if (!bias || !first) return add_bias(graph, out, bias, data_format);
  // BiasAdd takes no 3-D channels-first value: TF1 adds the bias reshaped to [1, filters, 1].
  Output reshaped;
  {
    NameScope scope(graph, "Reshape");
    Output shape = ops::constant(
        graph,
        Tensor::from_vector<int32_t>(
            {1, static_cast<int32_t>(bias->shape().has_rank() ? bias->shape().dim(0) : -1), 1},
            {3}),
        "shape");
    reshaped = ops::Reshape(*bias, shape, scope.scope());
  }
  return tf::add(out, reshaped);
}

Output conv2d_output(Graph& graph, Output inputs, Output kernel, std::optional<Output> bias,
                     Size2 strides, const std::string& padding, Size2 dilation_rate,
                     DataFormat data_format) {
  Output x = tf::cast(inputs, kernel.dtype());
  Output out = ops::Conv2D(x, kernel, window<2>(strides, data_format), padding,
                           ops::Conv2DAttrs()
                               .with_data_format(op_data_format<2>(data_format))
                               .with_dilations(window<2>(dilation_rate, data_format)),
                           "Conv2D");
  return add_bias(graph, out, bias, data_format);
}

Output conv3d_output(Graph& graph, Output inputs, Output kernel, std::optional<Output> bias,
                     Size3 strides, const std::string& padding, Size3 dilation_rate,
                     DataFormat data_format) {
  Output x = tf::cast(inputs, kernel.dtype());
  Output out = ops::Conv3D(x, kernel, window<3>(strides, data_format), padding,
                           ops::Conv3DAttrs()
                               .with_data_format(op_data_format<3>(data_format))
                               .with_dilations(window<3>(dilation_rate, data_format)),
                           "Conv3D");
  return add_bias(graph, out, bias, data_format);
}

Output conv2d_transpose_output(Graph& graph, Output inputs, Output kernel,
                               std::optional<Output> bias, Size2 kernel_size, Size2 strides,
                               const std::string& padding, DataFormat data_format) {
  return conv_transpose_output<2>(
      graph, inputs, kernel, bias, kernel_size, strides, padding, data_format, "conv2d_transpose",
      [&](Output output_shape, Output x) {
        return ops::Conv2DBackpropInput(
            output_shape, kernel, x, window<2>(strides, data_format), padding,
            ops::Conv2DBackpropInputAttrs().with_data_format(op_data_format<2>(data_format)),
            "conv2d_transpose");
      });
}

Output conv3d_transpose_output(Graph& graph, Output inputs, Output kernel,
                               std::optional<Output> bias, Size3 kernel_size, Size3 strides,
                               const std::string& padding, DataFormat data_format) {
  return conv_transpose_output<3>(
      graph, inputs, kernel, bias, kernel_size, strides, padding, data_format, "conv3d_transpose",
      [&](Output output_shape, Output x) {
        return ops::Conv3DBackpropInputV2(
            output_shape, kernel, x, window<3>(strides, data_format), padding,
            ops::Conv3DBackpropInputV2Attrs().with_data_format(op_data_format<3>(data_format)),
            "conv3d_transpose");
      });
}

Output separable_conv2d_output(Graph& graph, Output inputs, Output depthwise_kernel,
                               Output pointwise_kernel, std::optional<Output> bias, Size2 strides,
                               const std::string& padding, Size2 dilation_rate,
                               DataFormat data_format) {
  Output x = tf::cast(inputs, depthwise_kernel.dtype());
  const char* format = op_data_format<2>(data_format);
  Output out;
  {
    NameScope scope(graph, "separable_conv2d");
    Output depthwise;
    {
      NameScope op(graph, "depthwise");
      depthwise = ops::DepthwiseConv2dNative(
          x, depthwise_kernel, window<2>(strides, data_format), padding,
          ops::DepthwiseConv2dNativeAttrs().with_data_format(format).with_dilations(
              window<2>(dilation_rate, data_format)),
          op.scope());
    }
    out = ops::Conv2D(depthwise, pointwise_kernel, {1, 1, 1, 1}, "VALID",
                      ops::Conv2DAttrs().with_data_format(format), scope.scope());
  }
  return add_bias(graph, out, bias, data_format);
}

Output separable_conv1d_output(Graph& graph, Output inputs, Output depthwise_kernel,
                               Output pointwise_kernel, std::optional<Output> bias, Size1 strides,
                               const std::string& padding, Size1 dilation_rate,
                               DataFormat data_format) {
  const int32_t axis = channels_first(data_format) ? 2 : 1;  // the added height axis
  Output x = tf::expand_dims(graph, tf::cast(inputs, depthwise_kernel.dtype()), axis);
  Output depthwise = tf::expand_dims(graph, depthwise_kernel, 0);
  Output pointwise = tf::expand_dims(graph, pointwise_kernel, 0);
  Output out =
      separable_conv2d_output(graph, x, depthwise, pointwise, bias, {strides[0], strides[0]},
                              padding, {1, dilation_rate[0]}, data_format);
  return ops::Squeeze(out, ops::SqueezeAttrs().with_squeeze_dims({axis}), "Squeeze");
}

namespace {

template <size_t N, typename Compute>
SeparableConvLayer separable_layer(Graph& graph, Output inputs, int64_t filters,
                                   SizeN<N> kernel_size, const SeparableConvOptions<N>& options,
                                   const std::string& base, Compute compute) {
  const std::string padding = normalize_padding(options.padding);
  const std::string name = layer_name<N>(graph, options, base, "depthwise_kernel");
  const int64_t channels = checked_channels<N>(inputs, filters, kernel_size, options, name, base);
  VF_CHECK(options.depth_multiplier > 0, ErrorCode::kValue, name,
           ": `depth_multiplier` must be positive, got ", options.depth_multiplier);
  const DType dtype = is_any_floating(inputs.dtype()) ? inputs.dtype() : DType::kFloat32;
  Dims depthwise_shape(kernel_size.begin(), kernel_size.end());
  depthwise_shape.push_back(channels);
  depthwise_shape.push_back(options.depth_multiplier);
  Dims pointwise_shape(N, 1);
  pointwise_shape.push_back(channels * options.depth_multiplier);
  pointwise_shape.push_back(filters);
  const std::string scope_name = scope_prefix(options.variable_scope) + name;
  SeparableConvLayer layer;
  layer.depthwise_kernel =
      layer_variable(graph, scope_name, "depthwise_kernel", depthwise_shape, dtype,
                     options.kernel_initializer, options.kernel_regularizer, options);
  layer.pointwise_kernel =
      layer_variable(graph, scope_name, "pointwise_kernel", pointwise_shape, dtype,
                     options.pointwise_initializer, options.pointwise_regularizer, options);
  layer.bias = make_bias(graph, scope_name, filters, dtype, options);
  NameScope scope(graph, name);
  std::optional<Output> bias;
  if (layer.bias) bias = layer.bias->value();
  layer.output =
      compute(layer.depthwise_kernel.value(), layer.pointwise_kernel.value(), bias, padding);
  if (options.activation) layer.output = options.activation(layer.output);
  return layer;
}

}  // namespace

SeparableConvLayer separable_conv1d(Graph& graph, Output inputs, int64_t filters, Size1 kernel_size,
                                    const SeparableConv1DOptions& options) {
  return separable_layer<1>(graph, inputs, filters, kernel_size, options, "separable_conv1d",
                            [&](Output depthwise, Output pointwise, std::optional<Output> bias,
                                const std::string& padding) {
                              return separable_conv1d_output(
                                  graph, inputs, depthwise, pointwise, bias, options.strides,
                                  padding, options.dilation_rate, options.data_format);
                            });
}

SeparableConvLayer separable_conv2d(Graph& graph, Output inputs, int64_t filters, Size2 kernel_size,
                                    const SeparableConv2DOptions& options) {
  return separable_layer<2>(graph, inputs, filters, kernel_size, options, "separable_conv2d",
                            [&](Output depthwise, Output pointwise, std::optional<Output> bias,
                                const std::string& padding) {
                              return separable_conv2d_output(
                                  graph, inputs, depthwise, pointwise, bias, options.strides,
                                  padding, options.dilation_rate, options.data_format);
                            });
}

ConvLayer conv1d(Graph& graph, Output inputs, int64_t filters, Size1 kernel_size,
                 const Conv1DOptions& options) {
  return conv_layer(graph, inputs, filters, kernel_size, options, "conv1d", false,
                    [&](Output kernel, std::optional<Output> bias, const std::string& padding) {
                      return conv1d_output(graph, inputs, kernel, bias, options.strides, padding,
                                           options.dilation_rate, options.data_format);
                    });
}

ConvLayer conv2d(Graph& graph, Output inputs, int64_t filters, Size2 kernel_size,
                 const Conv2DOptions& options) {
  return conv_layer(graph, inputs, filters, kernel_size, options, "conv2d", false,
                    [&](Output kernel, std::optional<Output> bias, const std::string& padding) {
                      return conv2d_output(graph, inputs, kernel, bias, options.strides, padding,
                                           options.dilation_rate, options.data_format);
                    });
}

ConvLayer conv3d(Graph& graph, Output inputs, int64_t filters, Size3 kernel_size,
                 const Conv3DOptions& options) {
  return conv_layer(graph, inputs, filters, kernel_size, options, "conv3d", false,
                    [&](Output kernel, std::optional<Output> bias, const std::string& padding) {
                      return conv3d_output(graph, inputs, kernel, bias, options.strides, padding,
                                           options.dilation_rate, options.data_format);
                    });
}

ConvLayer conv2d_transpose(Graph& graph, Output inputs, int64_t filters, Size2 kernel_size,
                           const Conv2DOptions& options) {
  VF_CHECK(options.dilation_rate == ones<2>(), ErrorCode::kValue,
           "conv2d_transpose: a dilation_rate other than (1, 1) is not supported");
  return conv_layer(graph, inputs, filters, kernel_size, options, "conv2d_transpose", true,
                    [&](Output kernel, std::optional<Output> bias, const std::string& padding) {
                      return conv2d_transpose_output(graph, inputs, kernel, bias, kernel_size,
                                                     options.strides, padding, options.data_format);
                    });
}

ConvLayer conv3d_transpose(Graph& graph, Output inputs, int64_t filters, Size3 kernel_size,
                           const Conv3DOptions& options) {
  VF_CHECK(options.dilation_rate == ones<3>(), ErrorCode::kValue,
           "conv3d_transpose: a dilation_rate other than (1, 1, 1) is not supported");
  return conv_layer(graph, inputs, filters, kernel_size, options, "conv3d_transpose", true,
                    [&](Output kernel, std::optional<Output> bias, const std::string& padding) {
                      return conv3d_transpose_output(graph, inputs, kernel, bias, kernel_size,
                                                     options.strides, padding, options.data_format);
                    });
}

Output flatten(Graph& graph, Output inputs, DataFormat data_format, const std::string& name) {
  NameScope scope(graph, name.empty() ? "flatten" : name);
  Output x = inputs;
  const Shape& in_shape = x.shape();
  // A scalar has no batch axis to keep: TF1's message for it is the unknown rank's.
  VF_CHECK(in_shape.has_rank() && in_shape.rank() > 0, ErrorCode::kValue,
           "flatten needs inputs of known rank");
  const int rank = in_shape.rank();
  if (channels_first(data_format) && rank > 2) {
    std::vector<int32_t> perm{0};
    for (int i = 2; i < rank; ++i) perm.push_back(i);
    perm.push_back(1);
    Output perm_const = tf::int32_vector(graph, perm);
    x = ops::Transpose(x, perm_const, "transpose");
  }
  const Shape& shape = x.shape();
  const int64_t batch = shape.dim(0);
  bool rest_known = true;
  int64_t product = 1;
  for (int i = 1; i < rank; ++i) {
    rest_known &= shape.dim(i) >= 0;
    if (shape.dim(i) >= 0) product *= shape.dim(i);
  }
  Output target;
  if (batch >= 0 || rest_known) {
    target = tf::int32_vector(graph, {batch >= 0 ? static_cast<int32_t>(batch) : -1,
                                      batch >= 0 ? -1 : static_cast<int32_t>(product)});
  } else {
    Node* parts = ops::Unpack(ops::Shape(x), ops::UnpackAttrs().with_num(rank), "unstack").node;
    Output minus_one = tf::int32_scalar(graph, -1);
    target = ops::Pack({parts->output(0), minus_one}, {}, "stack");
  }
  return ops::Reshape(x, target, "Reshape");
}

}  // namespace varflow::train
