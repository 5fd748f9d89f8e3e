"""The run ledger: what each `mevhouse run` built for an epoch, so a rerun skips what is current.

An epoch is built in two stages. `load` (raw tables and their checks) depends on the loading
code and on what the source serves for a closed epoch: the cluster (its genesis hash and epoch
schedule), the transaction sample and, on simnet, simnet's own code. `transform` (dbt models and
tests, exports, report) depends on the transforming code, on the epoch's load, on every earlier
epoch's transform (trailing windows read them) and on where exports go. A stage whose code and
inputs match its last successful build in `mevhouse.run_ledger` is skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psycopg
from solders.epoch_schedule import EpochSchedule
from solders.rpc.requests import GetGenesisHash
from solders.rpc.responses import GetGenesisHashResp

from ingestion.rpc import run_sync
from ingestion.solana import RpcConfig
from orchestration.warehouse import create_schema_if_missing

ROOT = Path(__file__).resolve().parents[1]
LOAD, TRANSFORM = "load", "transform"
STAGES = (LOAD, TRANSFORM)

# The files whose content shapes each stage's output, relative to the checkout.
LOAD_CODE = (
    "ingestion",
    "expectations",
    "orchestration/assets/raw_jito.py",
    "orchestration/assets/raw_solana.py",
    "orchestration/assets/raw_solana_blocks.py",
    "orchestration/checks",
)
TRANSFORM_CODE = (
    "dbt_project/dbt_project.yml",
    "dbt_project/macros",
    "dbt_project/models",
    "dbt_project/seeds",
    "dbt_project/tests",
    "orchestration/assets/dbt.py",
    "orchestration/assets/exports.py",
    "orchestration/exports",
    "orchestration/report",
)
SIMNET_CODE = ("simnet",)
CODE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".csv"}
LOAD_PACKAGES = ("dlt", "great-expectations", "solders")
TRANSFORM_PACKAGES = ("dbt-core", "dbt-postgres")

LEDGER_SQL = """
create table if not exists mevhouse.run_ledger (
    epoch bigint not null,
    stage text not null,
    code_version text not null,
    input_fingerprint text not null,
    run_id text not null,
    built_at timestamptz not null default now()
);
create index if not exists run_ledger_epoch_stage on mevhouse.run_ledger (epoch, stage, built_at);
"""


def digest(value: Any) -> str:
    """A short, stable hash of a JSON-able value."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def code_digest(paths: Iterable[str], packages: Iterable[str] = (), root: Path = ROOT) -> str:
    """A hash of the named files' and folders' code and of the named packages' versions."""
    sha = hashlib.sha256()
    for name in sorted(paths):
        top = root / name
        files = [top] if top.is_file() else sorted(top.rglob("*"))
        for path in files:
            if path.suffix not in CODE_SUFFIXES or "__pycache__" in path.parts:
                continue
            sha.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    for package in sorted(packages):
        sha.update(f"{package}=={version(package)}\0".encode())
    return sha.hexdigest()[:16]


@cache
def stage_code(stage: str) -> str:
    if stage == LOAD:
        return code_digest(LOAD_CODE, LOAD_PACKAGES)
    return code_digest(TRANSFORM_CODE, TRANSFORM_PACKAGES)


@cache
def simnet_code() -> str:
    return code_digest(SIMNET_CODE)


@dataclass(frozen=True)
class Build:
    """One stage of one epoch as a run built it (or, unbuilt, as this run would build it)."""

    code_version: str
    input_fingerprint: str
    run_id: str = ""
    built_at: datetime | None = None


@dataclass(frozen=True)
class Plan:
    """Which stages of an epoch to run, and why, in a line for the terminal."""

    stages: tuple[str, ...]
    reason: str


def plan_epoch(wanted: dict[str, Build], built: dict[str, Build], force: bool) -> Plan:
    """Run a stage when forced, never built, or built from other code or inputs.

    A load rewrites raw rows, so a transform always follows it.
    """
    if force:
        return Plan(STAGES, "--force")
    for stage in STAGES:
        last = built.get(stage)
        if last is None:
            why = f"{stage} never built"
        elif last.code_version != wanted[stage].code_version:
            why = f"{stage} code changed since run {last.run_id[:8]}"
        elif last.input_fingerprint != wanted[stage].input_fingerprint:
            why = f"{stage} inputs changed since run {last.run_id[:8]}"
        else:
            continue
        return Plan(STAGES[STAGES.index(stage) :], why)
    last = built[TRANSFORM]
    when = f"{last.built_at:%Y-%m-%d %H:%M} UTC" if last.built_at else "earlier"
    return Plan((), f"built by run {last.run_id[:8]} at {when}; same code and inputs")


def source_identity(
    config: RpcConfig, schedule: EpochSchedule, tx_sample: float, simnet: bool
) -> dict[str, Any]:
    """What the source serves for a closed epoch depends on: its cluster and how much is asked."""

    async def genesis() -> str:
        async with config.client() as rpc:
            answer = await rpc.call(GetGenesisHash(), GetGenesisHashResp, what="getGenesisHash")
            return str(answer.value)

    return {
        "genesis_hash": run_sync(genesis),
        "schedule": [schedule.slots_per_epoch, schedule.first_normal_slot],
        "tx_sample": tx_sample,
        # simnet's answers are its code's: a change to it is a change of source.
        "simnet_code": simnet_code() if simnet else None,
    }


def ensure_ledger(conn: psycopg.Connection[Any]) -> None:
    with conn.transaction():
        # Runs starting at once would collide creating it (as in warehouse init).
        conn.execute("select pg_advisory_xact_lock(hashtext('mevhouse.init'))")
        create_schema_if_missing(conn, "mevhouse")  # the transformer's, from warehouse init
        conn.execute(LEDGER_SQL.encode())


def latest_builds(conn: psycopg.Connection[Any], epoch: int) -> dict[str, Build]:
    """The last successful build of each stage of the epoch."""
    rows = conn.execute(
        "select distinct on (stage) stage, code_version, input_fingerprint, run_id, built_at "
        "from mevhouse.run_ledger where epoch = %s order by stage, built_at desc",
        (epoch,),
    ).fetchall()
    return {
        stage: Build(code, inputs, run_id, at.astimezone(UTC))
        for stage, code, inputs, run_id, at in rows
    }


def earlier_transforms(conn: psycopg.Connection[Any], epoch: int) -> list[tuple[int, str, str]]:
    """Each earlier epoch's current transform, which this epoch's trailing windows read."""
    rows = conn.execute(
        "select distinct on (epoch) epoch, code_version, input_fingerprint "
        "from mevhouse.run_ledger where stage = %s and epoch < %s "
        "order by epoch, built_at desc",
        (TRANSFORM, epoch),
    ).fetchall()
    return [(int(e), code, inputs) for e, code, inputs in rows]


def wanted_builds(
    conn: psycopg.Connection[Any], epoch: int, source: dict[str, Any], exports: str
) -> dict[str, Build]:
    """The code and inputs each stage of the epoch would be built from now.

    `source` names what the RPC serves (never a URL: it may hold a key); `exports` is a hash of
    the export destination.
    """
    load = Build(stage_code(LOAD), digest({"epoch": epoch, **source}))
    transform_inputs = {
        "load": [load.code_version, load.input_fingerprint],
        "earlier": earlier_transforms(conn, epoch),
        "exports": exports,
    }
    return {LOAD: load, TRANSFORM: Build(stage_code(TRANSFORM), digest(transform_inputs))}


def record(
    conn: psycopg.Connection[Any],
    epoch: int,
    stages: Iterable[str],
    wanted: dict[str, Build],
    run_id: str,
) -> None:
    """Note that this run built the stages of the epoch from `wanted`."""
    for stage in stages:
        conn.execute(
            "insert into mevhouse.run_ledger "
            "(epoch, stage, code_version, input_fingerprint, run_id) values (%s, %s, %s, %s, %s)",
            (epoch, stage, wanted[stage].code_version, wanted[stage].input_fingerprint, run_id),
        )
