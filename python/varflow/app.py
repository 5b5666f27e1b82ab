"""``tf.app``: TF1's entry point, ``tf.app.run``, on absl-py's ``app.run``."""

from __future__ import annotations

import sys as _sys

from absl.app import run as _absl_run

from varflow import flags


def _parse_flags_tolerate_undef(argv):
    """Parses the known flags and hands the rest to main (absl alone would stop at them)."""
    return flags.FLAGS(_sys.argv if argv is None else argv, known_only=True)


def run(main=None, argv=None):
    """Runs the program with an optional 'main' function and 'argv' list.

    Parses the flags defined with `tf.flags` from `argv` (default `sys.argv`), calls
    `main(remaining_argv)` and exits with its return value, as TF1's `tf.app.run` does.

    Args:
      main: The main function to run; defaults to the `main` function of the `__main__`
        module.
      argv: The command line arguments, `argv[0]` being the program name.

    Raises:
      SystemExit: Always, with `main`'s return value (or on a flag parsing error).
    """
    main = main or _sys.modules["__main__"].main
    _absl_run(main=main, argv=argv, flags_parser=_parse_flags_tolerate_undef)


__all__ = ["flags", "run"]
