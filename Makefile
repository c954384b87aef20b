# deflect — `make help` lists every target.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := config.settings

.DEFAULT_GOAL := help
.PHONY: help demo serve install test lint format browser bench audit-verify clean pdf-libs java

help: ## List every target
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("deflect needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --python $(BIN)/python --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create the virtual environment and install deflect with its test tools

demo: $(STAMP) ## Set up the SQLite database with demo data and run the app on http://127.0.0.1:8000
	@scripts/ensure-pdf-libs.sh || echo "(without them only the resource guide's PDF is missing)"
	$(BIN)/deflect demo
	$(BIN)/deflect serve

serve: $(STAMP) ## Run the app without loading demo data
	$(BIN)/deflect serve

browser: ## Make sure Chromium is installed for the browser tests (apt-get when missing)
	@scripts/ensure-chromium.sh

pdf-libs: ## Make sure the Debian libraries WeasyPrint needs for PDFs are installed
	@scripts/ensure-pdf-libs.sh

java: ## Make sure a Java runtime is installed for the Spark linkage test (apt-get when missing)
	@scripts/ensure-java.sh

lint: $(STAMP) ## Lint with ruff, then type-check with mypy (zero errors)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --diff deflect config benchmarks
	$(BIN)/python scripts/mypy-check.py

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format deflect config benchmarks

test: $(STAMP) browser pdf-libs java lint ## Install what the tests need, lint, and run every test (DATABASE_URL picks the database)
	$(BIN)/python -m pytest

bench: $(STAMP) ## Run the benchmarks and write docs/benchmarks.md
	$(BIN)/python benchmarks/run.py

audit-verify: $(STAMP) ## Verify the audit log hash chain
	$(BIN)/deflect audit verify

clean: ## Remove the virtual environment, local database and caches
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache test-results
