"""`mevhouse eval dex`: the per-shape scoring (its help and errors: test_eval_cli.py).

The evaluation against a loaded warehouse runs in tests/dbt/test_dex_swaps_simnet.py (it needs
the shared simnet_warehouse fixture).
"""

from __future__ import annotations

from simnet.eval_dex import UNPLANTED, DexEvaluation, ShapeScore, score_shapes


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
