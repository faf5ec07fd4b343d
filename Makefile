# The two quick-start commands, and the CI stages. Everything else goes through CMake presets.
# Each stage prints its wall time (scripts/timed.sh); docs/development.md has the budget.
JOBS ?= $(shell nproc)
BUILD := build/release
UNMIX := $(BUILD)/unmix
TIMED := scripts/timed.sh
# WERROR=ON turns compiler warnings into errors (CI sets it); unset, the configure steps pass
# nothing and the build keeps whatever the cache holds (default OFF).
WERROR ?=
CMAKE_ARGS := $(if $(WERROR),-DUNMIX_WERROR=$(WERROR))

.PHONY: setup configure build cli demo test bench asan asan-build asan-test fuzz format format-check clean

# The Python module is part of the build (docs/python.md): its packages come with every setup.
SETUP_GROUPS ?=
override SETUP_GROUPS += python
setup:
	@$(TIMED) setup scripts/setup.sh $(SETUP_GROUPS)

configure: setup
	@$(TIMED) configure-release cmake --preset release $(CMAKE_ARGS)

# The library and the command-line tool only: what the demo runs.
cli: configure
	@$(TIMED) build-cli cmake --build --preset release -j $(JOBS) --target unmix_cli

# Everything: library, tool, tests, benchmarks.
build: configure
	@$(TIMED) build-release cmake --build --preset release -j $(JOBS)

demo: cli
	$(UNMIX) demo --out runs/demo

# The tests also open generated reports in headless Chromium: install the browser group for them.
test: SETUP_GROUPS += browser
test: build
	@$(TIMED) test-release ctest --preset release -j $(JOBS)

# Kernel benchmarks (Google Benchmark), then the end-to-end jobs against the floor (docs/speed.md).
bench: build
	$(BUILD)/unmix_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
	$(UNMIX) bench

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (-O1, line tables).
asan: asan-test

asan-build: setup
	@$(TIMED) configure-asan cmake --preset asan $(CMAKE_ARGS)
	@$(TIMED) build-asan cmake --build --preset asan -j $(JOBS)

asan-test: asan-build
	@$(TIMED) test-asan ctest --preset asan -j $(JOBS)

# libFuzzer targets for the .mat, ENVI-header and model-file readers (docs/robustness.md):
# FUZZ_SECONDS per target, clang from `scripts/setup.sh fuzz`.
FUZZ_SECONDS ?= 60
fuzz: SETUP_GROUPS += fuzz
fuzz: setup
	@$(TIMED) fuzz fuzz/run.sh $(FUZZ_SECONDS)

# Formats the sources in place with .clang-format; scripts/check_format.sh lists what differs.
CLANG_FORMAT ?= clang-format
format: SETUP_GROUPS += format
format: setup
	find src include tests bench fuzz python -type f \( -name '*.cpp' -o -name '*.hpp' \) -print0 \
	  | xargs -0 -r $(CLANG_FORMAT) -i

format-check: SETUP_GROUPS += format
format-check: setup
	@$(TIMED) format-check env CLANG_FORMAT=$(CLANG_FORMAT) scripts/check_format.sh

clean:
	rm -rf build
