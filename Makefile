# Comity: `make run` starts everything on this machine; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test fuzz lint format contracts up down clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/comity run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared contracts services gateway deploy
	$(BIN)/lint-imports
	$(BIN)/comity migrate --check

test: lint
	$(BIN)/pytest

# Schemathesis at length against every service (docs/decisions/0014-fuzzing-with-schemathesis.md);
# `make test` runs the short profile of the same tests.
fuzz: $(STAMP)
	COMITY_FUZZ_PROFILE=long $(BIN)/pytest tests/fuzz

contracts: $(STAMP)
	$(BIN)/python -m contracts.generate

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

up:
	docker compose up --build -d

down:
	docker compose down

clean:
	rm -rf $(VENV) .comity .pytest_cache .mypy_cache .ruff_cache
