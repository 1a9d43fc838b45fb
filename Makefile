# The Celery + Django guide. `make help` lists the targets.

# --- Configuration ------------------------------------------------------------
PYTHON      ?= $(shell command -v python3.11 || command -v python3)
VENV        := .venv
BIN         := $(VENV)/bin
# The languages, from docs/languages.toml (the one list: conf.py, tools/ and the tests read it too).
LANGUAGES   := $(shell $(PYTHON) -c 'import tomllib; print(*tomllib.load(open("docs/languages.toml", "rb")))')
LANGUAGE    ?= en
SOURCEDIR   := docs
BUILDDIR    := _build
SPHINXOPTS  ?= -W --keep-going
SPHINXBUILD := $(BIN)/sphinx-build -c . $(SPHINXOPTS)
PYTEST_ARGS ?=
# The test files run on this many processes (pytest-xdist); each process has its own servers.
PYTEST_JOBS ?= 2
LIVEHTML_PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help html offline livehtml gettext update-po format-po stat doctest lint test test-times test-matrix bench clean

help: ## List the targets
	@echo "Usage: make <target> [LANGUAGE=en|ko]"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-11s %s\n", $$1, $$2}'

# The virtual environment is rebuilt whenever a requirements file changes.
$(BIN)/.installed: requirements/dev.txt requirements/docs.txt requirements/constraints.txt example/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt -c requirements/constraints.txt
	touch $@

# make html builds nothing while a catalog has a mistake that would damage a Korean page
# (broken syntax or markup, English or changed numbers left in, a translator's note).
# What only leaves English on a page (untranslated, fuzzy or stale entries after an
# English edit) does not stop a writer's build; make lint and make test refuse it.
# The build itself refuses translated code that differs from its source.
# A language whose build fails loses its output, or the next run would find the broken
# pages up to date (Sphinx builds only what changed) and succeed.
CATALOG_CHECKS = $(BIN)/python -m tools.lint_po --skip untranslated --skip fuzzy --skip obsolete \
  --skip msgid --skip obsolete-catalog --skip missing-catalog --skip terms --skip wrapping --skip same-code

# The site: each language, its offline copies (linked from its home page), then the files
# at the top (index.html, robots.txt, sitemap.xml, 404.html), which need every language.
html: $(BIN)/.installed ## Check the catalogs, then build the site into _build/html/: {en,ko}/, offline copies, root files
	@$(CATALOG_CHECKS) || { echo "make html: fix the catalogs (reports above), then run it again"; exit 1; }
	@for lang in $(LANGUAGES); do \
	  echo "== $$lang"; \
	  $(SPHINXBUILD) -q -b html -D language=$$lang $(SOURCEDIR) $(BUILDDIR)/html/$$lang \
	    || { rm -rf $(BUILDDIR)/html/$$lang; exit 1; }; \
	done
	@$(MAKE) --no-print-directory offline
	@$(BIN)/python -m tools.site_root $(BUILDDIR)/html
	@echo "Open $(BUILDDIR)/html/index.html"

offline: $(BIN)/.installed ## Build each language's EPUB and zipped HTML into _build/html/<language>/offline/
	@for lang in $(LANGUAGES); do \
	  echo "== $$lang: offline copies"; \
	  $(BIN)/python -m tools.offline $$lang || exit 1; \
	done

livehtml: $(BIN)/.installed ## Serve one language and rebuild on change (LANGUAGE=ko)
	$(BIN)/sphinx-autobuild -c . -D language=$(LANGUAGE) $(SOURCEDIR) $(BUILDDIR)/live/$(LANGUAGE) --port $(LIVEHTML_PORT) \
	  --watch example --watch locale --watch conf.py --ignore "*.mo" --ignore "*/.broker/*" \
	  --ignore "*.sqlite3*" --ignore "*/__pycache__/*" \
	  --ignore "$(SOURCEDIR)/_generated"

gettext: $(BIN)/.installed ## Extract the English text into _build/gettext/*.pot
	$(SPHINXBUILD) -q -b gettext $(SOURCEDIR) $(BUILDDIR)/gettext

update-po: gettext ## Bring locale/ko/ catalogs up to date with the English pages
	$(BIN)/sphinx-intl update -p $(BUILDDIR)/gettext -d locale -l ko

format-po: $(BIN)/.installed ## Rewrap the Korean catalogs the one way lint accepts
	$(BIN)/python -m tools.lint_po --format

stat: $(BIN)/.installed ## Count translated, fuzzy and untranslated entries
	$(BIN)/sphinx-intl stat -d locale -l ko

doctest: $(BIN)/.installed ## Run the pages' doctests in both languages on a real worker
	@for lang in $(LANGUAGES); do \
	  echo "== $$lang"; \
	  $(SPHINXBUILD) -q -b doctest -D language=$$lang $(SOURCEDIR) $(BUILDDIR)/doctest/$$lang || exit 1; \
	done

lint: $(BIN)/.installed ## Fast static checks: Python style, catalogs, page rules
	$(BIN)/ruff check .
	$(BIN)/python -m tools.lint

test: $(BIN)/.installed lint html doctest ## Everything: lint, both builds, doctests, pytest
	$(BIN)/python -m pytest -n $(PYTEST_JOBS) --dist loadfile $(PYTEST_ARGS)

test-times: $(BIN)/.installed ## Run the test suite and print its 15 slowest tests
	$(BIN)/python -m pytest -n $(PYTEST_JOBS) --dist loadfile -q --durations=15 $(PYTEST_ARGS)

test-matrix: $(BIN)/.installed ## Run the example, doctests and page replays on each version combination
	$(BIN)/nox --noxfile noxfile.py

bench: $(BIN)/.installed ## Print timings: tasks, builds, page weight, Lighthouse
	$(BIN)/python -m tools.bench
	$(BIN)/python -m tools.bench_site
	$(BIN)/python -m tools.bench_load

clean: ## Remove build output and the example's runtime files
	rm -rf $(BUILDDIR) .nox example/db.sqlite3 example/.broker
	find locale -name '*.mo' -delete
