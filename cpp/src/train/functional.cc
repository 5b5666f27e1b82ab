// TF1's functional_ops.py (map_fn, scan, foldl, foldr) on tf.while_loop and TensorArrays, node
// for node as the Python API built them before they moved here.
#include "varflow/train/functional.h"

#include <cstdint>

#include "train/tf_math.h"
#include "varflow/control_flow.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"

namespace varflow::train {

namespace {

// The elements' length: static when the first one's shape has it, else read at run time.
struct Length {
  int64_t known = kUnknownDim;
  Output tensor;  // only when not known
  Output as_tensor(Graph& graph, const std::string& name) const {
    return known != kUnknownDim
               ? ops::constant(graph, Tensor::scalar<int32_t>(static_cast<int32_t>(known)), name)
               : tensor;
  }
};

Length elements_length(const std::vector<Output>& elems) {
  VF_CHECK(!elems.empty(), ErrorCode::kValue, "elems must hold at least one tensor");
  const Shape& first = elems[0].shape();
  VF_CHECK(!first.has_rank() || first.rank() > 0, ErrorCode::kValue,
           "Elements in elems must be 1+ dimensional Tensors, not scalars");
  for (const Output& e : elems) {
    const Shape& s = e.shape();
    VF_CHECK(!s.has_rank() || s.rank() > 0, ErrorCode::kValue,
             "Elements in elems must be 1+ dimensional Tensors, not scalars");
    const int64_t a = first.has_rank() ? first.dim(0) : kUnknownDim;
    const int64_t b = s.has_rank() ? s.dim(0) : kUnknownDim;
    VF_CHECK(a == kUnknownDim || b == kUnknownDim || a == b, ErrorCode::kValue,
             "The elements of elems must share their first dimension, got ", a, " and ", b);
  }
  Length n;
  if (first.has_rank() && first.dim(0) != kUnknownDim) {
    n.known = first.dim(0);
  } else {
    n.tensor = tf::strided_slice_1d(ops::Shape(elems[0]), 0, 1, 0, 0, 1);
  }
  return n;
}

Shape without_first(const Shape& shape) {
  if (!shape.has_rank()) return Shape::unknown_rank();
  return Shape(Dims(shape.dims().begin() + 1, shape.dims().end()));
}

// A TensorArray as the Python class keeps it: its value (what the loop carries), dtype and
// what is known of its elements' shape.
struct Array {
  Output flow;
  DType dtype;
  Shape element;
  bool infer_shape = true;
};

Array new_array(Graph& graph, const Length& n, DType dtype, const Shape& element,
                bool infer_shape) {
  NameScope scope(graph, "TensorArray");
  Output size = n.as_tensor(graph, "size");
  Output flow = ops::TensorArray(size, dtype, ops::TensorArrayAttrs().with_element_shape(element),
                                 "TensorArrayV3");
  return {flow, dtype, element, infer_shape};
}

void check_element(Array& array, const Shape& shape) {
  VF_CHECK(array.element.compatible_with(shape), ErrorCode::kValue, "Inconsistent shapes: saw ",
           tf::shape_str(shape), " but expected ", tf::shape_str(array.element),
           " (and infer_shape=True)");
  if (array.infer_shape) array.element = array.element.merge_with(shape);
}

Array unstacked(Graph& graph, const Length& n, Output value) {
  Array array = new_array(graph, n, value.dtype(), without_first(value.shape()), true);
  NameScope scope(graph, "TensorArrayUnstack");
  array.flow = ops::Identity(value, "TensorArrayScatterV3");
  return array;
}

Output read(Graph& graph, const Array& array, Output index) {
  NameScope scope(graph, "TensorArrayReadV3");
  Output value = ops::TensorArrayGather(array.flow, index, "TensorArrayReadV3");
  const Shape& shape = value.shape();
  if (!array.element.has_rank() || !shape.compatible_with(array.element)) return value;
  return ops::fit_to_shape(value, shape.merge_with(array.element));
}

Output write(Graph& graph, Array& array, Output index, Output value) {
  NameScope scope(graph, "TensorArrayWrite");
  VF_CHECK(value.dtype() == array.dtype, ErrorCode::kType, "TensorArray dtype is ",
           dtype_name(array.dtype), " but Op is trying to write dtype ", dtype_name(value.dtype()),
           ".");
  check_element(array, value.shape());
  return ops::TensorArrayScatter(array.flow, index, value, {}, "TensorArrayWriteV3");
}

// All elements stacked, with what is known of their shape and of the length.
Output stacked(Graph& graph, const Array& array, Output flow, const Length& n) {
  Output value;
  {
    NameScope scope(graph, "TensorArrayStack");
    value = ops::Identity(flow, "TensorArrayGatherV3");
  }
  if (!array.element.has_rank()) return value;
  Dims rows{n.known};
  rows.insert(rows.end(), array.element.dims().begin(), array.element.dims().end());
  const Shape& shape = value.shape();
  if (!shape.compatible_with(Shape(rows))) return value;
  return ops::fit_to_shape(value, shape.merge_with(Shape(rows)));
}

// The loop invariant of an array's flow: [?, element...], or unknown for an unknown element.
Shape flow_invariant(const Array& array) {
  if (!array.element.has_rank()) return Shape::unknown_rank();
  Dims rows{kUnknownDim};
  rows.insert(rows.end(), array.element.dims().begin(), array.element.dims().end());
  return Shape(rows);
}

void check_count(size_t got, size_t want, const char* what) {
  VF_CHECK(got == want, ErrorCode::kValue, "The function passed to ", what, " returned ", got,
           " tensors, but the loop carries ", want);
}

ops::WhileOptions while_options(const LoopFnOptions& options) {
  ops::WhileOptions w;
  w.back_prop = options.back_prop;
  return w;
}

// The shared loop of scan and the folds: the accumulators (and, for scan, the arrays of their
// values) carried from `start` by `step` while the index is in range.
struct AccumulatorLoop {
  std::vector<Output> accumulators;
  std::vector<Output> results;  // scan: the stacked accumulators
};

AccumulatorLoop accumulate(Graph& graph, const AccumulatorFn& fn, const std::vector<Output>& elems,
                           const std::optional<std::vector<Output>>& initializer, bool reverse,
                           bool keep_results, const LoopFnOptions& options, const char* what) {
  const Length n = elements_length(elems);
  std::vector<Array> inputs;
  for (const Output& e : elems) inputs.push_back(unstacked(graph, n, e));
  const double step = reverse ? -1 : 1;
  auto index_const = [&](int64_t v) {
    return ops::constant(graph, Tensor::scalar<int32_t>(static_cast<int32_t>(v)), "Const");
  };
  // The first element read: 0, or n - 1 when reversed (a constant when n is known).
  Output first = !reverse       ? index_const(0)
                 : n.known >= 0 ? index_const(n.known - 1)
                                : tf::sub(n.tensor, 1.0);
  std::vector<Output> init;
  Output start = first;
  if (initializer) {
    init = *initializer;
  } else {
    for (const Array& a : inputs) init.push_back(read(graph, a, first));
    start = n.known >= 0 || !reverse
                ? index_const((reverse ? n.known - 1 : 0) + static_cast<int64_t>(step))
                : tf::add(first, step);
  }
  std::vector<Array> results;
  if (keep_results) {
    for (Output& a : init)
      results.push_back(new_array(graph, n, a.dtype(), a.shape(), options.infer_shape));
    if (!initializer)
      for (size_t k = 0; k < init.size(); ++k)
        results[k].flow = write(graph, results[k], first, init[k]);
  }
  const size_t k_acc = init.size();
  std::vector<Output> loop_vars{start};
  ops::WhileOptions w = while_options(options);
  w.shape_invariants.push_back(Shape{});
  for (const Output& a : init) {
    loop_vars.push_back(a);
    w.shape_invariants.push_back(a.shape());
  }
  for (const Array& r : results) {
    loop_vars.push_back(r.flow);
    w.shape_invariants.push_back(flow_invariant(r));
  }
  auto condition = [&](const std::vector<Output>& vars) {
    if (reverse) return ops::GreaterEqual(vars[0], ops::scalar_like(vars[0], 0), "GreaterEqual");
    return ops::Less(vars[0], n.as_tensor(graph, "Const"), "Less");
  };
  auto body = [&](const std::vector<Output>& vars) {
    Output i = vars[0];
    std::vector<Output> x;
    for (const Array& a : inputs) x.push_back(read(graph, a, i));
    const std::vector<Output> acc(vars.begin() + 1, vars.begin() + 1 + static_cast<long>(k_acc));
    const std::vector<Output> out = fn(acc, x);
    check_count(out.size(), k_acc, what);
    std::vector<Output> next{tf::add(i, step)};
    next.insert(next.end(), out.begin(), out.end());
    for (size_t k = 0; k < results.size(); ++k) {
      Array flow_array = results[k];
      flow_array.flow = vars[1 + k_acc + k];
      next.push_back(write(graph, flow_array, i, out[k]));
      results[k].element = flow_array.element;
    }
    return next;
  };
  const std::vector<Output> final_vars = ops::while_loop(condition, body, loop_vars, w);
  AccumulatorLoop loop;
  loop.accumulators.assign(final_vars.begin() + 1,
                           final_vars.begin() + 1 + static_cast<long>(k_acc));
  for (size_t k = 0; k < results.size(); ++k)
    loop.results.push_back(stacked(graph, results[k], final_vars[1 + k_acc + k], n));
  return loop;
}

std::string or_default(const std::string& name, const char* fallback) {
  return name.empty() ? fallback : name;
}

}  // namespace

std::vector<Output> map_fn(Graph& graph, const ElementFn& fn, const std::vector<Output>& elems,
                           const std::vector<DType>& dtypes, const LoopFnOptions& options) {
  NameScope scope(graph, or_default(options.name, "map"));
  const Length n = elements_length(elems);
  std::vector<Array> inputs;
  for (const Output& e : elems) inputs.push_back(unstacked(graph, n, e));
  std::vector<DType> out_dtypes = dtypes;
  if (out_dtypes.empty())
    for (const Output& e : elems) out_dtypes.push_back(e.dtype());
  std::vector<Array> results;
  for (DType d : out_dtypes)
    results.push_back(new_array(graph, n, d, Shape::unknown_rank(), options.infer_shape));
  std::vector<Output> loop_vars{ops::constant(graph, Tensor::scalar<int32_t>(0), "Const")};
  ops::WhileOptions w = while_options(options);
  w.shape_invariants.push_back(Shape{});
  for (const Array& r : results) {
    loop_vars.push_back(r.flow);
    w.shape_invariants.push_back(flow_invariant(r));
  }
  auto condition = [&](const std::vector<Output>& vars) {
    return ops::Less(vars[0], n.as_tensor(graph, "Const"), "Less");
  };
  auto body = [&](const std::vector<Output>& vars) {
    Output i = vars[0];
    std::vector<Output> element;
    for (const Array& a : inputs) element.push_back(read(graph, a, i));
    const std::vector<Output> out = fn(element);
    check_count(out.size(), results.size(), "map_fn");
    std::vector<Output> next{tf::add(i, 1.0)};
    for (size_t k = 0; k < results.size(); ++k) {
      Array flow_array = results[k];
      flow_array.flow = vars[1 + k];
      next.push_back(write(graph, flow_array, i, out[k]));
      results[k].element = flow_array.element;
    }
    return next;
  };
  const std::vector<Output> final_vars = ops::while_loop(condition, body, loop_vars, w);
  std::vector<Output> out;
  for (size_t k = 0; k < results.size(); ++k)
    out.push_back(stacked(graph, results[k], final_vars[1 + k], n));
  return out;
}

std::vector<Output> scan(Graph& graph, const AccumulatorFn& fn, const std::vector<Output>& elems,
                         const std::optional<std::vector<Output>>& initializer, bool reverse,
                         const LoopFnOptions& options) {
  NameScope scope(graph, or_default(options.name, "scan"));
  return accumulate(graph, fn, elems, initializer, reverse, true, options, "scan").results;
}

std::vector<Output> foldl(Graph& graph, const AccumulatorFn& fn, const std::vector<Output>& elems,
                          const std::optional<std::vector<Output>>& initializer,
                          const LoopFnOptions& options) {
  NameScope scope(graph, or_default(options.name, "foldl"));
  return accumulate(graph, fn, elems, initializer, false, false, options, "foldl").accumulators;
}

std::vector<Output> foldr(Graph& graph, const AccumulatorFn& fn, const std::vector<Output>& elems,
                          const std::optional<std::vector<Output>>& initializer,
                          const LoopFnOptions& options) {
  NameScope scope(graph, or_default(options.name, "foldr"));
  return accumulate(graph, fn, elems, initializer, true, false, options, "foldr").accumulators;
}

}  // namespace varflow::train
