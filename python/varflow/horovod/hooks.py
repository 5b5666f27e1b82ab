"""Broadcasting the initial variables from one rank, as an op and as a SessionRunHook."""

from __future__ import annotations

from varflow.control_flow_ops import group
from varflow.graph import get_default_graph
from varflow.horovod.mpi_ops import broadcast
from varflow.state_ops import assign
from varflow.train.session_run_hook import SessionRunHook
from varflow.variables import global_variables


def broadcast_variables(variables, root_rank):
    """An op that assigns `root_rank`'s values of `variables` to every rank's.

    Args:
      variables: The variables to broadcast, in the same order on every rank.
      root_rank: The rank whose values every rank receives.

    Returns:
      An `Operation` that runs the broadcasts and the assignments.
    """
    return group(*[assign(var, broadcast(var, root_rank)) for var in variables])


def broadcast_global_variables(root_rank):
    """An op that assigns `root_rank`'s values of all global variables to every rank's.

    Run it after the variables are initialised (or restored), so that every rank starts from
    the same state.

    Args:
      root_rank: The rank whose values every rank receives.

    Returns:
      An `Operation` that broadcasts every global variable.
    """
    return broadcast_variables(global_variables(), root_rank)


class BroadcastGlobalVariablesHook(SessionRunHook):
    """Broadcasts the global variables from `root_rank` once the session is created, so that
    every rank starts training from the same (initialised or restored) state.

    The op is built in `begin()` (before the graph is finalized) and run in
    `after_create_session()`.
    """

    def __init__(self, root_rank, device=""):
        """Args:
        root_rank: The rank whose variables every rank receives.
        device: Accepted for Horovod compatibility (CPU only)."""
        super().__init__()
        self.root_rank = root_rank
        self.bcast_op = None
        self.device = device

    def begin(self):
        if self.bcast_op is None or self.bcast_op.graph is not get_default_graph():
            self.bcast_op = broadcast_global_variables(self.root_rank)

    def after_create_session(self, session, coord):
        session.run(self.bcast_op)
