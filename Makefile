# Developer and CI entry points; the work is done by the scripts in hack/.
# CORE selects the ansible-core line (default 2.21, on Python 3.12), e.g. `make units CORE=2.16`.
# Everything runs offline with ansible-test --local in .venv-CORE; see hack/lib.sh.

CORE ?= 2.21
export CORE

.PHONY: help test venv sanity units integration docs-lint build demo matrix bench clean

help:
	@echo "make test         sanity units integration docs-lint build (what CI runs)"
	@echo "make venv         create .venv-$(CORE) (ansible-core $(CORE).x and the test tools)"
	@echo "make sanity       ansible-test sanity --local, no ignore files"
	@echo "make units        ansible-test units --local, then the emulator's own tests"
	@echo "make integration  ansible-test integration --local against three rack emulators"
	@echo "make docs-lint    antsibull-docs lint-collection-docs --plugin-docs, antsibull-changelog lint"
	@echo "make build        ansible-galaxy collection build into .build/ and check the tarball"
	@echo "make demo         run docs/examples/demo.yml against a rack emulator"
	@echo "make matrix       sanity + units on ansible-core 2.16 .. 2.21"
	@echo "make bench        the benchmarks in tests/benchmarks (figures, not assertions)"
	@echo "make clean        remove .build/ and tests/output/ (venvs stay)"

test: sanity units integration docs-lint build

venv:
	hack/venv.sh $(CORE)

sanity:
	hack/sanity.sh $(CORE)

units:
	hack/units.sh $(CORE)

integration:
	hack/integration.sh $(CORE)

docs-lint:
	hack/docs-lint.sh

build:
	hack/build.sh

demo:
	hack/demo.sh

matrix:
	hack/matrix.sh

bench:
	hack/bench.sh

clean:
	rm -rf .build tests/output
