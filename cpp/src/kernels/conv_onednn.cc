#include "kernels/conv_onednn.h"

#ifdef VARFLOW_HAVE_ONEDNN

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/onednn_runtime.h"
#include "oneapi/dnnl/dnnl.hpp"

namespace varflow::kernels::onednn {

namespace {

using dnnl::memory;
using Tag = memory::format_tag;

enum class Pass : int64_t { kForward, kBackpropInput, kBackpropFilter };

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// A stream per calling thread: the executor may run two convolutions at once.
dnnl::stream& thread_stream() {
  thread_local dnnl::stream stream(cpu_engine());
  return stream;
}

// Grow-only 64-byte-aligned scratch per thread and slot (0: primitive scratchpad, 1: weights in
// the primitive's layout, 2: a reorder's scratchpad).
void* scratch(int slot, size_t bytes) {
  struct Buffer {
    void* data = nullptr;
    size_t size = 0;
    ~Buffer() { std::free(data); }
  };
  thread_local Buffer buffers[3];
  Buffer& b = buffers[slot];
  if (b.size < bytes) {
    std::free(b.data);
    b.size = (bytes + 63) / 64 * 64;
    b.data = std::aligned_alloc(64, b.size);
    if (!b.data) {
      b.size = 0;
      return nullptr;
    }
  }
  return b.data;
}

// Everything a geometry needs at run time. `ok` false: oneDNN declined it (fall back).
struct Plan {
  bool ok = false;
  dnnl::primitive conv;
  memory::desc src, dst, user_weights, weights;
  bool reorder = false;  // weights differ from HWIO: reordered on the way in (out for filters)
  dnnl::reorder weights_reorder;
  memory::desc scratch_md, reorder_scratch_md;
  size_t scratch_bytes = 0, reorder_scratch_bytes = 0;
};

using Key = std::array<int64_t, 16>;

struct KeyHash {
  size_t operator()(const Key& k) const {
    size_t h = 0;
    for (int64_t v : k) h = h * 1000003u ^ static_cast<size_t>(v);
    return h;
  }
};

Key key_of(Pass pass, const Window2D& g) {
  return {static_cast<int64_t>(pass),
          g.batch,
          g.in_h,
          g.in_w,
          g.in_c,
          g.out_h,
          g.out_w,
          g.out_c,
          g.k_h,
          g.k_w,
          g.stride_h,
          g.stride_w,
          g.dil_h,
          g.dil_w,
          g.pad_top,
          g.pad_left};
}

// oneDNN's right/bottom padding for TF1's geometry (TF1 keeps only the leading pad): the
// smallest that gives TF1's output size, or -1 when none does.
int64_t trailing_pad(int64_t in, int64_t out, int64_t k, int64_t stride, int64_t dilation,
                     int64_t pad_before) {
  const int64_t span = (k - 1) * dilation + 1;
  const int64_t pad = std::max<int64_t>(0, (out - 1) * stride + span - in - pad_before);
  if ((in + pad_before + pad - span) / stride + 1 != out) return -1;
  return pad;
}

dnnl::primitive_attr user_scratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

// The oneDNN reference kernels are slower than the im2col path: only JIT/GEMM ones are taken.
bool fast(const std::string& impl) { return impl.rfind("ref", 0) != 0; }

Plan make_plan(Pass pass, const Window2D& g) {
  Plan p;
  const int64_t pad_bottom = trailing_pad(g.in_h, g.out_h, g.k_h, g.stride_h, g.dil_h, g.pad_top);
  const int64_t pad_right = trailing_pad(g.in_w, g.out_w, g.k_w, g.stride_w, g.dil_w, g.pad_left);
  if (pad_bottom < 0 || pad_right < 0 || g.pad_top < 0 || g.pad_left < 0) return p;
  const memory::dims src_dims{g.batch, g.in_c, g.in_h, g.in_w};
  const memory::dims dst_dims{g.batch, g.out_c, g.out_h, g.out_w};
  const memory::dims weight_dims{g.out_c, g.in_c, g.k_h, g.k_w};
  const memory::dims strides{g.stride_h, g.stride_w}, dilates{g.dil_h - 1, g.dil_w - 1};
  const memory::dims pad_l{g.pad_top, g.pad_left}, pad_r{pad_bottom, pad_right};
  const auto f32 = memory::data_type::f32;
  p.src = memory::desc(src_dims, f32, Tag::nhwc);
  p.dst = memory::desc(dst_dims, f32, Tag::nhwc);
  p.user_weights = memory::desc(weight_dims, f32, Tag::hwio);
  const memory::desc any_weights(weight_dims, f32, Tag::any);
  dnnl::engine& eng = cpu_engine();
  const dnnl::primitive_attr attr = user_scratchpad();
  try {
    const dnnl::convolution_forward::primitive_desc fwd(
        eng,
        pass == Pass::kForward ? dnnl::prop_kind::forward_inference
                               : dnnl::prop_kind::forward_training,
        dnnl::algorithm::convolution_direct, p.src, any_weights, p.dst, strides, dilates, pad_l,
        pad_r, attr);
    std::string impl;
    if (pass == Pass::kForward) {
      p.weights = fwd.weights_desc();
      p.scratch_md = fwd.scratchpad_desc();
      impl = fwd.impl_info_str();
      p.conv = dnnl::convolution_forward(fwd);
    } else if (pass == Pass::kBackpropInput) {
      const dnnl::convolution_backward_data::primitive_desc bwd(
          eng, dnnl::algorithm::convolution_direct, p.src, any_weights, p.dst, strides, dilates,
          pad_l, pad_r, fwd, attr);
      p.weights = bwd.weights_desc();
      p.scratch_md = bwd.scratchpad_desc();
      impl = bwd.impl_info_str();
      p.conv = dnnl::convolution_backward_data(bwd);
    } else {
      const dnnl::convolution_backward_weights::primitive_desc bwd(
          eng, dnnl::algorithm::convolution_direct, p.src, any_weights, p.dst, strides, dilates,
          pad_l, pad_r, fwd, attr);
      p.weights = bwd.diff_weights_desc();
      p.scratch_md = bwd.scratchpad_desc();
      impl = bwd.impl_info_str();
      p.conv = dnnl::convolution_backward_weights(bwd);
    }
    if (!fast(impl)) return p;
    p.scratch_bytes = p.scratch_md.get_size();
    p.reorder = p.weights != p.user_weights;
    if (p.reorder) {
      const bool into = pass != Pass::kBackpropFilter;
      const dnnl::reorder::primitive_desc r(eng, into ? p.user_weights : p.weights, eng,
                                            into ? p.weights : p.user_weights, attr);
      p.reorder_scratch_md = r.scratchpad_desc();
      p.reorder_scratch_bytes = p.reorder_scratch_md.get_size();
      p.weights_reorder = dnnl::reorder(r);
    }
  } catch (const dnnl::error&) {
    return Plan{};
  }
  p.ok = true;
  return p;
}

// Plans by geometry. A model has a handful of convolutions, each with a few batch sizes: past
// kMaxPlans (shapes changing every run) the cache starts over rather than grow without bound.
constexpr size_t kMaxPlans = 256;

std::shared_ptr<const Plan> plan_for(Pass pass, const Window2D& g) {
  static std::mutex mu;
  static std::unordered_map<Key, std::shared_ptr<const Plan>, KeyHash> plans;
  const Key key = key_of(pass, g);
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = plans.find(key);
    if (it != plans.end()) return it->second;
  }
  // Made outside the lock: a first run of two convolutions at once builds both in parallel.
  auto made = std::make_shared<const Plan>(make_plan(pass, g));
  std::lock_guard<std::mutex> lock(mu);
  if (plans.size() >= kMaxPlans) plans.clear();
  return plans.emplace(key, std::move(made)).first->second;
}

bool in_range(const Window2D& g) {
  return g.batch > 0 && g.in_h > 0 && g.in_w > 0 && g.in_c > 0 && g.out_h > 0 && g.out_w > 0 &&
         g.out_c > 0 && g.k_h > 0 && g.k_w > 0 && g.dil_h >= 1 && g.dil_w >= 1;
}

// Runs pass `pass` on the images of `g`: `act` is the NHWC input (forward, filter gradient) or
// input gradient (input gradient), `weights` the HWIO filter (or its gradient), `other` the
// NHWC output (or its gradient).
// `packed` (when the plan reorders the weights): the weights already in the primitive's layout
// (forward, input gradient), or where the filter gradient is left in that layout; the reorder
// is then the caller's, done once for every part.
bool run_part(Pass pass, const Window2D& g, float* act, float* weights, float* other,
              float* packed_weights = nullptr) {
  const std::shared_ptr<const Plan> plan = plan_for(pass, g);
  if (!plan->ok) return false;
  const Plan& p = *plan;
  const bool prepacked = p.reorder && packed_weights;
  dnnl::engine& eng = cpu_engine();
  dnnl::stream& stream = thread_stream();
  single_threaded_here();
  try {
    void* pad = p.scratch_bytes ? scratch(0, p.scratch_bytes) : nullptr;
    void* packed = !p.reorder  ? nullptr
                   : prepacked ? static_cast<void*>(packed_weights)
                               : scratch(1, p.weights.get_size());
    void* reorder_pad = p.reorder_scratch_bytes ? scratch(2, p.reorder_scratch_bytes) : nullptr;
    if ((p.scratch_bytes && !pad) || (p.reorder && !packed) ||
        (p.reorder_scratch_bytes && !reorder_pad))
      return false;
    memory user_w(p.user_weights, eng, weights);
    memory w = p.reorder ? memory(p.weights, eng, packed) : user_w;
    memory src(p.src, eng, act), dst(p.dst, eng, other);
    auto reorder = [&](memory& from, memory& to) {
      std::unordered_map<int, memory> args{{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
      if (reorder_pad)
        args.emplace(DNNL_ARG_SCRATCHPAD, memory(p.reorder_scratch_md, eng, reorder_pad));
      p.weights_reorder.execute(stream, args);
    };
    std::unordered_map<int, memory> args;
    if (pad) args.emplace(DNNL_ARG_SCRATCHPAD, memory(p.scratch_md, eng, pad));
    if (pass == Pass::kForward) {
      if (p.reorder && !prepacked) reorder(user_w, w);
      args.insert({{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DST, dst}});
      p.conv.execute(stream, args);
    } else if (pass == Pass::kBackpropInput) {
      if (p.reorder && !prepacked) reorder(user_w, w);
      args.insert({{DNNL_ARG_DIFF_DST, dst}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DIFF_SRC, src}});
      p.conv.execute(stream, args);
    } else {
      args.insert({{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, dst}, {DNNL_ARG_DIFF_WEIGHTS, w}});
      p.conv.execute(stream, args);
      if (p.reorder && !prepacked) reorder(w, user_w);
    }
    stream.wait();
  } catch (const dnnl::error&) {
    return false;  // the caller's fallback rewrites the whole output
  }
  return true;
}

// Below this many multiply-adds a part is not worth a hand-over to another thread.
constexpr int64_t kMaddsPerPart = int64_t{1} << 22;
// Parts per pool thread: the pool hands parts out as threads come for them, so a thread the OS
// delays (a loaded machine) holds up one small part while the others take the rest.
constexpr int64_t kPartsPerThread = 4;

// Reorders the weights between HWIO (`user`) and the plan's layout (`packed`) on this thread.
bool reorder_weights(const Plan& p, float* user, float* packed, bool into_packed) {
  dnnl::engine& eng = cpu_engine();
  dnnl::stream& stream = thread_stream();
  single_threaded_here();
  void* reorder_pad = p.reorder_scratch_bytes ? scratch(2, p.reorder_scratch_bytes) : nullptr;
  if (p.reorder_scratch_bytes && !reorder_pad) return false;
  try {
    memory user_w(p.user_weights, eng, user), packed_w(p.weights, eng, packed);
    std::unordered_map<int, memory> args{{DNNL_ARG_FROM, into_packed ? user_w : packed_w},
                                         {DNNL_ARG_TO, into_packed ? packed_w : user_w}};
    if (reorder_pad)
      args.emplace(DNNL_ARG_SCRATCHPAD, memory(p.reorder_scratch_md, eng, reorder_pad));
    p.weights_reorder.execute(stream, args);
    stream.wait();
  } catch (const dnnl::error&) {
    return false;
  }
  return true;
}

struct AlignedFloats {
  float* data = nullptr;
  explicit AlignedFloats(size_t count)
      : data(static_cast<float*>(std::aligned_alloc(64, (count * sizeof(float) + 63) / 64 * 64))) {}
  ~AlignedFloats() { std::free(data); }
  AlignedFloats(const AlignedFloats&) = delete;
  AlignedFloats& operator=(const AlignedFloats&) = delete;
};

// Splits the batch into parts run across the pool (a filter gradient sums the parts' own, in
// part order). When every part's primitive packs the weights the same way, they are packed
// once (forward, input gradient) or the parts' packed filter gradients are summed and unpacked
// once, instead of a reorder per part.
bool run(Pass pass, const Window2D& g, float* act, float* weights, float* other,
         const ConvEpilogue* epilogue = nullptr) {
  if (!enabled() || !in_range(g)) return false;
  ThreadPool& pool = ThreadPool::global();
  const int64_t threads = pool.num_threads();
  const int64_t madds = g.batch * g.out_pixels() * g.out_c * g.k_h * g.k_w * g.in_c;
  int64_t parts = std::max<int64_t>(
      1, std::min<int64_t>({kPartsPerThread * threads, g.batch, madds / kMaddsPerPart}));
  if (parts > threads) parts -= parts % threads;  // even shares when every thread is on time
  if (parts == 1) {
    if (!run_part(pass, g, act, weights, other)) return false;
    if (epilogue) apply_conv_epilogue(*epilogue, other, g.batch * g.out_pixels(), g.out_c);
    return true;
  }
  auto part_of = [&](int64_t p) {
    Window2D part = g;
    part.batch = g.batch * (p + 1) / parts - g.batch * p / parts;
    return part;
  };
  // The parts have at most two batch sizes: the weights are shared when both plans agree.
  const std::shared_ptr<const Plan> a = plan_for(pass, part_of(0));
  const std::shared_ptr<const Plan> b = plan_for(pass, part_of(parts - 1));
  if (!a->ok || !b->ok) return false;
  const bool shared = a->reorder && b->reorder && a->weights == b->weights;
  const size_t packed_floats =
      shared ? (a->weights.get_size() + sizeof(float) - 1) / sizeof(float) : 0;
  const int64_t filter_size = g.k_h * g.k_w * g.in_c * g.out_c;
  const bool filter = pass == Pass::kBackpropFilter;
  // Forward / input gradient: one packed copy. Filter gradient: one packed (shared) or HWIO
  // partial per part after the first (which writes `weights` itself when not shared).
  const size_t floats = shared   ? packed_floats * static_cast<size_t>(filter ? parts : 1)
                        : filter ? static_cast<size_t>((parts - 1) * filter_size)
                                 : 0;
  AlignedFloats buffer(std::max<size_t>(floats, 1));
  if (!buffer.data) return false;
  if (shared && !filter && !reorder_weights(*a, weights, buffer.data, /*into_packed=*/true))
    return false;
  std::atomic<bool> ok{true};
  pool.parallel_for(
      parts, 1,
      [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p) {
          const int64_t n0 = g.batch * p / parts;
          float* w = weights;
          float* packed = nullptr;
          if (shared) {
            packed = buffer.data + (filter ? static_cast<size_t>(p) * packed_floats : 0);
          } else if (filter && p > 0) {
            w = buffer.data + (p - 1) * filter_size;
          }
          float* part_out = other + n0 * g.out_pixels() * g.out_c;
          if (!run_part(pass, part_of(p), act + n0 * g.in_image(), w, part_out, packed)) {
            ok = false;
          } else if (epilogue) {
            apply_conv_epilogue(*epilogue, part_out, part_of(p).batch * g.out_pixels(), g.out_c);
          }
        }
      },
      1);
  if (!ok) return false;
  if (!filter) return true;
  if (shared) {
    // Elementwise sums in part order (the layout only permutes elements), then one unpacking.
    float* sum = buffer.data;
    for (int64_t p = 1; p < parts; ++p) {
      const float* src = buffer.data + static_cast<size_t>(p) * packed_floats;
      for (size_t i = 0; i < packed_floats; ++i) sum[i] += src[i];
    }
    return reorder_weights(*a, weights, sum, /*into_packed=*/false);
  }
  for (int64_t p = 1; p < parts; ++p) {
    const float* src = buffer.data + (p - 1) * filter_size;
    for (int64_t i = 0; i < filter_size; ++i) weights[i] += src[i];
  }
  return true;
}

}  // namespace

bool available() { return true; }

bool conv2d(const Window2D& g, const float* in, const float* filter, float* out,
            const ConvEpilogue* epilogue) {
  return run(Pass::kForward, g, const_cast<float*>(in), const_cast<float*>(filter), out, epilogue);
}

bool conv2d_backprop_input(const Window2D& g, const float* filter, const float* out_backprop,
                           float* in_backprop) {
  return run(Pass::kBackpropInput, g, in_backprop, const_cast<float*>(filter),
             const_cast<float*>(out_backprop));
}

bool conv2d_backprop_filter(const Window2D& g, const float* in, const float* out_backprop,
                            float* filter_backprop) {
  return run(Pass::kBackpropFilter, g, const_cast<float*>(in), filter_backprop,
             const_cast<float*>(out_backprop));
}

}  // namespace varflow::kernels::onednn

#else  // built without oneDNN: every convolution takes the im2col path

namespace varflow::kernels::onednn {

bool available() { return false; }
bool conv2d(const Window2D&, const float*, const float*, float*, const ConvEpilogue*) {
  return false;
}
bool conv2d_backprop_input(const Window2D&, const float*, const float*, float*) { return false; }
bool conv2d_backprop_filter(const Window2D&, const float*, const float*, float*) { return false; }

}  // namespace varflow::kernels::onednn

#endif
