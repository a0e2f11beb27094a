# gasket: two commands on a fresh Debian/Ubuntu machine: `make run` and `make test`.
# Both install what is missing (Debian packages through apt when run as root or with passwordless sudo;
# otherwise they print the command to run), then build in release mode.

SHELL := /bin/bash
CARGO ?= cargo
NPROC := $(shell nproc 2>/dev/null || echo 1)
BIN := target/release/gasket

# Debian packages: MPI, parallel HDF5, libclang for the bindgen step of mpi-sys, fontconfig/freetype and a
# font for PNG plots, h5dump and h5py (the tests read files written by several ranks with outside tools),
# numpy and matplotlib for the scaling study plots.
APT_PACKAGES := libopenmpi-dev openmpi-bin libhdf5-openmpi-dev libclang-dev pkg-config \
                libfontconfig1-dev libfreetype-dev fonts-dejavu-core hdf5-tools \
                python3 python3-h5py python3-numpy python3-matplotlib

# OpenMPI refuses to run as root (CI, containers) and to oversubscribe cores unless told to.
export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1
export OMPI_MCA_rmaps_base_oversubscribe := 1

# Debian's python3 sees the apt packages (h5py, matplotlib); a pyenv/conda python3 first on PATH may not.
PYTHON ?= $(shell [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)

.PHONY: all deps build run test test-suites bench roofline lint fmt cases meshes scaling scaling-setup convergence time-to-accuracy clean

all: build

deps:
	@command -v $(CARGO) >/dev/null || { echo "error: cargo not found. Install Rust (stable) with rustup: https://rustup.rs"; exit 1; }
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null; then \
	    echo "error: missing packages:$$missing and no apt-get here."; \
	    echo "  On a cluster, load an MPI and a parallel HDF5 module instead, e.g.:"; \
	    echo "    module load openmpi hdf5/parallel   # then: HDF5_DIR=\$$HDF5_ROOT make build"; \
	    exit 1; \
	  elif [ "$$(id -u)" = 0 ]; then SUDO=""; \
	  elif sudo -n true 2>/dev/null; then SUDO="sudo"; \
	  else \
	    echo "error: missing Debian packages:$$missing"; \
	    echo "  run: sudo apt-get update && sudo apt-get install -y --no-install-recommends$$missing"; \
	    exit 1; \
	  fi; \
	  echo "installing:$$missing"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends$$missing; \
	fi

build: deps
	$(CARGO) build --release

# The default case: 2D Riemann problem A on a built-in 200 x 200 mesh, about a minute on two cores.
run: build
	$(BIN) run jobs/cases/default.toml --threads $(NPROC) --output output/default
	$(BIN) plot output/default/final.h5 --field density -o output/default/density.png

# Runs every test suite, also those after a failing one; the last line totals all suites ("tests: N passed,
# N failed") and the status is non-zero if any test failed. The tests run Python as GASKET_PYTHON (PYTHON).
test: build
	@$(MAKE) --no-print-directory test-suites

# `make test` without the build step (tests/tooling.rs runs it with a stand-in cargo and its own log).
TEST_LOG ?= target/test.log
test-suites:
	@mkdir -p $(dir $(TEST_LOG)); set -o pipefail; \
	GASKET_PYTHON='$(PYTHON)' $(CARGO) test --release --workspace --no-fail-fast 2>&1 | tee $(TEST_LOG); status=$$?; \
	awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($$(i+1) ~ /^passed/) p += $$i; if ($$(i+1) ~ /^failed/) f += $$i } } \
	     END { printf "tests: %d passed, %d failed\n", p, f }' $(TEST_LOG); exit $$status

bench: build
	$(CARGO) bench

# Peak FLOP rate, bandwidths, exp/erfc and flux costs of this machine (docs/roofline.md).
roofline:
	$(CARGO) run --release --example roofline

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --release --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

# Gmsh meshes of the cases that use them (jobs/meshes/*.geo -> *.msh); installs Debian's gmsh if missing.
MESHES := $(patsubst %.geo,%.msh,$(wildcard jobs/meshes/*.geo))
meshes: $(MESHES)
jobs/meshes/%.msh: jobs/meshes/%.geo
	@command -v gmsh >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq --no-install-recommends gmsh; \
	  elif sudo -n true 2>/dev/null; then sudo apt-get install -y -qq --no-install-recommends gmsh; \
	  else echo "error: gmsh is missing: sudo apt-get install gmsh"; exit 1; fi; }
	gmsh -2 $< -format msh41 -o $@ > $@.log 2>&1 || { cat $@.log; exit 1; }
	@rm -f $@.log

# Every shipped case at the paper's resolution (long: tens of minutes), with PNG plots for docs/validation.md.
cases: build meshes
	jobs/run_cases.sh

# Small strong + weak scaling study on this machine (a few minutes): output/scaling/quick-<time>/ with
# study.csv, PNG plots and model.txt (modelled efficiency at 64 and 1024 ranks); output/scaling/latest links to it.
scaling: build
	$(PYTHON) jobs/scaling/scaling.py --quick

# Set-up time and peak memory per rank at a fixed number of elements per rank on 1, 2, 4 ranks (WENO5 with
# blocks and METIS, SCFV, CPR p = 3; a few minutes): output/scaling/setup_memory/ with setup_memory.md, .csv
# and .png. The full study with WENO5 2000 x 2000 on 1 and 4 ranks (9 GB):
# $(PYTHON) jobs/scaling/setup_memory.py --strong
scaling-setup: build
	$(PYTHON) jobs/scaling/setup_memory.py --quick

# Vortex on irregular triangles to t = 10, SCFV-GKS and second order on 2 ranks (about 15 minutes on two
# cores): output/convergence/ with convergence.csv, convergence.md and the error-versus-h/time plots.
convergence: build
	$(PYTHON) jobs/convergence/vortex_tri.py --out output/convergence

# Time to PyFR's accuracy on the vortex to t = 10: every scheme on its meshes, 1 rank x 2 threads (minutes on two
# cores; the finest meshes dominate): output/time_to_accuracy/ with tables.md, results.json and
# time_to_accuracy.png. A smoke test: $(PYTHON) jobs/benchmarks/time_to_accuracy.py --quick
time-to-accuracy: build
	$(PYTHON) jobs/benchmarks/time_to_accuracy.py --binary $(BIN)

clean:
	$(CARGO) clean
