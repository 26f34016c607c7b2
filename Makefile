# The two commands: `make demo` and `make test`. Both install first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
BENCH ?=

.PHONY: install demo test bench lint system-deps clean

install: system-deps $(PIP_STAMP) $(NPM_STAMP)

system-deps:
	@scripts/system_deps.sh

$(PIP_STAMP): pyproject.toml uploader/pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m pip install --quiet --no-deps -e ./uploader
	@touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

demo: install
	DEBUG=1 $(PY) manage.py run_demo

test: install
	@scripts/test.sh

bench: install
	@scripts/bench.sh $(BENCH)

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) node_modules static/vendor var
