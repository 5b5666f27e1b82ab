// One registration function per op family; OpRegistry::global() calls them all. (Explicit
// calls rather than static initialisers, so a static link never drops a family.)
#pragma once

namespace varflow {
class OpRegistry;
}

namespace varflow::ops {

void register_array_ops(OpRegistry& registry);
void register_indexing_ops(OpRegistry& registry);
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
void register_pooling_ops(OpRegistry& registry);
void register_lrn_ops(OpRegistry& registry);

inline void register_all_ops(OpRegistry& registry) {
  register_array_ops(registry);
  register_indexing_ops(registry);
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
  register_pooling_ops(registry);
  register_lrn_ops(registry);
}

}  // namespace varflow::ops
