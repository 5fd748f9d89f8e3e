"""`mevhouse eval dex`: its help, its one-line errors, and the per-shape scoring.

The evaluation against a loaded warehouse runs in tests/dbt/test_dex_swaps_simnet.py (it needs
the shared simnet_warehouse fixture).
"""

from __future__ import annotations

from simnet.eval_dex import UNPLANTED, DexEvaluation, ShapeScore, score_shapes
from tests.orchestration.in_process import help_text, mevhouse_in_process


def test_help_explains_the_options():
    text = help_text("eval", "dex")
    for expected in ("--epochs", "--simnet-url", "--profile", "--seed", "precision", "shape"):
        assert expected in text
    assert "dex" in help_text("eval")


def test_warehouse_without_the_mart_is_one_clear_line(warehouse_url, tmp_path):
    # The mart check comes first: the simnet URL (nothing listens on port 9) is never asked.
    result = mevhouse_in_process(
        "eval",
        "dex",
        "--simnet-url",
        "http://127.0.0.1:9",
        env={"MEVHOUSE_WAREHOUSE_URL": warehouse_url, "MEVHOUSE_HOME": str(tmp_path)},
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("mevhouse: error: the warehouse has no marts.fct_dex_trades")


def test_scores_per_shape_count_wrong_values_and_unplanted_finds():
    truth = {"a": 1, "b": 2, "c": 3}
    found = {"a": 1, "b": 5, "x": 9}  # b decoded wrong, c missed, x where nothing was planted
    shape_of = {"a": "split_route", "b": "split_route", "c": "curve_sell"}
    scores = {s.shape: s for s in score_shapes(truth, found, shape_of)}
    assert scores == {
        "curve_sell": ShapeScore("curve_sell", 1, 0, 0),
        "split_route": ShapeScore("split_route", 2, 2, 1),
        UNPLANTED: ShapeScore(UNPLANTED, 0, 1, 0),
    }
    assert (scores["split_route"].precision, scores["split_route"].recall) == (0.5, 0.5)
    assert (scores["curve_sell"].precision, scores[UNPLANTED].recall) == (None, None)
    table = DexEvaluation([1], list(scores.values()), []).render()
    assert "split_route" in table and "0.500" in table
