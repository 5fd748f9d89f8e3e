"""Run the dbt project in-process against a warehouse given by its URL."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from dbt.cli.main import dbtRunner, dbtRunnerResult
from dbt.contracts.results import RunExecutionResult

from orchestration.settings import environment

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


def dbt_env(warehouse_url: str) -> dict[str, str]:
    """Turn `postgresql://user:password@host:port/dbname` into the MEVHOUSE_PG_* variables."""
    parts = urlsplit(warehouse_url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"not a PostgreSQL URL (scheme {parts.scheme!r})")
    query = parse_qs(parts.query)
    # libpq also accepts the host (e.g. a socket directory) and port in the query string.
    host = parts.hostname or query.get("host", ["localhost"])[0]
    port = parts.port or int(query.get("port", ["5432"])[0])
    dbname = unquote(parts.path.lstrip("/")) or query.get("dbname", [""])[0]
    if not dbname:
        raise ValueError("the warehouse URL names no database")
    return {
        "MEVHOUSE_PG_HOST": unquote(host),
        "MEVHOUSE_PG_PORT": str(port),
        "MEVHOUSE_PG_USER": unquote(parts.username or ""),
        "MEVHOUSE_PG_PASSWORD": unquote(parts.password or ""),
        "MEVHOUSE_PG_DBNAME": dbname,
    }


def run_dbt(warehouse_url: str, args: Sequence[str], work_dir: Path) -> dbtRunnerResult:
    """Invoke `dbt <args>` on the project; target and logs go to `work_dir`, not the repo."""
    command = [
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    with environment(dbt_env(warehouse_url)):
        return dbtRunner().invoke(command)


def assert_all_passed(result: dbtRunnerResult) -> None:
    """Fail with every node that did not pass (models, tests, unit tests) and its message."""
    assert isinstance(result.result, RunExecutionResult), result.exception
    failed = {
        r.node.name: (str(r.status), r.message)
        for r in result.result.results
        if str(r.status) not in ("pass", "success")
    }
    assert result.success and not failed, failed
