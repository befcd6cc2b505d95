# World Cities Exchange — the commands. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
# Links in e-mails and notifications lead to the address `make run` serves on, unless SITE_URL
# is set (in the environment or in .env); a server on every interface is reached on 127.0.0.1.
LINK_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))
RUN_SITE_URL := $(or $(SITE_URL),$(if $(shell grep -s '^SITE_URL=' .env),,http://$(LINK_HOST):$(PORT)))
LOCK := requirements-dev.lock
PIP_LOCK := requirements-pip.lock

.DEFAULT_GOAL := help
.PHONY: help install setup run test lint format check lint-imports bench lock stop-db clean messages compilemessages

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.installed: $(LOCK) $(PIP_LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (PYTHON=$(PYTHON))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(PIP_LOCK)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	@touch $@

install: $(VENV)/.installed ## Create the virtualenv from the lock file

setup: install compilemessages ## Migrate, load the programme's data and the demo accounts
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_worldcities
	$(PY) manage.py seed_demo

run: setup ## Set everything up and serve on http://$(HOST):$(PORT)/ with background jobs
	@mkdir -p var/celery
	@echo "Serving on http://$(HOST):$(PORT)/ — log in with one of the demo accounts above. Ctrl-C stops."
	@trap 'kill $$(cat var/celery/worker.pid 2>/dev/null) 2>/dev/null; exit 0' EXIT INT TERM; \
	$(if $(RUN_SITE_URL),export SITE_URL='$(RUN_SITE_URL)';) \
	$(VENV)/bin/celery -A worldcities worker --beat --loglevel=INFO --concurrency=2 \
		--pidfile=var/celery/worker.pid --schedule=var/celery/beat-schedule & \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Work stealing: each process starts on one contiguous half of the tests, so a module's tests
# stay together and share their module-scoped data; one that runs out takes half of what the
# other still has queued, so the two finish close together.
test: install compilemessages ## Run the whole test suite (on DATABASE_URL's PostgreSQL, else the embedded one)
	$(VENV)/bin/pytest -n 2 --dist worksteal $(if $(filter true 1 yes,$(CI)),--create-db,) $(PYTEST_ARGS)

# The catalogues of every language in locale/ (docs/translation.md). The .mo files are built
# from the .po files here and are never committed.
LOCALES := $(patsubst locale/%/LC_MESSAGES,%,$(wildcard locale/*/LC_MESSAGES))

messages: install ## Bring every language's catalogue up to date with the code's strings
	$(PY) manage.py makemessages $(addprefix -l ,$(LOCALES))
	$(PY) manage.py makemessages -d djangojs $(addprefix -l ,$(LOCALES))

compilemessages: install ## Build the .mo files the site reads from locale/*.po
	$(PY) manage.py compilemessages -v 0 --ignore=.venv --ignore=var --ignore=staticfiles

lint: install ## Lint and check formatting
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install ## Django's checks: migrations up to date, deploy settings sound
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=worldcities.settings.production SECRET_KEY=check-only-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz ALLOWED_HOSTS=localhost \
		DATABASE_URL=postgres://check@localhost/check $(PY) manage.py check --deploy --fail-level WARNING

lint-imports: install ## The layers between the apps (import-linter contracts in pyproject.toml)
	$(VENV)/bin/lint-imports

lock: ## Re-resolve the lock files from pyproject.toml (needs uv)
	uv pip compile -q pyproject.toml -p 3.11 --generate-hashes -o requirements.lock
	uv pip compile -q pyproject.toml -p 3.11 --generate-hashes --extra dev -o requirements-dev.lock

stop-db: ## Stop the embedded PostgreSQL (make run and make test start it when needed)
	@[ ! -x $(PY) ] || $(PY) -m worldcities.localdb stop

clean: stop-db ## Remove the virtualenv and local data (the embedded database too)
	rm -rf $(VENV) var staticfiles

BENCH_SCALE ?= 1
bench: install ## Measure the key pages at scale against the ceiling (BENCH_SCALE=0.05 runs quickly)
	@command -v wrk >/dev/null || apt-get install -y wrk
	@command -v ss >/dev/null || apt-get install -y iproute2
	$(PY) -m worldcities.benchmarks.run --scale $(BENCH_SCALE) $(BENCH_ARGS)
