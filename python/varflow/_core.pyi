"""
varflow's C++ core: graph, op registry, gradients, Session and kernels.
"""
from __future__ import annotations
import collections.abc
import numpy
import typing
class DType:
    """
    Members:
    
      float32
    
      float64
    
      int32
    
      int64
    
      bool
    
      string
    
      int8
    
      int16
    
      uint8
    
      uint16
    
      uint32
    
      uint64
    
      float16
    
      bfloat16
    
      complex64
    
      complex128
    """
    __members__: typing.ClassVar[dict[str, DType]]
    bfloat16: typing.ClassVar[DType]
    bool: typing.ClassVar[DType]
    complex128: typing.ClassVar[DType]
    complex64: typing.ClassVar[DType]
    float16: typing.ClassVar[DType]
    float32: typing.ClassVar[DType]
    float64: typing.ClassVar[DType]
    int16: typing.ClassVar[DType]
    int32: typing.ClassVar[DType]
    int64: typing.ClassVar[DType]
    int8: typing.ClassVar[DType]
    string: typing.ClassVar[DType]
    uint16: typing.ClassVar[DType]
    uint32: typing.ClassVar[DType]
    uint64: typing.ClassVar[DType]
    uint8: typing.ClassVar[DType]
    @typing.overload
    def __eq__(self, other: DType) -> bool:
        ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __int__(self) -> int:
        ...
    @typing.overload
    def __ne__(self, other: DType) -> bool:
        ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class Shape:
    def __init__(self, dims: typing.Any = None) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def dims(self) -> typing.Any:
        ...
class Output:
    def __eq__(self, arg0: Output) -> bool:
        ...
    def __hash__(self) -> int:
        ...
    @property
    def dtype(self) -> DType:
        ...
    @property
    def index(self) -> int:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def node(self) -> ...:
        ...
    @property
    def shape(self) -> typing.Any:
        ...
class Node:
    def __eq__(self, arg0: Node) -> bool:
        ...
    def __hash__(self) -> int:
        ...
    def attr_names(self) -> list[str]:
        ...
    def get_attr(self, arg0: str) -> typing.Any:
        ...
    def is_stateful(self) -> bool:
        ...
    def output(self, index: typing.SupportsInt | typing.SupportsIndex = 0) -> Output:
        ...
    def output_dtype(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> DType:
        ...
    def output_shape(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> typing.Any:
        ...
    @property
    def consumers(self) -> list[Node]:
        ...
    @property
    def control_inputs(self) -> list[Node]:
        ...
    @property
    def device(self) -> str:
        ...
    @property
    def graph_uid(self) -> int:
        ...
    @property
    def id(self) -> int:
        ...
    @property
    def inputs(self) -> list[Output]:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def num_outputs(self) -> int:
        ...
    @property
    def type(self) -> str:
        ...
class CollectionStore:
    def __init__(self) -> None:
        ...
class Graph:
    def __init__(self) -> None:
        ...
    def add_node(self, op_type: str, inputs: collections.abc.Sequence[Output], attrs: dict = {}, name: str = '') -> Node:
        ...
    def add_to_collection(self, arg0: str, arg1: Node | Output) -> None:
        ...
    def finalize(self) -> None:
        ...
    def find_node(self, arg0: str) -> Node:
        ...
    def merge_output_shape(self, node: Node, index: typing.SupportsInt | typing.SupportsIndex, shape: list[int | None] | None) -> None:
        """
        Merges `shape` into the static shape of output `index` of `node` (Tensor.set_shape); ValueError if incompatible.
        """
    def next_op_seed(self) -> int:
        ...
    def node(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> Node:
        ...
    def operation_by_name(self, arg0: str) -> Node:
        ...
    def pop_control_dependencies(self) -> None:
        ...
    def push_control_dependencies(self, nodes: collections.abc.Sequence[Node], replace: bool = False) -> None:
        ...
    def set_collection_store(self, arg0: CollectionStore) -> None:
        ...
    def set_device(self, arg0: str) -> None:
        ...
    def set_name_scope(self, arg0: str) -> str:
        ...
    def tensor_by_name(self, arg0: str) -> Output:
        ...
    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        ...
    def variable_info(self, arg0: Node) -> typing.Any:
        ...
    @property
    def device(self) -> str:
        ...
    @property
    def finalized(self) -> bool:
        ...
    @property
    def name_scope(self) -> str:
        ...
    @property
    def num_nodes(self) -> int:
        ...
    @property
    def seed(self) -> int | None:
        ...
    @seed.setter
    def seed(self, arg1: typing.SupportsInt | typing.SupportsIndex | None) -> None:
        ...
    @property
    def uid(self) -> int:
        ...
class VariableInfo:
    @property
    def initial_value(self) -> Output:
        ...
    @property
    def initializer(self) -> Node:
        ...
    @property
    def node(self) -> Node:
        ...
    @property
    def snapshot(self) -> Output:
        ...
    @property
    def trainable(self) -> bool:
        ...
class Plan:
    pass
class Session:
    def __init__(self, graph: Graph, intra_op_threads: typing.SupportsInt | typing.SupportsIndex = 0) -> None:
        ...
    def close(self) -> None:
        ...
    def is_initialized(self, arg0: Node) -> bool:
        ...
    def prepare(self, feeds: collections.abc.Sequence[Output], fetches: collections.abc.Sequence[Output], targets: collections.abc.Sequence[Node]) -> Plan:
        ...
    def run(self, plan: Plan, feed_values: list, frozen_variables: collections.abc.Sequence[Node] = []) -> list:
        ...
    def set_variable_value(self, arg0: Node, arg1: numpy.ndarray) -> None:
        ...
    def variable_value(self, arg0: Node) -> typing.Any:
        ...
    @property
    def closed(self) -> bool:
        ...
class Hyper:
    @typing.overload
    def __init__(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @typing.overload
    def __init__(self, arg0: Output) -> None:
        ...
    @typing.overload
    def __init__(self, arg0: collections.abc.Callable) -> None:
        ...
class Optimizer:
    multi_tensor: bool
    def apply_gradients(self, grads_and_vars: collections.abc.Sequence[tuple[Output | None, Node]], global_step: Node, name: str) -> Node:
        ...
    def compute_gradients(self, loss: Output, var_list: collections.abc.Sequence[Node] | None, gate: typing.SupportsInt | typing.SupportsIndex, grad_loss: Output | None) -> list:
        ...
    def create_non_slot_variable(self, arg0: collections.abc.Callable, arg1: str, arg2: Node) -> Node:
        ...
    def get_non_slot_variable(self, arg0: str, arg1: Graph) -> Node:
        ...
    def get_or_make_slot(self, arg0: Node, arg1: collections.abc.Callable, arg2: str, arg3: str) -> Node:
        ...
    def get_slot(self, arg0: Node, arg1: str) -> Node:
        ...
    def get_slot_names(self) -> list[str]:
        ...
    def set_clip_global_norm(self, clip_norm: Hyper | None) -> None:
        ...
    def variables(self, arg0: Graph) -> list[Node]:
        ...
    def zeros_slot(self, arg0: Node, arg1: str, arg2: str) -> Node:
        ...
    @property
    def last_global_norm(self) -> Output | None:
        ...
    @property
    def name(self) -> str:
        ...
class PythonHookOptimizer(Optimizer):
    def __init__(self, owner: typing.Any, name: str, use_locking: bool) -> None:
        ...
    def base_finish(self, arg0: collections.abc.Sequence[Node], arg1: str) -> Node:
        ...
class BuiltinOptimizer(Optimizer):
    def __init__(self, optimizer: str, args: collections.abc.Sequence[typing.Any]) -> None:
        ...
    @property
    def spec_name(self) -> str:
        ...
def _register_error_class(arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.Any) -> None:
    """
    Maps an error code to the Python exception class raised for it.
    """
def build_info() -> dict:
    """
    Version, compiler, compiled and selected SIMD variants, BLAS and thread count.
    """
def create_variable(graph: Graph, initial_value: collections.abc.Callable[[], Output], name: str, trainable: bool, collections: collections.abc.Sequence[str], validate_shape: bool, dtype: DType | None) -> VariableInfo:
    """
    Builds a variable; `initial_value` runs inside its name scope.
    """
def explain_missing_gradients(arg0: Output, arg1: collections.abc.Sequence[tuple[Output | None, Node]]) -> str:
    ...
def gradients(ys: collections.abc.Sequence[Output], xs: collections.abc.Sequence[Output], grad_ys: collections.abc.Sequence[Output | None], stop_gradients: collections.abc.Sequence[Output], unconnected_zero: bool, name: str, gate_per_op: bool = False) -> list[Output | None]:
    ...
def optimizer_specs() -> list[dict[str, typing.Any]]:
    """
    Every built-in optimizer's table entry (varflow/train/optimizer_specs.h) as plain data.
    """
def has_host_function(token: str) -> bool:
    """
    Whether a host function is registered under `token`.
    """
def register_host_function(token: str, fn: collections.abc.Callable[[list[numpy.ndarray]], list[numpy.ndarray]]) -> None:
    """
    Registers fn(list of arrays) -> list of arrays as the host function `token`.
    """
def registered_ops() -> list:
    """
    Every registered op with its signature and what it defines.
    """
def unregister_host_function(token: str) -> None:
    """
    Removes the host function registered under `token`, if any.
    """
def set_num_threads(n: typing.SupportsInt | typing.SupportsIndex) -> None:
    """
    Sets the intra-op thread pool size (0 = every core).
    """

# --- tf.train composite functions (train_utils_bindings.cc) ------------------------------------
_Builder = collections.abc.Callable[[DType | None, str], Output]
class Arg:
    @typing.overload
    def __init__(self, tensor: Output) -> None:
        ...
    @typing.overload
    def __init__(self, build: _Builder) -> None:
        ...
    @typing.overload
    def __init__(self, number: typing.SupportsFloat, build: _Builder) -> None:
        ...
    @typing.overload
    def __init__(self, number: typing.SupportsFloat) -> None:
        ...
class ExponentialMovingAverage:
    def __init__(self, decay: Arg, num_updates: Arg | None, zero_debias: bool, name: str) -> None:
        ...
    @property
    def name(self) -> str:
        ...
    def apply(self, graph: Graph, items: collections.abc.Sequence[Node | Output], make_debias: collections.abc.Callable[[Node], tuple[Node, Node, str]] | None) -> Node:
        ...
    def average(self, item: Node | Output) -> Node | None:
        ...
    def average_name(self, graph: Graph, item: Node | Output) -> str:
        ...
def exponential_decay(graph: Graph, learning_rate: Arg, global_step: Arg, decay_steps: Arg, decay_rate: Arg, staircase: bool, name: str) -> Output:
    ...
def natural_exp_decay(graph: Graph, learning_rate: Arg, global_step: Arg, decay_steps: Arg, decay_rate: Arg, staircase: bool, name: str) -> Output:
    ...
def inverse_time_decay(graph: Graph, learning_rate: Arg, global_step: Arg, decay_steps: Arg, decay_rate: Arg, staircase: bool, name: str) -> Output:
    ...
def polynomial_decay(graph: Graph, learning_rate: Arg, global_step: Arg, decay_steps: Arg, end_learning_rate: Arg, power: Arg, cycle: bool, name: str) -> Output:
    ...
def piecewise_constant(graph: Graph, x: Arg, boundaries: collections.abc.Sequence[Arg], values: collections.abc.Sequence[Arg], name: str) -> Output:
    ...
def cosine_decay(graph: Graph, learning_rate: Arg, global_step: Arg, decay_steps: Arg, alpha: Arg, name: str) -> Output:
    ...
def cosine_decay_restarts(graph: Graph, learning_rate: Arg, global_step: Arg, first_decay_steps: Arg, t_mul: Arg, m_mul: Arg, alpha: Arg, name: str) -> Output:
    ...
def linear_cosine_decay(graph: Graph, learning_rate: Arg, global_step: Arg, decay_steps: Arg, num_periods: Arg, alpha: Arg, beta: Arg, name: str) -> Output:
    ...
def noisy_linear_cosine_decay(graph: Graph, learning_rate: Arg, global_step: Arg, decay_steps: Arg, initial_variance: Arg, variance_decay: Arg, num_periods: Arg, alpha: Arg, beta: Arg, name: str, seed: int | None) -> Output:
    ...
def get_global_step(graph: Graph) -> Node | Output | None:
    ...
def assert_global_step(global_step: Output) -> None:
    ...
def random_seeds(graph: Graph, op_seed: int | None) -> tuple[int | None, int | None]:
    ...
def clip_by_value(graph: Graph, t: Arg, clip_value_min: Arg, clip_value_max: Arg, name: str) -> Output:
    ...
def clip_by_norm(graph: Graph, t: Arg, clip_norm: Arg, axes: Arg | None, name: str) -> Output:
    ...
def global_norm(graph: Graph, t_list: collections.abc.Sequence[Arg | None], name: str) -> Output:
    ...
def clip_by_global_norm(graph: Graph, t_list: collections.abc.Sequence[Arg | None], clip_norm: Arg, use_norm: Arg | None, name: str) -> tuple[list[Output | None], Output]:
    ...
def clip_by_average_norm(graph: Graph, t: Arg, clip_norm: Arg, name: str) -> Output:
    ...
def assign_moving_average(variable: Node, value: Arg, decay: Arg, zero_debias: bool, name: str, make_debias: collections.abc.Callable[[Node], tuple[Node, Node, str]] | None) -> Output:
    ...
def compute_weighted_loss(graph: Graph, losses: Arg, weights: Arg, name: str, loss_collection: str | None, reduction: str) -> Output:
    ...
def mean_squared_error(graph: Graph, labels: Arg, predictions: Arg, weights: Arg, name: str, loss_collection: str | None, reduction: str) -> Output:
    ...
def absolute_difference(graph: Graph, labels: Arg, predictions: Arg, weights: Arg, name: str, loss_collection: str | None, reduction: str) -> Output:
    ...
def huber_loss(graph: Graph, labels: Arg, predictions: Arg, weights: Arg, delta: Arg, name: str, loss_collection: str | None, reduction: str) -> Output:
    ...
def log_loss(graph: Graph, labels: Arg, predictions: Arg, weights: Arg, epsilon: Arg, name: str, loss_collection: str | None, reduction: str) -> Output:
    ...
def smooth_onehot_labels(graph: Graph, onehot_labels: Output, label_smoothing: float) -> Output:
    ...
def sigmoid_cross_entropy(graph: Graph, multi_class_labels: Arg, logits: Arg, weights: Arg, label_smoothing: float, name: str, loss_collection: str | None, reduction: str) -> Output:
    ...
def sigmoid_cross_entropy_with_logits(graph: Graph, labels: Arg, logits: Arg, name: str) -> Output:
    ...
def moments(graph: Graph, x: Arg, axes: collections.abc.Sequence[int], keep_dims: bool, name: str) -> tuple[Output, Output]:
    ...
def batch_normalization(graph: Graph, x: Arg, mean: Arg, variance: Arg, offset: Arg | None, scale: Arg | None, variance_epsilon: Arg, name: str) -> Output:
    ...
def dropout(graph: Graph, x: Arg, rate: Arg, noise_shape: Arg | None, seed: int | None, name: str) -> Output:
    ...
def dropout_layer(graph: Graph, inputs: Output, rate: Arg, training: Arg, noise_shape: Arg | None, seed: int | None, name: str) -> Output:
    ...
def batch_normalization_layer(graph: Graph, inputs: Output, axis: int, gamma: Node | None, beta: Node | None, moving_mean: Node, moving_variance: Node, momentum: float, epsilon: float, training: Arg) -> Output:
    ...

# --- checkpoints (checkpoint_bindings.cc) ---------------------------------------------------
class CheckpointReader:
    def __init__(self, prefix: str) -> None: ...
    @property
    def format(self) -> str: ...
    @property
    def path(self) -> str: ...
    def entries(self) -> list[tuple[str, str, list[int]]]: ...
    def has_tensor(self, name: str) -> bool: ...
    def entry(self, name: str) -> tuple[str, str, list[int]]: ...
    def get_tensor(self, name: str) -> numpy.ndarray: ...
    def metadata(self) -> dict[str, str]: ...

def save_checkpoint(session: Session, variables: collections.abc.Sequence[tuple[str, Node]], prefix: str, metadata: collections.abc.Mapping[str, str]) -> str:
    ...
def restore_checkpoint(session: Session, variables: collections.abc.Sequence[tuple[str, Node]], prefix: str, reshape: bool = False) -> None:
    ...
def checkpoint_exists(prefix: str) -> bool:
    ...
def checkpoint_filename(prefix: str) -> str:
    ...
def atomic_write_file(path: str, contents: str) -> None:
    ...

# --- eager execution (eager_bindings.cc) -------------------------------------------------------
class EagerContext:
    def __init__(self) -> None: ...
    @property
    def graph(self) -> Graph: ...
    def value(self, output: Output) -> numpy.ndarray: ...
    def constant(self, value: numpy.ndarray, name: str = "Const") -> Output: ...
    @property
    def transient_nodes(self) -> int: ...
    @property
    def epoch(self) -> int: ...
    def release_transient(self) -> None: ...
    def make_function(
        self, first_node: int, inputs: collections.abc.Sequence[Output],
        outputs: collections.abc.Sequence[Output],
    ) -> EagerFunction: ...
    def call(self, function: EagerFunction, inputs: list[numpy.ndarray]) -> list[numpy.ndarray]: ...

class EagerFunction:
    @property
    def num_steps(self) -> int: ...

# --- tf.data (data_bindings.cc) ----------------------------------------------------------------
class DataFunction:
    def __init__(self, graph: Graph, args: collections.abc.Sequence[Output], results: collections.abc.Sequence[Output], captured: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], dataset: typing.Any, name: str) -> None:
        """
        A traced dataset function: placeholders (element, then captured values), results.
        """
class DatasetSpec:
    def __init__(self, kind: str, name: str, inputs: collections.abc.Sequence[DatasetSpec], args: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], fn: DataFunction, options: collections.abc.Mapping[str, typing.SupportsInt | typing.SupportsIndex], dtypes: collections.abc.Sequence[DType], shapes: collections.abc.Sequence[Shape], generator: typing.Any) -> None:
        """
        One node of a tf.data pipeline (varflow/data.h).
        """
class DatasetIterator:
    def __init__(self, spec: DatasetSpec, inputs: list) -> None:
        ...
    def next(self) -> typing.Any:
        """
        The next element as a list of arrays, or None at the end.
        """
def encode_shapes(arg0: collections.abc.Sequence[Shape]) -> str:
    """
    The iterator ops' output_shapes attribute.
    """
def register_dataset(arg0: DatasetSpec) -> int:
    """
    Registers a pipeline for the iterator ops' dataset_id attribute.
    """
class StopFlag:
    def __init__(self) -> None: ...
    def request(self) -> None: ...
    @property
    def requested(self) -> bool: ...
def run_enqueue_loop(session: Session, plan: Plan, stop: StopFlag | None = None) -> None:
    """
    Runs the plan until `stop` is requested or a run fails (its error is raised).
    """
def run_with_timeout(session: Session, plan: Plan, feed_values: list, timeout_ms: typing.SupportsInt | typing.SupportsIndex) -> list:
    """
    Session.run whose blocked queue ops fail with DeadlineExceeded after timeout_ms.
    """
def cancel_queue_waits(session: Session) -> None:
    """
    Fails the queue ops blocked in the session's runs with Cancelled.
    """

# --- control flow (control_flow_bindings.cc) -------------------------------------------------
def cond(pred: Output, then_fn: collections.abc.Callable[[], list[Output]], else_fn: collections.abc.Callable[[], list[Output]], name: str = "cond") -> list[Output]:
    """
    Builds an If node over two branch regions; returns its outputs.
    """
def while_loop(cond: collections.abc.Callable[[list[Output]], Output], body: collections.abc.Callable[[list[Output]], list[Output]], loop_vars: collections.abc.Sequence[Output], shape_invariants: typing.Any, maximum_iterations: Output | None, back_prop: bool, name: str) -> list[Output]:
    """
    Builds a While node over a loop region; returns the loop variables' final values.
    """
def set_current_region(graph: Graph, region: typing.SupportsInt | typing.SupportsIndex) -> int:
    """
    Builds the next nodes in control-flow region `region` (-1: the top level); returns the previous one.
    """
def current_region(graph: Graph) -> int:
    """
    The control-flow region new nodes go to (-1: the top level).
    """
def node_region(node: Node) -> int:
    """
    The control-flow region a node was built in (-1: the top level).
    """
def hvd_init(library: str = "") -> None:
    """
    Starts MPI (loading `library`, else $VARFLOW_MPI_LIBRARY, else libmpi_abi.so.1) and the collective runtime's thread.
    """
def hvd_shutdown() -> None:
    """
    Stops the collective runtime and finalizes MPI.
    """
def hvd_is_initialized() -> bool: ...
def hvd_rank() -> int: ...
def hvd_size() -> int: ...
def hvd_local_rank() -> int: ...
def hvd_local_size() -> int: ...
def hvd_mpi_library_version() -> str: ...
def hvd_mpi_library_path() -> str: ...
def graph_def_from_cpp(graph: Graph, add_shapes: bool = False, clear_devices: bool = False, from_version: typing.SupportsInt | typing.SupportsIndex = 0) -> bytes:
    """
    The graph as a serialized GraphDef, written by the C++ exporter (varflow/graph_def.h).
    """
def import_graph_def_cpp(graph: Graph, data: bytes, name: str = 'import', input_map: collections.abc.Mapping[str, Output] = {}, return_elements: collections.abc.Sequence[str] = []) -> tuple:
    """
    Imports a serialized GraphDef with the C++ importer; returns (return elements, warnings).
    """
def export_meta_graph_cpp(graph: Graph, export_scope: str = '', clear_devices: bool = False, strip_default_attrs: bool = False, max_to_keep: typing.SupportsInt | typing.SupportsIndex = -1) -> bytes:
    """
    The graph as a serialized MetaGraphDef, written by the C++ exporter (with a SaverDef when max_to_keep >= 0).
    """
def import_meta_graph_cpp(graph: Graph, data: bytes, import_scope: str = '', clear_devices: bool = False) -> dict:
    """
    Imports a serialized MetaGraphDef with the C++ importer; returns its saver variables, collections and warnings.
    """
