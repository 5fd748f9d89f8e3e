"""The Helm values, compose file and Dockerfile name only images, ports, modules and secrets that
exist in the project, and repeat deploy/dagster.yaml where they restate it."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest

from tests.deploy.local_stack import DEPLOY, REPO, read_yaml

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
IMAGE = f"mevhouse:{PYPROJECT['project']['version']}"
MODULE = PYPROJECT["tool"]["dagster"]["module_name"]
DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
DEPLOY_DOC = (REPO / "docs" / "deploy.md").read_text()
GRPC_PORT = int(re.search(r"^EXPOSE (\d+)$", DOCKERFILE, re.M).group(1))  # type: ignore[union-attr]
# Where the project reads its environment: a documented variable must be read by one of them.
READERS = [
    REPO / "orchestration" / "settings.py",
    DEPLOY / "dagster.yaml",
    DEPLOY / "compose.yaml",
]


def _walk(node: Any, key: str) -> list[Any]:
    """Every value under `key`, at any depth."""
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                found.append(v)
            found += _walk(v, key)
    elif isinstance(node, list):
        for item in node:
            found += _walk(item, key)
    return found


def _read_somewhere(variable: str) -> bool:
    return any(variable in path.read_text() for path in READERS)


@pytest.fixture(scope="module")
def helm() -> dict[str, Any]:
    return read_yaml(DEPLOY / "helm" / "values.yaml")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return read_yaml(DEPLOY / "compose.yaml")


def test_dockerfile_builds_a_non_root_grpc_code_location():
    assert len(re.findall(r"^FROM ", DOCKERFILE, re.M)) >= 2
    user = re.findall(r"^USER (\S+)$", DOCKERFILE, re.M)
    assert user and user[-1] not in {"0", "root"}
    assert '"dagster", "api", "grpc", "--module-name", "' + MODULE + '"' in DOCKERFILE
    assert f'"--port", "{GRPC_PORT}"' in DOCKERFILE
    copied = set(re.findall(r"^COPY (?!--from)(\S+) ", DOCKERFILE, re.M))
    packages = {
        p.removesuffix("*") for p in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    assert packages | {"dbt_project", "deploy/sql"} <= copied
    # The manifest is parsed while building, by the function the code location loads it with.
    assert "from orchestration.assets.dbt import dbt_project; dbt_project()" in DOCKERFILE


def test_helm_values_name_our_image_port_and_module(helm):
    images = _walk(helm, "image")
    assert images, "no image in the values"
    assert {f"{i['repository']}:{i['tag']}" for i in images} == {IMAGE}
    (deployment,) = helm["dagster-user-deployments"]["deployments"]
    assert deployment["port"] == GRPC_PORT
    assert deployment["dagsterApiGrpcArgs"] == ["--module-name", MODULE]


def test_helm_values_take_secrets_from_kubernetes_secrets_only(helm):
    secret_names = {secret["name"] for found in _walk(helm, "envSecrets") for secret in found}
    secret_names.add(helm["global"]["postgresqlSecretName"])
    # Every secret the values mention is one docs/deploy.md tells the operator to create.
    created = set(re.findall(r"create secret generic (\S+)", DEPLOY_DOC))
    assert secret_names == created
    # ... and every key put in them is a variable the project reads.
    keys = re.findall(r"--from-literal=([A-Za-z_-]+)=", DEPLOY_DOC)
    assert keys and all(_read_somewhere(k) or k == "postgresql-password" for k in keys)
    assert helm["generatePostgresqlPasswordSecret"] is False
    text = (DEPLOY / "helm" / "values.yaml").read_text()
    assert not re.search(r"(?i)password:\s*\S", text)
    assert not re.search(r"://[^/\s:@]+:[^/\s@]+@", text), "credentials in a URL"


def test_helm_values_restate_the_production_instance(helm):
    production = read_yaml(DEPLOY / "dagster.yaml")
    extra = helm["additionalInstanceConfig"]
    assert extra == {
        k: production[k] for k in ("concurrency", "run_monitoring", "run_retries", "nux")
    }
    launcher = helm["runLauncher"]["config"]["k8sRunLauncher"]
    k8s = production["run_launcher"]["config"]
    assert launcher["resources"] == k8s["run_k8s_config"]["container_config"]["resources"]
    assert [s["name"] for s in launcher["envSecrets"]] == k8s["env_secrets"]
    assert [c["name"] for c in launcher["envConfigMaps"]] == k8s["env_config_maps"]
    assert (
        helm["postgresql"]["postgresqlScheme"]
        == production["storage"]["postgres"]["postgres_db"]["scheme"]
    )


def test_compose_names_our_image_files_and_ports(compose):
    services = compose["services"]
    assert {s["image"] for s in services.values()} == {IMAGE, "postgres:18"}
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (DEPLOY / source).is_file(), f"{source} does not exist"
    assert f'--port", "{GRPC_PORT}' in (DEPLOY / "compose.yaml").read_text().replace("'", '"')
    assert MODULE in services["code"]["command"]
    (location,) = read_yaml(DEPLOY / "compose" / "workspace.yaml")["load_from"]
    assert location["grpc_server"] == {
        "host": "code",
        "port": GRPC_PORT,
        "location_name": "mevhouse",
    }
    # The UI is published on loopback only.
    assert services["webserver"]["ports"] == ["127.0.0.1:3000:3000"]


def test_compose_secrets_come_from_an_ignored_env_file(compose):
    assert {s.get("env_file") for s in compose["services"].values()} <= {"mevhouse.env", None}
    assert "deploy/mevhouse.env" in (REPO / ".gitignore").read_text().splitlines()
    example = (DEPLOY / "mevhouse.env.example").read_text()
    variables = re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.M)
    postgres_image = {"POSTGRES_PASSWORD"}
    assert all(_read_somewhere(v) or v in postgres_image for v in variables)
    # Every variable the one-host instance reads is set, by compose or by the env file.
    wanted = {v for v in _walk(read_yaml(DEPLOY / "compose" / "dagster.yaml"), "env")}
    given = set(compose["x-mevhouse"]["environment"]) | set(variables)
    assert wanted <= given


def test_documented_files_exist():
    for path in re.findall(r"`(deploy/[\w./-]+)`", DEPLOY_DOC):
        assert (REPO / path).exists() or path == "deploy/mevhouse.env", path
