"""Exports of the simnet warehouse's marts: files, manifests, replacement, formats, the CLI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import fsspec
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from simnet_warehouse import EPOCHS, LoadedWarehouse

from orchestration.cli import main
from orchestration.exports.marts import (
    DAY_MARTS,
    EPOCH_MARTS,
    SNAPSHOT_MARTS,
    days_of_epochs,
    export_day,
    export_epoch,
)
from orchestration.exports.writer import read_manifest

EPOCH = EPOCHS[-1]
PASSWORD = "pw-Export-7Qx"


def with_password(url: str) -> str:
    """The same database with a password in the URL (the embedded server trusts loopback)."""
    return url.replace("://postgres@", f"://postgres:{PASSWORD}@", 1)


def test_every_epoch_mart_is_exported_with_a_manifest_that_matches_the_files(
    simnet_warehouse: LoadedWarehouse, tmp_path: Path
):
    wh = simnet_warehouse
    manifest = export_epoch(with_password(wh.url), str(tmp_path), EPOCH)
    assert manifest == read_manifest(str(tmp_path), f"epoch={EPOCH}")
    assert manifest["code_version"].startswith("0.1.0")
    entries = {t["table"]: t for t in manifest["tables"]}
    assert set(entries) == set(EPOCH_MARTS) | set(SNAPSHOT_MARTS)
    for mart, entry in entries.items():
        path = tmp_path / mart / f"epoch={EPOCH}" / "part-0.parquet"
        assert entry["path"] == str(path.relative_to(tmp_path))
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        table = pq.read_table(path)
        where = "" if mart in SNAPSHOT_MARTS else f" where epoch = {EPOCH}"
        [(rows,)] = wh.query(f"select count(*) from marts.{mart}{where}")
        assert table.num_rows == entry["rows"] == rows, mart
        columns = [
            r[0]
            for r in wh.query(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = %s order by ordinal_position",
                mart,
            )
        ]
        assert [c["name"] for c in entry["schema"]] == table.column_names == columns
    # The epoch's rows and nothing else, keys and amounts as stored.
    swaps = pq.read_table(tmp_path / "fct_dex_swaps" / f"epoch={EPOCH}" / "part-0.parquet")
    assert set(swaps.column("epoch").to_pylist()) == {EPOCH}
    stored = wh.query(
        "select signature, outer_index, inner_index, amount_in_raw from marts.fct_dex_swaps "
        "where epoch = %s",
        EPOCH,
    )
    exported = zip(
        *(swaps.column(c).to_pylist() for c in ("signature", "outer_index", "inner_index")),
        swaps.column("amount_in_raw").to_pylist(),
        strict=True,
    )
    assert sorted(exported) == sorted(stored)
    events = pq.read_table(tmp_path / "fct_mev_events" / f"epoch={EPOCH}" / "part-0.parquet")
    assert events.num_rows > 0
    assert all(isinstance(s, list) for s in events.column("signatures").to_pylist())
    # Nothing from the connection string reaches the files.
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def test_a_partition_written_again_is_replaced_whole(
    simnet_warehouse: LoadedWarehouse, tmp_path: Path
):
    url = simnet_warehouse.url
    export_epoch(url, str(tmp_path), EPOCH)
    manifest = export_epoch(url, str(tmp_path), EPOCH, fmt="csv")
    assert manifest["format"] == "csv"
    for entry in manifest["tables"]:
        directory = tmp_path / entry["table"] / f"epoch={EPOCH}"
        assert [p.name for p in directory.iterdir()] == ["part-0.csv"]
        assert pacsv.read_csv(directory / "part-0.csv").num_rows == entry["rows"]
    assert not [p for p in tmp_path.rglob("*.tmp")]
    events = pacsv.read_csv(tmp_path / "fct_mev_events" / f"epoch={EPOCH}" / "part-0.csv")
    assert isinstance(json.loads(events.column("signatures")[0].as_py()), list)


def test_market_marts_export_per_utc_day_to_any_fsspec_url(simnet_warehouse: LoadedWarehouse):
    wh = simnet_warehouse
    days = days_of_epochs(wh.url, list(EPOCHS))
    assert days
    url = "memory://mevhouse-test-exports"
    try:
        for day in days:
            manifest = export_day(wh.url, url, day)
            for mart, column in DAY_MARTS.items():
                [(rows,)] = wh.query(
                    f"select count(*) from marts.{mart} "
                    f"where ({column} at time zone 'UTC')::date = %s",
                    day,
                )
                entry = next(t for t in manifest["tables"] if t["table"] == mart)
                assert entry["rows"] == rows
                with fsspec.open(f"{url}/{entry['path']}", "rb") as f:
                    assert pq.read_table(f).num_rows == rows
        [(total,)] = wh.query("select count(*) from marts.market_dex_daily")
        exported = sum(
            t["rows"]
            for d in days
            for t in read_manifest(url, f"day={d.isoformat()}")["tables"]
            if t["table"] == "market_dex_daily"
        )
        assert exported == total  # the loaded epochs' days hold every market row
    finally:
        fsspec.filesystem("memory").rm("/mevhouse-test-exports", recursive=True)


def test_export_command(
    simnet_warehouse: LoadedWarehouse,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    monkeypatch.setenv("MEVHOUSE_WAREHOUSE_URL", with_password(simnet_warehouse.url))
    monkeypatch.setenv("MEVHOUSE_HOME", str(tmp_path / "home"))
    assert main(["export", "--epochs", f"{EPOCHS[0]}", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert f"epoch={EPOCHS[0]}: 12 tables" in out and "day=" in out
    assert PASSWORD not in out
    exports = tmp_path / "home" / "exports"
    assert (exports / "manifests" / f"epoch={EPOCHS[0]}" / "manifest.json").is_file()
    assert (exports / "cluster_epochs" / f"epoch={EPOCHS[0]}" / "part-0.csv").is_file()
    assert main(["export", "--epochs", "99"]) == 2
    assert "the marts hold epochs 1, 2" in capsys.readouterr().err
