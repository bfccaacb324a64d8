# Quick start: `make run` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test lint bench mutate schema guide clean chromium serve

run: $(VENV)/.core
	$(BIN)/brink run

test: $(VENV)/.test chromium
	$(BIN)/python -m pytest

lint: $(VENV)/.test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: $(VENV)/.test
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/seat.py
	$(BIN)/python benchmarks/web.py

# The browser game on http://127.0.0.1:8000/ (games kept in brink-games.sqlite).
serve: $(VENV)/.test
	$(BIN)/brink serve

# Mutation testing of the mechanics (not part of `make test`): prints the surviving mutants.
mutate: $(VENV)/.test
	$(PIP) -e '.[test,analysis,ray,envs,sensitivity,mutate]'
	$(BIN)/python scripts/mutate.py

# The published JSON Schemas: scenario files, one event of a run's log, a seat's turn and its
# decision; tests/test_schema_docs.py and tests/test_published_schemas.py keep them in step.
schema: $(VENV)/.core
	$(BIN)/brink schema --of scenario > docs/scenario.schema.json
	$(BIN)/brink schema --of log > docs/event-log.schema.json
	$(BIN)/brink schema --of turn > docs/turn.schema.json
	$(BIN)/brink schema --of decision > docs/decision.schema.json

# Rewrites the outputs shown in docs/writing-a-scenario.md that no longer match the engine.
guide: $(VENV)/.test
	UPDATE_GUIDE=1 $(BIN)/python -m pytest -q tests/test_docs_guide.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.core: pyproject.toml | $(VENV)/bin/python
	$(PIP) -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(VENV)/bin/python
	$(PIP) -e '.[test,analysis,ray,envs,sensitivity,web,webtest,llm]'
	touch $@ $(VENV)/.core

# Debian's Chromium for the browser tests (never `playwright install`). Where apt-get is
# missing or fails, the browser tests skip and say why; make goes on either way.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "no apt-get here: the browser tests will be skipped"; \
	elif [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || \
		echo "apt-get could not install chromium: the browser tests will be skipped"; \
	elif command -v sudo >/dev/null 2>&1; then \
		(sudo -n apt-get update -qq && sudo -n apt-get install -y -qq chromium) >/dev/null 2>&1 || \
		echo "sudo apt-get could not install chromium: the browser tests will be skipped"; \
	else echo "not root and no sudo: the browser tests will be skipped"; fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
