// tf.layers' pooling layers of varflow/train/conv_layers.h, node for node as TF1's
// layers/pooling.py over Keras' Pooling1D, Pooling2D and Pooling3D.
#include <vector>

#include "train/conv_layer_parts.h"
#include "train/tf_math.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/train/conv_layers.h"

namespace varflow::train {

namespace {

// The 2-D pooling op in `format`, named after the op type.
Output pool2d(Graph& graph, Output x, bool max, Size2 pool_size, Size2 strides,
              const std::string& padding, DataFormat format) {
  NameScope op(graph, max ? "MaxPool" : "AvgPool");
  if (max)
    return ops::MaxPool(x, window<2>(pool_size, format), window<2>(strides, format), padding,
                        ops::MaxPoolAttrs().with_data_format(op_data_format<2>(format)),
                        op.scope());
  return ops::AvgPool(x, window<2>(pool_size, format), window<2>(strides, format), padding,
                      ops::AvgPoolAttrs().with_data_format(op_data_format<2>(format)), op.scope());
}

template <size_t N>
Output pooling(Graph& graph, Output inputs, SizeN<N> pool_size, SizeN<N> strides,
               const std::string& padding_arg, DataFormat format, const std::string& name,
               const char* layer, bool max) {
  const std::string padding = normalize_padding(padding_arg);
  check_positive(pool_size, "pool_size", layer);
  check_positive(strides, "strides", layer);
  spatial_input_channels(inputs, layer, format, static_cast<int>(N) + 2);
  NameScope scope(graph, name.empty() ? layer : name);
  const bool first = channels_first(format);
  if constexpr (N == 2) {
    return pool2d(graph, inputs, max, pool_size, strides, padding, format);
  } else if constexpr (N == 1) {
    // Keras pools a [size, 1] image; CPU pooling is NHWC only, so channels first goes through
    // transposes.
    const int32_t axis = first ? 3 : 2;
    Output x = tf::expand_dims(graph, inputs, axis);
    if (first) x = tf::transpose(graph, x, {0, 2, 3, 1});
    x = pool2d(graph, x, max, {pool_size[0], 1}, {strides[0], 1}, padding,
               DataFormat::kChannelsLast);
    if (first) x = tf::transpose(graph, x, {0, 3, 1, 2});
    return ops::Squeeze(x, ops::SqueezeAttrs().with_squeeze_dims({axis}), "Squeeze");
  } else {
    // TF1's 3-D pooling takes only NDHWC: Keras transposes channels-first inputs around it.
    Output x = first ? tf::transpose(graph, inputs, {0, 2, 3, 4, 1}) : inputs;
    const std::vector<int64_t> ksize = window<3>(pool_size, DataFormat::kChannelsLast);
    const std::vector<int64_t> step = window<3>(strides, DataFormat::kChannelsLast);
    {
      NameScope op(graph, max ? "MaxPool3D" : "AvgPool3D");
      x = max ? ops::MaxPool3D(x, ksize, step, padding, {}, op.scope())
              : ops::AvgPool3D(x, ksize, step, padding, {}, op.scope());
    }
    return first ? tf::transpose(graph, x, {0, 4, 1, 2, 3}) : x;
  }
}

}  // namespace

Output max_pooling1d(Graph& graph, Output inputs, Size1 pool_size, Size1 strides,
                     const std::string& padding, DataFormat data_format, const std::string& name) {
  return pooling<1>(graph, inputs, pool_size, strides, padding, data_format, name, "max_pooling1d",
                    true);
}

Output average_pooling1d(Graph& graph, Output inputs, Size1 pool_size, Size1 strides,
                         const std::string& padding, DataFormat data_format,
                         const std::string& name) {
  return pooling<1>(graph, inputs, pool_size, strides, padding, data_format, name,
                    "average_pooling1d", false);
}

Output max_pooling2d(Graph& graph, Output inputs, Size2 pool_size, Size2 strides,
                     const std::string& padding, DataFormat data_format, const std::string& name) {
  return pooling<2>(graph, inputs, pool_size, strides, padding, data_format, name, "max_pooling2d",
                    true);
}

Output average_pooling2d(Graph& graph, Output inputs, Size2 pool_size, Size2 strides,
                         const std::string& padding, DataFormat data_format,
                         const std::string& name) {
  return pooling<2>(graph, inputs, pool_size, strides, padding, data_format, name,
                    "average_pooling2d", false);
}

Output max_pooling3d(Graph& graph, Output inputs, Size3 pool_size, Size3 strides,
                     const std::string& padding, DataFormat data_format, const std::string& name) {
  return pooling<3>(graph, inputs, pool_size, strides, padding, data_format, name, "max_pooling3d",
                    true);
}

Output average_pooling3d(Graph& graph, Output inputs, Size3 pool_size, Size3 strides,
                         const std::string& padding, DataFormat data_format,
                         const std::string& name) {
  return pooling<3>(graph, inputs, pool_size, strides, padding, data_format, name,
                    "average_pooling3d", false);
}

}  // namespace varflow::train
