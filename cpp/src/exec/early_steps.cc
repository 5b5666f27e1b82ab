#include "exec/early_steps.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace varflow {

void hoist_early_steps(Plan& plan) {
  std::vector<PlanStep>& steps = plan.steps;
  if (std::none_of(steps.begin(), steps.end(), [](const PlanStep& s) {
        return s.node && !s.control && !s.fused && s.node->op_def().runs_early;
      }))
    return;
  // Each step's place as (after this original index, tie-break): a step in graph order keeps
  // (i, 0); a moved step takes (the latest of its dependencies' places, a counter), so it runs
  // right after the last of them, and moved steps keep their order among themselves.
  using Place = std::pair<long, long>;
  const Place kBeforeAll{-1, 0};
  std::unordered_map<int, Place> slot_place;
  for (int s : plan.feed_slots) slot_place[s] = kBeforeAll;
  for (const auto& c : plan.constants) slot_place[c.first] = kBeforeAll;
  std::unordered_map<const Node*, Place> node_place;
  std::vector<std::pair<Place, size_t>> order;
  order.reserve(steps.size());
  long moved = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    const PlanStep& step = steps[i];
    Place place{static_cast<long>(i), 0};
    if (step.node && !step.control && !step.fused && step.node->op_def().runs_early) {
      Place latest = kBeforeAll;
      bool known = true;
      for (int s : step.input_slots) {
        auto it = slot_place.find(s);
        if (it == slot_place.end()) {
          known = false;
          break;
        }
        latest = std::max(latest, it->second);
      }
      for (const Node* ctrl : step.node->control_inputs()) {
        auto it = node_place.find(ctrl);
        if (it != node_place.end()) latest = std::max(latest, it->second);
      }
      if (known) place = {latest.first, ++moved};
    }
    if (step.node) {
      node_place[step.node] = place;
      for (int k = 0; k < step.node->num_outputs(); ++k) slot_place[step.first_output + k] = place;
    }
    order.emplace_back(place, i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<PlanStep> reordered;
  reordered.reserve(steps.size());
  for (const auto& [place, i] : order) reordered.push_back(std::move(steps[i]));
  steps = std::move(reordered);
}

}  // namespace varflow
