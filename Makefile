# bmdsim: the two commands of the quick start are `make demo` and `make test`.
BUILD      ?= build
TEST_BUILD ?= build-test
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: demo test bench build deps clean

## make demo: install missing packages, configure, build, run the main job (build/bmdsim run)
demo: build
	./$(BUILD)/bmdsim run

## make test: the same set-up, a build with AddressSanitizer and UndefinedBehaviorSanitizer, all tests
test: deps
	@bash scripts/deps.sh mpi
	@bash scripts/deps.sh kml
	cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBMD_SANITIZE=ON -DBMD_WERROR=ON
	cmake --build $(TEST_BUILD) -j $(JOBS)
	cd $(TEST_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --output-on-failure -j $(JOBS)

## make bench: speed against the reference implementation (bench/README.md)
bench: build
	@bash scripts/deps.sh bench
	bash bench/run_bench.sh $(BUILD)
	@bash scripts/deps.sh mpi
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)
	python3 bench/mpi_bench.py $(BUILD)

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@bash scripts/deps.sh
	@bash scripts/web.sh || echo "bmdsim: the HTML report's libraries are not installed (scripts/web.sh failed): reports say which parts are unavailable" >&2

clean:
	rm -rf $(BUILD) $(TEST_BUILD)
