#!/usr/bin/env bash
# bmdsim engage, sweep and run under MPI (docs/mpi.md): mpirun -np 2 must print the same bytes as one process,
# with and without a results store (--db; store export), under a stopping rule (--ci-width), and
# a study killed under one rank count resumes under another with the totals of an uninterrupted
# run. Also: a singleton (MPI started without mpirun), errors under mpirun (one message, the same
# exit status), commands that are not distributed printing once.
#
# Environment: BMDSIM (the binary), MPIEXEC (mpirun), BMDSIM_SCENARIOS. The OpenMPI settings
# that let it run as root, inside a container and on one machine's two cores are set below.
set -u
B=${BMDSIM:-build/bmdsim}
MPIEXEC=${MPIEXEC:-mpirun}
SCN=${BMDSIM_SCENARIOS:-$(dirname "$0")/../scenarios}
P1="$SCN/phase1-iran-raid.yaml"   # small and quick: four threats, one ship
P2="$SCN/epaa-phase2-2015.yaml"   # a leak probability of about 0.77: a real stopping rule
PY=/usr/bin/python3
. "$(dirname "$0")/lib.sh"

# OpenMPI on one machine, as root in CI: the shared-memory transport between ranks (no network
# probing), no single-copy mechanism (a container may forbid the process_vm_readv it uses), more
# ranks than cores allowed, ranks not bound to cores (the machine is shared). Under AddressSanitizer OpenMPI's own allocations at exit are reported
# as leaks: tests/lsan-mpi.supp suppresses those whose stack passes through OpenMPI's libraries
# only; full stacks (fast_unwind_on_malloc=0) so that every such leak shows those frames.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_hwloc_base_binding_policy=none
supp="$(cd "$(dirname "$0")" && pwd)/lsan-mpi.supp"
export LSAN_OPTIONS="suppressions=$supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
mpi2() { "$MPIEXEC" -np 2 "$B" "$@"; }

# same FILE_A FILE_B WHAT: byte for byte.
same() {
  if cmp -s "$1" "$2"; then ok; else bad "$3: outputs differ: $(diff "$1" "$2" | head -5)"; fi
}

section "the same bytes as one process"
"$B" --version | grep -q '(with MPI)' && ok || bad "--version does not say MPI: $("$B" --version)"
# JSON on the default threads (one a rank here); text on one thread, another seed.
J=(--runs 300 --format json)
T=(--runs 301 --threads 1 --seed 7 --format text)
# against_one NAME ARGS...: engage P1 ARGS by one process (kept as NAME.out) and by 2 ranks.
against_one() {
  local name=$1
  shift
  "$B" engage "$P1" "$@" >"$tmp/$name.out" 2>"$tmp/err" || bad "1 process $*: $(cat "$tmp/err")"
  mpi2 engage "$P1" "$@" >"$tmp/two.out" 2>"$tmp/err" || bad "2 ranks $*: $(cat "$tmp/err")"
  same "$tmp/$name.out" "$tmp/two.out" "engage $*"
  [ -s "$tmp/err" ] && bad "2 ranks $* wrote to stderr: $(cat "$tmp/err")" || ok
}
against_one oneJ "${J[@]}"
against_one oneT "${T[@]}"
# Three ranks, chunks of 2 runs (the chunking is not printed without a store or a rule): uneven
# shares, and a rank with no run in the last chunk.
"$MPIEXEC" -np 3 "$B" engage "$P1" "${T[@]}" --chunk 2 >"$tmp/three.out" 2>"$tmp/err" || bad "3 ranks: $(cat "$tmp/err")"
same "$tmp/oneT.out" "$tmp/three.out" "3 ranks, chunks of 2"
# A singleton: MPI started without mpirun (BMDSIM_MPI=1).
BMDSIM_MPI=1 "$B" engage "$P1" "${J[@]}" >"$tmp/single.out" 2>"$tmp/err" || bad "singleton: $(cat "$tmp/err")"
same "$tmp/oneJ.out" "$tmp/single.out" "singleton"

section "the stopping rule"
W=0.03
"$B" engage "$P2" --ci-width $W --chunk 200 --format json >"$tmp/one.out" 2>"$tmp/err" || bad "rule, 1 process: $(cat "$tmp/err")"
mpi2 engage "$P2" --ci-width $W --chunk 200 --format json >"$tmp/two.out" 2>"$tmp/err" || bad "rule, 2 ranks: $(cat "$tmp/err")"
same "$tmp/one.out" "$tmp/two.out" "--ci-width $W"
$PY -c "import json,sys; m=json.load(open(sys.argv[1]))['monte_carlo']; assert m['stopped_by_rule'] and 200 < m['runs'] < 1000000, m" "$tmp/two.out" && ok || bad "the rule did not stop the runs"

section "results store"
# One study, played by one process and by 2 ranks, each in its own folder under the same name
# (the printed path is the same too). Small chunks on one thread a rank, so that the kills below
# land inside the Monte Carlo.
# Chunks of 50 runs: the Monte Carlo of 20,000 runs alone takes tens of milliseconds, the 400
# commits (each on disk) most of a second, which is the window the kill below must land in.
RUNS=20000
CHUNK=50
S=(--runs $RUNS --chunk $CHUNK --threads 1 --db s.db --format json)
mkdir -p "$tmp/a" "$tmp/b"
(cd "$tmp/a" && "$B" engage "$P1" "${S[@]}" >o.json 2>err) || bad "--db, 1 process: $(cat "$tmp/a/err")"
(cd "$tmp/b" && mpi2 engage "$P1" "${S[@]}" >o.json 2>err) || bad "--db, 2 ranks: $(cat "$tmp/b/err")"
same "$tmp/a/o.json" "$tmp/b/o.json" "--db"
# The stores hold the same chunks (the commit times aside).
for d in a b; do
  "$B" store export "$tmp/$d/s.db" --format csv | cut -d, -f1-9 >"$tmp/$d/e.csv" || bad "export $d"
done
same "$tmp/a/e.csv" "$tmp/b/e.csv" "store export"
[ "$(wc -l <"$tmp/b/e.csv")" -eq $((RUNS / CHUNK + 1)) ] && ok || bad "export: $(wc -l <"$tmp/b/e.csv") lines, wanted $((RUNS / CHUNK)) chunks and a header"
# Refusals come from rank 0's store, once, with the one-process exit status.
sum_before=$(sha256sum "$tmp/b/s.db" | cut -d' ' -f1)
mpi2 engage "$P1" --runs 3500 --db "$tmp/b/s.db" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && ok || bad "an existing store under mpirun exited $rc, wanted 2"
[ "$(grep -c 'exists: add --resume' "$tmp/err")" -eq 1 ] && ok || bad "the refusal is not said once: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && bad "printed to stdout on failure" || ok
mpi2 engage "$P1" --runs 999 --db "$tmp/b/s.db" --resume >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "a different study: --runs: 999, not $RUNS" "$tmp/err" && ok || bad "a different study under mpirun: $rc $(cat "$tmp/err")"
[ "$(sha256sum "$tmp/b/s.db" | cut -d' ' -f1)" = "$sum_before" ] && ok || bad "a refused run changed the store"
# Bad input: one message (rank 0's), the same exit status.
mpi2 engage "$P1" --runs 0 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && ok || bad "--runs 0 under mpirun exited $rc, wanted 2"
[ "$(grep -c 'bmdsim: engage: --runs' "$tmp/err")" -eq 1 ] && ok || bad "--runs 0: not one message: $(cat "$tmp/err")"
# A command that is not distributed prints once.
mpi2 atmosphere --altitude-km 10 >"$tmp/two.out" 2>"$tmp/err" || bad "atmosphere under mpirun: $(cat "$tmp/err")"
"$B" atmosphere --altitude-km 10 >"$tmp/one.out" 2>/dev/null
same "$tmp/one.out" "$tmp/two.out" "atmosphere (rank 0 alone)"

section "killed under one rank count, resumed under the other"
committed() {
  "$B" store export "$1" --format json 2>/dev/null |
    $PY -c "import json,sys; print(json.load(sys.stdin)['totals']['runs'])" 2>/dev/null || echo 0
}
# kill_after_commit DIR RANKS COUNTER ARGS...: run bmdsim ARGS in DIR (one process, or RANKS
# ranks under mpirun), kill it with SIGKILL once COUNTER DIR/s.db says something is committed
# (under mpirun: every rank, then mpirun ends the job); print what COUNTER says then.
kill_after_commit() {
  local d=$1 n=$2 counter=$3
  shift 3
  mkdir -p "$d"
  if [ "$n" -eq 1 ]; then
    (cd "$d" && exec "$B" "$@" >/dev/null 2>&1) &
  else
    (cd "$d" && exec "$MPIEXEC" -np "$n" "$B" "$@" >/dev/null 2>&1) &
  fi
  child=$!
  for _ in $(seq 1 1200); do
    [ "$("$counter" "$d/s.db")" -gt 0 ] && break
    kill -0 "$child" 2>/dev/null || break
    sleep 0.05
  done
  if [ "$n" -eq 1 ]; then kill -9 "$child"; else pkill -9 -P "$child"; fi
  wait "$child" 2>/dev/null
  child=
  "$counter" "$d/s.db"
}
# run_and_kill DIR RANKS: the study, killed once a chunk is committed; prints the runs committed.
run_and_kill() { kill_after_commit "$1" "$2" committed engage "$P1" "${S[@]}"; }
# resumed OUT: the resumed study's output is the uninterrupted one's but for the store's runs
# resumed and played, and part was resumed.
resumed() {
  $PY - "$tmp/a/o.json" "$1" "$RUNS" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
sa, sb = a["monte_carlo"].pop("store"), b["monte_carlo"].pop("store")
assert a == b, (a["monte_carlo"], b["monte_carlo"])
assert sa["scenario_sha256"] == sb["scenario_sha256"]
assert 0 < sb["runs_resumed"] < int(sys.argv[3]), sb
assert sb["runs_resumed"] + sb["runs_played"] == int(sys.argv[3]), sb
PY
}
n=$(run_and_kill "$tmp/k2" 2)
echo "2 ranks killed after $n runs; resumed by 1 process"
(cd "$tmp/k2" && "$B" engage "$P1" --db s.db --resume --format json >o.json 2>err) || bad "resume by 1: $(cat "$tmp/k2/err")"
resumed "$tmp/k2/o.json" && ok || bad "2 ranks killed, 1 resumed: not the uninterrupted totals"
n=$(run_and_kill "$tmp/k1" 1)
echo "1 process killed after $n runs; resumed by 2 ranks"
(cd "$tmp/k1" && mpi2 engage "$P1" --db s.db --resume --format json >o.json 2>err) || bad "resume by 2: $(cat "$tmp/k1/err")"
resumed "$tmp/k1/o.json" && ok || bad "1 killed, 2 ranks resumed: not the uninterrupted totals"

section "sweep: the same bytes as one process"
# The sweep's cases are split among the ranks chunk by chunk and gathered on rank 0 (docs/mpi.md).
P4="$SCN/phase4-russian-icbms.yaml"
A=("$P4" --threats raid --site Redzikowo,Deveselu --burnout-speed-km-s 3:6:1 --cue ideal,early-warning --delay-s 0,60)
"$B" sweep "${A[@]}" --chunk 5 --threads 1 >"$tmp/sw1.csv" 2>"$tmp/err" || bad "sweep, 1 process: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/sw1.csv")" -eq $((1 + 16 * 2 * 5)) ] && ok || bad "sweep: $(wc -l <"$tmp/sw1.csv") lines, wanted 16 cases x 2 sites x 5 threats and a header"
mpi2 sweep "${A[@]}" --chunk 5 --threads 1 >"$tmp/sw2.csv" 2>"$tmp/err" || bad "sweep, 2 ranks: $(cat "$tmp/err")"
same "$tmp/sw1.csv" "$tmp/sw2.csv" "sweep CSV, 2 ranks"
[ -s "$tmp/err" ] && bad "sweep under 2 ranks wrote to stderr: $(cat "$tmp/err")" || ok
# Three ranks on chunks of 2: shares of 1, 1 and 0 cases.
"$MPIEXEC" -np 3 "$B" sweep "${A[@]}" --chunk 2 --threads 1 >"$tmp/sw3.csv" 2>"$tmp/err" || bad "sweep, 3 ranks: $(cat "$tmp/err")"
same "$tmp/sw1.csv" "$tmp/sw3.csv" "sweep CSV, 3 ranks, chunks of 2"
"$B" sweep "${A[@]}" --chunk 5 --format json >"$tmp/sw1.json" 2>/dev/null || bad "sweep json, 1 process"
mpi2 sweep "${A[@]}" --chunk 5 --format json >"$tmp/sw2.json" 2>"$tmp/err" || bad "sweep json, 2 ranks: $(cat "$tmp/err")"
same "$tmp/sw1.json" "$tmp/sw2.json" "sweep JSON, 2 ranks"

section "sweep: the store, killed under one rank count and resumed under the other"
mkdir -p "$tmp/swa" "$tmp/swb"
(cd "$tmp/swa" && "$B" sweep "${A[@]}" --chunk 2 --threads 1 --db s.db >o.txt 2>err) || bad "sweep --db, 1 process: $(cat "$tmp/swa/err")"
(cd "$tmp/swb" && mpi2 sweep "${A[@]}" --chunk 2 --threads 1 --db s.db >o.txt 2>err) || bad "sweep --db, 2 ranks: $(cat "$tmp/swb/err")"
same "$tmp/swa/o.txt" "$tmp/swb/o.txt" "sweep --db summary"
"$B" store export "$tmp/swb/s.db" >"$tmp/swb/e.csv" 2>"$tmp/err" || bad "sweep export: $(cat "$tmp/err")"
same "$tmp/sw1.csv" "$tmp/swb/e.csv" "the 2-rank sweep store's export"
mpi2 sweep "${A[@]}" --chunk 2 --db "$tmp/swb/s.db" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && [ "$(grep -c 'exists: add --resume' "$tmp/err")" -eq 1 ] && ok || bad "an existing sweep store under mpirun: exit $rc, $(cat "$tmp/err")"
swcases() {
  "$B" store export "$1" --format json 2>/dev/null |
    $PY -c "import json,sys; print(json.load(sys.stdin)['cases_written'])" 2>/dev/null || echo 0
}
# sweep_kill DIR RANKS: the sweep, killed once a chunk is committed; prints the cases committed.
sweep_kill() { kill_after_commit "$1" "$2" swcases sweep "${A[@]}" --chunk 2 --threads 1 --db s.db; }
n=$(sweep_kill "$tmp/swk2" 2)
echo "sweep under 2 ranks killed after $n cases; resumed by 1 process"
(cd "$tmp/swk2" && "$B" sweep "${A[@]}" --chunk 2 --db s.db --resume >o.txt 2>err) || bad "sweep resume by 1: $(cat "$tmp/swk2/err")"
"$B" store export "$tmp/swk2/s.db" >"$tmp/swk2/e.csv" 2>/dev/null
same "$tmp/sw1.csv" "$tmp/swk2/e.csv" "sweep: 2 ranks killed, 1 process resumed"
n=$(sweep_kill "$tmp/swk1" 1)
echo "sweep by 1 process killed after $n cases; resumed by 2 ranks"
(cd "$tmp/swk1" && mpi2 sweep "${A[@]}" --chunk 2 --db s.db --resume >o.txt 2>err) || bad "sweep resume by 2: $(cat "$tmp/swk1/err")"
"$B" store export "$tmp/swk1/s.db" >"$tmp/swk1/e.csv" 2>/dev/null
same "$tmp/sw1.csv" "$tmp/swk1/e.csv" "sweep: 1 process killed, 2 ranks resumed"
grep -q "16 cases" "$tmp/swk1/o.txt" && ok || bad "sweep resumed by 2 ranks: $(cat "$tmp/swk1/o.txt")"

section "run: the analyses' grids shared among the ranks"
# The defended areas, the guarantees map and the per-site guarantees are shared among the ranks
# (docs/mpi.md); the output must be one process's, but for the analyses' wall time.
nowall() { sed -E 's/"analyses_wall_s":[[:space:]]*[0-9.eE+-]+/"analyses_wall_s":0/' "$1"; }
R=(run "$P4" --grid-deg 5 --threads 1)
"$B" "${R[@]}" --out "$tmp/o1" >/dev/null 2>"$tmp/err" || bad "run, 1 process: $(cat "$tmp/err")"
ls "$tmp/o1" | grep -q '^guarantees_map.csv' && ls "$tmp/o1" | grep -q '^defended_area_' && ok || bad "run: no safe-zone map or defended area in $(ls "$tmp/o1")"
# --out: written by rank 0 alone; every table, layer and replay the same bytes, and the summary
# too but for the analyses' wall time.
for np in 2 3; do
  "$MPIEXEC" -np $np "$B" "${R[@]}" --out "$tmp/o$np" >/dev/null 2>"$tmp/err" || bad "run, $np ranks: $(cat "$tmp/err")"
  [ -s "$tmp/err" ] && bad "run under $np ranks wrote to stderr: $(cat "$tmp/err")" || ok
  for f in $(cd "$tmp/o1" && ls *.csv *.geojson *.czml *.kml *.svg 2>/dev/null); do
    same "$tmp/o1/$f" "$tmp/o$np/$f" "run --out, $np ranks: $f"
  done
  nowall "$tmp/o1/summary.json" >"$tmp/s1.json"
  nowall "$tmp/o$np/summary.json" >"$tmp/s$np.json"
  same "$tmp/s1.json" "$tmp/s$np.json" "run --out, $np ranks: summary.json"
  [ "$(ls "$tmp/o1" | wc -l)" -eq "$(ls "$tmp/o$np" | wc -l)" ] && [ -z "$(ls -d "$tmp"/o$np.partial-* 2>/dev/null)" ] && ok || bad "run --out under $np ranks: $(ls "$tmp")"
done
# footprint's map, its cells shared the same way: the same CSV and JSON; --out written once.
FP=(footprint --threat sejjil-2 --launch 38.08,46.29 --site 44.08,24.41 --interceptor sm3-ib --grid-deg 2 --threads 1)
"$B" "${FP[@]}" --format csv >"$tmp/fp1.csv" 2>"$tmp/err" || bad "footprint, 1 process: $(cat "$tmp/err")"
mpi2 "${FP[@]}" --format csv >"$tmp/fp2.csv" 2>"$tmp/err" || bad "footprint, 2 ranks: $(cat "$tmp/err")"
same "$tmp/fp1.csv" "$tmp/fp2.csv" "footprint CSV, 2 ranks"
"$MPIEXEC" -np 3 "$B" "${FP[@]}" --out "$tmp/fp3.json" 2>"$tmp/err" || bad "footprint --out, 3 ranks: $(cat "$tmp/err")"
"$B" "${FP[@]}" --out "$tmp/fp1.json" 2>"$tmp/err" || bad "footprint --out, 1 process: $(cat "$tmp/err")"
same "$tmp/fp1.json" "$tmp/fp3.json" "footprint --out JSON, 3 ranks"
# An --out that exists: one message, exit 2, on every rank.
mpi2 run "$P1" --grid-deg 5 --out "$tmp/o2" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && [ "$(grep -c 'it exists and is not an empty directory' "$tmp/err")" -eq 1 ] && ok || bad "run --out existing under mpirun: exit $rc, $(cat "$tmp/err")"
# A rank that fails alone, outside the shared loops, while the other is inside one (the defended
# areas'): no deadlock; rank 0 says which rank failed and every rank ends with status 1.
F=(run "$P1" --grid-deg 2 --threads 1 --format json)
BMDSIM_TEST_FAIL_RANK=1 timeout 120 "$MPIEXEC" -np 2 -x BMDSIM_TEST_FAIL_RANK "$B" "${F[@]}" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "rank 1 of 2 failed (exit status 1" "$tmp/err" && ok || bad "rank 1 failing alone under run: exit $rc, $(cat "$tmp/err")"
# And rank 0 failing alone, the other inside a loop.
BMDSIM_TEST_FAIL_RANK=0 timeout 120 "$MPIEXEC" -np 2 -x BMDSIM_TEST_FAIL_RANK "$B" "${F[@]}" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "failing here for a test" "$tmp/err" && ok || bad "rank 0 failing alone under run: exit $rc, $(cat "$tmp/err")"

section "done"
echo "mpi: $pass passed, $fail failed"
[ $fail -eq 0 ]
