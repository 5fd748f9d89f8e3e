# The targets are the commands the README shows. Each one sets up .venv first if it is missing
# or older than pyproject.toml, so a fresh clone needs nothing but Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every dependency (dev extra included) pinned with hashes; `make lock` regenerates it.
LOCK := requirements.lock

.PHONY: install lock audit run test lint ui bench clean

install: $(STAMP)

$(STAMP): pyproject.toml simnet/pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e . -e ./simnet
	touch $(STAMP)

# After changing dependencies in pyproject.toml: resolve them all (uv.lock, every platform and
# Python 3.11+), then write the pinned, hashed list pip installs.
lock:
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv==0.13.8; }
	$(BIN)/uv lock --quiet
	$(BIN)/uv export --frozen --all-extras --no-emit-workspace --quiet -o $(LOCK)

# Known vulnerabilities in the locked set, from the OSV database (needs network access to
# api.osv.dev, or AUDIT_ARGS="--service-url <a mirror>").
audit: $(STAMP)
	$(BIN)/uv audit --preview --frozen $(AUDIT_ARGS)

run: $(STAMP)
	$(BIN)/mevhouse run

# PYTEST_ARGS adds pytest options, e.g. `make test PYTEST_ARGS="--durations=20"` (CI does).
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check orchestration ingestion simnet expectations tests bench
	$(BIN)/ruff format --check orchestration ingestion simnet expectations tests bench
	$(BIN)/mypy
	# sqlfluff's dbt templater compiles models, which needs a reachable warehouse.
	eval "$$($(BIN)/mevhouse warehouse env)" && cd dbt_project && ../$(BIN)/sqlfluff lint models

ui: $(STAMP)
	$(BIN)/mevhouse ui

# Every bench/*.py with a main(); `make bench BENCH="simnet_getblock"` runs only the named ones.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH)

clean:
	-$(BIN)/mevhouse warehouse stop
	rm -rf $(VENV) .mevhouse
