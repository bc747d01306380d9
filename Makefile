# LwCL's front door. The README's two commands:
#   make demo   set up what is missing, build, run the main job
#   make test   set up what is missing, build, run every test (what CI runs)
# Everything else is a step of those two.
JOBS ?= 2
FUZZ_SECONDS ?= 20
export LWCL_FUZZ_SECONDS := $(FUZZ_SECONDS)

.PHONY: demo test setup build asan fuzz firmware bench clean help

help:
	@sed -n '2,5p' Makefile | sed 's/^# //'
	@echo "Other targets: setup build firmware bench fuzz (FUZZ_SECONDS=600 make fuzz) clean"

setup:
	@scripts/bootstrap.sh

build: setup
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev -j$(JOBS)

firmware: setup
	@scripts/firmware.sh

fuzz: setup
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j$(JOBS)
	@ctest --preset fuzz

bench: build
	@scripts/bench.sh

test: setup
	@JOBS=$(JOBS) scripts/test-all.sh

demo: build
	@scripts/demo.sh

clean:
	rm -rf build build-asan build-fuzz build-release
