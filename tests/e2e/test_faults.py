"""`mevhouse run` under faults: a second run of the same epoch, SIGTERM, secrets in the output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from simnet.server import start_simnet

pytestmark = pytest.mark.e2e
MEVHOUSE = str(Path(sys.executable).with_name("mevhouse"))
API_KEY = "key-Fq3Lm8Zt2Wp6"
SLOTS = 2_048


def _wait_for_line(proc: subprocess.Popen[str], text: str, timeout: float) -> list[str]:
    """Read stdout lines until one holds `text`; fail with what was read after `timeout`."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"no line with {text!r} within {timeout}s: {seen}")


@pytest.fixture
def env(warehouse_url, tmp_path) -> Iterator[dict[str, str]]:
    """`mevhouse run`'s environment: a simnet slowed to 20 ms a request, a key in its URL."""
    cluster = {"slots_per_epoch": SLOTS, "frozen_slot": 6 * SLOTS + 500}
    with start_simnet(profile="demo", seed=7, faults="latency=20ms", **cluster) as simnet:
        yield {
            **os.environ,
            "MEVHOUSE_WAREHOUSE_URL": warehouse_url,
            "MEVHOUSE_HOME": str(tmp_path / "home"),
            "SOLANA_RPC_URL": f"{simnet.url}/?api-key={API_KEY}",
            "JITO_API_URL": simnet.url,
            "MEVHOUSE_RPC_MAX_RPS": "400",
            "MEVHOUSE_TX_SAMPLE": "0.1",
        }


def test_a_run_stops_at_its_deadline_with_one_line(env):
    started = time.monotonic()
    result = subprocess.run(
        [MEVHOUSE, "run", "--epochs", "4"],
        env={**env, "MEVHOUSE_RUN_DEADLINE": "3"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "passed its 3s deadline (MEVHOUSE_RUN_DEADLINE)" in line
    assert time.monotonic() - started < 60
    assert API_KEY not in result.stdout + result.stderr


def test_a_second_run_of_an_epoch_refuses_and_sigterm_stops_cleanly(env, warehouse_url, tmp_path):
    password = urlsplit(warehouse_url).password
    first = subprocess.Popen(
        [MEVHOUSE, "run", "--epochs", "4"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        seen = _wait_for_line(first, "epoch 4: load", timeout=120)
        second = subprocess.run(
            [MEVHOUSE, "run", "--epochs", "4"], env=env, capture_output=True, text=True
        )
        assert second.returncode == 2
        [line] = second.stderr.strip().splitlines()
        assert "epochs [4] are being run by another `mevhouse run`" in line

        stopped_at = time.monotonic()
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=60)
        assert first.returncode == 130, err
        assert time.monotonic() - stopped_at < 30
        assert "stopped; run the same command again to resume" in err
        assert "Traceback" not in err
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    # The stopped run let go of its epoch, and no secret reached its output or its log.
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        free = conn.execute("select pg_try_advisory_lock(hashtext('mevhouse.epoch'), 4)")
        assert free.fetchone() == (True,)
    logs = "".join(p.read_text() for p in (tmp_path / "home" / "logs").glob("*.log"))
    everything = "".join(seen) + out + err + second.stdout + second.stderr + logs
    assert API_KEY not in everything and (password is None or password not in everything)
