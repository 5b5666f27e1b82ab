"""``tf.flags`` / ``tf.app.flags``: absl-py's flags, as TF1 routes them.

TF1 re-exports ``absl.flags`` with two differences kept here: the DEFINE functions also accept
the pre-absl keyword names (``flag_name``, ``default_value``, ``docstring``), and reading a flag
from ``FLAGS`` before anything parsed the command line parses ``sys.argv`` on the spot instead
of raising absl's ``UnparsedFlagAccessError``. ``FLAGS`` is absl's global ``FlagValues``, so
flags defined through absl directly and through this module are the same flags.
"""

from __future__ import annotations

import functools as _functools
import logging as _logging
import sys as _sys

from absl.flags import *  # noqa: F403 - TF1's tf.flags is absl.flags
from absl.flags import FLAGS as _ABSL_FLAGS
from absl.flags import DEFINE_boolean as _DEFINE_boolean
from absl.flags import DEFINE_float as _DEFINE_float
from absl.flags import DEFINE_integer as _DEFINE_integer
from absl.flags import DEFINE_string as _DEFINE_string
from absl.flags import disclaim_key_flags as _disclaim_key_flags

# Flags defined in this module are the caller's key flags, not this module's (as TF1's flags.py).
_disclaim_key_flags()

_RENAMED_ARGUMENTS = {"flag_name": "name", "default_value": "default", "docstring": "help"}


def _wrap_define_function(original_function):
    """Lets a DEFINE function take TF1's old keyword names."""

    @_functools.wraps(original_function)
    def wrapper(*args, **kwargs):
        has_old_names = False
        for old_name, new_name in _RENAMED_ARGUMENTS.items():
            if old_name in kwargs:
                has_old_names = True
                kwargs[new_name] = kwargs.pop(old_name)
        if has_old_names:
            # TF1 warns on the root logger, not on its own.
            _logging.warning(
                "Use of the keyword argument names (flag_name, default_value, "
                "docstring) is deprecated, please use (name, default, help) instead."
            )
        return original_function(*args, **kwargs)

    return wrapper


class _FlagValuesWrapper:
    """absl's FLAGS, except that reading a flag first parses sys.argv if nothing has (TF1)."""

    def __init__(self, flags_object):
        self.__dict__["__wrapped"] = flags_object

    def __getattribute__(self, name):
        if name == "__dict__":
            return super().__getattribute__(name)
        return self.__dict__["__wrapped"].__getattribute__(name)

    def __getattr__(self, name):
        wrapped = self.__dict__["__wrapped"]
        if not wrapped.is_parsed():
            wrapped(_sys.argv)
        return wrapped.__getattr__(name)

    def __setattr__(self, name, value):
        return self.__dict__["__wrapped"].__setattr__(name, value)

    def __delattr__(self, name):
        return self.__dict__["__wrapped"].__delattr__(name)

    def __dir__(self):
        return self.__dict__["__wrapped"].__dir__()

    def __getitem__(self, name):
        return self.__dict__["__wrapped"].__getitem__(name)

    def __setitem__(self, name, flag):
        return self.__dict__["__wrapped"].__setitem__(name, flag)

    def __len__(self):
        return self.__dict__["__wrapped"].__len__()

    def __iter__(self):
        return self.__dict__["__wrapped"].__iter__()

    def __str__(self):
        return self.__dict__["__wrapped"].__str__()

    def __call__(self, *args, **kwargs):
        return self.__dict__["__wrapped"].__call__(*args, **kwargs)


DEFINE_string = _wrap_define_function(_DEFINE_string)
DEFINE_boolean = _wrap_define_function(_DEFINE_boolean)
DEFINE_bool = DEFINE_boolean
DEFINE_float = _wrap_define_function(_DEFINE_float)
DEFINE_integer = _wrap_define_function(_DEFINE_integer)

FLAGS = _FlagValuesWrapper(_ABSL_FLAGS)
