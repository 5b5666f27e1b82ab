#include "kernels/fused_dense.h"

#include <algorithm>

#include "kernels/elementwise.h"
#include "kernels/matmul.h"
#include "varflow/errors.h"

namespace varflow::kernels {

namespace {

constexpr int64_t kGrain = 32768;  // elements per task, as elementwise.cc

UnaryLoop activation_loop(int act) {
  const ElementwiseTable& t = elementwise_table();
  const int f32 = static_cast<int>(DType::kFloat32);
  switch (act) {
    case kActNone:
      return nullptr;
    case kActRelu:
      return t.unary[static_cast<int>(UnaryOp::kRelu)][f32];
    case kActRelu6:
      return t.unary[static_cast<int>(UnaryOp::kRelu6)][f32];
    case kActTanh:
      return t.unary[static_cast<int>(UnaryOp::kTanh)][f32];
    case kActSigmoid:
      return t.unary[static_cast<int>(UnaryOp::kSigmoid)][f32];
    default:
      raise(ErrorCode::kInvalidArgument, "matmul_bias_act: unknown activation ", act);
  }
}

void require_f32(const Tensor& t, const char* what) {
  VF_CHECK(t.dtype() == DType::kFloat32, ErrorCode::kInvalidArgument, what,
           " must be float32, got ", dtype_name(t.dtype()));
}

}  // namespace

void bias_add_rows(const Tensor& x, const Tensor& bias, Tensor& out, ThreadPool& pool) {
  const int64_t cols = bias.num_elements();
  VF_CHECK(cols > 0 && x.num_elements() % cols == 0 && out.num_elements() == x.num_elements(),
           ErrorCode::kInvalidArgument, "bias_add_rows: bias of ", cols, " for ", x.num_elements(),
           " elements");
  const int d = static_cast<int>(x.dtype());
  BinaryLoop add = elementwise_table().binary[static_cast<int>(BinaryOp::kAdd)][d];
  const size_t size = dtype_size(x.dtype());
  const char* px = static_cast<const char*>(x.raw());
  const void* pb = bias.raw();
  char* po = static_cast<char*>(out.raw());
  const int64_t rows = x.num_elements() / cols;
  pool.parallel_for(
      rows, std::max<int64_t>(1, kGrain / cols),
      [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
          const size_t off = static_cast<size_t>(r * cols) * size;
          add(px + off, 1, pb, 1, po + off, cols);
        }
      },
      1);
}

void bias_add_channels(const Tensor& x, const Tensor& bias, int64_t inner, Tensor& out,
                       ThreadPool& pool) {
  const int64_t channels = bias.num_elements();
  const int64_t span = channels * inner;
  VF_CHECK(inner > 0 && (span == 0 || x.num_elements() % span == 0) &&
               out.num_elements() == x.num_elements(),
           ErrorCode::kInvalidArgument, "bias_add_channels: bias of ", channels, " by ", inner,
           " for ", x.num_elements(), " elements");
  if (span == 0) return;
  const int d = static_cast<int>(x.dtype());
  BinaryLoop add = elementwise_table().binary[static_cast<int>(BinaryOp::kAdd)][d];
  const size_t size = dtype_size(x.dtype());
  const char* px = static_cast<const char*>(x.raw());
  const char* pb = static_cast<const char*>(bias.raw());
  char* po = static_cast<char*>(out.raw());
  // One task item is one channel plane of one outer index: inner contiguous elements.
  const int64_t planes = x.num_elements() / inner;
  pool.parallel_for(
      planes, std::max<int64_t>(1, kGrain / inner),
      [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p) {
          const size_t off = static_cast<size_t>(p * inner) * size;
          add(px + off, 1, pb + static_cast<size_t>(p % channels) * size, 0, po + off, inner);
        }
      },
      1);
}

void matmul_bias_act(const Tensor& a, bool ta, const Tensor& b, bool tb, const Tensor& bias,
                     int act, Tensor& out, ThreadPool& pool) {
  (void)pool;  // the GEMM splits across the global pool, as MatMul's kernel does
  require_f32(a, "a");
  require_f32(b, "b");
  require_f32(bias, "bias");
  require_f32(out, "out");
  VF_CHECK(out.rank() == 2 && bias.num_elements() == out.dim(1), ErrorCode::kInvalidArgument,
           "matmul_bias_act: bias of ", bias.num_elements(), " for an output of ",
           dims_to_string(out.dims()));
  struct Ctx {
    BinaryLoop add;
    UnaryLoop act;
    const float* bias;
    float* out;
    int64_t n;
  } ctx{elementwise_table()
            .binary[static_cast<int>(BinaryOp::kAdd)][static_cast<int>(DType::kFloat32)],
        activation_loop(act), bias.data<float>(), out.data<float>(), out.dim(1)};
  BlockFn epilogue{[](const void* p, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
                     const Ctx& x = *static_cast<const Ctx*>(p);
                     for (int64_t r = r0; r < r1; ++r) {
                       float* row = x.out + r * x.n + c0;
                       x.add(row, 1, x.bias + c0, 1, row, c1 - c0);
                       if (x.act) x.act(row, row, c1 - c0);
                     }
                   },
                   &ctx};
  matmul_with_epilogue(a, b, ta, tb, out, epilogue);
}

void relu_grad_bias_add_grad(const Tensor& dy, const Tensor& y, Tensor& d_pre, Tensor& d_bias,
                             ThreadPool& pool) {
  require_f32(dy, "dy");
  require_f32(y, "y");
  require_f32(d_pre, "d_pre");
  require_f32(d_bias, "d_bias");
  const int64_t cols = d_bias.num_elements();
  const int64_t n = dy.num_elements();
  VF_CHECK(y.num_elements() == n && d_pre.num_elements() == n && (cols > 0 || n == 0) &&
               (cols == 0 || n % cols == 0),
           ErrorCode::kInvalidArgument, "relu_grad_bias_add_grad: ", dims_to_string(dy.dims()),
           " with a bias of ", cols);
  float* db = d_bias.data<float>();
  std::fill(db, db + cols, 0.0f);
  if (n == 0) return;
  const int64_t rows = n / cols;
  BinaryLoop relu_grad =
      elementwise_table()
          .binary[static_cast<int>(BinaryOp::kReluGrad)][static_cast<int>(DType::kFloat32)];
  const float* pdy = dy.data<float>();
  const float* py = y.data<float>();
  float* pd = d_pre.data<float>();
  // Column ranges across the pool: each column's sum runs over the rows in order, as the
  // reduction's does, whatever the split.
  pool.parallel_for(
      cols, std::max<int64_t>(16, kGrain / rows),
      [&](int64_t c0, int64_t c1) {
        const int64_t w = c1 - c0;
        for (int64_t r = 0; r < rows; ++r) {
          const int64_t off = r * cols + c0;
          relu_grad(pdy + off, 1, py + off, 1, pd + off, w);
          const float* __restrict g = pd + off;
          float* __restrict acc = db + c0;
          for (int64_t j = 0; j < w; ++j) acc[j] += g[j];
        }
      },
      16);
}

}  // namespace varflow::kernels
