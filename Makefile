# Dropin Auto: `make run` starts the whole stack, `make test` runs every test. See README.md.
SHELL := /bin/bash
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python
SERVICES := auth streams dashboard chat integrations
PACKAGES := libs/common $(addprefix services/,$(SERVICES))
STAMP := $(VENV)/.installed

.PHONY: help install nginx chromium web run stop status logs lint test test-unit test-integration test-e2e \
        $(addprefix test-,$(SERVICES)) bench-auth bench-streams bench-dashboard bench-chat bench-web bench-consumers chaos create-admin up down test-compose test-helm clean

help:
	@echo "make run      start the whole stack (gateway on http://127.0.0.1:$${GATEWAY_PORT:-8080})"
	@echo "make test     lint, then run every test (unit, integration, end-to-end)"
	@echo "make stop | status | logs | lint | test-unit | test-integration | test-e2e | test-<service> | web"
	@echo "make bench-auth | bench-streams | bench-dashboard | bench-chat | bench-web | bench-consumers"
	@echo "make create-admin | up | down"

# One virtual environment for the monorepo; each service can also install alone (make -C services/x).
$(STAMP): $(addsuffix /pyproject.toml,$(PACKAGES))
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q supervisor aiosmtpd pytest-playwright "schemathesis>=4.0" $(foreach p,$(PACKAGES),-e "$(p)[test]")
	touch $@

install: $(STAMP)

nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing nginx"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else echo "nginx is missing: run 'sudo apt-get install -y nginx' and retry" >&2; exit 1; fi; \
	fi

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing chromium"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: run 'sudo apt-get install -y chromium' and retry" >&2; exit 1; fi; \
	fi

# The web app (web/): `make run` and the e2e tests build it when its sources changed; this forces it.
web:
	cd web && npm ci --no-audit --no-fund && npm run build

run: install nginx
	$(PY) tools/stack.py up --profile dev

stop:
	$(PY) tools/stack.py down --profile dev

status:
	$(PY) tools/stack.py status --profile dev

logs:
	$(PY) tools/stack.py logs --profile dev

# The rules the structure keeps (.importlinter), ruff.toml and mypy.ini: strict on the kernel,
# every domain and use case package; lenient elsewhere.
lint: install
	@echo "== lint: import-linter, ruff, mypy"
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Each package's tests run in their own pytest process: every service is its own project.
test: lint test-unit test-integration test-e2e

test-unit: install
	@set -e; for p in $(PACKAGES); do echo "== unit: $$p"; (cd $$p && $(PY) -m pytest -q tests/unit); done

test-integration: install
	@set -e; for p in $(PACKAGES); do echo "== integration: $$p"; (cd $$p && $(PY) -m pytest -q tests/integration); done

test-e2e: install nginx chromium
	@$(PY) -c "import pytest_playwright" 2>/dev/null || $(PY) -m pip install -q pytest-playwright
	@echo "== end-to-end through nginx (and the web app in Chromium)"; $(PY) -m pytest -q tests/e2e

$(addprefix test-,$(SERVICES)): test-%: install
	$(MAKE) -C services/$* test VENV=$(VENV)

# Benchmarks print their figures; they are not tests. They run on the isolated `bench` profile.
bench-auth: install nginx
	$(PY) tools/bench.py auth

bench-streams: install nginx
	$(PY) tools/bench.py streams

bench-dashboard: install nginx
	$(PY) tools/bench.py dashboard

bench-chat: install nginx
	$(PY) tools/bench.py chat

bench-web: install nginx chromium
	$(PY) tools/bench.py web

# What each consumer of stream events spends per event (statements, its CPU, PostgreSQL's CPU).
bench-consumers: install
	$(PY) tools/bench_consumers.py

# Fault injection on the bench profile (kills, terminated backends, closed broker connections);
# a few minutes, prints what clients saw and checks nothing was lost. Not part of `make test`.
chaos: install nginx
	$(PY) tools/chaos.py

# Production: the first admin. Needs AUTH's DATABASE_URL (and keys) in the environment.
create-admin: install
	cd services/auth && $(PY) -m dropin_auth.entrypoints.cli create-admin --email "$${ADMIN_EMAIL:?set ADMIN_EMAIL}" --password "$${ADMIN_PASSWORD:?set ADMIN_PASSWORD}"

# For people with Docker: the same system in containers.
up:
	docker compose up -d --build --wait

down:
	docker compose down

# Outside `make test` (CI has no Docker): 5 cold starts of docker-compose.yml with the walk-through.
test-compose: install
	$(PY) tools/compose_check.py --cold-starts $${COLD_STARTS:-5}

# Outside `make test`: helm lint, render (default + production values), schema validation, and every
# rendered container run under Docker until its probes pass. Needs the images `make up` builds.
test-helm: install
	docker compose build
	$(PY) tools/helm_check.py

clean: stop
	rm -rf var
