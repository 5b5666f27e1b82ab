// Gradients of If and While nodes (see varflow/control_flow.h): they differentiate their
// regions with gradients() itself, so they live with the backprop driver.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "varflow/graph.h"
#include "varflow/op_registry.h"

namespace varflow {

bool is_control_flow(const std::string& op_type);
// One gradient per input of `node`, given the gradients of its outputs.
Grads control_flow_gradient(Node& node, const std::vector<std::optional<Output>>& output_grads);

}  // namespace varflow
