# Sidecar — see README.md. `make demo` runs the product on a local network with demo data;
# `make test` sets up everything it needs and runs the whole suite against WordPress 6.1 and 6.8.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
WP_VERSIONS ?= 6.1 6.8
WP_VERSION ?=
BENCH ?=
BENCH_SCALE ?= 1

.PHONY: help deps venv demo stop test unit lint format bench soak translations clean

help:
	@echo "make demo   - run the sidecar on a local WordPress network with demo data"
	@echo "make test   - install what is missing, then run every test (WordPress $(WP_VERSIONS))"
	@echo "make stop   - stop what make demo started"
	@echo "make bench  - run the benchmarks, write bench/results.json (BENCH=name, BENCH_SCALE=0.1)"
	@echo "make soak   - load the Account page and the API with wrk (60 s x 64 connections)"
	@echo "make unit   - unit tests only (no WordPress needed)"
	@echo "make lint   - ruff"
	@echo "make translations - extract the texts, update the nl/fr catalogues, compile them"

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

soak: deps venv
	@BENCH_SCALE='$(BENCH_SCALE)' bash scripts/soak.sh $(or $(WP_VERSION),6.1)

# Texts of the sidecar (Python, templates) → messages.pot → nl/fr catalogues → .mo; the shim's
# own texts (text domain sidecar-shim) → its .pot → nl_NL/fr_FR catalogues → .mo. Translate the
# new or changed entries in the .po files, then run it again to compile.
translations: venv
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -k lazy_text -k N_ -k lazy_pgettext:1c,2 -k lazy_ngettext:1,2 \
		--no-location --no-wrap --sort-output --project sidecar --version 0.1.0 --copyright-holder "" \
		-o sidecar/translations/messages.pot .
	$(VENV)/bin/pybabel update -i sidecar/translations/messages.pot -d sidecar/translations --no-wrap --ignore-obsolete
	$(VENV)/bin/pybabel compile -d sidecar/translations --statistics
	$(PY) scripts/shim_translations.py

clean: stop
	rm -rf var .pytest_cache .ruff_cache
