# Anping — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json frontend/tsconfig.app.json

.PHONY: help run run-with-simulator serve install fonts test lint bench bench-quick test-backend test-backend-sqlite test-backend-postgresql \
	test-frontend test-e2e openapi audit verify-audit migrate seed-demo clean

help:
	@echo "make run    — install, migrate, load demo data, serve API + SPA on http://$${HOST:-127.0.0.1}:$${PORT:-8000}"
	@echo "make test   — every suite: lint/types, backend on SQLite and PostgreSQL, frontend unit, browser e2e"
	@echo "make openapi | make audit | make verify-audit | make migrate | make seed-demo | make bench | make bench-quick | make clean"

# --- installation (each step re-runs only when its inputs change) -----------------------------------------
$(STAMPS)/python: pyproject.toml
	@mkdir -p $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(STAMPS)/node: frontend/package.json frontend/package-lock.json
	@mkdir -p $(STAMPS)
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/dist/index.html: $(STAMPS)/node $(FRONTEND_SOURCES)
	cd frontend && npm run build --silent

install: $(STAMPS)/python $(STAMPS)/node frontend/dist/index.html fonts

# The review opinion PDF (审查意见书) is typeset in Noto CJK; without it Chinese text has no glyphs.
fonts:
	@fc-list 2>/dev/null | grep -qi "Noto Serif CJK" || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null; \
		else echo "警告：缺少中文字体，审查意见书 PDF 将无法正确显示中文；请安装 fonts-noto-cjk（sudo apt-get install fonts-noto-cjk）" >&2; fi; }

# --- running ----------------------------------------------------------------------------------------------
run: install
	$(PY) -m backend run

# The demo with the enforcement-system simulator on :8100 (inspections are sent there; documents come back).
run-with-simulator: install
	$(PY) -m backend run --with-simulator

serve: $(STAMPS)/python
	$(PY) -m backend serve

migrate: $(STAMPS)/python
	$(PY) -m backend migrate

seed-demo: $(STAMPS)/python
	$(PY) -m backend seed-demo

verify-audit: $(STAMPS)/python
	$(PY) -m backend verify-audit

# --- contracts --------------------------------------------------------------------------------------------
openapi: $(STAMPS)/python $(STAMPS)/node
	$(PY) -m backend openapi
	cd frontend && npm run gen:api --silent

# --- tests ------------------------------------------------------------------------------------------------
test: lint test-backend test-frontend test-e2e
	@echo "make test: all suites passed"

lint: $(STAMPS)/python $(STAMPS)/node
	$(VENV)/bin/ruff check backend tests migrations
	$(VENV)/bin/ruff format --check backend tests migrations
	$(VENV)/bin/mypy
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
		export ANPING_DATABASE_URL="sqlite+aiosqlite:///$$tmp/check.db" && \
		$(VENV)/bin/alembic upgrade head >/dev/null && $(VENV)/bin/alembic check
	cd frontend && npm run --silent lint && npm run --silent typecheck && npm run --silent check:api

test-backend: test-backend-sqlite test-backend-postgresql

test-backend-sqlite: $(STAMPS)/python fonts
	$(VENV)/bin/pytest --db=sqlite

# Uses TEST_DATABASE_URL when set; otherwise the suite starts a private throwaway cluster.
test-backend-postgresql: $(STAMPS)/python fonts
	$(VENV)/bin/pytest --db=postgresql

test-frontend: $(STAMPS)/node
	cd frontend && npm run --silent test:unit

test-e2e: install
	cd frontend && ANPING_PYTHON=$(abspath $(PY)) npm run --silent test:e2e

audit: $(STAMPS)/python $(STAMPS)/node
	$(VENV)/bin/pip-audit --skip-editable
	cd frontend && npm audit --omit=dev

clean:
	rm -rf $(STAMPS) $(VENV) frontend/node_modules frontend/dist var

# --- benchmarks (need PostgreSQL running; BENCH_DATABASE_URL names an admin connection) ---------------------
.PHONY: bench bench-quick bench-tools
bench-tools:
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	@command -v pgbench >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-contrib >/dev/null)

bench: $(STAMPS)/python bench-tools
	$(PY) -m tests.bench.run --scales city province national --seconds 10

# City scale only, about two minutes; fails on a failed request, a sequential scan or memory growth, never on a
# timing (CI runs it with BENCH_OUTPUT pointing elsewhere than the committed report).
BENCH_OUTPUT ?= docs/PERFORMANCE.md
bench-quick: $(STAMPS)/python bench-tools
	$(PY) -m tests.bench.run --scales city --seconds 5 --check --output $(BENCH_OUTPUT)
