"""The run summary lists tables with rows, and quarantine only where it holds rows."""

from orchestration.summary import Summary


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
