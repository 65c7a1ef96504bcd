# Two entry points for a fresh machine (see README): `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: run test install install-dev browser rdf-tools lint bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files keep repeated `make` calls fast; they are redone when pyproject changes.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian's Chromium for the browser tests; nothing is downloaded by the test tools themselves.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	  || echo "warning: could not install chromium; browser tests will be skipped"; }

# Debian's raptor (rapper) and rasqal (roqet): independent RDF parsers and a SPARQL protocol client for the tests.
rdf-tools:
	@command -v rapper >/dev/null 2>&1 && command -v roqet >/dev/null 2>&1 || { \
	  echo "installing Debian's raptor2-utils and rasqal-utils for the export and endpoint tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq raptor2-utils rasqal-utils >/dev/null) \
	  || echo "warning: could not install raptor2-utils/rasqal-utils; rapper/roqet tests will be skipped"; }

run: install
	$(BIN)/kg build --out $(OUT)

test: install-dev browser rdf-tools
	$(BIN)/ruff check kg tests bench
	$(BIN)/python -m pytest -q

lint: install-dev
	$(BIN)/ruff check kg tests bench

bench: install-dev
	$(BIN)/python -m bench

# Longer fuzzing than the suite's few hundred fixed examples: freshly drawn ones (FUZZ_EXAMPLES to change how many).
FUZZ_EXAMPLES ?= 5000
fuzz: install-dev
	KG_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) KG_FUZZ_RANDOM=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py

clean:
	rm -rf $(OUT) $(VENV) .pytest_cache .hypothesis
