# Scribe's entry points. `make run` and `make test` install what is missing, build and go.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build run test unit debug asan clean format

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

debug:
	$(MAKE) build BUILD_DIR=build-debug BUILD_TYPE=Debug

asan:
	$(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Debug CMAKE_FLAGS=-DSCRIBE_SANITIZE=ON

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf build build-debug build-asan
