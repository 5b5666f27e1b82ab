"""TF1's file API (``tf.gfile`` / ``tf.io.gfile``) on the local filesystem.

Failures raise TF1's error classes with the messages of TF1's POSIX filesystem: an OS error is
``"<path>; <strerror>"`` in the class TF1 maps its errno to (``NotFoundError`` for ENOENT,
``AlreadyExistsError`` for EEXIST, ``FailedPreconditionError`` for EISDIR/ENOTDIR/ENOTEMPTY,
...). ``file://`` paths are local; other schemes (gs://, hdfs://, s3://) are not implemented.
"""

from __future__ import annotations

# The os-level calls are the point here: their errno decides TF1's error class and message.
# ruff: noqa: PTH102, PTH104, PTH106, PTH108, PTH112, PTH114, PTH116, PTH118, PTH119
# ruff: noqa: PTH120, PTH123, PTH208
import contextlib as _contextlib
import errno as _errno
import fnmatch as _fnmatch
import os as _os
import stat as _stat

from varflow import errors
from varflow.compat import as_bytes, as_str_any, path_to_str

_CODES = {}
for _cls, _names in (
    (
        errors.InvalidArgumentError,
        (
            "EINVAL ENAMETOOLONG E2BIG EDESTADDRREQ EDOM EFAULT EILSEQ ENOPROTOOPT ENOSTR "
            "ENOTSOCK ENOTTY EPROTOTYPE ESPIPE"
        ),
    ),
    (errors.DeadlineExceededError, "ETIMEDOUT ETIME"),
    (errors.NotFoundError, "ENODEV ENOENT ENXIO ESRCH"),
    (errors.AlreadyExistsError, "EEXIST EADDRNOTAVAIL EALREADY"),
    (errors.PermissionDeniedError, "EPERM EACCES EROFS"),
    (
        errors.FailedPreconditionError,
        (
            "ENOTEMPTY EISDIR ENOTDIR EADDRINUSE EBADF EBUSY ECHILD EISCONN ENOTBLK ENOTCONN "
            "EPIPE ESHUTDOWN ETXTBSY"
        ),
    ),
    (
        errors.ResourceExhaustedError,
        "ENOSPC EDQUOT EMFILE EMLINK ENFILE ENOBUFS ENODATA ENOMEM ENOSR EUSERS",
    ),
    (errors.OutOfRangeError, "EFBIG EOVERFLOW ERANGE"),
    (
        errors.UnimplementedError,
        "ENOSYS ENOTSUP EAFNOSUPPORT EPFNOSUPPORT EPROTONOSUPPORT ESOCKTNOSUPPORT EXDEV",
    ),
    (
        errors.UnavailableError,
        (
            "EAGAIN ECONNREFUSED ECONNABORTED ECONNRESET EINTR EHOSTDOWN EHOSTUNREACH ENETDOWN "
            "ENETRESET ENETUNREACH ENOLCK ENOLINK ENONET"
        ),
    ),
    (errors.AbortedError, "EDEADLK ESTALE"),
    (errors.CancelledError, "ECANCELED"),
):
    for _name in _names.split():
        if hasattr(_errno, _name):
            _CODES[getattr(_errno, _name)] = _cls


def _io_error(context: str, err: OSError) -> errors.OpError:
    """TF1's IOError(context, errno): the errno's class, message "<context>; <strerror>"."""
    cls = _CODES.get(err.errno, errors.UnknownError)
    return cls(None, None, f"{context}; {_os.strerror(err.errno) if err.errno else err}")


def _local(path) -> str:
    """The local path of ``path`` (str, bytes or path-like; ``file://`` stripped)."""
    path = as_str_any(path_to_str(path))
    if "://" in path:
        scheme, rest = path.split("://", 1)
        if scheme != "file":
            raise errors.UnimplementedError(
                None, None, f"File system scheme '{scheme}' not implemented (file: '{path}')"
            )
        return rest
    return path


class FileIO:
    """A file opened as TF1's ``tf.gfile.GFile``: the file is opened on first read or write,
    reads are in bytes (``read(n)`` reads n bytes) decoded as UTF-8 unless the mode has "b",
    and a write in a mode without "a" truncates the file when it first opens it."""

    def __init__(self, name, mode="r", encoding="utf-8"):
        """Creates a file object; the file is opened on first read or write.

        Args:
          name: Name of the file (str, bytes or path-like; `file://` is stripped).
          mode: One of 'r', 'w', 'a', 'r+', 'w+', 'a+'. Append 'b' for bytes mode.
          encoding: The text encoding in text modes.

        Raises:
          errors.InvalidArgumentError: If `mode` is not a valid mode.
        """
        self.__name = name
        self.__mode = mode
        self.__encoding = encoding
        self._read_buf = None
        self._writable_file = None
        self._binary_mode = "b" in mode
        mode = mode.replace("b", "")
        if mode not in ("r", "w", "a", "r+", "w+", "a+"):
            raise errors.InvalidArgumentError(
                None, None, "mode is not 'r' or 'w' or 'a' or 'r+' or 'w+' or 'a+'"
            )
        self._append = "a" in mode
        self._read_check_passed = mode in ("r", "r+", "a+", "w+")
        self._write_check_passed = mode in ("a", "w", "r+", "a+", "w+")

    @property
    def name(self):
        """Returns the file name."""
        return self.__name

    @property
    def mode(self):
        """Returns the mode in which the file was opened."""
        return self.__mode

    def _preread_check(self) -> None:
        if not self._read_buf:
            if not self._read_check_passed:
                raise errors.PermissionDeniedError(None, None, "File isn't open for reading")
            path = _local(self.__name)
            try:
                self._read_buf = open(path, "rb")  # noqa: SIM115 - lives until close()
            except OSError as e:
                raise _io_error(path, e) from None

    def _prewrite_check(self) -> None:
        if not self._writable_file:
            if not self._write_check_passed:
                raise errors.PermissionDeniedError(None, None, "File isn't open for writing")
            path = _local(self.__name)
            try:
                self._writable_file = open(path, "ab" if self._append else "wb")  # noqa: SIM115
            except OSError as e:
                raise _io_error(path, e) from None

    def _read_bytes(self, fn):
        try:
            return fn()
        except OSError as e:
            raise _io_error(_local(self.__name), e) from None

    def _prepare_value(self, val: bytes):
        if self._binary_mode:
            return val
        return val.decode(self.__encoding)

    def size(self) -> int:
        """Returns the size of the file.

        Raises:
          errors.NotFoundError: If the file does not exist.
        """
        return stat(self.__name).length

    def write(self, file_content) -> None:
        """Writes file_content to the file. Appends to the end of the file.

        Args:
          file_content: The str or bytes to write (str is encoded).

        Raises:
          errors.PermissionDeniedError: If the file was not opened for writing.
        """
        self._prewrite_check()
        data = as_bytes(file_content, encoding=self.__encoding)
        try:
            self._writable_file.write(data)
        except OSError as e:
            raise _io_error(_local(self.__name), e) from None

    def read(self, n=-1):
        """Returns the contents of a file as a string.

        Starts reading from current position in file.

        Args:
          n: Read `n` bytes if `n != -1`. If `n = -1`, reads to end of file.

        Returns:
          `n` bytes of the file (or whole file) in bytes mode or `n` bytes of the string if in
          string (regular) mode.

        Raises:
          errors.PermissionDeniedError: If the file was not opened for reading.
        """
        self._preread_check()
        length = self.size() - self.tell() if n == -1 else n
        return self._prepare_value(self._read_bytes(lambda: self._read_buf.read(length)))

    def seek(self, offset=None, whence=0, position=None) -> None:
        """Seeks to the offset in the file.

        Args:
          offset: The byte count relative to the whence argument.
          whence: Valid values for whence are: 0: start of the file (default), 1: relative to
            the current position of the file, 2: relative to the end of file. `offset` is
            usually negative.
          position: Deprecated alias for `offset`.

        Raises:
          TypeError: If neither or both of `offset` and `position` are given.
          errors.InvalidArgumentError: If `whence` is invalid or the position is negative.
        """
        self._preread_check()
        if offset is None and position is None:
            raise TypeError("seek(): offset argument required")
        if offset is not None and position is not None:
            raise TypeError("seek(): offset and position may not be set simultaneously.")
        if position is not None:
            offset = position
        if whence == 0:
            pass
        elif whence == 1:
            offset += self.tell()
        elif whence == 2:
            offset += self.size()
        else:
            raise errors.InvalidArgumentError(
                None, None, f"Invalid whence argument: {whence}. Valid values are 0, 1, or 2."
            )
        if offset < 0:
            raise errors.InvalidArgumentError(
                None, None, f"Seeking to a negative position: {offset}"
            )
        self._read_buf.seek(offset)

    def readline(self):
        """Reads the next line, keeping \n. At EOF, returns ''."""
        self._preread_check()
        return self._prepare_value(self._read_bytes(self._read_buf.readline))

    def readlines(self) -> list:
        """Returns all lines from the file in a list."""
        self._preread_check()
        lines = []
        while True:
            s = self.readline()
            if not s:
                break
            lines.append(s)
        return lines

    def tell(self) -> int:
        """Returns the current position in the file."""
        if self._read_check_passed:
            self._preread_check()
            return self._read_buf.tell()
        self._prewrite_check()
        return self._writable_file.tell()

    def __enter__(self):
        return self

    def __exit__(self, unused_type, unused_value, unused_traceback):
        self.close()

    def __iter__(self):
        return self

    def __next__(self):
        """Returns the next line of the file; raises StopIteration at its end."""
        retval = self.readline()
        if not retval:
            raise StopIteration()
        return retval

    next = __next__

    def flush(self) -> None:
        """Flushes the Writable file.

        This only ensures that the data has made its way out of the process without any
        guarantees on whether it's written to disk.
        """
        if self._writable_file:
            self._writable_file.flush()

    def close(self) -> None:
        """Closes FileIO. Should be called for the WritableFile to be flushed."""
        if self._read_buf:
            self._read_buf.close()
        self._read_buf = None
        if self._writable_file:
            self._writable_file.close()
            self._writable_file = None

    def seekable(self) -> bool:
        """Returns True as FileIO supports random access ops of seek()/tell()"""
        return True

    def __del__(self):
        # TF1's file objects close with their last reference; scripts rely on it
        # (tf.gfile.GFile(p).read()), so an unclosed one is not a ResourceWarning here.
        with _contextlib.suppress(OSError):
            self.close()


class GFile(FileIO):
    """TF1's ``tf.gfile.GFile`` (also ``tf.gfile.Open`` and ``tf.io.gfile.GFile``)."""

    def __init__(self, name, mode="r"):
        """Opens `name` as TF1's `tf.gfile.GFile` (the file is opened on first use).

        Args:
          name: Name of the file.
          mode: One of 'r', 'w', 'a', 'r+', 'w+', 'a+'. Append 'b' for bytes mode.
        """
        super().__init__(name=name, mode=mode)


class FastGFile(FileIO):
    """TF1's deprecated ``tf.gfile.FastGFile``, the same as GFile."""

    def __init__(self, name, mode="r"):
        """Opens `name`, as `GFile` does (TF1 deprecated `FastGFile` in its favour).

        Args:
          name: Name of the file.
          mode: One of 'r', 'w', 'a', 'r+', 'w+', 'a+'. Append 'b' for bytes mode.
        """
        super().__init__(name=name, mode=mode)


class FileStatistics:
    """What ``stat`` returns: ``length`` in bytes, ``mtime_nsec`` (whole seconds, as TF1's
    POSIX filesystem) and ``is_directory``."""

    __slots__ = ("is_directory", "length", "mtime_nsec")

    def __init__(self, length: int, mtime_nsec: int, is_directory: bool):
        """Creates the statistics of a file.

        Args:
          length: The file's size in bytes.
          mtime_nsec: The modification time in nanoseconds (whole seconds, as TF1's POSIX
            filesystem).
          is_directory: Whether the path is a directory.
        """
        self.length = length
        self.mtime_nsec = mtime_nsec
        self.is_directory = is_directory

    def __repr__(self) -> str:
        return (
            f"FileStatistics(length={self.length}, mtime_nsec={self.mtime_nsec}, "
            f"is_directory={self.is_directory})"
        )


def file_exists(filename) -> bool:
    """Determines whether a path exists or not.

    Args:
      filename: string, a path

    Returns:
      True if the path exists, whether it's a file or a directory. False
      if the path does not exist and there are no filesystem errors.
    """
    path = _local(filename)
    return bool(path) and _os.access(path, _os.F_OK)


def delete_file(filename) -> None:
    """Deletes the file located at 'filename'.

    Args:
      filename: string, a filename

    Raises:
      errors.OpError: If the operation fails (e.g. NotFoundError for a missing file).
    """
    path = _local(filename)
    try:
        _os.unlink(path)
    except OSError as e:
        raise _io_error(path, e) from None


def read_file_to_string(filename, binary_mode=False):
    """Reads the entire contents of a file to a string.

    Args:
      filename: string, path to a file
      binary_mode: whether to open the file in binary mode or not. This changes the type of
        the object returned.

    Returns:
      contents of the file as a string or bytes.

    Raises:
      errors.OpError: Raises variety of errors that are subtypes e.g. `NotFoundError` etc.
    """
    with FileIO(filename, mode="rb" if binary_mode else "r") as f:
        return f.read()


def write_string_to_file(filename, file_content) -> None:
    """Writes a string to a given file.

    Args:
      filename: string, path to a file
      file_content: string, contents that need to be written to the file

    Raises:
      errors.OpError: If there are errors during the operation.
    """
    with FileIO(filename, mode="w") as f:
        f.write(file_content)


def _has_magic(part: str) -> bool:
    return any(c in part for c in "*?[\\")


def _component_pattern(part: str) -> str:
    # fnmatch(3) reads a backslash as "the next character literally"; Python's fnmatch does
    # not, so an escaped character becomes a one-character class.
    out, i = [], 0
    while i < len(part):
        if part[i] == "\\" and i + 1 < len(part):
            out.append("[" + part[i + 1] + "]")
            i += 2
        else:
            out.append(part[i])
            i += 1
    return "".join(out)


def _glob_one(pattern: str) -> list:
    path = _local(pattern)
    if not _has_magic(path):
        return [path] if file_exists(path) else []
    parts = path.split("/")
    first = next(i for i, p in enumerate(parts) if _has_magic(p))
    if first == 0:
        base = "."
    elif first == 1 and parts[0] == "":
        base = "/"
    else:
        base = "/".join(parts[:first])
    candidates = [base]
    for i in range(first, len(parts)):
        part = parts[i]
        last = i == len(parts) - 1
        matched = []
        for directory in candidates:
            if not _has_magic(part):
                child = _join_child(directory, part)
                if _os.path.lexists(child) if last else _os.path.isdir(child):
                    matched.append(child)
                continue
            try:
                names = sorted(_os.listdir(directory))
            except OSError:
                continue
            pat = _component_pattern(part)
            for name in names:
                if _fnmatch.fnmatchcase(name, pat):
                    child = _join_child(directory, name)
                    if last or _os.path.isdir(child):
                        matched.append(child)
        candidates = matched
    return candidates


def _join_child(directory: str, name: str) -> str:
    return directory + name if directory.endswith("/") else directory + "/" + name


def get_matching_files(filename) -> list:
    """Returns a list of files that match the given pattern(s).

    The patterns use fnmatch's `*`, `?` and `[...]` within one path component; a relative
    pattern gives paths under `./`, as TF1.

    Args:
      filename: string or iterable of strings. The glob pattern(s).

    Returns:
      A list of strings containing filenames that match the given pattern(s).

    Raises:
      errors.OpError: If there are filesystem / directory listing errors.
    """
    if isinstance(filename, (str, bytes)) or hasattr(filename, "__fspath__"):
        return _glob_one(filename)
    return [match for single in filename for match in _glob_one(single)]


def create_dir(dirname) -> None:
    """Creates a directory with the name 'dirname'.

    Notes: The parent directories need to exist. Use `recursive_create_dir` instead if
    there is the possibility that the parent dirs don't exist.

    Args:
      dirname: string, name of the directory to be created

    Raises:
      errors.OpError: If the operation fails (e.g. NotFoundError for a missing file).
    """
    path = _local(dirname)
    try:
        _os.mkdir(path, 0o755)
    except OSError as e:
        raise _io_error(path, e) from None


def recursive_create_dir(dirname) -> None:
    """Creates a directory and all parent/intermediate directories.

    It succeeds if dirname already exists and is writable; an existing path (even a file) is
    left as it is, as TF1's RecursivelyCreateDir.

    Args:
      dirname: string, name of the directory to be created

    Raises:
      errors.OpError: If the operation fails (e.g. NotFoundError for a missing file).
    """
    path = _local(dirname)
    missing = []
    remaining = path
    while remaining and not file_exists(remaining):
        if not remaining.endswith("/"):
            missing.append(_os.path.basename(remaining))
        # TF1's io::Dirname: "a/b/" -> "a/b", "a/b" -> "a", "a" -> "".
        parent = (
            remaining.rstrip("/") or "/"
            if remaining.endswith("/")
            else (_os.path.dirname(remaining))
        )
        if parent == remaining:
            break
        remaining = parent
    built = remaining
    for name in reversed(missing):
        built = _join_child(built, name) if built else name
        try:
            _os.mkdir(built, 0o755)
        except FileExistsError:
            pass
        except OSError as e:
            raise _io_error(built, e) from None


def copy(oldpath, newpath, overwrite=False) -> None:
    """Copies data from `oldpath` to `newpath`.

    Args:
      oldpath: string, name of the file who's contents need to be copied
      newpath: string, name of the file to which to copy to
      overwrite: boolean, if false it's an error for `newpath` to be occupied by an existing
        file.

    Raises:
      errors.AlreadyExistsError: If `newpath` exists and `overwrite` is false.
      errors.OpError: If the operation fails.
    """
    src, dst = _local(oldpath), _local(newpath)
    if not overwrite and file_exists(dst):
        raise errors.AlreadyExistsError(None, None, "file already exists")
    try:
        fin = open(src, "rb")  # noqa: SIM115
    except OSError as e:
        raise _io_error(src, e) from None
    with fin:
        try:
            fout = open(dst, "wb")  # noqa: SIM115
        except OSError as e:
            raise _io_error(dst, e) from None
        with fout:
            while True:
                try:
                    chunk = fin.read(1 << 20)
                except OSError as e:
                    raise _io_error(src, e) from None
                if not chunk:
                    break
                try:
                    fout.write(chunk)
                except OSError as e:
                    raise _io_error(dst, e) from None


def rename(oldname, newname, overwrite=False) -> None:
    """Rename or move a file / directory.

    Args:
      oldname: string, pathname for a file
      newname: string, pathname to which the file needs to be moved
      overwrite: boolean, if false it's an error for `newname` to be occupied by an existing
        file.

    Raises:
      errors.AlreadyExistsError: If `newname` exists and `overwrite` is false.
      errors.OpError: If the operation fails.
    """
    src, dst = _local(oldname), _local(newname)
    if not overwrite and file_exists(dst):
        raise errors.AlreadyExistsError(None, None, "file already exists")
    try:
        _os.rename(src, dst)
    except OSError as e:
        raise _io_error(src, e) from None


def delete_recursively(dirname) -> None:
    """Deletes everything under dirname recursively.

    Symbolic links are deleted themselves, never what they point to.

    Args:
      dirname: string, a path to a directory (or a file)

    Raises:
      errors.OpError: If the operation fails (e.g. NotFoundError for a missing file).
    """
    path = _local(dirname)
    if not file_exists(path) and not _os.path.islink(path):
        raise errors.NotFoundError(None, None, f"{path} not found")
    if not _os.path.isdir(path) or _os.path.islink(path):
        delete_file(path)
        return
    undeleted = 0
    for root, dirs, files in _os.walk(path, topdown=False):
        for name in files:
            try:
                _os.unlink(_os.path.join(root, name))
            except OSError:
                undeleted += 1
        for name in dirs:
            child = _os.path.join(root, name)
            try:
                if _os.path.islink(child):
                    _os.unlink(child)
                else:
                    _os.rmdir(child)
            except OSError:
                undeleted += 1
    try:
        _os.rmdir(path)
    except OSError:
        undeleted += 1
    if undeleted:
        raise errors.PermissionDeniedError(None, None, "could not fully delete dir")


def is_directory(dirname) -> bool:
    """Returns whether the path is a directory or not.

    Args:
      dirname: string, path to a potential directory

    Returns:
      True, if the path is a directory; False
      otherwise
    """
    return _os.path.isdir(_local(dirname))


def list_directory(dirname) -> list:
    """Returns a list of entries contained within a directory.

    The list is in arbitrary order. It does not contain the special entries "." and "..".

    Args:
      dirname: string, path to a directory

    Returns:
      [filename1, filename2, ... filenameN] as strings

    Raises:
      errors.NotFoundError: if directory doesn't exist
    """
    if not is_directory(dirname):
        raise errors.NotFoundError(None, None, f"Could not find directory {dirname}")
    path = _local(dirname)
    try:
        return _os.listdir(path)
    except OSError as e:
        raise _io_error(path, e) from None


def join(path, *paths) -> str:
    """Join one or more path components intelligently (`os.path.join` for local paths).

    Args:
      path: string, path to a directory
      *paths: string, additional paths to concatenate

    Returns:
      path: the joined path.
    """
    return _os.path.join(path, *paths)


def walk(top, in_order=True):
    """Recursive directory tree generator for directories.

    Args:
      top: string, a Directory name
      in_order: bool, Traverse in order if True, post order if False. Errors that happen
        while listing directories are ignored.

    Yields:
      Each yield is a 3-tuple: the pathname of a directory, followed by lists of all its
      subdirectories and leaf files. (dirname, [subdirname, subdirname, ...], [filename,
      filename, ...]) as strings. A missing `top` yields nothing.
    """
    return walk_v2(top, in_order)


def walk_v2(top, topdown=True, onerror=None):
    """Recursive directory tree generator for directories.

    Args:
      top: string, a Directory name
      topdown: bool, Traverse pre order if True, post order if False.
      onerror: optional handler for errors. Should be a function, it will be called with the
        error as argument. Rethrowing the error aborts the walk. Errors that happen while
        listing directories are ignored.

    Yields:
      Each yield is a 3-tuple: the pathname of a directory, followed by lists of all its
      subdirectories and leaf files. That is, each yield looks like: `(dirname,
      [subdirname, subdirname, ...], [filename, filename, ...])`.
    """
    top = as_str_any(path_to_str(top))
    try:
        listing = list_directory(top)
    except errors.NotFoundError as err:
        if onerror:
            onerror(err)
        return
    files, subdirs = [], []
    for item in listing:
        if is_directory(_os.path.join(top, item)):
            subdirs.append(item)
        else:
            files.append(item)
    here = (top, subdirs, files)
    if topdown:
        yield here
    for subdir in subdirs:
        yield from walk_v2(_os.path.join(top, subdir), topdown, onerror=onerror)
    if not topdown:
        yield here


def stat(filename) -> FileStatistics:
    """Returns file statistics for a given path.

    Args:
      filename: string, path to a file

    Returns:
      FileStatistics struct that contains information about the path

    Raises:
      errors.OpError: If the operation fails.
    """
    path = _local(filename)
    try:
        st = _os.stat(path)
    except OSError as e:
        raise _io_error(path, e) from None
    return FileStatistics(st.st_size, int(st.st_mtime) * 1_000_000_000, _stat.S_ISDIR(st.st_mode))
