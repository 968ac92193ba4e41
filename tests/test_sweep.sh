#!/usr/bin/env bash
# bmdsim sweep (docs/sweep.md): bad input, rows checked against the single-call commands
# (bmdsim feasibility and threshold, which fly the threat and build the table themselves), the
# engageable count not decreasing with the burnout speed, the same bytes on 1 and 2 threads and
# any chunk size, the store's export equal to the streamed output, and real runs killed with
# SIGKILL at random moments and resumed: the exported rows equal an uninterrupted run's exactly.
set -u
B=${BMDSIM:-build/bmdsim}
SCN=${BMDSIM_SCENARIOS:-$(dirname "$0")/../scenarios}
DATA=${BMDSIM_DATA:-$(dirname "$0")/../data}
P4="$SCN/phase4-russian-icbms.yaml"   # 3 sites, 18 Russian ICBM base-target pairs
P1="$SCN/phase1-iran-raid.yaml"       # a raid of four threats
PY=/usr/bin/python3
. "$(dirname "$0")/lib.sh"

section "bad input"
"$B" sweep --help | grep -q "burnout-speed-km-s" && ok || bad "sweep --help"
expect_fail 2 "--burnout-speed-km-s" sweep "$P4" --burnout-speed-km-s 3:2:0.5
expect_fail 2 "--burnout-speed-km-s" sweep "$P4" --burnout-speed-km-s 3:4:0
expect_fail 2 "--burnout-speed-km-s" sweep "$P4" --burnout-speed-km-s 3:4
expect_fail 2 "--burnout-speed-km-s" sweep "$P4" --burnout-speed-km-s 0.2
expect_fail 2 "--delay-s" sweep "$P4" --delay-s nan
expect_fail 2 "--delay-s" sweep "$P4" --delay-s 0,inf
expect_fail 2 "--delay-s" sweep "$P4" --delay-s 0:60:-30
expect_fail 2 "--cue" sweep "$P4" --cue ideal,telepathy
expect_fail 2 "--cue" sweep "$P4" --cue ideal,ideal
expect_fail 2 "--site" sweep "$P4" --site Nowhere
expect_fail 2 "--site" sweep "$P4" --site 3
expect_fail 2 "--site-lat-deg" sweep "$P4" --site-lat-deg 50:60:5
expect_fail 2 "--site-lat-deg" sweep "$P4" --site 0 --site-lat-deg 95
expect_fail 2 "--site-lon-deg" sweep "$P4" --site 0 --site-lon-deg 10:20:x
expect_fail 2 "--threats" sweep "$P4" --threats some
expect_fail 2 "--threats matrix" sweep "$P1" --threats matrix
expect_fail 2 "--resume" sweep "$P4" --resume
expect_fail 2 "--chunk" sweep "$P4" --chunk 0
expect_fail 2 "--threads" sweep "$P4" --threads 0
expect_fail 2 "--format" sweep "$P4" --format xml
expect_fail 2 "SCENARIO" sweep
expect_fail 2 "no-such.yaml" sweep "$tmp/no-such.yaml"

section "a sweep declared in the scenario (analyses.sweep)"
# The file's sweep and the same options: the same bytes; an option replaces that axis alone; a
# bad value in the file names the file, line and field. The file includes phase 4 by its path.
cat >"$tmp/decl.yaml" <<YAML
include: $P4
analyses:
  sweep:
    threats: raid
    sites: [Redzikowo, Dev]
    burnout_speed_km_s: [4, 5.5]
    cues: [ideal, early-warning]
    launch_delays_s: "0:60:60"
YAML
FLAGS=(--threats raid --site Redzikowo,Dev --burnout-speed-km-s 4,5.5 --cue ideal,early-warning --delay-s 0:60:60)
"$B" sweep "$tmp/decl.yaml" >"$tmp/decl.csv" 2>"$tmp/err" || bad "declared sweep: $(cat "$tmp/err")"
"$B" sweep "$tmp/decl.yaml" "${FLAGS[@]}" >"$tmp/decl_flags.csv" 2>"$tmp/err" || bad "declared sweep with its flags: $(cat "$tmp/err")"
"$B" sweep "$P4" "${FLAGS[@]}" >"$tmp/flags.csv" 2>"$tmp/err" || bad "the flags' sweep: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/decl.csv")" -eq $((1 + 2 * 2 * 2 * 2 * 5)) ] && ok || bad "declared sweep: $(wc -l <"$tmp/decl.csv") lines, wanted 2 speeds x 2 cues x 2 delays x 2 sites x 5 threats and a header"
cmp -s "$tmp/decl.csv" "$tmp/flags.csv" && ok || bad "the declared sweep differs from the same flags: $(diff "$tmp/decl.csv" "$tmp/flags.csv" | head -3)"
cmp -s "$tmp/decl.csv" "$tmp/decl_flags.csv" && ok || bad "the declared sweep differs with its own flags given"
"$B" sweep "$tmp/decl.yaml" --cue site-radar >"$tmp/decl_cue.csv" 2>"$tmp/err" || bad "declared sweep, --cue: $(cat "$tmp/err")"
"$B" sweep "$P4" --threats raid --site Redzikowo,Dev --burnout-speed-km-s 4,5.5 --cue site-radar --delay-s 0:60:60 >"$tmp/flags_cue.csv" 2>/dev/null
cmp -s "$tmp/decl_cue.csv" "$tmp/flags_cue.csv" && ok || bad "--cue over a declared sweep: not the file's other axes with that cue"
# The same study in the store: a store made from the file resumes with the options.
(cd "$tmp" && "$B" sweep decl.yaml --db decl.db >/dev/null 2>err) || bad "declared sweep --db: $(cat "$tmp/err")"
(cd "$tmp" && "$B" sweep decl.yaml "${FLAGS[@]}" --db decl.db --resume >/dev/null 2>err) && ok || bad "the options' resume of the declared study: $(cat "$tmp/err")"
printf 'include: %s\nanalyses:\n  sweep:\n    burnout_speed_km_s: 20\n' "$P4" >"$tmp/declbad.yaml"
expect_fail 2 "declbad.yaml:4" sweep "$tmp/declbad.yaml"
expect_fail 2 "analyses.sweep.burnout_speed_km_s: 20 km/s is outside" sweep "$tmp/declbad.yaml"

section "rows against bmdsim feasibility and threshold"
# Redzikowo against the 18 pairs, the SM-3 IIB scaled from 2.5 to 5.5 km/s, ideal and site-radar
# cues, launch delays 0 and 60 s.
"$B" sweep "$P4" --site Redzikowo --burnout-speed-km-s 2.5:5.5:0.5 --cue ideal,site-radar \
  --delay-s 0,60 >"$tmp/red.csv" 2>"$tmp/err" || bad "sweep: $(cat "$tmp/err")"
grep -qE "$NONFINITE" "$tmp/red.csv" && bad "NaN in the sweep's CSV" || ok
# The single calls: SS-19 Kozelsk -> Washington at 3.5 km/s (ideal) and 5.5 (site-radar), the
# scenario's seed, as feasibility computes them.
FM="--threat ss-19 --launch 54.033,35.767 --target 38.951,-77.013 --seed 2020"
F="$FM --site 54.47,17.12"
"$B" feasibility $F --interceptor sm3-iib --cue ideal --burnout-speed-km-s 3.5 --format json \
  >"$tmp/f1.json" 2>"$tmp/err" || bad "feasibility: $(cat "$tmp/err")"
"$B" feasibility $F --interceptor sm3-iib --cue site-radar --burnout-speed-km-s 5.5 --format json \
  >"$tmp/f2.json" 2>"$tmp/err" || bad "feasibility: $(cat "$tmp/err")"
"$B" feasibility $F --interceptor sm3-iib --cue site-radar --burnout-speed-km-s 3.5 --format json \
  >"$tmp/f3.json" 2>"$tmp/err" || bad "feasibility: $(cat "$tmp/err")"
"$B" threshold $F --cue site-radar --format json >"$tmp/th.json" 2>"$tmp/err" ||
  bad "threshold: $(cat "$tmp/err")"
$PY - "$tmp/red.csv" "$tmp/f1.json" "$tmp/f2.json" "$tmp/f3.json" <<'PY' && ok || bad "sweep rows differ from bmdsim feasibility"
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 7 * 2 * 2 * 18, len(rows)
code = {"engageable": "engageable", "not seen in time": "too-late", "out of reach": "out-of-reach",
        "too fast to catch": "too-fast", "never tracked": "not-seen"}
def row(v, cue, delay):
    r = [r for r in rows if float(r["burnout_speed_km_s"]) == v and r["cue"] == cue
         and float(r["delay_s"]) == delay and r["threat_from"] == "Kozelsk"
         and r["threat_to"] == "Washington"]
    assert len(r) == 1, (v, cue, delay, len(r))
    return r[0]
def near(a, b, tol):
    if b is None:
        return a == ""
    return a != "" and abs(float(a) - b) <= tol
for f, v, cue in ((sys.argv[2], 3.5, "ideal"), (sys.argv[3], 5.5, "site-radar"),
                  (sys.argv[4], 3.5, "site-radar")):
    want = json.load(open(f))
    got = row(v, cue, 0)
    assert got["engageable"] == ("1" if want["engageable"] else "0"), (got, want)
    assert [c for k, c in code.items() if want["reason"].startswith(k)] == [got["reason"]], (got, want)
    # Independent flights and tables: the same model, so the same answers to a millisecond.
    assert near(got["earliest_launch_allowed_s"], want["earliest_launch_allowed_s"], 1e-3), (got, want)
    for k in ("earliest_intercept_s", "latest_intercept_s", "earliest_launch_s", "margin_s"):
        assert near(got[k], want[k], 1e-3), (k, got[k], want[k])
    assert near(got["intercept_altitude_km"], want["intercept_altitude_km"], 1e-3), (got, want)
    # A delay adds to the earliest launch allowed.
    late = row(v, cue, 60)
    if got["earliest_launch_allowed_s"] != "":
        assert abs(float(late["earliest_launch_allowed_s"]) - float(got["earliest_launch_allowed_s"]) - 60) < 1e-6
PY
# Threshold's answer: the sweep engages at it and not 0.05 km/s below it (the bisection's
# tolerance), on the same cue.
vth=$($PY -c "import json,sys; print(json.load(open(sys.argv[1]))['min_burnout_speed_km_s'])" "$tmp/th.json")
vlo=$($PY -c "print(round($vth - 0.05, 6))")
"$B" sweep "$P4" --site 0 --burnout-speed-km-s "$vlo,$vth" --cue site-radar --format json \
  >"$tmp/th-sweep.json" 2>"$tmp/err" || bad "sweep at the threshold: $(cat "$tmp/err")"
$PY - "$tmp/th-sweep.json" <<'PY' && ok || bad "the sweep disagrees with bmdsim threshold ($vth km/s)"
import json, sys
d = json.load(open(sys.argv[1]))
t = [x["threat"] for x in d["sweep"]["threats"] if x["from"] == "Kozelsk" and x["to"] == "Washington"][0]
below, at = d["cases"]
eng = lambda c: [r for r in c["rows"] if r["threat"] == t][0]["engageable"]
assert not eng(below) and eng(at), (below["burnout_speed_km_s"], at["burnout_speed_km_s"])
PY
# Monotonic: on the ideal cue (and with no delay) a faster interceptor engages every threat a
# slower one does; the per-case count agrees with the rows.
$PY - "$tmp/red.csv" <<'PY' && ok || bad "engageable threats decrease with the burnout speed"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
by = {}
for r in rows:
    by.setdefault((r["cue"], float(r["delay_s"]), float(r["burnout_speed_km_s"])), []).append(r)
for (cue, delay, v), rs in by.items():
    n = len({r["threat"] for r in rs if r["engageable"] == "1"})
    assert all(int(r["case_threats_engageable"]) == n for r in rs)
for cue in ("ideal", "site-radar"):
    for delay in (0.0, 60.0):
        prev = set()
        for v in (2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5):
            now = {r["threat"] for r in by[(cue, delay, v)] if r["engageable"] == "1"}
            if cue == "ideal":
                assert prev <= now, (cue, delay, v, prev - now)
            prev = now
ideal = [len({r["threat"] for r in by[("ideal", 0.0, v)] if r["engageable"] == "1"}) for v in (2.5, 5.5)]
assert ideal[0] < ideal[1], ideal   # the sweep sees a difference at all
PY

section "moved sites, the raid's threats"
"$B" sweep "$P4" --site Redzikowo --site-lat-deg 50:60:10 --site-lon-deg 10,20 --cue site-radar \
  >"$tmp/moved.csv" 2>"$tmp/err" || bad "moved site: $(cat "$tmp/err")"
$PY - "$tmp/moved.csv" <<'PY' && ok || bad "moved sites"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
places = [(r["site_lat_deg"], r["site_lon_deg"]) for r in rows]
assert sorted(set(places)) == [("50", "10"), ("50", "20"), ("60", "10"), ("60", "20")], set(places)
assert [int(r["case"]) for r in rows] == sorted(int(r["case"]) for r in rows)
PY
# A moved site's row against bmdsim feasibility at that place (the sweep moves the table built
# at 10 E along the parallel to 20 E: exact in the model, the same to a few microseconds).
"$B" feasibility $FM --interceptor sm3-iib --cue site-radar --format json --site 60,20 \
  >"$tmp/f4.json" 2>"$tmp/err" || bad "feasibility at 60,20: $(cat "$tmp/err")"
"$B" feasibility $FM --interceptor sm3-iib --cue ideal --format json --site 50,20 \
  >"$tmp/f5.json" 2>"$tmp/err" || bad "feasibility at 50,20: $(cat "$tmp/err")"
"$B" sweep "$P4" --site Redzikowo --site-lat-deg 50:60:10 --site-lon-deg 10,20 --cue ideal \
  >"$tmp/moved-ideal.csv" 2>"$tmp/err" || bad "moved site: $(cat "$tmp/err")"
$PY - "$tmp/moved.csv" "$tmp/f4.json" "$tmp/moved-ideal.csv" "$tmp/f5.json" <<'PY' && ok || bad "a moved site's row differs from bmdsim feasibility there"
import csv, json, sys
for rows_f, want_f, lat in ((sys.argv[1], sys.argv[2], "60"), (sys.argv[3], sys.argv[4], "50")):
    want = json.load(open(want_f))
    got = [r for r in csv.DictReader(open(rows_f)) if r["site_lat_deg"] == lat
           and r["site_lon_deg"] == "20" and r["threat_from"] == "Kozelsk"
           and r["threat_to"] == "Washington"]
    assert len(got) == 1, len(got)
    got = got[0]
    assert got["engageable"] == ("1" if want["engageable"] else "0"), (got, want)
    for k in ("earliest_launch_allowed_s", "earliest_intercept_s", "latest_intercept_s"):
        if want[k] is None:
            assert got[k] == "", (k, got[k])
        else:
            assert abs(float(got[k]) - want[k]) < 0.01, (k, got[k], want[k])
PY
"$B" sweep "$P1" --threats raid --cue ideal,forward-radar --format json >"$tmp/raid.json" \
  2>"$tmp/err" || bad "raid threats: $(cat "$tmp/err")"
$PY - "$tmp/raid.json" <<'PY' && ok || bad "raid threats"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["sweep"]["threats"]) == 4 and len(d["cases"]) == 2 == d["cases_written"]
assert all(len(c["rows"]) == 4 * len(d["sweep"]["sites"]) for c in d["cases"])
PY

section "the same bytes on 1 and 2 threads, any chunk"
A=("$P4" --threats raid --site Redzikowo,Deveselu --burnout-speed-km-s 3:6:1 --cue ideal,early-warning --delay-s 0,60)
"$B" sweep "${A[@]}" --chunk 2 --threads 1 >"$tmp/t1.csv" 2>"$tmp/err" || bad "1 thread: $(cat "$tmp/err")"
"$B" sweep "${A[@]}" --chunk 2 --threads 2 >"$tmp/t2.csv" 2>"$tmp/err" || bad "2 threads: $(cat "$tmp/err")"
"$B" sweep "${A[@]}" --chunk 7 --threads 2 >"$tmp/t3.csv" 2>"$tmp/err" || bad "chunk 7: $(cat "$tmp/err")"
cmp -s "$tmp/t1.csv" "$tmp/t2.csv" && ok || bad "1 and 2 threads give different rows"
cmp -s "$tmp/t1.csv" "$tmp/t3.csv" && ok || bad "chunks of 2 and 7 give different rows"
[ "$(wc -l <"$tmp/t1.csv")" -eq $((1 + 16 * 2 * 5)) ] && ok || bad "16 cases x 2 sites x 5 threats"
t0=$(date +%s%N)
"$B" sweep "${A[@]}" --chunk 2 --format json >"$tmp/ref.json" 2>"$tmp/err" || bad "json: $(cat "$tmp/err")"
# The kills below are drawn inside this run's duration, so that they land in the sweep on a fast
# machine as on a slow one (a fixed 0.2 to 5 s window missed it on a quiet CI machine).
T_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$T_ms" -ge 200 ] || T_ms=200

section "kill -9 and resume"
seed=${BMD_TEST_SEED:-$RANDOM}
RANDOM=$seed
echo "kill times drawn with seed $seed (BMD_TEST_SEED)"
db="$tmp/sweep.db"
# cases DB: the committed cases so far (0 before the sweep's first commit).
cases() {
  "$B" store export "$1" --format json 2>/dev/null |
    $PY -c "import json,sys; print(json.load(sys.stdin)['cases_written'])" 2>/dev/null || echo 0
}
prev=0
mid=0
for k in 1 2 3 4 5; do
  resume=()
  [ -e "$db" ] && resume=(--resume)
  "$B" sweep "${A[@]}" --chunk 2 --db "$db" "${resume[@]}" >/dev/null 2>"$tmp/kerr" &
  child=$!
  if [ $k -ge 3 ]; then
    # A random moment from the start, 10% to 90% of an uninterrupted run's time. (Kills 1 and 2
    # come first, after a commit: on a machine whose load changes, a whole sweep may end before
    # the random moment, and once it has, no later kill can land inside it.)
    ms=$((T_ms / 10 + RANDOM % (T_ms * 8 / 10 + 1)))
    sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  else
    # Surely inside the cases: once a new chunk is committed, 0 to 50 ms later.
    for _ in $(seq 1 600); do
      [ "$(cases "$db")" -gt "$prev" ] && break
      kill -0 "$child" 2>/dev/null || break
      sleep 0.05
    done
    ms=$((RANDOM % 51))
    sleep "$(printf '0.%03d' "$ms")"
    ms="a commit + $ms"
  fi
  kill -9 "$child" 2>/dev/null
  wait "$child" 2>/dev/null
  child=
  now=$(cases "$db")
  echo "kill $k after $ms ms: $now cases committed"
  [ "$now" -ge "$prev" ] && ok || bad "kill $k: the store lost committed cases ($prev -> $now)"
  if [ "$now" -gt 0 ] && [ "$now" -lt 16 ]; then mid=$((mid + 1)); fi
  prev=$now
done
[ $mid -ge 1 ] && ok || bad "no kill landed in the middle of the sweep"
"$B" sweep "${A[@]}" --chunk 2 --db "$db" --resume >"$tmp/res.txt" 2>"$tmp/err" || bad "final resume: $(cat "$tmp/err")"
grep -q "16 cases" "$tmp/res.txt" && ok || bad "final resume's summary: $(cat "$tmp/res.txt")"
"$B" store export "$db" >"$tmp/exp.csv" 2>"$tmp/err" || bad "export: $(cat "$tmp/err")"
"$B" store export "$db" --format json --out "$tmp/exp.json" 2>"$tmp/err" || bad "export json: $(cat "$tmp/err")"
cmp -s "$tmp/exp.csv" "$tmp/t1.csv" && ok || bad "the resumed store's CSV differs from an uninterrupted run's"
cmp -s "$tmp/exp.json" "$tmp/ref.json" && ok || bad "the resumed store's JSON differs from an uninterrupted run's"
[ ! -e "$tmp/exp.json.tmp" ] && ok || bad "export --out left its temporary file"
# Resumed again: nothing to do, nothing changes.
"$B" sweep "${A[@]}" --chunk 2 --db "$db" --resume >"$tmp/res2.txt" 2>"$tmp/err" || bad "resume of a finished sweep"
grep -q "(16 resumed, 0 computed now)" "$tmp/res2.txt" && ok || bad "a finished sweep computed again: $(cat "$tmp/res2.txt")"

section "refusals"
cp "$db" "$tmp/keep.db"
expect_fail 2 "exists" sweep "${A[@]}" --chunk 2 --db "$db"
expect_fail 2 "a different sweep" sweep "${A[@]}" --chunk 3 --db "$db" --resume
expect_fail 2 "a different sweep" sweep "$P4" --site Redzikowo --chunk 2 --db "$db" --resume
# The scenario's bytes changed (its seed): a copy beside its includes.
mkdir -p "$tmp/scn" && cp -r "$SCN/include" "$tmp/scn/"
sed 's/^seed: 2020/seed: 2021/' "$P4" >"$tmp/scn/p4.yaml"
expect_fail 2 "scenario" sweep "$tmp/scn/p4.yaml" "${A[@]:1}" --chunk 2 --db "$db" --resume
cmp -s "$db" "$tmp/keep.db" && ok || bad "a refused resume changed the store"
# The same scenario file, but an include or a catalog file it uses changed since: refused by the
# sweep's identity (the SHA-256 of every input file), not only by the last chunk's replay.
cp "$P4" "$tmp/scn/p4b.yaml"
I=("$tmp/scn/p4b.yaml" --site Redzikowo --cue ideal --burnout-speed-km-s 3,4)
"$B" sweep "${I[@]}" --db "$tmp/inc.db" >/dev/null 2>"$tmp/err" || bad "sweep on the copy: $(cat "$tmp/err")"
printf '# an edit\n' >>"$tmp/scn/include/russian-icbm-bases.yaml"
expect_fail 2 "includes, or the catalog files" sweep "${I[@]}" --db "$tmp/inc.db" --resume
# A catalog in another place with the same bytes resumes (identity by content, not path) ...
mkdir -p "$tmp/data"
for f in "$DATA"/*; do ln -s "$f" "$tmp/data/"; done
rm "$tmp/data/missiles" && cp -r "$DATA/missiles" "$tmp/data/missiles"
cp "$P4" "$tmp/scn/p4c.yaml" && cp "$SCN/include/russian-icbm-bases.yaml" "$tmp/scn/include/"
I=("$tmp/scn/p4c.yaml" --site Redzikowo --cue ideal --burnout-speed-km-s 3,4)
"$B" sweep "${I[@]}" --db "$tmp/cat.db" >/dev/null 2>"$tmp/err" || bad "sweep for the catalog: $(cat "$tmp/err")"
BMDSIM_DATA="$tmp/data" "$B" sweep "${I[@]}" --db "$tmp/cat.db" --resume >/dev/null 2>"$tmp/err" &&
  ok || bad "the same catalog bytes elsewhere were refused: $(cat "$tmp/err")"
# ... and one whose missile file changed is refused.
printf '# an edit\n' >>"$tmp/data/missiles/ss-19.yaml"
BMDSIM_DATA="$tmp/data" expect_fail 2 "includes, or the catalog files" sweep "${I[@]}" --db "$tmp/cat.db" --resume
# A store whose last chunk was altered: computed again on --resume, it tells (as would changed
# includes, catalog or bmdsim), and the refused run leaves the file as it was.
cp "$tmp/keep.db" "$tmp/altered.db"
$PY - "$tmp/altered.db" <<'PY' || bad "altering the store"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("update sweep_row set reason = 'altered' where case_index = 15 and threat = 0 and site = 0")
c.commit()
assert c.total_changes == 1
PY
cp "$tmp/altered.db" "$tmp/altered-keep.db"
expect_fail 2 "computed again differ" sweep "${A[@]}" --chunk 2 --db "$tmp/altered.db" --resume
cmp -s "$tmp/altered.db" "$tmp/altered-keep.db" && ok || bad "a refused resume changed the store"
expect_fail 2 "no such file" sweep "${A[@]}" --db "$tmp/none.db" --resume
echo "not a database" >"$tmp/junk.db"
expect_fail 2 "junk.db" sweep "${A[@]}" --db "$tmp/junk.db" --resume
: >"$tmp/empty.db"
"$B" sweep "$P4" --site 0 --cue ideal --db "$tmp/empty.db" --resume >/dev/null 2>"$tmp/err" &&
  ok || bad "an empty file is begun by --resume: $(cat "$tmp/err")"
expect_fail 2 "--format" sweep "${A[@]}" --db "$tmp/x.db" --format json

echo "sweep: $pass passed, $fail failed"
[ $fail -eq 0 ]
