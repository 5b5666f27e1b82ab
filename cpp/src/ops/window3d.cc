#include "ops/window3d.h"

#include <vector>

#include "ops/shape_rules.h"

namespace varflow::ops {

std::string parse_window3d_attrs(const AttrMap& attrs, const std::string& op, Window3DKind kind,
                                 Window3DAttrs* out) {
  Window3DAttrs a;
  const std::string& padding = attrs.get<std::string>("padding");
  if (padding == "SAME")
    a.padding = kernels::Padding::kSame;
  else if (padding != "VALID")
    return "Attr 'padding' of '" + op + "' Op passed string '" + padding +
           "' not in: \"SAME\", \"VALID\".";
  const std::string& format = attrs.get<std::string>("data_format");
  if (format != "NDHWC" && format != "NCDHW")
    return "Invalid data format: " + format + " (NDHWC or NCDHW)";
  a.ncdhw = format == "NCDHW";
  const size_t batch = 0, channel = a.ncdhw ? 1 : 4, first = a.ncdhw ? 2 : 1;
  struct Field {
    const char* name;
    std::array<int64_t, 3>* dst;
  };
  std::vector<Field> fields;
  if (kind.ksize) fields.push_back({"ksize", &a.ksize});
  fields.push_back({"strides", &a.strides});
  if (kind.dilations) fields.push_back({"dilations", &a.dilations});
  for (const Field& field : fields) {
    const std::string name = field.name;
    const auto& v = attrs.get<std::vector<int64_t>>(name);
    if (kind.ksize) {  // pooling's messages
      if (v.size() != 5)
        return "Sliding window " + std::string(name == "ksize" ? "ksize" : "stride") +
               " field must specify 5 dimensions";
      if (v[batch] != 1) return "Pooling is not yet supported on the batch dimension.";
      if (v[channel] != 1) return "Pooling is not yet supported on the depth dimension.";
    } else {
      if (v.size() != 5)
        return op + " requires the " + (name == "strides" ? "stride" : "dilation") +
               " attribute to contain 5 values, but got: " + std::to_string(v.size());
      if (v[batch] != 1 || v[channel] != 1)
        return "Current implementation does not yet support " + name +
               " in the batch and depth dimensions.";
    }
    for (size_t i = 0; i < 3; ++i) {
      (*field.dst)[i] = v[first + i];
      if ((*field.dst)[i] < 1)
        return op + ": " + name + " must be positive, got " + std::to_string((*field.dst)[i]);
    }
  }
  *out = a;
  return "";
}

Dims5 to_ndhwc(const Window3DAttrs& a, const Dims5& d) {
  return a.ncdhw ? Dims5{d[0], d[2], d[3], d[4], d[1]} : d;
}
Dims5 from_ndhwc(const Window3DAttrs& a, const Dims5& d) {
  return a.ncdhw ? Dims5{d[0], d[4], d[1], d[2], d[3]} : d;
}

std::string window3d_geometry(const Window3DAttrs& a, const Dims5& in,
                              const std::array<int64_t, 3>& k, int64_t out_c,
                              kernels::Window3D* g) {
  int64_t out[3], pad[3];
  for (size_t i = 0; i < 3; ++i) {
    if (in[i + 1] < 0 || k[i] < 0) {
      out[i] = kUnknownDim;
      pad[i] = 0;
      continue;
    }
    const std::string err = kernels::windowed_output_size(
        in[i + 1], k[i], a.strides[i], a.dilations[i], a.padding, 0, 0, &out[i], &pad[i]);
    if (!err.empty()) return err;
  }
  g->batch = in[0];
  g->in_d = in[1];
  g->out_d = out[0];
  g->k_d = k[0];
  g->stride_d = a.strides[0];
  g->dil_d = a.dilations[0];
  g->pad_front = pad[0];
  kernels::Window2D& p = g->plane;
  p.batch = 1;
  p.in_h = in[2];
  p.in_w = in[3];
  p.in_c = in[4];
  p.out_h = out[1];
  p.out_w = out[2];
  p.out_c = out_c;
  p.k_h = k[1];
  p.k_w = k[2];
  p.stride_h = a.strides[1];
  p.stride_w = a.strides[2];
  p.dil_h = a.dilations[1];
  p.dil_w = a.dilations[2];
  p.pad_top = pad[1];
  p.pad_left = pad[2];
  return "";
}

Dims5 dims5(const Shape& s) {
  if (!s.has_rank()) return {kUnknownDim, kUnknownDim, kUnknownDim, kUnknownDim, kUnknownDim};
  return {s.dim(0), s.dim(1), s.dim(2), s.dim(3), s.dim(4)};
}

Shape rank5(InferenceContext& c, const Shape& s) {
  if (s.has_rank() && s.rank() != 5) c.value_error("Shape must be rank 5 but is rank ", s.rank());
  return s;
}

Shape sizes_input_shape5(InferenceContext& c, int i) {
  shape_rules::require_dtype(c, i, {DType::kInt32, DType::kInt64});
  if (c.input_shape(i).has_rank() && c.input_shape(i).rank() != 1)
    c.value_error("Shape must be rank 1 but is rank ", c.input_shape(i).rank());
  const Node* node = c.input(i).node;
  const Shape s =
      node->type() == "Shape" ? node->inputs()[0].shape() : shape_rules::shape_from_input(c, i);
  return rank5(c, s);
}

std::string dims5_string(const Dims5& d) {
  std::string s = "[";
  for (size_t i = 0; i < 5; ++i) s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

Dims5 read_sizes5(KernelContext& c, int i) {
  const Tensor& t = c.input(i);
  const std::string& name = c.node().op_def().input_names[static_cast<size_t>(i)];
  if (t.rank() != 1 || t.num_elements() != 5)
    c.fail(ErrorCode::kInvalidArgument, c.node().type(), ": ", name,
           " must be a vector of 5 values, got shape ", dims_to_string(t.dims()));
  Dims5 d;
  for (size_t j = 0; j < 5; ++j) {
    d[j] = t.dtype() == DType::kInt32 ? t.data<int32_t>()[j] : t.data<int64_t>()[j];
    if (d[j] < 0)
      c.fail(ErrorCode::kInvalidArgument, c.node().type(), ": ", name,
             " has a negative dimension: ", dims_to_string(Dims(d.begin(), d.end())));
  }
  return d;
}

Dims5 tensor_dims5(KernelContext& c, const Tensor& t, const char* what) {
  if (t.rank() != 5)
    c.fail(ErrorCode::kInvalidArgument, c.node().type(), ": ", what, " must be 5-dimensional, got ",
           dims_to_string(t.dims()));
  return {t.dim(0), t.dim(1), t.dim(2), t.dim(3), t.dim(4)};
}

}  // namespace varflow::ops
