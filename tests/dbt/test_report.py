"""The epoch report on the simnet warehouse: every section, charts inline, nothing fetched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from simnet_warehouse import EPOCHS, LoadedWarehouse

from orchestration.cli import main
from orchestration.report.build import write_report

EPOCH = EPOCHS[-1]
SECTIONS = [
    "Stake concentration over epochs",
    "Top 5 validators per scoring profile",
    "MEV events by type over epochs",
    "Top 10 searchers by profit",
    "Validators flagged for collusion with sandwich searchers",
    "Top 10 pairs by USD volume, with cross-DEX spread",
]


def test_report_has_every_section_from_the_marts(simnet_warehouse: LoadedWarehouse, tmp_path):
    wh = simnet_warehouse
    path = Path(write_report(wh.url, str(tmp_path), EPOCH).removeprefix("file://"))
    assert path == tmp_path / "reports" / f"epoch={EPOCH}" / "report.html"
    page = path.read_text()
    assert re.findall(r"<h2>(.*?)</h2>", page) == SECTIONS
    # matplotlib's charts are inline SVG; nothing is loaded from elsewhere.
    assert page.count("<svg") == 3
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page
    # The numbers are the marts': every epoch's Nakamoto coefficient, the top searcher, each
    # flagged validator, each profile's leader and the top pair.
    for epoch, nakamoto in wh.query(
        "select epoch, nakamoto_coefficient from marts.cluster_epochs where epoch <= %s", EPOCH
    ):
        assert f'<td class="n">{epoch:,}</td>' in page and f">{nakamoto:,}<" in page
    [(searcher,)] = wh.query(
        "select searcher from marts.searcher_epochs where epoch = %s "
        "order by profit_lamports desc nulls last, searcher limit 1",
        EPOCH,
    )
    assert searcher in page
    flagged = wh.query(
        "select vote_account from marts.validator_mev_epochs "
        "where epoch = %s and is_suspected_colluder",
        EPOCH,
    )
    assert flagged, "the simnet cluster plants colluders: some must be flagged"
    assert all(vote_account in page for (vote_account,) in flagged)
    for _profile, vote_account in wh.query(
        "select profile, vote_account from marts.validator_scores where epoch = %s and rank = 1",
        EPOCH,
    ):
        assert vote_account in page
    [(pair,)] = wh.query(
        "select pair from marts.market_pair_daily "
        "where first_epoch <= %s and last_epoch >= %s "
        "group by pair order by sum(volume_usd) desc nulls last, pair limit 1",
        EPOCH,
        EPOCH,
    )
    assert f"<td>{pair}</td>" in page


def test_report_command(
    simnet_warehouse: LoadedWarehouse,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    monkeypatch.setenv("MEVHOUSE_WAREHOUSE_URL", simnet_warehouse.url)
    monkeypatch.setenv("MEVHOUSE_EXPORT_URL", str(tmp_path / "out"))
    assert main(["report", "--epoch", str(EPOCHS[0])]) == 0
    written = tmp_path / "out" / "reports" / f"epoch={EPOCHS[0]}" / "report.html"
    assert capsys.readouterr().out.strip().endswith(str(written))
    assert written.is_file()
    assert main(["report", "--epoch", "40"]) == 2
    assert "epoch 40 is not in the marts" in capsys.readouterr().err
