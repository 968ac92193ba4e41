#!/usr/bin/env bash
# Valgrind memcheck over the C unit tests and representative bmdsim commands (docs/robustness.md).
#   scripts/valgrind.sh [quick|full] [BUILD_DIR]
# quick: the fast unit tests and the cheap commands on small inputs; full: every unit test and
# the longer commands too (hours on 2 cores: a manual step). Timings: docs/robustness.md.
# VG_ONLY=REGEX runs only the cases whose names match (e.g. a full run in parts).
# Builds BUILD_DIR (default build-vg) with -O1 -g, no sanitizers. Any memcheck error (invalid
# read or write, use of uninitialised memory, a bad free) or definite/indirect leak fails the
# run; the log of each failing case is printed. Suppressions (scripts/valgrind.supp) cover only
# third-party libraries.
set -uo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-quick}
BUILD=${2:-build-vg}
JOBS=${JOBS:-2}
case "$MODE" in quick | full) ;; *) echo "usage: scripts/valgrind.sh [quick|full] [BUILD_DIR]" >&2; exit 2 ;; esac
bash scripts/deps.sh valgrind || exit 1

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DBMD_SANITIZE=OFF -DBMD_BUILD_BENCH=OFF >/dev/null || exit 1
cmake --build "$BUILD" -j "$JOBS" >/dev/null || { echo "valgrind.sh: build failed" >&2; exit 1; }

export BMDSIM_DATA=$PWD/data BMDSIM_SCENARIOS=$PWD/scenarios
B=$PWD/$BUILD/bmdsim
logs=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$logs" "$work"' EXIT
VG=(valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
    --track-origins=no --suppressions="$PWD/scripts/valgrind.supp" --quiet)
pass=0
fail=0
t_all=$(date +%s)

# case NAME EXPECTED_EXIT COMMAND...: memcheck clean, and the command's own exit status as expected
# (a bad input must still fail the way it does natively).
case_() {
  local name=$1 want=$2
  shift 2
  # VG_ONLY=REGEX: only the cases whose names match (a long full run done in parts).
  if [ -n "${VG_ONLY:-}" ] && ! [[ $name =~ $VG_ONLY ]]; then return; fi
  local t0=$(date +%s)
  (cd "$work" && "${VG[@]}" --log-file="$logs/$name.vg" "$@" >"$logs/$name.out" 2>&1)
  local rc=$?
  local dt=$(($(date +%s) - t0))
  if [ "$rc" -eq 99 ] || [ -s "$logs/$name.vg" ]; then
    fail=$((fail + 1))
    echo "FAIL $name (${dt} s): memcheck errors:"
    cat "$logs/$name.vg"
  elif [ "$rc" -ne "$want" ]; then
    fail=$((fail + 1))
    echo "FAIL $name (${dt} s): exit $rc, wanted $want"
    tail -5 "$logs/$name.out"
  else
    pass=$((pass + 1))
    echo "ok   $name (${dt} s)"
  fi
}

# Unit tests. quick: those that take about a second natively (memcheck is 30 to 60 times
# slower); full: all of them.
quick_tests="test_ode test_assign test_scenario test_geo test_parallel"
slow_tests="test_atmosphere test_catalog test_earth test_flight test_intercept test_plot test_radar
  test_replay test_surveillance test_targeting test_track test_kaliningrad test_analysis test_engage"
tests=$quick_tests
[ "$MODE" = full ] && tests="$quick_tests $slow_tests"
for t in $tests; do
  case_ "$t" 0 "$PWD/$BUILD/tests/$t"
done

# Commands. quick: the catalog, a flight with its samples, a small raid (engage with and without
# the results store, its export) and bad inputs; full: also the sensors, the fly-out tables
# (feasibility, footprint, threshold) and whole runs with --out.
L=(--launch 38.08,46.29)
T=(--threat shahab-3 "${L[@]}" --target 39.93,32.86)
cat >"$work/raid.yaml" <<'YAML'
name: valgrind raid
seed: 5
sites:
  - {name: ship, lat_deg: 38.5, lon_deg: 36.0, interceptor: sm3-ia, inventory: 3, pk: 0.6}
threats:
  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86], launch_time_s: 0}
defended_assets:
  - {name: Ankara, lat_deg: 39.93, lon_deg: 32.86, radius_km: 50, value: 1}
YAML
case_ version 0 "$B" --version
case_ catalog 0 "$B" catalog --format json
case_ catalog-id 0 "$B" catalog --id sm3-iia
case_ atmosphere 0 "$B" atmosphere --altitude-km 50
case_ trajectory 0 "$B" trajectory --missile shahab-3 "${L[@]}" --target 39.93,32.86 --samples "$work/s.csv" --format json
case_ engage 0 "$B" engage "$work/raid.yaml" --runs 20 --threads 2 --format json
case_ engage-db 0 "$B" engage "$work/raid.yaml" --runs 20 --chunk 5 --threads 2 --db "$work/r.db"
case_ store-export 0 "$B" store export "$work/r.db" --format json
# Bad inputs: the error paths free what they took.
printf 'id: x\nname: [broken\n' >"$work/broken.yaml"
case_ bad-vehicle 2 "$B" trajectory --missile "$work/broken.yaml" --launch 0,0 --target 1,1
printf 'name: x\nthreats: [{missile: nope}]\n' >"$work/bad.yaml"
case_ bad-scenario 2 "$B" engage "$work/bad.yaml"
case_ bad-option 2 "$B" trajectory --colour red
case_ bad-number 2 "$B" atmosphere --altitude-km nan
case_ db-refused 2 "$B" engage "$work/raid.yaml" --runs 20 --db "$work/r.db"
if [ "$MODE" = full ]; then
  case_ trajectory-burnout 0 "$B" trajectory --burnout 7.0,23,320 --launch 51.7,45.6 --burnout-altitude-km 200
  case_ detect 0 "$B" detect "${T[@]}" --sensor tpy-2 --sensor sbirs --csv "$work/d.csv"
  case_ track 0 "$B" track "${T[@]}" --sensor tpy-2 --csv "$work/t.csv" --format json
  case_ feasibility 0 "$B" feasibility "${T[@]}" --site 38.5,36.0 --interceptor sm3-ia --format json
  case_ threshold 0 "$B" threshold "${T[@]}" --site 38.5,36.0 --interceptor sm3-ia --format json
  case_ footprint 0 "$B" footprint --threat sejjil-2 "${L[@]}" --site 44.08,24.41 --interceptor sm3-ib \
    --region 40,46,20,30 --grid-deg 2 --threads 2 --format geojson --out "$work/fp.geojson"
  case_ run-out 0 "$B" run "$work/raid.yaml" --threads 2 --out "$work/out1"
  case_ report 0 "$B" report "$work/out1"
  case_ sweep 0 "$B" sweep "$work/raid.yaml" --threats raid --burnout-speed-km-s 3,4 --cue ideal,site-radar \
    --threads 2 --format json
  case_ sweep-db 0 "$B" sweep "$work/raid.yaml" --threats raid --burnout-speed-km-s 3,4 --chunk 1 \
    --threads 2 --db "$work/sw.db"
  case_ sweep-export 0 "$B" store export "$work/sw.db" --format json
  case_ out-exists 2 "$B" run "$work/raid.yaml" --out "$work/out1"
fi

echo "valgrind.sh $MODE: $pass passed, $fail failed, $(($(date +%s) - t_all)) s"
[ "$fail" -eq 0 ]
