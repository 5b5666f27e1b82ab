// tf.nn.rnn_cell's step maths and variables (varflow/train/rnn_cells.h) and the RNN drivers
// (varflow/train/rnn.h) over a Python cell called back for each step: conversions only.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "varflow/train/rnn.h"
#include "varflow/train/rnn_cells.h"

namespace varflow::bindings {

namespace py = pybind11;

namespace {

// An LSTM step as Python unpacks it: (output, c, h, the concatenated state or None).
py::tuple lstm_step_tuple(const train::LSTMCellStep& step) {
  return py::make_tuple(step.output, step.state.c, step.state.h, step.concatenated);
}

train::RNNCellVariableOptions variable_options(const std::string& scope, DType dtype,
                                               bool trainable, bool reuse) {
  train::RNNCellVariableOptions options;
  options.scope = scope;
  options.dtype = dtype;
  options.trainable = trainable;
  options.reuse = reuse;
  return options;
}

std::vector<Output> values(const std::vector<Variable>& variables) {
  std::vector<Output> out;
  for (const Variable& v : variables) out.push_back(v.value());
  return out;
}

std::vector<Output> lstm_values(const train::LSTMCellVariables& v) {
  std::vector<Variable> all{v.kernel, v.bias};
  for (const auto& extra : {v.w_f_diag, v.w_i_diag, v.w_o_diag, v.projection})
    if (extra) all.push_back(*extra);
  return values(all);
}

// A Python cell's step: (flat inputs, flat state) -> (flat outputs, flat new state).
using PythonStep = std::function<std::pair<std::vector<Output>, std::vector<Output>>(
    const std::vector<Output>&, const std::vector<Output>&)>;
// A Python cell's zero_state(batch_size, dtype), flattened.
using PythonZeroState = std::function<std::vector<Output>(const train::BatchSize&, DType)>;

std::vector<Dims> dims_list(const std::vector<std::vector<int64_t>>& sizes) {
  std::vector<Dims> out;
  for (const auto& s : sizes) out.emplace_back(s.begin(), s.end());
  return out;
}

train::RNNCell python_cell(const std::string& name,
                           const std::vector<std::vector<int64_t>>& outputs,
                           const std::vector<std::vector<int64_t>>& states, PythonStep step,
                           PythonZeroState zero_state) {
  train::RNNCell cell;
  cell.name = name;
  cell.output_sizes = dims_list(outputs);
  cell.state_sizes = dims_list(states);
  cell.step = [step = std::move(step)](Graph&, const std::vector<Output>& inputs,
                                       const std::vector<Output>& state) {
    auto [out, next] = step(inputs, state);
    return train::RNNCellStep{std::move(out), std::move(next)};
  };
  cell.zero_state = [zero_state = std::move(zero_state)](Graph&, const train::BatchSize& batch,
                                                         DType dtype) {
    return zero_state(batch, dtype);
  };
  return cell;
}

train::RNNOptions rnn_options(std::optional<Output> sequence_length,
                              std::vector<Output> initial_state, std::optional<DType> dtype,
                              bool time_major) {
  train::RNNOptions options;
  options.sequence_length = sequence_length;
  options.initial_state = std::move(initial_state);
  options.dtype = dtype;
  options.time_major = time_major;
  options.scope.clear();  // the Python API has opened TF1's variable scope
  return options;
}

}  // namespace

void bind_rnn_cells(py::module_& m) {
  // --- drivers ---------------------------------------------------------------------------------
  m.def(
      "dynamic_rnn",
      [](Graph& g, const std::string& cell_name,
         const std::vector<std::vector<int64_t>>& output_sizes,
         const std::vector<std::vector<int64_t>>& state_sizes, PythonStep step,
         PythonZeroState zero_state, const std::vector<Output>& inputs,
         std::optional<Output> sequence_length, std::vector<Output> initial_state,
         std::optional<DType> dtype, bool time_major) {
        const train::RNNOutputs r = train::dynamic_rnn(
            g,
            python_cell(cell_name, output_sizes, state_sizes, std::move(step),
                        std::move(zero_state)),
            inputs, rnn_options(sequence_length, std::move(initial_state), dtype, time_major));
        return py::make_tuple(r.outputs, r.state);
      },
      py::arg("graph"), py::arg("cell_name"), py::arg("output_sizes"), py::arg("state_sizes"),
      py::arg("step"), py::arg("zero_state"), py::arg("inputs"), py::arg("sequence_length"),
      py::arg("initial_state"), py::arg("dtype"), py::arg("time_major"),
      "tf.nn.dynamic_rnn over flat inputs; returns (flat outputs, flat final state).");
  m.def(
      "reverse_steps",
      [](const std::vector<std::vector<Output>>& steps, std::optional<Output> lengths) {
        return train::reverse_steps(steps, lengths);
      },
      py::arg("steps"), py::arg("lengths"),
      "static_bidirectional_rnn's reversal of a list of flat steps (by lengths when given).");
  m.def(
      "static_rnn",
      [](Graph& g, const std::string& cell_name,
         const std::vector<std::vector<int64_t>>& output_sizes,
         const std::vector<std::vector<int64_t>>& state_sizes, PythonStep step,
         PythonZeroState zero_state, const std::vector<std::vector<Output>>& inputs,
         std::optional<Output> sequence_length, std::vector<Output> initial_state,
         std::optional<DType> dtype) {
        const train::RNNOutputs r = train::static_rnn(
            g,
            python_cell(cell_name, output_sizes, state_sizes, std::move(step),
                        std::move(zero_state)),
            inputs, rnn_options(sequence_length, std::move(initial_state), dtype, false));
        return py::make_tuple(r.step_outputs, r.state);
      },
      py::arg("graph"), py::arg("cell_name"), py::arg("output_sizes"), py::arg("state_sizes"),
      py::arg("step"), py::arg("zero_state"), py::arg("inputs"), py::arg("sequence_length"),
      py::arg("initial_state"), py::arg("dtype"),
      "tf.nn.static_rnn over time steps of flat inputs; returns (each step's flat outputs, the "
      "flat final state).");

  m.def("check_rnn_cell_dtype", &train::check_rnn_cell_dtype, py::arg("dtype"));
  m.def("rnn_cell_input_depth", &train::rnn_cell_input_depth, py::arg("input_shape"));

  // --- steps -----------------------------------------------------------------------------------
  m.def("basic_rnn_cell_step", &train::basic_rnn_cell_step, py::arg("graph"), py::arg("inputs"),
        py::arg("state"), py::arg("kernel"), py::arg("bias"), py::arg("activation"));
  m.def(
      "gru_cell_step",
      [](Graph& g, Output inputs, Output state, Output gate_kernel, Output gate_bias,
         Output candidate_kernel, Output candidate_bias, const train::Activation& activation) {
        return train::gru_cell_step(g, inputs, state,
                                    {gate_kernel, gate_bias, candidate_kernel, candidate_bias},
                                    activation);
      },
      py::arg("graph"), py::arg("inputs"), py::arg("state"), py::arg("gate_kernel"),
      py::arg("gate_bias"), py::arg("candidate_kernel"), py::arg("candidate_bias"),
      py::arg("activation"));
  m.def(
      "basic_lstm_cell_step",
      [](Graph& g, Output inputs, const std::vector<Output>& state, Output kernel, Output bias,
         double forget_bias, bool state_is_tuple, const train::Activation& activation) {
        train::BasicLSTMCellOptions options;
        options.forget_bias = forget_bias;
        options.state_is_tuple = state_is_tuple;
        options.activation = activation;
        return lstm_step_tuple(
            train::basic_lstm_cell_step(g, inputs, state, kernel, bias, options));
      },
      py::arg("graph"), py::arg("inputs"), py::arg("state"), py::arg("kernel"), py::arg("bias"),
      py::arg("forget_bias"), py::arg("state_is_tuple"), py::arg("activation"));
  m.def(
      "lstm_cell_step",
      [](Graph& g, Output inputs, const std::vector<Output>& state, Output kernel, Output bias,
         std::optional<Output> w_f_diag, std::optional<Output> w_i_diag,
         std::optional<Output> w_o_diag, std::optional<Output> projection, int64_t num_units,
         bool use_peepholes, std::optional<double> cell_clip, std::optional<int64_t> num_proj,
         std::optional<double> proj_clip, double forget_bias, bool state_is_tuple,
         const train::Activation& activation) {
        train::LSTMCellOptions options;
        options.num_units = num_units;
        options.use_peepholes = use_peepholes;
        options.cell_clip = cell_clip;
        options.num_proj = num_proj;
        options.proj_clip = proj_clip;
        options.forget_bias = forget_bias;
        options.state_is_tuple = state_is_tuple;
        options.activation = activation;
        const train::LSTMCellWeights weights{kernel,   bias,     w_f_diag,
                                             w_i_diag, w_o_diag, projection};
        return lstm_step_tuple(train::lstm_cell_step(g, inputs, state, weights, options));
      },
      py::arg("graph"), py::arg("inputs"), py::arg("state"), py::arg("kernel"), py::arg("bias"),
      py::arg("w_f_diag"), py::arg("w_i_diag"), py::arg("w_o_diag"), py::arg("projection"),
      py::arg("num_units"), py::arg("use_peepholes"), py::arg("cell_clip"), py::arg("num_proj"),
      py::arg("proj_clip"), py::arg("forget_bias"), py::arg("state_is_tuple"),
      py::arg("activation"));
  m.def(
      "lstm_block_cell",
      [](Graph& g, Output x, Output cs_prev, Output h_prev, Output w, Output b,
         std::optional<Output> wci, std::optional<Output> wcf, std::optional<Output> wco,
         double forget_bias, std::optional<double> cell_clip, bool use_peephole,
         const std::string& name) {
        train::LSTMBlockCellOptions options;
        options.wci = wci;
        options.wcf = wcf;
        options.wco = wco;
        options.forget_bias = forget_bias;
        options.cell_clip = cell_clip;
        options.use_peephole = use_peephole;
        options.name = name;
        Node* cell = train::lstm_block_cell(g, x, cs_prev, h_prev, w, b, options);
        std::vector<Output> outputs;
        for (int i = 0; i < cell->num_outputs(); ++i) outputs.push_back(cell->output(i));
        return outputs;
      },
      py::arg("graph"), py::arg("x"), py::arg("cs_prev"), py::arg("h_prev"), py::arg("w"),
      py::arg("b"), py::arg("wci"), py::arg("wcf"), py::arg("wco"), py::arg("forget_bias"),
      py::arg("cell_clip"), py::arg("use_peephole"), py::arg("name"));

  // --- variables, as a C++ host makes them (default initializers, train::get_variable): the
  // Python API's tests compare the cells' graphs with the Python cells'. Each returns the
  // variables' values in creation order.
  m.def(
      "basic_rnn_cell_variables",
      [](Graph& g, const Shape& input_shape, int64_t num_units, const std::string& scope,
         DType dtype, bool trainable, bool reuse) {
        const auto v = train::basic_rnn_cell_variables(
            g, input_shape, num_units, variable_options(scope, dtype, trainable, reuse));
        return values({v.kernel, v.bias});
      },
      py::arg("graph"), py::arg("input_shape"), py::arg("num_units"), py::arg("scope"),
      py::arg("dtype"), py::arg("trainable"), py::arg("reuse"));
  m.def(
      "gru_cell_variables",
      [](Graph& g, const Shape& input_shape, int64_t num_units, const std::string& scope,
         DType dtype, bool trainable, bool reuse) {
        const auto v = train::gru_cell_variables(g, input_shape, num_units,
                                                 variable_options(scope, dtype, trainable, reuse));
        return values({v.gate_kernel, v.gate_bias, v.candidate_kernel, v.candidate_bias});
      },
      py::arg("graph"), py::arg("input_shape"), py::arg("num_units"), py::arg("scope"),
      py::arg("dtype"), py::arg("trainable"), py::arg("reuse"));
  m.def(
      "lstm_cell_variables",
      [](Graph& g, const Shape& input_shape, int64_t num_units, bool use_peepholes,
         std::optional<int64_t> num_proj, const std::string& scope, DType dtype, bool trainable,
         bool reuse) {
        return lstm_values(
            train::lstm_cell_variables(g, input_shape, num_units, use_peepholes, num_proj,
                                       variable_options(scope, dtype, trainable, reuse)));
      },
      py::arg("graph"), py::arg("input_shape"), py::arg("num_units"), py::arg("use_peepholes"),
      py::arg("num_proj"), py::arg("scope"), py::arg("dtype"), py::arg("trainable"),
      py::arg("reuse"));
}

}  // namespace varflow::bindings
