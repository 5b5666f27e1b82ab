"""tf.app.run and tf.app.flags / tf.flags, as TF1 builds them on absl-py."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import absl.flags
import pytest
import varflow as tf

_SCRIPT = textwrap.dedent(
    """
    import sys
    import varflow as tf

    flags = tf.app.flags
    flags.DEFINE_string("data_dir", "/tmp/data", "Where the data is.")
    flags.DEFINE_integer("max_steps", 100, "Number of steps.")
    flags.DEFINE_float("learning_rate", 0.01, "Learning rate.")
    flags.DEFINE_boolean("fake_data", True, "Use fake data.")
    flags.DEFINE_list("names", ["x"], "Names.")
    flags.DEFINE_enum("mode", "train", ["train", "eval"], "Mode.")
    FLAGS = flags.FLAGS


    def main(argv):
        print(repr((FLAGS.data_dir, FLAGS.max_steps, FLAGS.learning_rate, FLAGS.fake_data,
                    FLAGS.names, FLAGS.mode)))
        print(repr(argv[1:]))
        return int(FLAGS.max_steps) % 7


    if __name__ == "__main__":
        tf.app.run()
    """
)


def _run(tmp_path, script, *args):
    path = tmp_path / "prog.py"
    path.write_text(script)
    return subprocess.run(
        [sys.executable, str(path), *args], check=False, capture_output=True, text=True, timeout=120
    )


def test_run_parses_flags_calls_main_with_the_rest_and_exits_with_its_value(tmp_path):
    result = _run(
        tmp_path,
        _SCRIPT,
        "--data_dir=/d",
        "--max_steps",
        "9",
        "--learning_rate=0.5",
        "--nofake_data",
        "--names=a,b",
        "--mode=eval",
        "--unknown_flag=1",
        "positional",
    )
    lines = result.stdout.splitlines()
    assert lines[0] == repr(("/d", 9, 0.5, False, ["a", "b"], "eval")), result.stderr
    # TF1 parses with known_only=True: unknown flags and positionals reach main's argv.
    assert lines[1] == repr(["--unknown_flag=1", "positional"])
    assert result.returncode == 9 % 7


def test_run_uses_the_defaults_without_arguments(tmp_path):
    result = _run(tmp_path, _SCRIPT)
    assert result.stdout.splitlines() == [
        repr(("/tmp/data", 100, 0.01, True, ["x"], "train")),
        "[]",
    ], result.stderr
    assert result.returncode == 100 % 7


def test_a_bad_flag_value_stops_before_main(tmp_path):
    result = _run(tmp_path, _SCRIPT, "--max_steps=many")
    assert result.returncode == 1
    assert "max_steps" in result.stderr
    assert "Invalid value" in result.stderr or "invalid" in result.stderr.lower()
    assert result.stdout == ""


def test_run_with_an_explicit_main_and_argv(tmp_path):
    script = textwrap.dedent(
        """
        import varflow as tf
        tf.flags.DEFINE_integer("n", 1, "n")

        def train(argv):
            print(tf.flags.FLAGS.n, argv)

        tf.app.run(main=train, argv=["prog", "--n=4", "rest"])
        """
    )
    result = _run(tmp_path, script, "--n=99")
    assert result.stdout.strip() == "4 ['prog', 'rest']", result.stderr
    assert result.returncode == 0


def test_reading_a_flag_before_parsing_parses_sys_argv(tmp_path):
    # absl raises UnparsedFlagAccessError here; TF1's FLAGS parses sys.argv on first read.
    script = textwrap.dedent(
        """
        import varflow as tf
        tf.flags.DEFINE_string("who", "nobody", "who")
        print(tf.flags.FLAGS.who)
        """
    )
    result = _run(tmp_path, script, "--who=me")
    assert result.stdout.strip() == "me", result.stderr


def test_the_old_keyword_names_still_define_flags():
    values = absl.flags.FlagValues()
    tf.flags.DEFINE_string(
        flag_name="vf_old_kw", default_value="d", docstring="h", flag_values=values
    )
    values(["prog"])
    assert values.vf_old_kw == "d"
    assert values["vf_old_kw"].help == "h"


def test_flags_are_absl_flags():
    assert tf.flags is tf.app.flags
    assert tf.flags.DEFINE_multi_string is absl.flags.DEFINE_multi_string
    absl.flags.DEFINE_integer("vf_defined_through_absl", 7, "h")
    assert tf.flags.FLAGS["vf_defined_through_absl"] is absl.flags.FLAGS["vf_defined_through_absl"]
    values = absl.flags.FlagValues()
    tf.flags.DEFINE_integer("vf_shared", 3, "h", flag_values=values)
    values(["prog", "--vf_shared=5"])
    assert values.vf_shared == 5
    with pytest.raises(absl.flags.IllegalFlagValueError):
        values(["prog", "--vf_shared=x"])


def test_a_duplicate_flag_is_absl_s_error():
    values = absl.flags.FlagValues()
    tf.flags.DEFINE_integer("vf_dup", 3, "h", flag_values=values)
    with pytest.raises(absl.flags.DuplicateFlagError):
        tf.flags.DEFINE_integer("vf_dup", 4, "h", flag_values=values)
