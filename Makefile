# Two commands matter on a fresh machine: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STATIC := wsoa/static
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help install system-deps run test quick-test lint fmt bench db-upgrade demo clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

install: $(VENV)/.installed $(STATIC)/.built ## Create .venv, install pinned packages, fetch GOV.UK Frontend (idempotent)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STATIC)/.built: node_modules/.installed frontend/app.scss frontend/app.js
	mkdir -p $(STATIC)
	cp -r node_modules/govuk-frontend/dist/govuk/assets/. $(STATIC)/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js frontend/app.js $(STATIC)/
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps frontend/app.scss $(STATIC)/app.css
	touch $@

system-deps: ## Debian packages the tests need: Chromium for browser tests, Liberation fonts for the PDF, poppler for reading PDFs
	@missing=""; \
	for cmd in chromium pdftotext; do command -v $$cmd >/dev/null || missing=yes; done; \
	dpkg -s fonts-liberation >/dev/null 2>&1 || missing=yes; \
	if [ -n "$$missing" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium fonts-liberation poppler-utils >/dev/null; \
	fi

db-upgrade: install
	$(BIN)/wsoa db upgrade

demo: db-upgrade ## Load the demo plan (the Shropshire WSoA) into the database
	$(BIN)/wsoa load-demo

run: demo ## Install, migrate, load the demo plan and serve on http://127.0.0.1:5000
	$(BIN)/wsoa run --host $(HOST) --port $(PORT)

lint: install ## ruff check and format check; mypy on wsoa/domain and wsoa/importing
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: install ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install system-deps lint ## Install and run the whole suite (WSOA_TEST_DATABASE_URL picks the database; SQLite by default)
	$(BIN)/pytest -q

quick-test: install ## The suite without the slow browser, serving and PDF tests (CI runs them all)
	$(BIN)/pytest -q -m "not slow"

bench: install ## Run the benchmarks
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean: ## Remove installed and generated files
	rm -rf $(VENV) node_modules $(STATIC) instance
