"""``tf.logging``: TF1's logging functions on Python's ``logging`` (exported as ``logging``).

The logger is ``logging.getLogger("varflow")``, the one varflow's own modules log to, so
``tf.logging.set_verbosity(tf.logging.INFO)`` shows their messages ("Restoring parameters from
...") as it shows TF1's. As in TF1, verbosity is the logger's level (WARN by default, through
the root logger), and a stderr handler with ``logging.BASIC_FORMAT`` is attached on first use
unless the root logger is already configured (stdout and INFO in an interactive session).
"""

from __future__ import annotations

import logging as _logging
import sys as _sys
import threading as _threading
from logging import DEBUG, ERROR, FATAL, INFO, WARN

_logger = None
_logger_lock = _threading.Lock()
_log_counter_per_token: dict = {}


def get_logger() -> _logging.Logger:
    """The logger behind tf.logging, configured once as TF1 configures its own."""
    global _logger
    if _logger:
        return _logger
    with _logger_lock:
        if _logger:
            return _logger
        logger = _logging.getLogger("varflow")
        if not _logging.getLogger().handlers:
            interactive = hasattr(_sys, "ps1") or bool(_sys.flags.interactive)
            if interactive:
                logger.setLevel(INFO)
            handler = _logging.StreamHandler(_sys.stdout if interactive else _sys.stderr)
            handler.setFormatter(_logging.Formatter(_logging.BASIC_FORMAT, None))
            logger.addHandler(handler)
        _logger = logger
        return _logger


def _caller_depth() -> int:
    """How many frames up the first caller outside this file sits, for the record's
    filename and line (TF1 patches findCaller for the same purpose)."""
    frame = _sys._getframe(1)
    depth = 1
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
        depth += 1
    return depth


def _emit(level, msg, args, kwargs) -> None:
    kwargs.setdefault("stacklevel", _caller_depth())
    get_logger().log(level, msg, *args, **kwargs)


def log(level, msg, *args, **kwargs) -> None:
    """Logs `msg % args` at the given level.

    Args:
      level: The level, e.g. `tf.logging.INFO`.
      msg: The message, a `%`-format string.
      *args: The values for `msg`'s format.
      **kwargs: Passed to the `logging` call (e.g. `exc_info`).
    """
    _emit(level, msg, args, kwargs)


def debug(msg, *args, **kwargs) -> None:
    """Logs `msg % args` at level DEBUG.

    Args:
      msg: The message, a `%`-format string.
      *args: The values for `msg`'s format.
      **kwargs: Passed to the `logging` call (e.g. `exc_info`).
    """
    _emit(DEBUG, msg, args, kwargs)


def info(msg, *args, **kwargs) -> None:
    """Logs `msg % args` at level INFO.

    Args:
      msg: The message, a `%`-format string.
      *args: The values for `msg`'s format.
      **kwargs: Passed to the `logging` call (e.g. `exc_info`).
    """
    _emit(INFO, msg, args, kwargs)


def warn(msg, *args, **kwargs) -> None:
    """Logs `msg % args` at level WARN.

    Args:
      msg: The message, a `%`-format string.
      *args: The values for `msg`'s format.
      **kwargs: Passed to the `logging` call (e.g. `exc_info`).
    """
    _emit(_logging.WARNING, msg, args, kwargs)


def warning(msg, *args, **kwargs) -> None:
    """Logs `msg % args` at level WARN.

    Args:
      msg: The message, a `%`-format string.
      *args: The values for `msg`'s format.
      **kwargs: Passed to the `logging` call (e.g. `exc_info`).
    """
    _emit(_logging.WARNING, msg, args, kwargs)


def error(msg, *args, **kwargs) -> None:
    """Logs `msg % args` at level ERROR.

    Args:
      msg: The message, a `%`-format string.
      *args: The values for `msg`'s format.
      **kwargs: Passed to the `logging` call (e.g. `exc_info`).
    """
    _emit(ERROR, msg, args, kwargs)


def fatal(msg, *args, **kwargs) -> None:
    """Logs `msg % args` at level FATAL.

    Like TF1's, it logs and does not exit.

    Args:
      msg: The message, a `%`-format string.
      *args: The values for `msg`'s format.
      **kwargs: Passed to the `logging` call (e.g. `exc_info`).
    """
    _emit(FATAL, msg, args, kwargs)


def vlog(level, msg, *args, **kwargs) -> None:
    """Logs `msg % args` at the given level (TF1's verbose logging).

    Args:
      level: The level, e.g. `tf.logging.DEBUG`.
      msg: The message, a `%`-format string.
      *args: The values for `msg`'s format.
      **kwargs: Passed to the `logging` call.
    """
    _emit(level, msg, args, kwargs)


def TaskLevelStatusMessage(msg) -> None:
    """Logs a task-level status message at ERROR level, as TF1's.

    Args:
      msg: The message.
    """
    _emit(ERROR, msg, (), {})


def flush():
    """Flushes the handlers of varflow's logger."""
    raise NotImplementedError()  # TF1's tf.logging.flush raises too


def _file_and_line() -> tuple:
    frame = _sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    if frame is None:
        return ("<unknown>", 0)
    return (frame.f_code.co_filename, frame.f_lineno)


def _next_log_count_per_token(token) -> int:
    _log_counter_per_token[token] = 1 + _log_counter_per_token.get(token, -1)
    return _log_counter_per_token[token]


def log_every_n(level, msg, n, *args) -> None:
    """Log 'msg % args' at level 'level' once per 'n' times.

    Logs the 1st call, (N+1)st call, (2N+1)st call, etc. from one source line. Not
    threadsafe.

    Args:
      level: The level at which to log.
      msg: The message to be logged.
      n: The number of times this should be called before it is logged.
      *args: The args to be substituted into the msg.
    """
    count = _next_log_count_per_token(_file_and_line())
    log_if(level, msg, not (count % n), *args)


def log_first_n(level, msg, n, *args) -> None:
    """Log 'msg % args' at level 'level' only first 'n' times.

    Counted per source line. Not threadsafe.

    Args:
      level: The level at which to log.
      msg: The message to be logged.
      n: The number of times this should be called before it is logged.
      *args: The args to be substituted into the msg.
    """
    count = _next_log_count_per_token(_file_and_line())
    log_if(level, msg, count < n, *args)


def log_if(level, msg, condition, *args) -> None:
    """Log 'msg % args' at level 'level' only if condition is fulfilled.

    Args:
      level: The level at which to log.
      msg: The message to be logged.
      condition: The condition; the message is logged when it is true.
      *args: The args to be substituted into the msg.
    """
    if condition:
        _emit(level, msg, args, {})


def get_verbosity() -> int:
    """Return how much logging output will be produced (the logger's level)."""
    return get_logger().getEffectiveLevel()


def set_verbosity(v) -> None:
    """Sets the threshold for what messages will be logged.

    Args:
      v: The level, e.g. `tf.logging.INFO`; messages below it are dropped.
    """
    get_logger().setLevel(v)


__all__ = [
    "DEBUG",
    "ERROR",
    "FATAL",
    "INFO",
    "WARN",
    "TaskLevelStatusMessage",
    "debug",
    "error",
    "fatal",
    "flush",
    "get_logger",
    "get_verbosity",
    "info",
    "log",
    "log_every_n",
    "log_first_n",
    "log_if",
    "set_verbosity",
    "vlog",
    "warn",
    "warning",
]
