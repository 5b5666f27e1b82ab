"""``tf.compat.v1``: every attribute is varflow's own, looked up when used.

varflow is TF1's API, so ``import varflow.compat.v1 as tf`` is ``import varflow as tf``; names
added to varflow later appear here without a change, and a name varflow lacks raises varflow's
own AttributeError saying so.
"""

from __future__ import annotations

import varflow as _varflow


def __getattr__(name: str):
    if name == "__all__":
        return [n for n in dir(_varflow) if not n.startswith("_")]
    return getattr(_varflow, name)


def __dir__():
    return sorted(set(dir(_varflow)) | set(globals()))
