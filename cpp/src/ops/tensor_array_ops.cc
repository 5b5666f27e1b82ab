// TensorArray ops. A TensorArray's value is one dense tensor, [size, element dims...]: writes
// (TensorArrayScatter) update it in place when nobody else holds it (a loop variable rewritten
// every iteration), reads (TensorArrayGather) copy rows out. Until the first write an array
// whose element shape is not fully known holds zeros in place of the unknown dimensions.
#include <algorithm>
#include <cstring>

#include "ops/op_families.h"
#include "varflow/errors.h"
#include "varflow/op_registry.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

Dims element_dims_of(const Tensor& array) {
  Dims d = array.dims();
  d.erase(d.begin());
  return d;
}

bool holds_elements(const Tensor& array, const Dims& element) {
  return array.num_elements() > 0 || element_dims_of(array) == element;
}

std::vector<int64_t> row_indices(const KernelContext& c, const Tensor& indices, const char* what) {
  if (indices.dtype() != DType::kInt32 || indices.rank() > 1)
    c.fail(ErrorCode::kInvalidArgument, "TensorArray ", what,
           " needs an int32 scalar index or vector of indices");
  std::vector<int64_t> rows(static_cast<size_t>(indices.num_elements()));
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = indices.data<int32_t>()[i];
  return rows;
}

void check_array(const KernelContext& c, const Tensor& array) {
  if (!array.defined() || array.rank() < 1)
    c.fail(ErrorCode::kInvalidArgument, "Not a TensorArray value: a tensor of rank >= 1 needed");
}

Tensor zeros(DType dtype, const Dims& dims) {
  Tensor t(dtype, dims);
  if (t.nbytes() > 0) std::memset(t.raw(), 0, t.nbytes());
  return t;
}

// An array of the requested dimensions that this kernel may write: `array` itself when nobody
// else holds it and it already has them, else a copy (rows it had kept, new rows zero).
Tensor writable_array(const Tensor& array, const Dims& dims, bool had_elements) {
  if (had_elements && array.dims() == dims && array.exclusively_owned() &&
      !array.buffer()->borrowed() && !array.buffer()->shared_state())
    return array;
  Tensor out = zeros(array.dtype(), dims);
  if (had_elements && array.nbytes() > 0)
    std::memcpy(out.raw(), array.raw(), std::min(array.nbytes(), out.nbytes()));
  return out;
}

void tensor_array_kernel(KernelContext& c) {
  const Tensor& size = c.input(0);
  if (size.dtype() != DType::kInt32 || size.num_elements() != 1)
    c.fail(ErrorCode::kInvalidArgument, "TensorArray size must be an int32 scalar");
  const int32_t n = *size.data<int32_t>();
  if (n < 0) c.fail(ErrorCode::kInvalidArgument, "Size should be >= 0.");
  const Shape& element = c.attrs().get<Shape>("element_shape");
  Dims dims{n};
  if (!element.has_rank()) {
    dims.push_back(0);
  } else {
    for (int i = 0; i < element.rank(); ++i) dims.push_back(std::max<int64_t>(element.dim(i), 0));
  }
  c.set_output(0, zeros(c.attrs().get<DType>("dtype"), dims));
}

void scatter_kernel(KernelContext& c) {
  const Tensor& array = c.input(0);
  const Tensor& value = c.input(2);
  check_array(c, array);
  const bool single = c.input(1).rank() == 0;
  const std::vector<int64_t> rows = row_indices(c, c.input(1), "write");
  Dims element = value.dims();
  if (!single) {
    if (value.rank() < 1 || value.dim(0) != static_cast<int64_t>(rows.size()))
      c.fail(ErrorCode::kInvalidArgument, "Tried to scatter ", rows.size(),
             " indices with a value of shape ", dims_to_string(value.dims()));
    element.erase(element.begin());
  }
  if (value.dtype() != array.dtype())
    c.fail(ErrorCode::kInvalidArgument, "TensorArray dtype is ", dtype_name(array.dtype()),
           " but Op is trying to write dtype ", dtype_name(value.dtype()), ".");
  const bool had = holds_elements(array, element);
  if (had && element_dims_of(array) != element)
    c.fail(ErrorCode::kInvalidArgument, "Could not write to TensorArray index ",
           rows.empty() ? 0 : rows[0], " because the value shape is ", dims_to_string(element),
           " which is incompatible with the TensorArray's inferred element shape: ",
           dims_to_string(element_dims_of(array)), " (consider setting infer_shape=False).");
  int64_t size = array.dim(0);
  for (int64_t r : rows) {
    if (r < 0) c.fail(ErrorCode::kInvalidArgument, "Tried to write to index ", r);
    if (r >= size) {
      if (!c.attrs().get<bool>("dynamic_size"))
        c.fail(ErrorCode::kInvalidArgument, "Tried to write to index ", r,
               " but array is not resizeable and size is: ", array.dim(0));
      size = r + 1;
    }
  }
  Dims dims = element;
  dims.insert(dims.begin(), size);
  Tensor out = writable_array(array, dims, had);
  const size_t row_bytes = value.nbytes() / std::max<size_t>(rows.size(), 1);
  auto* dst = static_cast<char*>(out.raw());
  const auto* src = static_cast<const char*>(value.raw());
  for (size_t i = 0; i < rows.size(); ++i)
    if (row_bytes)
      std::memcpy(dst + static_cast<size_t>(rows[i]) * row_bytes, src + i * row_bytes, row_bytes);
  c.set_output(0, std::move(out));
}

void gather_kernel(KernelContext& c) {
  const Tensor& array = c.input(0);
  check_array(c, array);
  const bool single = c.input(1).rank() == 0;
  const std::vector<int64_t> rows = row_indices(c, c.input(1), "read");
  for (int64_t r : rows)
    if (r < 0 || r >= array.dim(0))
      c.fail(ErrorCode::kInvalidArgument, "Tried to read from index ", r,
             " but array size is: ", array.dim(0));
  if (array.num_elements() == 0 && !rows.empty()) {
    const Dims element = element_dims_of(array);
    if (std::find(element.begin(), element.end(), 0) != element.end())
      c.fail(ErrorCode::kInvalidArgument, "Could not read from TensorArray index ", rows[0],
             " because it has not yet been written to.");
  }
  Dims dims = element_dims_of(array);
  if (!single) dims.insert(dims.begin(), static_cast<int64_t>(rows.size()));
  Tensor& out = c.allocate_output(0, array.dtype(), dims);
  const size_t row_bytes = array.dim(0) ? array.nbytes() / static_cast<size_t>(array.dim(0)) : 0;
  const auto* src = static_cast<const char*>(array.raw());
  auto* dst = static_cast<char*>(out.raw());
  for (size_t i = 0; i < rows.size(); ++i)
    if (row_bytes)
      std::memcpy(dst + i * row_bytes, src + static_cast<size_t>(rows[i]) * row_bytes, row_bytes);
}

// rows of `target` += `values` (one row per index), for float arrays.
void add_rows(const KernelContext& c, Tensor& target, const std::vector<int64_t>& rows,
              const Tensor& values) {
  const int64_t per_row =
      rows.empty() ? 0 : values.num_elements() / static_cast<int64_t>(rows.size());
  for (int64_t r : rows)
    if (r < 0 || r >= target.dim(0))
      c.fail(ErrorCode::kInvalidArgument, "Index ", r, " out of range for size ", target.dim(0));
  auto add = [&](auto zero) {
    using T = decltype(zero);
    T* dst = target.data<T>();
    const T* src = values.data<T>();
    for (size_t i = 0; i < rows.size(); ++i) {
      T* row = dst + rows[i] * per_row;
      const T* from = src + static_cast<int64_t>(i) * per_row;
      for (int64_t k = 0; k < per_row; ++k) row[k] += from[k];
    }
  };
  if (values.dtype() == DType::kFloat32)
    add(float{});
  else if (values.dtype() == DType::kFloat64)
    add(double{});
  else
    c.fail(ErrorCode::kInvalidArgument, "TensorArray gradients need float32 or float64, got ",
           dtype_name(values.dtype()));
}

Dims grad_array_dims(const KernelContext& c, int64_t size, const Tensor& grad, bool single) {
  Dims dims = grad.dims();
  if (!single) {
    if (dims.empty()) c.fail(ErrorCode::kInvalidArgument, "Gradient rows need rank >= 1");
    dims.erase(dims.begin());
  }
  dims.insert(dims.begin(), size);
  return dims;
}

void gather_grad_kernel(KernelContext& c) {
  const Tensor& array = c.input(0);
  check_array(c, array);
  const Tensor& grad = c.input(2);
  const bool single = c.input(1).rank() == 0;
  const std::vector<int64_t> rows = row_indices(c, c.input(1), "read");
  Tensor out = zeros(grad.dtype(), grad_array_dims(c, array.dim(0), grad, single));
  add_rows(c, out, rows, grad);
  c.set_output(0, std::move(out));
}

void accumulate_kernel(KernelContext& c) {
  const Tensor& acc = c.input(0);
  check_array(c, acc);
  const Tensor& values = c.input(2);
  const bool single = c.input(1).rank() == 0;
  const std::vector<int64_t> rows = row_indices(c, c.input(1), "read");
  const Dims dims = grad_array_dims(c, acc.dim(0), values, single);
  Dims element = dims;
  element.erase(element.begin());
  const bool had = holds_elements(acc, element);
  if (had && acc.dims() != dims)
    c.fail(ErrorCode::kInvalidArgument, "Gradient of shape ", dims_to_string(values.dims()),
           " does not fit the array's ", dims_to_string(acc.dims()));
  Tensor out = writable_array(acc, dims, had);
  add_rows(c, out, rows, values);
  c.set_output(0, std::move(out));
}

// The gradient of a write: the written rows' gradient goes to the value, and the array before
// the write gets none for them (they were overwritten).
void scatter_grad_kernel(KernelContext& c) {
  const Tensor& grad = c.input(0);
  check_array(c, grad);
  const bool single = c.input(1).rank() == 0;
  const std::vector<int64_t> rows = row_indices(c, c.input(1), "write");
  for (int64_t r : rows)
    if (r < 0 || r >= grad.dim(0))
      c.fail(ErrorCode::kInvalidArgument, "Index ", r, " out of range for size ", grad.dim(0));
  Dims value_dims = element_dims_of(grad);
  if (!single) value_dims.insert(value_dims.begin(), static_cast<int64_t>(rows.size()));
  Tensor& values = c.allocate_output(1, grad.dtype(), value_dims);
  const size_t row_bytes = grad.dim(0) ? grad.nbytes() / static_cast<size_t>(grad.dim(0)) : 0;
  const auto* src = static_cast<const char*>(grad.raw());
  auto* dst = static_cast<char*>(values.raw());
  for (size_t i = 0; i < rows.size(); ++i)
    if (row_bytes)
      std::memcpy(dst + i * row_bytes, src + static_cast<size_t>(rows[i]) * row_bytes, row_bytes);
  Tensor rest = writable_array(grad, grad.dims(), true);
  auto* out = static_cast<char*>(rest.raw());
  for (int64_t r : rows)
    if (row_bytes) std::memset(out + static_cast<size_t>(r) * row_bytes, 0, row_bytes);
  c.set_output(0, std::move(rest));
}

Shape element_shape_of(const Shape& array) {
  if (!array.has_rank() || array.rank() < 1) return Shape::unknown_rank();
  Dims d;
  for (int i = 1; i < array.rank(); ++i) d.push_back(array.dim(i));
  return Shape(d);
}

Shape with_rows(const Shape& element, int64_t rows) {
  if (!element.has_rank()) return Shape::unknown_rank();
  Dims d{rows};
  for (int i = 0; i < element.rank(); ++i) d.push_back(element.dim(i));
  return Shape(d);
}

// Rows given by a scalar index (one element) or a vector of indices.
Shape gathered(const Shape& element, const Shape& indices) {
  if (indices.has_rank() && indices.rank() == 0) return element;
  return with_rows(element, indices.has_rank() && indices.rank() == 1 ? indices.dim(0) : -1);
}

void check_index(const InferenceContext& c, int i) {
  if (c.input_dtype(i) != DType::kInt32)
    c.type_error("TensorArray indices must be int32, got ", dtype_name(c.input_dtype(i)));
  if (c.input_shape(i).has_rank() && c.input_shape(i).rank() > 1)
    c.value_error("TensorArray indices must be a scalar or a vector, got shape ",
                  c.input_shape(i).to_string());
}

// Arrays move elements as bytes: strings (which own their characters) are not supported.
void check_element_dtype(const InferenceContext& c, DType dtype) {
  if (dtype == DType::kString) c.type_error("TensorArray of dtype string is not supported");
}

// Gradient arrays: float32 or float64, as the gradients they carry.
void check_gradient_dtype(const InferenceContext& c, int i) {
  if (!is_floating(c.input_dtype(i)))
    c.type_error("TensorArray gradients need float32 or float64, got ",
                 dtype_name(c.input_dtype(i)));
}

void check_array_input(const InferenceContext& c, int i) {
  check_element_dtype(c, c.input_dtype(i));
  if (c.input_shape(i).has_rank() && c.input_shape(i).rank() < 1)
    c.value_error("A TensorArray value has rank >= 1, got shape ", c.input_shape(i).to_string());
}

}  // namespace

void register_tensor_array_ops(OpRegistry& r) {
  r.add("TensorArray")
      .inputs({"size"})
      .outputs({"array"})
      .required_attr("dtype", AttrType::kType)
      .attr("element_shape", Shape::unknown_rank(), "what is known of every element's shape")
      .shape([](InferenceContext& c) {
        if (c.input_dtype(0) != DType::kInt32) c.type_error("TensorArray size must be int32");
        check_element_dtype(c, c.attrs().get<DType>("dtype"));
        int64_t rows = -1;
        if (const Tensor* size = c.constant_input(0)) rows = *size->data<int32_t>();
        c.set_output(0, c.attrs().get<DType>("dtype"),
                     with_rows(c.attrs().get<Shape>("element_shape"), rows));
      })
      .kernel(tensor_array_kernel)
      .not_differentiable()
      .doc("A new TensorArray of `size` elements, as one [size, element...] tensor of zeros.");
  r.add("TensorArrayScatter")
      .inputs({"array", "indices", "value"})
      .outputs({"array_out"})
      .attr("dynamic_size", false, "writes past the end grow the array")
      .shape([](InferenceContext& c) {
        check_array_input(c, 0);
        check_index(c, 1);
        if (c.input_dtype(2) != c.input_dtype(0))
          c.type_error("TensorArray dtype is ", dtype_name(c.input_dtype(0)),
                       " but Op is trying to write dtype ", dtype_name(c.input_dtype(2)));
        const Shape& indices = c.input_shape(1);
        Shape element = c.input_shape(2);
        if (!(indices.has_rank() && indices.rank() == 0)) element = element_shape_of(element);
        const Shape& array = c.input_shape(0);
        const int64_t rows =
            c.attrs().get<bool>("dynamic_size") || !array.has_rank() ? -1 : array.dim(0);
        c.set_output(0, c.input_dtype(0), with_rows(element, rows));
      })
      .kernel(scatter_kernel)
      .grad([](GradContext& c) {
        Node* n = add_op(c.graph(), "TensorArrayScatterGrad", {c.grad(), c.input(1)});
        return Grads{n->output(0), std::nullopt, n->output(1)};
      })
      .doc(
          "TensorArray.write (scalar index) and scatter (vector of indices): the array with "
          "those rows set to `value`.");
  r.add("TensorArrayGather")
      .inputs({"array", "indices"})
      .outputs({"value"})
      .shape([](InferenceContext& c) {
        check_array_input(c, 0);
        check_index(c, 1);
        c.set_output(0, c.input_dtype(0),
                     gathered(element_shape_of(c.input_shape(0)), c.input_shape(1)));
      })
      .kernel(gather_kernel)
      .grad([](GradContext& c) {
        return Grads{op(c.graph(), "TensorArrayGatherGrad", {c.input(0), c.input(1), c.grad()}),
                     std::nullopt};
      })
      .doc("TensorArray.read (scalar index) and gather (vector of indices).");
  r.add("TensorArrayGatherGrad")
      .inputs({"array", "indices", "grad"})
      .outputs({"array_grad"})
      .shape([](InferenceContext& c) {
        check_index(c, 1);
        check_gradient_dtype(c, 2);
        Shape element = c.input_shape(2);
        if (!(c.input_shape(1).has_rank() && c.input_shape(1).rank() == 0))
          element = element_shape_of(element);
        const Shape& array = c.input_shape(0);
        c.set_output(0, c.input_dtype(2), with_rows(element, array.has_rank() ? array.dim(0) : -1));
      })
      .kernel(gather_grad_kernel)
      .grad([](GradContext& c) {
        return Grads{std::nullopt, std::nullopt,
                     op(c.graph(), "TensorArrayGather", {c.grad(), c.input(1)})};
      })
      .doc("The gradient of TensorArrayGather for its array: zeros but the rows read.");
  r.add("TensorArrayAccumulate")
      .inputs({"array", "indices", "values"})
      .outputs({"array_out"})
      .shape([](InferenceContext& c) {
        check_index(c, 1);
        check_gradient_dtype(c, 0);
        if (c.input_dtype(2) != c.input_dtype(0))
          c.type_error("Accumulated values must have the array's dtype");
        c.set_output(0, c.input_dtype(0), c.input_shape(0));
      })
      .kernel(accumulate_kernel)
      .grad([](GradContext& c) {
        return Grads{c.grad(), std::nullopt,
                     op(c.graph(), "TensorArrayGather", {c.grad(), c.input(1)})};
      })
      .doc(
          "`array` with `values` added to the rows `indices` (in place when nobody else holds "
          "it): how a gradient loop sums the reads of a TensorArray it captured.");
  r.add("TensorArrayScatterGrad")
      .inputs({"grad", "indices"})
      .outputs({"array_grad", "value_grad"})
      .shape([](InferenceContext& c) {
        check_index(c, 1);
        check_gradient_dtype(c, 0);
        c.set_num_outputs(2);
        c.set_output(0, c.input_dtype(0), c.input_shape(0));
        c.set_output(1, c.input_dtype(0),
                     gathered(element_shape_of(c.input_shape(0)), c.input_shape(1)));
      })
      .kernel(scatter_grad_kernel)
      .not_differentiable()
      .doc(
          "The gradient of TensorArrayScatter: the written rows for the value, the rest for "
          "the array before the write.");
}

}  // namespace varflow::ops
