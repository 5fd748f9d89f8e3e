"""Configuration from the environment (and a `.env` file), read when asked, never at import."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

DEFAULT_EPOCH_COUNT = 3


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
    tx_sample: float | None

    @property
    def pg_dir(self) -> Path:
        return self.home / "pg"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"


def _number(name: str, default: float, cast: type = float) -> float:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = cast(raw)
    except ValueError:
        raise ConfigError(
            f"{name}={raw!r} is not a number; unset it or give e.g. {default}"
        ) from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw!r}")
    return value


def _share(name: str) -> float | None:
    raw = os.environ.get(name)
    if not raw:
        return None
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
        warehouse_url=os.environ.get("MEVHOUSE_WAREHOUSE_URL") or None,
        rpc_url=os.environ.get("SOLANA_RPC_URL") or None,
        jito_api_url=os.environ.get("JITO_API_URL") or None,
        # Public mainnet RPC allows 100 requests / 10 s per IP: stay under it by default.
        rpc_max_rps=_number("MEVHOUSE_RPC_MAX_RPS", 8.0),
        rpc_concurrency=int(_number("MEVHOUSE_RPC_CONCURRENCY", 4, int)),
        epochs=os.environ.get("MEVHOUSE_EPOCHS") or None,
        tx_sample=_share("MEVHOUSE_TX_SAMPLE"),
    )


def parse_epochs(spec: str | None, closed: list[int]) -> list[int]:
    """Turn `MEVHOUSE_EPOCHS` ("last:3", "700", "700-705", "700,702") into closed epochs."""
    if not closed:
        return []
    spec = (spec or f"last:{DEFAULT_EPOCH_COUNT}").strip()
    latest = max(closed)
    chosen: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if m := re.fullmatch(r"last:(\d+)", part):
            chosen.update(e for e in closed if e > latest - int(m.group(1)))
        elif m := re.fullmatch(r"(\d+)-(\d+)", part):
            chosen.update(range(int(m.group(1)), int(m.group(2)) + 1))
        elif part.isdigit():
            chosen.add(int(part))
        else:
            raise ConfigError(
                f"MEVHOUSE_EPOCHS part {part!r} is not understood; use e.g. last:3, 700, 700-705"
            )
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
