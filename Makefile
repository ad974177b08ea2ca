# The two commands a newcomer runs (see README.md):
#   make demo   set everything up, run every demo, write pictures to out/
#   make test   set everything up, run ruff, mypy and the whole test suite
#   make course run our course-style scripts under PyTorch and backproplab.torch, compare
# Both create (or reuse) .venv, install the package with its extras, and make sure
# Graphviz's `dot` is present (installed with apt-get when we are root).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test bench fuzz course dot setup clean

demo: setup
	$(PY) -m demos --out out

test: setup
	$(PY) -m ruff check autograd nn backproplab tests demos benchmarks
	$(PY) -m mypy
	$(PY) -m pytest

# micrograd comes from the `bench` extra; PyTorch is compared only when it is already
# installed (never installed here: a plain `pip install torch` pulls a multi-GB CUDA build).
bench: setup
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m benchmarks

# Each script in tests/torch_facade/scripts runs under PyTorch and under backproplab.torch; the
# compare command says "same numbers" or names the first number that differs. Needs torch.
course: setup
	@$(PY) -c "import torch" 2>/dev/null || { echo "make course needs PyTorch (pip install torch --index-url https://download.pytorch.org/whl/cpu)"; exit 1; }
	@status=0; for f in tests/torch_facade/scripts/*.py; do \
	  $(PY) -m backproplab.torch.compare --seed 0 $$f || status=1; done; exit $$status

fuzz: setup
	$(PY) -m pytest tests --hypothesis-profile=fuzz -k fuzz

setup: $(STAMP) dot

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,demos]'
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
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis
