// Shape and dtype rules shared by several ops. Each raises kValue (ValueError) or kType
// (TypeError) naming the op, the inputs and their shapes, as TF1 does at graph build time.
#pragma once

#include <vector>

#include "varflow/op_registry.h"

namespace varflow::shape_rules {

// Output 0 has input 0's dtype and shape.
void unchanged(InferenceContext& c);
// All inputs share one dtype; output is their broadcast shape (dtype from `result_dtype`).
void broadcast_binary(InferenceContext& c);
void broadcast_compare(InferenceContext& c);  // bool output
// Every input must have the same dtype; returns it.
DType same_dtype(InferenceContext& c);
// Input i must have input `reference`'s dtype (TF1's "Input 'x' of 'Op' Op has type ...").
void require_same_dtype_as(InferenceContext& c, int i, int reference);
// Input i must be one of `allowed`.
void require_dtype(InferenceContext& c, int i, std::initializer_list<DType> allowed);
Shape broadcast_shapes(InferenceContext& c, const Shape& a, const Shape& b);
// Reduction with axes given by input 1 (constant) and attr keep_dims.
void reduction(InferenceContext& c);
// Axes from a constant tensor, normalised against `rank` (raises on out-of-range).
std::vector<int> normalize_axes(InferenceContext& c, const Tensor& axes, int rank);
// A shape given by a constant int vector input (-1 entries stay unknown), or unknown.
Shape shape_from_input(InferenceContext& c, int i);
// Rank of `s` must be `rank` (when known).
void require_rank(InferenceContext& c, int i, int rank);

}  // namespace varflow::shape_rules
