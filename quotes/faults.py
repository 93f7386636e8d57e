"""What went wrong with one document, and a switch that makes it go wrong on purpose.

A failure while extracting one document is that document's failure, never the run's: each stage
catches it as a :class:`~quotes.records.DocumentError` naming the stage, the exception type and
message, and (for a bug, not bad data) the traceback.

``QUOTES_INJECT_FAULT=STAGE:MARKER`` makes every document whose text contains ``MARKER`` fail at
``STAGE`` (``parse``, ``attribution``, ``resolution``, ``chains``, ``store``) with a
``RuntimeError``; ``die:MARKER`` ends the worker process that meets it, as a crash would. It is
read from the environment, so it reaches forked workers and Dask workers alike, and exists only
so that tests can check fault isolation end to end; it costs one dictionary look-up per stage.
"""
from __future__ import annotations

import os
import traceback as tb
from collections.abc import Callable

INJECT_VARIABLE = "QUOTES_INJECT_FAULT"
STAGES = ("prepare", "parse", "attribution", "resolution", "chains", "worker", "store")


class DataError(ValueError):
    """The input is at fault (not the code): reported without a traceback."""


def describe(exc: BaseException) -> tuple[str, str, str | None]:
    """(exception type, message, traceback or None for a data error) of ``exc``."""
    trace = None if isinstance(exc, DataError) else "".join(tb.format_exception(exc))
    return type(exc).__name__, str(exc) or type(exc).__name__, trace


def inject(stage: str, text: Callable[[], str]) -> None:
    """Fail at ``stage`` when the test switch names it and ``text()`` holds its marker."""
    wanted = os.environ.get(INJECT_VARIABLE)
    if not wanted:
        return
    kind, _, marker = wanted.partition(":")
    if marker and marker in text():
        if kind == "die" and stage == "attribution":
            os._exit(70)  # as a segfault or the OOM killer would: no cleanup, no exception
        if kind == stage:
            raise RuntimeError(f"fault injected at {stage} ({INJECT_VARIABLE})")
