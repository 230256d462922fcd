# "What Is an AI Researcher?": `make lab` to learn, `make test` to check everything.
# Both create .venv on first use; only Python 3.11+ and make are needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

# One BLAS thread: on a 2-core laptop tiny matrix work is 2-4x slower with more.
# Kernels inherit these from the server or test process that starts them.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

NBVAL := --nbval-current-env -p no:cacheprovider -q
PARALLEL := -n auto --dist loadfile

.PHONY: help lab frameworks site test test-browser test-portable bench exercises execute lock clean

help:
	@echo "make lab        start JupyterLab on the first lesson (sets up .venv the first time)"
	@echo "make frameworks install PyTorch and JAX (CPU builds) for lesson 15"
	@echo "make site       build the course as a static website in build/site (no kernel needed to read it)"
	@echo "make test       unit tests, every notebook under nbval, exercises in sync"
	@echo "make bench      time every notebook and the test suite"
	@echo "make test-browser  only the browser tests: every notebook clicked through in JupyterLab"
	@echo "make exercises  regenerate exercises/ from solutions/"
	@echo "make execute    re-execute lessons and solutions in place, then regenerate exercises"
	@echo "make lock       pin the newest allowed releases in constraints.txt (then make execute, make test)"
	@echo "make test-portable  strict nbval under other BLAS kernels and numpy SIMD paths (maintainers)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The course needs Python 3.11 or newer, and $(PYTHON) is " + sys.version.split()[0] + ". Try: make PYTHON=python3.12 $(MAKECMDGOALS)")'
	$(PYTHON) -m venv $(VENV)

# Exact versions from the lock (constraints.txt), so every machine computes with the same
# numpy, scipy and scikit-learn. Reinstalled whenever pyproject.toml or the lock changes.
LOCK := constraints.txt
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(LOCK)

$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP_INSTALL) -e .
	# The kernel spec (this venv's Python, one BLAS thread) and JupyterLab's offline
	# settings, written by the same code that `course lab` runs before every start.
	$(BIN)/course lab --setup-only
	touch $@

# Lesson 15's PyTorch and JAX, the `frameworks` extra, at the lock's versions. PyPI's torch
# for Linux is a CUDA build of several GB: course/frameworks.py installs the CPU build of the
# locked version first (from a wheel pip's find-links offers, else PyTorch's CPU index) and
# never falls back to PyPI's. Learners: `make frameworks`; a GPU: see the README.
$(VENV)/.installed-frameworks: $(VENV)/.installed
	$(BIN)/python -m course.frameworks --lock $(LOCK)
	touch $@

frameworks: $(VENV)/.installed-frameworks

$(VENV)/.installed-test: $(VENV)/.installed-frameworks
	$(PIP_INSTALL) -e '.[test,site,frameworks]'
	touch $@

# A new lock: the newest releases pyproject.toml allows, resolved in a throw-away venv.
# Then `make execute` (outputs may change with the new versions) and `make test`.
LOCK_VENV := build/lock-venv
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(LOCK_VENV)/bin/python -m course.frameworks --newest --extras test,site,frameworks
	$(LOCK_VENV)/bin/python -m course.instructor.lock $(LOCK)
	rm -rf $(LOCK_VENV)

# `course lab` (course/launch.py) is also the command for people without make: it checks the
# kernel spec and offline settings, then starts JupyterLab on lesson 00, offline, with one
# BLAS thread, --no-browser without a screen and --allow-root as root.
# More options for JupyterLab, e.g. make lab LAB_ARGS=--port=9999
LAB_ARGS ?=

lab: $(VENV)/.installed
	$(BIN)/course lab $(LAB_ARGS)

# The linter (ruff, settings in pyproject.toml), then three runs. The first two spread over
# the CPU cores by whole files (--dist loadfile: a notebook's cells must share one kernel):
# unit tests with lessons and solutions under
# strict nbval, then the exercises under nbval-lax, where every check must say "not
# attempted". The third is the browser suite (test-browser).
test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(NBVAL) $(PARALLEL) --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg \
		--ignore=tests/browser tests notebooks solutions
	COURSE_EXPECT_STATUS=not_attempted $(BIN)/python -m pytest $(NBVAL) $(PARALLEL) --nbval-lax exercises
	$(MAKE) --no-print-directory test-browser

# Every lesson and exercise clicked through in JupyterLab, in Debian's Chromium
# (apt-get install chromium; a browser is never downloaded), plus `make lab` and the HTML
# export. Without Chromium the browser tests skip; with CI=true they fail instead.
# Two workers, test by test: each has its own JupyterLab and browser.
test-browser: $(VENV)/.installed-test
	$(BIN)/python -m pytest -p no:cacheprovider -q -rs -n 2 --dist load tests/browser

# Maintainers: strict nbval under other OpenBLAS kernels, numpy's baseline SIMD and two BLAS
# threads (a few minutes). Run it after `make lock` or a change to a lesson's numerics.
test-portable: $(VENV)/.installed-test
	$(BIN)/python -m course.instructor.portable

# The whole course as a static website in build/site, from the committed notebooks (nothing is
# re-executed): Sphinx with myst-nb, offline, self-checks answerable without a kernel.
site: $(VENV)/.installed-test
	$(BIN)/course site

bench: $(VENV)/.installed-test
	$(BIN)/course bench

exercises: $(VENV)/.installed
	$(BIN)/course exercises

execute: $(VENV)/.installed
	$(BIN)/course execute notebooks/*.ipynb solutions/*.ipynb
	$(BIN)/course exercises

clean:
	rm -rf $(VENV) build *.egg-info
