# Two commands do all the set-up on a fresh machine:
#   make run    install, migrate, load the framework and demo data, and serve the app
#   make test   install and run every test (browser tests included), plus ruff
.DEFAULT_GOAL := help
.PHONY: help install run test lint format bench bench-load bench-faults clean serve worker

VENV   ?= .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
PORT   ?= 8000
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_NO_PROGRESS := 1

help:
	@echo "make run    set up and serve the app at http://127.0.0.1:$(PORT)"
	@echo "make test   set up and run every test, browser tests included, plus ruff"
	@echo "make serve  production: migrate, collect static files, load the framework, gunicorn"
	@echo "make worker production: the task worker (PDFs, emails)"

# Django 6 needs Python 3.12 or newer. Look on PATH, then in pyenv, then in uv's managed
# interpreters; where none is found, try to provision one with uv; otherwise stop and say why.
$(PY):
	@set -e; found=""; \
	for cand in "$$PYTHON" python3.14 python3.13 python3.12 python3 python \
	    $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) \
	    $$(ls -d $$HOME/.local/share/uv/python/cpython-3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  [ -n "$$cand" ] || continue; \
	  if "$$cand" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    found="$$cand"; break; \
	  fi; \
	done; \
	if [ -z "$$found" ] && command -v uv >/dev/null 2>&1; then \
	  echo "No Python 3.12+ found; asking uv to provision one."; \
	  uv python install 3.12 && found=$$(uv python find '>=3.12') || true; \
	fi; \
	if [ -z "$$found" ]; then \
	  echo "ERROR: this project needs Python 3.12 or newer (Django 6), and none was found." >&2; \
	  echo "Looked on PATH (python3.14..python3), in pyenv and in uv's interpreters." >&2; \
	  echo "Install one (e.g. 'pyenv install 3.12' or 'uv python install 3.12'), or run" >&2; \
	  echo "'make PYTHON=/path/to/python3.12 run'." >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$found ($$("$$found" -V))"; \
	"$$found" -m venv $(VENV); \
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(PY) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

install: $(VENV)/.synced

run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	@$(PY) manage.py migrate --no-input -v 0
	@$(PY) manage.py load_framework
	@$(PY) manage.py seed_demo
	@$(PY) manage.py ensure_local_admin
	@echo ""
	@echo "  Serving at $$SITE_URL/   (Ctrl+C to stop)"
	@echo ""
	@# A task worker (PDFs) runs beside the server and stops with it.
	@$(PY) manage.py db_worker --no-reload -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production (README, "Production deployment"): with the production variables set, `make serve`
# applies the release (migrations, static files, the framework) and serves the app with gunicorn
# against DATABASE_URL, two workers per CPU plus one; `make worker` runs the task queue. No
# access log: our one JSON line per request (drf_site.middleware) carries no URL, hence no token.
BIND    ?= 127.0.0.1:$(PORT)
WORKERS ?= $(shell $(PY) -c 'import os; print(2 * (os.cpu_count() or 1) + 1)')
serve: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py load_framework
	exec $(VENV)/bin/gunicorn drf_site.wsgi:application --bind $(BIND) --workers $(WORKERS) \
	  --timeout 60 --graceful-timeout 30 --max-requests 2000 --max-requests-jitter 200

# The worker exits when it loses the database (a restart, a fail-over); start it again after a
# pause, as the systemd unit's Restart=always does, so PDFs and mail resume on their own.
worker: install
	while :; do $(PY) manage.py db_worker --no-reload; echo "Task worker stopped; restarting in 5 s."; sleep 5; done

# The suite runs in parallel, one worker per CPU (pytest-xdist; each worker has its own test
# database). With POSTGRES_TEST_URL set (.ci/run sets it), it runs again on PostgreSQL, the
# production database; the browser tests need not repeat there.
PYTEST_WORKERS ?= auto
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS)
	@if [ -n "$$POSTGRES_TEST_URL" ]; then \
	  echo "== The same tests on PostgreSQL =="; \
	  DATABASE_URL="$$POSTGRES_TEST_URL" $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not e2e" -q; \
	fi

lint format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) bench/report_pdf.py

# Load and faults on loopback (PostgreSQL, gunicorn, a task worker; each takes a few minutes).
bench-load: install
	$(PY) bench/load.py --concurrency 20 --duration 15
# --supervised: a task worker that exits is started again, as `make worker`'s loop does.
bench-faults: install
	$(PY) bench/faults.py --supervised

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
