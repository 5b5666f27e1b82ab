#include "data/element.h"

#include <cstring>

#include "varflow/errors.h"

namespace varflow::data {

namespace {
// A string tensor's buffer holds std::string objects (tensor.h), which are assigned.
bool holds_strings(DType dtype) {
  return dtype_size(dtype) == sizeof(std::string) && std::strcmp(dtype_name(dtype), "string") == 0;
}
}  // namespace

void copy_elements(const Tensor& src, int64_t src_offset, Tensor& dst, int64_t dst_offset,
                   int64_t count) {
  if (count <= 0) return;
  if (holds_strings(src.dtype())) {
    const std::string* from = static_cast<const std::string*>(src.raw()) + src_offset;
    std::string* to = static_cast<std::string*>(dst.raw()) + dst_offset;
    for (int64_t i = 0; i < count; ++i) to[i] = from[i];
    return;
  }
  const size_t size = dtype_size(src.dtype());
  std::memcpy(static_cast<char*>(dst.raw()) + static_cast<size_t>(dst_offset) * size,
              static_cast<const char*>(src.raw()) + static_cast<size_t>(src_offset) * size,
              static_cast<size_t>(count) * size);
}

void fill_with(Tensor& dst, const Tensor& value) {
  for (int64_t i = 0; i < dst.num_elements(); ++i) copy_elements(value, 0, dst, i, 1);
}

Tensor row_of(const Tensor& t, int64_t index) {
  Dims dims(t.dims().begin() + 1, t.dims().end());
  Tensor row(t.dtype(), dims);
  const int64_t n = row.num_elements();
  copy_elements(t, index * n, row, 0, n);
  return row;
}

void copy_into_corner(const Tensor& src, Tensor& dst, int64_t index) {
  const int rank = src.rank();
  const int64_t dst_item = dst.dim(0) > 0 ? dst.num_elements() / dst.dim(0) : 0;
  if (rank == 0) {
    copy_elements(src, 0, dst, index * dst_item, 1);
    return;
  }
  if (src.num_elements() == 0) return;
  // Strides of dst's item (without the batch dimension).
  std::vector<int64_t> stride(static_cast<size_t>(rank), 1);
  for (int d = rank - 2; d >= 0; --d)
    stride[static_cast<size_t>(d)] = stride[static_cast<size_t>(d + 1)] * dst.dim(d + 2);
  const int64_t run = src.dim(rank - 1);
  std::vector<int64_t> pos(static_cast<size_t>(rank), 0);
  int64_t src_offset = 0;
  while (true) {
    int64_t dst_offset = index * dst_item;
    for (int d = 0; d < rank - 1; ++d)
      dst_offset += pos[static_cast<size_t>(d)] * stride[static_cast<size_t>(d)];
    copy_elements(src, src_offset, dst, dst_offset, run);
    src_offset += run;
    int d = rank - 2;
    for (; d >= 0; --d) {
      if (++pos[static_cast<size_t>(d)] < src.dim(d)) break;
      pos[static_cast<size_t>(d)] = 0;
    }
    if (d < 0) break;
  }
}

std::string dims_tf(const Dims& dims) {
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(dims[i]);
  }
  return out + "]";
}

int64_t scalar_int(const Tensor& t, const std::string& what) {
  VF_CHECK(t.defined() && t.num_elements() == 1 && is_integer(t.dtype()),
           ErrorCode::kInvalidArgument, what, " must be a scalar integer, got ",
           t.defined() ? dtype_name(t.dtype()) : "nothing", " of shape ",
           t.defined() ? dims_tf(t.dims()) : "?");
  return t.scalar_as_int();
}

bool scalar_bool(const Tensor& t, const std::string& what) {
  VF_CHECK(t.defined() && t.num_elements() == 1 && t.dtype() == DType::kBool,
           ErrorCode::kInvalidArgument, what, " must be a scalar bool");
  return *t.data<bool>();
}

}  // namespace varflow::data
