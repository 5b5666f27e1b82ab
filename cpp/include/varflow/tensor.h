// Tensor: a dtype, concrete dimensions and a reference-counted, 64-byte aligned row-major
// buffer. Copies of a Tensor share the buffer. A string tensor's buffer holds constructed
// std::string objects (TF1's variable-length bytes): it is never memcpy'd, memset or borrowed.
#pragma once

#include <cstring>
#include <functional>
#include <memory>
#include <type_traits>
#include <vector>

#include "varflow/dtype.h"
#include "varflow/shape.h"

namespace varflow {

// Errors: every function below that can fail throws varflow::Error (errors.h) with the code
// named in its comment; nothing else escapes except std::bad_alloc from small bookkeeping
// allocations (a tensor's own buffer never leaks bad_alloc: it becomes kResourceExhausted).
// Thread-safety: a Tensor is a value type; const member functions may be called from any number
// of threads at once. Writing through data<T>() while another thread reads the same buffer is a
// data race, as it is for any shared memory: copies share the buffer (use deep_copy()).

class Buffer {
 public:
  // Owned, 64-byte aligned, uninitialised. kResourceExhausted if the memory is not available.
  explicit Buffer(size_t nbytes);
  // Borrows memory that somebody else owns; `release` runs when the buffer dies. Never throws.
  Buffer(void* data, size_t nbytes, std::function<void()> release);
  // Owned storage of `count` empty std::strings, destroyed with the buffer.
  // kResourceExhausted as for Buffer(nbytes).
  static std::shared_ptr<Buffer> strings(int64_t count);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  bool borrowed() const { return borrowed_; }
  // Set on buffers that a variable updates in place: a fetched value must be copied out.
  bool shared_state() const { return shared_state_; }
  void set_shared_state(bool v) { shared_state_ = v; }

 private:
  void* data_;
  size_t nbytes_;
  bool borrowed_;
  bool shared_state_ = false;
  int64_t strings_ = 0;  // std::string objects constructed at data_
  std::function<void()> release_;
};

class Tensor {
 public:
  Tensor() = default;  // undefined: no dtype, no buffer
  // Uninitialised contents (empty strings for kString). kInvalidArgument for an invalid
  // dtype, a negative dimension or an element count that overflows int64; kResourceExhausted ("OOM
  // when allocating tensor with shape ... and type ...: N bytes") when the bytes cannot be
  // allocated or exceed what the address space can hold.
  Tensor(DType dtype, Dims dims);
  static Tensor zeros(DType dtype, Dims dims);  // as Tensor(dtype, dims); strings are empty
  // Wraps `data` without copying; the caller guarantees it holds the whole tensor.
  // kInvalidArgument for a negative dimension, an element count that overflows, or kString
  // (foreign memory holds no std::string objects).
  static Tensor borrow(DType dtype, Dims dims, void* data, std::function<void()> release);
  template <typename T>
  static Tensor scalar(T value) {
    Tensor t(DTypeOf<T>::value, {});
    *t.data<T>() = value;
    return t;
  }
  // A copy of `values` in row-major order. kInvalidArgument when values.size() is not the
  // shape's element count; otherwise as Tensor(dtype, dims).
  template <typename T>
  static Tensor from_vector(const std::vector<T>& values, Dims dims) {
    Tensor t(DTypeOf<T>::value, std::move(dims));
    check_value_count(static_cast<int64_t>(values.size()), t);
    if constexpr (std::is_same_v<T, bool> || !std::is_trivially_copyable_v<T>) {
      // vector<bool> is packed (no data()); std::strings are objects, not bytes.
      for (size_t i = 0; i < values.size(); ++i) t.data<T>()[i] = values[i];
    } else if (!values.empty()) {
      std::memcpy(t.raw(), values.data(), values.size() * sizeof(T));
    }
    return t;
  }

  bool defined() const { return buffer_ != nullptr; }
  DType dtype() const { return dtype_; }
  const Dims& dims() const { return dims_; }
  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t dim(int i) const { return dims_[static_cast<size_t>(i)]; }  // i in [0, rank): unchecked
  int64_t num_elements() const { return num_elements_; }
  size_t nbytes() const { return static_cast<size_t>(num_elements_) * dtype_size(dtype_); }
  void* raw() const { return buffer_ ? buffer_->data() : nullptr; }
  // The elements as T; T must be the C++ type of dtype() (unchecked).
  template <typename T>
  T* data() const {
    return static_cast<T*>(raw());
  }
  const std::shared_ptr<Buffer>& buffer() const { return buffer_; }
  // True when nobody else holds the buffer, so a kernel may overwrite it. A holder on another
  // thread may have read the data just before dropping its reference; use_count() is only a
  // relaxed load, which orders nothing, so the answer is confirmed by copying the pointer: that
  // atomic increment synchronizes with the other holder's release, and the caller's writes
  // happen after its reads (found by ThreadSanitizer on fetched outputs reused by a later run).
  bool exclusively_owned() const {
    if (!buffer_ || buffer_.use_count() != 1) return false;
    const std::shared_ptr<Buffer> probe = buffer_;
    return probe.use_count() == 2;
  }

  // An owned copy (undefined stays undefined). kResourceExhausted as for Tensor(dtype, dims).
  Tensor deep_copy() const;
  // Same buffer, other dimensions. kInvalidArgument if the element count differs or a
  // dimension is negative.
  Tensor reshaped(Dims dims) const;
  // Converts element-wise to another dtype (a copy), with TF1's CPU rules (tensor_cast.h):
  // float to integer truncates toward zero; a float that is NaN or outside the integer type's
  // range becomes int32/int64's minimum (what x86 and TF1 give) and narrower integers take
  // the low bits of that int32 conversion; complex to real keeps the real part; to bool is
  // "!= 0". kUnimplemented for a string on either side ("Cast string to float is not
  // supported", as TF1); kResourceExhausted as for Tensor(dtype, dims).
  Tensor cast(DType dtype) const;
  // As cast(out.dtype()), into `out`, which must hold as many elements (kInvalidArgument
  // otherwise) and not overlap this tensor unless its element size is the same: no allocation,
  // for a kernel writing the output buffer its plan keeps between runs.
  void cast_into(Tensor& out) const;
  // The first element, converted (a complex number's real part); kInvalidArgument for an
  // empty tensor or a string.
  double scalar_as_double() const;
  int64_t scalar_as_int() const;
  // The elements of an integer vector (a shape, axes) as Dims, without allocating.
  // kInvalidArgument for a dtype other than int32/int64.
  Dims as_dims() const;
  std::string debug_string(int max_elements = 8) const;  // never throws Error

  // Copies `count` elements from src (starting at element src_offset) to this tensor (at
  // dst_offset): memcpy for fixed-size types, assignment for strings. Unchecked: the dtypes
  // match and the ranges lie inside both tensors.
  void copy_elements_from(const Tensor& src, int64_t src_offset, int64_t dst_offset,
                          int64_t count) const;

 private:
  // kInvalidArgument unless `count` equals t's element count.
  static void check_value_count(int64_t count, const Tensor& t);

  DType dtype_ = DType::kInvalid;
  Dims dims_;
  int64_t num_elements_ = 0;
  std::shared_ptr<Buffer> buffer_;
};

}  // namespace varflow
