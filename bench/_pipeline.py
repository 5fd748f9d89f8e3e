"""Shared by the pipeline benchmarks: `mevhouse run` in a fresh home, timed, with its memory.

Each run is the installed command in its own process with its own MEVHOUSE_HOME (an embedded
PostgreSQL and simnet of its own), as a user runs it. Memory is the proportional set size (PSS:
shared pages split between their users) of the command's process tree plus the embedded
PostgreSQL's, sampled every SAMPLE_S.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import dlt
import psutil
import psycopg

ROOT = Path(__file__).resolve().parents[1]
MEVHOUSE = Path(sys.executable).with_name("mevhouse")
SAMPLE_S = 0.5


@dataclass
class Timed:
    seconds: float
    output: str
    peak_bytes: int
    returncode: int
    lines: list[str] = field(default_factory=list)


@contextmanager
def fresh_home() -> Iterator[Path]:
    """A MEVHOUSE_HOME the run creates (outside pytest's and the checkout's folders)."""
    home = Path(tempfile.gettempdir()) / f"mevhouse-bench-{os.getpid()}-{time.monotonic_ns()}"
    try:
        yield home
    finally:
        subprocess.run([str(MEVHOUSE), "warehouse", "stop"], env=env_for(home), check=False)
        shutil.rmtree(home, ignore_errors=True)


def env_for(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a default run: only MEVHOUSE_HOME and `extra` set."""
    unset = ("MEVHOUSE_WAREHOUSE_URL", "SOLANA_RPC_URL", "JITO_API_URL", "MEVHOUSE_EPOCHS")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    return {**env, "MEVHOUSE_HOME": str(home), **extra}


def _pss(process: psutil.Process) -> int:
    try:
        return int(process.memory_full_info().pss)
    except (psutil.Error, AttributeError):
        return 0


def tree_pss(root_pid: int, home: Path) -> int:
    """PSS of a process and its descendants, plus the PostgreSQL server under `home`."""
    roots = [root_pid]
    pid_file = home / "pg" / "postmaster.pid"
    with suppress(OSError, ValueError, IndexError):
        roots.append(int(pid_file.read_text().split()[0]))
    # While initdb runs, the file holds a standalone backend's negated pid.
    roots = [pid for pid in roots if pid > 0]
    total = 0
    for pid in roots:
        try:
            process = psutil.Process(pid)
            for member in [process, *process.children(recursive=True)]:
                total += _pss(member)
        except psutil.Error:
            continue
    return total


def timed_run(home: Path, args: list[str], **extra: str) -> Timed:
    """Run `mevhouse run ARGS` to the end; its wall time, output and peak memory."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(MEVHOUSE), "run", *args],
        env=env_for(home, **extra),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(SAMPLE_S):
            peak = max(peak, tree_pss(proc.pid, home))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - started
    return Timed(seconds, output, peak, proc.returncode, output.splitlines())


def require_ok(run: Timed, what: str) -> None:
    if run.returncode != 0:
        tail = "\n".join(run.lines[-30:])
        raise RuntimeError(f"{what} failed (exit {run.returncode}):\n{tail}")


def summary_rows(run: Timed) -> dict[str, int]:
    """The summary's rows per table, as `mevhouse run` printed them."""
    rows: dict[str, int] = {}
    inside = False
    for line in run.lines:
        if line.startswith("rows per table:"):
            inside = True
            continue
        if inside:
            parts = line.split()
            if not line.startswith("  ") or len(parts) != 2 or "." not in parts[0]:
                break
            rows[parts[0]] = int(parts[1].replace(",", ""))
    return rows


def mib(value: int) -> float:
    return round(value / 2**20, 1)


# Dagster's step keys per phase; every other step of an epoch run is a raw table's check.
LOAD_STEPS = ("raw_solana_epoch_data", "raw_solana_blocks", "raw_jito")
STEP_SECONDS = """
select step_key, extract(epoch from max(timestamp) - min(timestamp))
from dagster.event_logs
where step_key is not null
  and dagster_event_type in ('STEP_START', 'STEP_SUCCESS', 'STEP_FAILURE')
group by run_id, step_key
"""


def warehouse_url(home: Path) -> str:
    """The administrator's URL of the home's embedded warehouse (kept in this process)."""
    return subprocess.run(
        [str(MEVHOUSE), "warehouse", "url"],
        env=env_for(home),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def phase_seconds(home: Path) -> dict[str, float]:
    """Seconds per phase over every Dagster step the home's runs took: load (fetch, parse and
    load of the raw tables), checks, dbt, exports; the blocks load split by dlt's own trace into
    extract (fetch and parse), normalize and load."""
    phases: dict[str, float] = {}
    with psycopg.connect(warehouse_url(home)) as conn:
        for step, seconds in conn.execute(STEP_SECONDS).fetchall():
            if step.startswith(LOAD_STEPS):
                phase = "load"
            elif "dbt" in step:
                phase = "dbt"
            elif "export" in step or "report" in step:
                phase = "exports"
            else:
                phase = "checks"
            phases[phase] = phases.get(phase, 0.0) + float(seconds)
    for trace in (home / "dlt").glob("raw_solana_blocks*/trace.pickle"):
        pipeline = dlt.attach(pipeline_name=trace.parent.name, pipelines_dir=str(home / "dlt"))
        last = pipeline.last_trace
        for step in last.steps if last else []:
            if step.step in ("extract", "normalize", "load") and step.finished_at:
                key = f"blocks_{step.step}"
                elapsed = (step.finished_at - step.started_at).total_seconds()
                phases[key] = phases.get(key, 0.0) + elapsed
    return {k: round(v, 1) for k, v in sorted(phases.items())}
