"""Progress bars for long Python-side runs (the demo's training, benchmarks, fuzz runs): tqdm on
a terminal; without one (a CI log, a file, a pipe) one plain line per update, a few per run,
instead of carriage-return redraws that pile up on a single line."""

from __future__ import annotations

import sys


class _Lines:
    """A stream for tqdm that writes each redraw as its own line."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> None:
        """Writes one redraw as a line of its own (carriage returns dropped).

        Args:
          text: what tqdm would draw.
        """
        text = text.replace("\r", "").strip()
        if text:
            self._stream.write(text + "\n")

    def flush(self) -> None:
        """Flushes the underlying stream."""
        self._stream.flush()


def _log_bar_class():
    from tqdm import tqdm

    class LogBar(tqdm):
        """A bar whose description and postfix changes wait for its next due line instead of
        printing one each (on a terminal a redraw is cheap; in a log it is a line)."""

        def set_description(self, desc=None, refresh=True):
            """Sets the description, shown at the next due line.

            Args:
              desc: the description.
              refresh: ignored (a log line per change would flood the log).
            """
            super().set_description(desc, refresh=False)

        def set_postfix(self, ordered_dict=None, refresh=True, **kwargs):
            """Sets the postfix, shown at the next due line.

            Args:
              ordered_dict: postfix fields.
              refresh: ignored.
              **kwargs: more postfix fields.
            """
            super().set_postfix(ordered_dict, refresh=False, **kwargs)

        def set_postfix_str(self, s="", refresh=True):
            """Sets the postfix text, shown at the next due line.

            Args:
              s: the text.
              refresh: ignored.
            """
            super().set_postfix_str(s, refresh=False)

    return LogBar


def progress_bar(iterable=None, *, total=None, desc=None, unit="it", stream=None, **kwargs):
    """A tqdm bar over ``iterable`` (or of ``total`` steps) on ``stream`` (stderr by default).

    On a terminal it redraws at most twice a second. Otherwise it prints a line for every tenth
    of the total (at most one a second; every 30 s when the total is unknown) and one at the
    end, so a log shows how far a run got and how fast it went.
    """
    from tqdm import tqdm

    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return tqdm(
            iterable, total=total, desc=desc, unit=unit, file=stream, mininterval=0.5, **kwargs
        )
    if total is None:
        try:
            total = len(iterable)
        except TypeError:
            total = None
    return _log_bar_class()(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        file=_Lines(stream),
        ascii=True,
        ncols=80,
        mininterval=1.0 if total else 30.0,
        miniters=max(total // 10, 1) if total else 1,
        **kwargs,
    )
