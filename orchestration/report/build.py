"""Assemble the epoch report from the marts and write it beside the exports."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import fsspec
import psycopg

from orchestration.exports.version import code_version
from orchestration.exports.writer import put_atomic
from orchestration.report import charts, queries

REPORTS = "reports"
TOP = 10
TOP_PER_PROFILE = 5
REPORT_MARTS = [
    "cluster_epochs",
    "validator_scores",
    "searcher_epochs",
    "validator_mev_epochs",
    "market_pair_daily",
]
STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
p.source { color: #666; font-size: 0.85em; }
"""


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]


def fetch(conn: psycopg.Connection[Any], query: str, epoch: int, top: int = TOP) -> Result:
    with conn.cursor() as cur:
        cur.execute(query, {"epoch": epoch, "top": top})
        return Result([d.name for d in cur.description or []], cur.fetchall())


def cell(value: Any) -> str:
    if value is None:
        return "<td>—</td>"  # unknown, not zero
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, int):
        return f'<td class="n">{value:,}</td>'
    if isinstance(value, float | Decimal):
        number = float(value)
        text = f"{number:,.0f}" if abs(number) >= 1000 else f"{number:.4g}"
        return f'<td class="n">{text}</td>'
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return f"<td>{html.escape(str(value))}</td>"


def table(result: Result) -> str:
    if not result.rows:
        return "<p>None in this epoch.</p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in result.columns)
    body = "".join("<tr>" + "".join(map(cell, row)) + "</tr>" for row in result.rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def section(title: str, source: str, *parts: str) -> str:
    return (
        f"<section><h2>{html.escape(title)}</h2>{''.join(parts)}"
        f'<p class="source">source: {html.escape(source)}</p></section>'
    )


def render(conn: psycopg.Connection[Any], epoch: int) -> str:
    """The report's HTML: every section from the marts, charts inline."""
    stake = fetch(conn, queries.CONCENTRATION, epoch)
    mev = fetch(conn, queries.MEV_BY_TYPE, epoch)
    pairs = fetch(conn, queries.TOP_PAIRS, epoch)
    mev_types = ["sandwich", "arbitrage", "backrun", "liquidation"]
    sections = [
        section(
            "Stake concentration over epochs",
            "marts.cluster_epochs",
            charts.concentration(
                stake.column("epoch"),
                stake.column("nakamoto_coefficient"),
                stake.column("superminority_stake_share"),
            ),
            table(stake),
        ),
        section(
            f"Top {TOP_PER_PROFILE} validators per scoring profile",
            "marts.validator_scores (explanation as scored)",
            table(fetch(conn, queries.TOP_SCORES, epoch, TOP_PER_PROFILE)),
        ),
        section(
            "MEV events by type over epochs",
            "marts.cluster_epochs (events detected in the loaded blocks)",
            charts.stacked_bars(
                mev.column("epoch"),
                {t: mev.column(f"{t}_events") for t in mev_types},
                "detected events",
            ),
            table(mev),
        ),
        section(
            f"Top {TOP} searchers by profit",
            "marts.searcher_epochs",
            table(fetch(conn, queries.TOP_SEARCHERS, epoch)),
        ),
        section(
            "Validators flagged for collusion with sandwich searchers",
            "marts.validator_mev_epochs (is_suspected_colluder; the window's sandwich-block "
            "rate and its lower bound against the cluster's rate are the evidence)",
            table(fetch(conn, queries.FLAGGED_VALIDATORS, epoch)),
        ),
        section(
            f"Top {TOP} pairs by USD volume, with cross-DEX spread",
            "marts.market_pair_daily (whole UTC days on which the epoch traded)",
            charts.horizontal_bars(
                [str(p) for p in pairs.column("pair")], pairs.column("volume_usd"), "volume (USD)"
            )
            if pairs.rows
            else "",
            table(pairs),
        ),
    ]
    written = datetime.now(UTC).isoformat(timespec="seconds")
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>mevhouse — epoch {epoch}</title><style>{STYLE}</style></head><body>"
        f"<h1>mevhouse — epoch {epoch}</h1>"
        f"<p>Written {written} by mevhouse {html.escape(code_version())} from the warehouse's "
        f"marts.</p>{''.join(sections)}</body></html>"
    )


def report_path(epoch: int) -> str:
    return f"{REPORTS}/epoch={epoch}/report.html"


def write_report(warehouse_url: str, url: str, epoch: int) -> str:
    """Write the epoch's report under the export URL; returns where it is."""
    with psycopg.connect(warehouse_url) as conn:
        page = render(conn, epoch)
    fs, root = fsspec.core.url_to_fs(url)
    path = f"{root.rstrip('/')}/{report_path(epoch)}"
    put_atomic(fs, path, page.encode())
    return str(fs.unstrip_protocol(path))
