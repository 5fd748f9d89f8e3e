"""Slot ranges of one epoch: parsing, the claim decision, and coverage (pure, no database)."""

from __future__ import annotations

import pytest

from ingestion.blocks import BlocksConfig
from ingestion.blocks.ranges import Claim, coverage, decide, parse_slot_range

EPOCH = range(512, 1024)


def test_a_slot_range_is_inclusive_and_holds_whole_leader_windows():
    assert parse_slot_range("512-767") == range(512, 768)
    for bad in ("512-766", "513-767", "767-512", "512", "a-b", "512-"):
        with pytest.raises(ValueError):
            parse_slot_range(bad)
    with pytest.raises(ValueError, match="whole 4-slot windows"):
        BlocksConfig(slots=range(512, 766))


def test_disjoint_ranges_load_and_an_overlap_is_refused_naming_the_holder():
    first = Claim("p_512_767", range(512, 768))
    assert decide([first], EPOCH, "p_768_1023", range(768, 1024)) == "load"
    # Rerunning a claimed range resumes it.
    assert decide([first], EPOCH, "p_512_767", range(512, 768)) == "load"
    with pytest.raises(ValueError, match=r"overlap.*512-767 \(p_512_767\)"):
        decide([first], EPOCH, "p_764_799", range(764, 800))
    # The whole-epoch load holds every slot: no range may start beside it.
    whole = Claim("p", EPOCH)
    with pytest.raises(ValueError, match="overlap"):
        decide([whole], EPOCH, "p_768_1023", range(768, 1024))
    with pytest.raises(ValueError, match="not within the epoch"):
        decide([], EPOCH, "p_1020_1027", range(1020, 1028))


def test_a_whole_epoch_load_gathers_an_epoch_loaded_in_ranges():
    assert decide([], EPOCH, "p", None) == "load"
    assert decide([Claim("p", EPOCH)], EPOCH, "p", None) == "load"
    assert decide([Claim("p_512_767", range(512, 768))], EPOCH, "p", None) == "gather"


def test_coverage_names_the_loaded_and_the_missing_slots():
    done = [range(768, 900), range(512, 600), range(600, 640)]
    covered = coverage(1, EPOCH, done)
    assert covered.loaded == [range(512, 640), range(768, 900)]
    assert covered.missing == [range(640, 768), range(900, 1024)]
    assert covered.describe() == "epoch 1: loaded 512-639, 768-899; missing 640-767, 900-1023"
    assert coverage(1, EPOCH, [range(512, 768), range(768, 1024)]).complete
    assert coverage(1, EPOCH, [range(512, 512)]).missing == [EPOCH]
