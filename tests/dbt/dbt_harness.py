"""Run the dbt project in-process against a warehouse given by its URL."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from dbt.cli.main import dbtRunner, dbtRunnerResult
from dbt.contracts.graph.manifest import Manifest
from dbt.contracts.results import RunExecutionResult

from orchestration.assets.dbt import parse_env
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


def _paths(work_dir: Path) -> list[str]:
    return [
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]


@cache
def parsed_manifest() -> Manifest:
    """The project parsed once per test process: a full parse takes seconds, and every test
    warehouse is a new database, which would defeat dbt's partial parsing."""
    work_dir = Path(tempfile.mkdtemp(prefix="dbt_parse_"))
    with environment(parse_env()):
        result = dbtRunner().invoke(["parse", "--quiet", *_paths(work_dir)])
    if not result.success or not isinstance(result.result, Manifest):
        raise RuntimeError(f"dbt parse failed: {result.exception}")
    return result.result


def retarget(manifest: Manifest, database: str) -> Manifest:
    """Point the manifest's relations at `database`: the parse bakes the profile's database into
    every node and relation name, and PostgreSQL refuses cross-database references.
    (`--vars` need no re-parse: models read them when they compile.)"""
    for node in (*manifest.nodes.values(), *manifest.sources.values()):
        if node.database != database:
            old = f'"{node.database}".'
            node.database = database
            if node.relation_name and node.relation_name.startswith(old):
                node.relation_name = f'"{database}".' + node.relation_name.removeprefix(old)
    return manifest


def run_dbt(warehouse_url: str, args: Sequence[str], work_dir: Path) -> dbtRunnerResult:
    """Invoke `dbt <args>` on the project; target and logs go to `work_dir`, not the repo."""
    env = dbt_env(warehouse_url)
    manifest = retarget(parsed_manifest(), env["MEVHOUSE_PG_DBNAME"])
    with environment(env):
        return dbtRunner(manifest=manifest).invoke([*args, *_paths(work_dir)])


def select(*selectors: str) -> list[str]:
    """Arguments building `selectors` with only the data tests whose every parent is selected: a
    test that reads an unselected model would see it missing or stale."""
    return ["--select", *selectors, "--indirect-selection", "cautious"]


def assert_all_passed(result: dbtRunnerResult) -> None:
    """Fail with every node that did not pass (models, tests, unit tests) and its message."""
    assert isinstance(result.result, RunExecutionResult), result.exception
    failed = {
        r.node.name: (str(r.status), r.message)
        for r in result.result.results
        if str(r.status) not in ("pass", "success")
    }
    assert result.success and not failed, failed
