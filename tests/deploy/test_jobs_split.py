"""The load and transform jobs split the epoch job's graph, and only transforms are serialised."""

from orchestration.definitions import build_definitions
from orchestration.jobs import IN_ORDER_TAG


def _keys(job) -> set[str]:
    return {key.to_user_string() for key in job.asset_layer.selected_asset_keys}


def test_load_and_transform_jobs_split_the_epoch_job():
    defs = build_definitions()
    whole, load, transform = (
        defs.resolve_job_def(name)
        for name in ("epoch_job", "epoch_load_job", "epoch_transform_job")
    )
    assert _keys(load) and _keys(transform)
    assert _keys(load) | _keys(transform) == _keys(whole)
    assert not _keys(load) & _keys(transform)
    assert all(key.startswith("raw/") for key in _keys(load))
    # The load job gates what it loads: every raw table's Great Expectations check runs in it.
    checks = {
        key.asset_key.to_user_string() for key in load.asset_layer.asset_graph.asset_check_keys
    }
    assert checks >= _keys(load)
    # Transforms (alone or in the whole job) carry the tag the run queue serialises; loads do not.
    for job in (whole, transform):
        assert IN_ORDER_TAG.items() <= job.tags.items()
    assert not IN_ORDER_TAG.keys() & load.tags.keys()
