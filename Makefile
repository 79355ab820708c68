# Sidecar — see README.md. `make demo` runs the product on a local network with demo data;
# `make test` sets up everything it needs and runs the whole suite against WordPress 6.1 and 6.8.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
WP_VERSIONS ?= 6.1 6.8
WP_VERSION ?=
BENCH ?=
BENCH_SCALE ?= 1

.PHONY: help deps venv demo stop test unit lint format bench clean

help:
	@echo "make demo   - run the sidecar on a local WordPress network with demo data"
	@echo "make test   - install what is missing, then run every test (WordPress $(WP_VERSIONS))"
	@echo "make stop   - stop what make demo started"
	@echo "make bench  - run the benchmarks, write bench/results.json (BENCH=name, BENCH_SCALE=0.1)"
	@echo "make unit   - unit tests only (no WordPress needed)"
	@echo "make lint   - ruff"

deps:
	@bash scripts/system-deps.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

demo: deps venv
	@bash scripts/demo.sh $(or $(WP_VERSION),6.1)

stop:
	@bash scripts/demo.sh --stop

test: deps venv
	@bash scripts/test.sh $(or $(WP_VERSION),$(WP_VERSIONS))

unit: venv
	$(PY) -m pytest tests/unit -q

lint: venv
	$(VENV)/bin/ruff check sidecar tests bench devnet
	$(VENV)/bin/ruff format --check sidecar tests bench devnet

format: venv
	$(VENV)/bin/ruff check --fix sidecar tests bench devnet
	$(VENV)/bin/ruff format sidecar tests bench devnet

bench: deps venv
	@BENCH='$(BENCH)' BENCH_SCALE='$(BENCH_SCALE)' bash scripts/bench.sh $(or $(WP_VERSION),6.1)

clean: stop
	rm -rf var .pytest_cache .ruff_cache
