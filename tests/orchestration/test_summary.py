"""The run summary lists tables with rows, and quarantine only where it holds rows."""

from datetime import date
from decimal import Decimal

import psycopg

from orchestration.summary import FLAGGED_VALIDATORS, Summary


def summary(rows: dict[str, int]) -> list[str]:
    run = Summary(epochs=[5], table_rows=rows, checks_passed=3, checks_failed=0)
    return run.render().split("\n")


def test_empty_quarantine_is_one_line():
    lines = summary({"quarantine.raw_solana__blocks": 0, "quarantine.raw_jito__validators": 0})
    assert "  quarantine: no rows in its 2 tables" in lines
    assert not any("raw_solana__blocks" in line for line in lines)


def test_quarantined_rows_are_listed_and_empty_raw_tables_kept():
    lines = summary(
        {"quarantine.raw_solana__blocks": 2, "quarantine.raw_jito__validators": 0, "raw_jito.x": 0}
    )
    assert any(line.split() == ["quarantine.raw_solana__blocks", "2"] for line in lines)
    assert not any("raw_jito__validators" in line or "no rows in" in line for line in lines)
    assert any(line.split() == ["raw_jito.x", "0"] for line in lines)


def test_market_and_mev_sections():
    run = Summary(
        epochs=[4, 5],
        table_rows={},
        checks_passed=1,
        checks_failed=0,
        top_pairs=[
            (date(2026, 11, 22), "SOL/USDC", Decimal("1234567.8"), 900, 4, 12.34, 40.0),
            (date(2026, 11, 22), "WIF/SOL", None, 12, 1, None, None),
        ],
        mev_by_type=[("sandwich", 3, Decimal("2500000000"), 1_000_000)],
        top_searchers=[("S" * 44, 3, Decimal("2500000000"), 1_000_000)],
        flagged_validators=[],
    )
    lines = run.render().split("\n")
    assert "top pairs by volume, 2026-11-22 (UTC):" in lines
    assert any(line.split()[:4] == ["SOL/USDC", "1,234,568", "900", "4"] for line in lines)
    assert any("WIF/SOL" in line and "- (one DEX)" in line for line in lines)
    assert "12.3 avg, 40.0 max" in run.render()
    assert any(line.split() == ["sandwich", "3", "2.500", "0.001"] for line in lines)
    assert "validators flagged for sandwich collusion: none" in lines


def test_volume_by_venue_says_the_unknown_share():
    run = Summary(
        epochs=[5],
        table_rows={},
        checks_passed=1,
        checks_failed=0,
        volume_by_venue=[
            ("raydium_amm_v4", 6, Decimal("900"), 1),
            ("unknown", 2, Decimal("100"), 0),
            ("obric_v2", 2, None, 2),
        ],
    )
    lines = run.render().split("\n")
    assert "swap legs by venue, epochs 5:" in lines
    assert any(line.split() == ["raydium_amm_v4", "6", "900", "1"] for line in lines)
    assert any(line.split() == ["obric_v2", "2", "-", "2"] for line in lines)
    assert any(
        line.endswith("20.0% of legs, 10.0% of priced volume") and "unknown venues" in line
        for line in lines
    )


def test_sections_absent_when_their_marts_were_not_built():
    text = summary({"raw_jito.x": 1})
    assert "top pairs" not in "\n".join(text) and "sandwich collusion" not in "\n".join(text)


def test_a_profile_with_no_eligible_validator_says_so():
    run = Summary(
        epochs=[5],
        table_rows={},
        checks_passed=1,
        checks_failed=0,
        top_scores=[
            ("balanced", 1, "A" * 44, Decimal("91.20"), "Score 91.2: strong voting"),
            ("balanced", 2, "B" * 44, None, "unknown: credits"),
            ("stakenet", None, None, None, None),
        ],
    )
    lines = run.render().split("\n")
    assert "  balanced:" in lines and "  stakenet: none eligible" in lines
    assert any(line.split()[:3] == ["2.", "B" * 44, "?"] for line in lines)
    assert not any("stakenet:" in line and "none" not in line for line in lines)


def test_flagged_validators_listed_by_q_value(warehouse_url):
    """The strongest evidence first: by q-value, not by the sandwich-rate bound."""
    with psycopg.connect(warehouse_url) as conn:
        conn.execute(
            "create schema marts; create table marts.validator_mev_epochs (epoch int, "
            "vote_account text, window_loaded_blocks int, window_sandwich_block_rate numeric, "
            "collusion_q_value numeric, window_cluster_sandwich_block_rate numeric, "
            "sandwich_rate_lower_bound numeric, is_suspected_colluder boolean)"
        )
        conn.execute(
            "insert into marts.validator_mev_epochs values "
            "(5, 'A', 400, 0.30, 0.04, 0.02, 0.20, true), "
            "(5, 'B', 300, 0.10, 0.001, 0.02, 0.05, true), "
            "(5, 'C', 300, 0.50, null, 0.02, 0.40, false)"
        )
        rows = conn.execute(FLAGGED_VALIDATORS, {"epochs": [5]}).fetchall()
    assert [row[1] for row in rows] == ["B", "A"]
    run = Summary(epochs=[5], table_rows={}, checks_passed=1, checks_failed=0)
    run.flagged_validators = rows
    lines = run.render().split("\n")
    first = next(i for i, line in enumerate(lines) if " B " in line)
    assert "q-value 0.001" in lines[first] and "10.0% of 300 blocks" in lines[first]
    assert " A " in lines[first + 1]
