"""`mevhouse run`: materialise every asset of the chosen closed epochs, then summarise."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, redirect_stdout
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TextIO

import dagster as dg
import psycopg

from ingestion.solana import RpcConfig, closed_epochs
from ingestion.urls import redact_url
from orchestration.exports.daily import export_market_days, where_to_look
from orchestration.instance import prepare_dagster_home
from orchestration.ledger import (
    LOAD,
    digest,
    ensure_ledger,
    latest_builds,
    plan_epoch,
    record,
    source_identity,
    wanted_builds,
)
from orchestration.partitions import EPOCHS
from orchestration.settings import (
    Settings,
    environment,
    load_settings,
    parse_epoch_spec,
    parse_epochs,
)
from orchestration.simnet_source import simnet_module
from orchestration.summary import Summary, collect_summary
from orchestration.warehouse import DAGSTER, TRANSFORMER, prepare_warehouse, warehouse_url

QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
# Long loads report slots done, rate and time left on this logger; run() shows it on the terminal.
PROGRESS_LOGGER = "mevhouse.progress"
# Their records go to the run's log file (see library_logs_to).
LIBRARY_LOGGERS = ("sqlalchemy", "psycopg")


class RunFailed(RuntimeError):
    """A step or a blocking check failed; the message names them."""


@dataclass
class EpochOutcome:
    epoch: int
    seconds: float
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    run_id: str = ""
    # Why the run ledger let the epoch be: nothing ran for it.
    skipped: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.failed_steps or self.checks_failed)


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


@contextmanager
def library_logs_to(path: Path) -> Iterator[None]:
    """Libraries' own log records (SQLAlchemy's pool, say) go to the run's log, not stderr.

    Without a handler Python prints them with their traceback on stderr: a Ctrl-C or SIGTERM
    that lands while a pool closes a connection would read like a crash.
    """
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger(name) for name in LIBRARY_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
            logger.propagate = True
        handler.close()


# On simnet nothing is rate-limited or billed: ask fast. A first `make run` shows every section
# of the summary in minutes: one epoch, a tenth of its leader windows in full (issue 17; each
# demo epoch costs about a minute of dbt whatever its size, full blocks cost simnet the most).
SIMNET_DEFAULTS = {
    "MEVHOUSE_RPC_MAX_RPS": "400",
    "MEVHOUSE_RPC_CONCURRENCY": "8",
    "MEVHOUSE_EPOCHS": "last:1",
    "MEVHOUSE_TX_SAMPLE": "0.1",
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
    # A child process: in this one simnet would compete with the loader for the GIL.
    with simnet_module("process").simnet_process(profile, seed) as url:
        unset = {k: v for k, v in SIMNET_DEFAULTS.items() if not os.environ.get(k)}
        with environment({**unset, "SOLANA_RPC_URL": url, "JITO_API_URL": url}):
            yield url


@contextmanager
def epochs_claimed(url: str, epochs: list[int]) -> Iterator[None]:
    """Hold a lock per epoch in the warehouse while it runs: a second run of one refuses.

    Session locks: a run that dies, even by SIGKILL, drops its connection and with it the locks.
    """
    with psycopg.connect(url, autocommit=True) as conn:
        busy = [
            epoch
            for epoch in epochs
            if not conn.execute(
                "select pg_try_advisory_lock(hashtext('mevhouse.epoch'), %s)", (epoch,)
            ).fetchone()[0]  # type: ignore[index]
        ]
        if busy:
            raise RunFailed(
                f"epochs {busy} are being run by another `mevhouse run` on this warehouse; "
                "wait for it to finish, or leave those epochs out with --epochs"
            )
        yield


class Stop:
    """Why the run must stop, set from a signal handler; checked between epochs."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.reason: int | None = None

    def deadline_passed(self) -> RunFailed:
        return RunFailed(
            f"the run passed its {self.deadline:.0f}s deadline (MEVHOUSE_RUN_DEADLINE); "
            "epochs that finished are kept: run the same command again to go on"
        )

    def check(self) -> None:
        if self.reason is not None:
            raise KeyboardInterrupt


@contextmanager
def stop_signals(deadline: float) -> Iterator[Stop]:
    """SIGTERM stops the run like Ctrl-C, and so does its deadline (SIGALRM), for good.

    Both interrupt: Dagster stops a step and its run on KeyboardInterrupt, where any other
    exception would only fail that step and let the others go on. A passed deadline then
    leaves this block as RunFailed, which says so. The epoch loop also checks `stop` after
    each epoch; simnet, the epoch locks and connections then close.
    """
    stop = Stop(deadline)
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def interrupt(signum: int, frame: object) -> None:
        stop.reason = signum
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_REAL, deadline)
    try:
        yield stop
    except BaseException:
        # KeyboardInterrupt, or Dagster's DagsterExecutionInterruptedError for it.
        if stop.reason == signal.SIGALRM:
            raise stop.deadline_passed() from None
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def new_run_log(home: Path) -> Path:
    """An empty log file for this run, readable by its owner only (dbt logs echo SQL)."""
    logs = home / "logs"
    logs.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = logs / f"run-{time.strftime('%Y%m%dT%H%M%S')}.log"
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    return path


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
    outcome = EpochOutcome(epoch, time.monotonic() - started, run_id=result.run_id)
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
    force: bool = False,
) -> Summary:
    """Materialise the epochs; raise RunFailed (after the summary is printable) on failures.

    Epochs the run ledger shows were built from the same code and inputs are skipped, and an
    epoch whose load is current only transforms; `force` builds everything again.
    """
    from orchestration.definitions import build_definitions

    if echo is None:
        # Bound to the terminal now: during a run stdout is redirected to the log file.
        terminal = sys.stdout

        def echo(line: str) -> None:
            print(line, file=terminal, flush=True)

    spec = epochs_spec or settings.epochs
    parse_epoch_spec(spec)  # a bad spec fails here, before any server starts
    prepare_warehouse(settings)
    # The administrator only initialises: the run's own reads (locks, exports, summary) are
    # the transformer's, which owns the marts.
    url = warehouse_url(settings, TRANSFORMER)
    echo(f"warehouse: {redact_url(url)}")
    with rpc_endpoint(settings, profile, seed) as rpc_url, ExitStack() as held:
        stop = held.enter_context(stop_signals(settings.run_deadline))
        echo(f"solana rpc: {redact_url(rpc_url)}" + ("" if settings.rpc_url else " (simnet)"))
        config = RpcConfig(rpc_url, settings.rpc_max_rps, limits=settings.waits)
        schedule, current = closed_epochs(config)
        configured = load_settings()  # with simnet's defaults, when it serves
        epochs = parse_epochs(spec or configured.epochs, list(range(current)))
        echo(f"epochs: {', '.join(map(str, epochs))} (the cluster is in epoch {current})")
        held.enter_context(epochs_claimed(url, epochs))
        ledger = held.enter_context(psycopg.connect(url, autocommit=True))
        ensure_ledger(ledger)
        sample = configured.tx_sample
        source = source_identity(config, schedule, sample, simnet=not settings.rpc_url)
        exports = digest(configured.export_url)
        prepare_dagster_home(settings.dagster_home, warehouse_url(settings, DAGSTER))
        instance = dg.DagsterInstance.get()
        instance.add_dynamic_partitions(EPOCHS, [str(e) for e in epochs])
        # Built when an epoch needs a job: a rerun that skips them all is spared seconds.
        definitions = cache(build_definitions)
        log_path = new_run_log(settings.home)
        held.enter_context(library_logs_to(log_path))
        echo(f"dbt and step logs: {log_path}")
        outcomes = []
        for number, epoch in enumerate(epochs, 1):
            wanted = wanted_builds(ledger, epoch, source, exports)
            plan = plan_epoch(wanted, latest_builds(ledger, epoch), force)
            head = f"[{number}/{len(epochs)}] epoch {epoch}:"
            if not plan.stages:
                echo(f"{head} skipped, {plan.reason}")
                outcomes.append(EpochOutcome(epoch, 0.0, skipped=plan.reason))
                continue
            work = "load → check → transform" if LOAD in plan.stages else "transform"
            echo(f"{head} {work} ({plan.reason}) ...")
            job = definitions().resolve_job_def(
                "epoch_job" if LOAD in plan.stages else "epoch_transform_job"
            )
            with log_path.open("a") as log, progress_to(echo):
                outcome = run_epoch(job, instance, epoch, log)
            stop.check()
            outcomes.append(outcome)
            if outcome.ok:
                record(ledger, epoch, plan.stages, wanted, outcome.run_id)
            status = "ok" if outcome.ok else "FAILED"
            echo(
                f"      {status} in {outcome.seconds:.1f}s, checks passed {outcome.checks_passed}"
                + (f", failed {len(outcome.checks_failed)}" if outcome.checks_failed else "")
            )
            for line in outcome.checks_failed:
                echo(f"      check failed: {line}")
        # The day exports read the marts: only those of epochs that built them.
        built = [o.epoch for o in outcomes if o.ok and not o.skipped]
        failed_days: list[str] = []
        if built:
            with log_path.open("a") as log:
                failed_days = export_market_days(
                    definitions(), instance, url, built, QUIET_LOGS, log
                )
        where_to_look(settings, [o.epoch for o in outcomes if o.ok], echo)
    summary = collect_summary(url, epochs, outcomes)
    failures = [o for o in outcomes if not o.ok]
    if failed_days:
        summary.failure = f"market exports failed for days {failed_days}; see `mevhouse ui`"
    if failures:
        steps = sorted({s for o in failures for s in o.failed_steps})
        summary.failure = (
            f"epochs {[o.epoch for o in failures]} failed (steps: {', '.join(steps) or 'none'}); "
            "see `mevhouse ui` for the runs and the quarantine schema for rows that failed checks"
        )
    return summary
