# The two commands a newcomer runs (see README.md):
#   make demo   set everything up, run every demo, write pictures to out/
#   make test   set everything up, run ruff (lint and format check), mypy and the whole test suite
#   make gallery  run every demo into demos/gallery/ (the README's pictures; a test
#                 fails when the committed graph pictures or animation page are stale)
#   make course run our course-style scripts under PyTorch and backproplab.torch, compare
# Both create (or reuse) .venv, install the package with its extras, and make sure
# Graphviz's `dot` is present (installed with apt-get when we are root).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test oracle bench fuzz course dot setup clean dist dist-check gallery

demo: setup
	$(PY) -m demos --out out

gallery: setup
	$(PY) -m demos --out demos/gallery

test: setup
	$(PY) -m ruff check autograd nn backproplab tests demos benchmarks
	$(PY) -m ruff format --check autograd nn backproplab tests demos benchmarks
	$(PY) -m mypy
	$(PY) -m pytest

# The oracle tests: the same suite with PyTorch 2.13 (CPU build) and micrograd installed, so
# every comparison with another engine runs; an oracle test that still skips fails the run.
# CI runs it after `make test`. torch is pinned to the CPU wheel: a plain `pip install torch`
# would pull a multi-GB CUDA build.
oracle: setup
	$(PY) -m pip install torch==2.13.0 micrograd==0.1.0
	BACKPROPLAB_ORACLES=required $(PY) -m pytest

# micrograd comes from the `bench` extra; PyTorch is compared only when it is already
# installed (never installed here: a plain `pip install torch` pulls a multi-GB CUDA build).
bench: setup
	$(PY) -m pip install --progress-bar on -e '.[bench]'
	@echo "make bench: 9 workloads (W1-W9), one subprocess per case; about 5 minutes in all."
	@echo "Each workload's table prints as soon as it is done (python -m benchmarks --quick: ~1 min)."
	$(PY) -u -m benchmarks

# Each script in tests/torch_facade/scripts runs under PyTorch and under backproplab.torch; the
# compare command says "same numbers" or names the first number that differs. Installs
# PyTorch's CPU wheel, pinned as for `make oracle`.
course: setup
	$(PY) -m pip install torch==2.13.0
	@status=0; for f in tests/torch_facade/scripts/*.py; do \
	  $(PY) -m backproplab.torch.compare --seed 0 $$f || status=1; done; exit $$status

# -v names each test as it starts, with the share done so far ([ 33%]).
fuzz: setup
	@echo "make fuzz: 3 property tests x 20,000 random programs each; about 4-5 minutes in all."
	$(PY) -m pytest tests --hypothesis-profile=fuzz -k fuzz -v --durations=0

setup: $(STAMP) dot

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing backproplab (editable) with its test and demo extras into $(VENV):"
	@echo "numpy, matplotlib, scikit-learn, ... (the first time: about a minute)."
	$(PY) -m pip install --progress-bar on --upgrade pip
	$(PY) -m pip install --progress-bar on -e '.[test,demos]'
	touch $@

dot:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Graphviz 'dot' not found: installing Debian's graphviz package"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null) \
	      || { echo "apt-get could not install graphviz"; exit 1; }; \
	  else \
	    echo "Graphviz's 'dot' program is missing. Install it, then run make again:"; \
	    echo "  Debian/Ubuntu: sudo apt-get install graphviz"; \
	    echo "  macOS:         brew install graphviz"; \
	    echo "  conda:         conda install -c conda-forge graphviz"; \
	    exit 1; \
	  fi; }

clean:
	rm -rf $(VENV) out dist build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis

# -- distributions ---------------------------------------------------------------------------
# make dist         the wheel and the sdist, in dist/
# make dist-check   builds both, checks what each holds, installs each into a fresh venv,
#                   smoke-imports the wheel and runs the whole test suite from the unpacked
#                   sdist (tests/project/test_packaging.py::test_distributions; a few minutes)
dist: setup
	rm -rf dist
	$(PY) -m build --outdir dist .

dist-check: setup
	BACKPROPLAB_DIST_CHECK=full $(PY) -m pytest -p no:cacheprovider -s -v \
	  tests/project/test_packaging.py::test_distributions
