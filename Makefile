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

.PHONY: help venv install demo serve worker migrate seed test test-postgres check lint format lock clean-db

help:
	@echo "make demo   - install, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install and run the whole test suite"
	@echo "make check  - lint, format check, types, import contracts, migrations, deploy check"
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
TEST_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY=test-only-secret-key-not-for-any-deployment

test: install
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# The same suite on the local PostgreSQL; tests marked `postgres` must run there, never skip.
test-postgres: install
	$(TEST_ENV) DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest --require-postgres $(PYTEST_ARGS)

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

# Regenerate the pinned lock files after changing pyproject.toml.
lock: | $(PY)
	$(PY) -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes -o requirements/dev.lock
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes -o requirements/prod.lock

clean-db:
	rm -f var/db.sqlite3
