"""`mevhouse eval mev`: the detected MEV events (marts.fct_mev_events) against simnet's truth.

An event matches a planted one of the same type with the same set of transaction signatures.
Truth events count only where the warehouse holds their transactions: their leader window's
blocks were loaded in full (all of them without transaction sampling).

Simnet plants every atomic-arbitrage attempt as an "arbitrage", paying or not; the mart keeps
the paying ones (signer's net in the cycle's mint > 0, after fee and tip when that mint is SOL)
and int_mev_unprofitable_arbitrage the others. The truth's arbitrages are split the same way,
from the truth's own profit and tip and the transaction's fee, and compared with each model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2
import psycopg

WSOL = "So11111111111111111111111111111111111111112"
MEV_TYPES = ("sandwich", "arbitrage", "backrun", "liquidation")
UNPROFITABLE = "arbitrage_unprofitable"
SLOTS_PER_WINDOW = 4


class EvalError(ValueError):
    """The warehouse or simnet lacks what the evaluation needs (one line, says what to do)."""


@dataclass(frozen=True)
class Score:
    """Detected events of one type (and epoch, or all of them) against the truth's."""

    mev_type: str
    epoch: int | None
    truth: int
    detected: int
    matched: int

    @property
    def precision(self) -> float | None:
        return self.matched / self.detected if self.detected else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.truth if self.truth else None


@dataclass(frozen=True)
class CollusionScore:
    """Colluding validators simnet planted against those validator_mev_epochs flags."""

    epoch: int
    validators: int
    planted: frozenset[str]
    flagged: frozenset[str]

    @property
    def caught(self) -> int:
        return len(self.planted & self.flagged)

    @property
    def false_flags(self) -> int:
        return len(self.flagged - self.planted)


@dataclass
class MevEvaluation:
    """Scores per type and epoch, per type over all epochs, and the collusion flags."""

    epochs: list[int]
    scores: list[Score]
    collusion: list[CollusionScore] | None = None
    notes: list[str] = field(default_factory=list)

    def score(self, mev_type: str, epoch: int | None = None) -> Score:
        """Return one type's score for an epoch (None: all the evaluated epochs)."""
        for score in self.scores:
            if score.mev_type == mev_type and score.epoch == epoch:
                return score
        raise KeyError((mev_type, epoch))

    def render(self) -> str:
        """Return the accuracy table (and the collusion flags) as text."""

        def pct(value: float | None) -> str:
            return "-" if value is None else f"{value:.3f}"

        lines = [
            f"MEV detection vs simnet truth, epochs {', '.join(map(str, self.epochs))}",
            f"{'type':<24}{'epoch':>6}{'truth':>7}{'detected':>10}{'matched':>9}"
            f"{'precision':>11}{'recall':>8}",
        ]
        for s in self.scores:
            epoch = "all" if s.epoch is None else str(s.epoch)
            lines.append(
                f"{s.mev_type:<24}{epoch:>6}{s.truth:>7}{s.detected:>10}{s.matched:>9}"
                f"{pct(s.precision):>11}{pct(s.recall):>8}"
            )
        if self.collusion is not None:
            lines.append("")
            lines.append("colluding validators (flagged by validator_mev_epochs)")
            lines.append(
                f"{'epoch':>6}{'validators':>12}{'planted':>9}{'flagged':>9}"
                f"{'caught':>8}{'false flags':>13}"
            )
            for c in self.collusion:
                lines.append(
                    f"{c.epoch:>6}{c.validators:>12}{len(c.planted):>9}{len(c.flagged):>9}"
                    f"{c.caught:>8}{c.false_flags:>13}"
                )
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


def parse_epoch_list(spec: str) -> list[int]:
    """Turn "700", "700-705" or "700,702" into epochs."""
    epochs: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        low, dash, high = part.partition("-")
        if part.isdigit():
            epochs.add(int(part))
        elif dash and low.strip().isdigit() and high.strip().isdigit():
            epochs.update(range(int(low), int(high) + 1))
        else:
            raise EvalError(f"--epochs part {part!r} is not understood; use e.g. 700, 700-705")
    return sorted(epochs)


# Truth ------------------------------------------------------------------------------------------


def fetch_truth(simnet_url: str, epoch: int) -> dict[str, Any]:
    """GET simnet's /simnet/truth/mev for an epoch."""
    try:
        answer = httpx2.get(
            f"{simnet_url.rstrip('/')}/simnet/truth/mev", params={"epoch": epoch}, timeout=600
        )
    except httpx2.TransportError as err:
        raise EvalError(f"cannot reach simnet at {simnet_url}: {err}") from None
    if answer.status_code != 200:
        raise EvalError(
            f"simnet at {simnet_url} answered {answer.status_code} for the MEV truth of epoch "
            f"{epoch}: {answer.text[:200]}"
        )
    body: dict[str, Any] = answer.json()
    return body


def arbitrage_pays(event: dict[str, Any], fee_lamports: int | None) -> bool:
    """Whether a planted arbitrage paid by the mart's rule: net in its mint > 0, after fee and
    tip when that mint is SOL (an unknown fee counts as none)."""
    profit = int(event["profit_amount"])
    if event["profit_mint"] == WSOL:
        return profit - int(event["tip_lamports"]) - int(fee_lamports or 0) > 0
    return profit > 0


def truth_type(event: dict[str, Any], fees: dict[str, int]) -> str:
    """Return the type an evaluation files a planted event under."""
    if event["type"] == "arbitrage" and not arbitrage_pays(event, fees.get(event["signatures"][0])):
        return UNPROFITABLE
    return str(event["type"])


# Warehouse --------------------------------------------------------------------------------------


@contextmanager
def _connect(url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(url, connect_timeout=10) as conn:
        yield conn


def _relation_exists(conn: psycopg.Connection[Any], name: str) -> bool:
    row = conn.execute("select to_regclass(%s) is not null", (name,)).fetchone()
    return bool(row and row[0])


def _detected(
    conn: psycopg.Connection[Any], epochs: Sequence[int]
) -> dict[tuple[int, str], set[frozenset[str]]]:
    found: dict[tuple[int, str], set[frozenset[str]]] = {}
    rows = conn.execute(
        "select epoch, mev_type, signatures from marts.fct_mev_events where epoch = any(%s)",
        (list(epochs),),
    ).fetchall()
    if _relation_exists(conn, "intermediate.int_mev_unprofitable_arbitrage"):
        rows += [
            (epoch, UNPROFITABLE, signatures)
            for epoch, signatures in conn.execute(
                "select epoch, signatures from intermediate.int_mev_unprofitable_arbitrage "
                "where epoch = any(%s)",
                (list(epochs),),
            ).fetchall()
        ]
    for epoch, mev_type, signatures in rows:
        found.setdefault((int(epoch), str(mev_type)), set()).add(frozenset(signatures))
    return found


def _loaded_windows(conn: psycopg.Connection[Any], epochs: Sequence[int]) -> set[int]:
    rows = conn.execute(
        "select distinct slot / 4 * 4 from raw_solana.blocks "
        "where epoch = any(%s) and transactions_loaded",
        (list(epochs),),
    ).fetchall()
    return {int(row[0]) for row in rows}


def _fees(conn: psycopg.Connection[Any], signatures: Iterable[str]) -> dict[str, int]:
    rows = conn.execute(
        "select signature, fee from raw_solana.transactions where signature = any(%s)",
        (list(signatures),),
    ).fetchall()
    return {str(sig): int(fee) for sig, fee in rows}


def _mart_epochs(conn: psycopg.Connection[Any]) -> list[int]:
    rows = conn.execute(
        "select distinct epoch from raw_solana.blocks where transactions_loaded order by 1"
    ).fetchall()
    return [int(row[0]) for row in rows]


def _collusion(
    conn: psycopg.Connection[Any], truths: dict[int, dict[str, Any]]
) -> list[CollusionScore] | None:
    if not _relation_exists(conn, "marts.validator_mev_epochs"):
        return None
    # The flag's name: collusion_flag (issue 8's wording) or is_suspected_colluder.
    row = conn.execute(
        "select column_name from information_schema.columns where table_schema = 'marts' "
        "and table_name = 'validator_mev_epochs' "
        "and column_name in ('collusion_flag', 'is_suspected_colluder') order by column_name"
    ).fetchone()
    if row is None:
        return None
    flag_column = str(row[0])
    out = []
    for epoch, truth in sorted(truths.items()):
        rows = conn.execute(
            f"select vote_account, coalesce({flag_column}, false) "
            "from marts.validator_mev_epochs where epoch = %s",
            (epoch,),
        ).fetchall()
        planted = frozenset(str(v["vote_account"]) for v in truth["colluding_validators"])
        flagged = frozenset(str(vote) for vote, flag in rows if flag)
        out.append(CollusionScore(epoch, len(rows), planted, flagged))
    return out


# Evaluation -------------------------------------------------------------------------------------


def evaluate(
    warehouse_url: str, simnet_url: str, epochs: Sequence[int] | None = None
) -> MevEvaluation:
    """Compare fct_mev_events with simnet's truth for the epochs (default: every epoch whose
    transactions the warehouse holds)."""
    with _connect(warehouse_url) as conn:
        if not _relation_exists(conn, "marts.fct_mev_events"):
            raise EvalError(
                "the warehouse has no marts.fct_mev_events: run `mevhouse run` (or dbt build) first"
            )
        chosen = sorted(epochs) if epochs else _mart_epochs(conn)
        if not chosen:
            raise EvalError("the warehouse holds no loaded transactions: nothing to evaluate")
        truths = {epoch: fetch_truth(simnet_url, epoch) for epoch in chosen}
        windows = _loaded_windows(conn, chosen)
        events = {
            epoch: [
                e for e in truth["events"] if e["slot"] - e["slot"] % SLOTS_PER_WINDOW in windows
            ]
            for epoch, truth in truths.items()
        }
        arbitrage_sigs = [
            e["signatures"][0] for es in events.values() for e in es if e["type"] == "arbitrage"
        ]
        fees = _fees(conn, arbitrage_sigs)
        detected = _detected(conn, chosen)
        collusion = _collusion(conn, truths)
    planted: dict[tuple[int, str], set[frozenset[str]]] = {}
    for epoch, es in events.items():
        for e in es:
            planted.setdefault((epoch, truth_type(e, fees)), set()).add(frozenset(e["signatures"]))
    scores = []
    for mev_type in (*MEV_TYPES, UNPROFITABLE):
        totals = [0, 0, 0]
        for epoch in chosen:
            t = planted.get((epoch, mev_type), set())
            d = detected.get((epoch, mev_type), set())
            score = Score(mev_type, epoch, len(t), len(d), len(t & d))
            scores.append(score)
            totals = [
                totals[0] + score.truth,
                totals[1] + score.detected,
                totals[2] + score.matched,
            ]
        scores.append(Score(mev_type, None, *totals))
    notes = [
        "arbitrage: planted attempts whose net (after fee and tip when in SOL) is positive; "
        f"{UNPROFITABLE}: the others, against intermediate.int_mev_unprofitable_arbitrage",
    ]
    for epoch in chosen:
        if not any(planted.get((epoch, t)) for t in (*MEV_TYPES, UNPROFITABLE)) and any(
            detected.get((epoch, t)) for t in (*MEV_TYPES, UNPROFITABLE)
        ):
            notes.append(
                f"epoch {epoch}: simnet planted nothing in the loaded leader windows: is this the "
                "cluster (profile, seed, simnet URL) the warehouse was loaded from?"
            )
    if collusion is None:
        notes.append(
            "marts.validator_mev_epochs (with collusion_flag or is_suspected_colluder) is "
            "absent: colluding validators not evaluated"
        )
    return MevEvaluation(chosen, scores, collusion, notes)


@contextmanager
def simnet_truth_source(simnet_url: str | None, profile: str, seed: int) -> Iterator[str]:
    """The given simnet URL, or a simnet started in-process with the profile and seed (the
    cluster `mevhouse run` loads from with the same profile and seed)."""
    if simnet_url:
        yield simnet_url
        return
    from simnet.server import start_simnet

    with start_simnet(profile, seed=seed) as sim:
        yield sim.url
