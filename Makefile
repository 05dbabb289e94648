# The two commands: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint format translations extract-messages update-catalogs venv venv-test \
        system-run system-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall when the dependency list changes.
$(VENV)/.installed-run: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-run

venv: $(VENV)/.installed-run
venv-test: $(VENV)/.installed-test

system-run:
	scripts/ensure-debian-packages redis-server

system-test:
	scripts/ensure-debian-packages redis-server postgresql chromium chromium-driver

# Compiled catalogs are build output, never edited by hand.
translations: venv
	$(BIN)/pybabel compile -d locales

extract-messages: venv
	$(BIN)/pybabel extract -F locales/babel.cfg -k _l -k lazy_gettext \
		--sort-by-file --no-wrap -o locales/messages.pot .

update-catalogs: extract-messages
	$(BIN)/pybabel update --no-wrap -i locales/messages.pot -d locales

run: system-run venv translations
	PORT=$(PORT) $(BIN)/python scripts/run_stack.py

# lint-imports: the layers and forbidden imports of pyproject.toml (no cycles, no connector → jobs).
lint: venv-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: venv-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The test fixtures start (and stop) a throwaway Redis and PostgreSQL themselves.
test: system-test venv-test translations lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
