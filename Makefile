# Two commands on a fresh machine:  `make run`  and  `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run demo test bench setup clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

## Set up (once) and start the app on its default store (the user's data folder).
run: $(STAMP)
	$(BIN)/arrangeren

## The fictional demo sessions, on a fresh copy each time (the tracked files stay as they are).
demo: $(STAMP)
	rm -rf $(VENV)/demo && mkdir -p $(VENV)/demo && chmod 700 $(VENV)/demo
	cp sessions/*.json $(VENV)/demo/
	$(BIN)/arrangeren --store $(VENV)/demo

## Set up (once) and run the whole test suite: lint, types, import rules, then the tests.
test: $(STAMP)
	$(BIN)/ruff check arrangeren_tui tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q

## Measure (see BENCHMARKS.md); BENCH_ARGS=--quick for a short run.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
