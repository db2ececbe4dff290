# The few commands this project needs. Each one creates the virtual environment .venv on
# first use and installs what it needs, so `make book` or `make test` work on a fresh clone.
#
#   make book        build the website into _build/html (the README's main command)
#   make test        lint, library tests, notebooks under nbval, exercises, the site in Chromium
#   make lab         write your own copies of the chapters into _student/ and open JupyterLab
#   make progress    which exercises in your _student/ copies pass, and which are left
#   make notebooks   re-run every chapter so its stored outputs are current (FRESH=1: keep none)
#   make serve       serve the built book on http://127.0.0.1:8000
#   make benchmark   time nnlib's training loop against the bare matrix products

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# One BLAS thread wherever outputs are produced or compared, so our runs repeat exactly.
REPRO := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
PYTEST := $(REPRO) $(BIN)/python -m pytest -p no:cacheprovider
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tools/nbval_sanitize.cfg
BUILD_BOOK := $(BIN)/jupyter-book build . --warningiserror --keep-going
# These run in their own stages below; the last two need the built book.
SPECIAL_TESTS := tests/test_exercises.py tests/test_notebooks.py tests/test_site.py \
	tests/test_student_copies.py

.PHONY: book test lab progress notebooks serve benchmark clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-book: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[book]"
	@touch $@

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[book,test]"
	@touch $@ $(VENV)/.installed-book $(VENV)/.installed-lab

book: $(VENV)/.installed-book
	$(BUILD_BOOK)
	@echo
	@echo "The book is ready: file://$(CURDIR)/_build/html/index.html  (or: make serve)"

test: $(VENV)/.installed-test
	@echo "== lint (ruff)"
	$(BIN)/ruff check .
	@echo "== library"
	$(PYTEST) -n 2 tests $(addprefix --ignore=,$(SPECIAL_TESTS))
	@echo "== notebooks (nbval)"
	$(PYTEST) -n 2 --dist loadfile $(NBVAL) chapters
	@echo "== exercises and notebook hygiene"
	$(PYTEST) -n 2 tests/test_exercises.py tests/test_notebooks.py
	@echo "== website and student copies (headless Chromium)"
	$(BUILD_BOOK) -q
	$(PYTEST) -n 2 --dist loadfile tests/test_site.py tests/test_student_copies.py

# The learners' console commands (nnlib/exercises/lab.py and grade.py); the README shows how to
# run them without make.
lab: $(VENV)/.installed-lab
	$(BIN)/nnfs-lab

progress: $(VENV)/.installed-lab
	$(BIN)/nnfs-progress

# FRESH=1 keeps no stored output (after editing a cell tagged "trained"; see tools/refresh.py).
notebooks: $(VENV)/.installed-test
	$(REPRO) $(BIN)/python tools/run_notebooks.py $(if $(FRESH),--fresh)

serve:
	@test -f _build/html/index.html || $(MAKE) book
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

benchmark: $(VENV)/.installed-test
	$(BIN)/python benchmarks/train_mlp.py

clean:
	rm -rf _build _student
