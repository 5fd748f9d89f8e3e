"""`mevhouse eval mev`: its epoch option and the pure parts of the evaluation (its help and
mart error: test_eval_cli.py).

The evaluation against a loaded warehouse runs in tests/dbt/test_mev_events.py (it needs the
shared simnet_warehouse fixture).
"""

from __future__ import annotations

import pytest

from simnet.eval_mev import (
    DOCS_BEGIN,
    DOCS_END,
    LOSING_SANDWICH,
    UNPROFITABLE,
    WSOL,
    CollusionScore,
    EvalError,
    MevEvaluation,
    Score,
    arbitrage_pays,
    decoy_scores,
    parse_epoch_list,
    replace_generated_section,
    truth_type,
)
from tests.orchestration.in_process import mevhouse_in_process


def test_bad_epochs_are_one_clear_line(tmp_path):
    result = mevhouse_in_process(
        "eval", "mev", "--epochs", "last:3", env={"MEVHOUSE_HOME": str(tmp_path)}
    )
    assert result.returncode == 2
    assert "--epochs part 'last:3' is not understood" in result.stderr


def test_parse_epoch_list():
    assert parse_epoch_list("2") == [2]
    assert parse_epoch_list("3-5, 1") == [1, 3, 4, 5]
    with pytest.raises(EvalError):
        parse_epoch_list("x")


def _arbitrage(mint: str, profit: int, tip: int, lamports: int = 0) -> dict[str, object]:
    return {
        "type": "arbitrage",
        "signatures": ["sig"],
        "profit_mint": mint,
        "profit_amount": profit,
        "profit_lamports": lamports,
        "tip_lamports": tip,
    }


def test_truth_arbitrages_split_by_the_marts_rule():
    # Fee and tip come out of the gain in lamports, whatever the cycle's mint.
    assert arbitrage_pays(_arbitrage(WSOL, 20_000, 10_000), 5_000)
    assert not arbitrage_pays(_arbitrage(WSOL, 20_000, 10_000), 10_000)
    assert arbitrage_pays(_arbitrage("USDC", 1_000, 10_000, lamports=20_000), 5_000)
    assert not arbitrage_pays(_arbitrage("USDC", 1_000, 10_000, lamports=12_000), 5_000)
    assert truth_type(_arbitrage(WSOL, 20_000, 19_000), {"sig": 5_000}) == UNPROFITABLE
    assert truth_type(_arbitrage(WSOL, 20_000, 1_000), {"sig": 5_000}) == "arbitrage"
    sandwich = {"type": "sandwich", "signatures": ["a"], "profit_amount": 5}
    assert truth_type(sandwich, {}) == "sandwich"
    # A sandwich whose back-run returned no more than the front-run paid is not one by the rule.
    assert truth_type({**sandwich, "profit_amount": 0}, {}) == LOSING_SANDWICH


def test_scores_and_table():
    score = Score("sandwich", 1, truth=50, detected=48, matched=47)
    assert score.precision == pytest.approx(47 / 48)
    assert score.recall == pytest.approx(47 / 50)
    empty = Score("liquidation", 1, truth=0, detected=0, matched=0)
    assert empty.precision is None and empty.recall is None
    table = MevEvaluation([1], [score, empty]).render()
    assert "sandwich" in table and "0.979" in table and "0.940" in table


def test_markdown_goes_into_the_generated_section_only():
    collusion = CollusionScore(1, 16, frozenset({"a", "b"}), frozenset({"a", "c"}))
    result = MevEvaluation([1], [Score("sandwich", 1, truth=50, detected=48, matched=47)])
    result.collusion = [collusion]
    table = result.markdown()
    assert "| sandwich | 1 | 50 | 48 | 47 | 0.979 | 0.940 |" in table
    assert "| 1 | 16 | 2 | 2 | 1 | 1 |" in table
    document = f"# MEV\n\nbefore\n{DOCS_BEGIN}\nold table\n{DOCS_END}\nafter\n"
    rewritten = replace_generated_section(document, table)
    assert "old table" not in rewritten and table in rewritten
    assert rewritten.startswith("# MEV\n\nbefore\n") and rewritten.endswith("after\n")
    # Twice gives the same file.
    assert replace_generated_section(rewritten, table) == rewritten
    with pytest.raises(EvalError, match="no generated section"):
        replace_generated_section("# MEV\n", table)


def test_a_decoy_counts_as_flagged_when_an_event_holds_both_its_ends():
    """Whatever type the detector gave it; an event holding one end only does not fool it."""
    decoy = {"type": "decoy", "decoy": "round_trip", "signatures": ["buy", "other", "sell"]}
    organic = {"type": "decoy", "decoy": "organic", "signatures": ["big", "small", "back"]}
    events = {
        1: [decoy, organic, {"type": "sandwich", "decoy": None, "signatures": ["f", "v", "b"]}],
        2: [{**decoy, "signatures": ["b2", "o2", "s2"]}],
    }
    detected = {
        (1, "sandwich"): {frozenset({"buy", "other", "sell"}), frozenset({"f", "v", "b"})},
        (1, "backrun"): {frozenset({"big", "x"})},
        (2, "arbitrage"): {frozenset({"b2", "s2"})},
    }
    scores = {
        (d.kind, d.epoch): (d.planted, d.flagged) for d in decoy_scores([1, 2], events, detected)
    }
    assert scores == {
        ("organic", 1): (1, 0),
        ("organic", 2): (0, 0),
        ("organic", None): (1, 0),
        ("round_trip", 1): (1, 1),
        ("round_trip", 2): (1, 1),
        ("round_trip", None): (2, 2),
    }
