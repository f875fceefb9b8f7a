# Two commands: `make run` (demo at http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test bench bench-large storm install install-test setup-demo messages check-messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# The Nu Html Checker for the browser tests: npm's vnu-jar ships the jar (run with Java).
# Its install script, which only looks for a Java to download, is skipped.
VNU_VERSION := 26.9.27
VNU_JAR := $(VENV)/vnu/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR): Makefile
	npm install --prefix $(VENV)/vnu --ignore-scripts --no-save --no-audit --no-fund \
		--loglevel=error vnu-jar@$(VNU_VERSION)
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test $(VNU_JAR)

# The demo loaders, the synthetic generators and the benchmark are in devtools/.
setup-demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) load_demo_data

run: setup-demo
	$(MANAGE) runserver 127.0.0.1:8000

test: install-test
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)

# The portal as in production (gunicorn, DEBUG off) on PostgreSQL and Redis with a decade of
# synthetic data; the first run builds the data set (a few minutes), later runs reuse it.
# devtools/benchmark/ drives it; devtools/synthetic/ makes the data.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/renkei_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
BENCH_ENV = DEBUG=0 DEMO_MODE=0 SECRET_KEY=benchmark-only-not-secret \
	ALLOWED_HOSTS=127.0.0.1,localhost,testserver SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 \
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) LOG_LEVEL=WARNING
bench: install
	$(BENCH_ENV) $(MANAGE) benchmark $(BENCH_ARGS)

# Growth: builds (once, kept) ten times the decade data set in <bench database>_large and
# compares the catalogue, search and dashboard built cold there with the decade data set;
# afterwards `make bench` prints the scale-10 column too.
bench-large: install
	$(BENCH_ENV) $(MANAGE) benchmark --large $(BENCH_ARGS)

# The autosave storm: 70 staff (two per municipality) saving every 1.5 s for 3 minutes, with
# prefecture staff reloading the status board (--watchers), under
# gunicorn; fails when a save the server accepted is not what is stored at the end.
storm: install
	$(BENCH_ENV) $(MANAGE) benchmark --storm $(STORM_ARGS)

# Regenerates the Japanese catalogue from the source; needs GNU gettext.
messages: install
	$(MANAGE) makemessages --locale ja --no-location --no-wrap --ignore '.venv/*' --ignore 'tests/*'
	$(MANAGE) compilemessages --locale ja --ignore '.venv/*'

clean:
	rm -rf $(VENV) var staticfiles *.egg-info
