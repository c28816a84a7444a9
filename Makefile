# The two commands of the README: `make demo` and `make test`.
# Both create .venv in the repository root when needed, so either can run first.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MIRROR ?= $(abspath ../shared/datasets)

.PHONY: demo test install clean

$(STAMP): setup.cfg pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# CPU build on this machine's disk; a bare `torch` would pull a CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	# the quick recipe; it ends with this machine's matmul rate and CPU-s / arithmetic floor.
	# Today's full recipe: `$(BIN)/python -m classifier.cli demo --full --out demo-full`
	$(BIN)/python -m classifier.cli demo --out demo

test: $(STAMP)
	CORPORA_MIRROR=$${CORPORA_MIRROR:-$(MIRROR)} $(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) *.egg-info demo
