#!/usr/bin/env bash
# The results store (bmdsim engage --db, --resume; bmdsim store export) and the stopping rule
# (--ci-width): docs/store.md. Real runs are killed with SIGKILL at random moments and resumed; the
# final totals must equal an uninterrupted run's exactly. Refusals, the stopping rule, export.
set -u
B=${BMDSIM:-build/bmdsim}
SCN=${BMDSIM_SCENARIOS:-$(dirname "$0")/../scenarios}
P1="$SCN/phase1-iran-raid.yaml"   # small and quick: four threats, one ship
P2="$SCN/epaa-phase2-2015.yaml"   # a leak probability of about 0.77: a real stopping rule
PY=/usr/bin/python3
. "$(dirname "$0")/lib.sh"


# committed DB: the runs committed in a store so far (0 when it holds no study yet).
committed() {
  "$B" store export "$1" --format json 2>/dev/null |
    $PY -c "import json,sys; print(json.load(sys.stdin)['totals']['runs'])" 2>/dev/null || echo 0
}

# same_mc A B: the two engage outputs have the same threats and the same Monte Carlo counts.
same_mc() {
  $PY - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for k in ("store", "chunk_runs"):
    a["monte_carlo"].pop(k, None)
    b["monte_carlo"].pop(k, None)
assert a["monte_carlo"] == b["monte_carlo"], (a["monte_carlo"], b["monte_carlo"])
assert a["threats"] == b["threats"] and a["assignment"] == b["assignment"]
PY
}

# Enough runs that kills land inside the Monte Carlo: a run of this raid costs about 1 us (it
# reuses the windows it has solved), so 1,200,000 runs (1,200 chunks, each a committed
# transaction) last seconds even under the sanitizers.
RUNS=1200000
section "uninterrupted reference run"
# 1. The reference: uninterrupted, no store (20 chunks of 60,000: the chunking does not matter).
"$B" engage "$P1" --runs $RUNS --format json >"$tmp/ref.json" 2>"$tmp/err" || bad "reference run: $(cat "$tmp/err")"

section "kill -9 and resume"
# 2. Killed at random moments (SIGKILL: no chance to clean up), resumed each time.
seed=${BMD_TEST_SEED:-$RANDOM}
RANDOM=$seed
echo "kill times drawn with seed $seed (BMD_TEST_SEED)"
db="$tmp/study.db"
prev=0
mid=0
for k in 1 2 3 4 5 6; do
  resume=()
  [ -e "$db" ] && resume=(--resume)
  "$B" engage "$P1" --runs $RUNS --db "$db" "${resume[@]}" --format json >/dev/null 2>"$tmp/kerr" &
  child=$!
  if [ $k -ge 3 ]; then
    # A random moment from the start: 0.2 to 2 s (loading, preparation, a chunk, a commit).
    # (Kills 1 and 2 come first, after a commit: a study that a random kill missed may end
    # before the next, and once it has, no later kill can land inside it.)
    ms=$((200 + RANDOM % 1801))
    sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  else
    # Surely inside the Monte Carlo: once a new chunk is committed, 0 to 0.3 s later.
    for _ in $(seq 1 300); do
      [ "$(committed "$db")" -gt "$prev" ] && break
      kill -0 "$child" 2>/dev/null || break
      sleep 0.05
    done
    ms=$((RANDOM % 301))
    sleep "$(printf '0.%03d' "$ms")"
    ms="a commit + $ms"
  fi
  kill -9 "$child" 2>/dev/null
  wait "$child" 2>/dev/null
  child=
  now=$(committed "$db")
  echo "kill $k after $ms ms: $now runs committed"
  [ "$now" -ge "$prev" ] && ok || bad "kill $k: the store lost committed runs ($prev -> $now)"
  if [ "$now" -gt 0 ] && [ "$now" -lt $RUNS ]; then mid=$((mid + 1)); fi
  prev=$now
done
[ $mid -ge 2 ] && ok || bad "no kill landed in the middle of the Monte Carlo"
section "final resume"
"$B" engage "$P1" --runs $RUNS --db "$db" --resume --format json >"$tmp/res.json" 2>"$tmp/err" || bad "final resume: $(cat "$tmp/err")"
same_mc "$tmp/ref.json" "$tmp/res.json" && ok || bad "resumed totals differ from an uninterrupted run's"
$PY - "$tmp/res.json" "$RUNS" <<'PY' && ok || bad "resumed run's contract"
import json, sys
m = json.load(open(sys.argv[1]))["monte_carlo"]
n = int(sys.argv[2])
assert m["runs"] == n and m["runs_requested"] == n and m["stopped_by_rule"] is False, m
s = m["store"]
assert s["runs_resumed"] + s["runs_played"] == n and s["runs_resumed"] > 0, s
assert len(s["scenario_sha256"]) == 64
PY
grep -qE "$NONFINITE" "$tmp/res.json" && bad "NaN in the resumed output" || ok
# The chunks: each run once, in order (none lost, none repeated), adding up to the totals.
"$B" store export "$db" --format csv >"$tmp/chunks.csv" 2>"$tmp/err" || bad "export csv: $(cat "$tmp/err")"
"$B" store export "$db" --format json --out "$tmp/chunks.json" 2>"$tmp/err" || bad "export json: $(cat "$tmp/err")"
$PY - "$tmp/chunks.csv" "$tmp/chunks.json" "$tmp/ref.json" <<'PY' && ok || bad "export: chunks and totals"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ex = json.load(open(sys.argv[2]))
ref = json.load(open(sys.argv[3]))["monte_carlo"]
first = 0
for r in rows:
    assert int(r["first_run"]) == first, (r, first)
    first += int(r["runs"])
assert first == ref["runs"] and len(rows) == len(ex["chunks"]) == ex["totals"]["chunks"]
assert sum(int(r["any_leak"]) for r in rows) == ref["leak_runs"] == ex["totals"]["any_leak"]
assert sum(int(r["leakers"]) for r in rows) == ref["leakers"] == ex["totals"]["leakers"]
assert sum(int(r["fired"]) for r in rows) == ref["interceptors_fired"] == ex["totals"]["fired"]
for t, want in enumerate(ref["threat_leak_runs"]):
    assert sum(int(r["threat_%d_leaks" % t]) for r in rows) == want
    assert ex["totals"]["threat_leaks"][t] == want
assert [c["first_run"] for c in ex["chunks"]] == [int(r["first_run"]) for r in rows]
st = ex["study"]
assert st["seed"] == 1 and st["runs_requested"] == ref["runs"] and st["chunk_runs"] == 1000
assert st["scenario_path"].endswith("phase1-iran-raid.yaml") and len(st["scenario_sha256"]) == 64
assert st["ci_width"] is None and st["threats"] == 4 and st["bmdsim_version"]
assert ex["totals"]["leak_probability"] == ref["leak_probability"]
PY
# At rest the store is one file (the write-ahead log checkpointed into it).
[ ! -e "$db-wal" ] && ok || bad "a -wal file is left beside a closed store"
# Resuming a finished study plays nothing and reports the same.
"$B" engage "$P1" --db "$db" --resume --format json >"$tmp/again.json" 2>"$tmp/err" || bad "resume of a finished study: $(cat "$tmp/err")"
same_mc "$tmp/ref.json" "$tmp/again.json" && ok || bad "resume of a finished study changed its totals"
$PY -c "import json,sys; s=json.load(open(sys.argv[1]))['monte_carlo']['store']; assert s['runs_played']==0, s" "$tmp/again.json" && ok || bad "resume of a finished study played runs"

section "refusals"
# 3. Refusals: never appended to or overwritten silently, never a different study continued.
sum_before=$(sha256sum "$db" | cut -d' ' -f1)
expect_fail 2 'exists: add --resume' engage "$P1" --runs 1000 --db "$db"
expect_fail 2 'a different study: --seed: 2, not 1' engage "$P1" --runs $RUNS --seed 2 --db "$db" --resume
expect_fail 2 'a different study: --runs: 1000, not 1200000' engage "$P1" --runs 1000 --db "$db" --resume
expect_fail 2 'a different study: --chunk: 500, not 1000' engage "$P1" --chunk 500 --db "$db" --resume
expect_fail 2 'a different study: --ci-width: 0.1, not 0' engage "$P1" --ci-width 0.1 --db "$db" --resume
mkdir -p "$tmp/scn"
cp -r "$SCN/include" "$tmp/scn/"
{ cat "$P1"; echo "# one more comment: other bytes"; } >"$tmp/scn/p1.yaml"
expect_fail 2 'a different study: the scenario' engage "$tmp/scn/p1.yaml" --db "$db" --resume
[ "$(sha256sum "$db" | cut -d' ' -f1)" = "$sum_before" ] && ok || bad "a refused run changed the store"
# The same scenario file, but one of its includes changed: refused by the study's inputs_sha256
# (format 2), not only by playing the last chunk again.
cp "$P1" "$tmp/scn/p1b.yaml"
"$B" engage "$tmp/scn/p1b.yaml" --runs 2000 --chunk 1000 --db "$tmp/inc.db" >/dev/null 2>"$tmp/err" ||
  bad "engage on the copy: $(cat "$tmp/err")"
"$B" store export "$tmp/inc.db" --format json | $PY -c "
import json, sys; s = json.load(sys.stdin)['study']
assert s['format'] == 2 and len(s['inputs_sha256']) == 64 and s['inputs_sha256'] != s['scenario_sha256'], s
" && ok || bad "the study does not record inputs_sha256"
cp "$tmp/inc.db" "$tmp/inc1.db"
printf '# an edit\n' >>"$tmp/scn/include/iran-launch-areas.yaml"
expect_fail 2 "a different study: the scenario's includes, or the catalog files it uses" \
  engage "$tmp/scn/p1b.yaml" --db "$tmp/inc.db" --resume
# A store of format 1 (no inputs_sha256) is still resumed: its last chunk, played again, is the
# check.
$PY - "$tmp/inc1.db" <<'PY' || bad "making a format-1 store"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("ALTER TABLE study DROP COLUMN inputs_sha256")
c.execute("UPDATE study SET format = 1")
c.commit()
PY
"$B" engage "$tmp/scn/p1b.yaml" --db "$tmp/inc1.db" --resume --format json >"$tmp/r1.json" 2>"$tmp/err" &&
  ok || bad "a format-1 store was not resumed: $(cat "$tmp/err")"
expect_fail 2 'no such file to resume' engage "$P1" --db "$tmp/none.db" --resume
expect_fail 2 'cannot create' engage "$P1" --db "$tmp/no/dir.db"
expect_fail 2 '--resume: expected --db' engage "$P1" --resume
echo "not a database, and long enough to show it: $(seq 1 200 | tr '\n' ' ')" >"$tmp/junk.db"
expect_fail 2 'not an SQLite database' engage "$P1" --db "$tmp/junk.db" --resume
expect_fail 2 'not a bmdsim study' store export "$tmp/junk.db"
expect_fail 2 'no such file' store export "$tmp/none.db"
expect_fail 2 '--format: "xml": expected csv or json' store export "$db" --format xml
expect_fail 2 'expected: store export FILE' store
expect_fail 2 '--ci-width: 0: expected' engage "$P1" --ci-width 0
expect_fail 2 '--ci-width: 1.5: expected' engage "$P1" --ci-width 1.5
expect_fail 2 '--chunk: 0: expected' engage "$P1" --chunk 0
# Another SQLite database, not a store.
$PY -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table t(x)'); c.commit()" "$tmp/other.db"
expect_fail 2 'not a bmdsim study' engage "$P1" --db "$tmp/other.db" --resume
# A store whose last chunk was altered: replaying it tells (as would changed includes or catalog).
small="$tmp/small.db"
"$B" engage "$P1" --runs 3000 --db "$small" --format json >"$tmp/small.json" 2>"$tmp/err" || bad "small study: $(cat "$tmp/err")"
$PY -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('update chunk set leakers = leakers + 1 where first_run = 2000'); c.commit()" "$small"
expect_fail 2 'runs 2000 to 2999 played again do not give the stored counts' engage "$P1" --db "$small" --resume
# A gap in the chunks (a deleted row) is refused too.
$PY -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('delete from chunk_threat where first_run = 1000'); c.execute('delete from chunk where first_run = 1000'); c.commit()" "$small"
expect_fail 2 'the chunks are not consecutive' engage "$P1" --db "$small" --resume
# An empty file, as a kill between creating the file and committing the study leaves it: --resume
# begins the study.
: >"$tmp/empty.db"
"$B" engage "$P1" --runs 2500 --db "$tmp/empty.db" --resume --format json >"$tmp/e.json" 2>"$tmp/err" || bad "resume of an empty store: $(cat "$tmp/err")"
$PY -c "import json,sys; m=json.load(open(sys.argv[1]))['monte_carlo']; assert m['runs']==2500 and m['store']['runs_played']==2500, m" "$tmp/e.json" && ok || bad "resume of an empty store"

section "stopping rule"
# 4. The stopping rule: the first chunk after which the 95% Wilson interval is narrower than W.
W=0.05
"$B" engage "$P2" --runs 100000 --chunk 100 --ci-width $W --format json >"$tmp/r.json" 2>"$tmp/err" || bad "stopping rule: $(cat "$tmp/err")"
"$B" engage "$P2" --runs 100000 --chunk 100 --ci-width $W --db "$tmp/rule.db" --format json >"$tmp/rdb.json" 2>"$tmp/err" || bad "stopping rule with --db: $(cat "$tmp/err")"
$PY - "$tmp/r.json" "$W" <<'PY' && ok || bad "stopping rule"
import json, math, sys
m = json.load(open(sys.argv[1]))["monte_carlo"]
w = float(sys.argv[2])
def width(k, n):  # the 95% Wilson score interval's width
    z = 1.959963984540054
    p = k / n
    return 2 * z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
n = m["runs"]
assert m["stopped_by_rule"] is True and m["stopping_rule"]["met"] is True, m
assert m["runs_requested"] == 100000 and 0 < n < 100000 and n % 100 == 0, m
assert m["chunk_runs"] == 100 and m["stopping_rule"]["ci_width"] == w
assert m["leak_probability_hi"] - m["leak_probability_lo"] < w
assert abs(m["leak_probability_width"] - width(m["leak_runs"], n)) < 1e-9
assert 0.3 < m["leak_probability"] < 0.99, m  # not a degenerate case
PY
same_mc "$tmp/r.json" "$tmp/rdb.json" && ok || bad "the stopping rule stops elsewhere with --db"
# The chunk before did not meet the rule (it stopped at the first chunk that did).
"$B" store export "$tmp/rule.db" --format csv >"$tmp/rule.csv" 2>/dev/null
$PY - "$tmp/rule.csv" "$W" <<'PY' && ok || bad "stopping rule: not the first chunk that met it"
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
w = float(sys.argv[2])
z = 1.959963984540054
def width(k, n):
    p = k / n
    return 2 * z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
k = n = 0
widths = []
for r in rows:
    k += int(r["any_leak"]); n += int(r["runs"])
    widths.append(width(k, n))
assert widths[-1] < w and all(x >= w for x in widths[:-1]), widths[-3:]
PY
# Resuming a study the rule stopped plays nothing more.
"$B" engage "$P2" --db "$tmp/rule.db" --resume --format json >"$tmp/rdb2.json" 2>"$tmp/err" || bad "resume of a stopped study: $(cat "$tmp/err")"
same_mc "$tmp/r.json" "$tmp/rdb2.json" && ok || bad "resume of a stopped study changed it"
# A rule not met within --runs: all the runs, and the output says so.
"$B" engage "$P1" --runs 300 --chunk 100 --ci-width 0.001 --format json >"$tmp/nm.json" 2>"$tmp/err" || bad "rule not met: $(cat "$tmp/err")"
$PY -c "import json,sys; m=json.load(open(sys.argv[1]))['monte_carlo']; assert m['runs']==300 and m['stopped_by_rule'] is False and m['stopping_rule']['met'] is False, m" "$tmp/nm.json" && ok || bad "rule not met: contract"
"$B" engage "$P1" --runs 300 --chunk 100 --ci-width 0.02 >"$tmp/t.txt" 2>"$tmp/err" || bad "rule, text: $(cat "$tmp/err")"
grep -q '^stopped by the rule after 200 of at most 300 runs' "$tmp/t.txt" && ok || bad "rule, text output: $(tail -2 "$tmp/t.txt")"

section "done"
echo "store: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
