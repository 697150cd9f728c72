# The two commands a newcomer needs:  make play   and   make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The CPU build of torch; a plain `torch` could pull a multi-GB CUDA build.
TORCH := torch==2.13.0

.PHONY: install play test bench clean

install: $(STAMP)

# Re-runs only when the project's requirements change, so `make test` stays quick.
$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$(TORCH)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $(STAMP)

play: install
	$(BIN)/embedcraft play

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
