// Node attributes: a small typed map (dtype, shape, ints, floats, strings, tensors).
#pragma once

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "varflow/errors.h"
#include "varflow/shape.h"
#include "varflow/tensor.h"

namespace varflow {

using AttrValue = std::variant<bool, int64_t, double, std::string, DType, Shape,
                               std::vector<int64_t>, std::vector<double>, Tensor>;

// Errors: get() throws kInvalidArgument for a missing key or a value of another type;
// get_or() never throws. Thread-safety: const access from many threads is safe; a node's
// attributes never change after Graph::add_node.
class AttrMap {
 public:
  AttrMap() = default;
  AttrMap(std::initializer_list<std::pair<const std::string, AttrValue>> init) : values_(init) {}

  bool has(const std::string& key) const { return values_.count(key) != 0; }
  void set(const std::string& key, AttrValue value) { values_[key] = std::move(value); }
  const std::map<std::string, AttrValue>& items() const { return values_; }

  template <typename T>
  const T& get(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) raise(ErrorCode::kInvalidArgument, "missing attribute '", key, "'");
    const T* value = std::get_if<T>(&it->second);
    if (!value) raise(ErrorCode::kInvalidArgument, "attribute '", key, "' has the wrong type");
    return *value;
  }
  template <typename T>
  T get_or(const std::string& key, T fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    const T* value = std::get_if<T>(&it->second);
    return value ? *value : fallback;
  }

 private:
  std::map<std::string, AttrValue> values_;
};

}  // namespace varflow
