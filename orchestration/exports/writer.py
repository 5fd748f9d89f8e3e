"""Write one partition's tables and its manifest under an fsspec URL, replacing it atomically.

Every file is written beside its final name and renamed into place, the manifest last: a reader
who starts from `manifests/<partition>/manifest.json` sees one whole export, old or new, and its
checksums say which files belong to it.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from orchestration.exports.version import code_version

FORMATS = ("parquet", "csv")
MANIFESTS = "manifests"


def file_name(fmt: str) -> str:
    return f"part-0.{fmt}"


def encode(table: pa.Table, fmt: str) -> bytes:
    """The table as Parquet, or as CSV with list columns written as JSON arrays."""
    sink = io.BytesIO()
    if fmt == "parquet":
        pq.write_table(table, sink)
    elif fmt == "csv":
        for i, field in enumerate(table.schema):
            if pa.types.is_list(field.type):
                as_json = [
                    None if v is None else json.dumps(v) for v in table.column(i).to_pylist()
                ]
                table = table.set_column(i, field.name, pa.array(as_json, pa.string()))
        pacsv.write_csv(table, sink)
    else:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return sink.getvalue()


def schema_of(table: pa.Table) -> list[dict[str, str]]:
    return [{"name": f.name, "type": str(f.type)} for f in table.schema]


class ExportWriteFailed(Exception):
    """A file of an export could not be written (a full disk, a file size limit, no access)."""


def put_atomic(fs: fsspec.AbstractFileSystem, path: str, data: bytes) -> None:
    """Write beside the final path, then rename: a reader never sees half a file.

    A failed write (a full disk) removes its half-written temporary and keeps the previous file.
    """
    parent = path.rsplit("/", 1)[0]
    temporary = f"{parent}/.{uuid.uuid4().hex}.tmp"
    try:
        fs.makedirs(parent, exist_ok=True)
        with fs.open(temporary, "wb") as out:
            out.write(data)
        fs.mv(temporary, path)
    except OSError as err:
        if fs.exists(temporary):
            fs.rm(temporary)
        raise ExportWriteFailed(
            f"cannot write {path} ({err.strerror or err}); the export before it is unchanged: "
            "free space there and export again"
        ) from None


def _drop_others(fs: fsspec.AbstractFileSystem, directory: str, keep: str) -> None:
    """Remove what an earlier export left in the partition (e.g. the other format's file)."""
    for path in fs.ls(directory, detail=False):
        if path.rstrip("/").rsplit("/", 1)[-1] != keep:
            fs.rm(path, recursive=True)


def write_partition(
    url: str, partition: str, tables: Mapping[str, pa.Table], fmt: str = "parquet"
) -> dict[str, Any]:
    """Write `<mart>/<partition>/part-0.<fmt>` for each table, then the partition's manifest.

    `partition` is a Hive-style directory name such as `epoch=700` or `day=2026-11-30`.
    Returns the manifest; nothing in it comes from the URL or the environment.
    """
    fs, root = fsspec.core.url_to_fs(url)
    root = root.rstrip("/")
    entries = []
    for mart, table in sorted(tables.items()):
        data = encode(table, fmt)
        directory = f"{root}/{mart}/{partition}"
        put_atomic(fs, f"{directory}/{file_name(fmt)}", data)
        _drop_others(fs, directory, file_name(fmt))
        entries.append(
            {
                "table": mart,
                "path": f"{mart}/{partition}/{file_name(fmt)}",
                "rows": table.num_rows,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "schema": schema_of(table),
            }
        )
    manifest = {
        "partition": partition,
        "format": fmt,
        "code_version": code_version(),
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": entries,
    }
    body = json.dumps(manifest, indent=2).encode()
    put_atomic(fs, f"{root}/{MANIFESTS}/{partition}/manifest.json", body)
    return manifest


def read_manifest(url: str, partition: str) -> dict[str, Any]:
    fs, root = fsspec.core.url_to_fs(url)
    with fs.open(f"{root.rstrip('/')}/{MANIFESTS}/{partition}/manifest.json", "rb") as f:
        return dict(json.load(f))
