// TF1's RNN cells of varflow/train/rnn_cells.h, node for node as TF1's rnn_cell_impl.py builds
// them (and lstm_ops.py's lstm_block_cell). Every node is made in its own statement: the order
// of creation is the order of the names' numbering.
#include "varflow/train/rnn_cells.h"

#include <vector>

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/train/clip.h"
#include "varflow/train/layers.h"

namespace varflow::train {

namespace {

Output axis_one(Graph& graph) { return ops::constant(graph, Tensor::scalar<int32_t>(1), "Const"); }

// array_ops.concat([a, b], 1): the axis "Const", then "concat".
Output concat_columns(Graph& graph, Output a, Output b) {
  Output axis = axis_one(graph);
  return ops::ConcatV2({a, b, axis}, ops::ConcatV2Attrs().with_N(2), "concat");
}

// array_ops.split(value, parts, axis=1): the axis "Const", then "split".
std::vector<Output> split_columns(Graph& graph, Output value, int parts) {
  Output axis = axis_one(graph);
  Node* split = ops::Split(axis, value, parts, "split").node;
  std::vector<Output> out;
  for (int i = 0; i < parts; ++i) out.push_back(split->output(i));
  return out;
}

// array_ops.slice(state, [0, begin], [-1, size]).
Output state_columns(Graph& graph, Output state, int64_t begin, int64_t size) {
  Output begin_t = tf::int32_vector(graph, {0, static_cast<int32_t>(begin)});
  Output size_t_ = tf::int32_vector(graph, {-1, static_cast<int32_t>(size)});
  return ops::Slice(state, begin_t, size_t_, "Slice");
}

// nn.bias_add(math_ops.matmul(concat([inputs, state], 1), kernel), bias).
Output linear(Graph& graph, Output inputs, Output state, Output kernel, Output bias) {
  Output x = concat_columns(graph, inputs, state);
  Output product = ops::MatMul(x, kernel, {}, "MatMul");
  NameScope scope(graph, "BiasAdd");  // tf.nn.bias_add names its op after its scope
  return ops::BiasAdd(product, bias, {}, scope.scope());
}

Output apply(const Activation& activation, Output x) {
  return activation ? activation(x) : ops::Tanh(x, "Tanh");
}

Output sigmoid(Output x) { return ops::Sigmoid(x, "Sigmoid"); }

// _check_rnn_cell_input_dtypes([inputs, state]).
void check_step_dtypes(Output inputs, const std::vector<Output>& state) {
  check_rnn_cell_dtype(inputs.dtype());
  for (const Output& s : state) check_rnn_cell_dtype(s.dtype());
}

void check_state_count(const std::vector<Output>& state, bool state_is_tuple, const char* cell) {
  const size_t expected = state_is_tuple ? 2 : 1;
  VF_CHECK(state.size() == expected, ErrorCode::kValue, cell, ": expected a state of ", expected,
           state_is_tuple ? " tensors (c, h)" : " tensor (c and h concatenated)", ", got ",
           state.size());
}

// LSTMCell's peephole term: gate + w * c (the Mul first) when `use`, else the gate itself.
Output with_peephole(Output gate, const std::optional<Output>& w, Output c, bool use) {
  if (!use) return gate;
  Output peep = tf::mul(*w, c);
  return tf::add(gate, peep);
}

// The new state in the cell's form: (c, h), and their concatenation when not a tuple.
LSTMCellStep finish(Graph& graph, Output output, Output c, Output h, bool state_is_tuple) {
  LSTMCellStep step{output, {c, h}};
  if (!state_is_tuple) step.concatenated = concat_columns(graph, c, h);
  return step;
}

}  // namespace

void check_rnn_cell_dtype(DType dtype) {
  VF_CHECK(is_any_floating(dtype), ErrorCode::kValue,
           "RNN cell only supports floating point inputs, but saw dtype: ", tf::dtype_str(dtype));
}

Output basic_rnn_cell_step(Graph& graph, Output inputs, Output state, Output kernel, Output bias,
                           const Activation& activation) {
  check_step_dtypes(inputs, {state});
  Output gate_inputs = linear(graph, inputs, state, kernel, bias);
  return apply(activation, gate_inputs);
}

Output gru_cell_step(Graph& graph, Output inputs, Output state, const GRUCellWeights& weights,
                     const Activation& activation) {
  check_step_dtypes(inputs, {state});
  Output gate_inputs = linear(graph, inputs, state, weights.gate_kernel, weights.gate_bias);
  Output value = sigmoid(gate_inputs);
  std::vector<Output> r_u = split_columns(graph, value, 2);
  Output r_state = tf::mul(r_u[0], state);
  Output candidate =
      linear(graph, inputs, r_state, weights.candidate_kernel, weights.candidate_bias);
  Output c = apply(activation, candidate);
  // u * state + (1 - u) * c
  Output kept = tf::mul(r_u[1], state);
  Output one_minus_u = tf::sub(1.0, r_u[1]);
  Output fresh = tf::mul(one_minus_u, c);
  return tf::add(kept, fresh);
}

LSTMCellStep basic_lstm_cell_step(Graph& graph, Output inputs, const std::vector<Output>& state,
                                  Output kernel, Output bias, const BasicLSTMCellOptions& options) {
  check_state_count(state, options.state_is_tuple, "BasicLSTMCell");
  check_step_dtypes(inputs, state);
  Output c, h;
  if (options.state_is_tuple) {
    c = state[0];
    h = state[1];
  } else {
    std::vector<Output> c_h = split_columns(graph, state[0], 2);
    c = c_h[0];
    h = c_h[1];
  }
  Output new_c, new_h;
  if (!options.activation) {
    LSTMBlockCellOptions fused;
    fused.forget_bias = options.forget_bias;
    Node* cell = lstm_block_cell(graph, inputs, c, h, kernel, bias, fused);
    new_c = cell->output(1);
    new_h = cell->output(6);
  } else {
    const Activation& act = options.activation;
    Output gate_inputs = linear(graph, inputs, h, kernel, bias);
    std::vector<Output> ijfo = split_columns(graph, gate_inputs, 4);
    const Output &i = ijfo[0], &j = ijfo[1], &f = ijfo[2], &o = ijfo[3];
    // c * sigmoid(f + forget_bias) + sigmoid(i) * act(j), with tf.add / tf.multiply's names.
    Output forget_bias = tf::k(f, options.forget_bias);
    Output f_biased = ops::Add(f, forget_bias, "Add");
    Output forget = sigmoid(f_biased);
    Output kept = ops::Mul(c, forget, "Mul");
    Output input_gate = sigmoid(i);
    Output candidate = act(j);
    Output fresh = ops::Mul(input_gate, candidate, "Mul");
    new_c = ops::Add(kept, fresh, "Add");
    // act(c') * sigmoid(o)
    Output squashed = act(new_c);
    Output output_gate = sigmoid(o);
    new_h = ops::Mul(squashed, output_gate, "Mul");
  }
  return finish(graph, new_h, new_c, new_h, options.state_is_tuple);
}

LSTMCellStep lstm_cell_step(Graph& graph, Output inputs, const std::vector<Output>& state,
                            const LSTMCellWeights& weights, const LSTMCellOptions& options) {
  check_state_count(state, options.state_is_tuple, "LSTMCell");
  check_step_dtypes(inputs, state);
  const int64_t n = options.num_units;
  const int64_t h_size = options.num_proj.value_or(n);
  VF_CHECK(!options.use_peepholes || (weights.w_f_diag && weights.w_i_diag && weights.w_o_diag),
           ErrorCode::kValue, "LSTMCell: use_peepholes needs w_f_diag, w_i_diag and w_o_diag");
  VF_CHECK(!options.num_proj || weights.projection, ErrorCode::kValue,
           "LSTMCell: num_proj needs the projection kernel");
  Output c_prev, m_prev;
  if (options.state_is_tuple) {
    c_prev = state[0];
    m_prev = state[1];
  } else {
    c_prev = state_columns(graph, state[0], 0, n);
    m_prev = state_columns(graph, state[0], n, h_size);
  }
  const Shape& in_shape = inputs.shape();
  VF_CHECK(in_shape.has_rank() && in_shape.rank() == 2 && in_shape.dim(1) >= 0, ErrorCode::kValue,
           "Could not infer input size from inputs.get_shape()[-1]");
  const Activation& act = options.activation;
  Output lstm_matrix = linear(graph, inputs, m_prev, weights.kernel, weights.bias);
  std::vector<Output> ijfo = split_columns(graph, lstm_matrix, 4);
  const Output &i = ijfo[0], &j = ijfo[1], &f = ijfo[2], &o = ijfo[3];

  // c = sigmoid(f + forget_bias [+ w_f_diag * c_prev]) * c_prev
  //     + sigmoid(i [+ w_i_diag * c_prev]) * act(j), in Python's order of evaluation.
  const bool peep = options.use_peepholes;
  Output f_biased = tf::add(f, options.forget_bias);
  Output forget = sigmoid(with_peephole(f_biased, weights.w_f_diag, c_prev, peep));
  Output kept = tf::mul(forget, c_prev);
  Output input_gate = sigmoid(with_peephole(i, weights.w_i_diag, c_prev, peep));
  Output candidate = apply(act, j);
  Output fresh = tf::mul(input_gate, candidate);
  Output c = tf::add(kept, fresh);
  if (options.cell_clip) c = clip_by_value(graph, c, -*options.cell_clip, *options.cell_clip);

  // m = sigmoid(o [+ w_o_diag * c]) * act(c), then projected and clipped.
  Output o_pre = with_peephole(o, weights.w_o_diag, c, peep);
  Output output_gate = sigmoid(o_pre);
  Output squashed = apply(act, c);
  Output m = tf::mul(output_gate, squashed);
  if (options.num_proj) {
    m = ops::MatMul(m, *weights.projection, {}, "MatMul");
    if (options.proj_clip) m = clip_by_value(graph, m, -*options.proj_clip, *options.proj_clip);
  }
  return finish(graph, m, c, m, options.state_is_tuple);
}

Node* lstm_block_cell(Graph& graph, Output x, Output cs_prev, Output h_prev, Output w, Output b,
                      const LSTMBlockCellOptions& options) {
  Output zeros;
  if (!options.wci || !options.wcf || !options.wco) {
    const Shape& b_shape = b.shape();
    VF_CHECK(b_shape.has_rank() && b_shape.rank() == 1 && b_shape.dim(0) > 0, ErrorCode::kValue,
             "lstm_block_cell: without all three peephole weights the bias's size must be known, "
             "saw shape: ",
             tf::shape_str(b_shape));
    zeros = filled(graph, {b_shape.dim(0) / 4}, 0, x.dtype(), "zeros");
  }
  ops::LSTMBlockCellAttrs attrs;
  attrs.with_forget_bias(options.forget_bias)
      .with_cell_clip(options.cell_clip.value_or(-1.0))
      .with_use_peephole(options.use_peephole);
  return ops::LSTMBlockCell(x, cs_prev, h_prev, w, options.wci.value_or(zeros),
                            options.wcf.value_or(zeros), options.wco.value_or(zeros), b, attrs,
                            options.name);
}

// --- variables -------------------------------------------------------------------------------

GRUCellWeights GRUCellVariables::weights() const {
  return {gate_kernel.value(), gate_bias.value(), candidate_kernel.value(), candidate_bias.value()};
}

LSTMCellWeights LSTMCellVariables::weights() const {
  LSTMCellWeights w{kernel.value(), bias.value(), std::nullopt,
                    std::nullopt,   std::nullopt, std::nullopt};
  if (w_f_diag) w.w_f_diag = w_f_diag->value();
  if (w_i_diag) w.w_i_diag = w_i_diag->value();
  if (w_o_diag) w.w_o_diag = w_o_diag->value();
  if (projection) w.projection = projection->value();
  return w;
}

int64_t rnn_cell_input_depth(const Shape& input_shape) {
  const bool known = input_shape.has_rank() && input_shape.rank() > 0 &&
                     input_shape.dim(input_shape.rank() - 1) >= 0;
  VF_CHECK(known, ErrorCode::kValue,
           "Expected inputs.shape[-1] to be known, saw shape: ", tf::shape_str(input_shape));
  return input_shape.dim(input_shape.rank() - 1);
}

namespace {

// One of a cell's variables, "<scope>/<name>", with the options' dtype, trainability and reuse.
class CellVariables {
 public:
  CellVariables(Graph& graph, const RNNCellVariableOptions& options)
      : graph_(graph), options_(options) {
    check_rnn_cell_dtype(options.dtype);
  }
  Variable make(const std::string& name, const Dims& shape, const Initializer& initializer) {
    GetVariableOptions v;
    v.dtype = options_.dtype;
    v.initializer = initializer;
    v.trainable = options_.trainable;
    v.reuse = options_.reuse;
    const std::string prefix = options_.scope.empty() ? "" : options_.scope + "/";
    return get_variable(graph_, prefix + name, shape, v);
  }
  Variable kernel(const std::string& name, const Dims& shape) {
    return make(name, shape, options_.kernel_initializer);
  }
  Variable bias(const std::string& name, int64_t size, const Initializer& fallback) {
    return make(name, {size}, options_.bias_initializer ? options_.bias_initializer : fallback);
  }

 private:
  Graph& graph_;
  const RNNCellVariableOptions& options_;
};

}  // namespace

BasicRNNCellVariables basic_rnn_cell_variables(Graph& graph, const Shape& input_shape,
                                               int64_t num_units,
                                               const RNNCellVariableOptions& options) {
  const int64_t depth = rnn_cell_input_depth(input_shape);
  CellVariables vars(graph, options);
  Variable kernel = vars.kernel("kernel", {depth + num_units, num_units});
  Variable bias = vars.bias("bias", num_units, zeros_initializer());
  return {kernel, bias};
}

GRUCellVariables gru_cell_variables(Graph& graph, const Shape& input_shape, int64_t num_units,
                                    const RNNCellVariableOptions& options) {
  const int64_t depth = rnn_cell_input_depth(input_shape);
  CellVariables vars(graph, options);
  Variable gate_kernel = vars.kernel("gates/kernel", {depth + num_units, 2 * num_units});
  Variable gate_bias = vars.bias("gates/bias", 2 * num_units, constant_initializer(1.0));
  Variable candidate_kernel = vars.kernel("candidate/kernel", {depth + num_units, num_units});
  Variable candidate_bias = vars.bias("candidate/bias", num_units, zeros_initializer());
  return {gate_kernel, gate_bias, candidate_kernel, candidate_bias};
}

LSTMCellVariables basic_lstm_cell_variables(Graph& graph, const Shape& input_shape,
                                            int64_t num_units,
                                            const RNNCellVariableOptions& options) {
  return lstm_cell_variables(graph, input_shape, num_units, false, std::nullopt, options);
}

LSTMCellVariables lstm_cell_variables(Graph& graph, const Shape& input_shape, int64_t num_units,
                                      bool use_peepholes, std::optional<int64_t> num_proj,
                                      const RNNCellVariableOptions& options) {
  const int64_t depth = rnn_cell_input_depth(input_shape);
  CellVariables vars(graph, options);
  const int64_t h = num_proj.value_or(num_units);
  Variable kernel = vars.kernel("kernel", {depth + h, 4 * num_units});
  Variable bias = vars.bias("bias", 4 * num_units, zeros_initializer());
  LSTMCellVariables out{kernel, bias};
  if (use_peepholes) {
    out.w_f_diag = vars.kernel("w_f_diag", {num_units});
    out.w_i_diag = vars.kernel("w_i_diag", {num_units});
    out.w_o_diag = vars.kernel("w_o_diag", {num_units});
  }
  if (num_proj) out.projection = vars.kernel("projection/kernel", {num_units, *num_proj});
  return out;
}

}  // namespace varflow::train
