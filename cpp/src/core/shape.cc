#include "varflow/shape.h"

#include <sstream>

#include "varflow/errors.h"

namespace varflow {

Shape Shape::unknown_rank() {
  Shape s;
  s.known_rank_ = false;
  return s;
}

bool Shape::fully_defined() const {
  if (!known_rank_) return false;
  for (int64_t d : dims_)
    if (d < 0) return false;
  return true;
}

int64_t Shape::num_elements() const { return fully_defined() ? varflow::num_elements(dims_) : -1; }

bool Shape::accepts(const Dims& dims) const {
  if (!known_rank_) return true;
  if (dims.size() != dims_.size()) return false;
  for (size_t i = 0; i < dims.size(); ++i)
    if (dims_[i] >= 0 && dims_[i] != dims[i]) return false;
  return true;
}

bool Shape::compatible_with(const Shape& other) const {
  if (!known_rank_ || !other.known_rank_) return true;
  if (dims_.size() != other.dims_.size()) return false;
  for (size_t i = 0; i < dims_.size(); ++i)
    if (dims_[i] >= 0 && other.dims_[i] >= 0 && dims_[i] != other.dims_[i]) return false;
  return true;
}

Shape Shape::merge_with(const Shape& other) const {
  if (!known_rank_) return other;
  if (!other.known_rank_) return *this;
  Shape merged = *this;
  for (size_t i = 0; i < dims_.size() && i < other.dims_.size(); ++i)
    if (merged.dims_[i] < 0) merged.dims_[i] = other.dims_[i];
  return merged;
}

static std::string join_dims(const Dims& dims, const char* sep, const char* unknown) {
  std::ostringstream out;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) out << sep;
    if (dims[i] < 0)
      out << unknown;
    else
      out << dims[i];
  }
  return out.str();
}

std::string Shape::to_string() const {
  if (!known_rank_) return "<unknown>";
  if (dims_.size() == 1) return "(" + join_dims(dims_, ", ", "?") + ",)";
  return "(" + join_dims(dims_, ", ", "?") + ")";
}

std::string Shape::to_tf_string() const {
  if (!known_rank_) return "<unknown>";
  return "[" + join_dims(dims_, ",", "?") + "]";
}

int64_t num_elements(const Dims& dims) {
  int64_t n = 1;
  bool overflow = false;
  for (int64_t d : dims) {
    if (d == 0) return 0;  // an empty tensor, however large its other dimensions
    overflow |= __builtin_mul_overflow(n, d, &n);
  }
  if (overflow)
    raise(ErrorCode::kInvalidArgument, "Shape ", dims_to_string(dims),
          " has more elements than fit in a 64-bit count (the product of its dimensions "
          "overflows int64)");
  return n;
}

std::optional<int64_t> normalize_axis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

std::string dims_to_string(const Dims& dims) { return Shape(dims).to_string(); }

}  // namespace varflow
