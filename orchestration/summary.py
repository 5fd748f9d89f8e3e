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
where epoch = %s
order by stake_lamports desc, vote_account
limit 10
"""


# The best few validators of each scoring profile in the epoch, with why they score as they do.
TOP_SCORES = """
select profile, rank, vote_account, total_score, explanation
from marts.validator_scores
where epoch = %s and rank <= %s
order by profile, rank
"""
TOP_PER_PROFILE = 3


@dataclass
class Summary:
    epochs: list[int]
    table_rows: dict[str, int]
    checks_passed: int
    checks_failed: int
    top_validators: list[tuple[Any, ...]] = field(default_factory=list)
    top_scores: list[tuple[Any, ...]] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    failure: str | None = None

    def render(self) -> str:
        lines = [
            "",
            f"mevhouse run: epochs {', '.join(map(str, self.epochs))}",
            f"checks: {self.checks_passed} passed, {self.checks_failed} failed",
            "rows per table:",
        ]
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
            for profile, rank, vote, score, explanation in self.top_scores:
                if rank == 1:
                    lines.append(f"  {profile}:")
                lines.append(f"    {rank}. {vote:<44} {float(score):>6.2f}  {explanation}")
        lines += [
            "next:",
            "  mevhouse ui                 assets, checks and runs in the Dagster UI",
            "  mevhouse warehouse psql     query marts.fct_validator_epochs, validator_scores",
        ]
        lines += [f"failed check: {line}" for line in self.failed_checks]
        if self.failure:
            lines.append(f"FAILED: {self.failure}")
        return "\n".join(lines)


def table_row_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    tables = conn.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema = any(%s) and table_type = 'BASE TABLE' "
        "and table_name not like '\\_dlt%%' order by 1, 2",
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
            scores = conn.execute(TOP_SCORES, (max(epochs), TOP_PER_PROFILE)).fetchall()
    return Summary(
        epochs=epochs,
        table_rows=counts,
        checks_passed=sum(o.checks_passed for o in outcomes),
        checks_failed=sum(len(o.checks_failed) for o in outcomes),
        top_validators=top,
        top_scores=scores,
        failed_checks=[f"epoch {o.epoch}: {line}" for o in outcomes for line in o.checks_failed],
    )
