"""The warehouse's disk fills up under a load: PostgreSQL's clear error, nothing half-loaded,
and once there is room again the rerun loads every row exactly once."""

from __future__ import annotations

import resource
from collections.abc import Iterator
from contextlib import contextmanager

import dlt
import psycopg
import pyarrow as pa
import pytest

from orchestration.warehouse import dlt_credentials
from orchestration.warehouse.embedded import EmbeddedPostgres

# Above a WAL segment (16 MiB): a backend that cannot write WAL would PANIC the server, which
# tests/ingestion/test_warehouse_killed_mid_load.py covers. Below the table the load writes.
DISK = 20 << 20
ROWS = 200_000


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """RLIMIT_FSIZE for what this process starts meanwhile: a disk that is full at `limit` bytes a
    file, without root. PostgreSQL ignores SIGXFSZ, so its writes fail (EFBIG) as on ENOSPC."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def _load(pipeline: dlt.Pipeline, rows: pa.Table) -> None:
    pipeline.run(
        rows,
        table_name="blocks",
        write_disposition="merge",
        primary_key="slot",
        loader_file_format="csv",
    ).raise_on_failed_jobs()


def test_a_load_that_fills_the_disk_fails_clearly_and_reruns_to_every_row_once(
    mevhouse_home, tmp_path
):
    server = EmbeddedPostgres(mevhouse_home / "pg")
    server.start()
    server.stop()
    with file_size_limit(DISK):
        server.start()
    try:
        url = server.url()
        pipeline = dlt.pipeline(
            pipeline_name="disk_full",
            destination=dlt.destinations.postgres(credentials=dlt_credentials(url)),
            dataset_name="raw_solana",
            pipelines_dir=str(tmp_path / "dlt"),
        )
        rows = pa.table(
            {"slot": pa.array(range(ROWS), pa.int64()), "leader": pa.array(["L" * 80] * ROWS)}
        )
        with pytest.raises(Exception, match="could not extend file") as full:
            _load(pipeline, rows)
        assert "File too large" in str(full.value) and "Check free disk space" in str(full.value)
        assert server.password() not in str(full.value)
        # An error, not a crash: the server still answers, and the load left nothing behind.
        assert server.status().running
        with psycopg.connect(url) as conn:
            assert conn.execute("select count(*) from raw_solana.blocks").fetchone() == (0,)

        server.stop()  # room again: the server restarts without the limit
        server.start()
        _load(pipeline, rows)  # dlt retries the package the full disk stopped
        with psycopg.connect(url) as conn:
            loaded = conn.execute("select count(*), count(distinct slot) from raw_solana.blocks")
            assert loaded.fetchone() == (ROWS, ROWS)
    finally:
        server.stop()
