"""Runs cases in persistent worker processes; a worker that dies or stops answering is the
case's finding, and a fresh worker takes over."""

from __future__ import annotations

import dataclasses
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .classify import classify
from .program import Case
from .registry import make_case

WORKER = Path(__file__).with_name("worker.py")


@dataclasses.dataclass
class Result:
    case: Case
    cls: str
    detail: str
    answer: dict


class Worker:
    def __init__(self, timeout: float, python: str = sys.executable, env: dict | None = None):
        self.timeout = timeout
        self.python = python
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker
        self.buf = b""

    def start(self) -> None:
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", **self.extra_env)
        self.log.seek(0)
        self.log.truncate()
        self.proc = subprocess.Popen(
            [self.python, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env,
        )
        self.buf = b""
        ready = self._read_line(120.0)
        if ready is None or not ready.get("ready"):
            raise RuntimeError(f"fuzz worker did not start: {self._log_tail()}")

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            for pipe in (self.proc.stdin, self.proc.stdout):
                if pipe is not None:
                    pipe.close()
        self.proc = None

    def close(self) -> None:
        self.stop()
        self.log.close()

    def _log_tail(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-1500:]

    def _read_line(self, timeout: float):
        """The next JSON line; None on end of file; "timeout" if none arrives in time."""
        assert self.proc is not None
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout"
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def run(self, case: Case) -> dict:
        if self.proc is None:
            self.start()
        assert self.proc is not None
        assert self.proc.stdin is not None
        self.log.seek(0)
        self.log.truncate()
        msg = json.dumps({"source": case.source, "oracle": case.oracle}) + "\n"
        try:
            self.proc.stdin.write(msg.encode())
            self.proc.stdin.flush()
            answer = self._read_line(self.timeout)
        except BrokenPipeError:
            answer = None
        if answer == "timeout":
            self.stop()
            return {"outcome": "hang", "detail": f"no answer in {self.timeout:g} s"}
        if answer is None:
            rc = self.proc.wait()
            self.stop()
            detail = signal.Signals(-rc).name if rc < 0 else f"exit code {rc}"
            return {"outcome": "crash", "detail": detail, "stderr": self._log_tail()}
        return answer


def run_given(cases: list[Case], jobs: int = 2, timeout: float = 10.0) -> list[Result]:
    """Runs fixed cases (e.g. the corpus) instead of generated ones."""
    return run_cases(0, range(len(cases)), jobs, timeout, cases=cases)


def run_cases(
    seed: int,
    indices,
    jobs: int = 2,
    timeout: float = 10.0,
    only: str | None = None,
    progress=None,
    cases: list[Case] | None = None,
) -> list[Result]:
    """Runs case `i` of `seed` for every i in `indices` on `jobs` workers."""
    indices = list(indices)
    results: list[Result] = []
    lock = threading.Lock()
    position = iter(indices)

    errors: list[BaseException] = []

    def loop():
        worker = Worker(timeout)
        try:
            while True:
                with lock:
                    index = next(position, None)
                if index is None:
                    return
                case = cases[index] if cases is not None else make_case(seed, index, only)
                answer = worker.run(case)
                if answer["outcome"] == "crash":
                    # Again in a fresh process: a crash that needs earlier cases' leftovers
                    # (a corrupted heap) is marked as such.
                    again = worker.run(case)
                    answer["reproduced_alone"] = again["outcome"] == "crash"
                    if again["outcome"] != "crash":
                        answer["detail"] += " (not reproduced in a fresh worker)"
                cls, detail = classify(case, answer)
                with lock:
                    results.append(Result(case, cls, detail, answer))
                    if progress:
                        progress(len(results))
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(e)
        finally:
            worker.close()

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(max(1, jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    results.sort(key=lambda r: (r.case.seed, r.case.index))
    return results
