#include "ops/conv_grads.h"

#include <climits>
#include <vector>

namespace varflow::ops {

Output shape_vector(Output x) {
  const Shape& s = x.shape();
  if (s.fully_defined()) {
    std::vector<int32_t> dims;
    bool fits = true;
    for (int64_t d : s.dims()) {
      fits = fits && d <= INT32_MAX;
      dims.push_back(static_cast<int32_t>(d));
    }
    if (fits)
      return constant(x.graph(),
                      Tensor::from_vector<int32_t>(dims, {static_cast<int64_t>(dims.size())}));
  }
  return shape(x);
}

GradFn conv_forward_grad(ConvNames n) {
  return [n](GradContext& c) {
    Output x = c.input(0), f = c.input(1), dy = c.grad();
    return Grads{op(c.graph(), n.input, {shape_vector(x), f, dy}, c.attrs()),
                 op(c.graph(), n.filter, {x, shape_vector(f), dy}, c.attrs())};
  };
}

GradFn conv_backprop_input_grad(ConvNames n) {
  return [n](GradContext& c) {
    Output f = c.input(1), dy = c.input(2), g = c.grad();
    return Grads{std::nullopt, op(c.graph(), n.filter, {g, shape_vector(f), dy}, c.attrs()),
                 op(c.graph(), n.forward, {g, f}, c.attrs())};
  };
}

GradFn conv_backprop_filter_grad(ConvNames n) {
  return [n](GradContext& c) {
    Output x = c.input(0), dy = c.input(2), g = c.grad();
    return Grads{op(c.graph(), n.input, {shape_vector(x), g, dy}, c.attrs()), std::nullopt,
                 op(c.graph(), n.forward, {x, g}, c.attrs())};
  };
}

}  // namespace varflow::ops
