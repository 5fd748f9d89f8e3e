"""With 429s, 5xx, resets, hangs, truncated and invalid bodies and -32004 injected, the raw
tables end identical to a clean run's."""

from __future__ import annotations

import logging

from simnet.server import start_simnet
from tests.ingestion.blocks_harness import SMALL, database, load, snapshot

FAULTS = (
    "429=0.06,5xx=0.06,reset=0.03,timeout=0.03,truncate=0.04,invalid=0.03,"
    "unavailable=0.08,hang=300ms,retry_after=1"
)


def test_faulty_rpc_loads_the_same_tables_as_a_clean_one(
    pg_server_url, warehouse_url, tmp_path, caplog
):
    with start_simnet("demo", **SMALL) as clean, database(pg_server_url) as reference:
        load(reference, clean.url, tmp_path / "clean", sample_rate=0.5)
        expected = snapshot(reference)

    with (
        start_simnet("demo", faults=FAULTS, **SMALL) as faulty,
        caplog.at_level(logging.INFO, logger="ingestion"),
    ):
        load(warehouse_url, faulty.url, tmp_path / "faulty", sample_rate=0.5)

    assert snapshot(warehouse_url) == expected
    assert expected["transactions"] and expected["blocks"]
    # The faults were met and waited out, not missed.
    messages = [r.getMessage() for r in caplog.records]
    retries = [m for m in messages if "retrying in" in m or m.startswith("waiting ")]
    for kind in ("HTTP 429", "HTTP 50", "invalid response body", "not available yet"):
        assert any(kind in line for line in retries), kind
