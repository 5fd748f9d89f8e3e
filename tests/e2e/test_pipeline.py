"""End to end: simnet over HTTP → dlt → GX gates → dbt marts, on a real PostgreSQL."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest

from orchestration.run import run
from orchestration.settings import load_settings
from simnet.process import simnet_process
from tests.deploy.local_stack import table_digests

pytestmark = pytest.mark.e2e


def rpc(url: str, method: str, params: list[Any] | None = None) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []})
    request = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["result"]


def counts(url: str) -> dict[str, int]:
    tables = [
        "raw_solana.vote_accounts",
        "raw_solana.block_production",
        "raw_solana.epochs",
        "raw_solana.inflation_rewards",
        "raw_solana.blocks",
        "raw_solana.block_rewards",
        "raw_solana.transactions",
        "raw_solana.instructions",
        "raw_jito.validators",
        "marts.fct_validator_epochs",
    ]
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}


SLOTS_PER_EPOCH = 2_048
DBT_TARGETS = Path(__file__).resolve().parents[2] / "dbt_project" / "target"
SCHEMAS = ["raw_solana", "raw_jito", "quarantine", "staging", "intermediate", "marts"]
API_KEY = "key-Hn4Wc7Yp1Rk9"


@pytest.fixture
def environment(warehouse_url, tmp_path, monkeypatch) -> Iterator[str]:
    # The test server's URL carries its generated password (scram-sha-256).
    monkeypatch.setenv("MEVHOUSE_WAREHOUSE_URL", warehouse_url)
    monkeypatch.setenv("MEVHOUSE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MEVHOUSE_EPOCHS", raising=False)
    # simnet answers as fast as it can. The demo cluster with a quarter of its epoch length and a
    # small transaction sample keeps the test quick: about 50 sampled leader windows an epoch.
    monkeypatch.setenv("MEVHOUSE_RPC_MAX_RPS", "400")
    monkeypatch.setenv("MEVHOUSE_RPC_CONCURRENCY", "8")
    monkeypatch.setenv("MEVHOUSE_TX_SAMPLE", "0.1")
    cluster = {"slots_per_epoch": SLOTS_PER_EPOCH, "frozen_slot": 6 * SLOTS_PER_EPOCH + 500}
    # simnet in its own process, as `mevhouse run` serves it: the run does not wait on its GIL.
    with simnet_process("demo", 7, **cluster) as simnet_url:
        monkeypatch.setenv("SOLANA_RPC_URL", f"{simnet_url}/?api-key={API_KEY}")
        monkeypatch.setenv("JITO_API_URL", simnet_url)
        yield simnet_url


def test_an_epoch_end_to_end_then_idempotent(environment, warehouse_url):
    # One epoch: each costs a minute and a half here. Epochs built one after another, reading
    # the history of earlier ones, are test_dbt_models.py's epoch-by-epoch builds; epochs
    # loaded side by side, tests/deploy/test_parallel_epochs.py.
    simnet_url = environment
    summary = run(load_settings(), epochs_spec="5", echo=lambda _: None)
    assert summary.failure is None, summary.render()
    assert summary.checks_failed == 0 and summary.checks_passed > 6
    # The run ends with the market and MEV sections, from the marts this run built.
    assert summary.top_pairs and summary.mev_by_type and summary.flagged_validators is not None
    assert "top pairs by volume" in summary.render()

    # The finished build's dbt target directory (compiled SQL, logs) is gone.
    with psycopg.connect(warehouse_url) as conn:
        runs = [r for (r,) in conn.execute("select run_id from dagster.runs").fetchall()]
    assert runs and not [p for r in runs for p in DBT_TARGETS.glob(f"dbt_models-{r[:7]}-*")]

    votes = rpc(simnet_url, "getVoteAccounts", [{"keepUnstakedDelinquents": True}])
    validators = len(votes["current"]) + len(votes["delinquent"])
    before = counts(warehouse_url)
    assert before["marts.fct_validator_epochs"] == validators
    assert before["raw_solana.epochs"] == 1
    assert before["raw_solana.blocks"] == SLOTS_PER_EPOCH
    assert before["raw_solana.transactions"] > 0 and before["raw_jito.validators"] > 0

    schedule = rpc(simnet_url, "getEpochSchedule")
    with psycopg.connect(warehouse_url) as conn:
        for epoch in (5,):
            first = epoch * schedule["slotsPerEpoch"]
            last = first + schedule["slotsPerEpoch"] - 1
            production = rpc(
                simnet_url,
                "getBlockProduction",
                [{"range": {"firstSlot": first, "lastSlot": last}}],
            )["value"]["byIdentity"]
            rows = conn.execute(
                "select identity, leader_slots, blocks_produced, skip_rate "
                "from marts.fct_validator_epochs where epoch = %s",
                (epoch,),
            ).fetchall()
            checked = 0
            for identity, leader_slots, blocks, skip_rate in rows:
                slots, produced = production.get(identity, [0, 0])
                assert (leader_slots, blocks) == (slots, produced)
                if slots:
                    assert float(skip_rate) == pytest.approx((slots - produced) / slots)
                    checked += 1
                else:
                    assert skip_rate is None
            assert checked > 50

    # Nothing new: the run ledger skips the epoch, and every table stays as it was.
    tables = table_digests(warehouse_url, SCHEMAS)
    lines: list[str] = []
    rerun = run(load_settings(), epochs_spec="5", echo=lines.append)
    assert rerun.failure is None and rerun.skipped == [5] and rerun.checks_passed == 0
    assert sum("skipped, built by run" in line for line in lines) == 1, lines
    assert table_digests(warehouse_url, SCHEMAS) == tables

    # (Loading and building an epoch again changes nothing: each stage's own tests rerun it,
    # test_epoch_resources.py::test_dagster_asset_materialises_an_epoch_twice,
    # test_blocks_crash.py and test_dbt_models.py::test_build_and_incremental_rebuilds; what
    # --force redoes is test_ledger.py's. One more epoch run here would cost a minute.)

    # Secrets reach neither Dagster's event log (metadata included) nor the warehouse's tables.
    password = urlsplit(warehouse_url).password
    with psycopg.connect(warehouse_url) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('dagster', 'raw_solana', 'raw_jito', 'marts', 'quarantine')"
        ).fetchall()
        assert ("dagster", "event_logs") in tables
        for schema, table in tables:
            dump = conn.execute(
                f"select coalesce(string_agg(t::text, ''), '') from \"{schema}\".\"{table}\" t"
            )
            text = dump.fetchone()[0]
            assert API_KEY not in text, f"{schema}.{table}"
            assert not password or password not in text, f"{schema}.{table}"


class CorruptingProxy:
    """Forwards JSON-RPC to simnet, raising one vote account's commission to an impossible 150%."""

    def __init__(self, upstream: str) -> None:
        self.victim: str | None = None
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = urllib.request.Request(
                    upstream + self.path, body, {"Content-Type": "application/json"}
                )
                with urllib.request.urlopen(request) as response:
                    data = response.read()
                message = json.loads(body)
                # Everything else passes through untouched (batches are lists).
                if isinstance(message, dict) and message.get("method") == "getVoteAccounts":
                    payload = json.loads(data)
                    account = payload["result"]["current"][0]
                    account["commission"] = 150
                    proxy.victim = account["votePubkey"]
                    data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def test_a_failing_gate_quarantines_and_stops_the_models(environment, warehouse_url, monkeypatch):
    proxy = CorruptingProxy(environment)
    monkeypatch.setenv("SOLANA_RPC_URL", proxy.url)
    try:
        summary = run(load_settings(), epochs_spec="5", echo=lambda _: None)
    finally:
        proxy.httpd.shutdown()
        proxy.httpd.server_close()
    assert summary.failure is not None and "epochs [5] failed" in summary.failure
    assert summary.checks_failed == 1
    [failed] = summary.failed_checks
    # The failure names the table, the expectation and the offending row.
    for part in ("raw/solana/vote_accounts", "expect_column_values_to_be_between", proxy.victim):
        assert part in failed

    with psycopg.connect(warehouse_url) as conn:
        # Raw keeps everything, the bad row is quarantined with its reason, no model ran.
        raw = conn.execute(
            "select commission from raw_solana.vote_accounts where vote_pubkey = %s",
            (proxy.victim,),
        ).fetchone()
        assert raw == (150,)
        quarantined = conn.execute(
            "select row_data->>'vote_pubkey', expectation, column_name "
            "from quarantine.raw_solana__vote_accounts"
        ).fetchall()
        assert quarantined == [(proxy.victim, "expect_column_values_to_be_between", "commission")]
        marts = conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts'"
        ).fetchone()
        assert marts == (0,)
