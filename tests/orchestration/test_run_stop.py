"""A run's deadline stops the Dagster run it lands in, not only the step it interrupts."""

from __future__ import annotations

import os
import signal
import time

import dagster as dg
import pytest

from orchestration.run import RunFailed, stop_signals


def test_a_deadline_inside_a_step_stops_the_whole_run_with_one_message() -> None:
    ran: list[str] = []

    @dg.asset
    def a_slow() -> None:
        ran.append("a_slow")
        os.kill(os.getpid(), signal.SIGALRM)  # the deadline's timer goes off in this step
        time.sleep(30)

    @dg.asset
    def b_independent() -> None:
        # No dependency on a_slow: had a_slow only failed, Dagster would run this next.
        ran.append("b_independent")

    started = time.monotonic()
    deadline = r"passed its 600s deadline \(MEVHOUSE_RUN_DEADLINE\)"
    with pytest.raises(RunFailed, match=deadline), stop_signals(600) as stop:
        dg.materialize([a_slow, b_independent], raise_on_error=False)
        stop.check()  # as `mevhouse run` does after each epoch's run
    assert time.monotonic() - started < 20
    assert ran == ["a_slow"]


def test_other_errors_pass_through_unchanged() -> None:
    with pytest.raises(ValueError, match="not a deadline"), stop_signals(600):
        raise ValueError("not a deadline")
