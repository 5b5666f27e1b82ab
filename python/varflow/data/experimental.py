"""``tf.data.experimental``: the names TF1 scripts use from it."""

from varflow.data.dataset_ops import AUTOTUNE
from varflow.data.iterator_ops import (
    get_output_classes,
    get_output_shapes,
    get_output_types,
    make_initializable_iterator,
    make_one_shot_iterator,
)

__all__ = [
    "AUTOTUNE",
    "get_output_classes",
    "get_output_shapes",
    "get_output_types",
    "make_initializable_iterator",
    "make_one_shot_iterator",
]
