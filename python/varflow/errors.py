"""TF1's error classes (``tf.errors``), raised by the C++ core with the same codes."""

from __future__ import annotations

from varflow import _core

OK = 0
CANCELLED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """An error raised while running a graph, as ``tf.errors.OpError``."""

    error_code = UNKNOWN

    def __init__(self, node_def, op, message, error_code=None):
        """Creates a new `OpError` indicating that a particular op failed.

        Args:
          node_def: The `node_def_pb2.NodeDef` proto representing the op that failed, if known;
            otherwise None.
          op: The `ops.Operation` that failed, if known; otherwise None.
          message: The message string describing the failure.
          error_code: The `error_codes.Code` describing the error.
        """
        super().__init__(message)
        self._node_def = node_def
        self._op = op
        self._message = message
        if error_code is not None:
            self.error_code = error_code

    @property
    def message(self) -> str:
        """The error message that describes the error."""
        return self._message

    @property
    def op(self):
        """The operation that failed, if known.

        *N.B.* If the failed op was synthesized at runtime, e.g. a `Send` or `Recv` op, there
        will be no corresponding `Operation` object. In that case, this will return `None`.
        """
        return self._op

    @property
    def node_def(self):
        """The `NodeDef` proto representing the op that failed, or None."""
        return self._node_def

    def __str__(self) -> str:
        return self._message


def _error_class(name: str, code: int) -> type[OpError]:
    cls = type(name, (OpError,), {"error_code": code, "__doc__": f"TF1's {name}."})
    cls.__module__ = __name__
    return cls


CancelledError = _error_class("CancelledError", CANCELLED)
UnknownError = _error_class("UnknownError", UNKNOWN)
InvalidArgumentError = _error_class("InvalidArgumentError", INVALID_ARGUMENT)
DeadlineExceededError = _error_class("DeadlineExceededError", DEADLINE_EXCEEDED)
NotFoundError = _error_class("NotFoundError", NOT_FOUND)
AlreadyExistsError = _error_class("AlreadyExistsError", ALREADY_EXISTS)
PermissionDeniedError = _error_class("PermissionDeniedError", PERMISSION_DENIED)
ResourceExhaustedError = _error_class("ResourceExhaustedError", RESOURCE_EXHAUSTED)
FailedPreconditionError = _error_class("FailedPreconditionError", FAILED_PRECONDITION)
AbortedError = _error_class("AbortedError", ABORTED)
OutOfRangeError = _error_class("OutOfRangeError", OUT_OF_RANGE)
UnimplementedError = _error_class("UnimplementedError", UNIMPLEMENTED)
InternalError = _error_class("InternalError", INTERNAL)
UnavailableError = _error_class("UnavailableError", UNAVAILABLE)
DataLossError = _error_class("DataLossError", DATA_LOSS)
UnauthenticatedError = _error_class("UnauthenticatedError", UNAUTHENTICATED)

for _cls in list(globals().values()):
    if isinstance(_cls, type) and issubclass(_cls, OpError) and _cls is not OpError:
        _core._register_error_class(_cls.error_code, _cls)
