#!/usr/bin/env bash
# Command-line contract and bad inputs: each bad input must fail with a clear one-line message on
# stderr naming what was wrong, a non-zero exit, no NaN anywhere, and no half-written file.
set -u
B=${BMDSIM:-build/bmdsim}
. "$(dirname "$0")/lib.sh"



# expect_json ARGS... -- KEY...: exit 0, valid JSON with each KEY, no NaN/Infinity text.
expect_json() {
  local args=()
  while [ "$1" != "--" ]; do args+=("$1"); shift; done
  shift
  if ! "$B" "${args[@]}" --format json >"$tmp/j" 2>"$tmp/err"; then bad "bmdsim ${args[*]} failed: $(cat "$tmp/err")"; return; fi
  if grep -qE "$NONFINITE" "$tmp/j"; then bad "bmdsim ${args[*]}: NaN or infinity in output"; return; fi
  /usr/bin/python3 - "$tmp/j" "$@" <<'PY' || { bad "bmdsim ${args[*]}: JSON keys"; return; }
import json, sys
d = json.load(open(sys.argv[1]))
missing = [k for k in sys.argv[2:] if k not in d]
if missing:
    print("missing keys:", missing, file=sys.stderr)
    sys.exit(1)
PY
  ok
}

# Usage and help.
"$B" --version | grep -q '^bmdsim [0-9]' && ok || bad "--version"
"$B" --help | grep -q 'trajectory' && ok || bad "--help"
for c in run trajectory catalog atmosphere detect track feasibility threshold engage footprint store serve sweep report; do
  "$B" "$c" --help | grep -q "usage: bmdsim $c" && ok || bad "$c --help"
done
expect_fail 2 'unknown command "fly"' fly
expect_fail 2 'unknown option "--colour"' trajectory --colour red

# Atmosphere.
expect_json atmosphere --altitude-km 11 -- temperature_K pressure_Pa density_kg_m3 speed_of_sound_m_s
expect_fail 2 'outside the standard' atmosphere --altitude-km 1200
expect_fail 2 'not a number' atmosphere --altitude-km abc
expect_fail 2 'not a finite number' atmosphere --altitude-km nan
expect_fail 2 'not a finite number' atmosphere --altitude-km inf
expect_fail 2 '--altitude-km is required' atmosphere

# Catalog.
expect_json catalog -- missiles
expect_fail 2 'unknown missile, interceptor or sensor "nope"' catalog --id nope

# Trajectory: contract fields.
expect_json trajectory --missile shahab-3 --launch 38.08,46.29 --target 39.93,32.86 -- \
  range_km flight_time_s apogee_km burnout_time_s burnout_speed_km_s burnout_altitude_km \
  impact_lat_deg impact_lon_deg miss_distance_km
expect_json trajectory --missile sejjil-2 --launch 35.23,53.92 --azimuth 300 --max-range -- \
  range_km flight_time_s apogee_km impact_lat_deg impact_lon_deg
expect_json trajectory --burnout 7.0,23,320 --launch 51.7,45.6 --burnout-altitude-km 200 \
  --ballistic-coefficient-kg-m2 10000 -- range_km flight_time_s apogee_km impact_lat_deg
expect_json trajectory --burnout 3,40,90 --launch 0,0 --earth sphere --no-rotation --no-j2 \
  --no-atmosphere -- range_km flight_time_s apogee_km

# Samples: CSV with the contract header, a row every DT and the impact row (altitude 0).
"$B" trajectory --burnout 3,40,90 --launch 0,0 --no-atmosphere --samples "$tmp/s.csv" \
  --sample-interval-s 10 >/dev/null 2>&1 || bad "samples run"
head -1 "$tmp/s.csv" | grep -q '^time_s,lat_deg,lon_deg,altitude_km,speed_km_s' && ok || bad "samples header"
tail -1 "$tmp/s.csv" | awk -F, '{ exit !($4 < 1e-3 && $4 > -1e-3) }' && ok || bad "samples impact row"
awk -F, 'NR==3 { exit !($1 == 10) }' "$tmp/s.csv" && ok || bad "samples interval"
[ ! -e "$tmp/s.csv.tmp" ] && ok || bad "samples temp file left behind"

# Bad inputs.
expect_fail 2 'unknown missile "scud-z"' trajectory --missile scud-z --launch 0,0 --target 1,1
expect_fail 2 'latitude 95 is outside' trajectory --missile shahab-3 --launch 95,0 --target 1,1
expect_fail 2 'latitude -91 is outside' trajectory --missile shahab-3 --launch 0,0 --target -91,1
expect_fail 2 'is not a number' trajectory --missile shahab-3 --launch 10,abc --target 1,1
expect_fail 2 'not a finite number' trajectory --missile shahab-3 --launch nan,0 --target 1,1
expect_fail 2 'not a finite number' trajectory --missile shahab-3 --launch 0,inf --target 1,1
expect_fail 2 'expected LAT,LON' trajectory --missile shahab-3 --launch 10 --target 1,1
expect_fail 2 'speed -3 km/s is negative' trajectory --burnout -3,40,90 --launch 0,0
expect_fail 2 'does not come back down' trajectory --burnout 12,40,90 --launch 0,0 --burnout-altitude-km 200
expect_fail 2 'flight-path angle 95' trajectory --burnout 3,95,90 --launch 0,0
expect_fail 3 'beyond the maximum range' trajectory --missile shahab-3 --launch 38.08,46.29 --target 38.951,-77.013
expect_fail 2 'needs --shape lofted or depressed' trajectory --missile ss-27 --launch 51.7,45.6 --target 38.9,-77 --apogee-km 1500
expect_fail 2 'exactly one of --target' trajectory --missile ss-27 --launch 51.7,45.6
expect_fail 2 '--shape: "sideways"' trajectory --missile ss-27 --launch 51.7,45.6 --target 38.9,-77 --shape sideways
expect_fail 2 'cannot open' trajectory --missile "$tmp/none.yaml" --launch 0,0 --target 1,1
printf 'id: x\nname: [broken\n' >"$tmp/broken.yaml"
expect_fail 2 "broken.yaml:3:1: YAML syntax" trajectory --missile "$tmp/broken.yaml" --launch 0,0 --target 1,1
printf 'id: x\nname: y\npayload: {mass_kg: 100, ballistic_coefficient_kg_m2: 1000}\nstages:\n  - {gross_mass_kg: 100, propellant_mass_kg: 50, burn_time_s: 10, isp_vac_s: 0.001, diameter_m: 1, drag: scud}\n' >"$tmp/weak.yaml"
expect_fail 2 "cannot lift off" trajectory --missile "$tmp/weak.yaml" --launch 0,0 --target 1,1
expect_fail 2 'nonexistent.yaml' run nonexistent.yaml

# Sensors: detect and track.
D=(--threat shahab-3 --launch 38.08,46.29 --target 39.93,32.86)
expect_json detect "${D[@]}" --sensor tpy-2 --sensor sbirs -- threat sensors
"$B" detect "${D[@]}" --sensor tpy-2 --sensor sbirs --format json >"$tmp/d.json" 2>"$tmp/err" || bad "detect: $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/d.json" <<'PY' && ok || bad "detect contract fields"
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["sensors"]:
    for k in ("id", "first_visible_s", "last_visible_s", "first_detection_s", "track_confirmed_s"):
        assert k in s, k
r = [s for s in d["sensors"] if s["id"] == "tpy-2"][0]
assert r["first_visible_s"] <= r["first_detection_s"] <= r["track_confirmed_s"] <= r["last_visible_s"]
PY
"$B" detect "${D[@]}" --sensor tpy-2 --seed 7 --format json >"$tmp/d1.json" 2>/dev/null
"$B" detect "${D[@]}" --sensor tpy-2 --seed 7 --format json >"$tmp/d2.json" 2>/dev/null
cmp -s "$tmp/d1.json" "$tmp/d2.json" && ok || bad "detect is not reproducible for a seed"
"$B" detect "${D[@]}" --sensor tpy-2 --sensor sbirs --csv "$tmp/d.csv" >/dev/null 2>&1 || bad "detect --csv"
head -1 "$tmp/d.csv" | grep -q '^id,kind,first_visible_s,last_visible_s,first_detection_s,track_confirmed_s' && ok || bad "detect csv header"
grep -qE "$NONFINITE" "$tmp/d.csv" && bad "NaN in detect csv" || ok
expect_json track "${D[@]}" --sensor tpy-2 -- threat updates
"$B" track "${D[@]}" --sensor tpy-2 --format json --csv "$tmp/t.csv" >"$tmp/t.json" 2>"$tmp/err" || bad "track: $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/t.json" <<'PY' && ok || bad "track contract fields"
import json, sys
d = json.load(open(sys.argv[1]))
u = d["updates"]
assert len(u) > 10
for k in ("time_s", "sensor", "position_error_m", "impact_error_km"):
    assert k in u[0], k
assert u[-1]["impact_error_km"] < 5.0, u[-1]
PY
head -1 "$tmp/t.csv" | grep -q '^time_s,sensor,position_error_m' && ok || bad "track csv header"
expect_fail 2 'unknown sensor "aegis-x"' detect "${D[@]}" --sensor aegis-x
expect_fail 2 'below the sea floor' detect "${D[@]}" --sensor tpy-2@38,37,-3000
expect_fail 2 'latitude 95 is outside' detect "${D[@]}" --sensor tpy-2@95,37
expect_fail 2 'at least one --sensor' detect "${D[@]}"
expect_fail 2 'only cues radars' detect "${D[@]}" --sensor sbirs
expect_fail 2 'has no site' detect "${D[@]}" --sensor sbirs@1,1 --sensor tpy-2
expect_fail 2 'not a non-negative integer' detect "${D[@]}" --sensor tpy-2 --seed -4
# detect/track against a scenario's own sensors and threat.
SCN="$BMDSIM_DATA/../scenarios/phase1-iran-raid.yaml"
"$B" detect "$SCN" --threat-index 1 --format json >"$tmp/ds.json" 2>"$tmp/err" || bad "detect SCENARIO: $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/ds.json" <<'PY' && ok || bad "detect SCENARIO uses the scenario's radars"
import json, sys
d = json.load(open(sys.argv[1]))
ids = [s["id"] for s in d["sensors"]]
assert "tpy-2" in ids and "spy-1d" in ids, ids
PY
"$B" track "$SCN" --format json >/dev/null 2>"$tmp/err" && ok || bad "track SCENARIO: $(cat "$tmp/err")"
# Track loss at burnout (seen on this threat: every measurement gated after it) is recovered by
# re-initiation, and the impact prediction converges on the truth.
"$B" track "$SCN" --threat-index 1 --format json >"$tmp/tl.json" 2>"$tmp/err" || bad "track threat 1: $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/tl.json" <<'PY' && ok || bad "track re-initiation after loss"
import json, sys
u = json.load(open(sys.argv[1]))["updates"]
assert any(x["reinitiated"] for x in u)
assert sum(x["gated"] for x in u) < len(u) / 10, sum(x["gated"] for x in u)
assert u[-1]["impact_error_km"] < 2.0, u[-1]["impact_error_km"]
PY
expect_fail 2 'the scenario has threats 0 to' detect "$SCN" --threat-index 99
expect_fail 2 'cannot be used with a SCENARIO' detect "$SCN" --threat shahab-3
expect_fail 2 'goes with a SCENARIO' detect "${D[@]}" --sensor tpy-2 --threat-index 0
sed -e 's/el_min_deg: {value: 1,/el_min_deg: {value: 80,/' "$BMDSIM_DATA/sensors/tpy-2.yaml" >"$tmp/empty-for.yaml"
expect_fail 2 'empty-for.yaml' detect "${D[@]}" --sensor "$tmp/empty-for.yaml"
sed -e 's/sigma_range_m: {value: 5,/sigma_range_m: {value: -5,/' "$BMDSIM_DATA/sensors/tpy-2.yaml" >"$tmp/noise.yaml"
expect_fail 2 'noise.yaml' detect "${D[@]}" --sensor "$tmp/noise.yaml"

# Feasibility.
F=(--threat shahab-3 --launch 38.08,46.29 --target 39.93,32.86 --interceptor sm3-ia)
expect_json feasibility "${F[@]}" --site 38.5,36 -- engageable reason earliest_launch_s \
  earliest_intercept_s latest_intercept_s intercept_altitude_km closing_speed_km_s
"$B" feasibility "${F[@]}" --site 38.5,36 --format json >"$tmp/f.json" 2>"$tmp/err" || bad "feasibility: $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/f.json" <<'PY' && ok || bad "feasibility window"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["engageable"] is True, d
assert d["earliest_launch_s"] <= d["earliest_intercept_s"] <= d["latest_intercept_s"]
PY
"$B" feasibility "${F[@]}" --site 36.64,-6.35 --format json >"$tmp/f2.json" 2>/dev/null
/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['engageable'] is False and d['reason']" "$tmp/f2.json" && ok || bad "feasibility reason"
expect_fail 2 'unknown interceptor "sm9"' feasibility --threat shahab-3 --launch 38.08,46.29 --target 39.93,32.86 --interceptor sm9 --site 38.5,36
expect_fail 2 'under the sea floor' feasibility "${F[@]}" --site 38.5,36 --site-altitude-m -3000
expect_fail 2 '--cue: "psychic"' feasibility "${F[@]}" --site 38.5,36 --cue psychic
expect_fail 2 '--site is required' feasibility "${F[@]}"
# threshold: the least burnout speed, checked with feasibility on both sides of it.
"$B" threshold "${F[@]}" --site 38.5,36 --format json >"$tmp/th.json" 2>"$tmp/err" || bad "threshold: $(cat "$tmp/err")"
vth=$(/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); v=d['min_burnout_speed_km_s']; assert d['at_threshold']['engageable']; print(v)" "$tmp/th.json") && ok || bad "threshold contract"
vbelow=$(/usr/bin/python3 -c "print(round(float('$vth') - 0.06, 3))")
"$B" feasibility "${F[@]}" --site 38.5,36 --burnout-speed-km-s "$vth" --format json >"$tmp/fa.json" 2>/dev/null
"$B" feasibility "${F[@]}" --site 38.5,36 --burnout-speed-km-s "$vbelow" --format json >"$tmp/fb.json" 2>/dev/null
/usr/bin/python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); assert a['engageable'] and not b['engageable'], (a['reason'], b['reason'])" "$tmp/fa.json" "$tmp/fb.json" && ok || bad "threshold $vth not confirmed by feasibility at it and at $vbelow"
expect_fail 2 'threshold finds it' threshold "${F[@]}" --site 38.5,36 --burnout-speed-km-s 3
expect_fail 2 '--site is required' threshold --threat shahab-3 --launch 38.08,46.29 --target 39.93,32.86
# An interceptor that cannot fly (no thrust): the catalog names the file and line.
cp -r "$BMDSIM_DATA" "$tmp/data0"
sed -i '0,/isp_vac_s: {value: [0-9.]*/s//isp_vac_s: {value: 0.001/' "$tmp/data0/interceptors/sm3-ia.yaml"
BMDSIM_DATA="$tmp/data0" expect_fail 2 'sm3-ia.yaml:5:1: stages[0]: thrust at launch' feasibility "${F[@]}" --site 38.5,36
# --interceptor takes a vehicle file as well as an id: the same answer; a missile file is refused,
# and so is an interceptor file that cannot fly.
G=(--threat shahab-3 --launch 38.08,46.29 --target 39.93,32.86 --site 38.5,36 --format json)
"$B" feasibility "${G[@]}" --interceptor sm3-ia >"$tmp/fi1.json" 2>/dev/null
"$B" feasibility "${G[@]}" --interceptor "$BMDSIM_DATA/interceptors/sm3-ia.yaml" >"$tmp/fi2.json" 2>"$tmp/err" || bad "feasibility --interceptor FILE: $(cat "$tmp/err")"
cmp -s "$tmp/fi1.json" "$tmp/fi2.json" && ok || bad "--interceptor FILE differs from the id"
expect_fail 2 'is a missile file, not an interceptor' feasibility "${G[@]}" --interceptor "$BMDSIM_DATA/missiles/shahab-3.yaml"
expect_fail 2 'sm3-ia.yaml:5:1: stages[0]: thrust at launch' feasibility "${G[@]}" --interceptor "$tmp/data0/interceptors/sm3-ia.yaml"
expect_fail 3 'beyond the maximum range' feasibility --threat shahab-3 --launch 38.08,46.29 --target 38.95,-77.01 --interceptor sm3-ia --site 38.5,36
expect_fail 2 'outside (0.5, 11]' feasibility "${F[@]}" --site 38.5,36 --burnout-speed-km-s 20

# Engage.
"$B" engage "$BMDSIM_DATA/../scenarios/phase1-iran-raid.yaml" --runs 200 --format json >"$tmp/e.json" 2>"$tmp/err" || bad "engage: $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/e.json" <<'PY' && ok || bad "engage output"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["threats"]) == 4
for t in d["threats"]:
    for k in ("detected_s", "tracked_s", "leaked", "shots"):
        assert k in t, k
    for s in t["shots"]:
        for k in ("site", "launch_s", "intercept_s", "altitude_km", "pk", "kill"):
            assert k in s, k
mc = d["monte_carlo"]
assert mc["runs"] == 200 and mc["leak_probability_lo"] <= mc["leak_probability"] <= mc["leak_probability_hi"]
PY
grep -qE "$NONFINITE" "$tmp/e.json" && bad "NaN in engage output" || ok
# Threat evaluation waits for a settled post-burnout impact prediction: each threat of the
# phase 1 raid is matched to the capital it is aimed at.
"$B" engage "$BMDSIM_DATA/../scenarios/phase1-iran-raid.yaml" --format json >"$tmp/ea.json" 2>/dev/null
/usr/bin/python3 - "$tmp/ea.json" <<'PY' && ok || bad "engage threat evaluation"
import json, sys
t = json.load(open(sys.argv[1]))["threats"]
assert [x.get("threatens") for x in t] == ["Bucharest", "Sofia", "Ankara", "Ankara"], [x.get("threatens") for x in t]
PY
"$B" engage "$BMDSIM_DATA/../scenarios/phase1-iran-raid.yaml" --seed 4 --format json >"$tmp/e1.json" 2>/dev/null
"$B" engage "$BMDSIM_DATA/../scenarios/phase1-iran-raid.yaml" --seed 4 --format json >"$tmp/e2.json" 2>/dev/null
cmp -s "$tmp/e1.json" "$tmp/e2.json" && ok || bad "engage not reproducible for a seed"
# The text output's radar lines: per threat each radar's times as the JSON has them, the
# threat's detected and tracked times their least.
"$B" engage "$BMDSIM_DATA/../scenarios/phase1-iran-raid.yaml" --seed 4 --format text >"$tmp/e1.txt" 2>/dev/null
/usr/bin/python3 - "$tmp/e1.json" "$tmp/e1.txt" <<'PY' && ok || bad "engage text: the radars' times"
import json, re, sys
threats = json.load(open(sys.argv[1]))["threats"]
lines = open(sys.argv[2]).read().splitlines()
heads = [k for k, l in enumerate(lines) if re.match(r"threat \d+ ", l)]
assert len(heads) == len(threats), (len(heads), len(threats))
for k, t in zip(heads, threats):
    det = re.search(r"detected ([0-9.]+) s, tracked ([0-9.]+) s", lines[k])
    radars = lines[k + 1]
    assert radars.startswith("    radars: "), radars
    parts = radars[len("    radars: "):].split("; ")
    assert len(parts) == len(t["sensors"]), (parts, t["sensors"])
    dets, trks = [], []
    for p, s in zip(parts, t["sensors"]):
        name, rest = p.split(" ", 1)
        assert name == s["sensor"], (name, s)
        if s["first_detection_s"] is None:
            assert rest == "never detects it", rest
            continue
        m = re.match(r"detects ([0-9.]+) s(?:, tracks ([0-9.]+) s|, no track)$", rest)
        assert m and abs(float(m.group(1)) - s["first_detection_s"]) < 0.051, (rest, s)
        dets.append(float(m.group(1)))
        if s["track_confirmed_s"] is not None:
            assert abs(float(m.group(2)) - s["track_confirmed_s"]) < 0.051, (rest, s)
            trks.append(float(m.group(2)))
    if det:
        assert float(det.group(1)) == min(dets) and float(det.group(2)) == min(trks), (lines[k], radars)
PY
"$B" engage "$BMDSIM_DATA/../scenarios/phase1-iran-raid.yaml" --runs 3001 --threads 1 --format json >"$tmp/m1.json" 2>/dev/null
"$B" engage "$BMDSIM_DATA/../scenarios/phase1-iran-raid.yaml" --runs 3001 --threads 3 --format json >"$tmp/m3.json" 2>/dev/null
cmp -s "$tmp/m1.json" "$tmp/m3.json" && ok || bad "engage Monte Carlo depends on the thread count"
/usr/bin/python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['monte_carlo']; p=m['threat_leak_probability']; assert len(p)==4 and all(0<=x<=1 for x in p) and m['runs']==3001" "$tmp/m3.json" && ok || bad "engage per-threat leak probability"
expect_fail 2 '--threads' engage "$BMDSIM_DATA/../scenarios/phase1-iran-raid.yaml" --threads 0
# Every ready scenario loads and plays: valid JSON, one entry per threat, no NaN.
for scn in "$BMDSIM_DATA"/../scenarios/*.yaml; do
  "$B" engage "$scn" --runs 50 --threads 2 --format json >"$tmp/sc.json" 2>"$tmp/err" || { bad "engage $(basename "$scn"): $(cat "$tmp/err")"; continue; }
  /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['threats'] and d['monte_carlo']['runs']==50" "$tmp/sc.json" && ok || bad "engage $(basename "$scn") contract"
  grep -qE "$NONFINITE" "$tmp/sc.json" && bad "NaN in engage $(basename "$scn")" || ok
done
printf 'name: x\nsites: []\nthreats: []\n' >"$tmp/empty.yaml"
expect_fail 2 'the raid is empty' engage "$tmp/empty.yaml"
printf 'name: x\nsites:\n  - {name: s, lat_deg: 40, lon_deg: 30, interceptor: sm3-ia, inventory: -1}\nthreats:\n  - {missile: shahab-3, launch: [38, 46], target: [40, 33]}\n' >"$tmp/neg.yaml"
expect_fail 2 'neg.yaml:3:' engage "$tmp/neg.yaml"
expect_fail 2 'cannot open' engage "$tmp/none.yaml"
expect_fail 2 'expected one SCENARIO' engage
expect_fail 2 '--runs' engage "$tmp/neg.yaml" --runs 0
# Scenario includes and analyses: each error names the file the value is in, with line:column.
printf 'name: a\ninclude: loopb.yaml\n' >"$tmp/loopa.yaml"
printf 'name: b\n\ninclude: [loopa.yaml]\n' >"$tmp/loopb.yaml"
expect_fail 2 'loopb.yaml:3:11: include[0]: "loopa.yaml": an include loop' engage "$tmp/loopa.yaml"
printf 'name: s\ninclude: self.yaml\n' >"$tmp/self.yaml"
expect_fail 2 'self.yaml:2:10: include: "self.yaml": the file includes itself' engage "$tmp/self.yaml"
printf 'name: m\ninclude: [neg.yaml, gone.yaml]\n' >"$tmp/incmiss.yaml"
expect_fail 2 'incmiss.yaml:2:21: include[1]: cannot open "gone.yaml"' engage "$tmp/incmiss.yaml"
printf 'name: i\ninclude: neg.yaml\n' >"$tmp/incneg.yaml"
expect_fail 2 'neg.yaml:3:' engage "$tmp/incneg.yaml"
printf 'name: x\nsites: []\nthreats:\n  - {missile: shahab-3, launch: [38, 46], target: [40, 33]}\nanalyses:\n  defended_area: {missile: sejjil-2, launch_areas: [{lat_deg: 38, lon_deg: 46}], cue: psychic}\n' >"$tmp/ancue.yaml"
expect_fail 2 'ancue.yaml:6:87: analyses.defended_area.cue: unknown cue "psychic"' engage "$tmp/ancue.yaml"
printf 'name: ok\nsites: []\nthreats:\n  - {missile: shahab-3, launch: [38, 46], target: [40, 33]}\n' >"$tmp/ok.yaml"
printf 'include: ok.yaml\nanalyses:\n  feasibility_matrix:\n    bases: [{lat_deg: 54, lon_deg: 35, missile: ss-99}]\n    targets: [{lat_deg: 38.951, lon_deg: -77.013}]\n' >"$tmp/anbase.yaml"
expect_fail 2 'anbase.yaml:4:49: analyses.feasibility_matrix.bases[0].missile: unknown missile "ss-99"' engage "$tmp/anbase.yaml"
printf 'include: ok.yaml\nanalyses:\n  guarantees: {grid_deg: 1}\n' >"$tmp/angu.yaml"
expect_fail 2 'angu.yaml:3:15: analyses.guarantees: needs analyses.feasibility_matrix' engage "$tmp/angu.yaml"
printf 'include: ok.yaml\nanalyses:\n  kaliningrad: maybe\n' >"$tmp/ankal.yaml"
expect_fail 2 'ankal.yaml:3:16: analyses.kaliningrad: expected true or false' engage "$tmp/ankal.yaml"
printf 'include: ok.yaml\nanalyses:\n  defended_area: {missile: sejjil-2, launch_areas: [{lat_deg: 38, lon_deg: 46}], grid_deg: 9}\n' >"$tmp/angrid.yaml"
expect_fail 2 'angrid.yaml:3:92: analyses.defended_area.grid_deg: 9 is outside [0.05, 5] degrees' engage "$tmp/angrid.yaml"

# run: the built-in December 2011 scenario, on a coarse grid (the README's `make demo` runs it at
# 1 degree): every phase, the threats, the per-phase directories of --out.
"$B" run --grid-deg 5 --out "$tmp/out0" >"$tmp/run0.txt" 2>"$tmp/err" && ok || bad "run: $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/out0" "$tmp/run0.txt" <<'PY' && ok || bad "run: the built-in scenario's phases, threats and files"
import json, os, sys
d, txt = sys.argv[1], open(sys.argv[2]).read()
s = json.load(open(os.path.join(d, "summary.json")))
assert len(s["phases"]) == 7 and len(s["threats"]) >= 15
names = [p["scenario"] for p in s["phases"]]
assert all(n.split(":")[0] in txt for n in names)
p4 = [p for p in s["phases"] if p["file"].endswith("phase4-russian-icbms.yaml")][0]
assert len(p4["feasibility_matrix"]["threats"]) == 18 and p4["guarantees"]["sites"]
assert any(p.get("kaliningrad") for p in s["phases"])
for sub in ["interim-2011-iran-raid", "phase4-russian-icbms", "kaliningrad-s400-voronezh"]:
    assert os.listdir(os.path.join(d, sub)), sub
assert os.path.getsize(os.path.join(d, "trajectories.csv")) > 0
PY
grep -qE "$NONFINITE" "$tmp/run0.txt" "$tmp/out0/summary.json" && bad "NaN in the built-in run" || ok

# run SCENARIO: a small scenario's analyses, and --out writes a complete directory or none.
cat >"$tmp/an.yaml" <<'YAML'
name: "test: two sites, every analysis on a coarse grid"
sites:
  - {name: "Deveselu, Romania", lat_deg: 44.08, lon_deg: 24.41, interceptor: sm3-ib, inventory: 4}
  - {name: Redzikowo, lat_deg: 54.47, lon_deg: 17.12, interceptor: sm3-iib, inventory: 4}
threats:
  - {missile: sejjil-2, launch: [38.08, 46.29], target: [44.43, 26.10]}
analyses:
  defended_area:
    missile: sejjil-2
    launch_areas: [{name: Tabriz, lat_deg: 38.08, lon_deg: 46.29}]
    grid_deg: 2
    region: {lat_min_deg: 36, lat_max_deg: 48, lon_min_deg: 18, lon_max_deg: 36}
  feasibility_matrix:
    bases: [{name: Kozelsk, lat_deg: 54.033, lon_deg: 35.767, missile: ss-19}]
    targets: [{name: Washington, lat_deg: 38.951, lon_deg: -77.013}]
    cues: [ideal, site-radar]
    launch_delays_s: [0, 60]
  guarantees:
    burnout_speed_km_s: 5.5
    grid_deg: 3
    region: {lat_min_deg: 51, lat_max_deg: 57, lon_min_deg: 12, lon_max_deg: 21}
YAML
"$B" run "$tmp/an.yaml" --out "$tmp/out1" --threads 2 >"$tmp/run.txt" 2>"$tmp/err" && ok || bad "run SCENARIO: $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/out1" <<'PY' && ok || bad "run --out: summary, tables, layers, maps"
import json, os, sys
d = sys.argv[1]
s = json.load(open(os.path.join(d, "summary.json")))["result"]
da = s["defended_area"]["launch_areas"][0]
assert da["cells"] == 6 * 9 and da["cells_defended"] > 0 and "Bucharest" in da["capitals_covered"], da
assert 0 < da["share_of_nato_europe"] < 1
fm = s["feasibility_matrix"]
assert len(fm["cells"]) == 1 * 2 * 2 * 2
g = s["guarantees"]["sites"]
assert len(g) == 2 and g[1]["min_burnout_speed_km_s"] is not None
assert s["guarantees"]["safe_zone_map"]["cells"] == 2 * 3
for f in ["defended_area_tabriz.csv", "defended_area_tabriz.geojson", "feasibility_matrix.csv",
          "guarantees_sites.csv", "guarantees_map.csv", "safe_zones.geojson",
          "map_defended_area_tabriz.png", "map_defended_area_tabriz.svg", "map_safe_zones.png",
          "plot_trajectories.svg", "threat_trajectories.csv"]:
    assert os.path.getsize(os.path.join(d, f)) > 0, f
gj = json.load(open(os.path.join(d, "defended_area_tabriz.geojson")))
assert gj["type"] == "FeatureCollection" and gj["features"][0]["geometry"]["type"] == "MultiPolygon"
assert open(os.path.join(d, "map_safe_zones.png"), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
assert not [f for f in os.listdir(os.path.dirname(d)) if ".partial-" in f]
import csv
for f in os.listdir(d):
    if f.endswith(".csv"):
        rows = list(csv.reader(open(os.path.join(d, f))))
        assert (len(rows) > 1 or f == "raid_shots.csv") and all(len(r) == len(rows[0]) for r in rows), f
        if f == "guarantees_sites.csv":
            assert rows[1][0] == "Deveselu, Romania", rows[1]
assert oct(os.stat(d).st_mode & 0o777) != oct(0o700)
cz = json.load(open(os.path.join(d, "scenario.czml")))
assert cz[0]["id"] == "document" and any("threat 1" in p.get("name", "") for p in cz)
import xml.etree.ElementTree as ET
ET.parse(os.path.join(d, "scenario.kml"))
assert s["raid"]["monte_carlo"]["runs"] == 1000
PY
grep -qE "$NONFINITE" "$tmp/run.txt" "$tmp/out1/summary.json" && bad "NaN in run output" || ok
grep -q 'Bucharest' "$tmp/run.txt" && ok || bad "run: the text report names the capitals covered"
# The same scenario gives the same bytes on another thread count.
"$B" run "$tmp/an.yaml" --threads 1 --format json >"$tmp/r1.json" 2>/dev/null
"$B" run "$tmp/an.yaml" --threads 2 --format json >"$tmp/r2.json" 2>/dev/null
/usr/bin/python3 -c "import json,sys; a,b=[json.load(open(f)) for f in sys.argv[1:]]; [x.pop('analyses_wall_s') for x in (a,b)]; assert a==b" "$tmp/r1.json" "$tmp/r2.json" && ok || bad "run: results depend on the thread count"
# An existing, non-empty --out is refused and left as it was.
expect_fail 2 'not an empty directory' run "$tmp/an.yaml" --out "$tmp/out1"
[ -f "$tmp/out1/summary.json" ] && ok || bad "run: a refused --out was touched"
expect_fail 2 '--grid-deg: 9 is outside' run "$tmp/an.yaml" --grid-deg 9
expect_fail 2 'one scenario at a time' run "$tmp/an.yaml" "$tmp/an.yaml"

# footprint: one site's defended footprint against one threat type from one launch area.
"$B" footprint --help | grep -q 'usage: bmdsim footprint' && ok || bad "footprint --help"
FP=(--threat sejjil-2 --launch 38.08,46.29 --site 44.08,24.41 --interceptor sm3-ib)
FPR=("${FP[@]}" --grid-deg 1 --region 36,48,18,36)
"$B" footprint "${FPR[@]}" >"$tmp/fp.json" 2>"$tmp/err" || bad "footprint: $(cat "$tmp/err")"
grep -qE "$NONFINITE" "$tmp/fp.json" && bad "NaN in footprint json" || ok
/usr/bin/python3 - "$tmp/fp.json" <<'PY' && ok || bad "footprint: a real footprint over Romania"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("threat", "launch", "site", "interceptor", "cue", "grid_deg", "region", "cells",
          "cells_reached", "cells_defended", "defended_area_km2", "reached_area_km2",
          "defended_box", "farthest_defended_range_km", "cells_evaluated", "cells_inferred"):
    assert k in d, k
assert d["cells"] == 12 * 18 and d["cue"] == "forward-radar", d
assert 0 < d["cells_defended"] < d["cells_reached"] < d["cells"], d
assert 0 < d["defended_area_km2"] < d["reached_area_km2"], d
b = d["defended_box"]
assert b["lat_min_deg"] <= 44.43 <= b["lat_max_deg"] and b["lon_min_deg"] <= 26.10 <= b["lon_max_deg"], b
assert 500 < d["farthest_defended_range_km"] < 2500, d
assert d["cells_evaluated"] + d["cells_inferred"] == d["cells"], d
PY
"$B" footprint "${FPR[@]}" --format geojson --out "$tmp/fp.geojson" >"$tmp/out" 2>"$tmp/err" || bad "footprint geojson: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] && [ ! -e "$tmp/fp.geojson.tmp" ] && ok || bad "footprint --out: stdout used or temp file left"
/usr/bin/python3 - "$tmp/fp.geojson" <<'PY' && ok || bad "footprint GeoJSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["type"] == "FeatureCollection"
g = [f["geometry"]["type"] for f in d["features"]]
assert g == ["MultiPolygon", "Point", "Point"], g
mp = d["features"][0]
assert mp["geometry"]["coordinates"] and mp["properties"]["defended_area_km2"] > 0
PY
"$B" footprint "${FPR[@]}" --format csv >"$tmp/fp.csv" 2>"$tmp/err" || bad "footprint csv: $(cat "$tmp/err")"
head -1 "$tmp/fp.csv" | grep -q '^lat_deg,lon_deg,class,margin_s,flight_time_s$' && ok || bad "footprint csv header"
awk -F, 'NR>1 { n++; c[$3]++ } END { exit !(n == 216 && c["defended"] > 0 && c["undefended"] > 0 && c["unreached"] > 0 && c["defended"] + c["undefended"] + c["unreached"] == n) }' "$tmp/fp.csv" && ok || bad "footprint csv rows"
grep -qE "$NONFINITE" "$tmp/fp.csv" "$tmp/fp.geojson" && bad "NaN in footprint csv or geojson" || ok
"$B" footprint "${FPR[@]}" --threads 1 --out "$tmp/fp1.json" 2>/dev/null
cmp -s "$tmp/fp.json" "$tmp/fp1.json" && ok || bad "footprint --out differs from stdout or depends on threads"
"$B" footprint "${FPR[@]}" --format text 2>/dev/null | grep -q 'cells defended' && ok || bad "footprint text"
expect_fail 2 '--interceptor is required' footprint --threat sejjil-2 --launch 38.08,46.29 --site 44.08,24.41
expect_fail 2 '--launch is required' footprint --threat sejjil-2 --site 44.08,24.41 --interceptor sm3-ib
expect_fail 2 'unknown missile "nope"' footprint "${FP[@]:2}" --threat nope
expect_fail 2 'unknown interceptor "sm9"' footprint --threat sejjil-2 --launch 38.08,46.29 --site 44.08,24.41 --interceptor sm9
expect_fail 2 'is a missile file, not an interceptor' footprint --threat sejjil-2 --launch 38.08,46.29 --site 44.08,24.41 --interceptor "$BMDSIM_DATA/missiles/shahab-3.yaml"
expect_fail 2 'each minimum below its maximum' footprint "${FP[@]}" --region 48,40,18,36
expect_fail 2 'each minimum below its maximum' footprint "${FP[@]}" --region 36,48,30,30
expect_fail 2 'latitudes must lie in [-90, 90]' footprint "${FP[@]}" --region 36,95,18,36
expect_fail 2 'expected 4 comma-separated numbers' footprint "${FP[@]}" --region 36,48,18
expect_fail 2 'smaller than one cell' footprint "${FP[@]}" --region 36,36.5,18,36 --grid-deg 1
expect_fail 2 '--grid-deg: 0.01 is outside [0.05, 5]' footprint "${FP[@]}" --grid-deg 0.01
expect_fail 2 '--grid-deg: 6 is outside [0.05, 5]' footprint "${FP[@]}" --grid-deg 6
expect_fail 2 '--refine: 0: expected a whole number from 1 to 16' footprint "${FP[@]}" --refine 0
expect_fail 2 '--refine: 17' footprint "${FP[@]}" --refine 17
expect_fail 2 '--threads: 0' footprint "${FP[@]}" --threads 0
expect_fail 2 '--cue: "psychic"' footprint "${FP[@]}" --cue psychic
expect_fail 2 '--format: "kml"' footprint "${FP[@]}" --format kml
expect_fail 2 'latitude 95 is outside' footprint "${FP[@]:0:4}" --site 95,24 --interceptor sm3-ib

# Output that cannot be written: a failure with a message, a non-zero exit and no file left,
# complete or partial. These work as root too (a read-only directory does not stop root): a
# path under a regular file (ENOTDIR), stdout on /dev/full (ENOSPC), and a file-size limit of
# 1 KiB (ulimit -f; SIGXFSZ ignored, so writes past it fail with EFBIG).
: >"$tmp/afile"
T3=(--missile shahab-3 --launch 38.08,46.29 --target 39.93,32.86)
if [ -w /dev/full ]; then
  "$B" trajectory "${T3[@]}" --format json >/dev/full 2>"$tmp/err"; rc=$?
  [ "$rc" -ne 0 ] && grep -q 'cannot write the output' "$tmp/err" && ok || bad "stdout on /dev/full: exit $rc: $(cat "$tmp/err")"
  "$B" catalog >/dev/full 2>"$tmp/err"; rc=$?
  [ "$rc" -ne 0 ] && grep -q 'cannot write the output' "$tmp/err" && ok || bad "catalog on /dev/full: exit $rc: $(cat "$tmp/err")"
fi
"$B" trajectory "${T3[@]}" --samples "$tmp/afile/s.csv" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ "$rc" -ne 0 ] && grep -q 'cannot write' "$tmp/err" && ok || bad "--samples under a file: exit $rc: $(cat "$tmp/err")"
(trap '' XFSZ; ulimit -f 1; "$B" trajectory "${T3[@]}" --samples "$tmp/big.csv" --sample-interval-s 1 >"$tmp/out" 2>"$tmp/err"); rc=$?
[ "$rc" -ne 0 ] && grep -q 'cannot write' "$tmp/err" && ok || bad "--samples over the size limit: exit $rc: $(cat "$tmp/err")"
[ ! -e "$tmp/big.csv" ] && [ ! -e "$tmp/big.csv.tmp" ] && ok || bad "--samples over the size limit left a file"
(trap '' XFSZ; ulimit -f 1; "$B" track --threat shahab-3 --launch 38.08,46.29 --target 39.93,32.86 --sensor tpy-2 --csv "$tmp/bigt.csv" >"$tmp/out" 2>"$tmp/err"); rc=$?
[ "$rc" -ne 0 ] && [ ! -e "$tmp/bigt.csv" ] && [ ! -e "$tmp/bigt.csv.tmp" ] && ok || bad "track --csv over the size limit: exit $rc, or a file left: $(cat "$tmp/err")"
cat >"$tmp/raid.yaml" <<'YAML'
name: one threat, one site
seed: 5
sensors: [sbirs, tpy-2]
sites:
  - {name: ship, lat_deg: 38.5, lon_deg: 36.0, interceptor: sm3-ia, inventory: 3, pk: 0.6}
threats:
  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86], launch_time_s: 0}
YAML
"$B" run "$tmp/raid.yaml" --threads 2 --out "$tmp/afile/o" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ "$rc" -ne 0 ] && [ -s "$tmp/err" ] && ok || bad "run --out under a file: exit $rc"
(trap '' XFSZ; ulimit -f 1; "$B" run "$tmp/raid.yaml" --threads 2 --out "$tmp/bigo" >"$tmp/out" 2>"$tmp/err"); rc=$?
[ "$rc" -ne 0 ] && [ -s "$tmp/err" ] && ok || bad "run --out over the size limit: exit $rc"
ls -d "$tmp"/bigo* >/dev/null 2>&1 && bad "run --out over the size limit left $(ls -d "$tmp"/bigo*)" || ok
"$B" engage "$tmp/raid.yaml" --runs 20 --chunk 1 --threads 2 --db "$tmp/r.db" >/dev/null 2>"$tmp/err" || bad "engage --db: $(cat "$tmp/err")"
(trap '' XFSZ; ulimit -f 1; "$B" store export "$tmp/r.db" --format json --out "$tmp/bige.json" >"$tmp/out" 2>"$tmp/err"); rc=$?
[ "$rc" -ne 0 ] && [ ! -e "$tmp/bige.json" ] && [ ! -e "$tmp/bige.json.tmp" ] && ok || bad "store export over the size limit: exit $rc, or a file left: $(cat "$tmp/err")"

# The literature scenarios (scenarios/literature/, docs/validation.md "Reproducing the literature")
# load and play: valid JSON, one entry per threat, no NaN.
for scn in "$BMDSIM_DATA"/../scenarios/literature/*.yaml; do
  "$B" engage "$scn" --runs 10 --threads 2 --format json >"$tmp/lit.json" 2>"$tmp/err" || { bad "engage literature/$(basename "$scn"): $(cat "$tmp/err")"; continue; }
  /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['threats'] and d['monte_carlo']['runs']==10" "$tmp/lit.json" && ok || bad "engage literature/$(basename "$scn") contract"
  grep -qE "$NONFINITE" "$tmp/lit.json" && bad "NaN in engage literature/$(basename "$scn")" || ok
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
