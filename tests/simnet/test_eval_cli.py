"""`mevhouse eval mev` and `mevhouse eval dex`: their help and their one-line errors.

Each evaluation's scoring is tested beside it (test_eval_mev.py, test_eval_dex.py); against a
loaded warehouse, in tests/dbt (they need the shared simnet_warehouse fixture).
"""

from __future__ import annotations

import pytest

from tests.orchestration.in_process import help_text, mevhouse_in_process

# Each evaluation, a word its help must explain, and the mart it reads.
EVALUATIONS = [("mev", "recall", "fct_mev_events"), ("dex", "shape", "fct_dex_trades")]


@pytest.mark.parametrize(("what", "word", "mart"), EVALUATIONS)
def test_help_explains_the_options(what: str, word: str, mart: str) -> None:
    text = help_text("eval", what)
    for expected in ("--epochs", "--simnet-url", "--profile", "--seed", "precision", word):
        assert expected in text
    assert what in help_text("eval")


@pytest.mark.parametrize(("what", "word", "mart"), EVALUATIONS)
def test_warehouse_without_the_mart_is_one_clear_line(
    what: str, word: str, mart: str, warehouse_url: str, tmp_path
) -> None:
    # The mart check comes first: the simnet URL (nothing listens on port 9) is never asked.
    result = mevhouse_in_process(
        "eval",
        what,
        "--simnet-url",
        "http://127.0.0.1:9",
        env={"MEVHOUSE_WAREHOUSE_URL": warehouse_url, "MEVHOUSE_HOME": str(tmp_path)},
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"mevhouse: error: the warehouse has no marts.{mart}")
    assert "Traceback" not in result.stderr
