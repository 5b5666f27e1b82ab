"""``tf.data``: input pipelines that run in C++ threads (see varflow/data.h)."""

from varflow.data import experimental
from varflow.data.dataset_ops import AUTOTUNE, Dataset, DatasetV1, DatasetV1Adapter
from varflow.data.iterator_ops import (
    Iterator,
    get_output_classes,
    get_output_shapes,
    get_output_types,
    make_initializable_iterator,
    make_one_shot_iterator,
)
from varflow.data.readers import TFRecordDataset

__all__ = [
    "AUTOTUNE",
    "Dataset",
    "DatasetV1",
    "DatasetV1Adapter",
    "Iterator",
    "TFRecordDataset",
    "experimental",
    "get_output_classes",
    "get_output_shapes",
    "get_output_types",
    "make_initializable_iterator",
    "make_one_shot_iterator",
]
