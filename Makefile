# starcert — the two commands of the README: `make run` and `make test`.
# Everything is installed into .venv from uv.lock (exact versions CI tested); uv itself is
# bootstrapped into .tools with the machine's python3, so a fresh machine needs only
# Python 3.11+ and make. `make run` installs what serving needs; `make test` the rest (the
# dev group: linters, type checker, test tools).

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin

export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1

.PHONY: install install-serve run migrate test lint typecheck lockcheck docs browser wrk bench bench-quick bench-compare clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# serving: the project's own dependencies only (--inexact keeps dev tools already there)
$(VENV)/.served: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --no-dev --inexact --python $(PYTHON)
	@touch $@

# everything: serving and the dev group
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --python $(PYTHON)
	@touch $@ $(VENV)/.served

install-serve: $(VENV)/.served

install: $(VENV)/.synced

migrate: install-serve
	$(BIN)/starcert migrate

run: migrate
	$(BIN)/starcert serve

lint: install
	$(BIN)/ruff check app tests migrations bench
	$(BIN)/ruff format --check app tests migrations bench

typecheck: install
	$(BIN)/mypy

lockcheck: $(UV)
	$(UV) lock --check

# rewrite the parts of docs/ generated from the code (the problem and settings tables)
docs: install-serve
	$(BIN)/python -m app.docs

# The browser test drives Debian's Chromium (with a CJK font, so the page can be read in the
# screenshot). Installed here when absent and we are root; otherwise the test says why it
# skips, and CI (STARCERT_REQUIRE_BROWSER=1) fails instead.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium and a CJK font for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium fonts-wqy-microhei >/dev/null; \
	  else echo "chromium is absent and cannot be installed here: the browser test will skip"; fi; \
	fi

# Lint, types, the lock file, then every test (each API test on SQLite and PostgreSQL; the
# migrations check upgrades from empty, downgrades to base and compares with the models) under
# coverage, which must reach 100 % of branches in the domain core.
test: lockcheck lint typecheck browser
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/coverage report --include='app/domain/*' --fail-under=100
	$(BIN)/coverage report --format=total | sed 's/^/total app coverage: /;s/$$/ %/'

# The benchmark of the public read path (bench/run.py): PostgreSQL with 1,000,000 certificates
# and SQLite with 100,000, each against a raw ceiling measured in the same run. BENCH_ARGS
# passes options through, e.g. `make bench BENCH_ARGS="--db postgresql"`.
wrk:
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
	  { echo "wrk is needed: apt-get install wrk"; exit 1; }

bench: install wrk
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-quick: install wrk
	$(BIN)/python -m bench.run --certificates 100000 --seconds 5 --rounds 1 $(BENCH_ARGS)

# Before and after a change to the public read path (bench/compare.py): the code at BASE (a git
# ref, checked out under bench/data) against the working tree, served side by side on the same
# register, base and new interleaved in each round; medians and the change in percent.
# e.g. `make bench-compare BASE=main BENCH_ARGS="--db sqlite --scenarios lookup"`.
bench-compare: install wrk
	@test -n "$(BASE)" || { echo "usage: make bench-compare BASE=<git ref>"; exit 1; }
	$(BIN)/python -m bench.compare --base $(BASE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache .coverage
