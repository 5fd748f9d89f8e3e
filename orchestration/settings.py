"""Configuration from the environment (and a `.env` file), read when asked, never at import."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

from ingestion.retry import DEFAULT_WAITS, WaitLimits
from ingestion.urls import redact_url

DEFAULT_EPOCH_COUNT = 3
# One run's bound: a larger span is a typo (mainnet has had about 900 epochs), not a backfill.
MAX_EPOCHS = 1_000
MAX_EPOCH = 10_000_000
# MEVHOUSE_TX_SAMPLE unset against a real provider: 1% of leader windows, about 4,300 full blocks
# a mainnet epoch. `mevhouse run` on simnet sets its own default (orchestration/run.py).
DEFAULT_TX_SAMPLE = 0.01
EXPORT_URL_VARIABLE = "MEVHOUSE_EXPORT_URL"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says what to fix."""


@dataclass(frozen=True)
class Settings:
    """Everything mevhouse reads from its environment."""

    home: Path
    warehouse_url: str | None
    rpc_url: str | None
    jito_api_url: str | None
    rpc_max_rps: float
    rpc_concurrency: int
    epochs: str | None
    # The share of leader windows loaded with full transactions (MEVHOUSE_TX_SAMPLE).
    tx_sample: float = DEFAULT_TX_SAMPLE
    waits: WaitLimits = DEFAULT_WAITS
    run_deadline: float = 86_400.0
    # A stage's own URL on a warehouse given by URL, by variable (MEVHOUSE_LOADER_URL, ...).
    role_urls: dict[str, str] = field(default_factory=dict)
    # MEVHOUSE_EXPORT_URL as given (any fsspec URL; it may carry an object store's keys).
    export_url_given: str | None = None

    @property
    def pg_dir(self) -> Path:
        return self.home / "pg"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def pipelines_dir(self) -> Path:
        """Where dlt keeps its pipelines' working state."""
        return self.home / "dlt"

    @property
    def export_url(self) -> str:
        """MEVHOUSE_EXPORT_URL, else `exports/` under MEVHOUSE_HOME."""
        return self.export_url_given or str(self.home / "exports")


def _number(name: str, default: float, high: float, cast: type = float) -> float:
    """A finite number in (0, high]; `cast=int` for counts."""
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = cast(raw)
    except ValueError:
        raise ConfigError(
            f"{name}={raw!r} is not a number; unset it or give e.g. {default}"
        ) from None
    if not (math.isfinite(value) and 0 < value <= high):
        raise ConfigError(f"{name}={raw!r} is out of range: give a number above 0, at most {high}")
    return value


def _url(name: str, schemes: tuple[str, ...]) -> str | None:
    raw = os.environ.get(name) or None
    if raw is None:
        return None
    try:
        parts = urlsplit(raw)
        ok = parts.scheme in schemes and bool(parts.hostname or "host=" in parts.query)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        ok = False
    if not ok:
        raise ConfigError(
            f"{name}={redact_url(raw)!r} is not a {' or '.join(schemes)} URL with a host; "
            f"e.g. {schemes[0]}://host:port/..."
        )
    return raw


def _share(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise ConfigError(f"{name}={raw!r} is not a share: give a number from 0 to 1, e.g. 0.05")
    return value


def load_settings() -> Settings:
    """Read the settings; a `.env` in the working directory fills in unset variables."""
    load_dotenv(Path.cwd() / ".env", override=False)
    return Settings(
        home=Path(os.environ.get("MEVHOUSE_HOME") or Path.cwd() / ".mevhouse").resolve(),
        warehouse_url=_url("MEVHOUSE_WAREHOUSE_URL", ("postgresql", "postgres")),
        rpc_url=_url("SOLANA_RPC_URL", ("https", "http")),
        jito_api_url=_url("JITO_API_URL", ("https", "http")),
        # Public mainnet RPC allows 100 requests / 10 s per IP: stay under it by default.
        rpc_max_rps=_number("MEVHOUSE_RPC_MAX_RPS", 8.0, 100_000),
        rpc_concurrency=int(_number("MEVHOUSE_RPC_CONCURRENCY", 4, 1_024, int)),
        epochs=_epochs_env(),
        tx_sample=_share("MEVHOUSE_TX_SAMPLE", DEFAULT_TX_SAMPLE),
        role_urls={
            name: url
            for name in ("MEVHOUSE_LOADER_URL", "MEVHOUSE_TRANSFORMER_URL", "MEVHOUSE_DAGSTER_URL")
            if (url := _url(name, ("postgresql", "postgres")))
        },
        export_url_given=os.environ.get(EXPORT_URL_VARIABLE) or None,
        run_deadline=_number("MEVHOUSE_RUN_DEADLINE", 86_400.0, 7 * 86_400),
        waits=WaitLimits(
            max_wait=_number("MEVHOUSE_RETRY_AFTER_MAX", WaitLimits.max_wait, 3_600),
            deadline=_number("MEVHOUSE_REQUEST_DEADLINE", WaitLimits.deadline, 86_400),
        ),
    )


def _epochs_env() -> str | None:
    spec = os.environ.get("MEVHOUSE_EPOCHS") or None
    if spec is not None:
        parse_epoch_spec(spec)
    return spec


@dataclass(frozen=True)
class EpochSpec:
    """A validated `MEVHOUSE_EPOCHS`: the last N closed epochs, and epochs named outright."""

    last: int
    named: frozenset[int]


def parse_epoch_spec(spec: str | None) -> EpochSpec:
    """Check a spec ("last:3", "700", "700-705", "700,702") without asking the cluster."""
    last, named = 0, set[int]()
    for part in (spec or f"last:{DEFAULT_EPOCH_COUNT}").split(","):
        part = part.strip()
        if m := re.fullmatch(r"last:([0-9]{1,7})", part, re.ASCII):
            last = max(last, int(m.group(1)))
            if last == 0:
                raise ConfigError("MEVHOUSE_EPOCHS last:0 selects nothing; give e.g. last:3")
        elif m := re.fullmatch(r"([0-9]{1,8})(?:-([0-9]{1,8}))?", part, re.ASCII):
            low, high = int(m.group(1)), int(m.group(2) or m.group(1))
            if high < low:
                raise ConfigError(
                    f"MEVHOUSE_EPOCHS range {part!r} runs backwards; write it {high}-{low}"
                )
            if high > MAX_EPOCH or high - low >= MAX_EPOCHS:
                raise ConfigError(
                    f"MEVHOUSE_EPOCHS range {part!r} is too large: at most {MAX_EPOCHS} "
                    "epochs in one run"
                )
            named.update(range(low, high + 1))
        else:
            raise ConfigError(
                f"MEVHOUSE_EPOCHS part {part!r} is not understood; use e.g. last:3, 700, 700-705"
            )
    if last + len(named) > MAX_EPOCHS:
        raise ConfigError(f"MEVHOUSE_EPOCHS selects more than {MAX_EPOCHS} epochs in one run")
    return EpochSpec(last, frozenset(named))


def parse_epochs(spec: str | None, closed: list[int]) -> list[int]:
    """Turn `MEVHOUSE_EPOCHS` into closed epochs of the cluster."""
    wanted = parse_epoch_spec(spec)
    if not closed:
        return []
    latest = max(closed)
    chosen = set(wanted.named) | {e for e in closed if e > latest - wanted.last}
    not_closed = sorted(chosen - set(closed))
    if not_closed:
        raise ConfigError(
            f"epochs {not_closed} are not closed yet on this cluster (latest closed: {latest})"
        )
    return sorted(chosen)


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of a block, then restore the previous ones."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
