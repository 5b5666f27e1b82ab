// tf.layers' convolution, pooling and flatten layers, tf.nn's softmax family and tf.losses'
// collection sums (varflow/train/conv_layers.h, nn.h, losses.h): conversions only.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

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
      "conv2d_output",
      [](Graph& g, Output inputs, Output kernel, std::optional<Output> bias, train::Size2 strides,
         const std::string& padding, train::Size2 dilation_rate, bool channels_first) {
        return train::conv2d_output(g, inputs, kernel, bias, strides,
                                    train::normalize_padding(padding), dilation_rate,
                                    data_format(channels_first));
      },
      py::arg("graph"), py::arg("inputs"), py::arg("kernel"), py::arg("bias"), py::arg("strides"),
      py::arg("padding"), py::arg("dilation_rate"), py::arg("channels_first"));
  m.def(
      "conv2d_transpose_output",
      [](Graph& g, Output inputs, Output kernel, std::optional<Output> bias,
         train::Size2 kernel_size, train::Size2 strides, const std::string& padding,
         bool channels_first) {
        return train::conv2d_transpose_output(g, inputs, kernel, bias, kernel_size, strides,
                                              train::normalize_padding(padding),
                                              data_format(channels_first));
      },
      py::arg("graph"), py::arg("inputs"), py::arg("kernel"), py::arg("bias"),
      py::arg("kernel_size"), py::arg("strides"), py::arg("padding"), py::arg("channels_first"));
  m.def(
      "spatial_input_channels",
      [](Output inputs, const std::string& layer, bool channels_first) {
        return train::spatial_input_channels(inputs, layer, data_format(channels_first));
      },
      py::arg("inputs"), py::arg("layer"), py::arg("channels_first"));
  // The C++ layers as a C++ host calls them (default initializers, variables made by
  // train::get_variable): the Python API's tests compare their graphs with tf.layers'.
  m.def(
      "conv2d_layer",
      [](Graph& g, Output inputs, int64_t filters, train::Size2 kernel_size, bool transpose,
         const std::string& name, train::Size2 strides, const std::string& padding,
         bool channels_first, train::Size2 dilation_rate, bool use_bias) {
        train::Conv2DOptions options;
        options.name = name;
        options.strides = strides;
        options.padding = padding;
        options.data_format = data_format(channels_first);
        options.dilation_rate = dilation_rate;
        options.use_bias = use_bias;
        return (transpose ? train::conv2d_transpose : train::conv2d)(g, inputs, filters,
                                                                     kernel_size, options)
            .output;
      },
      py::arg("graph"), py::arg("inputs"), py::arg("filters"), py::arg("kernel_size"),
      py::arg("transpose"), py::arg("name"), py::arg("strides"), py::arg("padding"),
      py::arg("channels_first"), py::arg("dilation_rate"), py::arg("use_bias"));
  m.def(
      "pooling2d",
      [](Graph& g, Output inputs, bool max, train::Size2 pool_size, train::Size2 strides,
         const std::string& padding, bool channels_first, const std::string& name) {
        return (max ? train::max_pooling2d : train::average_pooling2d)(
            g, inputs, pool_size, strides, padding, data_format(channels_first), name);
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
