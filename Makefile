# coprod: `make run` starts the app with a demo forum and its background worker;
# `make test` runs every test.
# `make run HOST=0.0.0.0 PORT=8000` is room mode: phones on the same wifi can join (README).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

# The first Python of 3.12 or newer: on PATH, then from pyenv.
PYTHON ?= $(shell for p in python3.13 python3.12 \
	$$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3 \
	$$(pyenv root 2>/dev/null)/versions/3.12*/bin/python3 python3; do \
	  if command -v $$p >/dev/null 2>&1 && \
	     $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$p; break; fi; done)

.PHONY: help run test test-embedded test-services bench lint browser pdf-libs nginx messages clean

help:
	@echo "make run    set up and start coprod with a demo forum on http://$(HOST):$(PORT)/"
	@echo "            (and the background worker: emails, votes between meetings on time)"
	@echo "            (make run HOST=0.0.0.0: room mode, phones on this wifi join too)"
	@echo "make test   set up and run all tests (embedded, then PostgreSQL + Redis)"
	@echo "make bench  run the benchmarks"
	@echo "make lint   ruff and mypy"

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "coprod needs Python 3.12 or newer (3.13 recommended, see .python-version)."; \
	  echo "Install it, e.g. 'pyenv install 3.13' or your system's python3.13 package."; \
	  exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

messages: $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then \
	  DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else echo "msgfmt not found: using the committed .mo files"; fi

run: $(STAMP) messages pdf-libs
	DEBUG=1 $(PY) manage.py migrate --no-input -v 0
	DEBUG=1 COPROD_HOST=$(HOST) COPROD_PORT=$(PORT) $(PY) manage.py seed_demo
	@echo "Starting the web server and the background worker (Ctrl-C stops both)."
	DEBUG=1 COPROD_HOST=$(HOST) COPROD_PORT=$(PORT) $(PY) -m coprod.run -b $(HOST) -p $(PORT)

# WeasyPrint (the PDFs) needs Pango and HarfBuzz from the system.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
pdf-libs:
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! ldconfig -p | grep -q 'libharfbuzz-subset.so.0'; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_LIBS) >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_LIBS) >/dev/null; \
	  else echo "Please install Debian's $(PDF_LIBS) for the PDFs (WeasyPrint)."; exit 1; fi; fi

# Browser tests drive Debian's chromium; Playwright's own browser download cannot work here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Please install Debian's chromium package for the browser tests."; exit 1; fi; }
	@chromium --version

# The scale-out test runs Debian's nginx (as the current user, with deploy/nginx.conf)
# in front of two daphne processes.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else echo "Please install Debian's nginx package for the scale-out test."; exit 1; fi; }
	@PATH="$$PATH:/usr/sbin" nginx -v

test: $(STAMP) messages pdf-libs browser nginx test-embedded test-services

test-embedded:
	@echo "== Tests on the embedded default: SQLite + in-memory channel layer"
	env -u DATABASE_URL -u REDIS_URL SECRET_KEY=test-only $(PY) -m pytest

# PostgreSQL and Redis from the machine's running services. Locally, a missing service
# skips this run with a message; under CI=true it fails.
test-services:
	@echo "== Tests on PostgreSQL + Redis (channels_redis)"
	@if ! $(PY) scripts/check_services.py "$(PG_URL)" "$(REDIS_TEST_URL)"; then \
	  if [ "$$CI" = "true" ]; then echo "PostgreSQL or Redis is not reachable (CI=true): failing."; exit 1; fi; \
	  echo "PostgreSQL or Redis is not reachable: skipping this run (see README)."; exit 0; fi; \
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) CHANNEL_PREFIX=coprod-test COPROD_EXPECT_SERVICES=1 \
	  SECRET_KEY=test-only $(PY) -m pytest

bench: $(STAMP)
	SECRET_KEY=bench $(PY) bench/run.py
	SECRET_KEY=bench $(PY) bench/request_size.py
	SECRET_KEY=bench $(PY) bench/markdown_render.py
	SECRET_KEY=bench $(PY) bench/flood.py --unlimited
	SECRET_KEY=bench $(PY) bench/phones.py
	@if $(PY) scripts/check_services.py "$(PG_URL)" "$(REDIS_TEST_URL)"; then \
	  SECRET_KEY=bench $(PY) bench/phones.py --services --processes 2 --no-baseline; \
	else echo "PostgreSQL or Redis is not reachable: skipping the two-process phones bench."; fi
	SECRET_KEY=bench $(PY) bench/joins.py
	SECRET_KEY=bench $(PY) bench/large.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	SECRET_KEY=lint $(VENV)/bin/mypy coprod deliberation

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache .test-db.sqlite3*
