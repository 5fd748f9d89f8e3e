"""dbt models as Dagster assets: staging, intermediate and marts, built per epoch partition."""

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.asset_keys import raw_asset_key
from orchestration.partitions import epoch_partitions
from orchestration.resources import WarehouseResource
from orchestration.warehouse import TRANSFORMER, libpq_env

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


class MevhouseDbtTranslator(DagsterDbtTranslator):
    """Keys mirror warehouse tables: sources meet the dlt assets at raw/<source>/<table>."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return raw_asset_key(dbt_resource_props["source_name"], dbt_resource_props["name"])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return str(dbt_resource_props["schema"])


def dbt_vars(partition_key: str) -> list[str]:
    """Arguments that restrict epoch-grained models to one partition's epoch."""
    return ["--vars", json.dumps({"epochs": [int(partition_key)]})]


def parse_env() -> dict[str, str]:
    """dbt's profile reads MEVHOUSE_PG_*; parsing connects to nothing, so placeholders do."""
    placeholders = libpq_env("postgresql://postgres@127.0.0.1:5432/mevhouse")
    return {**placeholders, **os.environ}


@cache
def dbt_project() -> DbtProject:
    """The dbt project with a manifest newer than every model, parsing it when stale."""
    project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)
    manifest = Path(project.manifest_path)
    sources = [p for p in DBT_DIR.rglob("*") if p.suffix in {".sql", ".yml", ".csv", ".md"}]
    newest = max((p.stat().st_mtime for p in sources if "target" not in p.parts), default=0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        subprocess.run(
            [
                dbt_executable(),
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_DIR),
                "--profiles-dir",
                str(DBT_DIR),
            ],
            check=True,
            env=parse_env(),
            capture_output=True,
        )
    return project


# Unit tests check the SQL, not the data: `make test` runs them, and each partition's build
# would only repeat them (about a fifth of a demo epoch's build time).
BUILD = ("build", "--exclude-resource-type", "unit_test")


@cache
def dbt_models() -> dg.AssetsDefinition:
    """All dbt models and their tests (as asset checks), built on first use."""
    project = dbt_project()

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=MevhouseDbtTranslator(),
        partitions_def=epoch_partitions,
        name="dbt_models",
        # dbt replaces a view or table through `<model>__dbt_tmp` and a rename: two builds at
        # once collide on those names. One build at a time; loads of other epochs go on meanwhile.
        pool="dbt_build",
    )
    def build(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ) -> Iterator[Any]:
        """Build the selected models for one epoch and run their tests."""
        url = warehouse.url(TRANSFORMER)
        os.environ.update(libpq_env(url))
        args = [*BUILD, *dbt_vars(context.partition_key)]
        invocation = dbt.cli(args, context=context)
        for event in invocation.stream():
            if isinstance(event, dg.AssetCheckResult) and not event.passed:
                event = with_broken_rules(event, invocation.manifest, invocation.target_path, url)
            yield event
        # Each build writes its own target directory (compiled SQL, logs, artifacts: tens of MB
        # an epoch). stream() raises when dbt fails, so only a failed build's stays, for the
        # operator to read.
        shutil.rmtree(invocation.target_path, ignore_errors=True)

    return build


def with_broken_rules(
    check: dg.AssetCheckResult, manifest: Mapping[str, Any], target_path: Path, url: str
) -> dg.AssetCheckResult:
    """A failed row_rules check (tests/generic/row_rules.sql) with the rules its rows break in
    its description: the test's compiled query returns each broken rule and how many rows break
    it. Any other check is returned as it is."""
    unique_id = check.metadata.get("unique_id")
    node = manifest["nodes"].get(getattr(unique_id, "value", unique_id), {})
    if (node.get("test_metadata") or {}).get("name") != "row_rules":
        return check
    compiled = next(target_path.glob(f"compiled/**/{node['name']}.sql"), None)
    if compiled is None:
        return check
    with psycopg.connect(url) as conn:
        broken = conn.execute(compiled.read_text()).fetchall()
    text = "; ".join(f"{rule} (rows: {rows})" for rule, rows in broken)
    return dg.AssetCheckResult(
        passed=False,
        asset_key=check.asset_key,
        check_name=check.check_name,
        metadata={**check.metadata, "broken_rules": text},
        severity=check.severity,
        description=f"broken: {text}",
    )


def dbt_executable() -> str:
    """dbt from this interpreter's environment, which need not be on PATH."""
    return str(Path(sys.executable).with_name("dbt"))


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable())
