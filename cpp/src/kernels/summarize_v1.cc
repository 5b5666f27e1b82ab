#include "kernels/summarize_v1.h"

#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

namespace varflow::kernels {

namespace {

template <typename T>
struct is_complex_t : std::false_type {};
template <typename T>
struct is_complex_t<std::complex<T>> : std::true_type {};

// TF's FloatToBuffer / DoubleToBuffer (strings::StrCat of a float): the shorter of two
// precisions that reads back equal.
std::string shortest_float(double v, bool is_double) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const int digits = is_double ? 15 : 6;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  const bool round_trips = is_double ? std::strtod(buf, nullptr) == v
                                     : std::strtof(buf, nullptr) == static_cast<float>(v);
  if (!round_trips) std::snprintf(buf, sizeof buf, "%.*g", digits + (is_double ? 2 : 3), v);
  return buf;
}

// absl::Utf8SafeCEscape.
void append_escaped(const std::string& s, std::string& out) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\'':
        out += "\\'";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += ch;
        }
    }
  }
}

template <typename T>
void append_element(const T& v, std::string& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    append_escaped(v, out);
  } else if constexpr (std::is_same_v<T, bool>) {
    out += v ? "1" : "0";
  } else if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
    out += shortest_float(static_cast<float>(v), false);
  } else if constexpr (is_complex_t<T>::value) {
    out += '?';  // TF's PrintOneElement has no complex overload in the v1 format
  } else if constexpr (std::is_floating_point_v<T>) {
    out += shortest_float(v, std::is_same_v<T, double>);
  } else {
    out += std::to_string(v);
  }
}

// tensorflow/core/framework/tensor.cc PrintOneDim.
template <typename T>
void print_dim(size_t dim, const Dims& dims, int64_t limit, const T* data, int64_t& index,
               std::string& out) {
  if (index >= limit) return;
  const int64_t count = dims[dim];
  if (dim == dims.size() - 1) {
    for (int64_t i = 0; i < count; ++i) {
      if (index >= limit) {
        if (dim != 0) out += "...";
        return;
      }
      if (i > 0) out += ' ';
      append_element(data[index++], out);
    }
    return;
  }
  for (int64_t i = 0; i < count; ++i) {
    bool opened = false;
    if (index < limit) {
      out += '[';
      opened = true;
    }
    print_dim(dim + 1, dims, limit, data, index, out);
    if (index < limit || opened) out += ']';
  }
}

}  // namespace

std::string summarize_v1(const Tensor& t, int64_t max_entries) {
  const int64_t n = t.num_elements();
  const int64_t limit = max_entries < 0 ? n : std::min(max_entries, n);
  std::string out;
  visit_any_dtype(
      t.dtype(),
      [&](auto tag) {
        using T = decltype(tag);
        const T* data = t.data<T>();
        if (t.rank() == 0) {
          for (int64_t i = 0; i < limit; ++i) {
            if (i > 0) out += ' ';
            append_element(data[i], out);
          }
        } else {
          int64_t index = 0;
          print_dim(0, t.dims(), limit, data, index, out);
        }
        if (n > limit) out += "...";
      },
      "Assert");
  return out;
}

}  // namespace varflow::kernels
