"""The short report `mevhouse run` ends with: what was loaded, what passed, where to look."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

if TYPE_CHECKING:
    from orchestration.run import EpochOutcome

SUMMARY_SCHEMAS = ("raw_solana", "raw_jito", "marts", "quarantine")

TOP_VALIDATORS = """
select vote_account, identity, stake_sol, commission, leader_slots, blocks_produced, skip_rate
from marts.fct_validator_epochs
where epoch = %s and stake_lamports is not null
order by stake_lamports desc, vote_account
limit 10
"""


# The best few validators of each scoring profile in the epoch, with why they score as they do;
# a gated validator (score 0) is no recommendation, so a profile with none eligible has one row
# of nulls.
TOP_SCORES = """
with profiles as (
    select distinct profile from marts.validator_scores where epoch = %(epoch)s
)
select profiles.profile, top.rank, top.vote_account, top.total_score, top.explanation
from profiles
left join lateral (
    select rank, vote_account, total_score, explanation
    from marts.validator_scores as s
    where s.epoch = %(epoch)s and s.profile = profiles.profile and s.is_eligible is not false
    order by rank
    limit %(top)s
) as top on true
order by profiles.profile, top.rank
"""
TOP_PER_PROFILE = 3

# The last day the loaded epochs traded: its pairs by USD volume, with their cross-DEX spread.
TOP_PAIRS = """
with last_day as (
    select max(day) as day from marts.market_pair_daily
    where last_epoch >= %(first)s and first_epoch <= %(last)s
)
select day, pair, volume_usd, trades, dexes, avg_spread_bps, max_spread_bps
from marts.market_pair_daily
where day = (select day from last_day)
order by volume_usd desc nulls last, pair
limit 5
"""

# Swap legs by venue: a program outside the seed registry is 'unknown', its share said aloud.
VOLUME_BY_VENUE = """
select dex, count(*), sum(amount_usd), count(*) filter (where amount_usd is null)
from marts.fct_dex_swaps
where epoch = any(%(epochs)s)
group by dex
order by sum(amount_usd) desc nulls last, dex
"""
TOP_VENUES = 8

MEV_BY_TYPE = """
select mev_type, count(*), sum(profit_lamports), sum(tip_lamports)
from marts.fct_mev_events
where epoch = any(%(epochs)s)
group by mev_type
order by mev_type
"""

TOP_SEARCHERS = """
select searcher, sum(events), sum(profit_lamports), sum(tips_paid_lamports)
from marts.searcher_epochs
where epoch = any(%(epochs)s)
group by searcher
order by sum(profit_lamports) desc nulls last, searcher
limit 5
"""

# Validators flagged by the collusion tests, the strongest evidence (smallest q-value) first.
FLAGGED_VALIDATORS = """
select epoch, vote_account, window_loaded_blocks, window_sandwich_block_rate,
    collusion_q_value, window_cluster_sandwich_block_rate
from marts.validator_mev_epochs
where epoch = any(%(epochs)s) and is_suspected_colluder
order by epoch, collusion_q_value, vote_account
"""
LAMPORTS_PER_SOL = 1_000_000_000


@dataclass
class Summary:
    epochs: list[int]
    table_rows: dict[str, int]
    checks_passed: int
    checks_failed: int
    top_validators: list[tuple[Any, ...]] = field(default_factory=list)
    top_scores: list[tuple[Any, ...]] = field(default_factory=list)
    top_pairs: list[tuple[Any, ...]] = field(default_factory=list)
    volume_by_venue: list[tuple[Any, ...]] = field(default_factory=list)
    mev_by_type: list[tuple[Any, ...]] = field(default_factory=list)
    top_searchers: list[tuple[Any, ...]] = field(default_factory=list)
    flagged_validators: list[tuple[Any, ...]] | None = None
    failed_checks: list[str] = field(default_factory=list)
    failure: str | None = None
    # Epochs the run ledger showed were already built from the same code and inputs.
    skipped: list[int] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            "",
            f"mevhouse run: epochs {', '.join(map(str, self.epochs))}",
            f"checks: {self.checks_passed} passed, {self.checks_failed} failed",
        ]
        if self.skipped:
            lines.append(
                f"skipped epochs {', '.join(map(str, self.skipped))}: built before from the same "
                "code and inputs (--force builds them again)"
            )
        lines.append("rows per table:")
        # Empty quarantine tables are the good news: one line says so instead of one per table.
        quarantine = {t: n for t, n in self.table_rows.items() if t.startswith("quarantine.")}
        lines += [
            f"  {table:<45} {rows:>10,}"
            for table, rows in self.table_rows.items()
            if rows or table not in quarantine
        ]
        if quarantine and not any(quarantine.values()):
            lines.append(f"  quarantine: no rows in its {len(quarantine)} tables")
        if self.top_validators:
            lines.append(f"top 10 validators by stake, epoch {max(self.epochs)}:")
            lines.append(f"  {'vote account':<44} {'stake SOL':>14} {'comm':>4} {'skip rate':>9}")
            for vote, _identity, stake, commission, _slots, _blocks, skip in self.top_validators:
                rate = "-" if skip is None else f"{float(skip):.2%}"
                lines.append(f"  {vote:<44} {float(stake):>14,.0f} {commission:>3}% {rate:>9}")
        if self.top_scores:
            lines.append(f"top validators by scoring profile, epoch {max(self.epochs)}:")
            shown_profile = None
            for profile, rank, vote, score, explanation in self.top_scores:
                if vote is None:
                    lines.append(f"  {profile}: none eligible")
                    continue
                if profile != shown_profile:
                    lines.append(f"  {profile}:")
                    shown_profile = profile
                # An unknown total (a gate that could not be judged) prints as "?".
                shown = "?" if score is None else f"{float(score):.2f}"
                lines.append(f"    {rank}. {vote:<44} {shown:>6}  {explanation}")
        lines += self._market_lines() + self._mev_lines()
        lines += [
            "next:",
            "  mevhouse ui                 assets, checks and runs in the Dagster UI",
            "  mevhouse warehouse psql     query marts.fct_validator_epochs, validator_scores",
            "  mevhouse eval mev           detected MEV against simnet's truth",
        ]
        lines += [f"failed check: {line}" for line in self.failed_checks]
        if self.failure:
            lines.append(f"FAILED: {self.failure}")
        return "\n".join(lines)

    def _market_lines(self) -> list[str]:
        lines = self._venue_lines()
        if not self.top_pairs:
            return lines
        lines.append(f"top pairs by volume, {self.top_pairs[0][0]:%Y-%m-%d} (UTC):")
        lines.append(f"  {'pair':<16} {'volume USD':>14} {'trades':>7} {'DEXes':>5}  spread bps")
        for _day, pair, volume, trades, dexes, avg_bps, max_bps in self.top_pairs:
            usd = "-" if volume is None else f"{float(volume):,.0f}"
            spread = "- (one DEX)" if avg_bps is None else f"{avg_bps:.1f} avg, {max_bps:.1f} max"
            lines.append(f"  {pair:<16} {usd:>14} {trades:>7,} {dexes:>5}  {spread}")
        return lines

    def _venue_lines(self) -> list[str]:
        if not self.volume_by_venue:
            return []
        lines = [f"swap legs by venue, epochs {', '.join(map(str, self.epochs))}:"]
        lines.append(f"  {'venue':<24} {'legs':>8} {'volume USD':>14} {'unpriced legs':>13}")
        for dex, legs, volume, unpriced in self.volume_by_venue[:TOP_VENUES]:
            usd = "-" if volume is None else f"{float(volume):,.0f}"
            lines.append(f"  {dex:<24} {legs:>8,} {usd:>14} {unpriced:>13,}")
        if len(self.volume_by_venue) > TOP_VENUES:
            lines.append(f"  ... and {len(self.volume_by_venue) - TOP_VENUES} more venues")
        legs = sum(row[1] for row in self.volume_by_venue)
        volume = sum(float(row[2] or 0) for row in self.volume_by_venue)
        unknown = [row for row in self.volume_by_venue if row[0] == "unknown"]
        unknown_legs = unknown[0][1] if unknown else 0
        unknown_volume = float(unknown[0][2] or 0) if unknown else 0.0
        share = "-" if not volume else f"{unknown_volume / volume:.1%}"
        lines.append(
            f"  unknown venues (programs outside seeds/dex_programs.csv): {unknown_legs / legs:.1%}"
            f" of legs, {share} of priced volume"
        )
        return lines

    def _mev_lines(self) -> list[str]:
        lines = []
        if self.mev_by_type:
            lines.append(f"MEV detected, epochs {', '.join(map(str, self.epochs))}:")
            lines.append(f"  {'type':<12} {'events':>7} {'profit SOL':>12} {'tips SOL':>10}")
            for kind, events, profit, tips in self.mev_by_type:
                lines.append(f"  {kind:<12} {events:>7,} {_sol(profit):>12} {_sol(tips):>10}")
        if self.top_searchers:
            lines.append("top searchers by profit:")
            for searcher, events, profit, tips in self.top_searchers:
                lines.append(
                    f"  {searcher:<44} {events:>5} events {_sol(profit):>10} SOL profit "
                    f"{_sol(tips):>8} SOL tips"
                )
        if self.flagged_validators is not None:
            if not self.flagged_validators:
                lines.append("validators flagged for sandwich collusion: none")
            else:
                lines.append("validators flagged for sandwich collusion:")
            for epoch, vote, blocks, rate, q_value, cluster in self.flagged_validators:
                lines.append(
                    f"  epoch {epoch} {vote:<44} q-value {float(q_value):.2g}: {float(rate):.1%} "
                    f"of {blocks} blocks sandwich-inclusive (cluster {float(cluster):.1%})"
                )
        return lines


def _sol(lamports: Any) -> str:
    return "-" if lamports is None else f"{float(lamports) / LAMPORTS_PER_SOL:,.3f}"


def table_row_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    tables = conn.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema = any(%s) and table_type = 'BASE TABLE' "
        "and table_name not like '\\_%%' order by 1, 2",  # bookkeeping: dlt's, slot-range claims
        (list(SUMMARY_SCHEMAS),),
    ).fetchall()
    counts = {}
    for schema, name in tables:
        query = sql.SQL("select count(*) from {}").format(sql.Identifier(schema, name))
        row = conn.execute(query).fetchone()
        counts[f"{schema}.{name}"] = int(row[0]) if row else 0
    return counts


def collect_summary(url: str, epochs: list[int], outcomes: list[EpochOutcome]) -> Summary:
    with psycopg.connect(url) as conn:
        counts = table_row_counts(conn)
        top, scores = [], []
        if epochs and "marts.fct_validator_epochs" in counts:
            top = conn.execute(TOP_VALIDATORS, (max(epochs),)).fetchall()
        if epochs and "marts.validator_scores" in counts:
            scores = conn.execute(
                TOP_SCORES, {"epoch": max(epochs), "top": TOP_PER_PROFILE}
            ).fetchall()
        market_mev = _market_and_mev(conn, counts, epochs) if epochs else {}
    return Summary(
        epochs=epochs,
        table_rows=counts,
        checks_passed=sum(o.checks_passed for o in outcomes),
        checks_failed=sum(len(o.checks_failed) for o in outcomes),
        top_validators=top,
        top_scores=scores,
        **market_mev,
        failed_checks=[f"epoch {o.epoch}: {line}" for o in outcomes for line in o.checks_failed],
        skipped=[o.epoch for o in outcomes if o.skipped],
    )


def _market_and_mev(
    conn: psycopg.Connection[Any], counts: dict[str, int], epochs: list[int]
) -> dict[str, Any]:
    """The market and MEV sections' rows, for the marts this run built."""
    params = {"epochs": epochs, "first": min(epochs), "last": max(epochs)}
    queries = {
        "top_pairs": ("marts.market_pair_daily", TOP_PAIRS),
        "volume_by_venue": ("marts.fct_dex_swaps", VOLUME_BY_VENUE),
        "mev_by_type": ("marts.fct_mev_events", MEV_BY_TYPE),
        "top_searchers": ("marts.searcher_epochs", TOP_SEARCHERS),
        "flagged_validators": ("marts.validator_mev_epochs", FLAGGED_VALIDATORS),
    }
    return {
        name: conn.execute(query, params).fetchall()
        for name, (table, query) in queries.items()
        if table in counts
    }
