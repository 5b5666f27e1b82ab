// TF1's rnn.py drivers (dynamic_rnn's while loop over TensorArrays, static_rnn's unrolled steps,
// the bidirectional forms) and the zero states and step selection they share, node for node as
// TF1 builds them: every node is made in its own statement, in TF1's order.
#include "varflow/train/rnn.h"

#include <string>
#include <utility>

#include "train/tf_math.h"
#include "varflow/control_flow.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/train/initializers.h"

namespace varflow::train {

namespace {

const int64_t* known_batch(const BatchSize& batch) { return std::get_if<int64_t>(&batch); }

Dims with_batch(int64_t batch, const Dims& size) {
  Dims dims{batch};
  for (int64_t d : size) dims.push_back(d);
  return dims;
}

// [batch, time, ...] <-> [time, batch, ...] (TF1's _transpose_batch_time).
Output transpose_batch_time(Graph& graph, Output x) {
  const Shape& shape = x.shape();
  if (shape.has_rank() && shape.rank() < 2) return x;
  Output perm;
  if (shape.has_rank()) {
    std::vector<int32_t> order{1, 0};
    for (int i = 2; i < shape.rank(); ++i) order.push_back(i);
    perm = tf::int32_vector(graph, order);
  } else {
    Output head = tf::int32_vector(graph, {1, 0});
    Output start = tf::int32_scalar(graph, 2);
    Output rank = ops::Rank(x, "Rank");
    Output delta = tf::int32_scalar(graph, 1);
    Output tail = ops::Range(start, rank, delta, "range");
    Output axis = tf::int32_scalar(graph, 0);
    perm = ops::ConcatV2({head, tail, axis}, ops::ConcatV2Attrs().with_N(2), "concat");
  }
  return ops::Transpose(x, perm, "transpose");
}

// TF1's _best_effort_input_batch_size over time-major inputs: the first static batch
// dimension, else the first input's Shape sliced.
BatchSize best_effort_batch_size(const std::vector<Output>& inputs) {
  for (const Output& x : inputs) {
    const Shape& shape = x.shape();
    if (!shape.has_rank()) continue;
    VF_CHECK(shape.rank() >= 2, ErrorCode::kValue, "Expected input tensor ", x.name(),
             " to have rank at least 2");
    if (shape.dim(1) != kUnknownDim) return shape.dim(1);
  }
  Output shape = ops::Shape(inputs[0], {}, "Shape");
  return tf::strided_slice_1d(shape, 1, 2, 0, 0, 1);
}

// zeros of [batch, size...] (TF1's _concat(batch_size, size) and array_ops.zeros).
Output zeros_for(Graph& graph, const BatchSize& batch, const Dims& size, DType dtype) {
  if (const int64_t* n = known_batch(batch))
    return filled(graph, with_batch(*n, size), 0, dtype, "zeros");
  Output prefix = std::get<Output>(batch);
  const Shape& prefix_shape = prefix.shape();
  if (prefix_shape.has_rank() && prefix_shape.rank() == 0) {
    prefix = tf::expand_dims(graph, prefix, 0);
  } else {
    VF_CHECK(!prefix_shape.has_rank() || prefix_shape.rank() == 1, ErrorCode::kValue,
             "prefix tensor must be either a scalar or vector, but saw tensor: ", prefix.name());
  }
  std::vector<int32_t> suffix_values;
  for (int64_t d : size) suffix_values.push_back(static_cast<int32_t>(d));
  Output suffix = tf::int32_vector(graph, suffix_values);
  Output axis = tf::int32_scalar(graph, 0);
  Output dims = ops::ConcatV2({prefix, suffix, axis}, ops::ConcatV2Attrs().with_N(2), "concat");
  Output zero = ops::constant(graph, Tensor::scalar<double>(0).cast(dtype), "Const");
  return ops::Fill(dims, zero, "zeros");
}

// TF1's _infer_state_dtype: the explicit dtype, else the state's single dtype.
DType state_dtype(const std::optional<DType>& explicit_dtype, const std::vector<Output>& state) {
  if (explicit_dtype) return *explicit_dtype;
  VF_CHECK(!state.empty(), ErrorCode::kValue, "Unable to infer dtype from empty state.");
  for (const Output& s : state)
    VF_CHECK(s.dtype() == state[0].dtype(), ErrorCode::kValue,
             "State has tensors of different inferred_dtypes. Unable to infer a single "
             "representative dtype. State: ",
             state[0].name(), " is ", tf::dtype_str(state[0].dtype()), ", ", s.name(), " is ",
             tf::dtype_str(s.dtype()));
  return state[0].dtype();
}

std::vector<Output> zero_outputs(Graph& graph, const RNNCell& cell, const BatchSize& batch,
                                 DType dtype) {
  std::vector<Output> zeros;
  for (const Dims& size : cell.output_sizes) zeros.push_back(zeros_for(graph, batch, size, dtype));
  return zeros;
}

void check_cell(const RNNCell& cell) {
  VF_CHECK(static_cast<bool>(cell.step), ErrorCode::kValue, "The RNN cell '", cell.name,
           "' has no step function");
  VF_CHECK(!cell.output_sizes.empty(), ErrorCode::kValue, "The RNN cell '", cell.name,
           "' has no outputs");
}

void check_state_count(const RNNCell& cell, const std::vector<Output>& state, const char* what) {
  VF_CHECK(state.size() == cell.state_sizes.size(), ErrorCode::kValue, what, " has ", state.size(),
           " tensors, but the cell '", cell.name, "' has a state of ", cell.state_sizes.size());
}

RNNCellStep checked_step(Graph& graph, const RNNCell& cell, const std::vector<Output>& inputs,
                         const std::vector<Output>& state) {
  RNNCellStep step = cell.step(graph, inputs, state);
  VF_CHECK(step.outputs.size() == cell.output_sizes.size(), ErrorCode::kValue, "The RNN cell '",
           cell.name, "' returned ", step.outputs.size(), " outputs for its ",
           cell.output_sizes.size(), " output sizes");
  check_state_count(cell, step.state, "The new state");
  return step;
}

std::vector<Output> initial_state(Graph& graph, const RNNCell& cell,
                                  const std::vector<Output>& given,
                                  const std::optional<DType>& dtype, const BatchSize& batch) {
  if (!given.empty()) return given;
  VF_CHECK(dtype.has_value(), ErrorCode::kValue,
           "If no initial_state is provided, dtype must be specified");
  return cell_zero_state(graph, cell, batch, *dtype);
}

std::string sequence_length_error(const Output& lengths) {
  return "sequence_length must be a vector of length batch_size, but saw shape: " +
         tf::shape_str(lengths.shape());
}

Shape element_shape_without_time(const Shape& shape) {
  if (!shape.has_rank()) return Shape::unknown_rank();
  return Shape(Dims(shape.dims().begin() + 1, shape.dims().end()));
}

// TensorArray(size=time_steps) in the scope "TensorArray".
Output new_tensor_array(Graph& graph, Output size, DType dtype, const Shape& element_shape) {
  NameScope scope(graph, "TensorArray");
  return ops::TensorArray(size, dtype, ops::TensorArrayAttrs().with_element_shape(element_shape),
                          "TensorArrayV3");
}

// The time-major inputs' checks of TF1's _dynamic_rnn_loop; returns the static time steps and
// batch size (kUnknownDim when unknown).
std::pair<int64_t, int64_t> check_loop_inputs(const std::vector<Output>& inputs) {
  for (const Output& x : inputs) {
    const Shape& shape = x.shape();
    VF_CHECK(!shape.has_rank() || shape.rank() >= 3, ErrorCode::kValue, "Shape ",
             tf::shape_str(shape), " must have rank at least 3");
  }
  const Shape& first = inputs[0].shape();
  const int64_t time_steps = first.has_rank() ? first.dim(0) : kUnknownDim;
  const int64_t batch = first.has_rank() ? first.dim(1) : kUnknownDim;
  for (const Output& x : inputs) {
    const Shape& shape = x.shape();
    bool depth_known = shape.has_rank();
    for (int i = 2; depth_known && i < shape.rank(); ++i) depth_known = shape.dim(i) != kUnknownDim;
    VF_CHECK(depth_known, ErrorCode::kValue,
             "Input size (depth of inputs) must be accessible via shape inference, but saw value "
             "None for input ",
             x.name(), ".");
    VF_CHECK(shape.dim(0) == time_steps, ErrorCode::kValue,
             "Time steps is not the same for all the elements in the input in a batch.");
    VF_CHECK(shape.dim(1) == batch, ErrorCode::kValue,
             "Batch_size is not the same for all the elements in the input.");
  }
  return {time_steps, batch};
}

// TF1's _dynamic_rnn_loop over time-major inputs.
RNNOutputs dynamic_rnn_loop(Graph& graph, const RNNCell& cell, const std::vector<Output>& inputs,
                            std::vector<Output> state, const std::optional<Output>& lengths,
                            const std::optional<DType>& dtype) {
  Output input_shape = ops::Shape(inputs[0], {}, "Shape");
  Output time_steps = tf::strided_slice_1d(input_shape, 0, 1, 0, 0, 1);
  const BatchSize batch = best_effort_batch_size(inputs);
  const auto [const_time_steps, const_batch] = check_loop_inputs(inputs);

  const DType out_dtype = state_dtype(dtype, state);
  const std::vector<Output> zero_output = zero_outputs(graph, cell, batch, out_dtype);
  Output max_length = lengths ? tf::reduce("Max", *lengths, std::nullopt, false) : time_steps;
  Output time = ops::constant(graph, Tensor::scalar<int32_t>(0), "time");
  {
    NameScope base(graph, "dynamic_rnn");
  }  // TF1 takes the name for its arrays' names

  std::vector<Output> output_arrays;
  std::vector<Shape> output_elements;
  for (const Dims& size : cell.output_sizes) {
    output_elements.push_back(Shape(with_batch(const_batch, size)));
    output_arrays.push_back(new_tensor_array(graph, time_steps, out_dtype, output_elements.back()));
  }
  std::vector<Output> input_arrays;
  for (const Output& x : inputs) {
    new_tensor_array(graph, time_steps, x.dtype(), element_shape_without_time(x.shape()));
    NameScope unstack(graph, "TensorArrayUnstack");
    input_arrays.push_back(ops::Identity(x, "TensorArrayScatterV3"));
  }

  Output one = tf::int32_scalar(graph, 1);
  Output at_least_one = ops::Maximum(one, max_length, "Maximum");
  Output loop_bound = ops::Minimum(time_steps, at_least_one, "Minimum");

  const size_t num_outputs = output_arrays.size();
  std::vector<Output> loop_vars{time};
  ops::WhileOptions options;
  options.shape_invariants.push_back(Shape{});
  for (size_t k = 0; k < num_outputs; ++k) {
    loop_vars.push_back(output_arrays[k]);
    Dims rows{kUnknownDim};
    for (int64_t d : output_elements[k].dims()) rows.push_back(d);
    options.shape_invariants.push_back(Shape(rows));
  }
  for (const Output& s : state) {
    loop_vars.push_back(s);
    options.shape_invariants.push_back(s.shape());
  }
  options.maximum_iterations = time_steps;

  auto condition = [&](const std::vector<Output>& vars) {
    return ops::Less(vars[0], loop_bound, "Less");
  };
  auto body = [&](const std::vector<Output>& vars) {
    Output t = vars[0];
    std::vector<Output> step_inputs;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Shape element = element_shape_without_time(inputs[i].shape());
      NameScope read(graph, "TensorArrayReadV3");
      Output value = ops::TensorArrayGather(input_arrays[i], t, "TensorArrayReadV3");
      step_inputs.push_back(ops::fit_to_shape(value, element));
    }
    const std::vector<Output> step_state(vars.begin() + 1 + static_cast<long>(num_outputs),
                                         vars.end());
    RNNCellStep step = lengths ? rnn_step_with_lengths(graph, cell, step_inputs, step_state, t,
                                                       *lengths, zero_output)
                               : checked_step(graph, cell, step_inputs, step_state);
    std::vector<Output> next{};
    std::vector<Output> written;
    for (size_t k = 0; k < num_outputs; ++k) {
      const Output& out = step.outputs[k];
      NameScope write(graph, "TensorArrayWrite");
      VF_CHECK(out.dtype() == out_dtype, ErrorCode::kType, "TensorArray dtype is ",
               dtype_name(out_dtype), " but Op is trying to write dtype ", dtype_name(out.dtype()),
               ".");
      VF_CHECK(out.shape().compatible_with(output_elements[k]), ErrorCode::kValue,
               "Inconsistent shapes: saw ", tf::shape_str(out.shape()), " but expected ",
               tf::shape_str(output_elements[k]), " (and infer_shape=True)");
      written.push_back(ops::TensorArrayScatter(vars[1 + k], t, out, {}, "TensorArrayWriteV3"));
    }
    next.push_back(tf::add(t, 1.0));
    next.insert(next.end(), written.begin(), written.end());
    next.insert(next.end(), step.state.begin(), step.state.end());
    return next;
  };
  const std::vector<Output> final_vars = ops::while_loop(condition, body, loop_vars, options);

  RNNOutputs result;
  for (size_t k = 0; k < num_outputs; ++k) {
    NameScope stack(graph, "TensorArrayStack");
    Output stacked = ops::Identity(final_vars[1 + k], "TensorArrayGatherV3");
    Dims full{const_time_steps};
    for (int64_t d : output_elements[k].dims()) full.push_back(d);
    result.outputs.push_back(ops::fit_to_shape(stacked, Shape(full)));
  }
  result.state.assign(final_vars.begin() + 1 + static_cast<long>(num_outputs), final_vars.end());
  return result;
}

// TF1's static_rnn checks of the steps' shapes; returns the static batch size (kUnknownDim
// when unknown).
int64_t check_static_inputs(const std::vector<std::vector<Output>>& inputs) {
  const Output& first = inputs[0][0];
  const Shape& first_shape = first.shape();
  if (first_shape.has_rank() && first_shape.rank() == 1) return first_shape.dim(0);
  VF_CHECK(!first_shape.has_rank() || first_shape.rank() >= 2, ErrorCode::kValue, "Shape ",
           tf::shape_str(first_shape), " must have rank at least 2");
  int64_t fixed = first_shape.has_rank() ? first_shape.dim(0) : kUnknownDim;
  for (const std::vector<Output>& step : inputs) {
    for (const Output& x : step) {
      const Shape& shape = x.shape();
      VF_CHECK(!shape.has_rank() || shape.rank() >= 2, ErrorCode::kValue, "Shape ",
               tf::shape_str(shape), " must have rank at least 2");
      const int64_t batch = shape.has_rank() ? shape.dim(0) : kUnknownDim;
      VF_CHECK(fixed == kUnknownDim || batch == kUnknownDim || batch == fixed, ErrorCode::kValue,
               "Dimension ", batch, " and ", fixed,
               " are not compatible (the batch sizes of the inputs)");
      if (fixed == kUnknownDim) fixed = batch;
      const int depth_dims = shape.has_rank() ? shape.rank() - 1 : 1;
      for (int i = 0; i < depth_dims; ++i)
        VF_CHECK(shape.has_rank() && shape.dim(i + 1) != kUnknownDim, ErrorCode::kValue,
                 "Input size (dimension ", i,
                 " of inputs) must be accessible via shape inference, but saw value None.");
    }
  }
  return fixed;
}

// bidirectional_dynamic_rnn's _reverse: ReverseSequence of each row's first lengths, else
// ReverseV2 of the whole time axis.
Output reverse_time(Graph& graph, Output x, const std::optional<Output>& lengths, int time_axis,
                    int batch_axis) {
  if (lengths)
    return ops::ReverseSequence(x, *lengths, time_axis,
                                ops::ReverseSequenceAttrs().with_batch_dim(batch_axis),
                                "ReverseSequence");
  Output axis = tf::int32_vector(graph, {time_axis});
  return ops::ReverseV2(x, axis, "ReverseV2");
}

std::string last_scope_part(const std::string& scope) {
  const size_t slash = scope.rfind('/');
  return slash == std::string::npos ? scope : scope.substr(slash + 1);
}

void check_cell_options(int64_t num_units, const RNNCellVariableOptions& variables,
                        const char* cell) {
  VF_CHECK(num_units >= 1, ErrorCode::kValue, cell, ": num_units must be at least 1, got ",
           num_units);
  VF_CHECK(!variables.scope.empty(), ErrorCode::kValue, cell,
           ": the variables' scope must be given (\"rnn/", cell, "\" is TF1's)");
}

void check_one(const std::vector<Output>& tensors, size_t expected, const char* what,
               const char* cell) {
  VF_CHECK(tensors.size() == expected, ErrorCode::kValue, cell, ": expected ", expected, " ", what,
           " tensor", expected == 1 ? "" : "s", ", got ", tensors.size());
}

// The step function of a standard cell: its name scope, its variables made at the first step
// and kept in `variables`.
template <typename Variables, typename Make, typename Build>
std::function<RNNCellStep(Graph&, const std::vector<Output>&, const std::vector<Output>&)>
standard_step(const RNNCellVariableOptions& options, size_t state_count, const char* cell,
              Make make, Build build) {
  auto variables = std::make_shared<std::optional<Variables>>();
  const std::string scope_name = last_scope_part(options.scope);
  return [=](Graph& graph, const std::vector<Output>& inputs, const std::vector<Output>& state) {
    check_one(inputs, 1, "input", cell);
    check_one(state, state_count, "state", cell);
    NameScope scope(graph, scope_name);
    if (!variables->has_value()) *variables = make(graph, inputs[0].shape());
    return build(graph, inputs[0], state, **variables);
  };
}

RNNCellStep lstm_result(const LSTMCellStep& step, bool state_is_tuple) {
  if (state_is_tuple) return {{step.output}, {step.state.c, step.state.h}};
  return {{step.output}, {*step.concatenated}};
}

}  // namespace

std::vector<Output> rnn_zero_state(Graph& graph, const std::vector<Dims>& sizes,
                                   const BatchSize& batch_size, DType dtype) {
  std::vector<Output> zeros;
  for (const Dims& size : sizes) zeros.push_back(zeros_for(graph, batch_size, size, dtype));
  return zeros;
}

std::vector<Output> cell_zero_state(Graph& graph, const RNNCell& cell, const BatchSize& batch_size,
                                    DType dtype) {
  if (cell.zero_state) return cell.zero_state(graph, batch_size, dtype);
  NameScope scope(graph, cell.name + "ZeroState");
  return rnn_zero_state(graph, cell.state_sizes, batch_size, dtype);
}

RNNCellStep rnn_step_with_lengths(Graph& graph, const RNNCell& cell,
                                  const std::vector<Output>& inputs,
                                  const std::vector<Output>& state, Output time,
                                  Output sequence_length, const std::vector<Output>& zero_output) {
  RNNCellStep step = checked_step(graph, cell, inputs, state);
  VF_CHECK(zero_output.size() == step.outputs.size(), ErrorCode::kValue, "The zero output has ",
           zero_output.size(), " tensors for the cell's ", step.outputs.size(), " outputs");
  Output copy = ops::GreaterEqual(time, sequence_length, "GreaterEqual");
  auto copy_one_through = [&](const Output& old, const Output& fresh) {
    if (old.shape().has_rank() && old.shape().rank() == 0) return fresh;
    return ops::Select(copy, old, fresh, "Select");
  };
  RNNCellStep selected;
  for (size_t k = 0; k < step.outputs.size(); ++k)
    selected.outputs.push_back(copy_one_through(zero_output[k], step.outputs[k]));
  for (size_t k = 0; k < step.state.size(); ++k)
    selected.state.push_back(copy_one_through(state[k], step.state[k]));
  return selected;
}

RNNOutputs dynamic_rnn(Graph& graph, const RNNCell& cell, const std::vector<Output>& inputs,
                       const RNNOptions& options) {
  check_cell(cell);
  VF_CHECK(!inputs.empty(), ErrorCode::kValue, "dynamic_rnn: inputs must not be empty");
  std::optional<NameScope> scope;
  if (!options.scope.empty()) scope.emplace(graph, options.scope);
  std::vector<Output> time_major = inputs;
  if (!options.time_major)
    for (Output& x : time_major) x = transpose_batch_time(graph, x);
  std::optional<Output> lengths;
  if (options.sequence_length) {
    Output cast = tf::cast(*options.sequence_length, DType::kInt32);
    VF_CHECK(!cast.shape().has_rank() || cast.shape().rank() == 1, ErrorCode::kValue,
             sequence_length_error(cast));
    lengths = ops::Identity(cast, "sequence_length");
  }
  const BatchSize batch = best_effort_batch_size(time_major);
  std::vector<Output> state =
      initial_state(graph, cell, options.initial_state, options.dtype, batch);
  check_state_count(cell, state, "The initial state");
  if (lengths) {
    const Shape& shape = lengths->shape();
    const int64_t* n = known_batch(batch);
    VF_CHECK(!n || !shape.has_rank() || shape.dim(0) == kUnknownDim || shape.dim(0) == *n,
             ErrorCode::kValue, "Expected shape for Tensor ", lengths->name(), " is [", n ? *n : 0,
             "] but saw shape: [", shape.has_rank() ? shape.dim(0) : 0, "]");
    lengths = ops::Identity(*lengths, "CheckSeqLen");
  }
  RNNOutputs result = dynamic_rnn_loop(graph, cell, time_major, state, lengths, options.dtype);
  if (!options.time_major)
    for (Output& out : result.outputs) out = transpose_batch_time(graph, out);
  return result;
}

RNNOutputs static_rnn(Graph& graph, const RNNCell& cell,
                      const std::vector<std::vector<Output>>& inputs, const RNNOptions& options) {
  check_cell(cell);
  VF_CHECK(!inputs.empty(), ErrorCode::kValue, "inputs must not be empty");
  for (const std::vector<Output>& step : inputs)
    VF_CHECK(!step.empty() && step.size() == inputs[0].size(), ErrorCode::kValue,
             "static_rnn: every time step must have the same number of inputs (", inputs[0].size(),
             "), got ", step.size());
  std::optional<NameScope> scope;
  if (!options.scope.empty()) scope.emplace(graph, options.scope);
  const int64_t fixed_batch = check_static_inputs(inputs);
  BatchSize batch = fixed_batch;
  if (fixed_batch == kUnknownDim || fixed_batch == 0) {
    Output shape = ops::Shape(inputs[0][0], {}, "Shape");
    batch = tf::strided_slice_1d(shape, 0, 1, 0, 0, 1);
  }
  std::vector<Output> state =
      initial_state(graph, cell, options.initial_state, options.dtype, batch);
  check_state_count(cell, state, "The initial state");
  std::optional<Output> lengths;
  std::vector<Output> zero_output;
  if (options.sequence_length) {
    const Output given = *options.sequence_length;
    const Shape& shape = given.shape();
    VF_CHECK(!shape.has_rank() || shape.rank() == 1, ErrorCode::kValue,
             sequence_length_error(given));
    const int64_t* n = known_batch(batch);
    VF_CHECK(!n || !shape.has_rank() || shape.dim(0) == kUnknownDim || shape.dim(0) == *n,
             ErrorCode::kValue, "sequence_length must be a vector of length batch_size (",
             n ? *n : 0, "), but saw shape: ", tf::shape_str(shape));
    lengths = tf::cast(given, DType::kInt32);
    zero_output = zero_outputs(graph, cell, batch, state_dtype(options.dtype, state));
  }
  RNNOutputs result;
  for (size_t t = 0; t < inputs.size(); ++t) {
    RNNCellStep step;
    if (lengths) {
      Output time = tf::int32_scalar(graph, static_cast<int32_t>(t));
      step = rnn_step_with_lengths(graph, cell, inputs[t], state, time, *lengths, zero_output);
    } else {
      step = checked_step(graph, cell, inputs[t], state);
    }
    result.step_outputs.push_back(step.outputs);
    state = step.state;
  }
  result.state = state;
  return result;
}

namespace {

// The two directions in TF1's scopes "<scope>/fw" and "<scope>/bw", the backward one over
// reverse(inputs) (built in "bw").
template <typename Inputs, typename Driver, typename Reverse>
BidirectionalRNNOutputs both_directions(Graph& graph, const RNNCell& cell_fw,
                                        const RNNCell& cell_bw, const Inputs& inputs,
                                        const BidirectionalRNNOptions& options, Driver driver,
                                        Reverse reverse) {
  BidirectionalRNNOutputs result;
  std::optional<NameScope> scope;
  if (!options.scope.empty()) scope.emplace(graph, options.scope);
  RNNOptions forward = options;
  forward.scope = "fw";
  result.forward = driver(graph, cell_fw, inputs, forward);
  NameScope bw(graph, "bw");
  const Inputs reversed = reverse(inputs);
  RNNOptions backward = options;
  backward.initial_state = options.initial_state_bw;
  backward.scope.clear();
  result.backward = driver(graph, cell_bw, reversed, backward);
  return result;
}

}  // namespace

BidirectionalRNNOutputs bidirectional_dynamic_rnn(Graph& graph, const RNNCell& cell_fw,
                                                  const RNNCell& cell_bw,
                                                  const std::vector<Output>& inputs,
                                                  const BidirectionalRNNOptions& options) {
  const int time_axis = options.time_major ? 0 : 1;
  const int batch_axis = options.time_major ? 1 : 0;
  auto reverse = [&](const std::vector<Output>& sequences) {
    std::vector<Output> reversed;
    for (const Output& x : sequences)
      reversed.push_back(reverse_time(graph, x, options.sequence_length, time_axis, batch_axis));
    return reversed;
  };
  BidirectionalRNNOutputs result = both_directions(
      graph, cell_fw, cell_bw, inputs, options,
      [](Graph& g, const RNNCell& cell, const std::vector<Output>& x, const RNNOptions& o) {
        return dynamic_rnn(g, cell, x, o);
      },
      reverse);
  result.backward.outputs = reverse(result.backward.outputs);
  return result;
}

std::vector<std::vector<Output>> reverse_steps(const std::vector<std::vector<Output>>& steps,
                                               const std::optional<Output>& lengths) {
  if (steps.empty()) return {};
  if (!lengths) return {steps.rbegin(), steps.rend()};
  std::vector<std::vector<Output>> reversed(steps.size());
  for (size_t flat = 0; flat < steps[0].size(); ++flat) {
    std::vector<Output> sequence;
    for (const std::vector<Output>& step : steps) sequence.push_back(step[flat]);
    Output joined = ops::Pack(
        sequence, ops::PackAttrs().with_N(static_cast<int64_t>(sequence.size())), "stack");
    Output flipped = ops::ReverseSequence(
        joined, *lengths, 0, ops::ReverseSequenceAttrs().with_batch_dim(1), "ReverseSequence");
    Node* unstacked =
        ops::Unpack(flipped, ops::UnpackAttrs().with_num(static_cast<int64_t>(sequence.size())),
                    "unstack")
            .node;
    for (size_t t = 0; t < steps.size(); ++t)
      reversed[t].push_back(unstacked->output(static_cast<int>(t)));
  }
  return reversed;
}

BidirectionalRNNOutputs static_bidirectional_rnn(Graph& graph, const RNNCell& cell_fw,
                                                 const RNNCell& cell_bw,
                                                 const std::vector<std::vector<Output>>& inputs,
                                                 const BidirectionalRNNOptions& options) {
  VF_CHECK(!inputs.empty(), ErrorCode::kValue, "inputs must not be empty");
  auto reverse = [&](const std::vector<std::vector<Output>>& steps) {
    return reverse_steps(steps, options.sequence_length);
  };
  BidirectionalRNNOutputs result = both_directions(
      graph, cell_fw, cell_bw, inputs, options,
      [](Graph& g, const RNNCell& cell, const std::vector<std::vector<Output>>& x,
         const RNNOptions& o) { return static_rnn(g, cell, x, o); },
      reverse);
  result.backward.step_outputs = reverse(result.backward.step_outputs);
  for (size_t t = 0; t < inputs.size(); ++t) {
    std::vector<Output> joined;
    for (size_t k = 0; k < result.forward.step_outputs[t].size(); ++k) {
      Output axis = tf::int32_scalar(graph, 1);
      joined.push_back(ops::ConcatV2(
          {result.forward.step_outputs[t][k], result.backward.step_outputs[t][k], axis},
          ops::ConcatV2Attrs().with_N(2), "concat"));
    }
    result.step_outputs.push_back(joined);
  }
  return result;
}

// --- the standard cells ------------------------------------------------------------------------

namespace {

// BasicRNNCell and GRUCell: one state tensor, which is also the output.
template <typename Variables, typename MakeVariables, typename Step>
RNNCell output_is_state_cell(const char* name, int64_t num_units,
                             const RNNCellVariableOptions& variables, MakeVariables make_variables,
                             Step step) {
  check_cell_options(num_units, variables, name);
  RNNCell cell{name, {{num_units}}, {{num_units}}, nullptr, nullptr};
  cell.step = standard_step<Variables>(
      variables, 1, name,
      [=](Graph& graph, const Shape& input_shape) {
        return make_variables(graph, input_shape, num_units, variables);
      },
      [=](Graph& graph, Output inputs, const std::vector<Output>& state, const Variables& v) {
        Output out = step(graph, inputs, state[0], v);
        return RNNCellStep{{out}, {out}};
      });
  return cell;
}

}  // namespace

RNNCell basic_rnn_cell(int64_t num_units, const RNNCellVariableOptions& variables,
                       Activation activation) {
  return output_is_state_cell<BasicRNNCellVariables>(
      "BasicRNNCell", num_units, variables, basic_rnn_cell_variables,
      [activation](Graph& graph, Output inputs, Output state, const BasicRNNCellVariables& v) {
        return basic_rnn_cell_step(graph, inputs, state, v.kernel.value(), v.bias.value(),
                                   activation);
      });
}

RNNCell gru_cell(int64_t num_units, const RNNCellVariableOptions& variables,
                 Activation activation) {
  return output_is_state_cell<GRUCellVariables>(
      "GRUCell", num_units, variables, gru_cell_variables,
      [activation](Graph& graph, Output inputs, Output state, const GRUCellVariables& v) {
        return gru_cell_step(graph, inputs, state, v.weights(), activation);
      });
}

RNNCell basic_lstm_cell(int64_t num_units, const RNNCellVariableOptions& variables,
                        const BasicLSTMCellOptions& options) {
  check_cell_options(num_units, variables, "BasicLSTMCell");
  RNNCell cell{"BasicLSTMCell", {{num_units}}, {}, nullptr, nullptr};
  if (options.state_is_tuple)
    cell.state_sizes = {{num_units}, {num_units}};
  else
    cell.state_sizes = {{2 * num_units}};
  cell.step = standard_step<LSTMCellVariables>(
      variables, cell.state_sizes.size(), "BasicLSTMCell",
      [=](Graph& graph, const Shape& input_shape) {
        return basic_lstm_cell_variables(graph, input_shape, num_units, variables);
      },
      [=](Graph& graph, Output inputs, const std::vector<Output>& state,
          const LSTMCellVariables& v) {
        return lstm_result(
            basic_lstm_cell_step(graph, inputs, state, v.kernel.value(), v.bias.value(), options),
            options.state_is_tuple);
      });
  return cell;
}

RNNCell lstm_cell(const LSTMCellOptions& options, const RNNCellVariableOptions& variables) {
  check_cell_options(options.num_units, variables, "LSTMCell");
  VF_CHECK(!options.num_proj || *options.num_proj >= 1, ErrorCode::kValue,
           "LSTMCell: num_proj must be at least 1, got ", options.num_proj.value_or(0));
  const int64_t n = options.num_units;
  const int64_t out = options.num_proj.value_or(n);
  RNNCell cell{"LSTMCell", {{out}}, {}, nullptr, nullptr};
  if (options.state_is_tuple)
    cell.state_sizes = {{n}, {out}};
  else
    cell.state_sizes = {{n + out}};
  cell.step = standard_step<LSTMCellVariables>(
      variables, cell.state_sizes.size(), "LSTMCell",
      [=](Graph& graph, const Shape& input_shape) {
        return lstm_cell_variables(graph, input_shape, n, options.use_peepholes, options.num_proj,
                                   variables);
      },
      [=](Graph& graph, Output inputs, const std::vector<Output>& state,
          const LSTMCellVariables& v) {
        return lstm_result(lstm_cell_step(graph, inputs, state, v.weights(), options),
                           options.state_is_tuple);
      });
  return cell;
}

RNNCell multi_rnn_cell(std::vector<RNNCell> cells, bool state_is_tuple) {
  VF_CHECK(!cells.empty(), ErrorCode::kValue, "Must specify at least one cell for MultiRNNCell.");
  for (const RNNCell& c : cells) {
    check_cell(c);
    VF_CHECK(state_is_tuple || (c.state_sizes.size() == 1 && c.state_sizes[0].size() == 1),
             ErrorCode::kValue,
             "Some cells return tuples of states, but the flag state_is_tuple is not set.  State "
             "sizes are: the cell '",
             c.name, "' has ", c.state_sizes.size(), " state tensors");
  }
  RNNCell multi;
  multi.name = "MultiRNNCell";
  multi.output_sizes = cells.back().output_sizes;
  if (state_is_tuple) {
    for (const RNNCell& c : cells)
      multi.state_sizes.insert(multi.state_sizes.end(), c.state_sizes.begin(), c.state_sizes.end());
  } else {
    int64_t total = 0;
    for (const RNNCell& c : cells) total += c.state_sizes[0][0];
    multi.state_sizes = {{total}};
  }
  const auto layers = std::make_shared<const std::vector<RNNCell>>(std::move(cells));
  const std::vector<Dims> flat_sizes = multi.state_sizes;
  multi.zero_state = [layers, state_is_tuple, flat_sizes](Graph& graph, const BatchSize& batch,
                                                          DType dtype) {
    NameScope scope(graph, "MultiRNNCellZeroState");
    if (!state_is_tuple) return rnn_zero_state(graph, flat_sizes, batch, dtype);
    std::vector<Output> state;
    for (const RNNCell& c : *layers) {
      std::vector<Output> part = cell_zero_state(graph, c, batch, dtype);
      state.insert(state.end(), part.begin(), part.end());
    }
    return state;
  };
  multi.step = [layers, state_is_tuple](Graph& graph, const std::vector<Output>& inputs,
                                        const std::vector<Output>& state) {
    NameScope scope(graph, "multi_rnn_cell");
    std::vector<Output> current = inputs;
    std::vector<Output> new_state;
    size_t position = 0;
    int64_t column = 0;
    for (size_t i = 0; i < layers->size(); ++i) {
      const RNNCell& layer = (*layers)[i];
      NameScope cell_scope(graph, "cell_" + std::to_string(i));
      std::vector<Output> layer_state;
      if (state_is_tuple) {
        const size_t count = layer.state_sizes.size();
        VF_CHECK(position + count <= state.size(), ErrorCode::kValue,
                 "Expected state to be a tuple of length ", layers->size(), ", but received ",
                 state.size(), " state tensors");
        layer_state.assign(state.begin() + static_cast<long>(position),
                           state.begin() + static_cast<long>(position + count));
        position += count;
      } else {
        const int64_t size = layer.state_sizes[0][0];
        Output begin = tf::int32_vector(graph, {0, static_cast<int32_t>(column)});
        Output extent = tf::int32_vector(graph, {-1, static_cast<int32_t>(size)});
        layer_state = {ops::Slice(state[0], begin, extent, "Slice")};
        column += size;
      }
      RNNCellStep step = checked_step(graph, layer, current, layer_state);
      current = step.outputs;
      new_state.insert(new_state.end(), step.state.begin(), step.state.end());
    }
    if (!state_is_tuple) {
      Output axis = tf::int32_scalar(graph, 1);
      std::vector<Output> parts = new_state;
      parts.push_back(axis);
      new_state = {ops::ConcatV2(
          parts, ops::ConcatV2Attrs().with_N(static_cast<int64_t>(layers->size())), "concat")};
    }
    return RNNCellStep{current, new_state};
  };
  return multi;
}

}  // namespace varflow::train
