# The two commands of the README: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: run test install system-packages migrate demo serve lint format typecheck contracts check messages bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: system-packages $(STAMP)

# Debian packages the project needs beyond Python: Chromium for the browser tests (never Playwright's own
# download), and Pango, HarfBuzz, fontconfig and the DejaVu fonts for WeasyPrint's PDFs. Installed with
# apt-get when missing (as root, or through sudo); otherwise the missing ones are named and make stops.
DEBIAN_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core
system-packages:
	@missing=$$(for package in $(DEBIAN_PACKAGES); do dpkg -s $$package >/dev/null 2>&1 || echo $$package; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
		else echo "Install these Debian packages first: $$missing" >&2; exit 1; fi; \
		echo "Installing Debian packages: $$missing"; \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q $$missing >/dev/null \
		|| { $$sudo apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q $$missing >/dev/null; }; \
	fi

# The compiled .mo files are committed: without GNU gettext (msgfmt) the committed ones are used as they are.
messages: $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(BIN)/python manage.py compilemessages --ignore=.venv -v 0; \
	else \
		echo "msgfmt not found (GNU gettext): using the committed .mo files"; \
	fi

migrate: install messages
	$(BIN)/python manage.py migrate --no-input -v 0

demo: migrate
	$(BIN)/python manage.py load_demo_data --if-empty

serve:
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

run: demo
	$(BIN)/python manage.py demo_logins
	$(MAKE) --no-print-directory serve

test: install messages
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy

contracts: install
	$(BIN)/lint-imports

check: lint typecheck contracts
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# Benchmarks (bench/): the product's code paths against hand-written SQL on generated data, printed and
# written to bench/results/. `make bench DB=sqlite` runs the small scale; SCALE=full is for people, not CI.
DB ?= postgres
SCALE ?= $(if $(filter sqlite,$(DB)),small,medium)
bench: install
	$(BIN)/python -m bench --db $(DB) --scale $(SCALE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* .pytest_cache .mypy_cache .ruff_cache
