# Shortcuts; the README's two commands work without make.
PY ?= python3.11

.PHONY: run test lint format ci migrate
run:        ## serve on :5000 (embedded default unless DATABASE_URL / REDIS_URL are set)
	$(PY) run.py serve
test:       ## the whole test suite on the local PostgreSQL and Redis
	$(PY) run.py test
lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
format:     ## ruff format over the repository (CI checks it)
	.venv/bin/ruff format .
migrate:
	.venv/bin/flask --app wsgi db upgrade
ci:         ## what CI runs, in a clean clone
	rm -rf /tmp/gatehouse-ci && git clone -q . /tmp/gatehouse-ci && cd /tmp/gatehouse-ci && bash .ci/run

.PHONY: clients
clients:    ## openapi.json and both clients from the code (run it after adding or changing a route)
	.venv/bin/flask --app wsgi openapi write
	PATH="$(CURDIR)/.venv/bin:$$PATH" openapi-python-client generate --path openapi.json \
	  --config clients/python/openapi-python-client.yaml --meta none --output-path clients/python/gatehouse_client --overwrite
	cd clients/typescript && { test -d node_modules || npm ci --no-audit --no-fund; } && npm run --silent generate

.PHONY: bench
bench:      ## the benchmark (bench/README.md): seeds gatehouse_bench, runs wrk and Locust, writes bench/results/
	.venv/bin/python -m pip install --quiet -r bench/requirements.txt
	.venv/bin/python -m bench.run $(BENCH_ARGS)

.PHONY: translations
translations: ## extract the sentences of pages and emails, update every catalogue, compile them (README "Adding a language")
	.venv/bin/pybabel extract -F babel.cfg -k _ -k N_ --no-location --sort-output --omit-header -o app/translations/messages.pot .
	.venv/bin/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching
	.venv/bin/pybabel compile -d app/translations --statistics
