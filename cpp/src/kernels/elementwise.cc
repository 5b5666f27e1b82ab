#include "kernels/elementwise.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/extended_binary.h"
#include "varflow/errors.h"

namespace varflow::kernels {

namespace {
constexpr int64_t kGrain = 32768;  // elements per task before threading pays off

const char* const kBinaryNames[] = {
#define VF_NAME(name, dtypes, expr) #name,
    VF_BINARY_OPS(VF_NAME)};
const char* const kUnaryNames[] = {VF_UNARY_OPS(VF_NAME)};
#undef VF_NAME
const char* const kBinaryKinds[] = {
#define VF_KIND(name, dtypes, expr) #dtypes,
    VF_BINARY_OPS(VF_KIND)};
const char* const kUnaryKinds[] = {VF_UNARY_OPS(VF_KIND)};
#undef VF_KIND
}  // namespace

const ElementwiseTable* elementwise_table(Isa isa) {
  switch (isa) {
    case Isa::kBaseline:
      return &baseline::elementwise_table();
#ifdef VARFLOW_HAVE_AVX2
    case Isa::kAvx2:
      return &avx2::elementwise_table();
#endif
#ifdef VARFLOW_HAVE_AVX512
    case Isa::kAvx512:
      return &avx512::elementwise_table();
#endif
    default:
      return nullptr;
  }
}

const ElementwiseTable& elementwise_table() {
  static const ElementwiseTable& table = select_table<ElementwiseTable>(&elementwise_table);
  return table;
}

const char* binary_op_name(BinaryOp op) { return kBinaryNames[static_cast<int>(op)]; }
const char* unary_op_name(UnaryOp op) { return kUnaryNames[static_cast<int>(op)]; }

DType binary_result_dtype(BinaryOp op, DType input) {
  std::string kind = kBinaryKinds[static_cast<int>(op)];
  return (kind == "Compare" || kind == "Equality") ? DType::kBool : input;
}

DType unary_result_dtype(UnaryOp op, DType input) {
  return std::string(kUnaryKinds[static_cast<int>(op)]) == "FloatPredicate" ? DType::kBool : input;
}

// The tables cover the classic dtypes only (kNumDTypes): any other one has no loop.
bool binary_supports(BinaryOp op, DType dtype) {
  if (!is_classic(dtype)) return extended_binary_supports(op, dtype);
  return elementwise_table().binary[static_cast<int>(op)][static_cast<int>(dtype)] != nullptr;
}

bool unary_supports(UnaryOp op, DType dtype) {
  if (!is_classic(dtype)) return extended_unary_supports(op, dtype);
  return elementwise_table().unary[static_cast<int>(op)][static_cast<int>(dtype)] != nullptr;
}

Dims broadcast_dims(const Dims& a, const Dims& b) {
  size_t rank = std::max(a.size(), b.size());
  Dims out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == db || db == 1) {
      out[i] = da;
    } else if (da == 1) {
      out[i] = db;
    } else {
      raise(ErrorCode::kInvalidArgument, "Incompatible shapes: ", dims_to_string(a), " vs. ",
            dims_to_string(b));
    }
  }
  return out;
}

namespace {

// Output dims with each input's strides (0 where broadcast), adjacent dims merged where
// both inputs agree, so the innermost run is as long as possible.
struct BroadcastPlan {
  Dims dims;
  Dims a_strides;
  Dims b_strides;
};

BroadcastPlan plan_broadcast(const Dims& a, const Dims& b, const Dims& out) {
  size_t rank = out.size();
  Dims a_full(rank, 1), b_full(rank, 1);
  std::copy(a.begin(), a.end(), a_full.begin() + static_cast<long>(rank - a.size()));
  std::copy(b.begin(), b.end(), b_full.begin() + static_cast<long>(rank - b.size()));
  BroadcastPlan p;
  for (size_t i = 0; i < rank; ++i) {
    if (out[i] == 1) continue;
    bool a_bc = a_full[i] == 1, b_bc = b_full[i] == 1;
    if (!p.dims.empty() && (p.a_strides.back() == 0) == a_bc && (p.b_strides.back() == 0) == b_bc) {
      p.dims.back() *= out[i];
      p.a_strides.back() = a_bc ? 0 : 1;  // fixed up below
      p.b_strides.back() = b_bc ? 0 : 1;
    } else {
      p.dims.push_back(out[i]);
      p.a_strides.push_back(a_bc ? 0 : 1);
      p.b_strides.push_back(b_bc ? 0 : 1);
    }
  }
  // Turn 0/1 flags into element strides (row-major over the merged dims).
  int64_t sa = 1, sb = 1;
  for (size_t i = p.dims.size(); i-- > 0;) {
    bool a_used = p.a_strides[i] != 0, b_used = p.b_strides[i] != 0;
    p.a_strides[i] = a_used ? sa : 0;
    p.b_strides[i] = b_used ? sb : 0;
    if (a_used) sa *= p.dims[i];
    if (b_used) sb *= p.dims[i];
  }
  return p;
}

template <typename T, typename Pred>
bool any_of(const Tensor& t, Pred pred) {
  const T* d = t.data<T>();
  for (int64_t i = 0; i < t.num_elements(); ++i)
    if (pred(d[i])) return true;
  return false;
}

template <typename Pred>
bool any_integer(const Tensor& t, Pred pred) {
  return t.dtype() == DType::kInt32 ? any_of<int32_t>(t, pred) : any_of<int64_t>(t, pred);
}

}  // namespace

void binary(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out, ThreadPool& pool,
            const ElementwiseTable& table) {
  if (!is_classic(a.dtype()) && extended_binary_supports(op, a.dtype()))
    return extended_binary(op, a, b, out, pool, table);
  BinaryLoop loop = is_classic(a.dtype())
                        ? table.binary[static_cast<int>(op)][static_cast<int>(a.dtype())]
                        : nullptr;
  VF_CHECK(loop != nullptr, ErrorCode::kInvalidArgument, binary_op_name(op),
           " is not defined for dtype ", dtype_name(a.dtype()));
  if (is_integer(a.dtype()) && (op == BinaryOp::kDiv || op == BinaryOp::kFloorDiv ||
                                op == BinaryOp::kFloorMod || op == BinaryOp::kTruncateMod)) {
    VF_CHECK(!any_integer(b, [](auto v) { return v == 0; }), ErrorCode::kInvalidArgument,
             "Integer division by zero");
  }
  if (is_integer(a.dtype()) && op == BinaryOp::kPow)
    VF_CHECK(!any_integer(b, [](auto v) { return v < 0; }), ErrorCode::kInvalidArgument,
             "Integers to negative integer powers are not allowed");
  const int64_t n = out.num_elements();
  if (n == 0) return;
  const size_t in_size = dtype_size(a.dtype());
  const size_t out_size = dtype_size(out.dtype());
  const char* pa = static_cast<const char*>(a.raw());
  const char* pb = static_cast<const char*>(b.raw());
  char* po = static_cast<char*>(out.raw());

  // Fast paths: same shape, or one side a single element.
  int64_t a_n = a.num_elements(), b_n = b.num_elements();
  if ((a_n == n || a_n == 1) && (b_n == n || b_n == 1)) {
    int64_t sa = a_n == n ? 1 : 0, sb = b_n == n ? 1 : 0;
    if (n == 1) sa = sb = 1;
    pool.parallel_for(n, kGrain, [&](int64_t begin, int64_t end) {
      loop(pa + static_cast<size_t>(begin * sa) * in_size, sa,
           pb + static_cast<size_t>(begin * sb) * in_size, sb,
           po + static_cast<size_t>(begin) * out_size, end - begin);
    });
    return;
  }

  BroadcastPlan p = plan_broadcast(a.dims(), b.dims(), out.dims());
  const size_t rank = p.dims.size();
  const int64_t inner = p.dims.back();
  const int64_t rows = n / inner;
  const int64_t inner_sa = p.a_strides.back() ? 1 : 0, inner_sb = p.b_strides.back() ? 1 : 0;
  pool.parallel_for(
      rows, std::max<int64_t>(1, kGrain / inner),
      [&](int64_t row_begin, int64_t row_end) {
        // Offsets of the first row of this range.
        Dims index(rank, 0);
        int64_t rem = row_begin;
        for (size_t i = rank - 1; i-- > 0;) {
          index[i] = rem % p.dims[i];
          rem /= p.dims[i];
        }
        for (int64_t row = row_begin; row < row_end; ++row) {
          int64_t oa = 0, ob = 0;
          for (size_t i = 0; i + 1 < rank; ++i) {
            oa += index[i] * p.a_strides[i];
            ob += index[i] * p.b_strides[i];
          }
          loop(pa + static_cast<size_t>(oa) * in_size, inner_sa,
               pb + static_cast<size_t>(ob) * in_size, inner_sb,
               po + static_cast<size_t>(row * inner) * out_size, inner);
          for (size_t i = rank - 1; i-- > 0;) {
            if (++index[i] < p.dims[i]) break;
            index[i] = 0;
          }
        }
      },
      1);
}

void unary(UnaryOp op, const Tensor& a, Tensor& out, ThreadPool& pool,
           const ElementwiseTable& table) {
  if (!is_classic(a.dtype()) && extended_unary_supports(op, a.dtype()))
    return extended_unary(op, a, out, pool, table);
  UnaryLoop loop = is_classic(a.dtype())
                       ? table.unary[static_cast<int>(op)][static_cast<int>(a.dtype())]
                       : nullptr;
  VF_CHECK(loop != nullptr, ErrorCode::kInvalidArgument, unary_op_name(op),
           " is not defined for dtype ", dtype_name(a.dtype()));
  const size_t size = dtype_size(a.dtype());
  const size_t out_size = dtype_size(out.dtype());  // bool for the FloatPredicate ops
  const char* pa = static_cast<const char*>(a.raw());
  char* po = static_cast<char*>(out.raw());
  pool.parallel_for(a.num_elements(), kGrain, [&](int64_t begin, int64_t end) {
    loop(pa + static_cast<size_t>(begin) * size, po + static_cast<size_t>(begin) * out_size,
         end - begin);
  });
}

void broadcast_to(const Tensor& x, Tensor& out, ThreadPool& pool) {
  const int64_t n = out.num_elements();
  if (n == 0) return;
  const DType dtype = x.dtype();
  const size_t esize = dtype_size(dtype);
  const char* px = static_cast<const char*>(x.raw());
  char* po = static_cast<char*>(out.raw());
  BroadcastPlan p = plan_broadcast(x.dims(), out.dims(), out.dims());
  if (p.dims.empty()) p = {{1}, {1}, {1}};  // one element
  const size_t rank = p.dims.size();
  const int64_t inner = p.dims.back();
  const int64_t rows = n / inner;
  const bool repeat = p.a_strides.back() == 0;
  // Copies `count` elements from `src` (one element repeated when `repeat`) to `dst`.
  auto copy = [&](const char* src, char* dst, int64_t count) {
    if (dtype == DType::kString) {
      const std::string* s = reinterpret_cast<const std::string*>(src);
      std::string* d = reinterpret_cast<std::string*>(dst);
      for (int64_t i = 0; i < count; ++i) d[i] = s[repeat ? 0 : i];
    } else if (!repeat) {
      std::memcpy(dst, src, static_cast<size_t>(count) * esize);
    } else if (esize == 4) {
      uint32_t v;
      std::memcpy(&v, src, 4);
      std::fill_n(reinterpret_cast<uint32_t*>(dst), count, v);
    } else if (esize == 8) {
      uint64_t v;
      std::memcpy(&v, src, 8);
      std::fill_n(reinterpret_cast<uint64_t*>(dst), count, v);
    } else {
      for (int64_t i = 0; i < count; ++i)
        std::memcpy(dst + static_cast<size_t>(i) * esize, src, esize);
    }
  };
  const int64_t grain = dtype == DType::kString ? 1 : std::max<int64_t>(1, kGrain / inner);
  pool.parallel_for(
      rows, grain,
      [&](int64_t row_begin, int64_t row_end) {
        int64_t index[16] = {0};  // merged dims: at most the output's rank, <= 16 here
        std::vector<int64_t> big_index;
        int64_t* idx = index;
        if (rank > 16) {
          big_index.assign(rank, 0);
          idx = big_index.data();
        }
        int64_t rem = row_begin;
        for (size_t i = rank - 1; i-- > 0;) {
          idx[i] = rem % p.dims[i];
          rem /= p.dims[i];
        }
        for (int64_t row = row_begin; row < row_end; ++row) {
          int64_t ox = 0;
          for (size_t i = 0; i + 1 < rank; ++i) ox += idx[i] * p.a_strides[i];
          copy(px + static_cast<size_t>(ox) * esize, po + static_cast<size_t>(row * inner) * esize,
               inner);
          for (size_t i = rank - 1; i-- > 0;) {
            if (++idx[i] < p.dims[i]) break;
            idx[i] = 0;
          }
        }
      },
      1);
}

}  // namespace varflow::kernels
