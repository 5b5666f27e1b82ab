"""tf.gfile and tf.io.gfile on the local filesystem, with TF1's errors and messages (recorded
from TensorFlow's POSIX filesystem)."""

from __future__ import annotations

import os

import pytest
import varflow as tf
from varflow import errors


@pytest.fixture
def d(tmp_path):
    return str(tmp_path)


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _read(path):
    with open(path) as f:
        return f.read()


def test_write_then_read_text_and_bytes(d):
    p = os.path.join(d, "a.txt")
    with tf.gfile.GFile(p, "w") as f:
        assert f.write("hello\nworld\n") is None
        assert f.tell() == 12
    assert tf.gfile.GFile(p).read() == "hello\nworld\n"
    assert tf.gfile.GFile(p, "rb").read() == b"hello\nworld\n"
    assert tf.gfile.GFile(p).read(3) == "hel"
    assert tf.gfile.GFile(p).readlines() == ["hello\n", "world\n"]
    assert list(tf.gfile.GFile(p)) == ["hello\n", "world\n"]
    assert tf.gfile.GFile(p).size() == 12
    with tf.gfile.Open(p, "a") as f:
        f.write(b"more")
    assert tf.gfile.FastGFile(p, "rb").read() == b"hello\nworld\nmore"
    assert tf.io.gfile.GFile(p).readline() == "hello\n"


def test_seek_tell_and_whence(d):
    p = os.path.join(d, "s.txt")
    _write(p, "abcdefgh")
    f = tf.gfile.GFile(p)
    assert f.read(2) == "ab"
    f.seek(4)
    assert f.tell() == 4
    assert f.read(2) == "ef"
    f.seek(-2, 1)
    assert f.read(1) == "e"
    f.seek(-2, 2)
    assert f.read() == "gh"
    with pytest.raises(errors.InvalidArgumentError, match=r"^Invalid whence argument: 5\. Valid"):
        f.seek(0, 5)
    with pytest.raises(TypeError, match="offset argument required"):
        f.seek()
    f.close()


def test_w_plus_reads_what_it_wrote(d):
    p = os.path.join(d, "wp.txt")
    f = tf.gfile.GFile(p, "w+")
    f.write("hey")
    f.flush()
    assert f.read() == "hey"
    f.close()


def test_mode_errors(d):
    p = os.path.join(d, "m.txt")
    _write(p, "x")
    with pytest.raises(errors.InvalidArgumentError) as e:
        tf.gfile.GFile(p, "x")
    assert str(e.value) == "mode is not 'r' or 'w' or 'a' or 'r+' or 'w+' or 'a+'"
    with pytest.raises(errors.PermissionDeniedError, match=r"^File isn't open for writing$"):
        tf.gfile.GFile(p, "r").write("x")
    with pytest.raises(errors.PermissionDeniedError, match=r"^File isn't open for reading$"):
        tf.gfile.GFile(os.path.join(d, "w.txt"), "w").read()
    with pytest.raises(TypeError, match=r"^Expected binary or unicode string, got 3$"):
        tf.gfile.GFile(p, "w").write(3)


def test_files_open_lazily_and_missing_files_are_not_found(d):
    missing = os.path.join(d, "nope")
    f = tf.gfile.GFile(missing)  # nothing is opened yet, as in TF1
    with pytest.raises(errors.NotFoundError) as e:
        f.read()
    assert str(e.value) == f"{missing}; No such file or directory"
    nodir = os.path.join(d, "nodir", "f")
    tf.gfile.GFile(nodir, "w").close()  # never written: never created, no error
    with pytest.raises(errors.NotFoundError, match="No such file or directory"):
        tf.gfile.GFile(nodir, "w").write("x")
    with pytest.raises(errors.FailedPreconditionError) as e:
        tf.gfile.GFile(d).read()
    assert str(e.value) == f"{d}; Is a directory"


def test_exists_isdir_stat(d):
    p = os.path.join(d, "a.txt")
    _write(p, "0123456789")
    assert tf.gfile.Exists(p)
    assert tf.gfile.Exists(d)
    assert not tf.gfile.Exists(p + "x")
    assert not tf.gfile.Exists("")
    assert tf.gfile.IsDirectory(d)
    assert not tf.gfile.IsDirectory(p)
    assert not tf.gfile.IsDirectory(p + "x")
    s = tf.gfile.Stat(p)
    assert (s.length, s.is_directory) == (10, False)
    assert s.mtime_nsec == int(os.stat(p).st_mtime) * 10**9
    assert tf.gfile.Stat(d).is_directory
    with pytest.raises(errors.NotFoundError) as e:
        tf.io.gfile.stat(p + "q")
    assert str(e.value) == f"{p}q; No such file or directory"


def test_mkdir_and_makedirs(d):
    nested = os.path.join(d, "x", "y")
    with pytest.raises(errors.NotFoundError) as e:
        tf.gfile.MkDir(nested)
    assert str(e.value) == f"{nested}; No such file or directory"
    tf.gfile.MakeDirs(nested)
    assert tf.gfile.IsDirectory(nested)
    tf.gfile.MakeDirs(nested)  # existing: fine
    tf.io.gfile.makedirs(os.path.join(d, "x", "z") + "/")
    assert tf.gfile.IsDirectory(os.path.join(d, "x", "z"))
    with pytest.raises(errors.AlreadyExistsError) as e:
        tf.gfile.MkDir(nested)
    assert str(e.value) == f"{nested}; File exists"
    p = os.path.join(d, "f")
    _write(p, "")
    with pytest.raises(errors.FailedPreconditionError) as e:
        tf.gfile.MakeDirs(os.path.join(p, "y"))
    assert str(e.value) == f"{p}/y; Not a directory"
    old = os.getcwd()
    os.chdir(d)
    try:
        tf.gfile.MakeDirs("rel/a/b")
    finally:
        os.chdir(old)
    assert os.path.isdir(os.path.join(d, "rel", "a", "b"))


def test_list_directory_and_walk(d):
    os.makedirs(os.path.join(d, "x3", "y"))
    _write(os.path.join(d, "a.txt"), "")
    _write(os.path.join(d, "c.txt"), "")
    assert sorted(tf.gfile.ListDirectory(d)) == ["a.txt", "c.txt", "x3"]
    assert sorted(tf.io.gfile.listdir(d)) == ["a.txt", "c.txt", "x3"]
    for bad in (os.path.join(d, "nope"), os.path.join(d, "a.txt")):
        with pytest.raises(errors.NotFoundError) as e:
            tf.gfile.ListDirectory(bad)
        assert str(e.value) == f"Could not find directory {bad}"

    def rel(walked):
        return [(r.replace(d, "D"), sorted(a), sorted(b)) for r, a, b in walked]

    top_down = [("D", ["x3"], ["a.txt", "c.txt"]), ("D/x3", ["y"], []), ("D/x3/y", [], [])]
    assert rel(tf.gfile.Walk(d)) == top_down
    assert rel(tf.gfile.Walk(d, in_order=False)) == top_down[::-1]
    assert rel(tf.io.gfile.walk(d, topdown=False)) == top_down[::-1]
    assert list(tf.gfile.Walk(os.path.join(d, "nope"))) == []
    seen = []
    assert list(tf.io.gfile.walk(os.path.join(d, "nope"), onerror=seen.append)) == []
    assert isinstance(seen[0], errors.NotFoundError)


def test_glob(d):
    for name in ("a.txt", "b.txt", "c.csv", ".hidden.txt"):
        _write(os.path.join(d, name), "")
    os.makedirs(os.path.join(d, "x", "y"))
    j = os.path.join
    assert sorted(tf.gfile.Glob(j(d, "*.txt"))) == [
        j(d, n) for n in (".hidden.txt", "a.txt", "b.txt")
    ]
    assert tf.gfile.Glob(j(d, "?.csv")) == [j(d, "c.csv")]
    assert sorted(tf.gfile.Glob(j(d, "[ab].txt"))) == [j(d, "a.txt"), j(d, "b.txt")]
    assert tf.gfile.Glob(j(d, "*", "y")) == [j(d, "x", "y")]
    assert tf.gfile.Glob(j(d, "*.zzz")) == []
    assert tf.gfile.Glob(j(d, "nope", "*.txt")) == []
    assert tf.gfile.Glob(j(d, "a.txt")) == [j(d, "a.txt")]
    assert tf.gfile.Glob(j(d, "z.txt")) == []
    assert sorted(tf.io.gfile.glob([j(d, "*.csv"), j(d, "x")])) == [j(d, "c.csv"), j(d, "x")]
    old = os.getcwd()
    os.chdir(d)
    try:
        # TF1 answers a relative pattern with paths under "./".
        assert tf.gfile.Glob("*.csv") == ["./c.csv"]
        assert tf.gfile.Glob("c.csv") == ["c.csv"]
    finally:
        os.chdir(old)


def test_copy_and_rename(d):
    a, b, c = (os.path.join(d, n) for n in ("a.txt", "b.txt", "c.txt"))
    _write(a, "AAA")
    tf.gfile.Copy(a, b)
    assert _read(b) == "AAA"
    _write(a, "NEW")
    with pytest.raises(errors.AlreadyExistsError) as e:
        tf.gfile.Copy(a, b)
    assert str(e.value) == "file already exists"
    tf.gfile.Copy(a, b, overwrite=True)
    assert _read(b) == "NEW"
    with pytest.raises(errors.NotFoundError) as e:
        tf.gfile.Copy(a + "q", c)
    assert str(e.value) == f"{a}q; No such file or directory"
    sub = os.path.join(d, "x")
    os.mkdir(sub)
    with pytest.raises(errors.FailedPreconditionError) as e:
        tf.io.gfile.copy(a, sub, overwrite=True)
    assert str(e.value) == f"{sub}; Is a directory"

    with pytest.raises(errors.AlreadyExistsError, match=r"^file already exists$"):
        tf.gfile.Rename(b, a)
    tf.gfile.Rename(b, c)
    assert not tf.gfile.Exists(b)
    assert _read(c) == "NEW"
    tf.gfile.Rename(c, a, overwrite=True)
    assert _read(a) == "NEW"
    with pytest.raises(errors.NotFoundError) as e:
        tf.io.gfile.rename(b, c)
    assert str(e.value) == f"{b}; No such file or directory"
    with pytest.raises(errors.FailedPreconditionError) as e:
        tf.gfile.Rename(a, sub, overwrite=True)
    assert str(e.value) == f"{a}; Is a directory"


def test_remove_and_delete_recursively(d):
    p = os.path.join(d, "a.txt")
    _write(p, "")
    sub = os.path.join(d, "x")
    os.makedirs(os.path.join(sub, "y"))
    _write(os.path.join(sub, "y", "f"), "")
    with pytest.raises(errors.NotFoundError) as e:
        tf.gfile.Remove(p + "q")
    assert str(e.value) == f"{p}q; No such file or directory"
    with pytest.raises(errors.FailedPreconditionError) as e:
        tf.gfile.Remove(sub)
    assert str(e.value) == f"{sub}; Is a directory"
    tf.gfile.Remove(p)
    assert not tf.gfile.Exists(p)
    with pytest.raises(errors.NotFoundError) as e:
        tf.gfile.DeleteRecursively(os.path.join(d, "nope"))
    assert str(e.value) == f"{d}/nope not found"
    outside = os.path.join(d, "outside")
    os.mkdir(outside)
    _write(os.path.join(outside, "keep"), "")
    os.symlink(outside, os.path.join(sub, "link"))
    tf.gfile.DeleteRecursively(sub)
    assert not tf.gfile.Exists(sub)
    assert os.path.exists(os.path.join(outside, "keep"))  # a link is removed, not followed
    f = os.path.join(d, "file")
    _write(f, "")
    tf.io.gfile.rmtree(f)
    assert not os.path.exists(f)


def test_pathlike_and_file_scheme(tmp_path):
    p = tmp_path / "p.txt"
    with tf.gfile.GFile(p, "w") as f:
        f.write("via pathlib")
    assert tf.gfile.Exists(p)
    assert tf.gfile.GFile("file://" + str(p)).read() == "via pathlib"
    with pytest.raises(errors.UnimplementedError, match="File system scheme 'gs' not implemented"):
        tf.gfile.Exists("gs://bucket/x")


def test_module_contents_are_tf1s():
    assert tf.gfile.Open is tf.gfile.GFile
    assert sorted(n for n in tf.gfile.__all__) == [
        "Copy", "DeleteRecursively", "Exists", "FastGFile", "GFile", "Glob", "IsDirectory",
        "ListDirectory", "MakeDirs", "MkDir", "Open", "Remove", "Rename", "Stat", "Walk",
    ]  # fmt: skip
    assert sorted(tf.io.gfile.__all__) == [
        "GFile", "copy", "exists", "glob", "isdir", "join", "listdir", "makedirs", "mkdir",
        "remove", "rename", "rmtree", "stat", "walk",
    ]  # fmt: skip
    with pytest.raises(AttributeError, match=r"varflow does not implement tf\.io\.decode_csv"):
        tf.io.decode_csv  # noqa: B018
