"""Resources carry their configuration as fields; secrets are EnvVars that never reach the UI's
config display, run config, logs or metadata, yet reach the step that uses them."""

import json
from pathlib import Path

import dagster as dg
import pytest

from ingestion.jito import PUBLIC_KOBE_URL
from orchestration.resources import (
    ExportsResource,
    JitoApiResource,
    SolanaRpcResource,
    WarehouseResource,
    build_resources,
)
from orchestration.settings import load_settings

RPC_URL = "https://rpc.example/?api-key=RPC-SECRET"
EXPORT_URL = "s3://exports/mevhouse?key=AKIA&secret=S3-SECRET"
WAREHOUSE_URL = "postgresql://loader:PG-SECRET@db.example:5432/mevhouse"
LOADER_URL = "postgresql://loader:LOADER-SECRET@db.example:5432/mevhouse"
SECRETS = ("RPC-SECRET", "PG-SECRET", "LOADER-SECRET", "S3-SECRET")


@pytest.fixture
def secret_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("MEVHOUSE_HOME", str(tmp_path))
    monkeypatch.setenv("SOLANA_RPC_URL", RPC_URL)
    monkeypatch.setenv("MEVHOUSE_WAREHOUSE_URL", WAREHOUSE_URL)
    monkeypatch.setenv("MEVHOUSE_LOADER_URL", LOADER_URL)
    monkeypatch.setenv("MEVHOUSE_RPC_MAX_RPS", "25")
    monkeypatch.setenv("MEVHOUSE_EXPORT_URL", EXPORT_URL)
    monkeypatch.setenv("MEVHOUSE_TX_SAMPLE", "0.25")
    monkeypatch.setenv("MEVHOUSE_EPOCHS", "last:2")
    monkeypatch.delenv("JITO_API_URL", raising=False)
    monkeypatch.delenv("MEVHOUSE_TRANSFORMER_URL", raising=False)


def displayed(resource: dg.ConfigurableResource) -> dict[str, object]:
    """The configured values the UI shows for a resource (its config schema's defaults)."""
    schema = resource.get_resource_definition().config_schema
    return json.loads(schema.default_value_as_json_str)


@pytest.mark.usefixtures("secret_env")
def test_the_ui_shows_the_variables_names_not_the_secrets() -> None:
    resources = build_resources(load_settings())
    assert displayed(resources["solana_rpc"]) == {
        "url": {"env": "SOLANA_RPC_URL"},
        "max_rps": 25.0,
        "concurrency": 4,
        "max_wait": 60.0,
        "deadline": 600.0,
    }
    warehouse = displayed(resources["warehouse"])
    assert warehouse["warehouse_url"] == {"env": "MEVHOUSE_WAREHOUSE_URL"}
    assert warehouse["loader_url"] == {"env": "MEVHOUSE_LOADER_URL"}
    assert "transformer_url" not in warehouse  # unset: the one URL serves the transformer
    # A real RPC without a Jito URL: Jito's public API, which is no secret.
    assert displayed(resources["jito_api"])["url"] == PUBLIC_KOBE_URL
    assert displayed(resources["exports"]) == {"url": {"env": "MEVHOUSE_EXPORT_URL"}}
    assert displayed(resources["loading"]) == {
        "pipelines_dir": str(Path.cwd() / "dlt"),
        "tx_sample": 0.25,
        "epochs": "last:2",
    }
    shown = json.dumps([displayed(r) for r in resources.values()])
    assert not any(secret in shown for secret in SECRETS)


@pytest.mark.usefixtures("secret_env")
def test_secrets_reach_the_step_and_nothing_else() -> None:
    @dg.asset
    def uses_them(
        context: dg.AssetExecutionContext,
        solana_rpc: SolanaRpcResource,
        jito_api: JitoApiResource,
        warehouse: WarehouseResource,
        exports: ExportsResource,
    ) -> dg.MaterializeResult:
        config = solana_rpc.config()
        assert exports.url == EXPORT_URL
        assert (config.url, config.max_rps) == (RPC_URL, 25.0)
        assert jito_api.config().url == PUBLIC_KOBE_URL
        assert (warehouse.warehouse_url, warehouse.loader_url) == (WAREHOUSE_URL, LOADER_URL)
        context.log.info("configured")
        return dg.MaterializeResult(metadata={"rps": config.max_rps})

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [uses_them], resources=build_resources(load_settings()), instance=instance
    )
    assert result.success
    run = instance.get_run_by_id(result.run_id)
    assert run is not None
    recorded = json.dumps(run.run_config, default=str) + "".join(
        str(entry) for entry in instance.all_logs(result.run_id)
    )
    assert "configured" in recorded
    assert not any(secret in recorded for secret in SECRETS)


def test_without_an_export_url_exports_go_under_the_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MEVHOUSE_HOME", str(tmp_path / "home"))
    for name in ("MEVHOUSE_EXPORT_URL", "MEVHOUSE_TX_SAMPLE"):
        monkeypatch.delenv(name, raising=False)
    resources = build_resources(load_settings())
    assert resources["exports"].url == str(tmp_path / "home" / "exports")
    assert resources["loading"].tx_sample == 0.01  # 1% of leader windows on a real cluster


def test_unset_urls_say_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SOLANA_RPC_URL", "JITO_API_URL"):
        monkeypatch.delenv(name, raising=False)
    resources = build_resources(load_settings())
    with pytest.raises(dg.Failure, match="SOLANA_RPC_URL is not set"):
        resources["solana_rpc"].config()
    with pytest.raises(dg.Failure, match="JITO_API_URL is not set"):
        resources["jito_api"].config()
