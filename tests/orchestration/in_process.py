"""The command line run in-process: a `mevhouse` process costs seconds of imports (Dagster, dbt)
that the test session has already paid. test_cli.py keeps one run of the installed command."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

import pytest

from orchestration.cli import main


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def mevhouse_in_process(*args: str, env: dict[str, str] | None = None) -> Outcome:
    """`mevhouse <args>` with `env` added to the environment; argparse's exits are returns."""
    out, err = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as mp,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        mp.setenv("COLUMNS", "100")  # argparse wraps help at the terminal's width
        for name, value in (env or {}).items():
            mp.setenv(name, value)
        try:
            code = main(list(args))
        except SystemExit as exited:
            code = int(exited.code or 0)
    return Outcome(code, out.getvalue(), err.getvalue())


def help_text(*args: str) -> str:
    """What `mevhouse <args> --help` prints; it must exit with status 0."""
    outcome = mevhouse_in_process(*args, "--help")
    assert outcome.returncode == 0, outcome.stderr
    return outcome.stdout
