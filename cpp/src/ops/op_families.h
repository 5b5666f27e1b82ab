// One registration function per op family; op_library.cc hands register_all_ops to the
// registry. (Explicit calls rather than one static initialiser per family, so a static link
// never drops a family.)
#pragma once

namespace varflow {
class OpRegistry;
}

namespace varflow::ops {

void register_array_ops(OpRegistry& registry);
void register_concat_split_ops(OpRegistry& registry);
void register_slice_ops(OpRegistry& registry);
void register_gather_ops(OpRegistry& registry);
void register_pad_tile_ops(OpRegistry& registry);
void register_reverse_ops(OpRegistry& registry);
void register_host_function_ops(OpRegistry& registry);
void register_top_k_ops(OpRegistry& registry);
void register_index_set_ops(OpRegistry& registry);
void register_math_ops(OpRegistry& registry);
void register_state_ops(OpRegistry& registry);
void register_control_ops(OpRegistry& registry);
void register_training_ops(OpRegistry& registry);
void register_nn_ops(OpRegistry& registry);
void register_random_ops(OpRegistry& registry);
void register_clip_ops(OpRegistry& registry);
void register_schedule_ops(OpRegistry& registry);
void register_moving_average_ops(OpRegistry& registry);
void register_conv_ops(OpRegistry& registry);
void register_conv3d_ops(OpRegistry& registry);
void register_pool3d_ops(OpRegistry& registry);
void register_pooling_ops(OpRegistry& registry);
void register_lrn_ops(OpRegistry& registry);
void register_queue_ops(OpRegistry& registry);
void register_rnn_ops(OpRegistry& registry);
void register_string_ops(OpRegistry& registry);
void register_control_flow_ops(OpRegistry& registry);
void register_tensor_array_ops(OpRegistry& registry);
void register_sparse_ops(OpRegistry& registry);
void register_sparse_segment_ops(OpRegistry& registry);
void register_string_split_ops(OpRegistry& registry);
void register_regex_ops(OpRegistry& registry);
void register_special_math_ops(OpRegistry& registry);
void register_array_math_ops(OpRegistry& registry);
void register_multinomial_ops(OpRegistry& registry);
void register_assert_ops(OpRegistry& registry);
void register_candidate_sampling_ops(OpRegistry& registry);

inline void register_all_ops(OpRegistry& registry) {
  register_array_ops(registry);
  register_concat_split_ops(registry);
  register_slice_ops(registry);
  register_gather_ops(registry);
  register_pad_tile_ops(registry);
  register_reverse_ops(registry);
  register_host_function_ops(registry);
  register_top_k_ops(registry);
  register_index_set_ops(registry);
  register_math_ops(registry);
  register_state_ops(registry);
  register_control_ops(registry);
  register_training_ops(registry);
  register_nn_ops(registry);
  register_random_ops(registry);
  register_clip_ops(registry);
  register_schedule_ops(registry);
  register_moving_average_ops(registry);
  register_conv_ops(registry);
  register_conv3d_ops(registry);
  register_pool3d_ops(registry);
  register_pooling_ops(registry);
  register_lrn_ops(registry);
  register_queue_ops(registry);
  register_rnn_ops(registry);
  register_string_ops(registry);
  register_control_flow_ops(registry);
  register_tensor_array_ops(registry);
  register_sparse_ops(registry);
  register_sparse_segment_ops(registry);
  register_string_split_ops(registry);
  register_regex_ops(registry);
  register_special_math_ops(registry);
  register_array_math_ops(registry);
  register_multinomial_ops(registry);
  register_assert_ops(registry);
  register_candidate_sampling_ops(registry);
}

}  // namespace varflow::ops
