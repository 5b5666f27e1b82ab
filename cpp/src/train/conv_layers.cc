// tf.layers' convolution, pooling and flatten layers of varflow/train/conv_layers.h, node for
// node as TF1's layers/convolutional.py, pooling.py and core.py over Keras' layers.
#include "varflow/train/conv_layers.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"

namespace varflow::train {

namespace {

bool channels_first(DataFormat format) { return format == DataFormat::kChannelsFirst; }

const char* op_data_format(DataFormat format) { return channels_first(format) ? "NCHW" : "NHWC"; }

// TF1's 4-element window parameters: 1 in the batch and channel positions.
std::vector<int64_t> window(Size2 hw, DataFormat format) {
  if (channels_first(format)) return {1, 1, hw[0], hw[1]};
  return {1, hw[0], hw[1], 1};
}

void check_positive(Size2 values, const char* what, const std::string& layer) {
  for (int64_t v : values)
    VF_CHECK(v > 0, ErrorCode::kValue, layer, ": `", what, "` must be positive, got (", values[0],
             ", ", values[1], ")");
}

Output int32_const(Graph& graph, const std::vector<int32_t>& values) {
  return ops::constant(
      graph, Tensor::from_vector<int32_t>(values, {static_cast<int64_t>(values.size())}), "Const");
}

Output add_bias(Graph& graph, Output value, std::optional<Output> bias, DataFormat format) {
  if (!bias) return value;
  NameScope scope(graph, "BiasAdd");  // tf.nn.bias_add names its op after its scope
  return ops::BiasAdd(value, *bias, ops::BiasAddAttrs().with_data_format(op_data_format(format)),
                      scope.scope());
}

// The layer's name: options.name, or the default's first unused numbering (as dense()).
std::string layer_name(Graph& graph, const Conv2DOptions& options, const std::string& base) {
  if (!options.name.empty()) return options.name;
  const std::string prefix = options.variable_scope.empty() ? "" : options.variable_scope + "/";
  std::string name = base;
  for (int i = 1; graph.find_node(prefix + name + "/kernel"); ++i)
    name = base + "_" + std::to_string(i);
  return name;
}

// Creates the kernel of `kernel_shape` and the bias of `filters` under the layer's variable
// scope, with the options' initializers, regularizers and trainability.
ConvLayer make_conv_variables(Graph& graph, const std::string& scope, const Dims& kernel_shape,
                              int64_t filters, DType dtype, const Conv2DOptions& options) {
  ConvLayer layer;
  GetVariableOptions kernel;
  kernel.dtype = dtype;
  kernel.initializer = options.kernel_initializer;
  kernel.regularizer = options.kernel_regularizer;
  kernel.trainable = options.trainable;
  layer.kernel = get_variable(graph, scope + "/kernel", kernel_shape, kernel);
  if (options.use_bias) {
    GetVariableOptions bias;
    bias.dtype = dtype;
    bias.initializer = options.bias_initializer ? options.bias_initializer : zeros_initializer();
    bias.regularizer = options.bias_regularizer;
    bias.trainable = options.trainable;
    layer.bias = get_variable(graph, scope + "/bias", {filters}, bias);
  }
  return layer;
}

// What conv2d and conv2d_transpose share: the checks, the variables, the layer's name scope and
// the activation around `compute`.
template <typename Compute>
ConvLayer conv_layer(Graph& graph, Output inputs, int64_t filters, Size2 kernel_size,
                     const Conv2DOptions& options, const std::string& base, bool transpose,
                     Compute compute) {
  const std::string padding = normalize_padding(options.padding);
  const std::string name = layer_name(graph, options, base);
  check_positive(kernel_size, "kernel_size", name);
  check_positive(options.strides, "strides", name);
  check_positive(options.dilation_rate, "dilation_rate", name);
  VF_CHECK(filters > 0, ErrorCode::kValue, name, ": `filters` must be positive, got ", filters);
  const int64_t channels = spatial_input_channels(inputs, base, options.data_format);
  VF_CHECK(channels >= 0, ErrorCode::kValue,
           "The channel dimension of the inputs should be defined. Found `None`.");
  const DType dtype = is_any_floating(inputs.dtype()) ? inputs.dtype() : DType::kFloat32;
  const Dims kernel_shape = transpose ? Dims{kernel_size[0], kernel_size[1], filters, channels}
                                      : Dims{kernel_size[0], kernel_size[1], channels, filters};
  const std::string prefix = options.variable_scope.empty() ? "" : options.variable_scope + "/";
  ConvLayer layer =
      make_conv_variables(graph, prefix + name, kernel_shape, filters, dtype, options);
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

Output pooling2d(Graph& graph, Output inputs, Size2 pool_size, Size2 strides,
                 const std::string& padding_arg, DataFormat format, const std::string& name,
                 const char* layer, bool max) {
  const std::string padding = normalize_padding(padding_arg);
  check_positive(pool_size, "pool_size", layer);
  check_positive(strides, "strides", layer);
  spatial_input_channels(inputs, layer, format);
  NameScope scope(graph, name.empty() ? layer : name);
  NameScope op(graph, max ? "MaxPool" : "AvgPool");
  if (max)
    return ops::MaxPool(inputs, window(pool_size, format), window(strides, format), padding,
                        ops::MaxPoolAttrs().with_data_format(op_data_format(format)), op.scope());
  return ops::AvgPool(inputs, window(pool_size, format), window(strides, format), padding,
                      ops::AvgPoolAttrs().with_data_format(op_data_format(format)), op.scope());
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

int64_t spatial_input_channels(Output inputs, const std::string& layer, DataFormat data_format) {
  const Shape& shape = inputs.shape();
  if (!shape.has_rank()) return -1;
  if (shape.rank() != 4) {
    std::string dims = "[";
    for (int i = 0; i < shape.rank(); ++i) {
      if (i) dims += ", ";
      dims += shape.dim(i) < 0 ? "None" : std::to_string(shape.dim(i));
    }
    raise(ErrorCode::kValue, "Input 0 of layer ", layer,
          " is incompatible with the layer: expected ndim=4, found ndim=", shape.rank(),
          ". Full shape received: ", dims, "]");
  }
  const int64_t channels = shape.dim(channels_first(data_format) ? 1 : 3);
  return channels < 0 ? -1 : channels;
}

Output conv2d_output(Graph& graph, Output inputs, Output kernel, std::optional<Output> bias,
                     Size2 strides, const std::string& padding, Size2 dilation_rate,
                     DataFormat data_format) {
  Output x = tf::cast(inputs, kernel.dtype());
  Output out = ops::Conv2D(x, kernel, window(strides, data_format), padding,
                           ops::Conv2DAttrs()
                               .with_data_format(op_data_format(data_format))
                               .with_dilations(window(dilation_rate, data_format)),
                           "Conv2D");
  return add_bias(graph, out, bias, data_format);
}

Output conv2d_transpose_output(Graph& graph, Output inputs, Output kernel,
                               std::optional<Output> bias, Size2 kernel_size, Size2 strides,
                               const std::string& padding, DataFormat data_format) {
  const bool first = channels_first(data_format);
  Output x = tf::cast(inputs, kernel.dtype());
  const Shape& shape = x.shape();
  const int h_axis = first ? 2 : 1, w_axis = first ? 3 : 2;
  Output dynamic_shape = ops::Shape(x);  // before the check, as TF1 builds it
  VF_CHECK(
      shape.has_rank() && shape.rank() == 4 && shape.dim(h_axis) >= 0 && shape.dim(w_axis) >= 0,
      ErrorCode::kValue, "varflow: conv2d_transpose needs inputs of known height and width, got ",
      tf::shape_str(shape));
  const Shape& k_shape = kernel.shape();
  VF_CHECK(k_shape.has_rank() && k_shape.rank() == 4 && k_shape.dim(2) >= 0, ErrorCode::kValue,
           "conv2d_transpose: the kernel must be [kh, kw, filters, in_channels], got ",
           tf::shape_str(k_shape));
  const int64_t filters = k_shape.dim(2);
  const int64_t out_h = deconv_length(shape.dim(h_axis), kernel_size[0], padding, strides[0]);
  const int64_t out_w = deconv_length(shape.dim(w_axis), kernel_size[1], padding, strides[1]);
  Node* parts = ops::Unpack(dynamic_shape, ops::UnpackAttrs().with_num(4), "unstack").node;
  std::vector<Output> dims{parts->output(0)};
  const std::vector<int64_t> rest = first ? std::vector<int64_t>{filters, out_h, out_w}
                                          : std::vector<int64_t>{out_h, out_w, filters};
  for (int64_t d : rest)
    dims.push_back(ops::constant(graph, Tensor::scalar<int32_t>(static_cast<int32_t>(d)), "Const"));
  Output output_shape = ops::Pack(dims, {}, "stack");
  Output out = ops::Conv2DBackpropInput(
      output_shape, kernel, x, window(strides, data_format), padding,
      ops::Conv2DBackpropInputAttrs().with_data_format(op_data_format(data_format)),
      "conv2d_transpose");
  return add_bias(graph, out, bias, data_format);
}

ConvLayer conv2d(Graph& graph, Output inputs, int64_t filters, Size2 kernel_size,
                 const Conv2DOptions& options) {
  return conv_layer(graph, inputs, filters, kernel_size, options, "conv2d", false,
                    [&](Output kernel, std::optional<Output> bias, const std::string& padding) {
                      return conv2d_output(graph, inputs, kernel, bias, options.strides, padding,
                                           options.dilation_rate, options.data_format);
                    });
}

ConvLayer conv2d_transpose(Graph& graph, Output inputs, int64_t filters, Size2 kernel_size,
                           const Conv2DOptions& options) {
  VF_CHECK(options.dilation_rate == (Size2{1, 1}), ErrorCode::kValue,
           "conv2d_transpose: a dilation_rate other than (1, 1) is not supported");
  return conv_layer(graph, inputs, filters, kernel_size, options, "conv2d_transpose", true,
                    [&](Output kernel, std::optional<Output> bias, const std::string& padding) {
                      return conv2d_transpose_output(graph, inputs, kernel, bias, kernel_size,
                                                     options.strides, padding, options.data_format);
                    });
}

Output max_pooling2d(Graph& graph, Output inputs, Size2 pool_size, Size2 strides,
                     const std::string& padding, DataFormat data_format, const std::string& name) {
  return pooling2d(graph, inputs, pool_size, strides, padding, data_format, name, "max_pooling2d",
                   true);
}

Output average_pooling2d(Graph& graph, Output inputs, Size2 pool_size, Size2 strides,
                         const std::string& padding, DataFormat data_format,
                         const std::string& name) {
  return pooling2d(graph, inputs, pool_size, strides, padding, data_format, name,
                   "average_pooling2d", false);
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
    Output perm_const = int32_const(graph, perm);
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
    target = int32_const(graph, {batch >= 0 ? static_cast<int32_t>(batch) : -1,
                                 batch >= 0 ? -1 : static_cast<int32_t>(product)});
  } else {
    Node* parts = ops::Unpack(ops::Shape(x), ops::UnpackAttrs().with_num(rank), "unstack").node;
    Output minus_one = ops::constant(graph, Tensor::scalar<int32_t>(-1), "Const");
    target = ops::Pack({parts->output(0), minus_one}, {}, "stack");
  }
  return ops::Reshape(x, target, "Reshape");
}

}  // namespace varflow::train
