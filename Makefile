# Quick start: `make run` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test lint bench mutate schema guide clean

run: $(VENV)/.core
	$(BIN)/brink run

test: $(VENV)/.test
	$(BIN)/python -m pytest

lint: $(VENV)/.test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: $(VENV)/.test
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/seat.py

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
	$(PIP) -e '.[test,analysis,ray,envs,sensitivity]'
	touch $@ $(VENV)/.core

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
