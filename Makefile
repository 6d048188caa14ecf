# The verbs a newcomer needs. Each target bootstraps what it uses (.venv, packages).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TEST_ENV := DJANGO_SETTINGS_MODULE=careerguide.settings.test
# One test process per core (pytest-xdist), each with its own test database.
# The browser tests stay in one process: two Chromiums on two cores gained ~10 %.
# With CACHE_URL naming a real cache, one process: every test empties the cache,
# and processes sharing it would empty it under each other.
TEST_WORKERS ?= $(if $(CACHE_URL)$(PAGE_CACHE_URL),0,auto)
DEV_ENV := DEBUG=true
# `make run PORT=8001` when 8000 is taken. The links the site writes (emails,
# sitemap, canonical addresses) then follow that port, unless SITE_URL is set in
# the environment (settings default to port 8000, or read SITE_URL from .env).
PORT ?= 8000
RUN_SITE_URL := $(if $(filter-out 8000,$(PORT)),SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}")

.PHONY: help run bench bench-render bench-import test test-fast screenshots lint format admin backup restore clean

## help: list these targets (`make` alone does the same)
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "Could not create $(VENV). On Debian or Ubuntu: sudo apt-get install python3.11-venv" >&2; exit 1; }

$(INSTALLED): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## run: serve the site with demo content on http://127.0.0.1:8000/ (SQLite, DEBUG on;
## PORT=8001 for another port)
run: $(INSTALLED)
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py load_demo
	$(DEV_ENV) $(BIN)/python manage.py load_catalogue  # ~10 s once, then skipped
	$(DEV_ENV) $(RUN_SITE_URL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## bench: load the full catalogue, serve it with gunicorn, measure with wrk
bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench.py

## bench-render: where an uncached career page's time goes, step by step
bench-render: $(INSTALLED)
	$(BIN)/python benchmarks/render_bench.py

## bench-import: time importing release files; DATA=folder with onet/ and bls/
## (bls/national_M20*_dl.xlsx, bls/projections_2021-31/, bls/projections_2024-34/)
bench-import: $(INSTALLED)
	@test -n "$(DATA)" || { echo "usage: make bench-import DATA=folder-with-onet-and-bls" >&2; exit 2; }
	$(BIN)/python benchmarks/import_bench.py "$(DATA)/onet" \
		--wages "$(DATA)"/bls/national_M20*_dl.xlsx \
		--projections "$(DATA)/bls/projections_2021-31/Employment Projections.csv" \
		"$(DATA)/bls/projections_2024-34/occupation.xlsx"

## test: checks, migrations check, collectstatic, then the whole pytest suite
test: $(INSTALLED)
	$(BIN)/ruff check --quiet .
	$(BIN)/ruff format --check --quiet .
	$(TEST_ENV) $(BIN)/python manage.py check
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(TEST_ENV) $(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser" $(PYTEST_ARGS)
	$(TEST_ENV) DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

## test-fast: the suite without the real-browser tests
test-fast: $(INSTALLED)
	$(TEST_ENV) $(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser" $(PYTEST_ARGS)

## screenshots: rewrite docs/screenshots/ (the career page at 390 and 1280 px wide)
screenshots: $(INSTALLED)
	$(TEST_ENV) DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -m browser tests/browser/screenshots.py

## admin: create a local admin login (asks for a username, e-mail and password)
admin: $(INSTALLED)
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py createsuperuser

## backup: write every app's data to FILE (make backup FILE=careerguide.json.gz);
## the JSON loads into SQLite or PostgreSQL alike. Uses the current environment's DB
## and settings (on a development checkout: DEBUG=true make backup FILE=…).
BACKUP_EXCLUDE := --exclude contenttypes --exclude auth.permission --exclude sessions --exclude axes
backup: $(INSTALLED)
	@test -n "$(FILE)" || { echo "usage: make backup FILE=careerguide.json.gz" >&2; exit 2; }
	$(BIN)/python manage.py dumpdata --natural-foreign --natural-primary $(BACKUP_EXCLUDE) --output "$(FILE)"

## restore: load FILE from `make backup` into an empty database (migrated first)
restore: $(INSTALLED)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=careerguide.json.gz" >&2; exit 2; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddata "$(FILE)"

## lint: ruff's checks and formatting check, as make test runs them
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## format: fix what ruff can and format the code
format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## clean: delete .venv, collected static files and tool caches (not the database)
clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
