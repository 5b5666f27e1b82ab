// Shapes. A graph-time Shape may have unknown dimensions (-1) or an unknown rank; a Tensor's
// dimensions are always known.
// Errors: only num_elements() (of Dims or of a fully defined Shape) throws: kInvalidArgument
// when the element count overflows int64. Indices (Dims::operator[], Shape::dim) are not checked.
// Thread-safety: Dims and Shape are plain values with no shared state: a const one may be read
// from any number of threads at once; one being modified must not be used by another thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace varflow {

// Dimensions of a tensor: a small vector that keeps up to kInline dimensions in place, so that
// copying a Tensor (every Identity, variable read, reshape) does not allocate.
class Dims {
 public:
  static constexpr size_t kInline = 6;
  using value_type = int64_t;
  using iterator = int64_t*;
  using const_iterator = const int64_t*;

  Dims() = default;
  explicit Dims(size_t n, int64_t value = 0) { assign(n, value); }
  Dims(std::initializer_list<int64_t> values) { assign(values.begin(), values.end()); }
  template <typename It, typename = decltype(*std::declval<It>())>
  Dims(It first, It last) {
    assign(first, last);
  }
  Dims(const std::vector<int64_t>& v) { assign(v.begin(), v.end()); }  // NOLINT: implicit
  Dims(const Dims& o) { assign(o.begin(), o.end()); }
  Dims(Dims&& o) noexcept { take(std::move(o)); }
  Dims& operator=(const Dims& o) {
    if (this != &o) assign(o.begin(), o.end());
    return *this;
  }
  Dims& operator=(Dims&& o) noexcept {
    if (this != &o) take(std::move(o));
    return *this;
  }
  operator std::vector<int64_t>() const { return std::vector<int64_t>(begin(), end()); }  // NOLINT

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t* data() { return heap_.empty() ? inline_ : heap_.data(); }
  const int64_t* data() const { return heap_.empty() ? inline_ : heap_.data(); }
  int64_t* begin() { return data(); }
  int64_t* end() { return data() + size_; }
  const int64_t* begin() const { return data(); }
  const int64_t* end() const { return data() + size_; }
  int64_t& operator[](size_t i) { return data()[i]; }
  const int64_t& operator[](size_t i) const { return data()[i]; }
  int64_t& back() { return data()[size_ - 1]; }
  const int64_t& back() const { return data()[size_ - 1]; }
  int64_t& front() { return data()[0]; }
  const int64_t& front() const { return data()[0]; }

  void push_back(int64_t v) {
    reserve(size_ + 1);
    data()[size_++] = v;
  }
  void emplace_back(int64_t v) { push_back(v); }
  void pop_back() { --size_; }
  void clear() { size_ = 0; }
  void resize(size_t n, int64_t value = 0) {
    reserve(n);
    for (size_t i = size_; i < n; ++i) data()[i] = value;
    size_ = n;
  }
  void reserve(size_t n) {
    if (n <= capacity()) return;
    std::vector<int64_t> grown(std::max(n, 2 * capacity()));
    std::copy(begin(), end(), grown.begin());
    heap_ = std::move(grown);
  }
  void assign(size_t n, int64_t value) {
    size_ = 0;
    resize(n, value);
  }
  template <typename It>
  void assign(It first, It last) {
    size_ = 0;
    for (; first != last; ++first) push_back(static_cast<int64_t>(*first));
  }
  int64_t* insert(const int64_t* pos, int64_t value) {
    const size_t at = static_cast<size_t>(pos - begin());
    push_back(0);
    std::copy_backward(begin() + at, end() - 1, end());
    data()[at] = value;
    return begin() + at;
  }
  template <typename It, typename = decltype(*std::declval<It>())>
  int64_t* insert(const int64_t* pos, It first, It last) {
    const size_t at = static_cast<size_t>(pos - begin());
    Dims tail(begin() + at, end());
    size_ = at;
    for (; first != last; ++first) push_back(static_cast<int64_t>(*first));
    for (int64_t v : tail) push_back(v);
    return begin() + at;
  }
  int64_t* insert(const int64_t* pos, size_t count, int64_t value) {
    const size_t at = static_cast<size_t>(pos - begin());
    for (size_t i = 0; i < count; ++i) insert(begin() + at, value);
    return begin() + at;
  }
  int64_t* erase(const int64_t* pos) { return erase(pos, pos + 1); }
  int64_t* erase(const int64_t* first, const int64_t* last) {
    const size_t at = static_cast<size_t>(first - begin());
    const size_t n = static_cast<size_t>(last - first);
    std::copy(begin() + at + n, end(), begin() + at);
    size_ -= n;
    return begin() + at;
  }

  bool operator==(const Dims& o) const {
    if (size_ != o.size_) return false;
    for (size_t i = 0; i < size_; ++i)  // a plain loop: std::equal becomes a memcmp call
      if (data()[i] != o.data()[i]) return false;
    return true;
  }
  bool operator!=(const Dims& o) const { return !(*this == o); }

 private:
  size_t capacity() const { return heap_.empty() ? kInline : heap_.size(); }
  void take(Dims&& o) {
    size_ = o.size_;
    heap_ = std::move(o.heap_);
    if (heap_.empty()) std::copy(o.inline_, o.inline_ + size_, inline_);
    o.size_ = 0;
  }

  int64_t inline_[kInline] = {};
  std::vector<int64_t> heap_;  // used once there are more than kInline dimensions
  size_t size_ = 0;
};

constexpr int64_t kUnknownDim = -1;

// A static shape: an unknown rank, or a rank with each dimension known (>= 0) or kUnknownDim.
class Shape {
 public:
  Shape() = default;  // a scalar
  Shape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit Shape(Dims dims) : dims_(std::move(dims)) {}
  static Shape unknown_rank();

  // rank(), dim(i) and dims() mean something only with has_rank(): an unknown rank reads as
  // rank 0. dim(i) does not check i.
  bool has_rank() const { return known_rank_; }
  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t dim(int i) const { return dims_[static_cast<size_t>(i)]; }
  const Dims& dims() const { return dims_; }
  // Known rank and every dimension known.
  bool fully_defined() const;
  int64_t num_elements() const;  // -1 if not fully defined
  // True if a tensor with concrete dimensions `dims` fits this shape.
  bool accepts(const Dims& dims) const;
  // False only when both ranks are known and differ, or a dimension known in both differs.
  bool compatible_with(const Shape& other) const;
  // This shape with its unknown rank or dimensions taken from `other`; for compatible shapes
  // (not checked).
  Shape merge_with(const Shape& other) const;

  std::string to_string() const;     // Python tuple style: "(?, 3)", "()", "<unknown>"
  std::string to_tf_string() const;  // TF's proto style: "[?,3]", "<unknown>"
  bool operator==(const Shape& other) const {
    return known_rank_ == other.known_rank_ && dims_ == other.dims_;
  }
  bool operator!=(const Shape& other) const { return !(*this == other); }

 private:
  Dims dims_;
  bool known_rank_ = true;
};

// The product of `dims` (all known, non-negative). Raises InvalidArgument when it overflows
// int64, naming the shape; a shape with a zero dimension has 0 elements.
int64_t num_elements(const Dims& dims);
// `axis` in [-rank, rank) mapped to [0, rank); nullopt when out of range. Every op that takes
// an axis checks it through this one function and words its own TF1 error message.
std::optional<int64_t> normalize_axis(int64_t axis, int64_t rank);
std::string dims_to_string(const Dims& dims);  // "(2, 3)"

}  // namespace varflow
