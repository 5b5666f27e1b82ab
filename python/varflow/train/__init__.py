"""``tf.train``: optimizers on the C++ core's fused step kernels, behind TF1's Optimizer API."""

from __future__ import annotations

from varflow.train.moving_averages import ExponentialMovingAverage, assign_moving_average
from varflow.train.optimizer import Optimizer
from varflow.train.optimizers import (
    AdadeltaOptimizer,
    AdagradDAOptimizer,
    AdagradOptimizer,
    AdamaxOptimizer,
    AdamOptimizer,
    AdamWOptimizer,
    AMSGradOptimizer,
    FtrlOptimizer,
    GradientDescentOptimizer,
    LAMBOptimizer,
    LionOptimizer,
    MomentumOptimizer,
    NadamOptimizer,
    ProximalAdagradOptimizer,
    ProximalGradientDescentOptimizer,
    RMSPropOptimizer,
)

__all__ = [
    "ExponentialMovingAverage",
    "assign_moving_average",
    "AMSGradOptimizer",
    "AdadeltaOptimizer",
    "AdagradDAOptimizer",
    "AdagradOptimizer",
    "AdamOptimizer",
    "AdamWOptimizer",
    "AdamaxOptimizer",
    "FtrlOptimizer",
    "GradientDescentOptimizer",
    "LAMBOptimizer",
    "LionOptimizer",
    "MomentumOptimizer",
    "NadamOptimizer",
    "Optimizer",
    "ProximalAdagradOptimizer",
    "ProximalGradientDescentOptimizer",
    "RMSPropOptimizer",
]

from varflow.train import schedules, training_util  # noqa: E402
from varflow.train.learning_rate_decay import (  # noqa: E402
    cosine_decay,
    cosine_decay_restarts,
    exponential_decay,
    inverse_time_decay,
    linear_cosine_decay,
    natural_exp_decay,
    noisy_linear_cosine_decay,
    piecewise_constant,
    piecewise_constant_decay,
    polynomial_decay,
)
from varflow.train.schedules import (  # noqa: E402
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    LinearCosineDecay,
    NaturalExpDecay,
    NoisyLinearCosineDecay,
    PiecewiseConstantDecay,
    PolynomialDecay,
)
from varflow.train.training_util import (  # noqa: E402
    GlobalStepStallWarning,
    assert_global_step,
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
    warn_if_global_step_stalls,
)
from varflow.train.checkpoint_management import (  # noqa: E402
    CheckpointState,
    checkpoint_exists,
    generate_checkpoint_state_proto,
    get_checkpoint_mtimes,
    get_checkpoint_state,
    latest_checkpoint,
    remove_checkpoint,
    update_checkpoint_state,
)
from varflow.train.checkpoint_utils import (  # noqa: E402
    NewCheckpointReader,
    init_from_checkpoint,
    list_variables,
    load_checkpoint,
    load_variable,
)
from varflow.train.saver import Saver, SaverDef  # noqa: E402
from varflow.framework import export_meta_graph, import_meta_graph, write_graph  # noqa: E402
from varflow.train.coordinator import Coordinator, LooperThread  # noqa: E402
from varflow.train import queue_runner  # noqa: E402  (tf.train.queue_runner.QueueRunner)
from varflow.train.queue_runner import (  # noqa: E402
    QueueRunner,
    add_queue_runner,
    start_queue_runners,
)
from varflow.train.input import (  # noqa: E402
    batch,
    batch_join,
    input_producer,
    limit_epochs,
    range_input_producer,
    shuffle_batch,
    shuffle_batch_join,
    slice_input_producer,
    string_input_producer,
)
from varflow.train.session_run_hook import (  # noqa: E402
    SessionRunArgs,
    SessionRunContext,
    SessionRunHook,
    SessionRunValues,
)
from varflow.train.basic_session_run_hooks import (  # noqa: E402
    CheckpointSaverHook,
    CheckpointSaverListener,
    FeedFnHook,
    FinalOpsHook,
    GlobalStepWaiterHook,
    LoggingTensorHook,
    NanLossDuringTrainingError,
    NanTensorHook,
    SecondOrStepTimer,
    StepCounterHook,
    StopAtStepHook,
    SummarySaverHook,
)
from varflow.train.monitored_session import (  # noqa: E402
    ChiefSessionCreator,
    MonitoredSession,
    MonitoredTrainingSession,
    Scaffold,
    SessionCreator,
    SingularMonitoredSession,
    WorkerSessionCreator,
)
from varflow.train.session_manager import SessionManager  # noqa: E402
from varflow.summary_writer_cache import FileWriterCache as SummaryWriterCache  # noqa: E402
from varflow.train.summary_iterator import summary_iterator  # noqa: E402
from varflow.train.input_maybe import (  # noqa: E402
    maybe_batch,
    maybe_batch_join,
    maybe_shuffle_batch,
    maybe_shuffle_batch_join,
)


def __getattr__(name: str):
    from varflow.tf1_aliases import unimplemented_message

    raise AttributeError(
        unimplemented_message(name, "train") or f"module 'varflow.train' has no attribute '{name}'"
    )
