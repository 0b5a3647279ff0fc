# sms-emulator: `make serve` and `make test` install what they need into .venv first.
# The first of these that is Python 3.11+ and can make a venv. Debian's /usr/bin/python3 is built with
# profile-guided and link-time optimisation, and runs the emulator about 1.7 times as fast as a default
# source build (pyenv's, say). `make PYTHON=python3.12 ...` picks another one.
PYTHON ?= $(firstword $(foreach candidate,/usr/bin/python3 python3,$(shell $(candidate) -c \
	'import sys, venv, ensurepip; print(sys.executable if sys.version_info >= (3, 11) else "")' 2>/dev/null)))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: install bytecode serve test fuzz bench bench-instructions bench-bytecodes clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "make: needs Python 3.11+ with venv; name one with PYTHON=..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The package's bytecode, written ahead (only what changed is compiled again). An editable install leaves it
# to the first import, and where PYTHONDONTWRITEBYTECODE is set, every start of the server compiled every
# module afresh: about 60 ms of a cold start.
bytecode: install
	@$(BIN)/python -m compileall -q emulator

serve: bytecode
	$(BIN)/sms-emulator serve --host $(HOST) --port $(PORT)

test: bytecode
	$(BIN)/python -m pytest -q -n 2 -p no:cacheprovider

# A long random campaign: every generated-request test and property with FUZZ_EXAMPLES examples each
# (the spec fuzzers send 3 requests per example, so the default gives over 10,000 per provider).
FUZZ_EXAMPLES ?= 3400
fuzz: bytecode
	HYPOTHESIS_PROFILE=fuzz SMS_EMULATOR_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
		$(BIN)/python -m pytest -q -p no:cacheprovider --timeout 0 tests/fuzz tests/core tests/stateful

# Throughput, latency, scale and start-up figures in one run (needs wrk; installed with apt-get when root).
bench: bytecode
	$(BIN)/python -m tests.bench.bench_main

# Instructions per request under valgrind, emulator against bare aiohttp: ratios no other load can move.
bench-instructions: bytecode
	$(BIN)/python -m tests.bench.bench_instructions

# Python bytecodes per request, emulator against bare aiohttp, in-process: seconds, and for a send the same on every host.
# BENCH_TOP=N also lists the emulator's N busiest functions for each request type.
BENCH_TOP ?= 0
bench-bytecodes: bytecode
	$(BIN)/python -m tests.bench.bench_bytecodes --top $(BENCH_TOP)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info
