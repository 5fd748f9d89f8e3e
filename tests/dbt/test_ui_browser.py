"""The Dagster UI in Debian's Chromium: `mevhouse ui` on the loaded simnet warehouse shows every
group, asset, check and epoch partition, and a partition materialised from it succeeds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from simnet_warehouse import EPOCHS, LoadedWarehouse

from orchestration.definitions import build_definitions
from orchestration.instance import URL_VARIABLE, prepare_dagster_home
from orchestration.partitions import EPOCHS as EPOCH_PARTITIONS

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
# The webserver answers after ~8-20 s here, and loading the code location parses dbt's manifest.
STARTUP_SECONDS = 240
RUN_SECONDS = 300
ASSETS_QUERY = """{ assetNodes { assetKey { path } groupName
  assetChecksOrError { ... on AssetChecks { checks { name } } } } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def graphql(base: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{base}/graphql",
        json.dumps({"query": query}).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["data"]


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop `mevhouse ui` and the `dagster dev` group it started in a session of its own."""
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    groups = [int(p) for p in children.read_text().split()] if children.exists() else []
    for pid in [*groups, proc.pid]:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pid, sig)
            except ProcessLookupError:
                break
            time.sleep(3 if sig == signal.SIGTERM else 0)
    proc.wait(timeout=30)


@pytest.fixture
def ui(
    simnet_warehouse: LoadedWarehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Path]]:
    """`mevhouse ui` on the loaded warehouse, its epochs registered as partitions: its URL."""
    home, exports = tmp_path / "home", tmp_path / "exports"
    env = {
        "MEVHOUSE_WAREHOUSE_URL": simnet_warehouse.url,
        "MEVHOUSE_HOME": str(home),
        "MEVHOUSE_EXPORT_URL": str(exports),
        "SOLANA_RPC_URL": simnet_warehouse.simnet_url,
        "JITO_API_URL": simnet_warehouse.simnet_url,
    }
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    monkeypatch.setenv(URL_VARIABLE, "")
    prepare_dagster_home(home / "dagster", simnet_warehouse.url)
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(EPOCH_PARTITIONS, [str(e) for e in EPOCHS])
    port = free_port()
    log = (tmp_path / "ui.log").open("wb")
    mevhouse = str(Path(sys.executable).with_name("mevhouse"))
    proc = subprocess.Popen(
        [mevhouse, "ui", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if graphql(base, ASSETS_QUERY)["assetNodes"]:
                    break
            except (OSError, KeyError, TypeError):
                pass
            assert proc.poll() is None, (tmp_path / "ui.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the Dagster UI did not load the code location"
            time.sleep(2)
        yield base, exports
    finally:
        stop(proc)
        log.close()


def test_ui_shows_the_graph_and_materialises_a_partition(ui, tmp_path: Path):
    base, exports = ui
    shots = tmp_path / "screenshots"
    print(f"\nscreenshots: {shots}")
    drive_ui(base, shots, [str(e) for e in EPOCHS])
    manifest = json.loads(
        (exports / "manifests" / f"epoch={EPOCHS[-1]}" / "manifest.json").read_text()
    )
    assert manifest["partition"] == f"epoch={EPOCHS[-1]}"


def query(page: Any, graphql_query: str) -> Any:
    """Ask the UI's own GraphQL API from inside the page, as the UI does."""
    return page.evaluate(
        """async (query) => (await (await fetch('/graphql', {method: 'POST',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({query})})).json()).data""",
        graphql_query,
    )


def drive_ui(base: str, shots: Path, epochs: list[str]) -> None:
    """Check the graph, checks and partitions in the browser; materialise the last epoch's
    export from the asset's page and wait for the run's success in the runs list."""
    from playwright.sync_api import expect, sync_playwright

    graph = build_definitions().resolve_asset_graph()
    groups: dict[str, list[str]] = {}
    for key in graph.get_all_asset_keys():
        groups.setdefault(str(graph.get(key).group_name), []).append(key.to_user_string())
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1400, "height": 4000})

        page.goto(f"{base}/asset-groups")
        for group in groups:
            expect(page.get_by_text(group, exact=True).first).to_be_visible(timeout=60_000)
        page.screenshot(path=shots / "lineage.png")

        # Each group's list: every asset by key, each with the two epoch partitions.
        for group, keys in groups.items():
            page.goto(f"{base}/locations/mevhouse/asset-groups/{group}/list")
            expect(page.locator("body")).to_contain_text(
                keys[0].replace("/", " / "), timeout=60_000
            )
            text = page.inner_text("body")
            missing = [k for k in keys if k.replace("/", " / ") not in text]
            assert not missing, f"group {group} does not list {missing}"
            if group != "exports":  # exports/market_days is partitioned by day
                # Each row's partition status arrives after its name.
                page.wait_for_function(
                    "([label, n]) => document.body.innerText.split(label).length > n",
                    arg=[f"{len(epochs)} partitions", len(keys)],
                    timeout=60_000,
                )
            page.screenshot(path=shots / f"group-{group}.png")

        # Every check, as the UI's own API serves it to the page.
        served = query(page, ASSETS_QUERY)["assetNodes"]
        shown = {
            ("/".join(node["assetKey"]["path"]), check["name"])
            for node in served
            for check in node["assetChecksOrError"].get("checks", [])
        }
        assert shown == checks
        asset_checks = sorted(name for key, name in checks if key == "marts/fct_validator_epochs")
        page.goto(f"{base}/assets/marts/fct_validator_epochs?view=checks")
        expect(page.locator("body")).to_contain_text(asset_checks[-1], timeout=60_000)
        text = page.inner_text("body")
        assert [c for c in asset_checks if c not in text] == []
        page.screenshot(path=shots / "checks.png")

        # Materialise the last epoch's export from the asset's page.
        page.goto(f"{base}/assets/exports/epoch_marts")
        page.get_by_role("button", name="Materialize…").click()
        confirm = page.get_by_role("button", name="Confirm")  # marts built outside Dagster
        dialog = page.locator(".dagster-dialog").filter(has_text="Launch runs to materialize")
        expect(confirm.or_(dialog)).to_be_visible(timeout=30_000)
        if confirm.is_visible():
            confirm.click()
        expect(dialog).to_be_visible(timeout=30_000)
        # Blueprint's overlays animate in, and a click during the animation can be swallowed
        # (or land on the backdrop): wait for them to settle, and open the chooser again if not.
        animating = page.locator(".bp5-overlay-appear-active, .bp5-overlay-enter-active")
        chooser = page.locator(".dagster-popover")
        select_all = chooser.get_by_text(f"Select all ({len(epochs)})")
        for _ in range(3):
            expect(animating).to_have_count(0)
            dialog.get_by_text("Select a partition or create one").click()
            try:
                expect(select_all).to_be_visible(timeout=5_000)
                break
            except AssertionError:
                continue
        expect(select_all).to_be_visible()
        expect(animating).to_have_count(0)
        chooser.get_by_text(epochs[-1], exact=True).first.click()
        dialog.get_by_text("Launch runs to materialize").click()  # closes the chooser
        expect(chooser).to_be_hidden()
        page.screenshot(path=shots / "launch.png")
        page.get_by_role("button", name="Launch 1 run").click()
        expect(dialog).to_be_hidden(timeout=30_000)
        # The run just launched (the newest), followed on its own page until it succeeds.
        [run] = query(
            page,
            "{ runsOrError(limit: 1) { ... on Runs { results { runId tags { key value } } } } }",
        )["runsOrError"]["results"]
        assert {"key": "dagster/partition", "value": epochs[-1]} in run["tags"]
        page.goto(f"{base}/runs/{run['runId']}")
        expect(page.get_by_text("Success", exact=True).first).to_be_visible(
            timeout=RUN_SECONDS * 1000
        )
        page.screenshot(path=shots / "run.png")
        browser.close()
