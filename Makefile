# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run   - set up and serve the portal with the seed content
#   make test  - install what the tests need and run the whole suite
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST := 127.0.0.1
PORT := 8000
# Everything under var/ is its owner's alone: the database (applicants' data,
# password hashes, sessions), the secret key, mail, backups. Every recipe line
# that may write there starts with it (each line is a shell of its own).
PRIVATE := umask 077;

.PHONY: help run serve test fuzz test-faults lint format screenshots messages clean backup restore

help:
	@echo "make run          set up and serve the portal at http://$(HOST):$(PORT)/ (development)"
	@echo "make test         install the test tools and run the whole suite (a sample of the generated hostile input)"
	@echo "make fuzz         all 10,100 generated hostile request bodies (hypothesis profile ci-fuzz)"
	@echo "make test-faults  the slow load and fault tests: gunicorn, PostgreSQL, Redis"
	@echo "make serve        the production-like server: gunicorn, DEBUG off, whitenoise"
	@echo "make lint         ruff"
	@echo "make screenshots  renew the README's screenshots in docs/screenshots/"
	@echo "make messages     refresh the Chinese catalogue from the code and locale/fragments/"
	@echo "make backup       copy the database, images and documents to var/backups/ (while serving)"
	@echo "make restore FILE=var/backups/portal-....tar.gz   bring a backup back"
	@echo "make bench        measure the production-like server (wrk); report in var/bench/ and docs/benchmark.md"
	@echo "make audit        Lighthouse on 8 pages in both languages; report in var/audit/ and docs/audit.md"

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The database, its shared cache table (the rate limits count there) and the
# seed content. load_seeds keeps whatever staff have edited in the admin.
.PHONY: database
database: $(VENV)/.runtime var/secret_key
	$(PRIVATE) mkdir -p var && chmod 700 var
	$(PRIVATE) $(MANAGE) migrate --no-input -v 0
	$(PRIVATE) $(MANAGE) createcachetable
	$(PRIVATE) $(MANAGE) load_seeds

# Links in mail name the address served on, unless PORTAL_SITE_URL says
# otherwise (a proxy in front, a domain name).
run serve: export PORTAL_SITE_URL ?= http://$(HOST):$(PORT)

run: export PORTAL_DEBUG = 1
run: database
	$(PRIVATE) $(MANAGE) demo_accounts
	@echo ""
	@echo "  The portal:  http://$(HOST):$(PORT)/"
	@echo "  The admin:   http://$(HOST):$(PORT)/$${PORTAL_ADMIN_PATH:-admin/}  (accounts above; also in var/demo-accounts.txt)"
	@echo ""
	$(PRIVATE) $(MANAGE) runserver $(HOST):$(PORT)

var/secret_key:
	$(PRIVATE) mkdir -p var && chmod 700 var
	$(PRIVATE) $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

serve: export PORTAL_DEBUG = 0
serve: export PORTAL_HTTPS ?= 0
serve: export PORTAL_ALLOWED_HOSTS ?= $(HOST),localhost
serve: database
	$(PRIVATE) $(MANAGE) collectstatic --no-input -v 0
	@echo "  The portal (production-like): http://$(HOST):$(PORT)/"
	@# No gunicorn access log: its request line holds the query string (an
	@# admin search for an e-mail address); the portal logs each request itself.
	$(PRIVATE) $(VENV)/bin/gunicorn portal.wsgi --bind $(HOST):$(PORT) --workers 3

test: $(VENV)/.dev
	bash scripts/install-browser.sh
	$(PY) -m ruff check .
	PORTAL_DEBUG=1 $(MANAGE) makemigrations --check --dry-run
	$(PY) -m pytest

# The generated hostile request bodies in full: 10,100, where `make test`
# sends a derandomised tenth (the hypothesis profiles in tests/conftest.py).
fuzz: $(VENV)/.dev
	PORTAL_FUZZ=1 $(PY) -m pytest tests/applications/test_hostile_input.py -p no:cacheprovider

# Real gunicorn servers under load while workers, the database and the mail
# server fail; PostgreSQL and Redis are installed from Debian when missing.
test-faults: $(VENV)/.dev
	$(PY) -m pytest -m faults tests/faults -p no:cacheprovider

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

screenshots: $(VENV)/.dev
	bash scripts/install-browser.sh
	$(PY) -m pytest tests/browser/screenshots.py -q -p no:cacheprovider

# Needs GNU gettext (apt-get install gettext); a fresh clone does not, since
# the compiled catalogue is committed.
messages: $(VENV)/.runtime
	mkdir -p var
	PORTAL_DEBUG=1 $(MANAGE) makemessages -l zh_Hans --no-location --no-obsolete -i "$(VENV)/*" -i "var/*" -i "tests/*"
	msgcat --use-first locale/fragments/*.po -o var/compendium.po
	@# makemessages guesses fuzzy translations from similar strings: drop the
	@# guesses, but keep the header (its charset) that it also marks fuzzy.
	sed -i '1,/^$$/{/^#, fuzzy$$/d}' locale/zh_Hans/LC_MESSAGES/django.po
	@# Chinese has one plural form; xgettext leaves room for two.
	sed -i '/^msgstr\[1\] ""$$/d' locale/zh_Hans/LC_MESSAGES/django.po
	msgattrib --clear-fuzzy --empty -o locale/zh_Hans/LC_MESSAGES/django.po \
		locale/zh_Hans/LC_MESSAGES/django.po
	@# The fragments hold the reviewed Chinese: where they and django.po
	@# differ, the fragment wins (msgmerge -C alone only fills empty entries).
	@# msgmerge then keeps only the msgids that the code still uses.
	@# (the first file only keeps django.po's own header).
	sed -n '1,/^$$/p' locale/zh_Hans/LC_MESSAGES/django.po > var/header.po
	msgcat --use-first var/header.po var/compendium.po \
		locale/zh_Hans/LC_MESSAGES/django.po -o var/translations.po
	msgmerge --quiet --no-fuzzy-matching --no-location \
		-o locale/zh_Hans/LC_MESSAGES/django.po \
		var/translations.po locale/zh_Hans/LC_MESSAGES/django.po
	msgattrib --no-obsolete -o locale/zh_Hans/LC_MESSAGES/django.po \
		locale/zh_Hans/LC_MESSAGES/django.po
	PORTAL_DEBUG=1 $(MANAGE) compilemessages -l zh_Hans -v 0
	@# A fragment keeps only text the code still has.
	bash scripts/prune-fragments.sh
	@msgattrib --untranslated locale/zh_Hans/LC_MESSAGES/django.po | grep -c '^msgid' | \
		xargs -I{} echo "untranslated entries (0 or 1 means none: the header): {}"

# A consistent copy while the portal serves: SQLite's online backup or
# pg_dump, and MEDIA_ROOT, in one archive under var/backups/.
backup: $(VENV)/.runtime
	$(PRIVATE) $(MANAGE) backup

restore: $(VENV)/.runtime
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/portal-....tar.gz" >&2; exit 2; }
	$(PRIVATE) $(MANAGE) restore "$(FILE)"

# The benchmark and the Lighthouse audit each start the production-like server
# on a database of their own (var/bench/, var/audit/), never var/portal.sqlite3.
# A smaller run to try things: make bench BENCH_INQUIRIES=50000 BENCH_DURATION=5
BENCH_COLLEGES ?= 3000
BENCH_INQUIRIES ?= 1000000
.PHONY: bench audit
bench: $(VENV)/.runtime var/secret_key
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(PRIVATE) $(PY) -m bench --colleges $(BENCH_COLLEGES) --inquiries $(BENCH_INQUIRIES) --docs docs/benchmark.md

# Lighthouse is pinned in tools/audit/package-lock.json and drives Debian's
# Chromium: nothing may download a browser.
tools/audit/node_modules/.installed: tools/audit/package-lock.json
	command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }
	cd tools/audit && PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 \
		npm ci --no-audit --no-fund --loglevel=error
	touch $@

audit: $(VENV)/.runtime var/secret_key tools/audit/node_modules/.installed
	bash scripts/install-browser.sh
	$(PRIVATE) $(PY) -m bench.audit --docs docs/audit.md

clean:
	rm -rf $(VENV) var
