# SkillsFund developer commands. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
LOCK := requirements/dev.lock
HOST ?= 127.0.0.1
PORT ?= 8000
# Development defaults; a real deployment sets these in the environment (see .env.example).
export DJANGO_DEBUG ?= true

.PHONY: help venv install demo serve worker migrate seed test test-postgres fuzz e2e chromium check lint format lock clean-db bench

help:
	@echo "make demo   - install, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install and run the whole test suite"
	@echo "make check  - lint, format check, types, import contracts, migrations, deploy check"
	@echo "make e2e    - browser journeys in Debian's Chromium with axe accessibility scans"
	@echo "make fuzz   - the API fuzzed with every schemathesis check, for every role, on PostgreSQL"
	@echo "make serve | worker | migrate | seed | test-postgres | lock"

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "SkillsFund needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(LOCK) | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	@touch $@

venv install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --no-input

seed: migrate
	$(PY) manage.py seed_demo

demo: seed
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@echo ""
	@echo "SkillsFund is serving on http://$(HOST):$(PORT)/ with a task worker beside it (Ctrl+C stops both)"
	@$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

serve: migrate
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: migrate
	$(PY) manage.py db_worker

# Tests run with DEBUG off, as in production; the key only signs test sessions.
TEST_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY=test-only-secret-key-not-for-any-deployment SKILLSFUND_DEMO_APP=true

# The suite runs in TEST_WORKERS processes (pytest-xdist), one test file per process at a time so that a
# module's shared records are built once; TEST_WORKERS=0 runs it in this process alone.
TEST_WORKERS ?= 2
XDIST = $(if $(filter 0,$(TEST_WORKERS)),-p no:xdist,-n $(TEST_WORKERS) --dist loadfile)

test: install
	$(TEST_ENV) $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

# The same suite on the local PostgreSQL; tests marked `postgres` must run there, never skip.
test-postgres: install
	$(TEST_ENV) DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest --require-postgres $(XDIST) $(PYTEST_ARGS)

# The API fuzzed from its own schema with every schemathesis check and the coverage phase (boundary values,
# wrong types, other methods), for every role, on PostgreSQL (docs/quality.md). Two halves of the roles run
# side by side, each on its own test database. `make test` runs the same tests with generated examples only.
FUZZ_PG ?= postgres://postgres@127.0.0.1:5432
FUZZ_HALVES := "worker or employer or reviewer or official" "manager or finance or administrator or every"

fuzz: install
	@set -e; pids=; n=0; mkdir -p var/fuzz; rm -f var/fuzz/tally-*.tsv; for half in $(FUZZ_HALVES); do n=$$((n + 1)); \
		( $(TEST_ENV) SKILLSFUND_FUZZ=deep SKILLSFUND_FUZZ_TALLY=var/fuzz/tally-$$n.tsv \
		  DATABASE_URL=$(FUZZ_PG)/skillsfund_fuzz_$$n \
		  $(BIN)/pytest tests/security/test_api_fuzz_roles.py --require-postgres --create-db -p no:cacheprovider \
		  -q -k "$$half" $(PYTEST_ARGS) > var/fuzz/half-$$n.log 2>&1; echo $$? > var/fuzz/half-$$n.status ) & \
		pids="$$pids $$!"; done; wait $$pids; status=0; \
	for n in 1 2; do tail -n 3 var/fuzz/half-$$n.log; [ "$$(cat var/fuzz/half-$$n.status)" = 0 ] || { \
		status=1; grep -E "^(FAILED|ERROR)|Schema|Received|curl " var/fuzz/half-$$n.log | head -n 60; }; done; \
	cat var/fuzz/tally-*.tsv > var/fuzz/tally.tsv; $(PY) benchmarks/fuzz_tally.py var/fuzz/tally.tsv || status=1; \
	exit $$status

# Browser journeys (e2e/): Playwright drives Debian's Chromium (never a downloaded browser) against a live
# server on an isolated test database; axe-core scans every page. Screenshots: var/e2e-screenshots/.
CHROMIUM := /usr/bin/chromium

chromium:
	@test -x $(CHROMIUM) || apt-get install -y -qq chromium >/dev/null \
		|| { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) is missing: apt-get install chromium"; exit 1; }

e2e: install chromium
	rm -rf var/e2e-screenshots
	$(TEST_ENV) $(BIN)/pytest e2e -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Production-like values for the deploy check; never used to serve anything.
CHECK_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY=check-only-$$(date +%s)-not-a-real-secret-key-0123456789abcdef \
	DJANGO_ALLOWED_HOSTS=skillsfund.example.gov DJANGO_SECURE_SSL_REDIRECT=true DJANGO_HSTS_SECONDS=31536000

check: lint
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo
	$(PY) manage.py makemigrations --check --dry-run
	$(CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# Scale benchmarks on PostgreSQL (benchmarks/README.md): fill the benchmark database if it is empty, then
# time the reports and lists. The database must exist: createdb -h 127.0.0.1 -U postgres skillsfund_bench
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/skillsfund_bench
BENCH_APPLICATIONS ?= 1000000
BENCH_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY=bench-only-secret-key-not-for-any-deployment \
	DATABASE_URL=$(BENCH_DATABASE_URL)

bench: install
	$(BENCH_ENV) $(PY) benchmarks/generate.py --if-empty --applications $(BENCH_APPLICATIONS)
	$(BENCH_ENV) $(PY) benchmarks/bench.py $(BENCH_ARGS)

# Regenerate the pinned lock files after changing pyproject.toml.
lock: | $(PY)
	$(PY) -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes -o requirements/dev.lock
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes -o requirements/prod.lock

clean-db:
	rm -f var/db.sqlite3

# ---------------------------------------------------------------- load and faults (docs/quality.md)
# `make load`: an isolated PostgreSQL database (dropped and created), seeded through the services
# (benchmarks/load_setup.py), gunicorn with production settings on a free port, locust headless, then
# benchmarks/load_check.py judges the run. LOAD_TIME=5m for the long profile by hand.
LOAD_DB ?= skillsfund_load
LOAD_PG ?= postgres://postgres@127.0.0.1:5432
LOAD_TIME ?= 30s
LOAD_USERS ?= 40
LOAD_SPAWN_RATE ?= 20
# gunicorn's sync workers, two per core, as docs/deployment.md runs them: on these 2 cores they served more
# requests with less CPU per request and a lower p95 than gthread (3 workers x 4 threads) in each of three
# side-by-side rounds (docs/quality.md, "Sync workers, 2026-12-07"). LOAD_GUNICORN_ARGS picks another, e.g.
# LOAD_GUNICORN_ARGS="--worker-class gthread --threads 4 --keep-alive 5".
LOAD_GUNICORN_WORKERS ?= 4
LOAD_GUNICORN_ARGS ?= --worker-class sync
LOAD_DIR := var/load
LOAD_STATIC := var/load-static
LOAD_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY=load-only-$$(date +%s)-throwaway-not-a-real-secret-key-0123456789 \
	DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SESSION_COOKIE_SECURE=false \
	DJANGO_CSRF_COOKIE_SECURE=false DATABASE_URL=$(LOAD_PG)/$(LOAD_DB) DATABASE_CONN_MAX_AGE=60 \
	DJANGO_STATIC_ROOT=$(CURDIR)/$(LOAD_STATIC) SKILLSFUND_MEDIA_ROOT=$(CURDIR)/$(LOAD_DIR)/uploads LOG_LEVEL=WARNING

.PHONY: load load-once load-db faults

load-db: install
	rm -rf $(LOAD_DIR) && mkdir -p $(LOAD_DIR)
	@# Migrations run on a template database (quick once it is up to date); each run gets a fresh copy.
	psql "$(LOAD_PG)/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$(LOAD_DB)_template'" | grep -q 1 \
		|| psql "$(LOAD_PG)/postgres" -qc "CREATE DATABASE $(LOAD_DB)_template"
	$(LOAD_ENV) DATABASE_URL=$(LOAD_PG)/$(LOAD_DB)_template $(PY) manage.py migrate --no-input -v0
	psql "$(LOAD_PG)/postgres" -qc "DROP DATABASE IF EXISTS $(LOAD_DB) WITH (FORCE)" \
		-c "CREATE DATABASE $(LOAD_DB) TEMPLATE $(LOAD_DB)_template"
	@# Static files outside var/load (kept between runs): collected again only when static/ changed.
	@if [ ! -f $(LOAD_STATIC)/staticfiles.json ] || [ -n "$$(find static -newer $(LOAD_STATIC)/staticfiles.json -print -quit)" ]; \
		then $(LOAD_ENV) $(PY) manage.py collectstatic --no-input -v0; fi
	$(LOAD_ENV) $(PY) benchmarks/load_setup.py --out $(LOAD_DIR)/accounts.json 2>$(LOAD_DIR)/setup.log

# LOAD_ATTEMPTS=N (CI uses 9): when an attempt misses only the speed targets (every correctness check
# passed), measure again on a fresh database, up to N times; each attempt's output is kept in
# var/load-attempts/<n>/. A failed correctness check is never measured again. LOAD_DEADLINE (seconds
# since the epoch; CI sets it from its 30-minute budget): no new attempt starts after it.
LOAD_ATTEMPTS ?= 1
LOAD_DEADLINE ?= 0

load: install
	@rm -rf var/load-attempts; attempt=1; while :; do \
		echo "== load attempt $$attempt of $(LOAD_ATTEMPTS)"; \
		$(MAKE) --no-print-directory load-once; status=$$?; \
		mkdir -p var/load-attempts && cp -r $(LOAD_DIR) var/load-attempts/$$attempt; \
		[ $$status -eq 0 ] && exit 0; \
		verdict=$$(cat $(LOAD_DIR)/verdict 2>/dev/null || echo broken); \
		if [ "$$verdict" != slow ] || [ $$attempt -ge $(LOAD_ATTEMPTS) ]; then \
			echo "load: failed ($$verdict) on attempt $$attempt of $(LOAD_ATTEMPTS)"; exit 1; fi; \
		if [ $(LOAD_DEADLINE) -gt 0 ] && [ $$(date +%s) -ge $(LOAD_DEADLINE) ]; then \
			echo "load: failed (slow) on attempt $$attempt; no time left for another before the deadline"; exit 1; fi; \
		echo "load: attempt $$attempt was too slow (every correctness check passed); measuring again"; \
		attempt=$$((attempt + 1)); \
	done

load-once: load-db
	@set -e; export $(LOAD_ENV); \
	port=$$($(PY) -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	$(BIN)/gunicorn config.wsgi --bind 127.0.0.1:$$port --workers $(LOAD_GUNICORN_WORKERS) $(LOAD_GUNICORN_ARGS) \
		--access-logfile $(LOAD_DIR)/access.log --error-logfile $(LOAD_DIR)/gunicorn.log & gunicorn=$$!; \
	trap 'kill $$gunicorn 2>/dev/null; wait $$gunicorn 2>/dev/null || true' EXIT INT TERM; \
	for _ in $$(seq 1 60); do curl -fso /dev/null http://127.0.0.1:$$port/health/ && break; sleep 0.5; done; \
	for _ in $$(seq 1 12); do curl -so /dev/null http://127.0.0.1:$$port/accounts/sign-in/; done; \
	cpu_warm=$$(ps -o cputimes= --ppid $$gunicorn | awk '{s += $$1} END {print s + 0}'); \
	echo "load: gunicorn ($(LOAD_GUNICORN_WORKERS) workers $(LOAD_GUNICORN_ARGS)) on port $$port; locust $(LOAD_USERS) users for $(LOAD_TIME); load average $$(cut -d' ' -f1-3 /proc/loadavg)"; \
	LOAD_ACCOUNTS=$(LOAD_DIR)/accounts.json LOAD_LOG_DIR=$(LOAD_DIR)/log $(BIN)/locust --headless \
		-u $(LOAD_USERS) -r $(LOAD_SPAWN_RATE) -t $(LOAD_TIME) --stop-timeout 30 --host http://127.0.0.1:$$port \
		-f benchmarks/locustfile.py --csv $(LOAD_DIR)/out --only-summary --loglevel WARNING \
		>$(LOAD_DIR)/locust.log 2>&1 || true; \
	tail -n 45 $(LOAD_DIR)/locust.log; \
	cpu=$$(ps -o cputimes= --ppid $$gunicorn | awk -v warm=$$cpu_warm '{s += $$1} END {print s - warm}'); \
	$(PY) benchmarks/load_check.py --stats $(LOAD_DIR)/out_stats.csv --accounts $(LOAD_DIR)/accounts.json \
		--log-dir $(LOAD_DIR)/log --app-cpu-seconds $$cpu --verdict $(LOAD_DIR)/verdict

# `make faults`: PostgreSQL restarted in the middle of a load run, then the task worker killed in the
# middle of an export (benchmarks/faults.py; the export needs rows: a benchmark database is filled once).
FAULTS_DB ?= skillsfund_faults_bench
FAULTS_APPLICATIONS ?= 30000

faults: load-db
	@status=0; \
	$(LOAD_ENV) $(PY) benchmarks/faults.py db-restart || status=1; \
	psql "$(LOAD_PG)/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$(FAULTS_DB)'" | grep -q 1 \
		|| psql "$(LOAD_PG)/postgres" -qc "CREATE DATABASE $(FAULTS_DB)"; \
	$(LOAD_ENV) DATABASE_URL=$(LOAD_PG)/$(FAULTS_DB) $(PY) manage.py migrate --no-input -v0 && \
	$(LOAD_ENV) DATABASE_URL=$(LOAD_PG)/$(FAULTS_DB) $(PY) benchmarks/generate.py --if-empty \
		--applications $(FAULTS_APPLICATIONS) && \
	$(LOAD_ENV) DATABASE_URL=$(LOAD_PG)/$(FAULTS_DB) $(PY) benchmarks/faults.py worker-kill || status=1; \
	exit $$status

# Security checks: ruff's security rules (S) on the code, and pip-audit on the pinned production
# dependencies. pip-audit needs PyPI and the vulnerability database; offline it audits nothing yet
# exits 0, so `--strict` (fail on any package it could not audit) is added only where
# SKILLSFUND_AUDIT_ONLINE=1 says the network is there: CI with internet, a release machine.
# See docs/deployment.md, "Dependency audit".
.PHONY: audit
audit: install
	$(BIN)/ruff check --select S .
	$(BIN)/pip-audit -r requirements/prod.lock --require-hashes --disable-pip \
		$(if $(filter 1 true yes,$(SKILLSFUND_AUDIT_ONLINE)),--strict,)
	@$(if $(filter 1 true yes,$(SKILLSFUND_AUDIT_ONLINE)),true,echo "make audit: offline run (SKILLSFUND_AUDIT_ONLINE unset); pip-audit could not reach its database, so this proves nothing about dependencies")
