# trafficlib: two commands do everything on a fresh machine.
#   make reports   set up, generate the demo shop, render every report -> reports/index.html
#   make test      set up, generate the demo shop, run the test suite
#   make lab       open JupyterLab on the notebooks
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := data/demo/.generated
JOBS   ?= 2
# The Spark engine's extra (pyspark) is installed when a Java runtime is there, so its
# tests run (Spark local[2], a few minutes); without Java they skip and say why.
EXTRAS := dev$(shell command -v java >/dev/null 2>&1 && echo ",spark")

.PHONY: setup demo reports test lab bench clean help
.DEFAULT_GOAL := help

help:
	@echo "make reports  - render every report on the demo data (reports/index.html)"
	@echo "make test     - run the test suite"
	@echo "make lab      - open JupyterLab on notebooks/"
	@echo "make bench    - run the benchmarks (slow)"

setup: $(STAMP)

# The venv, the package (editable, with dev extras) and the Jupyter kernel, registered
# inside the venv (--sys-prefix) so papermill and JupyterLab from the venv find it.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	$(BIN)/python -m ipykernel install --sys-prefix --name trafficlib --display-name "Python (trafficlib)"
	touch $@

demo: $(DEMO)

$(DEMO): $(STAMP) $(wildcard trafficlib/datasets/*.py)
	$(BIN)/trafficlib demo data/demo
	touch $@

# Both batches run even if one has a failing report; the exit code says if any failed.
# The course first, so the main index (reports/index.html) finds and links it.
reports: $(DEMO)
	@status=0; \
	$(BIN)/trafficlib batch notebooks/course/course.yml --workers $(JOBS) || status=1; \
	$(BIN)/trafficlib batch reports.yml --workers $(JOBS) || status=1; \
	echo "open reports/index.html (reports, with a link to the course in reports/course/)"; \
	exit $$status

test: $(DEMO)
	$(BIN)/python -m pytest -n $(JOBS)

# --allow-root only when run as root (containers); JupyterLab refuses root otherwise.
lab: $(DEMO)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(DEMO)
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf reports/ data/demo/*.parquet data/demo/*.csv data/demo/*.json $(DEMO) data/demo-watch data/watch.duckdb* data/watch.html
