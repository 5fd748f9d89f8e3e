"""`mevhouse run`: materialise every asset of the chosen closed epochs, then summarise."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from typing import TextIO

import dagster as dg

from ingestion.solana import RpcConfig, closed_epochs
from orchestration.instance import prepare_dagster_home
from orchestration.partitions import EPOCHS
from orchestration.settings import Settings, environment, parse_epochs, redact_url
from orchestration.summary import Summary, collect_summary
from orchestration.warehouse import init_warehouse, warehouse_url

QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
# Long loads report slots done, rate and time left on this logger; run() shows it on the terminal.
PROGRESS_LOGGER = "mevhouse.progress"


class RunFailed(RuntimeError):
    """A step or a blocking check failed; the message names them."""


@dataclass
class EpochOutcome:
    epoch: int
    seconds: float
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)


class _EchoHandler(logging.Handler):
    def __init__(self, echo: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.echo = echo

    def emit(self, record: logging.LogRecord) -> None:
        self.echo(f"      {record.getMessage()}")


@contextmanager
def progress_to(echo: Callable[[str], None]) -> Iterator[None]:
    """Show the progress logger's lines through `echo` while the block is running."""
    logger = logging.getLogger(PROGRESS_LOGGER)
    handler = _EchoHandler(echo)
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


# On simnet nothing is rate-limited or billed: load everything, fast, unless told otherwise.
SIMNET_DEFAULTS = {
    "MEVHOUSE_RPC_MAX_RPS": "400",
    "MEVHOUSE_RPC_CONCURRENCY": "8",
    "MEVHOUSE_TX_SAMPLE": "1.0",
    # simnet's validators earn timely vote credits from its first epoch (mainnet from 703).
    "MEVHOUSE_TVC_ACTIVATION_EPOCH": "0",
}


@contextmanager
def rpc_endpoint(settings: Settings, profile: str, seed: int) -> Iterator[str]:
    """SOLANA_RPC_URL when set; otherwise a simnet started on a free loopback port.

    simnet also serves Jito's kobe API, so JITO_API_URL points at it for as long as it runs, and
    the client limits and transaction sample take simnet's defaults where they are unset.
    """
    if settings.rpc_url:
        yield settings.rpc_url
        return
    from simnet.process import simnet_process

    # A child process: in this one simnet would compete with the loader for the GIL.
    with simnet_process(profile, seed) as url:
        unset = {k: v for k, v in SIMNET_DEFAULTS.items() if not os.environ.get(k)}
        with environment({**unset, "SOLANA_RPC_URL": url, "JITO_API_URL": url}):
            yield url


def run_epoch(
    job: dg.JobDefinition, instance: dg.DagsterInstance, epoch: int, log: TextIO
) -> EpochOutcome:
    """One in-process run of the epoch job (the multiprocess executor costs ~14 s a step).

    dbt's per-node lines, which dagster-dbt writes to stdout, go to the run's log file instead.
    """
    started = time.monotonic()
    with redirect_stdout(log):
        result = job.execute_in_process(
            partition_key=str(epoch),
            instance=instance,
            raise_on_error=False,
            run_config=QUIET_LOGS,
        )
    outcome = EpochOutcome(epoch, time.monotonic() - started)
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            outcome.checks_passed += 1
        else:
            key = evaluation.asset_check_key
            text = evaluation.description or ""
            outcome.checks_failed.append(f"{key.asset_key.to_user_string()}:{key.name} {text}")
    outcome.failed_steps = [
        event.step_key or "?" for event in result.all_events if event.is_step_failure
    ]
    return outcome


def run(
    settings: Settings,
    *,
    epochs_spec: str | None = None,
    profile: str = "demo",
    seed: int = 0,
    echo: Callable[[str], None] | None = None,
) -> Summary:
    """Materialise the epochs; raise RunFailed (after the summary is printable) on failures."""
    from orchestration.definitions import build_definitions

    if echo is None:
        # Bound to the terminal now: during a run stdout is redirected to the log file.
        terminal = sys.stdout

        def echo(line: str) -> None:
            print(line, file=terminal, flush=True)

    url = warehouse_url(settings)
    init_warehouse(url)
    echo(f"warehouse: {redact_url(url)}")
    with rpc_endpoint(settings, profile, seed) as rpc_url:
        echo(f"solana rpc: {redact_url(rpc_url)}" + ("" if settings.rpc_url else " (simnet)"))
        _, current = closed_epochs(RpcConfig(rpc_url, settings.rpc_max_rps))
        epochs = parse_epochs(epochs_spec or settings.epochs, list(range(current)))
        echo(f"epochs: {', '.join(map(str, epochs))} (the cluster is in epoch {current})")
        prepare_dagster_home(settings.dagster_home, url)
        instance = dg.DagsterInstance.get()
        instance.add_dynamic_partitions(EPOCHS, [str(e) for e in epochs])
        job = build_definitions().resolve_job_def("epoch_job")
        log_path = settings.home / "logs" / f"run-{time.strftime('%Y%m%dT%H%M%S')}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        echo(f"dbt and step logs: {log_path}")
        outcomes = []
        for number, epoch in enumerate(epochs, 1):
            echo(f"[{number}/{len(epochs)}] epoch {epoch}: load → check → transform ...")
            with log_path.open("a") as log, progress_to(echo):
                outcome = run_epoch(job, instance, epoch, log)
            outcomes.append(outcome)
            status = "ok" if not (outcome.failed_steps or outcome.checks_failed) else "FAILED"
            echo(
                f"      {status} in {outcome.seconds:.1f}s, checks passed {outcome.checks_passed}"
                + (f", failed {len(outcome.checks_failed)}" if outcome.checks_failed else "")
            )
            for line in outcome.checks_failed:
                echo(f"      check failed: {line}")
    summary = collect_summary(url, epochs, outcomes)
    failures = [o for o in outcomes if o.failed_steps or o.checks_failed]
    if failures:
        steps = sorted({s for o in failures for s in o.failed_steps})
        summary.failure = (
            f"epochs {[o.epoch for o in failures]} failed (steps: {', '.join(steps) or 'none'}); "
            "see `mevhouse ui` for the runs and the quarantine schema for rows that failed checks"
        )
    return summary
