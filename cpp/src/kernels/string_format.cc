#include "kernels/string_format.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <type_traits>

#include "varflow/errors.h"

namespace varflow::kernels {

namespace {

template <typename T>
struct is_complex_t : std::false_type {};
template <typename T>
struct is_complex_t<std::complex<T>> : std::true_type {};

template <typename... Args>
std::string printf_string(const char* format, Args... args) {
  // The format is built by as_string_format from a fixed set of pieces, never from user text.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  const int n = std::snprintf(nullptr, 0, format, args...);
  if (n < 0) raise(ErrorCode::kInvalidArgument, "Cannot format a value with '", format, "'");
  std::string out(static_cast<size_t>(n), '\0');
  std::snprintf(out.data(), out.size() + 1, format, args...);
#pragma GCC diagnostic pop
  return out;
}

// TF's FloatToBuffer / DoubleToBuffer: the shorter of two precisions that reads back equal.
std::string shortest_float(double v, bool is_double) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const int digits = is_double ? 15 : 6;
  std::string s = printf_string("%.*g", digits, v);
  const bool round_trips = is_double ? std::strtod(s.c_str(), nullptr) == v
                                     : std::strtof(s.c_str(), nullptr) == static_cast<float>(v);
  return round_trips ? s : printf_string("%.*g", digits + (is_double ? 2 : 3), v);
}

// absl::Utf8SafeCEscape: C escapes for quotes, backslash and control bytes; UTF-8 kept.
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
          out += printf_string("\\%03o", static_cast<unsigned>(c));
        } else {
          out += ch;
        }
    }
  }
}

// The two layouts of TF's Tensor::SummarizeValue: v1 (Assert, tf.Print) prints strings bare and
// complex numbers as "?" (PrintOneElement has no complex overload there); v2 (print_v2,
// StringFormat) quotes strings and prints complex numbers as "(re,im)".
enum class Layout { kV1, kV2 };

template <Layout L, typename T>
void append_element(const T& v, std::string& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    if constexpr (L == Layout::kV2) out += '"';
    append_escaped(v, out);
    if constexpr (L == Layout::kV2) out += '"';
  } else if constexpr (std::is_same_v<T, bool>) {
    out += v ? "1" : "0";
  } else if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
    out += shortest_float(static_cast<float>(v), false);
  } else if constexpr (is_complex_t<T>::value) {
    if constexpr (L == Layout::kV1) {
      out += '?';
    } else {
      using R = typename T::value_type;
      constexpr bool d = std::is_same_v<R, double>;
      out += "(" + shortest_float(v.real(), d) + "," + shortest_float(v.imag(), d) + ")";
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    out += shortest_float(v, std::is_same_v<T, double>);
  } else {
    out += std::to_string(v);
  }
}

// tensorflow/core/framework/tensor.cc PrintOneDim: the first `limit` elements in row-major
// order, "..." where a row was cut off.
template <typename T>
void print_dim_v1(size_t dim, const Dims& dims, int64_t limit, const T* data, int64_t& index,
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
      append_element<Layout::kV1>(data[index++], out);
    }
    return;
  }
  for (int64_t i = 0; i < count; ++i) {
    bool opened = false;
    if (index < limit) {
      out += '[';
      opened = true;
    }
    print_dim_v1(dim + 1, dims, limit, data, index, out);
    if (index < limit || opened) out += ']';
  }
}

// tensorflow/core/framework/tensor.cc PrintDimSpacing / PrintOneDimV2.
void dim_spacing(int dim, int rank, std::string& out) {
  if (dim == rank - 1) {
    out += ' ';
    return;
  }
  out.append(static_cast<size_t>(rank - dim - 1), '\n');
  out.append(static_cast<size_t>(dim + 1), ' ');
}

template <typename T>
void print_dim_v2(int dim, const Dims& dims, int64_t ends, const T* data, int64_t index,
                  std::string& out) {
  const int rank = static_cast<int>(dims.size());
  if (dim == rank) {
    append_element<Layout::kV2>(data[index], out);
    return;
  }
  out += '[';
  const int64_t count = dims[static_cast<size_t>(dim)];
  const int64_t start_of_end = std::max(ends, count - ends);
  int64_t stride = 1;
  for (int i = dim + 1; i < rank; ++i) stride *= dims[static_cast<size_t>(i)];
  for (int64_t i = 0; i < ends && i < count; ++i) {
    if (i > 0) dim_spacing(dim, rank, out);
    print_dim_v2(dim + 1, dims, ends, data, index + stride * i, out);
  }
  if (count > 2 * ends) {
    dim_spacing(dim, rank, out);
    out += "...";
  }
  for (int64_t i = start_of_end; i < count; ++i) {
    dim_spacing(dim, rank, out);
    print_dim_v2(dim + 1, dims, ends, data, index + stride * i, out);
  }
  out += ']';
}

bool all_space(const char* p) {
  while (*p == ' ' || (*p >= '\t' && *p <= '\r')) ++p;
  return *p == '\0';
}

template <typename T>
bool parse_number(const std::string& s, T& out) {
  if (s.empty() || s.find('\0') != std::string::npos) return false;
  const char* begin = s.c_str();
  char* end = nullptr;
  errno = 0;
  if constexpr (std::is_floating_point_v<T>) {
    // strtod skips leading spaces itself; an empty or space-only string converts nothing.
    out = std::is_same_v<T, float> ? std::strtof(begin, &end) : std::strtod(begin, &end);
    return end != begin && all_space(end);
  } else {
    const long long v = std::strtoll(begin, &end, 10);
    if (end == begin || !all_space(end) || errno == ERANGE) return false;
    if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) return false;
    out = static_cast<T>(v);
    return true;
  }
}

}  // namespace

std::string as_string_format(DType dtype, const AsStringOptions& o) {
  if (o.scientific && o.shortest)
    raise(ErrorCode::kInvalidArgument, "Cannot select both scientific and shortest notation");
  if (o.fill.size() > 1)
    raise(ErrorCode::kInvalidArgument, "Fill string must be one or fewer characters");
  const bool floating = is_any_floating(dtype) || is_complex(dtype);
  if (o.precision > -1 && !floating)
    raise(ErrorCode::kInvalidArgument, "precision not supported for datatype ",
          dtype_tf_name(dtype));
  if (dtype == DType::kBool || dtype == DType::kString) return "";
  std::string format = "%";
  if (!o.fill.empty()) {
    const char f = o.fill[0];
    if (f != ' ' && f != '+' && f != '-' && f != '0' && f != '#')
      raise(ErrorCode::kInvalidArgument, "Fill argument not supported: \"", o.fill, "\"");
    format += f;
  }
  if (o.width > -1) format += std::to_string(o.width);
  if (o.precision > -1) format += "." + std::to_string(o.precision);
  if (floating) {
    format += o.shortest ? "g" : o.scientific ? "e" : "f";
  } else if (dtype == DType::kInt64) {
    format += "lld";
  } else if (dtype == DType::kUInt64) {
    format += "llu";
  } else if (is_unsigned(dtype)) {
    format += "u";
  } else if (is_any_integer(dtype)) {
    format += "d";
  } else {
    raise(ErrorCode::kInvalidArgument, "Type not supported: ", dtype_tf_name(dtype));
  }
  if (is_complex(dtype)) format = "(" + format + "," + format + ")";
  return format;
}

void as_string(const Tensor& x, const std::string& format, Tensor& out) {
  std::string* dst = out.data<std::string>();
  const int64_t n = x.num_elements();
  const char* f = format.c_str();
  visit_any_dtype(
      x.dtype(),
      [&](auto tag) {
        using T = decltype(tag);
        const T* src = x.data<T>();
        for (int64_t i = 0; i < n; ++i) {
          const T& v = src[i];
          if constexpr (std::is_same_v<T, std::string>) {
            dst[i] = v;
          } else if constexpr (std::is_same_v<T, bool>) {
            dst[i] = v ? "true" : "false";
          } else if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
            dst[i] = printf_string(f, static_cast<double>(static_cast<float>(v)));
          } else if constexpr (is_complex_t<T>::value) {
            dst[i] = printf_string(f, static_cast<double>(v.real()), static_cast<double>(v.imag()));
          } else if constexpr (std::is_floating_point_v<T>) {
            dst[i] = printf_string(f, static_cast<double>(v));
          } else if constexpr (std::is_same_v<T, int64_t>) {
            dst[i] = printf_string(f, static_cast<long long>(v));
          } else if constexpr (std::is_same_v<T, uint64_t>) {
            dst[i] = printf_string(f, static_cast<unsigned long long>(v));
          } else if constexpr (std::is_unsigned_v<T>) {
            dst[i] = printf_string(f, static_cast<unsigned>(v));
          } else {
            dst[i] = printf_string(f, static_cast<int>(v));
          }
        }
      },
      "AsString");
}

std::string summarize(const Tensor& t, int64_t summarize) {
  const int64_t n = t.num_elements();
  const int64_t limit = summarize < 0 ? n : std::min(summarize, n);
  std::string out;
  visit_any_dtype(
      t.dtype(),
      [&](auto tag) {
        using T = decltype(tag);
        const T* data = t.data<T>();
        if (t.rank() == 0) {
          if (limit > 0) append_element<Layout::kV2>(data[0], out);
          return;
        }
        print_dim_v2(0, t.dims(), limit, data, 0, out);
      },
      "StringFormat");
  return out;
}

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
            append_element<Layout::kV1>(data[i], out);
          }
        } else {
          int64_t index = 0;
          print_dim_v1(0, t.dims(), limit, data, index, out);
        }
        if (n > limit) out += "...";
      },
      "Assert");
  return out;
}

void string_to_number(const Tensor& in, Tensor& out) {
  const std::string* src = in.data<std::string>();
  const int64_t n = in.num_elements();
  visit_dtype(
      out.dtype(),
      [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_same_v<T, bool>) {
          raise_unsupported_dtype(out.dtype(), "StringToNumber");
        } else {
          T* dst = out.data<T>();
          for (int64_t i = 0; i < n; ++i)
            if (!parse_number(src[i], dst[i]))
              raise(ErrorCode::kInvalidArgument,
                    "StringToNumberOp could not correctly convert string: ", src[i]);
        }
      },
      "StringToNumber");
}

}  // namespace varflow::kernels
