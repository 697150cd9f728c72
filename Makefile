# The two commands a newcomer needs:  make play   and   make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The CPU build of torch; a plain `torch` could pull a multi-GB CUDA build.
TORCH := torch==2.13.0

# What the real-window test needs (Debian packages); installed by `make test` when it can.
E2E_TOOLS := Xvfb xdotool xprop import
E2E_PACKAGES := xvfb xdotool x11-utils imagemagick

.PHONY: install play test bench clean e2e-tools

install: $(STAMP)

# Re-runs only when the project's requirements change, so `make test` stays quick.
$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$(TORCH)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $(STAMP)

play: install
	$(BIN)/embedcraft play

# Two workers (the machine's two cores); the tests that share the default world's craft table
# stay on one worker (see tests/conftest.py).
test: install e2e-tools
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# Best effort: without root or apt-get the window test skips and says why.
e2e-tools:
	@missing=""; for tool in $(E2E_TOOLS); do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing the window-test tools ($$missing ) with apt-get..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(E2E_PACKAGES) >/dev/null) \
	      || echo "note: could not install $(E2E_PACKAGES); the window test will be skipped"; \
	  else \
	    echo "note:$$missing not found; the window test will be skipped (apt-get install $(E2E_PACKAGES))"; \
	  fi; \
	fi

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
