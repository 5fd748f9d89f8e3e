"""The `mevhouse` command line."""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from ingestion.urls import redact_text, without_password
from orchestration.cli_delivery import add_delivery_commands
from orchestration.settings import ConfigError, Settings, load_settings, parse_epoch_spec
from orchestration.simnet_source import simnet_module

EPILOG = """\
environment: MEVHOUSE_WAREHOUSE_URL (default: embedded PostgreSQL under .mevhouse/pg),
SOLANA_RPC_URL (default: simnet on a free loopback port), MEVHOUSE_EPOCHS (default: last:3;
simnet: last:1), MEVHOUSE_RPC_MAX_RPS, MEVHOUSE_RPC_CONCURRENCY. A .env file in the working
directory is read.
"""


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    parse_epoch_spec(args.epochs or settings.epochs)  # before the slow imports and any server
    from orchestration.run import run

    summary = run(
        settings, epochs_spec=args.epochs, profile=args.profile, seed=args.seed, force=args.force
    )
    print(summary.render())
    return 1 if summary.failure else 0


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    from ingestion.blocks.ranges import parse_slot_range
    from ingestion.solana import RpcConfig
    from orchestration.block_ranges import coverage_of, load_range
    from orchestration.resources import loading_resource
    from orchestration.run import rpc_endpoint
    from orchestration.warehouse import LOADER, prepare_warehouse, warehouse_url

    slots = parse_slot_range(args.slots) if args.slots else None
    prepare_warehouse(settings)
    url = warehouse_url(settings, LOADER)
    with rpc_endpoint(settings, args.profile, args.seed) as rpc_url:
        settings = load_settings()  # rpc_endpoint may have set simnet's defaults
        rpc = RpcConfig(rpc_url, settings.rpc_max_rps, settings.rpc_concurrency, settings.waits)
        if slots is not None:
            rows = load_range(rpc, url, loading_resource(settings), args.epoch, slots)
            print(
                f"epoch {args.epoch} slots {args.slots}: "
                + ", ".join(f"{table} {count:,}" for table, count in rows.items())
            )
        print(coverage_of(rpc, url, args.epoch).describe())
    return 0


def cmd_ui(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.instance import prepare_dagster_home
    from orchestration.run import rpc_endpoint
    from orchestration.warehouse import DAGSTER, prepare_warehouse, warehouse_url

    prepare_warehouse(settings)
    prepare_dagster_home(settings.dagster_home, warehouse_url(settings, DAGSTER))
    with rpc_endpoint(settings, args.profile, args.seed):
        dagster = os.path.join(os.path.dirname(sys.executable), "dagster")
        cmd = [dagster, "dev", "-w", "workspace.yaml", "-h", args.host, "-p", str(args.port)]
        print(f"Dagster UI on http://{args.host}:{args.port} (Ctrl-C stops it)", flush=True)
        # Its own process group, so that stopping it stops the webserver and daemon too.
        proc = subprocess.Popen(cmd, start_new_session=True)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            return stop_process_group(proc)


def stop_process_group(proc: subprocess.Popen[bytes], grace: float = 10.0) -> int:
    """Stop a child's whole group; `dagster dev` may ignore SIGTERM, so SIGKILL follows."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        return proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait()


def cmd_simnet_serve(args: argparse.Namespace, settings: Settings) -> int:
    simnet_module("server").serve_forever(
        profile=args.profile, seed=args.seed, host=args.host, port=args.port, faults=args.faults
    )
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    # bench/ ships with the checkout, not the installed package: find it beside this package.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not os.path.isfile(os.path.join(root, "bench", "run.py")):
        raise ValueError(f"mevhouse bench needs a source checkout; no bench/run.py under {root}")
    sys.path.insert(0, root)
    from bench.run import run

    return run(args.names)


def cmd_eval_mev(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.warehouse import TRANSFORMER, warehouse_url

    # The evaluation lives beside the truth it reads, in simnet's distribution.
    evaluation = simnet_module("eval_mev")
    epochs = evaluation.parse_epoch_list(args.epochs) if args.epochs else None
    url = warehouse_url(settings, TRANSFORMER)
    with evaluation.simnet_truth_source(args.simnet_url, args.profile, args.seed) as simnet_url:
        result = evaluation.evaluate(url, simnet_url, epochs)
    print(result.render())
    if args.docs:
        source = args.simnet_url or f"simnet profile {args.profile}, seed {args.seed}"
        header = (
            f"`mevhouse eval mev` against {source}, epochs {', '.join(map(str, result.epochs))}:"
        )
        document = args.docs.read_text()
        args.docs.write_text(
            evaluation.replace_generated_section(document, f"{header}\n\n{result.markdown()}")
        )
        print(f"table written into {args.docs}")
    return 0


def cmd_eval_dex(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.warehouse import TRANSFORMER, warehouse_url

    common, evaluation = simnet_module("eval_mev"), simnet_module("eval_dex")
    epochs = common.parse_epoch_list(args.epochs) if args.epochs else None
    url = warehouse_url(settings, TRANSFORMER)
    with common.simnet_truth_source(args.simnet_url, args.profile, args.seed) as simnet_url:
        print(evaluation.evaluate(url, simnet_url, epochs).render())
    return 0


def cmd_warehouse(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.warehouse import embedded, libpq_env, prepare_warehouse, warehouse_url
    from orchestration.warehouse.embedded import bin_dir

    action = args.action
    if settings.warehouse_url and action in ("start", "stop", "status"):
        print("MEVHOUSE_WAREHOUSE_URL is set: mevhouse does not manage that server")
        return 0
    server = embedded(settings)
    if action == "start":
        status = server.start()
        print(f"embedded PostgreSQL running on 127.0.0.1:{status.port} (data: {server.data_dir})")
    elif action == "stop":
        print("stopped" if server.stop() else "not running")
    elif action == "status":
        status = server.status()
        state = f"running on 127.0.0.1:{status.port}" if status.running else "stopped"
        print(f"embedded PostgreSQL {state} (data: {server.data_dir})")
        return 0 if status.running else 3
    elif action == "url":
        print(warehouse_url(settings))
    elif action == "env":
        for name, value in libpq_env(warehouse_url(settings)).items():
            print(f"export {name}={shlex.quote(value)}")
    elif action == "init":
        prepare_warehouse(settings)
        print("schemas and roles are in place (deploy/sql/roles.sql)")
    elif action == "psql":
        # The password goes through psql's environment: a command line is visible in `ps`.
        url, password = without_password(warehouse_url(settings))
        env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
        os.execve(str(bin_dir() / "psql"), ["psql", url, *args.psql_args], env)
    return 0


def cmd_quarantine(args: argparse.Namespace, settings: Settings) -> int:
    import psycopg

    from expectations.quarantine import list_held, release
    from orchestration.warehouse import warehouse_url

    with psycopg.connect(warehouse_url(settings), autocommit=True) as conn:
        if args.quarantine_command == "release":
            count = release(conn, args.table, args.run_id)
            print(f"released {count} row(s) of {args.table}: staging reads them again")
            return 0
        held = list_held(conn)
    if not held:
        print("nothing is quarantined")
    for h in held:
        state = "released" if h.released == h.rows else f"held {h.rows - h.released}"
        print(
            f"{h.table}  {h.expectation}({h.column_name or ''})  {h.rows} row(s), {state}  "
            f"run {h.run_id}  since {h.first_quarantined:%Y-%m-%d %H:%M}"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mevhouse",
        description="Batch ELT warehouse for Solana validator, MEV and DEX analytics.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    def add_cluster_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--profile",
            default="demo",
            choices=["demo", "mainnet"],
            help="simnet profile when SOLANA_RPC_URL is unset (default: demo)",
        )
        p.add_argument("--seed", type=int, default=0, help="simnet seed (default: 0)")

    run = sub.add_parser(
        "run",
        help="load, check and transform the configured closed epochs",
        description="Materialise every asset for the chosen closed epochs with all checks, "
        "then print a summary. Starts the embedded warehouse and simnet when not configured. "
        "Epochs already built from the same code and inputs are skipped (see --force).",
    )
    run.add_argument(
        "--epochs",
        help="e.g. last:3 (default; simnet: last:1), 700, 700-705, 700,702; overrides "
        "MEVHOUSE_EPOCHS",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="build every chosen epoch again, even those the run ledger shows were built from "
        "the same code and inputs (which are otherwise skipped)",
    )
    add_cluster_options(run)
    run.set_defaults(func=cmd_run)

    load = sub.add_parser(
        "load",
        help="load one slot range of a heavy epoch's blocks, or show the epoch's coverage",
        description="Load slots FIRST-LAST of a closed epoch into the block-level raw tables "
        "through the range's own dlt pipeline. Ranges of one epoch must not overlap; several "
        "can load at once, and a rerun of a range resumes it. Then `mevhouse run --epochs N` (or "
        "epoch_load_job) loads the epoch-level data, checks that the ranges cover the epoch and "
        "gates it. Without --slots, print which slots of the epoch are loaded.",
    )
    load.add_argument("--epoch", type=int, required=True, help="a closed epoch")
    load.add_argument(
        "--slots", help="FIRST-LAST, inclusive, in whole 4-slot leader windows (e.g. 1024-1535)"
    )
    add_cluster_options(load)
    load.set_defaults(func=cmd_load)

    ui = sub.add_parser(
        "ui",
        help="open the Dagster UI (webserver and daemon)",
        description="Run `dagster dev` on this project's warehouse and storage.",
    )
    ui.add_argument("--host", default="127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    add_cluster_options(ui)
    ui.set_defaults(func=cmd_ui)

    simnet = sub.add_parser("simnet", help="the local simulated Solana cluster")
    simnet_sub = simnet.add_subparsers(dest="simnet_command", required=True, metavar="action")
    serve = simnet_sub.add_parser(
        "serve",
        help="serve simnet's JSON-RPC over HTTP until interrupted",
        description="Serve a deterministic Solana cluster (JSON-RPC) on loopback.",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8899)
    serve.add_argument(
        "--faults",
        help=(
            "inject faults, e.g. latency=50ms,429=0.05,5xx=0.02,timeout=0.01,truncate=0.01,"
            "unavailable=0.05,rps=40 (see docs/architecture.md)"
        ),
    )
    add_cluster_options(serve)
    serve.set_defaults(func=cmd_simnet_serve)

    bench = sub.add_parser(
        "bench",
        help="run the benchmarks in bench/ (writes bench/results/)",
        description="Run every bench/*.py benchmark, or only those named.",
    )
    bench.add_argument("names", nargs="*", help="e.g. simnet_getblock (default: all)")
    bench.set_defaults(func=cmd_bench)

    evaluation = sub.add_parser("eval", help="measure the warehouse against simnet's truth")
    eval_sub = evaluation.add_subparsers(dest="eval_command", required=True, metavar="what")
    mev = eval_sub.add_parser(
        "mev",
        help="precision and recall of the detected MEV events, per type",
        description="Compare marts.fct_mev_events (MEVHOUSE_WAREHOUSE_URL, or the embedded "
        "warehouse) with simnet's /simnet/truth/mev: per MEV type and epoch the planted and "
        "detected events, those matched (same type, same set of signatures), precision and "
        "recall; the decoys (honest activity shaped like MEV) detected as MEV, per kind; then "
        "the colluding validators planted against those validator_mev_epochs flags. The truth "
        "comes from --simnet-url, or from a simnet started here with --profile and --seed "
        "(the cluster `mevhouse run` loaded with the same options).",
    )
    mev.add_argument(
        "--epochs",
        help="e.g. 700, 700-705, 700,702 (default: every epoch with loaded transactions)",
    )
    mev.add_argument(
        "--simnet-url", help="a running simnet to ask for the truth (e.g. http://127.0.0.1:8899)"
    )
    mev.add_argument(
        "--docs",
        type=Path,
        metavar="FILE",
        help="also write the table as markdown into FILE's generated section (e.g. docs/mev.md)",
    )
    add_cluster_options(mev)
    mev.set_defaults(func=cmd_eval_mev)
    dex = eval_sub.add_parser(
        "dex",
        help="precision and recall of the decoded swap legs and trades, per shape",
        description="Compare marts.fct_dex_swaps and marts.fct_dex_trades (MEVHOUSE_WAREHOUSE_URL, "
        "or the embedded warehouse) with simnet's /simnet/truth/swaps: per shape (ordinary "
        "swaps, routes, MEV transactions and the planted hard shapes: unlisted venues, relayed "
        "and program-owned swaps, split routes, bonding curves, Token-2022 fees) the true, "
        "decoded and matched legs and trades, precision and recall. The truth comes from "
        "--simnet-url, or from a simnet started here with --profile and --seed.",
    )
    dex.add_argument(
        "--epochs",
        help="e.g. 700, 700-705, 700,702 (default: every epoch with loaded transactions)",
    )
    dex.add_argument(
        "--simnet-url", help="a running simnet to ask for the truth (e.g. http://127.0.0.1:8899)"
    )
    add_cluster_options(dex)
    dex.set_defaults(func=cmd_eval_dex)

    quarantine = sub.add_parser(
        "quarantine",
        help="rows that failed a check: list them, or release them to staging",
        description="Rows that failed a raw table's check are copied to the quarantine schema "
        "and left out of staging in every later run until they are fixed in raw or released.",
    )
    quarantine_sub = quarantine.add_subparsers(
        dest="quarantine_command", required=True, metavar="action"
    )
    quarantine_sub.add_parser(
        "list", help="what is held, per table, expectation and run, and since when"
    ).set_defaults(func=cmd_quarantine)
    release = quarantine_sub.add_parser(
        "release", help="let a table's held rows through to staging from the next run on"
    )
    release.add_argument("table", help="e.g. raw_solana.blocks")
    release.add_argument("--run-id", help="release only the rows this run quarantined")
    release.set_defaults(func=cmd_quarantine)

    wh = sub.add_parser(
        "warehouse",
        help="manage the embedded PostgreSQL warehouse",
        description="start|stop|status|url|env|init|psql. With MEVHOUSE_WAREHOUSE_URL set, url, "
        "init and psql act on that server and start/stop do nothing.",
    )
    wh.add_argument(
        "action",
        choices=["start", "stop", "status", "url", "env", "init", "psql"],
        help="env prints the MEVHOUSE_PG_* exports that dbt and sqlfluff read",
    )
    wh.add_argument("psql_args", nargs=argparse.REMAINDER, help="extra arguments for psql")
    wh.set_defaults(func=cmd_warehouse)
    add_delivery_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Partitioned asset checks are a Dagster preview feature that we rely on knowingly.
    warnings.filterwarnings("ignore", message="Specifying a partitions_def on an AssetCheckSpec")
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return int(args.func(args, settings))
    except KeyboardInterrupt:
        return _stopped()
    except Exception as err:  # one clear line, never a traceback or a secret
        if os.environ.get("MEVHOUSE_DEBUG"):
            raise
        known: tuple[type[Exception], ...] = (ConfigError, *_known_errors())
        message = str(err) if isinstance(err, known) else f"{type(err).__name__}: {err}"
        urls = (os.environ.get("MEVHOUSE_WAREHOUSE_URL"), os.environ.get("SOLANA_RPC_URL"))
        print(f"mevhouse: error: {redact_text(message, *urls)}", file=sys.stderr)
        return 2
    except BaseException as err:
        # An interrupt inside a Dagster step comes back as Dagster's own BaseException.
        if type(err).__name__ != "DagsterExecutionInterruptedError":
            raise
        return _stopped()


def _stopped() -> int:
    print("mevhouse: stopped; run the same command again to resume", file=sys.stderr)
    return 130


def _known_errors() -> tuple[type[Exception], ...]:
    from ingestion.rpc import RpcError
    from orchestration.exports.writer import ExportWriteFailed
    from orchestration.run import RunFailed
    from orchestration.warehouse.embedded import EmbeddedError

    return (RpcError, EmbeddedError, ExportWriteFailed, RunFailed, ValueError)


if __name__ == "__main__":
    sys.exit(main())
