"""``tf.gfile``: TF1's file functions under their TF1 names (local filesystem)."""

from __future__ import annotations

from varflow.file_io import FastGFile, GFile
from varflow.file_io import copy as Copy
from varflow.file_io import create_dir as MkDir
from varflow.file_io import delete_file as Remove
from varflow.file_io import delete_recursively as DeleteRecursively
from varflow.file_io import file_exists as Exists
from varflow.file_io import get_matching_files as Glob
from varflow.file_io import is_directory as IsDirectory
from varflow.file_io import list_directory as ListDirectory
from varflow.file_io import recursive_create_dir as MakeDirs
from varflow.file_io import rename as Rename
from varflow.file_io import stat as Stat
from varflow.file_io import walk as Walk

Open = GFile

__all__ = [
    "Copy",
    "DeleteRecursively",
    "Exists",
    "FastGFile",
    "GFile",
    "Glob",
    "IsDirectory",
    "ListDirectory",
    "MakeDirs",
    "MkDir",
    "Open",
    "Remove",
    "Rename",
    "Stat",
    "Walk",
]
