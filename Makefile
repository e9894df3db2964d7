# The two commands: `make run` (install + start everything) and `make test` (install + whole suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install -q --disable-pip-version-check
MYSQL_URL ?= mysql://root@127.0.0.1:3306/sebar
PYTEST_WORKERS ?= 2
APT_RUN := libmariadb-dev pkg-config
APT_TEST := $(APT_RUN) chromium docker-compose

.PHONY: run test install install-dev system-deps system-deps-test services lint test-sqlite test-mysql

## run: install what is needed and start web, a worker per queue (config/celery.py), beat (and the sandbox WAHA when WAHA_URL is unset)
run: APT_PACKAGES = $(APT_RUN)
# HOST (default 127.0.0.1: only this machine) and PORT (default 8000), from the environment or .env, say
# where the web server listens.
# WEB_PORT carries PORT to the Procfile because honcho overwrites PORT for every process it starts.
run: system-deps install services
	@$(PY) config/envfile.py .env
	$(PY) manage.py migrate --noinput
	@sandbox=$$($(PY) manage.py shell --no-imports -c "from django.conf import settings; print(int(settings.SANDBOX_MODE))" | tail -n 1); \
	procs="web worker engine webhooks ai imports hooks beat"; [ "$$sandbox" = 1 ] && procs="$$procs waha"; \
	fromenv() { sed -n "s/^$$1=//p" .env 2>/dev/null | head -n 1; }; \
	HOST="$${HOST:-$$(fromenv HOST)}"; PORT="$${PORT:-$$(fromenv PORT)}"; export HOST="$${HOST:-127.0.0.1}"; \
	export WEB_PORT="$${PORT:-8000}"; \
	echo ""; echo "  Sebar is starting: open http://127.0.0.1:$${PORT:-8000}/ and sign up."; \
	case "$${HOST:-127.0.0.1}" in 127.0.0.1|localhost|::1) ;; *) \
	  echo "  Listening on $$HOST:$${PORT:-8000}, reachable from other machines: set ALLOWED_HOSTS and SITE_URL,"; \
	  echo "  and DEBUG=false unless every machine that can reach it is trusted (debug pages show internals).";; esac; \
	[ "$$sandbox" = 1 ] && echo "  Sandbox mode: a built-in WhatsApp emulator plays the phones (set WAHA_URL for a real WAHA)."; \
	if [ -n "$$PORT" ] && [ -z "$$SITE_URL" ] && ! grep -qs '^SITE_URL=' .env; then \
	  export SITE_URL="http://127.0.0.1:$$PORT"; fi; \
	echo ""; exec $(VENV)/bin/honcho -f Procfile.dev start $$procs

## test: install what is needed, lint, check migrations and compose, run the suite on SQLite and MariaDB
test: APT_PACKAGES = $(APT_TEST)
test: system-deps install-dev services lint test-sqlite test-mysql

$(PY):
	python3 -m venv $(VENV)
	$(PIP) --upgrade pip

install: $(PY)
	$(PIP) -r requirements.txt

install-dev: $(PY)
	$(PIP) -r requirements-dev.txt

# Debian packages: mysqlclient's headers, and for tests Chromium and docker-compose. Installed only if missing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Redis (and MariaDB for tests) normally run already; start them if they do not answer.
services:
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || { echo "Starting Redis"; \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null; sleep 1; }
	@if [ "$(APT_PACKAGES)" = "$(APT_TEST)" ]; then \
	  mysqladmin -h 127.0.0.1 -u root ping >/dev/null 2>&1 || { echo "Starting MariaDB"; \
	    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd; \
	    for i in $$(seq 1 30); do mysqladmin -h 127.0.0.1 -u root ping >/dev/null 2>&1 && break; sleep 1; done; }; \
	fi

lint:
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check
	@# An API view drf-spectacular cannot read drops out of /api/docs/ with only a warning: fail on it.
	$(PY) manage.py spectacular --fail-on-warn --validate --file /dev/null
	@# Production settings must raise no security warning (schema-hint warnings are not fatal here).
	@out=$$(DEBUG=false SECRET_KEY=ci-check-$$(date +%s)-a-long-random-value-for-the-deploy-check \
	  ALLOWED_HOSTS=sebar.example $(PY) manage.py check --deploy 2>&1); echo "$$out" | tail -n 3; \
	  if echo "$$out" | grep -qE "\((security|fields|models|urls|templates|admin)\.[EW]"; then echo "$$out"; exit 1; fi
	docker-compose -f docker-compose.yml config -q

test-sqlite:
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile

test-mysql:
	DATABASE_URL=$(MYSQL_URL) $(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile
