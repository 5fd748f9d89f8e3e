"""The run ledger decides what a rerun skips: by code, by inputs, by earlier epochs, on --force."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from orchestration.ledger import (
    LOAD,
    STAGES,
    TRANSFORM,
    Build,
    code_digest,
    ensure_ledger,
    latest_builds,
    plan_epoch,
    record,
    wanted_builds,
)
from orchestration.warehouse import init_warehouse

SOURCE = {"genesis_hash": "G", "schedule": [2048, 0], "tx_sample": 0.1, "simnet_code": None}


def test_code_digest_follows_content_not_timestamps(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "notes.txt").write_text("not code")
    first = code_digest(["pkg"], root=tmp_path)
    (tmp_path / "pkg" / "notes.txt").write_text("changed, still not code")
    (tmp_path / "pkg" / "a.py").touch()
    assert code_digest(["pkg"], root=tmp_path) == first
    (tmp_path / "pkg" / "a.py").write_text("x = 2\n")
    assert code_digest(["pkg"], root=tmp_path) != first


def builds(load: tuple[str, str], transform: tuple[str, str]) -> dict[str, Build]:
    return {LOAD: Build(*load, run_id="r-load"), TRANSFORM: Build(*transform, run_id="r-tr")}


@pytest.mark.parametrize(
    ("built", "force", "stages", "reason"),
    [
        (builds(("c1", "i1"), ("c2", "i2")), False, (), "same code and inputs"),
        (builds(("c1", "i1"), ("c2", "i2")), True, STAGES, "--force"),
        ({}, False, STAGES, "load never built"),
        (builds(("old", "i1"), ("c2", "i2")), False, STAGES, "load code changed"),
        (builds(("c1", "old"), ("c2", "i2")), False, STAGES, "load inputs changed"),
        (builds(("c1", "i1"), ("old", "i2")), False, (TRANSFORM,), "transform code changed"),
        (builds(("c1", "i1"), ("c2", "old")), False, (TRANSFORM,), "transform inputs changed"),
        ({LOAD: Build("c1", "i1", "r")}, False, (TRANSFORM,), "transform never built"),
    ],
)
def test_plan_runs_the_first_stale_stage_and_every_later_one(built, force, stages, reason):
    wanted = builds(("c1", "i1"), ("c2", "i2"))
    plan = plan_epoch(wanted, built, force)
    assert plan.stages == stages
    assert reason in plan.reason


def test_an_earlier_epochs_new_transform_makes_later_ones_stale(warehouse_url: str) -> None:
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        ensure_ledger(conn)
        ensure_ledger(conn)  # idempotent
        for epoch in (4, 5):
            wanted = wanted_builds(conn, epoch, SOURCE, "exports")
            record(conn, epoch, STAGES, wanted, f"run-{epoch}")
        five = wanted_builds(conn, 5, SOURCE, "exports")
        assert plan_epoch(five, latest_builds(conn, 5), force=False).stages == ()
        assert latest_builds(conn, 5)[TRANSFORM].run_id == "run-5"

        # Epoch 4 built again from the same code and inputs: epoch 5 stays current.
        record(conn, 4, STAGES, wanted_builds(conn, 4, SOURCE, "exports"), "run-4b")
        five = wanted_builds(conn, 5, SOURCE, "exports")
        assert plan_epoch(five, latest_builds(conn, 5), force=False).stages == ()

        # Epoch 4 built from other inputs (another sample): epoch 5's windows read it.
        other = wanted_builds(conn, 4, {**SOURCE, "tx_sample": 0.5}, "exports")
        record(conn, 4, STAGES, other, "run-4c")
        five = wanted_builds(conn, 5, SOURCE, "exports")
        plan = plan_epoch(five, latest_builds(conn, 5), force=False)
        assert plan.stages == (TRANSFORM,) and "transform inputs changed" in plan.reason

        # Another export destination re-exports; another sample reloads.
        assert plan_epoch(
            wanted_builds(conn, 4, {**SOURCE, "tx_sample": 0.5}, "elsewhere"),
            latest_builds(conn, 4),
            force=False,
        ).stages == (TRANSFORM,)
        back = plan_epoch(wanted_builds(conn, 4, SOURCE, "exports"), latest_builds(conn, 4), False)
        assert back.stages == STAGES and "load inputs changed" in back.reason


def test_the_transformer_keeps_the_ledger_in_an_initialised_warehouse(warehouse_url: str) -> None:
    # `mevhouse run` connects as the transformer, which may not create schemas.
    init_warehouse(warehouse_url)
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute("set role mevhouse_transformer")
        ensure_ledger(conn)
        ensure_ledger(conn)
        wanted = wanted_builds(conn, 4, SOURCE, "exports")
        record(conn, 4, STAGES, wanted, "run-4")
        assert latest_builds(conn, 4)[TRANSFORM].run_id == "run-4"
