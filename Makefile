# Scribe's entry points. `make run` and `make test` install what is missing, build and go.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build run test unit debug asan clean format fuzz fuzz-smoke fuzz-build fuzz-run bench

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/scribe serve $(ARGS)

test: build
	bash tests/interop/install.sh
	cd $(BUILD_DIR) && ctest --output-on-failure -j 2 --timeout 600

unit: build
	$(BUILD_DIR)/tests/scribe_tests

# Benchmarks (bench/run.sh): baseline, ingest, POSTs at 64 connections, queries on a preloaded
# store. Loopback only, every step bounded. Bigger: make bench BENCH_STATEMENTS=10000000
BENCH_STATEMENTS ?= 200000
BENCH_DURATION ?= 10
bench: build
	BUILD_DIR=$(abspath $(BUILD_DIR)) BENCH_STATEMENTS=$(BENCH_STATEMENTS) \
	  BENCH_DURATION=$(BENCH_DURATION) bash bench/run.sh

debug:
	$(MAKE) build BUILD_DIR=build-debug BUILD_TYPE=Debug

asan:
	$(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Debug CMAKE_FLAGS=-DSCRIBE_SANITIZE=ON

# libFuzzer targets (fuzz/), built with clang++ and ASan/UBSan in a build directory of their own.
# `make fuzz` runs each fuzzer for FUZZ_TIME seconds, `make fuzz-smoke` (a ctest entry too) for
# FUZZ_SMOKE_TIME. New inputs go to $(FUZZ_DIR)/corpus/<target>, crashes to
# $(FUZZ_DIR)/artifacts/<target>/; fuzz/corpus/<target> holds the seeds and is only read.
FUZZ_DIR ?= build-fuzz
FUZZ_TARGETS := multipart statement
FUZZ_TIME ?= 20
FUZZ_SMOKE_TIME ?= 10
FUZZ_MAX_LEN ?= 65536

$(FUZZ_DIR)/build.ninja:
	cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DSCRIBE_FUZZ=ON \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo

fuzz-build: $(FUZZ_DIR)/build.ninja
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target $(FUZZ_TARGETS:%=%_fuzzer)

fuzz: fuzz-build
	@$(MAKE) --no-print-directory fuzz-run FUZZ_RUN_TIME=$(FUZZ_TIME)

fuzz-smoke: fuzz-build
	@$(MAKE) --no-print-directory fuzz-run FUZZ_RUN_TIME=$(FUZZ_SMOKE_TIME)

fuzz-run:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/artifacts/$$t; \
	  echo "fuzzing $$t for $(FUZZ_RUN_TIME) s"; \
	  $(FUZZ_DIR)/fuzz/$${t}_fuzzer -max_total_time=$(FUZZ_RUN_TIME) -max_len=$(FUZZ_MAX_LEN) \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t/ $(FUZZ_DIR)/corpus/$$t fuzz/corpus/$$t; \
	done

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf build build-debug build-asan
