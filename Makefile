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

test: build
	ctest --preset release -j $(JOBS)

bench: build
	$(BUILD)/unmix_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

asan: setup
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

clean:
	rm -rf build
