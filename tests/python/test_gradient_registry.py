"""Registry-driven gradient check: every op the registry marks differentiable has a case here,
built through the public API, whose gradient matches central finite differences in float64.

A new differentiable op without a case fails `test_every_differentiable_op_has_a_case`.
"""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from finite_differences import numeric_gradient
from varflow import _core
from varflow.rnn_cell_block import lstm_block_cell

R = np.random.default_rng(11)


def u(*shape, lo=-2.0, hi=2.0):
    return R.uniform(lo, hi, size=shape)


def away(*shape, gap=0.3):
    """Values at least `gap` from zero and from each other's kinks (|x| in [gap, 2])."""
    return R.uniform(gap, 2.0, size=shape) * R.choice([-1.0, 1.0], size=shape)


def op(name):
    """A case builder calling a one-argument API function."""
    return getattr(tf, name) if hasattr(tf, name) else getattr(tf.nn, name)


# op type -> (function of float64 tensors, list of input values). Non-float inputs are fixed
# inside the function. The op type must appear in the graph the function builds.
CASES = {
    "Abs": (tf.abs, [away(2, 3)]),
    "Add": (tf.add, [u(2, 3), u(3)]),
    "AddV2": (lambda a, b: a + b, [u(2, 3), u(2, 1)]),
    "AddN": (lambda a, b, c: tf.add_n([a, b, c]), [u(2, 2), u(2, 2), u(2, 2)]),
    "AvgPool": (lambda x: tf.nn.avg_pool(x, 3, 2, "SAME"), [u(2, 5, 5, 2)]),
    "AvgPoolGrad": (
        lambda x, g: tf.gradients(tf.nn.avg_pool(x, 2, 1, "SAME"), x, grad_ys=g)[0] * x,
        [u(1, 3, 3, 2), u(1, 3, 3, 2)],
    ),
    "BatchMatMul": (
        lambda a, b: tf.get_default_graph().create_op("BatchMatMul", [a, b], {}).outputs[0],
        [u(2, 2, 3), u(2, 3, 2)],
    ),
    "BatchMatMulV2": (lambda a, b: tf.matmul(a, b), [u(2, 2, 3), u(3, 4)]),
    "BiasAdd": (tf.nn.bias_add, [u(2, 3), u(3)]),
    "BroadcastTo": (lambda a: tf.broadcast_to(a, [2, 3]), [u(3)]),
    "Cast": (lambda a: tf.cast(tf.cast(a, tf.float32), tf.float64) * 1.0, [u(3)]),
    "ClipByValue": (lambda a: tf.clip_by_value(a, -1.0, 1.0), [np.array([-1.7, -0.4, 0.3, 1.6])]),
    "ConcatV2": (lambda a, b: tf.concat([a, b], axis=1), [u(2, 2), u(2, 3)]),
    "Conv2D": (
        lambda x, f: tf.nn.conv2d(x, f, [1, 2, 1, 1], "SAME", dilations=[1, 1, 2, 1]),
        [u(2, 5, 5, 2), u(3, 2, 2, 3)],
    ),
    "Conv2DBackpropFilter": (
        lambda x, dy: tf.nn.conv2d_backprop_filter(x, [3, 3, 2, 3], dy, [1, 2, 2, 1], "VALID"),
        [u(2, 5, 6, 2), u(2, 2, 2, 3)],
    ),
    "Conv2DBackpropInput": (
        lambda f, dy: tf.nn.conv2d_transpose(dy, f, [2, 5, 5, 2], [1, 2, 2, 1], "SAME"),
        [u(3, 3, 2, 3), u(2, 3, 3, 3)],
    ),
    "Conv3D": (
        lambda x, f: tf.nn.conv3d(x, f, [1, 2, 1, 1, 1], "SAME", dilations=[1, 1, 1, 2, 1]),
        [u(1, 4, 3, 4, 2), u(2, 2, 2, 2, 3)],
    ),
    "Conv3DBackpropInputV2": (
        lambda f, dy: tf.nn.conv3d_transpose(dy, f, [1, 4, 3, 3, 2], [1, 2, 1, 1, 1], "VALID"),
        [u(2, 2, 2, 2, 3), u(1, 2, 2, 2, 3)],
    ),
    "Conv3DBackpropFilterV2": (
        lambda x, dy: tf.nn.conv3d_backprop_filter_v2(
            x, [2, 2, 2, 2, 3], dy, [1, 1, 1, 1, 1], "VALID"
        ),
        [u(1, 3, 3, 3, 2), u(1, 2, 2, 2, 3)],
    ),
    "Cos": (tf.cos, [u(3)]),
    "MaxPool3D": (lambda x: tf.nn.max_pool3d(x, 2, [1, 2, 1, 2, 1], "SAME"), [u(1, 3, 3, 4, 2)]),
    "MaxPool3DGrad": (
        lambda x, g: tf.gradients(tf.nn.max_pool3d(x, 2, 1, "VALID"), x, grad_ys=g)[0] * x,
        [u(1, 3, 3, 3, 2), u(1, 2, 2, 2, 2)],
    ),
    "MaxPool3DGradGrad": (
        lambda x, g: tf.gradients(
            tf.gradients(tf.nn.max_pool3d(x, 2, 1, "VALID"), x, grad_ys=g)[0] * x, g
        )[0],
        [u(1, 3, 3, 3, 2), u(1, 2, 2, 2, 2)],
    ),
    "AvgPool3D": (lambda x: tf.nn.avg_pool3d(x, 3, 2, "SAME"), [u(2, 3, 4, 5, 2)]),
    "AvgPool3DGrad": (
        lambda x, g: tf.gradients(tf.nn.avg_pool3d(x, 2, 1, "SAME"), x, grad_ys=g)[0] * x,
        [u(1, 3, 3, 3, 2), u(1, 3, 3, 3, 2)],
    ),
    "Cumprod": (lambda a: tf.cumprod(a, axis=1, exclusive=True, reverse=True), [away(2, 4)]),
    "Cumsum": (lambda a: tf.cumsum(a, axis=0, exclusive=True), [u(3, 2)]),
    "DepthwiseConv2dNative": (
        lambda x, f: tf.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "SAME", rate=[2, 1]),
        [u(2, 5, 4, 3), u(2, 2, 3, 2)],
    ),
    "DepthwiseConv2dNativeBackpropFilter": (
        lambda x, f, g: tf.gradients(
            tf.nn.depthwise_conv2d(x, f, [1, 2, 2, 1], "VALID"), f, grad_ys=g
        )[0],
        [u(1, 5, 5, 2), u(2, 2, 2, 2), u(1, 2, 2, 4)],
    ),
    "DepthwiseConv2dNativeBackpropInput": (
        lambda x, f, g: tf.gradients(
            tf.nn.depthwise_conv2d(x, f, [1, 2, 2, 1], "SAME"), x, grad_ys=g
        )[0],
        [u(1, 5, 4, 2), u(3, 2, 2, 2), u(1, 3, 2, 4)],
    ),
    "Div": (tf.div, [u(3), away(3)]),
    "Elu": (tf.nn.elu, [away(4)]),
    "EluGrad": (lambda g, y: tf.gradients(tf.nn.elu(y), y, grad_ys=g)[0], [u(4), away(4)]),
    "Exp": (tf.exp, [u(3)]),
    "ExpandDims": (lambda a: tf.expand_dims(a, 1), [u(2, 3)]),
    "Expm1": (tf.expm1, [u(3)]),
    "Fill": (lambda v: tf.fill([2, 3], v), [np.array(0.7)]),
    "FloorMod": (tf.floormod, [np.array([2.3, -1.7, 5.2]), np.array([1.1, 0.9, -2.0])]),
    "Gather": (
        lambda p: (
            tf.get_default_graph()
            .create_op("Gather", [tf.convert_to_tensor(p), tf.constant([2, 0, 2])], {})
            .outputs[0]
        ),
        [u(3, 2)],
    ),
    "GatherV2": (lambda p: tf.gather(p, [1, 1, 0], axis=1), [u(2, 3)]),
    "GlobalNorm": (lambda a, b: tf.global_norm([a, b]), [u(3), u(2, 2)]),
    "Identity": (tf.identity, [u(3)]),
    "EnsureShape": (lambda a: tf.ensure_shape(a, [2, None]), [u(2, 3)]),
    "TensorArrayScatter": (
        lambda a, b: tf.TensorArray(tf.float64, size=3).unstack(a).write(1, b).stack(),
        [u(3, 2), u(2)],
    ),
    "TensorArrayGather": (
        lambda a: tf.TensorArray(tf.float64, size=3).unstack(a).gather([2, 0, 2]),
        [u(3, 2)],
    ),
    "TensorArrayGatherGrad": (
        lambda a, g: (
            tf.gradients(tf.TensorArray(tf.float64, size=3).unstack(a).read(1), a, grad_ys=g)[0] * a
        ),
        [u(3, 2), u(2)],
    ),
    "TensorArrayAccumulate": (
        lambda a, v: (
            tf.get_default_graph()
            .create_op("TensorArrayAccumulate", [a, tf.constant([0, 2]), v])
            .outputs[0]
        ),
        [u(3, 2), u(2, 2)],
    ),
    "LSTMBlockCell": (
        lambda x, cs, h, w, wci, wcf, wco, b: tf.concat(
            [
                o
                for k, o in enumerate(
                    lstm_block_cell(
                        x, cs, h, w, b, wci, wcf, wco, forget_bias=0.4, use_peephole=True
                    )
                )
                if k in (1, 6)  # only cs and h carry gradients, as in TF
            ],
            1,
        ),
        [u(2, 3), u(2, 4), u(2, 4), u(7, 16, lo=-1, hi=1), u(4), u(4), u(4), u(16)],
    ),
    "L2Loss": (tf.nn.l2_loss, [u(2, 3)]),
    "LRN": (lambda x: tf.nn.lrn(x, 2, 1.5, 0.3, 0.75), [u(1, 2, 2, 6)]),
    "LeakyRelu": (lambda a: tf.nn.leaky_relu(a, alpha=0.3), [away(4)]),
    "LeakyReluGrad": (
        lambda g, x: tf.gradients(tf.nn.leaky_relu(x, alpha=0.3), x, grad_ys=g)[0],
        [u(4), away(4)],
    ),
    "Log": (tf.log, [u(3, lo=0.5)]),
    "Log1p": (tf.log1p, [u(3, lo=-0.5)]),
    "LogSoftmax": (tf.nn.log_softmax, [u(2, 3)]),
    "MatMul": (lambda a, b: tf.matmul(a, b, transpose_b=True), [u(2, 3), u(4, 3)]),
    "MaxPool": (lambda x: tf.nn.max_pool(x, 3, 2, "SAME"), [u(2, 5, 5, 2)]),
    "MaxPoolGrad": (
        lambda x, g: tf.gradients(tf.nn.max_pool(x, 2, 2, "VALID"), x, grad_ys=g)[0],
        [u(1, 4, 4, 2), u(1, 2, 2, 2)],
    ),
    "MaxPoolGradGrad": (
        lambda x, gy, h: tf.gradients(
            tf.gradients(tf.nn.max_pool(x, 2, 2, "VALID"), x, grad_ys=gy)[0], gy, grad_ys=h
        )[0],
        [u(1, 4, 4, 2), u(1, 2, 2, 2), u(1, 4, 4, 2)],
    ),
    "MaxPoolGradGradWithArgmax": (
        lambda x, gy, h: tf.gradients(
            tf.gradients(tf.nn.max_pool_with_argmax(x, 2, 2, "SAME")[0], x, grad_ys=gy)[0],
            gy,
            grad_ys=h,
        )[0],
        [u(1, 3, 3, 2), u(1, 2, 2, 2), u(1, 3, 3, 2)],
    ),
    "MaxPoolGradWithArgmax": (
        lambda x, g: tf.gradients(tf.nn.max_pool_with_argmax(x, 2, 2, "SAME")[0], x, grad_ys=g)[0],
        [u(1, 3, 3, 2), u(1, 2, 2, 2)],
    ),
    "MaxPoolWithArgmax": (
        lambda x: tf.nn.max_pool_with_argmax(x, 3, 2, "VALID")[0],
        [u(2, 5, 5, 2)],
    ),
    "Max": (lambda a: tf.reduce_max(a, axis=1), [u(2, 4)]),
    "Maximum": (tf.maximum, [np.array([1.0, -2.0, 0.5]), np.array([0.2, -1.0, 1.5])]),
    "Mean": (lambda a: tf.reduce_mean(a, axis=[0], keepdims=True), [u(3, 2)]),
    "Min": (lambda a: tf.reduce_min(a, axis=0), [u(3, 2)]),
    "Minimum": (tf.minimum, [np.array([1.0, -2.0, 0.5]), np.array([0.2, -1.0, 1.5])]),
    "MirrorPad": (lambda a: tf.pad(a, [[1, 2], [2, 1]], mode="REFLECT"), [u(3, 3)]),
    "MirrorPadGrad": (
        lambda a, g: (
            tf.gradients(tf.pad(a, [[2, 1], [0, 2]], mode="SYMMETRIC"), a, grad_ys=g)[0] * a
        ),
        [u(3, 2), u(6, 4)],
    ),
    "Mul": (tf.multiply, [u(2, 3), u(2, 3)]),
    "Neg": (tf.negative, [u(3)]),
    "Pack": (lambda a, b: tf.stack([a, b], axis=1), [u(3), u(3)]),
    "Pad": (lambda a: tf.pad(a, [[1, 0], [0, 2]]), [u(2, 2)]),
    "PadV2": (lambda a: tf.pad(a, [[1, 0], [0, 2]], constant_values=1.5), [u(2, 2)]),
    "PlaceholderWithDefault": (lambda a: tf.placeholder_with_default(a, shape=(3,)), [u(3)]),
    "Pow": (tf.pow, [u(3, lo=0.5), u(3)]),
    "Prod": (lambda a: tf.reduce_prod(a, axis=1), [away(2, 3)]),
    "RealDiv": (tf.realdiv, [u(3), away(3)]),
    "Reciprocal": (tf.reciprocal, [away(3)]),
    "ReciprocalGrad": (
        lambda y, g: tf.gradients(tf.reciprocal(y), y, grad_ys=g)[0],
        [away(3), u(3)],
    ),
    "Relu": (tf.nn.relu, [away(4)]),
    "Relu6": (tf.nn.relu6, [np.array([-1.0, 0.5, 3.0, 7.0])]),
    "Relu6Grad": (
        lambda g, x: tf.gradients(tf.nn.relu6(x), x, grad_ys=g)[0],
        [u(4), np.array([-1.0, 0.5, 3.0, 7.0])],
    ),
    "ReluGrad": (lambda g, x: tf.gradients(tf.nn.relu(x), x, grad_ys=g)[0], [u(4), away(4)]),
    "Reshape": (lambda a: tf.reshape(a, [3, -1]), [u(2, 3)]),
    "Rsqrt": (tf.rsqrt, [u(3, lo=0.5)]),
    "RsqrtGrad": (lambda y, g: tf.gradients(tf.rsqrt(y), y, grad_ys=g)[0], [u(3, lo=0.5), u(3)]),
    "Select": (lambda t, e: tf.where(tf.constant([True, False, True]), t, e), [u(3), u(3)]),
    "Selu": (tf.nn.selu, [away(4)]),
    "SeluGrad": (lambda g, x: tf.gradients(tf.nn.selu(x), x, grad_ys=g)[0], [u(4), away(4)]),
    "Sigmoid": (tf.sigmoid, [u(3)]),
    "SigmoidGrad": (lambda y, g: tf.gradients(tf.sigmoid(y), y, grad_ys=g)[0], [u(3), u(3)]),
    "Sign": (lambda a: tf.sign(a) * a, [away(3)]),
    "Sin": (tf.sin, [u(3)]),
    "Slice": (lambda a: tf.slice(a, [0, 1], [2, 2]), [u(3, 3)]),
    "Softmax": (tf.nn.softmax, [u(2, 3)]),
    "SoftmaxCrossEntropyWithLogits": (
        lambda x, y: tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.nn.softmax(y), logits=x),
        [u(2, 3), u(2, 3)],
    ),
    "Softplus": (tf.nn.softplus, [u(3)]),
    "SoftplusGrad": (lambda g, x: tf.gradients(tf.nn.softplus(x), x, grad_ys=g)[0], [u(3), u(3)]),
    "SparseSoftmaxCrossEntropyWithLogits": (
        lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.constant([2, 0]), logits=x
        ),
        [u(2, 3)],
    ),
    "Split": (lambda a: tf.split(a, 2, axis=1)[1], [u(2, 4)]),
    "SplitV": (lambda a: tf.split(a, [1, 3], axis=1)[1], [u(2, 4)]),
    "Sqrt": (tf.sqrt, [u(3, lo=0.5)]),
    "SqrtGrad": (lambda y, g: tf.gradients(tf.sqrt(y), y, grad_ys=g)[0], [u(3, lo=0.5), u(3)]),
    "Square": (tf.square, [u(3)]),
    "SquaredDifference": (tf.squared_difference, [u(3), u(3)]),
    "Squeeze": (lambda a: tf.squeeze(a, axis=[1]), [u(2, 1, 3)]),
    "StridedSlice": (lambda a: a[1:, ::-2], [u(3, 4)]),
    "StridedSliceGrad": (
        lambda a, g: tf.gradients(a[1:, ::2], a, grad_ys=g)[0] * a,
        [u(3, 4), u(2, 2)],
    ),
    "Sub": (tf.subtract, [u(2, 3), u(1, 3)]),
    "Sum": (lambda a: tf.reduce_sum(a, axis=[0, 2]), [u(2, 3, 2)]),
    "SumToShape": (lambda a, b: tf.gradients(tf.reduce_sum(tf.sin(a * b)), b)[0], [u(2, 3), u(3)]),
    "Tanh": (tf.tanh, [u(3)]),
    "TanhGrad": (lambda y, g: tf.gradients(tf.tanh(y), y, grad_ys=g)[0], [u(3), u(3)]),
    "Tile": (lambda a: tf.tile(a, [2, 3]), [u(2, 2)]),
    "ReverseV2": (lambda a: tf.reverse(a, [0, -1]), [u(3, 4)]),
    "CheckNumerics": (lambda a: tf.check_numerics(a, "checked"), [u(2, 3)]),
    "Print": (lambda a: tf.Print(a, [a], "printed", first_n=1), [u(2, 3)]),
    "TopKV2": (
        lambda a: tf.nn.top_k(a, 2).values,
        [np.arange(12.0).reshape(3, 4) / 5 + u(3, 4) / 50],
    ),
    "EagerPyFunc": (
        lambda a: tf.py_function(lambda v: v * v * 2.0 + tf.sin(v), [a], tf.float64),
        [u(2, 3)],
    ),
    "ReverseSequence": (lambda a: tf.reverse_sequence(a, [2, 0, 3], seq_axis=1), [u(3, 4)]),
    "Roll": (lambda a: tf.roll(a, [1, -3], [0, 1]), [u(3, 4)]),
    "Transpose": (lambda a: tf.transpose(a, [2, 0, 1]), [u(2, 3, 4)]),
    "Unpack": (lambda a: tf.unstack(a, axis=1)[1], [u(2, 3)]),
    "UnsortedSegmentSum": (
        lambda d: tf.unsorted_segment_sum(d, tf.constant([0, 2, 0]), 3),
        [u(3, 2)],
    ),
    # The sparse ops (values and dense operands are the differentiable inputs).
    "SparseToDense": (
        lambda v, d: tf.sparse_to_dense([[0, 1], [2, 0]], [3, 2], v, default_value=d),
        [u(2), u()],
    ),
    "SparseReorder": (
        lambda v: tf.sparse.reorder(tf.SparseTensor([[2, 0], [0, 1], [1, 1]], v, [3, 2])).values,
        [u(3)],
    ),
    "SparseAdd": (
        lambda a, b: (
            tf.sparse_add(
                tf.SparseTensor([[0, 0], [1, 1], [2, 0]], a, [3, 2]),
                tf.SparseTensor([[0, 0], [2, 0], [2, 1]], b, [3, 2]),
            ).values
        ),
        [u(3), u(3)],
    ),
    "SparseTensorDenseAdd": (
        lambda v, d: tf.sparse_add(tf.SparseTensor([[0, 1], [2, 0]], v, [3, 2]), d),
        [u(2), u(3, 2)],
    ),
    "SparseReduceSum": (
        lambda v: tf.sparse_reduce_sum(
            tf.SparseTensor([[0, 0, 1], [0, 2, 0], [1, 2, 1]], v, [2, 3, 2]), axis=1
        ),
        [u(3)],
    ),
    "SparseTensorDenseMatMul": (
        lambda v, b: tf.sparse_tensor_dense_matmul(
            tf.SparseTensor([[0, 1], [1, 0], [2, 2]], v, [3, 3]), b, adjoint_a=True
        ),
        [u(3), u(3, 2)],
    ),
    "SparseFillEmptyRows": (
        lambda v, d: (
            tf.sparse_fill_empty_rows(tf.SparseTensor([[0, 1], [2, 0]], v, [4, 2]), d)[0].values
        ),
        [u(2), u()],
    ),
    "GatherNd": (lambda p: tf.gather_nd(p, [[1, 0], [0, 2], [1, 0]]), [u(2, 3)]),
    "ScatterNd": (lambda x: tf.scatter_nd([[1], [3], [1]], x, [5]), [u(3)]),
    "SparseSegmentSum": (lambda d: tf.sparse_segment_sum(d, [0, 2, 1, 1], [0, 0, 2, 2]), [u(3, 2)]),
    "SparseSegmentMean": (
        lambda d: tf.sparse_segment_mean(d, [0, 2, 1, 1], [0, 0, 2, 2]),
        [u(3, 2)],
    ),
    "SparseSegmentSqrtN": (
        lambda d: tf.sparse_segment_sqrt_n(d, [0, 2, 1, 1], [0, 0, 2, 2]),
        [u(3, 2)],
    ),
}


def _hvd():
    """varflow.horovod started in this process: one rank (MPI's singleton mode), where every
    collective is the identity; test_horovod.py checks the gradients on 2 ranks."""
    import varflow.horovod as hvd

    if not hvd.mpi_library():
        pytest.skip("MPI is not installed (pip install 'varflow[distributed]')")
    hvd.init()
    return hvd


# TF1's special functions and guarded binary ops (special_math_ops.cc), SelectV2.
CASES.update(
    {
        "Tan": (tf.tan, [u(4, lo=-1.2, hi=1.2)]),
        "Asin": (tf.asin, [u(4, lo=-0.9, hi=0.9)]),
        "Acos": (tf.acos, [u(4, lo=-0.9, hi=0.9)]),
        "Atan": (tf.atan, [u(4)]),
        "Sinh": (tf.sinh, [u(4)]),
        "Cosh": (tf.cosh, [u(4)]),
        "Asinh": (tf.asinh, [u(4)]),
        "Acosh": (tf.acosh, [u(4, lo=1.2, hi=4.0)]),
        "Atanh": (tf.atanh, [u(4, lo=-0.9, hi=0.9)]),
        "Erf": (tf.erf, [u(4)]),
        "Erfc": (tf.erfc, [u(4)]),
        "Lgamma": (tf.lgamma, [u(4, lo=0.3, hi=5.0)]),
        "Digamma": (tf.digamma, [u(4, lo=0.3, hi=5.0)]),
        "Softsign": (tf.nn.softsign, [away(4)]),
        "Atan2": (tf.atan2, [u(2, 3), away(3)]),
        "Xlogy": (tf.math.xlogy, [u(2, 3), u(3, lo=0.2, hi=3.0)]),
        "Xdivy": (tf.math.xdivy, [u(2, 3), away(2, 1)]),
        "Zeta": (
            lambda q: tf.math.zeta(tf.constant([2.0, 3.5, 5.0], tf.float64), q),
            [u(3, lo=0.5, hi=3.0)],
        ),
        "Polygamma": (
            lambda x: tf.math.polygamma(tf.constant([0.0, 1.0, 2.0], tf.float64), x),
            [u(3, lo=0.5, hi=3.0)],
        ),
        "SelectV2": (
            lambda t, e: tf.where_v2(tf.constant([[True], [False]]), t, e),
            [u(2, 3), u(3)],
        ),
        # both regions of igamma: the series (x < a) and the continued fraction (x > a, x > 1)
        "Igamma": (tf.math.igamma, [np.array([0.7, 2.5, 4.0]), np.array([[0.4, 1.5, 6.0]])]),
        "Igammac": (tf.math.igammac, [np.array([[0.7], [3.0]]), np.array([0.3, 2.0, 7.5])]),
        "Betainc": (
            lambda x: tf.math.betainc(
                tf.constant([0.8, 2.0, 5.0], tf.float64), tf.constant(1.5, tf.float64), x
            ),
            [np.array([0.2, 0.5, 0.9])],
        ),
    }
)


CASES.update(
    {
        "HorovodAllreduce": (lambda x: _hvd().allreduce(x * x), [u(2, 3)]),
        "HorovodGroupedAllreduce": (
            lambda a, b: tf.add_n(_hvd().grouped_allreduce([a * a, b])),
            [u(2), u(2)],
        ),
        "HorovodAllgather": (lambda x: _hvd().allgather(x * x), [u(3, 2)]),
        "HorovodBroadcast": (lambda x: _hvd().broadcast(x * x, 0), [u(4)]),
    }
)


# Linear ops through float32 need a step far above float32's rounding.
STEP_AND_TOLERANCE = {"Cast": (1e-2, 1e-4)}


# Ops whose registered gradient raises TF1's LookupError ("No gradient defined"), as TF1 has
# none for them but they are not marked non-differentiable there either.
GRADIENT_RAISES = {
    "IgammaGradA": lambda a: tf.get_default_graph().create_op("IgammaGradA", [a, a]).outputs[0],
}


def test_every_differentiable_op_has_a_case():
    differentiable = {o["name"] for o in _core.registered_ops() if o["has_gradient"]}
    assert sorted(differentiable - set(CASES) - set(GRADIENT_RAISES)) == []


@pytest.mark.parametrize("op_type", sorted(GRADIENT_RAISES))
def test_gradients_tf1_lacks_raise_lookup_error(op_type):
    a = tf.constant(2.0, tf.float64)
    with pytest.raises(LookupError, match=f"No gradient defined.*op type: {op_type}"):
        tf.gradients(GRADIENT_RAISES[op_type](a), a)


@pytest.mark.parametrize("op_type", sorted(CASES))
def test_gradient_matches_finite_differences(op_type):
    build, values = CASES[op_type]
    values = [np.array(v, dtype=np.float64) for v in values]
    inputs = [tf.placeholder(tf.float64, shape=v.shape) for v in values]
    out = build(*inputs)
    types = {o.type for o in tf.get_default_graph().get_operations()}
    assert op_type in types, f"the case for {op_type} does not build it"
    out = tf.convert_to_tensor(out)
    eps, tol = STEP_AND_TOLERANCE.get(op_type, (1e-6, 1e-5))
    with tf.Session() as sess:
        feed = dict(zip(inputs, values))
        weights = R.uniform(0.5, 1.5, size=np.shape(sess.run(out, feed)))
        loss = tf.reduce_sum(out * weights)
        grads = tf.gradients(loss, inputs)
        got = sess.run(
            [g if g is not None else tf.zeros_like(x) for g, x in zip(grads, inputs)], feed
        )
        for value, g in zip(values, got):
            want = numeric_gradient(lambda _: sess.run(loss, feed), value, eps)
            np.testing.assert_allclose(g, want, rtol=tol, atol=tol / 10, err_msg=op_type)
