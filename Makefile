# Samatta: `make run` sets everything up and starts the app with demo data; `make test` runs every check.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: run test setup translations

run: setup
	$(BIN)/flask --app app demo
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000

test: setup
	scripts/system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

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
	$(BIN)/pybabel compile -d translations -D messages
