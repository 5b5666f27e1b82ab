// tf.layers' convolution, pooling and flatten layers, tf.nn's softmax family and tf.losses'
// collection sums (varflow/train/conv_layers.h, nn.h, losses.h): conversions only.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <type_traits>
#include <vector>

#include "bindings.h"
#include "varflow/train/arg.h"
#include "varflow/train/conv_layers.h"
#include "varflow/train/losses.h"
#include "varflow/train/nn.h"

namespace varflow::bindings {

namespace py = pybind11;
using train::Arg;

namespace {

train::DataFormat data_format(bool channels_first) {
  return channels_first ? train::DataFormat::kChannelsFirst : train::DataFormat::kChannelsLast;
}

using Sizes = std::vector<int64_t>;

// The number of spatial dimensions a layer's sizes give: one of `allowed`, else kValue.
size_t spatial_rank(const Sizes& sizes, const std::vector<size_t>& allowed) {
  for (size_t n : allowed)
    if (sizes.size() == n) return n;
  raise(ErrorCode::kValue, "varflow: a layer takes 1, 2 or 3 spatial sizes, got ", sizes.size());
}

template <size_t N>
train::SizeN<N> sized(const Sizes& sizes) {
  VF_CHECK(sizes.size() == N, ErrorCode::kValue, "varflow: expected ", N, " sizes, got ",
           sizes.size());
  train::SizeN<N> out{};
  std::copy(sizes.begin(), sizes.end(), out.begin());
  return out;
}

train::LossOptions loss_options(std::optional<std::string> loss_collection,
                                const std::string& reduction) {
  train::LossOptions options;
  options.loss_collection = std::move(loss_collection);
  options.reduction = train::parse_reduction(reduction);
  return options;
}

}  // namespace

void bind_layers(py::module_& m) {
  // --- convolution, pooling, flatten ---------------------------------------------------------
  m.def(
      "conv_output",
      [](Graph& g, Output inputs, Output kernel, std::optional<Output> bias, const Sizes& strides,
         const std::string& padding, const Sizes& dilation_rate, bool channels_first) {
        const std::string pad = train::normalize_padding(padding);
        const train::DataFormat format = data_format(channels_first);
        switch (spatial_rank(strides, {1, 2, 3})) {
          case 1:
            return train::conv1d_output(g, inputs, kernel, bias, sized<1>(strides), pad,
                                        sized<1>(dilation_rate), format);
          case 2:
            return train::conv2d_output(g, inputs, kernel, bias, sized<2>(strides), pad,
                                        sized<2>(dilation_rate), format);
          default:
            return train::conv3d_output(g, inputs, kernel, bias, sized<3>(strides), pad,
                                        sized<3>(dilation_rate), format);
        }
      },
      py::arg("graph"), py::arg("inputs"), py::arg("kernel"), py::arg("bias"), py::arg("strides"),
      py::arg("padding"), py::arg("dilation_rate"), py::arg("channels_first"));
  m.def(
      "conv_transpose_output",
      [](Graph& g, Output inputs, Output kernel, std::optional<Output> bias,
         const Sizes& kernel_size, const Sizes& strides, const std::string& padding,
         bool channels_first) {
        const std::string pad = train::normalize_padding(padding);
        const train::DataFormat format = data_format(channels_first);
        if (spatial_rank(strides, {2, 3}) == 2)
          return train::conv2d_transpose_output(g, inputs, kernel, bias, sized<2>(kernel_size),
                                                sized<2>(strides), pad, format);
        return train::conv3d_transpose_output(g, inputs, kernel, bias, sized<3>(kernel_size),
                                              sized<3>(strides), pad, format);
      },
      py::arg("graph"), py::arg("inputs"), py::arg("kernel"), py::arg("bias"),
      py::arg("kernel_size"), py::arg("strides"), py::arg("padding"), py::arg("channels_first"));
  m.def(
      "separable_conv_output",
      [](Graph& g, Output inputs, Output depthwise_kernel, Output pointwise_kernel,
         std::optional<Output> bias, const Sizes& strides, const std::string& padding,
         const Sizes& dilation_rate, bool channels_first) {
        const std::string pad = train::normalize_padding(padding);
        const train::DataFormat format = data_format(channels_first);
        if (spatial_rank(strides, {1, 2}) == 1)
          return train::separable_conv1d_output(g, inputs, depthwise_kernel, pointwise_kernel, bias,
                                                sized<1>(strides), pad, sized<1>(dilation_rate),
                                                format);
        return train::separable_conv2d_output(g, inputs, depthwise_kernel, pointwise_kernel, bias,
                                              sized<2>(strides), pad, sized<2>(dilation_rate),
                                              format);
      },
      py::arg("graph"), py::arg("inputs"), py::arg("depthwise_kernel"), py::arg("pointwise_kernel"),
      py::arg("bias"), py::arg("strides"), py::arg("padding"), py::arg("dilation_rate"),
      py::arg("channels_first"));
  m.def(
      "separable_conv_layer",
      [](Graph& g, Output inputs, int64_t filters, const Sizes& kernel_size,
         const std::string& name, const Sizes& strides, const std::string& padding,
         bool channels_first, const Sizes& dilation_rate, int64_t depth_multiplier, bool use_bias) {
        auto call = [&](auto rank, auto layer) {
          constexpr size_t N = decltype(rank)::value;
          train::SeparableConvOptions<N> options;
          options.name = name;
          options.strides = sized<N>(strides);
          options.padding = padding;
          options.data_format = data_format(channels_first);
          options.dilation_rate = sized<N>(dilation_rate);
          options.depth_multiplier = depth_multiplier;
          options.use_bias = use_bias;
          return layer(g, inputs, filters, sized<N>(kernel_size), options).output;
        };
        if (spatial_rank(kernel_size, {1, 2}) == 1)
          return call(std::integral_constant<size_t, 1>{}, train::separable_conv1d);
        return call(std::integral_constant<size_t, 2>{}, train::separable_conv2d);
      },
      py::arg("graph"), py::arg("inputs"), py::arg("filters"), py::arg("kernel_size"),
      py::arg("name"), py::arg("strides"), py::arg("padding"), py::arg("channels_first"),
      py::arg("dilation_rate"), py::arg("depth_multiplier"), py::arg("use_bias"));
  m.def(
      "spatial_input_channels",
      [](Output inputs, const std::string& layer, bool channels_first, int rank) {
        return train::spatial_input_channels(inputs, layer, data_format(channels_first), rank);
      },
      py::arg("inputs"), py::arg("layer"), py::arg("channels_first"), py::arg("rank"));
  // The C++ layers as a C++ host calls them (default initializers, variables made by
  // train::get_variable): the Python API's tests compare their graphs with tf.layers'.
  m.def(
      "conv_layer",
      [](Graph& g, Output inputs, int64_t filters, const Sizes& kernel_size, bool transpose,
         const std::string& name, const Sizes& strides, const std::string& padding,
         bool channels_first, const Sizes& dilation_rate, bool use_bias) {
        auto call = [&](auto rank, auto conv, auto conv_transpose) {
          constexpr size_t N = decltype(rank)::value;
          train::ConvOptions<N> options;
          options.name = name;
          options.strides = sized<N>(strides);
          options.padding = padding;
          options.data_format = data_format(channels_first);
          options.dilation_rate = sized<N>(dilation_rate);
          options.use_bias = use_bias;
          return (transpose ? conv_transpose : conv)(g, inputs, filters, sized<N>(kernel_size),
                                                     options)
              .output;
        };
        switch (spatial_rank(
            kernel_size, transpose ? std::vector<size_t>{2, 3} : std::vector<size_t>{1, 2, 3})) {
          case 1:
            return call(std::integral_constant<size_t, 1>{}, train::conv1d, train::conv1d);
          case 2:
            return call(std::integral_constant<size_t, 2>{}, train::conv2d,
                        train::conv2d_transpose);
          default:
            return call(std::integral_constant<size_t, 3>{}, train::conv3d,
                        train::conv3d_transpose);
        }
      },
      py::arg("graph"), py::arg("inputs"), py::arg("filters"), py::arg("kernel_size"),
      py::arg("transpose"), py::arg("name"), py::arg("strides"), py::arg("padding"),
      py::arg("channels_first"), py::arg("dilation_rate"), py::arg("use_bias"));
  m.def(
      "pooling",
      [](Graph& g, Output inputs, bool max, const Sizes& pool_size, const Sizes& strides,
         const std::string& padding, bool channels_first, const std::string& name) {
        const train::DataFormat format = data_format(channels_first);
        switch (spatial_rank(pool_size, {1, 2, 3})) {
          case 1:
            return (max ? train::max_pooling1d : train::average_pooling1d)(
                g, inputs, sized<1>(pool_size), sized<1>(strides), padding, format, name);
          case 2:
            return (max ? train::max_pooling2d : train::average_pooling2d)(
                g, inputs, sized<2>(pool_size), sized<2>(strides), padding, format, name);
          default:
            return (max ? train::max_pooling3d : train::average_pooling3d)(
                g, inputs, sized<3>(pool_size), sized<3>(strides), padding, format, name);
        }
      },
      py::arg("graph"), py::arg("inputs"), py::arg("max"), py::arg("pool_size"), py::arg("strides"),
      py::arg("padding"), py::arg("channels_first"), py::arg("name"));
  m.def(
      "flatten",
      [](Graph& g, Output inputs, bool channels_first, const std::string& name) {
        return train::flatten(g, inputs, data_format(channels_first), name);
      },
      py::arg("graph"), py::arg("inputs"), py::arg("channels_first"), py::arg("name"));

  // --- softmax ---------------------------------------------------------------------------------
  m.def("softmax", &train::softmax, py::arg("graph"), py::arg("logits"), py::arg("axis"),
        py::arg("name"));
  m.def("log_softmax", &train::log_softmax, py::arg("graph"), py::arg("logits"), py::arg("axis"),
        py::arg("name"));
  m.def("softmax_cross_entropy_with_logits", &train::softmax_cross_entropy_with_logits,
        py::arg("graph"), py::arg("labels"), py::arg("logits"), py::arg("axis"), py::arg("name"),
        py::arg("stop_label_gradient"));
  m.def(
      "softmax_cross_entropy",
      [](Graph& g, const Arg& labels, const Arg& logits, const Arg& weights, double label_smoothing,
         const std::string& name, std::optional<std::string> collection,
         const std::string& reduction) {
        return train::softmax_cross_entropy(g, labels, logits, weights, label_smoothing, name,
                                            loss_options(std::move(collection), reduction));
      },
      py::arg("graph"), py::arg("onehot_labels"), py::arg("logits"), py::arg("weights"),
      py::arg("label_smoothing"), py::arg("name"), py::arg("loss_collection"),
      py::arg("reduction"));

  // --- the loss collections ----------------------------------------------------------------------
  m.def("get_regularization_loss", &train::get_regularization_loss, py::arg("graph"),
        py::arg("scope"), py::arg("name"));
  m.def("get_total_loss", &train::get_total_loss, py::arg("graph"),
        py::arg("add_regularization_losses"), py::arg("name"), py::arg("scope"));
}

}  // namespace varflow::bindings
