"""``tf.io.gfile``: the file functions under their TF2-style names (local filesystem)."""

from __future__ import annotations

from varflow.file_io import GFile, join, stat, walk_v2
from varflow.file_io import copy as _copy
from varflow.file_io import create_dir as mkdir
from varflow.file_io import delete_file as remove
from varflow.file_io import delete_recursively as rmtree
from varflow.file_io import file_exists as exists
from varflow.file_io import get_matching_files as glob
from varflow.file_io import is_directory as isdir
from varflow.file_io import list_directory as listdir
from varflow.file_io import recursive_create_dir as makedirs
from varflow.file_io import rename as _rename


def copy(src, dst, overwrite=False) -> None:
    _copy(src, dst, overwrite)


def rename(src, dst, overwrite=False) -> None:
    _rename(src, dst, overwrite)


def walk(top, topdown=True, onerror=None):
    return walk_v2(top, topdown, onerror)


__all__ = [
    "GFile",
    "copy",
    "exists",
    "glob",
    "isdir",
    "join",
    "listdir",
    "makedirs",
    "mkdir",
    "remove",
    "rename",
    "rmtree",
    "stat",
    "walk",
]
