"""tf.logging: TF1's constants and functions on Python's logging."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest
import varflow as tf


@pytest.fixture
def restore_level():
    logger = logging.getLogger("varflow")
    level = logger.level
    yield
    logger.setLevel(level)


def test_the_levels_are_python_logging_levels():
    assert (tf.logging.DEBUG, tf.logging.INFO, tf.logging.WARN) == (10, 20, 30)
    assert (tf.logging.ERROR, tf.logging.FATAL) == (40, 50)


def test_set_verbosity_is_the_logger_level(restore_level):
    tf.logging.set_verbosity(tf.logging.ERROR)
    assert tf.logging.get_verbosity() == tf.logging.ERROR
    assert tf.get_logger() is logging.getLogger("varflow")
    assert tf.get_logger().level == logging.ERROR


def test_messages_are_formatted_and_filtered_by_verbosity(caplog, restore_level):
    tf.logging.set_verbosity(tf.logging.INFO)
    with caplog.at_level(logging.INFO, logger="varflow"):
        tf.logging.info("step %d loss %.2f", 3, 0.5)
        tf.logging.debug("hidden %d", 1)
        tf.logging.warn("careful")
        tf.logging.warning("careful too")
        tf.logging.error("bad %s", "thing")
        tf.logging.fatal("very bad")  # logs only; TF1's fatal does not exit
        tf.logging.log(tf.logging.ERROR, "logged %s", "directly")
        tf.logging.vlog(tf.logging.INFO, "vlog")
    got = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "varflow"]
    assert got == [
        (20, "step 3 loss 0.50"),
        (30, "careful"),
        (30, "careful too"),
        (40, "bad thing"),
        (50, "very bad"),
        (40, "logged directly"),
        (20, "vlog"),
    ]


def test_records_name_the_callers_line(caplog, restore_level):
    tf.logging.set_verbosity(tf.logging.INFO)
    with caplog.at_level(logging.INFO, logger="varflow"):
        tf.logging.info("here")
        tf.logging.log_if(tf.logging.INFO, "here too", True)
    assert [r.filename for r in caplog.records] == ["test_logging.py"] * 2
    assert caplog.records[0].funcName == "test_records_name_the_callers_line"


def test_log_every_n_and_log_first_n_count_per_source_line(caplog, restore_level):
    tf.logging.set_verbosity(tf.logging.INFO)
    with caplog.at_level(logging.INFO, logger="varflow"):
        for i in range(7):
            tf.logging.log_every_n(tf.logging.INFO, "every %d", 3, i)
            tf.logging.log_first_n(tf.logging.INFO, "first %d", 2, i)
        tf.logging.log_if(tf.logging.INFO, "never", False)
    assert [r.getMessage() for r in caplog.records] == [
        "every 0",
        "first 0",
        "first 1",
        "every 3",
        "every 6",
    ]


def test_flush_raises_as_tf1():
    with pytest.raises(NotImplementedError):
        tf.logging.flush()


def test_output_format_and_default_verbosity_in_a_fresh_process(tmp_path):
    script = textwrap.dedent(
        """
        import varflow as tf
        tf.logging.info("not shown at the default verbosity")
        tf.logging.warn("shown %d", 1)
        tf.logging.set_verbosity(tf.logging.INFO)
        tf.logging.info("now shown")
        """
    )
    path = tmp_path / "prog.py"
    path.write_text(script)
    result = subprocess.run(
        [sys.executable, str(path)], check=False, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["WARNING:varflow:shown 1", "INFO:varflow:now shown"]
