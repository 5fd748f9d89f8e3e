"""`mevhouse export`, `mevhouse report` and `mevhouse docs`: the delivery commands."""

from __future__ import annotations

import argparse
import os
import subprocess
from typing import Any

import psycopg

from orchestration.settings import ConfigError, Settings, parse_epochs


def loaded_epochs(url: str) -> list[int]:
    """Epochs the marts hold (those `mevhouse run` has built)."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("select epoch from marts.cluster_epochs order by epoch").fetchall()
    if not rows:
        raise ValueError("the warehouse has no epochs in its marts yet; run `mevhouse run` first")
    return [int(r[0]) for r in rows]


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.exports.marts import (
        days_of_epochs,
        export_day,
        export_epoch,
        shown,
    )
    from orchestration.warehouse import TRANSFORMER, warehouse_url

    url = warehouse_url(settings, TRANSFORMER)
    destination = args.to or settings.export_url
    loaded = loaded_epochs(url)
    try:
        epochs = parse_epochs(args.epochs, loaded)
    except ConfigError as err:
        raise ConfigError(f"{err}; the marts hold epochs {', '.join(map(str, loaded))}") from None
    manifests: list[dict[str, Any]] = [
        export_epoch(url, destination, e, args.format) for e in epochs
    ]
    manifests += [export_day(url, destination, d, args.format) for d in days_of_epochs(url, epochs)]
    for manifest in manifests:
        rows = sum(t["rows"] for t in manifest["tables"])
        print(f"{manifest['partition']}: {len(manifest['tables'])} tables, {rows:,} rows")
    print(f"written under {shown(destination)} (manifests/<partition>/manifest.json)")
    return 0


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.exports.marts import shown
    from orchestration.report.build import write_report
    from orchestration.warehouse import TRANSFORMER, warehouse_url

    url = warehouse_url(settings, TRANSFORMER)
    epoch = args.epoch if args.epoch is not None else max(loaded_epochs(url))
    if epoch not in loaded_epochs(url):
        raise ValueError(f"epoch {epoch} is not in the marts; `mevhouse run --epochs {epoch}`")
    print(shown(write_report(url, args.to or settings.export_url, epoch)))
    return 0


def cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.assets.dbt import DBT_DIR, dbt_executable
    from orchestration.warehouse import TRANSFORMER, libpq_env, warehouse_url

    # The catalog reads the warehouse's columns; credentials go through the environment only.
    env = {**os.environ, **libpq_env(warehouse_url(settings, TRANSFORMER))}
    common = ["--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]
    dbt = dbt_executable()
    subprocess.run([dbt, "docs", "generate", "--quiet", *common], check=True, env=env)
    print(f"dbt docs written to {DBT_DIR / 'target' / 'index.html'}", flush=True)
    if args.no_serve:
        return 0
    print(f"serving on http://{args.host}:{args.port} (Ctrl-C stops it)", flush=True)
    serve = [dbt, "docs", "serve", "--no-browser", "--host", args.host, "--port", str(args.port)]
    return subprocess.run([*serve, *common], env=env).returncode


def add_delivery_commands(sub: Any) -> None:
    export = sub.add_parser(
        "export",
        help="write the marts of loaded epochs as Parquet or CSV files with manifests",
        description="Write every mart's rows of each epoch to <mart>/epoch=<N>/part-0.<format> "
        "and the market marts' rows of each UTC day those epochs traded to <mart>/day=<D>/, "
        "with manifests/<partition>/manifest.json (tables, rows, schema, sha256, code "
        "version). A partition written again is replaced. Credentials for s3:// or gs:// come "
        "from the filesystem's own environment variables, never from the URL.",
    )
    export.add_argument(
        "--epochs", help="e.g. last:3, 700, 700-705, 700,702 (default: last:3 of those loaded)"
    )
    export.add_argument(
        "--to", help="any fsspec URL or folder (default: MEVHOUSE_EXPORT_URL or .mevhouse/exports)"
    )
    export.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    export.set_defaults(func=cmd_export)

    report = sub.add_parser(
        "report",
        help="write an epoch's HTML report with charts",
        description="Write reports/epoch=<N>/report.html under the export URL: stake "
        "concentration, top validators per profile, MEV by type, top searchers, validators "
        "flagged for collusion, top pairs. It opens from disk, with no server or network.",
    )
    report.add_argument("--epoch", type=int, help="default: the latest epoch in the marts")
    report.add_argument("--to", help="default: MEVHOUSE_EXPORT_URL or .mevhouse/exports")
    report.set_defaults(func=cmd_report)

    docs = sub.add_parser(
        "docs",
        help="build and serve the dbt docs site",
        description="Run `dbt docs generate` against the warehouse, then serve the site.",
    )
    docs.add_argument("--host", default="127.0.0.1")
    docs.add_argument("--port", type=int, default=8080)
    docs.add_argument("--no-serve", action="store_true", help="only build the site")
    docs.set_defaults(func=cmd_docs)
