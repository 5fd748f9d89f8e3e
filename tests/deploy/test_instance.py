"""deploy/dagster.yaml is a valid production instance: storage, queue, pools, launcher."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from dagster_k8s import K8sRunLauncher

from tests.deploy.local_stack import DEPLOY, local_config, read_yaml, storage_env, write_home

KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: test, user: {token: unused}}]
contexts: [{name: test, context: {cluster: test, user: test}}]
current-context: test
"""


@pytest.fixture
def storage(warehouse_url, monkeypatch) -> None:
    for name, value in storage_env(warehouse_url).items():
        monkeypatch.setenv(name, value)


def test_production_instance_loads_with_the_local_launcher(storage, tmp_path):
    instance = dg.DagsterInstance.from_config(str(write_home(tmp_path, local_config())))
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    assert type(instance.run_launcher).__name__ == "DefaultRunLauncher"
    # The storage is the PostgreSQL of the environment: it answers.
    assert instance.get_runs() == []

    config = instance.get_concurrency_config()
    queue = config.run_queue_config
    assert queue is not None and queue.max_concurrent_runs == 4
    assert {(t["key"], str(t.get("value")), t["limit"]) for t in queue.tag_concurrency_limits} == {
        ("dagster/partition", "{'applyLimitPerUniqueValue': True}", 1),
        ("mevhouse/transforms", "in-order", 1),
    }
    assert config.pool_config.default_pool_limit == 1
    assert config.pool_config.pool_granularity is not None
    assert config.pool_config.pool_granularity.value == "op"

    assert instance.run_monitoring_enabled
    assert instance.run_monitoring_max_runtime_seconds == 86_400
    assert instance.run_retries_enabled and instance.run_retries_max_retries == 2
    assert not instance.run_retries_retry_on_asset_or_op_failure


def _k8s_instance(home: Path, **overrides: object) -> dg.DagsterInstance:
    """deploy/dagster.yaml as is, but pointed at a kubeconfig file instead of the pod's account."""
    config = read_yaml(DEPLOY / "dagster.yaml")
    kubeconfig = home / "kubeconfig"
    kubeconfig.parent.mkdir(parents=True, exist_ok=True)
    kubeconfig.write_text(KUBECONFIG)
    config["run_launcher"]["config"].update(
        load_incluster_config=False, kubeconfig_file=str(kubeconfig), **overrides
    )
    return dg.DagsterInstance.from_config(str(write_home(home, config)))


def test_k8s_launcher_config_validates_against_dagster_k8s(storage, tmp_path):
    launcher = _k8s_instance(tmp_path).run_launcher
    assert isinstance(launcher, K8sRunLauncher)
    assert launcher.job_namespace == "mevhouse"
    assert launcher.env_secrets == ["mevhouse-secrets"]
    assert launcher.env_config_maps == ["mevhouse-config"]
    assert launcher.instance_config_map == "mevhouse-dagster-instance"
    resources = launcher.run_k8s_config["container_config"]["resources"]
    assert resources["requests"] == {"cpu": "1", "memory": "1Gi"}

    # The schema is really applied: a key dagster-k8s does not know is refused.
    with pytest.raises(dg.DagsterInvalidConfigError, match="job_namespce"):
        _ = _k8s_instance(tmp_path / "typo", job_namespce="mevhouse").run_launcher


def test_compose_instance_is_production_with_the_default_launcher():
    production = read_yaml(DEPLOY / "dagster.yaml")
    compose = read_yaml(DEPLOY / "compose" / "dagster.yaml")
    assert "run_launcher" not in compose
    del production["run_launcher"]
    assert compose == production
