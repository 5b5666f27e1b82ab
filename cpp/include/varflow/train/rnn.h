// TF1's RNN drivers for C++ hosts (tf.nn.dynamic_rnn, static_rnn, bidirectional_dynamic_rnn,
// static_bidirectional_rnn) and the cells they run (tf.nn.rnn_cell's BasicRNNCell, GRUCell,
// BasicLSTMCell, LSTMCell and MultiRNNCell), built with TF1's op types, node names and order:
// dynamic_rnn is a tf.while_loop over TensorArrays (control_flow.h), static_rnn the cell
// unrolled once per time step. The Python API's drivers are these functions, with the Python
// cell called back for each step.
//
// A cell is an RNNCell value: its flat output and state sizes and a function building one step.
// A nested state (LSTMStateTuple, MultiRNNCell's tuple of tuples) is its leaves in order, so a
// MultiRNNCell of two LSTM cells has the state {c0, h0, c1, h1}. The standard cells made by
// basic_rnn_cell() etc. create their variables at the first step (under
// RNNCellVariableOptions::scope, as TF1's cells do in build()) and reuse them at every later one.
//
// Past a row's sequence_length the output is zero and the state is carried through unchanged
// (TF1's _rnn_step, a "Select" per tensor); the loop stops after max(sequence_length) steps.
//
// Errors (kValue unless said): inputs of rank below 3 (dynamic) or 2 (static), an input depth
// unknown at build time ("Input size (depth of inputs) must be accessible via shape
// inference..."), inputs whose time steps or batch sizes differ, no initial state and no dtype
// ("If no initial_state is provided, dtype must be specified"), a sequence_length that is not a
// vector of the batch size, a state of another count than the cell's, state tensors of
// different dtypes; otherwise what the cell's step and the op builders raise. At run time a
// sequence longer than the inputs' time axis is clamped to it, as in TF1.
// In an eager graph (EagerContext) the loop runs as it is built.
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/rnn_cells.h"

namespace varflow::train {

// The batch size a zero state is made for: a number when the inputs' static shape has it, else
// an int32 scalar tensor (the inputs' Shape sliced).
using BatchSize = std::variant<int64_t, Output>;

// One step of a cell: its outputs and its new state, flat.
struct RNNCellStep {
  std::vector<Output> outputs;
  std::vector<Output> state;
};

struct RNNCell {
  // TF1's class name; the zero state is built in the name scope "<name>ZeroState".
  std::string name;
  // The flat outputs' and states' shapes without the batch dimension ({n} for n units).
  std::vector<Dims> output_sizes;
  std::vector<Dims> state_sizes;
  // Builds one step: `inputs` (flat; [batch, depth] each) and `state` (flat, state_sizes.size()
  // tensors [batch, size...]) to the outputs and the new state.
  std::function<RNNCellStep(Graph& graph, const std::vector<Output>& inputs,
                            const std::vector<Output>& state)>
      step;
  // The state before the first step when the caller gives none; empty means rnn_zero_state of
  // state_sizes in the scope "<name>ZeroState".
  std::function<std::vector<Output>(Graph& graph, const BatchSize& batch_size, DType dtype)>
      zero_state;
};

// zeros of [batch_size, size...] for each size (TF1's _zero_state_tensors): a "zeros" Const (a
// Fill for 1000 elements or more) for a known batch size, else a Fill "zeros" of the batch
// tensor expanded and concatenated with the size.
std::vector<Output> rnn_zero_state(Graph& graph, const std::vector<Dims>& sizes,
                                   const BatchSize& batch_size, DType dtype);
// The cell's zero state: cell.zero_state, else rnn_zero_state in the scope "<name>ZeroState".
std::vector<Output> cell_zero_state(Graph& graph, const RNNCell& cell, const BatchSize& batch_size,
                                    DType dtype);

// TF1's _rnn_step: the cell's step, then each output replaced by `zero_output` and each state by
// the previous one where time >= sequence_length (a "GreaterEqual" and a "Select" per tensor;
// scalars pass unselected).
RNNCellStep rnn_step_with_lengths(Graph& graph, const RNNCell& cell,
                                  const std::vector<Output>& inputs,
                                  const std::vector<Output>& state, Output time,
                                  Output sequence_length, const std::vector<Output>& zero_output);

struct RNNOptions {
  std::optional<Output> sequence_length;  // int32/int64 [batch]: each row's valid steps
  std::vector<Output> initial_state;      // flat; empty: the cell's zero state
  std::optional<DType> dtype;             // of the zero state; required without initial_state
  bool time_major = false;                // dynamic_rnn: inputs and outputs [time, batch, ...]
  // The name scope the driver builds in ("rnn" for TF1's default scope); empty: the current one
  // (the Python API opens TF1's variable scope itself). The standard cells' variable scopes are
  // their own (RNNCellVariableOptions::scope), as a Python cell's scope is fixed at its first
  // call.
  std::string scope = "rnn";
};

struct RNNOutputs {
  // dynamic_rnn: one tensor per flat output, [batch, time, size...] (time first with
  // time_major). static_rnn: time-major list of steps, each the cell's flat outputs.
  std::vector<Output> outputs;
  std::vector<std::vector<Output>> step_outputs;
  std::vector<Output> state;  // the final state, flat
};

// tf.nn.dynamic_rnn over `inputs` (flat, each [batch, time, depth...], or [time, batch, ...]
// with time_major).
RNNOutputs dynamic_rnn(Graph& graph, const RNNCell& cell, const std::vector<Output>& inputs,
                       const RNNOptions& options = {});

// tf.nn.static_rnn over a list of time steps, each the flat inputs [batch, depth...] of that
// step. Outputs in step_outputs. kValue for an empty list.
RNNOutputs static_rnn(Graph& graph, const RNNCell& cell,
                      const std::vector<std::vector<Output>>& inputs,
                      const RNNOptions& options = {});

// TF1's bidirectional drivers: the forward cell under "<scope>/fw", the backward one under
// "<scope>/bw" over each row's first sequence_length steps reversed (ReverseSequence; the
// whole time axis, ReverseV2, without lengths), its outputs reversed back. The options'
// initial_state is the forward cell's; the backward cell's is `initial_state_bw`.
struct BidirectionalRNNOptions : RNNOptions {
  std::vector<Output> initial_state_bw;
  BidirectionalRNNOptions() { scope = "bidirectional_rnn"; }
};
struct BidirectionalRNNOutputs {
  RNNOutputs forward, backward;  // backward.outputs in forward time order
  // static_bidirectional_rnn: each step's outputs, forward and backward concatenated ("concat").
  std::vector<std::vector<Output>> step_outputs;
};
BidirectionalRNNOutputs bidirectional_dynamic_rnn(Graph& graph, const RNNCell& cell_fw,
                                                  const RNNCell& cell_bw,
                                                  const std::vector<Output>& inputs,
                                                  const BidirectionalRNNOptions& options = {});
BidirectionalRNNOutputs static_bidirectional_rnn(Graph& graph, const RNNCell& cell_fw,
                                                 const RNNCell& cell_bw,
                                                 const std::vector<std::vector<Output>>& inputs,
                                                 const BidirectionalRNNOptions& options = {});

// TF1's _reverse_seq (static_bidirectional_rnn's backward pass): a list of steps (each a flat
// list of [batch, ...] tensors) in reverse order, or, with `lengths`, each row's first lengths[b]
// steps reversed and the rest in place (a "stack", "ReverseSequence" and "unstack" per flat
// input).
std::vector<std::vector<Output>> reverse_steps(const std::vector<std::vector<Output>>& steps,
                                               const std::optional<Output>& lengths);

// --- the standard cells ------------------------------------------------------------------------
// Each builds its step in the name scope of its variable scope's last part ("basic_lstm_cell"
// for "rnn/basic_lstm_cell") and creates its variables at the first step, from that step's
// input shape, with `variables` (scope, dtype, initializers, trainable, reuse). kValue for
// num_units < 1 and an empty variables.scope.
RNNCell basic_rnn_cell(int64_t num_units, const RNNCellVariableOptions& variables,
                       Activation activation = nullptr);
RNNCell gru_cell(int64_t num_units, const RNNCellVariableOptions& variables,
                 Activation activation = nullptr);
// The state is {c, h} (state_is_tuple) or one tensor of 2 * num_units.
RNNCell basic_lstm_cell(int64_t num_units, const RNNCellVariableOptions& variables,
                        const BasicLSTMCellOptions& options = {});
// options.num_units is the cell's size; the state {c, h} has sizes num_units and num_proj (or
// num_units), the output num_proj (or num_units).
RNNCell lstm_cell(const LSTMCellOptions& options, const RNNCellVariableOptions& variables);
// tf.nn.rnn_cell.MultiRNNCell: layer i's step in the name scope "cell_i", its output the next
// layer's input; the state is the layers' flat states in order (state_is_tuple), or one tensor,
// their concatenation, read with a "Slice" per layer and rebuilt with a "concat". The layers'
// variable scopes are theirs to give ("rnn/multi_rnn_cell/cell_0/basic_lstm_cell" is TF1's).
// kValue for no cells, and for state_is_tuple false with a cell of more than one state tensor.
RNNCell multi_rnn_cell(std::vector<RNNCell> cells, bool state_is_tuple = true);

}  // namespace varflow::train
