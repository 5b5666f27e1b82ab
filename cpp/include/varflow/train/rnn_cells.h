// TF1's RNN cells for C++ hosts (tf.nn.rnn_cell: BasicRNNCell, GRUCell, BasicLSTMCell, LSTMCell,
// and tf.contrib.rnn's fused LSTMBlockCell step): one time step of each cell, built from the
// cell's weights with TF1's op types, node names and order, so that a seeded graph gets TF1's
// numbers. The *_step functions build in the current name scope (the Python cells call them
// inside the cell's scope, "rnn/basic_lstm_cell/..."); the *_variables functions create the
// cell's variables as the cells' build() does, through get_variable ("<scope>/kernel",
// "<scope>/gates/bias", "<scope>/w_f_diag", "<scope>/projection/kernel", ...).
//
// A step takes the weights as Outputs (a Variable's value(), or whatever a custom getter made),
// so the variables are the caller's; the same weights may be used at every step. An activation
// is any function of an Output; empty means tanh (op "Tanh").
//
// Errors: kValue "RNN cell only supports floating point inputs, but saw dtype: <dtype: '...'>"
// for inputs or a state that are not floating, "Could not infer input size from
// inputs.get_shape()[-1]" (LSTMCell's step) and "Expected inputs.shape[-1] to be known, saw
// shape: ..." (the *_variables functions) for an unknown input depth, and kValue for a state of
// the wrong arity or weights missing for the options; otherwise what the op builders and
// get_variable raise.
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/initializers.h"
#include "varflow/variable.h"

namespace varflow::train {

// An activation of the cells: empty is tanh ("Tanh" in the current name scope).
using Activation = std::function<Output(Output)>;

// kValue (the message above) unless `dtype` is a floating dtype (float16, bfloat16, float32,
// float64): TF1's check of an RNN cell's dtype and of each of its inputs and states.
void check_rnn_cell_dtype(DType dtype);

// --- steps -------------------------------------------------------------------------------------

// BasicRNNCell: activation(BiasAdd(MatMul(ConcatV2([inputs, state], 1), kernel), bias)), nodes
// "Const" (the axis), "concat", "MatMul", "BiasAdd", then the activation's. The output is also
// the new state. kValue for inputs or a state that are not floating.
Output basic_rnn_cell_step(Graph& graph, Output inputs, Output state, Output kernel, Output bias,
                           const Activation& activation = nullptr);

// GRUCell's weights: the reset and update gates' kernel [depth + n, 2n] and bias [2n], the
// candidate's kernel [depth + n, n] and bias [n].
struct GRUCellWeights {
  Output gate_kernel, gate_bias, candidate_kernel, candidate_bias;
};

// GRUCell (Cho et al. 2014): r, u = split(sigmoid([inputs, state] W_g + b_g), 2, axis 1),
// c = activation([inputs, r * state] W_c + b_c), new state = u * state + (1 - u) * c, with
// TF1's nodes ("Sigmoid", "split", "mul", "concat_1", "MatMul_1", "BiasAdd_1", "sub", "add"...).
// The output is also the new state. kValue for inputs or a state that are not floating.
Output gru_cell_step(Graph& graph, Output inputs, Output state, const GRUCellWeights& weights,
                     const Activation& activation = nullptr);

// An LSTM state: the cell state c and the output h (TF1's LSTMStateTuple(c, h)).
struct LSTMState {
  Output c, h;
};

// One LSTM step: the output (h, projected when the cell projects) and the new state; with
// state_is_tuple false also `concatenated`, ConcatV2([c, h], 1), the state in that form.
struct LSTMCellStep {
  Output output;
  LSTMState state;
  std::optional<Output> concatenated{};
};

struct BasicLSTMCellOptions {
  double forget_bias = 1.0;  // added to the forget gate before its sigmoid
  // True: `state` is {c, h}; false: one tensor, c and h concatenated along axis 1 (split in two
  // by a "split" node first, and the new state concatenated back).
  bool state_is_tuple = true;
  // Empty: tanh, and the step is one fused LSTMBlockCell op (lstm_block_cell); otherwise the
  // unfused formula with this activation.
  Activation activation;
};

// BasicLSTMCell (Zaremba et al. 2014) over kernel [depth + n, 4n] and bias [4n]: gates i, j, f,
// o = split([inputs, h] kernel + bias, 4, axis 1); c' = c * sigmoid(f + forget_bias) +
// sigmoid(i) * act(j); h' = act(c') * sigmoid(o) (nodes "Const", "Add", "Sigmoid", "Mul"...);
// with the default tanh the fused LSTMBlockCell op of the same numbers. `state` holds two
// tensors {c, h} (state_is_tuple) or one (the concatenation); kValue for another count, and for
// inputs or a state that are not floating.
LSTMCellStep basic_lstm_cell_step(Graph& graph, Output inputs, const std::vector<Output>& state,
                                  Output kernel, Output bias,
                                  const BasicLSTMCellOptions& options = {});

// LSTMCell's weights: kernel [depth + h, 4n] (h = num_proj or n), bias [4n], the peepholes
// w_f_diag, w_i_diag, w_o_diag [n] (with use_peepholes) and the projection kernel [n, num_proj]
// (with num_proj).
struct LSTMCellWeights {
  Output kernel, bias;
  std::optional<Output> w_f_diag{}, w_i_diag{}, w_o_diag{}, projection{};
};

struct LSTMCellOptions {
  int64_t num_units = 0;
  bool use_peepholes = false;
  std::optional<double> cell_clip;  // c clipped to [-cell_clip, cell_clip] (clip_by_value)
  std::optional<int64_t> num_proj;  // the output projected to this size
  std::optional<double> proj_clip;  // with num_proj: the projection clipped to [-p, p]
  double forget_bias = 1.0;
  // As BasicLSTMCellOptions': false takes and returns c and h concatenated (the state is read
  // with two "Slice"s of [n] and [h] columns).
  bool state_is_tuple = true;
  Activation activation;  // of the cell input j and of the output; empty: tanh
};

// LSTMCell (Hochreiter & Schmidhuber 1997; peepholes and projection as Sak et al. 2014):
// i, j, f, o = split([inputs, m] kernel + bias, 4, axis 1);
// c' = sigmoid(f + forget_bias [+ w_f_diag * c]) * c + sigmoid(i [+ w_i_diag * c]) * act(j),
// clipped with cell_clip; m' = sigmoid(o [+ w_o_diag * c']) * act(c'), then m' projection and
// clipped with proj_clip. Nodes as TF1's ("Const", "add", "mul", "Sigmoid", "Tanh",
// "clip_by_value", "MatMul_1"...). kValue for inputs or a state that are not floating, "Could not
// infer input size from inputs.get_shape()[-1]" when inputs are not rank 2 with a known last
// dimension (checked after the state is read, as TF1), a `state` count other than 2 (tuple) or 1,
// and weights missing for the options (peepholes, projection).
LSTMCellStep lstm_cell_step(Graph& graph, Output inputs, const std::vector<Output>& state,
                            const LSTMCellWeights& weights, const LSTMCellOptions& options);

struct LSTMBlockCellOptions {
  // The peephole weights [cell_size]; each absent one is a zeros Const "zeros" of the bias's
  // size / 4 (made once for all three).
  std::optional<Output> wci, wcf, wco;
  double forget_bias = 1.0;
  std::optional<double> cell_clip;  // absent: no clipping (the op's attribute -1)
  bool use_peephole = false;
  std::string name = "LSTMBlockCell";
};

// tf.contrib.rnn's lstm_block_cell: one LSTMBlockCell op over (x, cs_prev, h_prev, w, wci, wcf,
// wco, b), whose seven outputs are (i, cs, f, o, ci, co, h). kValue when a peephole weight is
// absent and the bias's size is not known statically (the Python API makes those zeros itself).
Node* lstm_block_cell(Graph& graph, Output x, Output cs_prev, Output h_prev, Output w, Output b,
                      const LSTMBlockCellOptions& options = {});

// --- variables ---------------------------------------------------------------------------------

struct RNNCellVariableOptions {
  // The cell's variable scope, in full: "rnn/basic_lstm_cell" makes "rnn/basic_lstm_cell/kernel".
  std::string scope;
  DType dtype = DType::kFloat32;
  // The kernels' (and LSTMCell's peepholes' and projection's) initializer; default
  // get_variable's, glorot_uniform.
  Initializer kernel_initializer;
  // The biases'; default zeros (GRUCell's gates: constant 1.0).
  Initializer bias_initializer;
  bool trainable = true;
  bool reuse = false;  // return the existing variables (checked for shape and dtype)
};

// BasicRNNCell's kernel [input_depth + num_units, num_units] and bias [num_units].
struct BasicRNNCellVariables {
  Variable kernel, bias;
};
// GRUCell's "gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias".
struct GRUCellVariables {
  Variable gate_kernel, gate_bias, candidate_kernel, candidate_bias;
  GRUCellWeights weights() const;  // their values, for gru_cell_step
};
// The LSTM cells' "kernel", "bias" and LSTMCell's "w_f_diag", "w_i_diag", "w_o_diag",
// "projection/kernel".
struct LSTMCellVariables {
  Variable kernel, bias;
  std::optional<Variable> w_f_diag{}, w_i_diag{}, w_o_diag{}, projection{};
  LSTMCellWeights weights() const;  // their values, for lstm_cell_step
};

// The inputs' last dimension, the depth the cells' kernels are sized by: kValue ("Expected
// inputs.shape[-1] to be known, saw shape: (?, ?)") when the rank or that dimension is unknown.
int64_t rnn_cell_input_depth(const Shape& input_shape);

// The cells' build(): the variables in TF1's order, shapes and default initializers, through
// get_variable, for inputs of `input_shape` (its last dimension, rnn_cell_input_depth). kValue
// for an unknown depth, a dtype that is not floating, and what get_variable raises (a variable
// that exists already, without reuse).
BasicRNNCellVariables basic_rnn_cell_variables(Graph& graph, const Shape& input_shape,
                                               int64_t num_units,
                                               const RNNCellVariableOptions& options);
GRUCellVariables gru_cell_variables(Graph& graph, const Shape& input_shape, int64_t num_units,
                                    const RNNCellVariableOptions& options);
LSTMCellVariables basic_lstm_cell_variables(Graph& graph, const Shape& input_shape,
                                            int64_t num_units,
                                            const RNNCellVariableOptions& options);
LSTMCellVariables lstm_cell_variables(Graph& graph, const Shape& input_shape, int64_t num_units,
                                      bool use_peepholes, std::optional<int64_t> num_proj,
                                      const RNNCellVariableOptions& options);

}  // namespace varflow::train
