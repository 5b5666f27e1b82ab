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
    """Copies data from `src` to `dst`.

    Args:
      src: string, name of the file whose contents need to be copied
      dst: string, name of the file to which to copy to
      overwrite: boolean, if false it's an error for `dst` to be occupied by an existing
        file.

    Raises:
      errors.AlreadyExistsError: If `dst` exists and `overwrite` is false.
      errors.OpError: If the operation fails.
    """
    _copy(src, dst, overwrite)


def rename(src, dst, overwrite=False) -> None:
    """Rename or move a file / directory.

    Args:
      src: string, pathname for a file
      dst: string, pathname to which the file needs to be moved
      overwrite: boolean, if false it's an error for `dst` to be occupied by an existing
        file.

    Raises:
      errors.AlreadyExistsError: If `dst` exists and `overwrite` is false.
      errors.OpError: If the operation fails.
    """
    _rename(src, dst, overwrite)


def walk(top, topdown=True, onerror=None):
    """Recursive directory tree generator for directories.

    Args:
      top: string, a Directory name
      topdown: bool, Traverse pre order if True, post order if False.
      onerror: optional handler for errors. Should be a function, it will be called with the
        error as argument. Rethrowing the error aborts the walk.

    Yields:
      Each yield is a 3-tuple: the pathname of a directory, followed by lists of all its
      subdirectories and leaf files. That is, each yield looks like: `(dirname,
      [subdirname, subdirname, ...], [filename, filename, ...])`.
    """
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
