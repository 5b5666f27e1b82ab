// TF1's embedding_ops.py lookups, node for node.
#include "varflow/train/embeddings.h"

#include <utility>

#include "train/tf_math.h"
#include "varflow/control_flow.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/train/arg.h"
#include "varflow/train/clip.h"

namespace varflow::train {

namespace {

Output scalar_of(Output like, double value) { return ops::scalar_like(like, value, "Const"); }

Output gather_rows(Output params, Output ids, const std::string& name) {
  Output axis = tf::int32_scalar(params.graph(), 0);
  return ops::GatherV2(params, ids, axis, {}, name);
}

// Each id's partition and its row there (TF1's assignments of "mod" and "div").
std::pair<Output, Output> partition_of(const std::vector<Output>& params, Output flat,
                                       PartitionStrategy strategy) {
  const double count = static_cast<double>(params.size());
  if (strategy == PartitionStrategy::kMod) {
    Output assignment = ops::FloorMod(flat, scalar_of(flat, count), "FloorMod");
    Output local = ops::FloorDiv(flat, scalar_of(flat, count), "floordiv");
    return {assignment, local};
  }
  int64_t static_total = 0;
  for (const Output& p : params)
    static_total = (static_total < 0 || !p.shape().has_rank() || p.shape().rank() == 0 ||
                    p.shape().dim(0) == kUnknownDim)
                       ? -1
                       : static_total + p.shape().dim(0);
  Output total;
  if (static_total >= 0) {
    total = scalar_of(flat, static_cast<double>(static_total));
  } else {
    std::vector<Output> rows;
    for (const Output& p : params)
      rows.push_back(tf::strided_slice_1d(ops::Shape(p, {}, "Shape"), 0, 1, 0, 0, 1));
    Output stacked =
        ops::Pack(rows, ops::PackAttrs().with_N(static_cast<int64_t>(rows.size())), "stack");
    total = tf::reduce("Sum", tf::cast(stacked, flat.dtype()), std::nullopt, false);
  }
  Output per = ops::FloorDiv(total, scalar_of(total, count), "floordiv");
  Output extras = ops::FloorMod(total, scalar_of(total, count), "FloorMod");
  Output per_plus_one = tf::add(per, 1.0);
  Output by_larger = ops::FloorDiv(flat, per_plus_one, "floordiv");
  Output past_extras = tf::sub(flat, extras);
  Output by_smaller = ops::FloorDiv(past_extras, per, "floordiv");
  Output assignment = ops::Maximum(by_larger, by_smaller, "Maximum");
  Output in_larger = ops::Less(assignment, extras, "Less");
  Output local_larger = ops::FloorMod(flat, per_plus_one, "FloorMod");
  Output local_smaller = ops::FloorMod(past_extras, per, "FloorMod");
  Output local = ops::Select(in_larger, local_larger, local_smaller, "Select");
  return {assignment, local};
}

// TF1's partitioned lookup: every partition gathers every id (another partition's ids read
// its row 0) and a select keeps the rows of its own ids.
Output partitioned_gather(Graph& graph, const std::vector<Output>& params, Output ids,
                          PartitionStrategy strategy) {
  Output flat = ops::reshape(ids, tf::int32_vector(graph, {-1}), "Reshape");
  const auto [assignment, local] = partition_of(params, flat, strategy);
  std::optional<Output> result;
  for (size_t p = 0; p < params.size(); ++p) {
    Output mine = ops::Equal(assignment, scalar_of(assignment, static_cast<double>(p)), "Equal");
    Output own_or_first = ops::Select(mine, local, ops::ZerosLike(local, "zeros_like"), "Select");
    Output rows = gather_rows(params[p], own_or_first, "GatherV2");
    Output keep_shape;
    if (rows.shape().has_rank()) {
      std::vector<int32_t> dims{-1};
      for (int i = 1; i < rows.shape().rank(); ++i) dims.push_back(1);
      keep_shape = tf::int32_vector(graph, dims);
    } else {
      Output trailing = tf::sub(ops::Rank(rows, "Rank"), 1.0);
      Output ones =
          ops::Fill(tf::expand_dims(graph, trailing, 0), tf::int32_scalar(graph, 1), "Fill");
      Output axis = tf::int32_scalar(graph, 0);
      keep_shape = ops::ConcatV2({ops::Shape(mine, {}, "Shape"), ones, axis},
                                 ops::ConcatV2Attrs().with_N(2), "concat");
    }
    Output keep_rows = ops::reshape(mine, keep_shape, "Reshape");
    Output everywhere =
        ops::Fill(ops::Shape(rows, {}, "Shape"),
                  ops::constant(graph, Tensor::scalar<bool>(true), "Const"), "ones_like");
    Output keep = ops::LogicalAnd(keep_rows, everywhere, "LogicalAnd");
    Output picked = ops::Select(keep, rows, ops::ZerosLike(rows, "zeros_like"), "Select");
    result = result ? tf::add(*result, picked) : picked;
  }
  Output ids_shape = ops::Shape(ids, {}, "Shape");
  Output row_shape = tf::strided_slice_1d(ops::Shape(params[0], {}, "Shape"), 1, 0, 0, 1, 0);
  Output axis = tf::int32_scalar(graph, 0);
  Output out_shape =
      ops::ConcatV2({ids_shape, row_shape, axis}, ops::ConcatV2Attrs().with_N(2), "concat");
  Output gathered = ops::reshape(*result, out_shape, "Reshape");
  const Shape& id_shape = ids.shape();
  const Shape& param_shape = params[0].shape();
  if (!id_shape.has_rank() || !param_shape.has_rank()) return gathered;
  Dims full = id_shape.dims();
  for (int i = 1; i < param_shape.rank(); ++i) full.push_back(param_shape.dim(i));
  return ops::fit_to_shape(gathered, Shape(full));
}

// 0, 1, ..., size(t) - 1.
Output positions(Graph& graph, Output t) {
  Output start = tf::int32_scalar(graph, 0);
  Output size = tf::op("Size", {t});
  Output delta = tf::int32_scalar(graph, 1);
  return tf::op("Range", {start, size, delta});
}

// The shape [len(v), 1, ...] that broadcasts vector `v` over the rows of `like`.
Output column_shape(Graph& graph, Output v, Output like) {
  Output extra = tf::op("Sub", {tf::op("Rank", {like}), tf::int32_scalar(graph, 1)});
  Output ones = tf::op("Fill", {tf::op("Reshape", {extra, tf::int32_vector(graph, {1})}),
                                tf::int32_scalar(graph, 1)});
  return tf::op("ConcatV2", {tf::op("Shape", {v}), ones, tf::int32_scalar(graph, 0)});
}

// Column `col` of a matrix, as a vector.
Output column(Graph& graph, Output matrix, int32_t col) {
  Output begin = tf::int32_vector(graph, {0, col});
  Output size = tf::int32_vector(graph, {-1, 1});
  Output slice = tf::op("Slice", {matrix, begin, size});
  return tf::op("Reshape", {slice, tf::int32_vector(graph, {-1})});
}

const char* segment_op(Combiner combiner) {
  switch (combiner) {
    case Combiner::kSum:
      return "SparseSegmentSum";
    case Combiner::kMean:
      return "SparseSegmentMean";
    case Combiner::kSqrtN:
      break;
  }
  return "SparseSegmentSqrtN";
}

}  // namespace

Combiner parse_combiner(const std::string& combiner) {
  if (combiner == "sum") return Combiner::kSum;
  if (combiner == "mean") return Combiner::kMean;
  if (combiner == "sqrtn") return Combiner::kSqrtN;
  raise(ErrorCode::kValue, "combiner must be one of 'mean', 'sqrtn' or 'sum'");
}

Output embedding_lookup_sparse(Graph& graph, const std::vector<Output>& params,
                               const SparseTensorParts& ids,
                               const std::optional<SparseTensorParts>& weights, Combiner combiner,
                               PartitionStrategy strategy, std::optional<double> max_norm,
                               const std::string& name) {
  VF_CHECK(!params.empty(), ErrorCode::kValue, "Need at least one param");
  NameScope scope(graph, name.empty() ? "embedding_lookup_sparse" : name);
  Output segment_ids = tf::cast(column(graph, ids.indices, 0), DType::kInt32);
  const Output& id_values = ids.values;
  if (!weights) {
    // The segment op gathers the rows itself (TF1 gathers the unique ids first: the same sums,
    // and the same dense gradient here).
    if (params.size() == 1 && !max_norm)
      return tf::op(segment_op(combiner), {params[0], id_values, segment_ids});
    Output rows = embedding_lookup(graph, params, id_values, strategy, max_norm);
    return tf::op(segment_op(combiner), {rows, positions(graph, id_values), segment_ids});
  }
  Output embeddings = embedding_lookup(graph, params, id_values, strategy, max_norm);
  Output w = tf::cast(weights->values, embeddings.dtype());
  Output w_column = tf::op("Reshape", {w, column_shape(graph, w, embeddings)});
  Output weighted = tf::op("Mul", {embeddings, w_column});
  Output summed = tf::op("SparseSegmentSum", {weighted, positions(graph, id_values), segment_ids});
  if (combiner == Combiner::kSum) return summed;
  Output weight_sum;
  if (combiner == Combiner::kMean) {
    weight_sum = tf::op("SparseSegmentSum", {w, positions(graph, w), segment_ids});
  } else {
    Output squares = tf::op("Mul", {w, w});
    weight_sum =
        tf::op("Sqrt", {tf::op("SparseSegmentSum", {squares, positions(graph, w), segment_ids})});
  }
  weight_sum = tf::op("Reshape", {weight_sum, column_shape(graph, weight_sum, summed)});
  // An empty segment (below the last one) sums to 0 and stays 0, as TF's division gives.
  Output empty = tf::op("Equal", {weight_sum, tf::op("ZerosLike", {weight_sum})});
  weight_sum = tf::op("Select", {empty, tf::op("OnesLike", {weight_sum}), weight_sum});
  return tf::op("RealDiv", {summed, weight_sum});
}

Output safe_embedding_lookup_sparse(Graph& graph, const std::vector<Output>& params,
                                    const SparseTensorParts& ids_in,
                                    const std::optional<SparseTensorParts>& weights_in,
                                    const SafeEmbeddingLookupOptions& options) {
  VF_CHECK(!params.empty(), ErrorCode::kValue, "Missing embedding_weights [].");
  NameScope scope(graph, options.name.empty() ? "embedding_lookup" : options.name);
  // Higher-rank ids become [prod(leading dims), last dim].
  const Output original_shape = ids_in.dense_shape;
  const Shape& shape_of_shape = original_shape.shape();
  Output rank = shape_of_shape.has_rank() && shape_of_shape.rank() == 1 &&
                        shape_of_shape.dim(0) != kUnknownDim
                    ? tf::int32_scalar(graph, static_cast<int32_t>(shape_of_shape.dim(0)))
                    : tf::op("Size", {original_shape});
  Output minus_one = tf::op("Sub", {rank, tf::int32_scalar(graph, 1)});
  Output leading = tf::op("Slice", {original_shape, tf::int32_vector(graph, {0}),
                                    tf::op("Reshape", {minus_one, tf::int32_vector(graph, {1})})});
  Output flat_rows =
      tf::op("Prod", {leading, tf::int32_scalar(graph, 0)}, "", {{"keep_dims", false}});
  Output last = tf::op("GatherV2", {original_shape, minus_one, tf::int32_scalar(graph, 0)});
  Output new_shape = tf::op("Pack", {flat_rows, last}, "", {{"axis", int64_t{0}}});
  SparseTensorParts ids = sparse_reshape(graph, ids_in, new_shape);
  std::optional<SparseTensorParts> weights;
  if (weights_in) weights = SparseTensorParts{ids.indices, weights_in->values, ids.dense_shape};
  // Prune invalid ids, and (for mean and sqrtn) non-positive weights.
  Output is_id_valid = tf::op("GreaterEqual", {ids.values, tf::op("ZerosLike", {ids.values})});
  if (weights) weights = sparse_retain(graph, *weights, is_id_valid);
  ids = sparse_retain(graph, ids, is_id_valid);
  if (options.combiner != Combiner::kSum && weights) {
    Output is_weight_valid =
        tf::op("Greater", {weights->values, tf::op("ZerosLike", {weights->values})});
    ids = sparse_retain(graph, ids, is_weight_valid);
    weights = sparse_retain(graph, *weights, is_weight_valid);
  }
  auto [filled_ids, is_row_empty] =
      sparse_fill_empty_rows(graph, ids, Arg(options.default_id.value_or(0)));
  if (weights) weights = sparse_fill_empty_rows(graph, *weights, Arg(1.0)).first;
  Output result = embedding_lookup_sparse(graph, params, filled_ids, weights, options.combiner,
                                          options.partition_strategy, options.max_norm);
  auto width_product = [&](Output width) {
    return tf::op("Prod", {width, tf::int32_scalar(graph, 0)}, "", {{"keep_dims", true}});
  };
  auto trailing_dims = [&](Output t) {
    return tf::op("Slice", {tf::op("Shape", {t}), tf::int32_vector(graph, {1}),
                            tf::int32_vector(graph, {-1})});
  };
  if (!options.default_id) {
    // Zero the rows that were empty: broadcast the indicator over the embedding.
    Output width = trailing_dims(result);
    Output multiples = tf::op("ConcatV2", {tf::int32_vector(graph, {1}), width_product(width),
                                           tf::int32_scalar(graph, 0)});
    Output tiled = tf::op(
        "Tile", {tf::op("Reshape", {is_row_empty, tf::int32_vector(graph, {-1, 1})}), multiples});
    Output flat_shape = tf::op("ConcatV2", {tf::int32_vector(graph, {-1}), width_product(width),
                                            tf::int32_scalar(graph, 0)});
    Output flat = tf::op("Reshape", {result, flat_shape});
    flat = tf::op("Select", {tiled, tf::op("ZerosLike", {flat}), flat});
    result = tf::op("Reshape", {flat, tf::op("Shape", {result})});
  }
  Output leading32 = tf::cast(leading, DType::kInt32);
  Output final_shape =
      tf::op("ConcatV2", {leading32, trailing_dims(result), tf::int32_scalar(graph, 0)});
  return tf::op("Reshape", {result, final_shape});
}

PartitionStrategy parse_partition_strategy(const std::string& strategy) {
  if (strategy == "mod") return PartitionStrategy::kMod;
  if (strategy == "div") return PartitionStrategy::kDiv;
  raise(ErrorCode::kValue, "Unrecognized partition strategy: ", strategy);
}

Output embedding_lookup(Graph& graph, const std::vector<Output>& params, Output ids,
                        PartitionStrategy strategy, std::optional<double> max_norm,
                        const std::string& name) {
  VF_CHECK(!params.empty(), ErrorCode::kValue, "Need at least one param");
  NameScope scope(graph, name.empty() ? "embedding_lookup" : name);
  Output result = params.size() == 1 ? gather_rows(params[0], ids, scope.scope())
                                     : partitioned_gather(graph, params, ids, strategy);
  if (max_norm) {
    std::optional<Arg> axes;
    if (ids.shape().has_rank() && result.shape().has_rank()) {
      std::vector<int32_t> embedding_axes;
      for (int i = ids.shape().rank(); i < result.shape().rank(); ++i) embedding_axes.push_back(i);
      axes = Arg(tf::int32_vector(graph, embedding_axes));
    } else {
      Output start = ops::Rank(ids, "Rank");
      Output limit = ops::Rank(result, "Rank");
      axes = Arg(ops::Range(start, limit, tf::int32_scalar(graph, 1), "range"));
    }
    result = clip_by_norm(graph, result, *max_norm, axes);
  }
  return ops::identity(result, "Identity");
}

}  // namespace varflow::train
