"""Subprocess body for the checkpoint scenario: prints one JSON line with save/restore times.

usage: checkpoint_worker.py IMPL N REPS DIR     (IMPL: disk, varflow, safetensors, tf)

Every save is timed up to its data being on disk (fsync: varflow's Saver does it itself; the
others get an explicit os.fsync inside the timed region). Before each restore the file's pages
are dropped from the page cache (posix_fadvise DONTNEED on a clean, synced file), so restores
read from the disk, not from memory.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

CHUNK = 64 << 20


def fsync_files(paths):
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def evict(paths):
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def timed(fn):
    t0 = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - t0


def values(n):
    # Not zeros: a file system could store zero pages sparsely.
    return (np.arange(n, dtype=np.float32) % 1021) * np.float32(0.5)


def bench_disk(n, reps, d):
    buf = values(n)
    view = memoryview(buf).cast("B")
    out = np.empty_like(buf)
    out_view = memoryview(out).cast("B")
    path = str(Path(d) / "raw.bin")

    def write():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            for i in range(0, len(view), CHUNK):
                os.write(fd, view[i : i + CHUNK])
            os.fsync(fd)
        finally:
            os.close(fd)

    def read():
        with Path(path).open("rb", buffering=0) as f:
            pos = 0
            while pos < len(out_view):
                got = f.readinto(out_view[pos : pos + CHUNK])
                if not got:
                    raise OSError("short read")
                pos += got

    saves, restores = [], []
    for _ in range(reps):
        saves.append(timed(write))
        evict([path])
        restores.append(timed(read))
    assert np.array_equal(out, buf)
    return saves, restores


def bench_varflow(n, reps, d):
    import varflow as tf

    w = tf.get_variable("w", [n], initializer=tf.zeros_initializer())
    saver = tf.train.Saver([w], max_to_keep=1)
    prefix = str(Path(d) / "vf")
    saves, restores = [], []
    with tf.Session() as sess:
        w.load(values(n), sess)
        for _ in range(reps):
            saves.append(timed(lambda: saver.save(sess, prefix)))
            evict([prefix + ".safetensors"])
            sess.run(w.initializer)
            restores.append(timed(lambda: saver.restore(sess, prefix)))
        assert float(sess.run(w[1021 + 3])) == 1.5
    return saves, restores


def bench_safetensors(n, reps, d):
    from safetensors.numpy import load_file, save_file

    arr = values(n)
    path = str(Path(d) / "st.safetensors")
    saves, restores = [], []
    loaded = {}
    for _ in range(reps):
        saves.append(timed(lambda: (save_file({"w": arr}, path), fsync_files([path]))))
        evict([path])
        restores.append(timed(lambda: loaded.update(load_file(path))))
    assert np.array_equal(loaded["w"], arr)
    return saves, restores


def bench_tf(n, reps, d):
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    w = tf.get_variable("w", [n], initializer=tf.zeros_initializer())
    saver = tf.train.Saver([w], max_to_keep=1)
    prefix = str(Path(d) / "tf")
    config = tf.ConfigProto(intra_op_parallelism_threads=0, inter_op_parallelism_threads=1)
    saves, restores = [], []
    with tf.Session(config=config) as sess:
        w.load(values(n), sess)

        def files():
            return [*(str(p) for p in Path(d).glob("tf.data-*")), prefix + ".index"]

        def save():
            saver.save(sess, prefix, write_meta_graph=False)
            fsync_files(files())

        for _ in range(reps):
            saves.append(timed(save))
            evict(files())
            sess.run(w.initializer)
            restores.append(timed(lambda: saver.restore(sess, prefix)))
        assert float(sess.run(w[1021 + 3])) == 1.5
    return saves, restores


def main():
    impl, n, reps, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    fn = {"disk": bench_disk, "varflow": bench_varflow, "safetensors": bench_safetensors,
          "tf": bench_tf}[impl]  # fmt: skip
    saves, restores = fn(n, reps, d)
    print(json.dumps({"save_ns": saves, "restore_ns": restores}))


if __name__ == "__main__":
    main()
