# The two quick-start commands. Everything else goes through CMake presets.
JOBS ?= $(shell nproc)
BUILD := build/release
UNMIX := $(BUILD)/unmix

.PHONY: setup build demo test bench asan clean

setup:
	@scripts/setup.sh $(SETUP_GROUPS)

build: setup
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

demo: build
	$(UNMIX) demo --out runs/demo

# The tests also open generated reports in headless Chromium: install the browser group for them.
test: SETUP_GROUPS += browser
test: build
	ctest --preset release -j $(JOBS)

# Kernel benchmarks (Google Benchmark), then the end-to-end jobs against the floor (docs/speed.md).
bench: build
	$(BUILD)/unmix_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
	$(UNMIX) bench

asan: setup
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

# libFuzzer targets for the .mat, ENVI-header and model-file readers (docs/robustness.md):
# FUZZ_SECONDS per target, clang from `scripts/setup.sh fuzz`.
FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz: SETUP_GROUPS += fuzz
fuzz: setup
	fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf build
