#include "varflow/tensor.h"

#include <cstdlib>
#include <limits>
#include <new>
#include <sstream>

#include "varflow/errors.h"

namespace varflow {

namespace {
constexpr size_t kAlignment = 64;

// A Tensor's dimensions must be concrete (an unknown -1 or a wrapped negative size reaching
// here would turn into a huge unsigned allocation).
void check_dims(const Dims& dims) {
  for (int64_t d : dims) {
    if (d >= 0) continue;
    std::string shape = "(";  // spelled out: dims_to_string would print -1 as "?"
    for (size_t i = 0; i < dims.size(); ++i) shape += (i ? ", " : "") + std::to_string(dims[i]);
    raise(ErrorCode::kInvalidArgument, "Dimension ", d, " must be >= 0 in shape ", shape,
          dims.size() == 1 ? ",)" : ")");
  }
}

[[noreturn]] void raise_oom(DType dtype, const Dims& dims, const std::string& size) {
  raise(ErrorCode::kResourceExhausted, "OOM when allocating tensor with shape ",
        dims_to_string(dims), " and type ", dtype_tf_name(dtype), ": ", size);
}
}  // namespace

Buffer::Buffer(size_t nbytes) : nbytes_(nbytes), borrowed_(false) {
  // nbytes never exceeds INT64_MAX (Tensor checks), so rounding up cannot wrap.
  size_t rounded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  data_ = std::aligned_alloc(kAlignment, rounded == 0 ? kAlignment : rounded);
  if (!data_) raise(ErrorCode::kResourceExhausted, "OOM when allocating ", nbytes, " bytes");
}

Buffer::Buffer(void* data, size_t nbytes, std::function<void()> release)
    : data_(data), nbytes_(nbytes), borrowed_(true), release_(std::move(release)) {}

Buffer::~Buffer() {
  if (borrowed_) {
    if (release_) release_();
  } else {
    std::free(data_);
  }
}

Tensor::Tensor(DType dtype, Dims dims) : dtype_(dtype), dims_(std::move(dims)) {
  const size_t item = dtype_size(dtype_);
  VF_CHECK(item > 0, ErrorCode::kInvalidArgument, "Cannot allocate a tensor of invalid dtype");
  check_dims(dims_);
  num_elements_ = varflow::num_elements(dims_);
  int64_t bytes = 0;
  if (__builtin_mul_overflow(num_elements_, static_cast<int64_t>(item), &bytes))
    raise_oom(dtype_, dims_,
              str_cat(num_elements_, " elements of ", item,
                      " bytes each, which exceeds the addressable size"));
  try {
    buffer_ = std::make_shared<Buffer>(static_cast<size_t>(bytes));
  } catch (const Error&) {
    raise_oom(dtype_, dims_, str_cat(bytes, " bytes"));
  } catch (const std::bad_alloc&) {
    raise_oom(dtype_, dims_, str_cat(bytes, " bytes"));
  }
}

void Tensor::check_value_count(int64_t count, const Tensor& t) {
  VF_CHECK(count == t.num_elements_, ErrorCode::kInvalidArgument, "Expected ", t.num_elements_,
           " values for a tensor of shape ", dims_to_string(t.dims_), ", got ", count);
}

Tensor Tensor::zeros(DType dtype, Dims dims) {
  Tensor t(dtype, std::move(dims));
  std::memset(t.raw(), 0, t.nbytes());
  return t;
}

Tensor Tensor::borrow(DType dtype, Dims dims, void* data, std::function<void()> release) {
  check_dims(dims);
  Tensor t;
  t.dtype_ = dtype;
  t.dims_ = std::move(dims);
  t.num_elements_ = varflow::num_elements(t.dims_);
  t.buffer_ = std::make_shared<Buffer>(data, t.nbytes(), std::move(release));
  return t;
}

Tensor Tensor::deep_copy() const {
  if (!defined()) return Tensor();
  Tensor t(dtype_, dims_);
  // Borrowed memory of an empty array may be a null pointer, which memcpy must not see.
  if (nbytes() != 0) std::memcpy(t.raw(), raw(), nbytes());
  return t;
}

Tensor Tensor::reshaped(Dims dims) const {
  check_dims(dims);
  VF_CHECK(varflow::num_elements(dims) == num_elements_, ErrorCode::kInvalidArgument,
           "Cannot reshape a tensor with ", num_elements_, " elements to shape ",
           dims_to_string(dims));
  Tensor t = *this;
  t.dims_ = std::move(dims);
  return t;
}

namespace {
// A float-to-integer conversion of NaN or of a value outside the integer's range is undefined
// in C++; such values become the integer's minimum, as x86's conversion instructions (and so
// TF1 and NumPy there) give. In range, the select keeps the loop vectorisable.
template <typename To, typename From>
To convert_one(From v) {
  if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To> &&
                !std::is_same_v<To, bool>) {
    constexpr From lo = static_cast<From>(std::numeric_limits<To>::min());  // -2^k, exact
    return (v >= lo && v < -lo) ? static_cast<To>(v) : std::numeric_limits<To>::min();
  } else {
    return static_cast<To>(v);
  }
}

template <typename From, typename To>
void convert(const From* in, To* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = convert_one<To>(in[i]);
}
}  // namespace

Tensor Tensor::cast(DType dtype) const {
  if (dtype == dtype_) return deep_copy();
  Tensor out(dtype, dims_);
  visit_dtype(dtype_, [&](auto from) {
    using From = decltype(from);
    visit_dtype(dtype, [&](auto to) {
      using To = decltype(to);
      convert(data<From>(), out.data<To>(), num_elements_);
    });
  });
  return out;
}

Dims Tensor::as_dims() const {
  Dims out;
  if (dtype_ == DType::kInt32) {
    out.assign(data<int32_t>(), data<int32_t>() + num_elements_);
  } else if (dtype_ == DType::kInt64) {
    out.assign(data<int64_t>(), data<int64_t>() + num_elements_);
  } else {
    raise(ErrorCode::kInvalidArgument, "expected an int32 or int64 tensor, got ",
          dtype_name(dtype_));
  }
  return out;
}

double Tensor::scalar_as_double() const {
  VF_CHECK(num_elements_ >= 1, ErrorCode::kInvalidArgument, "empty tensor has no scalar value");
  return visit_dtype(dtype_, [&](auto v) { return static_cast<double>(data<decltype(v)>()[0]); });
}

int64_t Tensor::scalar_as_int() const {
  VF_CHECK(num_elements_ >= 1, ErrorCode::kInvalidArgument, "empty tensor has no scalar value");
  return visit_dtype(dtype_, [&](auto v) { return convert_one<int64_t>(data<decltype(v)>()[0]); });
}

std::string Tensor::debug_string(int max_elements) const {
  if (!defined()) return "Tensor(undefined)";
  std::ostringstream out;
  out << "Tensor(" << dtype_name(dtype_) << ", " << dims_to_string(dims_) << ", [";
  visit_dtype(dtype_, [&](auto v) {
    using T = decltype(v);
    for (int64_t i = 0; i < num_elements_ && i < max_elements; ++i)
      out << (i ? ", " : "") << +data<T>()[i];
  });
  if (num_elements_ > max_elements) out << ", ...";
  out << "])";
  return out.str();
}

}  // namespace varflow
