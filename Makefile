# Samatta: `make run` sets everything up and starts the app with demo data; `make test` runs every check.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

# The suite runs in this many processes (pytest-xdist); 2 suits the 2-core machines it meets.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS)

.PHONY: run test lint test-sqlite test-postgresql setup translations

run: setup
	$(BIN)/flask --app app demo
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000

# Every check: lint, then the whole suite on SQLite and again on a throw-away PostgreSQL
# cluster (scripts/with-postgresql installs Debian's postgresql if it is missing).
test: setup lint test-sqlite test-postgresql

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-sqlite: setup
	scripts/system-packages
	$(PYTEST)

# The browser tests drive the screens, which are the same whatever the database: they run
# once, on SQLite.
test-postgresql: setup
	scripts/system-packages
	scripts/with-postgresql $(PYTEST) --ignore=tests/browser

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# Re-extract the app's own strings into the Thai catalogue and compile every catalogue.
translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot --ignore-dirs=".venv migrations tests bench" .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l th -D messages --no-fuzzy-matching
	for domain in messages thai reports; do $(BIN)/pybabel compile -d translations -D $$domain; done
