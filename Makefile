# refute — setup, build and test. Two commands on a fresh machine:
#   make demo   # installs everything missing, builds, then a watcher disproves a faulty proposal on the devnet
#   make test   # the whole suite
#
# Build caches live outside the clone (REFUTE_CACHE_DIR, default ~/.cache/refute)
# so CI runs and other clones reuse them.

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

REFUTE_CACHE_DIR ?= $(HOME)/.cache/refute
export REFUTE_CACHE_DIR
export CARGO_TARGET_DIR ?= $(REFUTE_CACHE_DIR)/target
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
REFUTE := $(VENV)/bin/refute
# Debian packages: the guest toolchain (rustc/cargo 1.96 + std source; rust-lld
# is a symlink to lld-22) and what building the native core needs.
APT_PACKAGES := rustc-web cargo-web rust-web-src lld-19 lld-22 pkg-config libssl-dev
STAMP := $(REFUTE_CACHE_DIR)/stamps
# Exact versions: a linter release with new rules must not turn CI red on its own.
LINTERS := ruff==0.17.6 mypy==2.4.1 types-requests==2.33.0.20261030
CLIPPY := cargo clippy --release --locked

.PHONY: all deps venv guests native install develop lint fmt test test-fast demo demo-dev bench bench-gate clean-guests ci

all: install

$(STAMP):
	mkdir -p $(STAMP)

## deps: Debian packages (idempotent; skips apt when everything is present)
deps: | $(STAMP)
	. .ci/phase.sh deps
	missing=""
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done
	if [ -n "$$missing" ]; then
	  echo "installing Debian packages:$$missing"
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo
	  $$SUDO apt-get update -qq
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing
	fi

## venv: the project's virtualenv with build and test tools
venv: $(VENV)/.ready
$(VENV)/.ready: pyproject.toml
	. .ci/phase.sh venv
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q "maturin>=1.5,<2" "cffi>=1.16" pytest hypothesis pyyaml $(LINTERS)
	touch $@

# What each build reads: a target is rebuilt only when one of these changed since
# its stamp (make lint, make test and make bench-gate each depend on install).
GUEST_SOURCES := $(shell find guest native/crates native/pack native/Cargo.lock -type f -not -path '*/target/*' 2>/dev/null)
NATIVE_SOURCES := $(shell find native -type f -not -path '*/target/*' 2>/dev/null) pyproject.toml
GUESTS_BUILT := refute/prover/guests/.built
INSTALLED := $(VENV)/.installed

## guests: build the zkVM guests with Debian's rustc (-Zbuild-std, no rzup)
guests: $(GUESTS_BUILT)
$(GUESTS_BUILT): $(GUEST_SOURCES) guest/image-ids.json | deps
	. .ci/phase.sh guests
	# cargo would look for make's jobserver, whose pipes Python's subprocesses close
	unset MAKEFLAGS MFLAGS
	python3 guest/build.py
	touch $@

## install: the guests, and the native core (maturin, cffi) + the Python packages, editable.
## The two build side by side (make runs two jobs, below): the guests need only the
## small packing tool (native/pack), not the native core, and a cold native build
## spends long stretches compiling one C++ kernel on one core.
install:
	$(MAKE) --no-print-directory --jobs=2 $(INSTALLED) $(GUESTS_BUILT)
$(INSTALLED): $(VENV)/.ready $(NATIVE_SOURCES) | deps
	. .ci/phase.sh install
	unset MAKEFLAGS MFLAGS
	$(PIP) install -q -e ".[test]"
	$(PY) -c "import refute.cli, refute.prover, refute.verifier, refute._native; print('refute installed')"
	touch $@

develop: install

## lint: formatters and linters (CI runs this before the tests and fails on any finding;
## mypy needs the installed package and its dependencies)
lint: install
	. .ci/phase.sh lint
	$(PIP) install -q $(LINTERS)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	(cd native && cargo fmt --all --check)
	(cd guest && cargo fmt --all --check)
	(cd native && $(CLIPPY) --workspace --all-targets --features refute-da/bn254 -- -D warnings)
	(cd native && $(CLIPPY) -p refute-stf -p refute-da -p refute-fault --lib --no-default-features -- -D warnings)

## fmt: apply the formatters
fmt: venv
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .
	(cd native && cargo fmt --all)
	(cd guest && cargo fmt --all)

## test: the whole suite (conformance tests read $$REFUTE_FIXTURES, default ../shared)
test: install
	. .ci/phase.sh test
	(cd native && cargo test --profile release-test --locked -p refute-pack -p refute-forks -p refute-da -p refute-stf -p refute-fault --features refute-da/bn254,refute-fault/generate)
	$(PY) -m pytest -ra --durations=20

## demo: the built-in devnet replays an incident; the watcher proves the fault (real proving)
demo: install
	. .ci/phase.sh demo
	$(REFUTE) demo

## demo-dev: both incidents with fake receipts (dev mode, labelled), about a minute each
demo-dev: install
	. .ci/phase.sh demo-dev
	$(REFUTE) demo --dev --scenario seeding
	$(REFUTE) demo --dev --scenario oracle

bench: install
	. .ci/phase.sh bench
	$(PY) benchmarks/run.py

## bench-gate: CI's proof-cost gate: fails when a cycle count grows >2% over benchmarks/baseline.json
bench-gate: install
	. .ci/phase.sh bench-gate
	$(REFUTE) bench --quick --no-plots --out "$${TMPDIR:-/tmp}/refute-bench"

clean-guests:
	rm -f refute/prover/guests/*.bin refute/prover/guests/manifest.json $(GUESTS_BUILT)
