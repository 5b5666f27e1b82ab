#include "varflow/tensor.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <limits>
#include <new>
#include <sstream>

#ifdef __linux__
#include <sys/mman.h>
#endif

#include "core/buffer_stats.h"
#include "core/tensor_cast.h"
#include "varflow/errors.h"

namespace varflow {

namespace {
constexpr size_t kAlignment = 64;
// Buffers of 4 MiB or more (NumPy's threshold) are aligned to 2 MiB and asked for transparent
// huge pages, which most kernels give only where asked (transparent_hugepage=madvise): a
// memory-bound kernel over them misses the TLB 512 times less, and MPI's cross-process copy of a
// large allreduce pins 512 times fewer pages (1e8 floats: the MPI call took 174-178 ms on 4 KiB
// pages against NumPy buffers' 145-155 ms).
constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kHugeFrom = size_t{4} << 20;

void* allocate(size_t nbytes) {
  // nbytes never exceeds INT64_MAX (Tensor checks), so rounding up cannot wrap.
  const size_t rounded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded < kHugeFrom)
    return std::aligned_alloc(kAlignment, rounded == 0 ? kAlignment : rounded);
  // Only the whole huge pages inside the buffer become huge: the tail stays in small pages, so
  // the resident size is the tensor's, not rounded up to 2 MiB.
  void* data = nullptr;
  if (posix_memalign(&data, kHugePage, rounded) != 0) return nullptr;
#ifdef __linux__
  madvise(data, rounded / kHugePage * kHugePage, MADV_HUGEPAGE);  // advice: a refusal is harmless
#endif
  return data;
}

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

namespace {
std::atomic<int64_t> owned_allocations{0};
}  // namespace

int64_t owned_buffer_allocations() { return owned_allocations.load(std::memory_order_relaxed); }

Buffer::Buffer(size_t nbytes) : nbytes_(nbytes), borrowed_(false) {
  owned_allocations.fetch_add(1, std::memory_order_relaxed);
  data_ = allocate(nbytes);
  if (!data_) raise(ErrorCode::kResourceExhausted, "OOM when allocating ", nbytes, " bytes");
}

Buffer::Buffer(void* data, size_t nbytes, std::function<void()> release)
    : data_(data), nbytes_(nbytes), borrowed_(true), release_(std::move(release)) {}

std::shared_ptr<Buffer> Buffer::strings(int64_t count) {
  auto buffer = std::make_shared<Buffer>(static_cast<size_t>(count) * sizeof(std::string));
  auto* p = static_cast<std::string*>(buffer->data_);
  for (int64_t i = 0; i < count; ++i) new (p + i) std::string();  // noexcept
  buffer->strings_ = count;
  return buffer;
}

Buffer::~Buffer() {
  if (strings_ > 0) {
    auto* p = static_cast<std::string*>(data_);
    for (int64_t i = 0; i < strings_; ++i) p[i].~basic_string();
  }
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
    buffer_ = dtype_ == DType::kString ? Buffer::strings(num_elements_)
                                       : std::make_shared<Buffer>(static_cast<size_t>(bytes));
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
  if (dtype != DType::kString) std::memset(t.raw(), 0, t.nbytes());
  return t;
}

Tensor Tensor::borrow(DType dtype, Dims dims, void* data, std::function<void()> release) {
  check_dims(dims);
  VF_CHECK(dtype != DType::kString, ErrorCode::kInvalidArgument,
           "A string tensor cannot borrow memory: its elements are std::string objects");
  VF_CHECK(dtype_size(dtype) > 0, ErrorCode::kInvalidArgument,
           "Cannot borrow memory for a tensor of invalid dtype");
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
  t.copy_elements_from(*this, 0, 0, num_elements_);
  return t;
}

void Tensor::copy_elements_from(const Tensor& src, int64_t src_offset, int64_t dst_offset,
                                int64_t count) const {
  if (count <= 0) return;  // borrowed memory of an empty array may be null: memcpy must not see it
  if (dtype_ == DType::kString) {
    const std::string* from = src.data<std::string>() + src_offset;
    std::copy(from, from + count, data<std::string>() + dst_offset);
    return;
  }
  const size_t item = dtype_size(dtype_);
  std::memcpy(static_cast<char*>(raw()) + static_cast<size_t>(dst_offset) * item,
              static_cast<const char*>(src.raw()) + static_cast<size_t>(src_offset) * item,
              static_cast<size_t>(count) * item);
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
template <typename From, typename To>
void convert(const From* in, To* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = cast_detail::convert_one<To>(in[i]);
}
}  // namespace

Tensor Tensor::cast(DType dtype) const {
  if (dtype == dtype_) return deep_copy();
  Tensor out(dtype, dims_);
  cast_into(out);
  return out;
}

void Tensor::cast_into(Tensor& out) const {
  VF_CHECK(out.num_elements_ == num_elements_, ErrorCode::kInvalidArgument, "Cannot cast ",
           num_elements_, " elements into a tensor of ", out.num_elements_);
  if (out.dtype_ == dtype_) {
    out.copy_elements_from(*this, 0, 0, num_elements_);
    return;
  }
  if (dtype_ == DType::kString || out.dtype_ == DType::kString)
    raise(ErrorCode::kUnimplemented, "Cast ", dtype_tf_name(dtype_), " to ",
          dtype_tf_name(out.dtype_), " is not supported");
  visit_numeric_dtype(dtype_, [&](auto from) {
    using From = decltype(from);
    visit_numeric_dtype(out.dtype_, [&](auto to) {
      using To = decltype(to);
      convert(data<From>(), out.data<To>(), num_elements_);
    });
  });
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
  return visit_numeric_dtype(
      dtype_, [&](auto v) { return cast_detail::convert_one<double>(data<decltype(v)>()[0]); },
      "A scalar value");
}

int64_t Tensor::scalar_as_int() const {
  VF_CHECK(num_elements_ >= 1, ErrorCode::kInvalidArgument, "empty tensor has no scalar value");
  return visit_numeric_dtype(
      dtype_, [&](auto v) { return cast_detail::convert_one<int64_t>(data<decltype(v)>()[0]); },
      "A scalar value");
}

std::string Tensor::debug_string(int max_elements) const {
  if (!defined()) return "Tensor(undefined)";
  std::ostringstream out;
  out << "Tensor(" << dtype_name(dtype_) << ", " << dims_to_string(dims_) << ", [";
  visit_any_dtype(dtype_, [&](auto v) {
    using T = decltype(v);
    for (int64_t i = 0; i < num_elements_ && i < max_elements; ++i) {
      out << (i ? ", " : "");
      const T& e = data<T>()[i];
      if constexpr (std::is_same_v<T, std::string>)
        out << '"' << e << '"';
      else if constexpr (cast_detail::is_half_v<T>)
        out << static_cast<float>(e);
      else if constexpr (cast_detail::is_complex_t<T>::value)
        out << e;
      else
        out << +e;
    }
  });
  if (num_elements_ > max_elements) out << ", ...";
  out << "])";
  return out.str();
}

}  // namespace varflow
