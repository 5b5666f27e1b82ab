"""varflow: TensorFlow 1.x's training machinery on a native C++ core.

``import varflow as tf`` gives TF1's graph-mode API: graphs, placeholders, variables,
collections, ``tf.gradients`` and ``tf.Session``.
"""

from __future__ import annotations

import ctypes as _ctypes


def _preload_blas() -> None:
    """Loads scipy-openblas32's library so the compiled module finds it wherever it lives."""
    import os

    import scipy_openblas32

    lib_dir = scipy_openblas32.get_lib_dir()
    for name in os.listdir(lib_dir):
        if name.startswith("libscipy_openblas") and ".so" in name:
            _ctypes.CDLL(os.path.join(lib_dir, name), mode=_ctypes.RTLD_GLOBAL)
            return


_preload_blas()

from varflow import (  # noqa: E402  # noqa: E402
    _core,
    compat,
    contrib,
    errors,
    gfile,
    io,
    layers,
    losses,
    metrics,
    nn,  # noqa: E402
    python_io,
    summary,  # noqa: E402  (tf.summary; needs tensorboard only when used)
    train,
)
from varflow import tf_logging as logging  # noqa: E402  (tf.logging; not the stdlib's name)
from varflow import data  # noqa: E402  (tf.data)
from varflow.data.parsing_ops import (  # noqa: E402  (tf.data's Example parsing)
    FixedLenFeature,
    VarLenFeature,
    parse_example,
    parse_single_example,
)
from varflow.array_ops import (  # noqa: E402  # noqa: E402  # noqa: E402  (op library, part 2)
    boolean_mask,
    broadcast_to,
    cast,
    concat,
    expand_dims,
    fill,
    gather,
    identity,
    one_hot,
    ones,
    ones_like,
    pad,
    placeholder,
    placeholder_with_default,
    rank,
    reshape,
    shape,
    size,
    slice,
    split,
    squeeze,
    stack,
    stop_gradient,
    strided_slice,
    tile,  # noqa: A004
    transpose,
    unstack,
    zeros,
    zeros_like,
)
from varflow.clip_ops import (  # noqa: E402
    clip_by_average_norm,
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    global_norm,
)
from varflow.compat.behavior import (  # noqa: E402
    control_flow_v2_enabled,
    disable_control_flow_v2,
    disable_eager_execution,
    disable_resource_variables,
    disable_tensor_equality,
    disable_v2_behavior,
    disable_v2_tensorshape,
    enable_control_flow_v2,
    enable_resource_variables,
    enable_tensor_equality,
    enable_v2_behavior,
    enable_v2_tensorshape,
    resource_variables_enabled,
)
from varflow.control_flow_ops import case, cond, group, no_op, tuple, while_loop  # noqa: A004, E402
from varflow import nest  # noqa: E402  (tf.nest)
from varflow.functional_ops import foldl, foldr, map_fn, scan  # noqa: E402
from varflow.tensor_array_ops import TensorArray  # noqa: E402
from varflow.array_ops import ensure_shape  # noqa: E402
from varflow.reverse_ops import reverse, reverse_sequence, reverse_v2, roll  # noqa: E402
from varflow.script_ops import numpy_function, py_func, py_function  # noqa: E402
from varflow.sort_ops import argsort, sort  # noqa: E402
from varflow.dtypes import (  # noqa: E402
    DType,
    as_dtype,
    bool,  # noqa: A004
    double,
    float32,
    float64,
    int32,
    int64,
)
from varflow.dtypes import (  # noqa: E402  (TF1's other dtypes)
    bfloat16,
    complex64,
    complex128,
    float16,
    half,
    int8,
    int16,
    string,
    uint8,
    uint16,
    uint32,
    uint64,
)
from varflow import strings  # noqa: E402
from varflow.string_ops import as_string, string_join, string_to_number  # noqa: E402
from varflow.string_ops import regex_replace, string_split  # noqa: E402  (TF1's top-level names)
from varflow import sparse  # noqa: E402  (tf.sparse)
from varflow.sparse_tensor import (  # noqa: E402
    SparseTensor,
    SparseTensorValue,
    convert_to_tensor_or_sparse_tensor,
    sparse_placeholder,
)
from varflow.sparse_ops import (  # noqa: E402
    gather_nd,
    scatter_nd,
    sparse_add,
    sparse_fill_empty_rows,
    sparse_reduce_sum,
    sparse_reorder,
    sparse_reset_shape,
    sparse_reshape,
    sparse_retain,
    sparse_segment_mean,
    sparse_segment_sqrt_n,
    sparse_segment_sum,
    sparse_tensor_dense_matmul,
    sparse_tensor_to_dense,
    sparse_to_dense,
)
from varflow.eager import (  # noqa: E402
    GradientTape,
    enable_eager_execution,
    executing_eagerly,
    function,
)
from varflow.errors import OpError  # noqa: E402
from varflow.data_flow_ops import (  # noqa: E402  (TF1's queues)
    FIFOQueue,
    PaddingFIFOQueue,
    QueueBase,
    RandomShuffleQueue,
)
from varflow.gradients_impl import UnconnectedGradients, gradients  # noqa: E402
from varflow.graph import (  # noqa: E402
    Graph,
    GraphKeys,
    Operation,
    Tensor,
    add_to_collection,
    add_to_collections,
    clear_collection,
    constant,
    control_dependencies,
    convert_to_tensor,
    device,
    get_all_collection_keys,
    get_collection,
    get_collection_ref,
    get_default_graph,
    name_scope,
    reset_default_graph,
)
from varflow.init_ops import (  # noqa: E402
    constant_initializer,
    get_seed,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    initializers,
    ones_initializer,
    random,
    random_normal,
    random_normal_initializer,
    random_uniform,
    random_uniform_initializer,
    set_random_seed,
    truncated_normal,
    truncated_normal_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from varflow.math_ops import (  # noqa: E402  # noqa: E402
    add,
    add_n,
    argmax,
    argmin,
    cumprod,
    div,
    divide,
    floordiv,
    matmul,
    multiply,
    negative,
    range,
    realdiv,
    reduce_all,
    reduce_any,
    reduce_max,
    reduce_mean,
    reduce_min,  # noqa: A004
    reduce_prod,
    reduce_sum,
    subtract,
    tensordot,
    truediv,
    truncatediv,
    unsorted_segment_sum,
)
from varflow.metrics_impl import confusion_matrix  # noqa: E402

newaxis = None
from varflow.math_ops import (  # noqa: E402
    abs,  # noqa: A004
    ceil,
    cos,
    cumsum,
    equal,
    exp,
    expm1,
    floor,
    floormod,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    maximum,
    minimum,
    mod,
    not_equal,
    pow,  # noqa: A004
    reciprocal,
    round,  # noqa: A004
    rsqrt,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    squared_difference,
    tanh,
    where,
)
from varflow.framework import graph_util  # noqa: E402  (tf.graph_util)
from varflow.framework import import_graph_def  # noqa: E402
from varflow.session import (  # noqa: E402
    ConfigProto,
    GPUOptions,
    InteractiveSession,
    RunMetadata,
    RunOptions,
    Session,
    get_default_session,
)
from varflow.state_ops import assign, assign_add, assign_sub, is_variable_initialized  # noqa: E402
from varflow.tensor_shape import Dimension, TensorShape  # noqa: E402
from varflow.tf1_aliases import (  # noqa: E402
    arg_max,
    arg_min,
    count_nonzero,
    floor_div,
    get_local_variable,
    initialize_all_tables,
    is_tensor,
    log_sigmoid,
    matrix_transpose,
    reduce_logsumexp,
    scalar_mul,
    tables_initializer,
    to_double,
    to_float,
    to_int32,
    to_int64,
)
from varflow.tf_logging import get_logger  # noqa: E402
from varflow.partitioned_variables import (  # noqa: E402
    PartitionedVariable,
    fixed_size_partitioner,
    min_max_variable_partitioner,
    variable_axis_size_partitioner,
)
from varflow.variable_scope import (  # noqa: E402
    AUTO_REUSE,
    VariableScope,
    get_variable,
    get_variable_scope,
    variable_op_scope,
    variable_scope,
)
from varflow.variables import (  # noqa: E402
    Variable,
    all_variables,
    global_variables,
    global_variables_initializer,
    initialize_all_variables,
    initialize_local_variables,
    initialize_variables,
    local_variables,
    local_variables_initializer,
    model_variables,
    moving_average_variables,
    report_uninitialized_variables,
    trainable_variables,
    variables_initializer,
)

from varflow import linalg_namespace as linalg  # noqa: E402  (tf.linalg)
from varflow import math_namespace as math  # noqa: E402  (tf.math)

__version__ = _core.build_info()["version"]
VERSION = __version__  # tf.VERSION: varflow's own version
sub = subtract
mul = multiply
neg = negative
dtypes_float32 = float32


def __getattr__(name: str):
    # tf.app and tf.flags load absl-py on first use, so that `import varflow` does not.
    if name in ("app", "flags"):
        import importlib

        return importlib.import_module(f"varflow.{name}")
    # TF1's top-level proto classes, loaded with tensorboard only when a script uses them.
    if name in ("Summary", "Event", "SessionLog", "HistogramProto", "SummaryMetadata"):
        return getattr(summary, name)
    from varflow.framework import PROTO_CLASSES, proto_class

    if name in PROTO_CLASSES:  # tf.GraphDef, tf.MetaGraphDef, tf.NodeDef, tf.AttrValue...
        return proto_class(name)
    from varflow.tf1_aliases import unimplemented_message

    raise AttributeError(
        unimplemented_message(name) or f"module 'varflow' has no attribute '{name}'"
    )


def __dir__():
    return sorted(set(globals()) | {"app", "flags"})


def build_info() -> dict:
    """Version, compiler, compiled and selected SIMD variants, BLAS and thread count."""
    return _core.build_info()


def cmake_prefix() -> str:
    """The prefix to pass as CMAKE_PREFIX_PATH so C++ projects can find_package(varflow)."""
    import os

    return os.path.dirname(os.path.abspath(_core.__file__))


del dtypes_float32

# --- assertions, numeric checks and printing (tf.debugging; check_ops, logging_ops) ----------
from varflow import debugging  # noqa: E402
from varflow.check_ops import (  # noqa: E402
    Assert,
    assert_equal,
    assert_greater,
    assert_greater_equal,
    assert_integer,
    assert_less,
    assert_less_equal,
    assert_near,
    assert_negative,
    assert_non_negative,
    assert_non_positive,
    assert_none_equal,
    assert_positive,
    assert_proper_iterable,
    assert_rank,
    assert_rank_at_least,
    assert_rank_in,
    assert_same_float_dtype,
    assert_scalar,
    assert_type,
    is_non_decreasing,
    is_numeric_tensor,
    is_strictly_increasing,
)
from varflow.logging_ops import Print, check_numerics, verify_tensor_all_finite  # noqa: E402
from varflow.logging_ops import print_v2 as print  # noqa: E402, A001  (tf.print)

# --- queue and random leftovers (tf.queue, tf.random_shuffle, tf.count_up_to) ----------------
from varflow.data_flow_ops import count_up_to, queue, random_shuffle  # noqa: E402

random.shuffle = random_shuffle
random.log_uniform_candidate_sampler = nn.log_uniform_candidate_sampler
random.uniform_candidate_sampler = nn.uniform_candidate_sampler
random.fixed_unigram_candidate_sampler = nn.fixed_unigram_candidate_sampler
random.learned_unigram_candidate_sampler = nn.learned_unigram_candidate_sampler
random.all_candidate_sampler = nn.all_candidate_sampler

# --- TF1's special functions and array helpers (special_math_ops) ---------------------------
from varflow.special_math_ops import (  # noqa: E402
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    betainc,
    bincount,
    cosh,
    digamma,
    einsum,
    erf,
    erfc,
    eye,
    igamma,
    igammac,
    is_finite,
    is_inf,
    is_nan,
    lgamma,
    lin_space,
    linspace,
    multinomial,
    polygamma,
    rint,
    sequence_mask,
    sinh,
    tan,
    truncatemod,
    where_v2,
    zeta,
)
from varflow.special_math_ops import categorical as _categorical  # noqa: E402

random.categorical = _categorical
random.multinomial = multinomial
del _categorical
