"""A generator for any registered op created directly (graph.create_op) with inputs of random
count, dtype and shape and random attributes, as a buggy script or a corrupted graph would:
this reaches the internal ops (gradient kernels, ConcatOffset, SumToShape, ...) that the public
functions never feed badly."""

from __future__ import annotations

from .program import DTYPES, Prog
from .registry import Outcome, generator

# The op registry (varflow._core.registered_ops()) at the time of writing; an op added later is
# simply not fuzzed here until it is listed.
OPS = """Abs Add AddN AddV2 All Any ApplyAdaMax ApplyAdadelta ApplyAdagrad ApplyAdagradDA ApplyAdam
ApplyAdamW ApplyAdamWithAmsgrad ApplyCenteredRMSProp ApplyFtrl ApplyFtrlV2 ApplyGradientDescent
ApplyLamb ApplyLion ApplyMomentum ApplyMovingAverages ApplyNadam ApplyProximalAdagrad
ApplyProximalGradientDescent ApplyRMSProp ArgMax ArgMin Assign AssignAdd AssignSub BatchMatMul
BatchMatMulV2 BiasAdd BroadcastTo Cast Ceil ClipByValue ConcatOffset ConcatV2 Const Cos Cumprod
Cumsum Div Elu EluGrad Equal Exp ExpandDims Expm1 Fill Floor FloorDiv FloorMod Gather GatherV2
GlobalNorm GlobalNormOfUpdates Greater GreaterEqual Identity InitializedValue InvertPermutation
IsVariableInitialized L2Loss LeakyRelu LeakyReluGrad Less LessEqual ListDiff Log Log1p LogSoftmax
LogicalAnd LogicalNot LogicalOr MatMul Max Maximum Mean Min Minimum MirrorPad MirrorPadGrad Mul
Neg NoOp NotEqual OneHot OnesLike Pack Pad PadV2 PiecewiseConstant Placeholder
PlaceholderWithDefault Pow Prod RandomStandardNormal RandomUniform RandomUniformInt Range Rank
RealDiv Reciprocal ReciprocalGrad ReducedShape Relu Relu6 Relu6Grad ReluGrad
ReportUninitializedVariables Reshape Round Rsqrt RsqrtGrad ScheduleStandardNormal Select Selu
SeluGrad Shape Sigmoid SigmoidGrad Sign Sin Size Slice Softmax SoftmaxCrossEntropyWithLogits
Softplus SoftplusGrad SparseSoftmaxCrossEntropyWithLogits Split SplitV Sqrt SqrtGrad Square
SquaredDifference Squeeze StopGradient StridedSlice StridedSliceGrad Sub Sum SumToShape Tanh
TanhGrad Tile Transpose TruncatedNormal Unpack UnsortedSegmentSum Where ZerosLike""".split()  # noqa: SIM905

ATTRS = {
    "axis": ("-1", "0", "1", "5", "-(2**31)", "2**40"),
    "N": ("0", "1", "2", "2**31"),
    "num": ("0", "1", "3", "-1"),
    "num_split": ("0", "1", "2", "-2"),
    "keep_dims": ("True", "False", "3"),
    "transpose_a": ("True", "'x'"),
    "adj_x": ("True", "None"),
    "exclusive": ("True",),
    "alpha": ("0.2", "float('nan')", "-1e308"),
    "begin_mask": ("1", "-1", "2**40"),
    "shrink_axis_mask": ("1", "7", "-1"),
    "new_axis_mask": ("1", "3"),
    "ellipsis_mask": ("1", "3"),
    "dtype": ("tf.float32._core", "tf.int64._core", "tf.bool._core"),
    "T": ("tf.float32._core", "tf.int32._core"),
    "DstT": ("tf.float64._core", "tf.bool._core", "tf.int32._core"),
    "SrcT": ("tf.float64._core", "tf.int32._core"),
    "output_type": ("tf.int32._core", "tf.float32._core"),
    "shape": ("tf._core.Shape([2, -1])", "tf._core.Shape(None)", "tf._core.Shape([2**40])"),
    "mode": ("'REFLECT'", "'SYMMETRIC'", "'bogus'", "''"),
    "data_format": ("'NCHW'", "'NHWC'", "'?'"),
    "seed": ("1", "-1", "2**63 - 1"),
    "seed2": ("0", "2**31"),
    "value": ("np.zeros((2, 0))", "np.array(3)", "np.array([1.5, 2])"),
    "boundaries": ("[1, 0]", "[]", "[float('nan')]"),
    "values": ("[1.0]", "[]", "[1.0, 2.0, 3.0]"),
    "use_locking": ("True",),
    "use_nesterov": ("True",),
    "depth": ("-1", "3"),
    "perm": ("[1, 0]", "[0, 0]"),
    "squeeze_dims": ("[0]", "[5]", "[-1, -1]"),
}


@generator("raw_op", 3.0)
def _raw_op(p: Prog) -> Outcome:
    op = p.choice(OPS)
    n = int(p.rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4]))
    inputs = []
    for _ in range(n):
        dtype = p.choice(DTYPES)
        if dtype in ("int32", "int64") and p.chance(0.5):
            # Small non-negative integers read as shapes, axes, indices and multiples.
            arr = abs(p.values(p.shape(max_rank=2), dtype, special=0.05)) % 4
        else:
            arr = p.values(p.shape(max_rank=3), dtype)
        t, _ = p.tensor(arr, p.choice(["const", "ph", "ph_shape"]))
        inputs.append(t)
    attrs = {}
    for _ in range(int(p.rng.choice([0, 0, 1, 1, 2, 3]))):
        key = p.choice(sorted(ATTRS))
        attrs[key] = p.choice(ATTRS[key])
    attr_src = "{" + ", ".join(f"{k!r}: {v}" for k, v in attrs.items()) + "}"
    p.line(
        f"_op = tf.get_default_graph().create_op({op!r}, [{', '.join(inputs)}], {attr_src}, name='fz')"
    )
    p.run("_op.outputs[0] if _op.outputs else _op")
    return Outcome(names=(op,))
