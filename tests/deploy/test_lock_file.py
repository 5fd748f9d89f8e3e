"""requirements.lock pins every declared dependency, with hashes, at a version it allows."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)")


def _locked() -> dict[str, tuple[str, int]]:
    """Name -> (version, number of hashes) for each pin in requirements.lock."""
    pins: dict[str, tuple[str, int]] = {}
    name = ""
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match[1])
            pins[name] = (match[2], 0)
        elif line.strip().startswith("--hash=sha256:") and name:
            version, hashes = pins[name]
            pins[name] = (version, hashes + 1)
    return pins


def test_every_declared_dependency_is_pinned_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [
        Requirement(r)
        for r in [
            *project["dependencies"],
            *(r for extra in project["optional-dependencies"].values() for r in extra),
        ]
    ]
    # An extra may name the project's other extras (mevhouse[deploy]): those are expanded here;
    # the workspace's own packages (simnet/) are installed from the checkout, not the lock.
    sources = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["sources"]
    ours = {project["name"], *(n for n, source in sources.items() if source.get("workspace"))}
    declared = [r for r in declared if canonicalize_name(r.name) not in ours]
    locked = _locked()
    missing = [str(r) for r in declared if canonicalize_name(r.name) not in locked]
    assert not missing, f"not in requirements.lock (run `make lock`): {missing}"
    for requirement in declared:
        version, hashes = locked[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version, prereleases=True), (requirement, version)
        assert hashes >= 1, requirement
    # ... and `make install` installs exactly that set, refusing anything unhashed.
    assert "pip install --quiet --require-hashes -r $(LOCK)" in (ROOT / "Makefile").read_text()
