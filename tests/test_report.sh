#!/usr/bin/env bash
# The offline HTML report (docs/report.md): bmdsim run SCENARIO --out DIR and bmdsim report DIR
# write report.html and report/ (data as a script, the page's files, the libraries when installed);
# the data agree with summary.json and inputs.json; the page's own files name no remote URL;
# rewriting replaces the report whole; the libraries missing give a warning and a page that says
# so; bad directories fail with exit 2 and a message naming them.
set -u
B=${BMDSIM:-build/bmdsim}
WEB=${BMDSIM_WEB:-web}
. "$(dirname "$0")/lib.sh"

# A small scenario with an include, sensors, a raid of two threats, a defended-area map on a
# coarse grid and a one-threat feasibility matrix.
mkdir -p "$tmp/scn/inc"
cat >"$tmp/scn/inc/areas.yaml" <<'YAML'
analyses:
  defended_area:
    missile: shahab-3
    launch_areas: [{name: Tabriz, lat_deg: {value: 38.08, source: "test: Tabriz"}, lon_deg: 46.29}]
    grid_deg: 2
    region: {lat_min_deg: 34, lat_max_deg: 46, lon_min_deg: 22, lon_max_deg: 40}
YAML
cat >"$tmp/scn/small.yaml" <<'YAML'
name: "report test: a ship in the Black Sea against two Shahab-3"
seed: 7
include: inc/areas.yaml
sensors:
  - sbirs
  - tpy-2
  - id: spy-1d
    lat_deg: {value: 43.0, source: "test: a notional station"}
    lon_deg: 34.0
sites:
  - name: "Aegis ship, Black Sea"
    lat_deg: {value: 43.0, source: "test: a notional station"}
    lon_deg: 34.0
    interceptor: sm3-ia
    inventory: {value: 6, source: "test: notional"}
threats:
  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86], launch_time_s: 0}
  - {missile: shahab-3, launch: [38.08, 46.29], target: [39.93, 32.86], launch_time_s: 20}
defended_assets:
  - {name: Ankara, lat_deg: 39.93, lon_deg: 32.86, radius_km: 50, value: 1}
analyses:
  feasibility_matrix:
    bases: [{name: Tabriz, lat_deg: 38.08, lon_deg: 46.29, missile: shahab-3}]
    targets: [{name: Ankara, lat_deg: 39.93, lon_deg: 32.86}]
    cues: [ideal, site-radar]
YAML
D="$tmp/rep"
"$B" run "$tmp/scn/small.yaml" --out "$D" --threads 2 >"$tmp/run.txt" 2>"$tmp/err" && ok || bad "run --out: $(cat "$tmp/err")"
for f in report.html report/data.js report/report.js report/report.css inputs.json summary.json; do
  [ -s "$D/$f" ] && ok || bad "run --out: $f missing or empty"
done
have_libs=0
[ -f "$WEB/node_modules/cesium/Build/Cesium/Cesium.js" ] && [ -f "$WEB/node_modules/d3-geo/dist/d3-geo.min.js" ] && have_libs=1

# check_data DIR SCENARIO HAVE_LIBS: data.js against summary.json, inputs.json and the files.
check_data() {
  /usr/bin/python3 - "$@" <<'PY'
import hashlib, json, os, re, sys
d, scn, have = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
errs = []
txt = open(os.path.join(d, "report/data.js"), encoding="utf-8").read()
m = re.match(r"(?s)\s*/\*.*?\*/\s*window\.BMD_REPORT = (.*);\s*$", txt)
if not m:
    sys.exit("data.js: not 'window.BMD_REPORT = {...};'")
data = json.loads(m.group(1))
summ = json.load(open(os.path.join(d, "summary.json")))
inp = json.load(open(os.path.join(d, "inputs.json")))
if data["kind"] != "scenario": errs.append("kind %r" % data["kind"])
ph = data["phases"]
if len(ph) != 1: errs.append("%d phases, wanted 1" % len(ph))
p = ph[0]
res = summ["result"]
if p["result"] != res: errs.append("phase result differs from summary.json's")
if len(p["inputs"]["threats"]) != len(res["raid"]["threats_run0"]) or len(res["raid"]["threats_run0"]) != 2:
    errs.append("threats: inputs %d, summary %d, wanted 2" % (len(p["inputs"]["threats"]), len(res["raid"]["threats_run0"])))
if len(p["result"]["sites"]) != 1: errs.append("sites")
# Each threat of the raid: one entry per radar, in the scenario's order, with its first detection
# and confirmed track (scenario time, null: never); the threat's first track is their least.
radars = [q["id"] for q in p["inputs"]["sensors"]]
for i, t in enumerate(res["raid"]["threats_run0"]):
    sens = t.get("sensors")
    if not isinstance(sens, list) or [q.get("sensor") for q in sens] != radars:
        errs.append("threat %d: sensors %r, wanted one per radar %s" % (i, sens, radars))
        continue
    for q in sens:
        for k in ("first_detection_s", "track_confirmed_s"):
            if k not in q or not (q[k] is None or isinstance(q[k], (int, float))):
                errs.append("threat %d, %s: %s %r" % (i, q["sensor"], k, q.get(k)))
        if q["first_detection_s"] is None and q["track_confirmed_s"] is not None:
            errs.append("threat %d, %s: a track without a detection" % (i, q["sensor"]))
        if q["track_confirmed_s"] is not None and not (t["launch_s"] <= q["first_detection_s"] <= q["track_confirmed_s"]):
            errs.append("threat %d, %s: detection %r, track %r, launch %r" % (i, q["sensor"], q["first_detection_s"], q["track_confirmed_s"], t["launch_s"]))
    tracks = [q["track_confirmed_s"] for q in sens if q["track_confirmed_s"] is not None]
    if (min(tracks) if tracks else None) != t["tracked_s"]:
        errs.append("threat %d: tracked_s %r, least of the radars' %r" % (i, t["tracked_s"], tracks))
if not any(q["track_confirmed_s"] is not None for t in res["raid"]["threats_run0"] for q in t["sensors"]):
    errs.append("no radar tracks any threat")
if len(p["inputs"]["sensors"]) != 2 or p["inputs"]["early_warning"]["id"] != "sbirs": errs.append("sensors")
geo = sorted(f[:-8] for f in os.listdir(d) if f.endswith(".geojson"))
if sorted(p["layers"]) != geo or not geo: errs.append("layers %s, files %s" % (sorted(p["layers"]), geo))
for k in geo:
    if p["layers"][k] != json.load(open(os.path.join(d, k + ".geojson"))): errs.append("layer %s differs" % k)
for k in ("feasibility_matrix", "raid_shots"):
    if p["tables"].get(k) != open(os.path.join(d, k + ".csv")).read(): errs.append("table %s differs" % k)
if p["czml"] != json.load(open(os.path.join(d, "scenario.czml"))): errs.append("czml differs")
if p["inputs"] != inp: errs.append("inputs differ from inputs.json")
sha = hashlib.sha256(open(scn, "rb").read()).hexdigest()
if inp["scenario_sha256"] != sha: errs.append("scenario_sha256 %s, wanted %s" % (inp["scenario_sha256"], sha))
files = [f["path"] for f in inp["files"]]
if len(files) != 2 or not files[1].endswith("inc/areas.yaml"): errs.append("files %s" % files)
if inp["files"][1]["sha256"] != hashlib.sha256(open(files[1], "rb").read()).hexdigest(): errs.append("include's SHA-256")
if inp["seed"] != 7: errs.append("seed %r" % inp["seed"])
srcs = {q["field"]: q["source"] for q in inp["parameters"]}
if srcs.get("sites[0].inventory") != "test: notional": errs.append("scenario parameter source: %s" % srcs)
if srcs.get("analyses.defended_area.launch_areas[0].lat_deg") not in (None, "test: Tabriz") and "test: Tabriz" not in srcs.values():
    errs.append("include's parameter source missing")
ids = {(c["kind"], c["id"]) for c in inp["catalog"]}
for want in (("missile", "shahab-3"), ("interceptor", "sm3-ia"), ("radar", "tpy-2"), ("early-warning", "sbirs")):
    if want not in ids: errs.append("catalog entry %s missing" % (want,))
for c in inp["catalog"]:
    if not c["parameters"] or any(not q["source"] for q in c["parameters"]): errs.append("catalog %s: values without source" % c["id"])
if data["assets"]["map2d"] != have or data["assets"]["globe"] != have: errs.append("assets %s, libraries installed: %s" % (data["assets"], have))
for f in ("report/lib/d3-geo.min.js", "report/lib/world.js", "report/cesium/Cesium.js",
          "report/cesium/Assets/Textures/NaturalEarthII/tilemapresource.xml", "report/cesium/Widgets/widgets.css"):
    if os.path.exists(os.path.join(d, f)) != have: errs.append("%s: present %s, libraries %s" % (f, not have, have))
if errs:
    sys.exit("; ".join(errs))
PY
}
check_data "$D" "$tmp/scn/small.yaml" "$have_libs" && ok || bad "report data (above)"

# The page's own files: no remote URL (the SVG namespace is a name, not a request), and the
# globe configured for bundled imagery only.
urls=$(grep -ohE "https?://[^\"' )]*" "$D/report.html" "$D/report/report.js" "$D/report/report.css" "$D/report/data.js" |
  grep -vx 'http://www.w3.org/2000/svg' || true)
[ -z "$urls" ] && ok || bad "remote URLs in the page: $urls"
# The page's script parses (node, where installed: the set-up installs it with the libraries).
if command -v node >/dev/null 2>&1; then
  node --check "$D/report/report.js" 2>"$tmp/err" && ok || bad "report.js does not parse: $(cat "$tmp/err")"
else
  echo "report: node not installed, report.js's syntax not checked" >&2
fi
# The timeline drawn by the page's script (run in node on a minimal document, the map and globe
# off): BMD_STATUS.timeline has each threat's radars as summary.json has them, and the SVG one
# first-detection mark and one track mark, titled with the radar's name, per time known.
if command -v node >/dev/null 2>&1; then
  cat >"$tmp/tl.js" <<'JS'
const fs = require('fs'), vm = require('vm');
const dir = process.argv[2];
const ids = {};
function node(tag) {
  return { tag, attrs: {}, children: [], style: {}, textContent: '', hidden: false, innerHTML: '',
    setAttribute(k, v) { this.attrs[k] = String(v); }, appendChild(c) { this.children.push(c); return c; },
    addEventListener() {}, querySelector() { return node('div'); }, getContext() { return ctx; },
    get lastChild() { return this.children[this.children.length - 1]; } };
}
const ctx = new Proxy({}, { get: (t, k) => k in t ? t[k] : k === 'measureText' ? () => ({ width: 10 }) : () => {},
  set: (t, k, v) => { t[k] = v; return true; } });
const document = { getElementById: (id) => ids[id] || (ids[id] = node('div')), createElement: node,
  createElementNS: (ns, tag) => node(tag), createTextNode: (t) => node('#text'), querySelector: () => node('div'),
  head: node('head'), title: '' };
const win = { document, location: { protocol: 'file:' }, performance, Intl, setTimeout, console,
  addEventListener() {}, requestAnimationFrame() {} };
win.window = win;
vm.createContext(win);
vm.runInContext(fs.readFileSync(dir + '/report/data.js', 'utf8'), win);
win.BMD_REPORT.assets = { map2d: false, globe: false };
vm.runInContext(fs.readFileSync(dir + '/report/report.js', 'utf8'), win);
const marks = [];
(function walk(n) {
  const c = n.attrs && n.attrs.class;
  if (c === 'sensor-detection' || c === 'sensor-track')
    marks.push({ kind: c, title: (n.children.find((x) => x.tag === 'title') || {}).textContent });
  (n.children || []).forEach(walk);
})(ids.timeline || node('div'));
const st = win.BMD_STATUS;
console.log(JSON.stringify({ errors: st.errors, timeline: st.timeline, marks }));
JS
  node "$tmp/tl.js" "$D" >"$tmp/tl.json" 2>"$tmp/err" && /usr/bin/python3 - "$D" "$tmp/tl.json" <<'PY' && ok || bad "timeline data (above): $(cat "$tmp/err")"
import json, os, sys
d, tl = sys.argv[1], json.load(open(sys.argv[2]))
res = json.load(open(os.path.join(d, "summary.json")))["result"]
errs = [e for e in tl["errors"] if e.startswith("timeline")]
thr = res["raid"]["threats_run0"]
rows = tl["timeline"]
if len(rows) != len(thr): errs.append("%d timeline rows, %d threats" % (len(rows), len(thr)))
want = {"sensor-detection": 0, "sensor-track": 0}
for i, (r, t) in enumerate(zip(rows, thr)):
    if r.get("sensors") != t["sensors"]: errs.append("row %d: sensors %r, summary %r" % (i, r.get("sensors"), t["sensors"]))
    for q in t["sensors"]:
        want["sensor-detection"] += q["first_detection_s"] is not None
        want["sensor-track"] += q["track_confirmed_s"] is not None
names = {q["sensor"] for t in thr for q in t["sensors"]}
for k, n in want.items():
    got = [m for m in tl["marks"] if m["kind"] == k]
    if len(got) != n or n == 0: errs.append("%d %s marks, wanted %d (> 0)" % (len(got), k, n))
    if any(not any((m["title"] or "").startswith(q + (":", " at ")[j]) for q in names for j in (0, 1)) for m in got):
        errs.append("%s marks not titled by radar: %r" % (k, got))
if errs:
    sys.exit("; ".join(errs))
PY
else
  echo "report: node not installed, the timeline's data not checked" >&2
fi
cat "$D/report.html" "$D/report/report.js" >"$tmp/page.txt"
for needle in "TileMapServiceImageryProvider" "Assets/Textures/NaturalEarthII" "geocoder: false" \
              "baseLayerPicker: false" "EllipsoidTerrainProvider" "class: 'layer-toggle'" \
              "'data-layer'" 'id="map2d"' 'id="globe"' "BMD_STATUS" "bmdsim serve DIR"; do
  grep -qF -- "$needle" "$tmp/page.txt" && ok || bad "page lacks $needle"
done
for needle in "Ion.defaultAccessToken" "createWorldImagery" "BingMaps" "IonImageryProvider" "createWorldTerrain"; do
  grep -qF -- "$needle" "$D/report/report.js" && bad "page uses $needle" || ok
done

# bmdsim report DIR rewrites it whole: same data, nothing left beside it.
cp "$D/report/data.js" "$tmp/data1.js"
"$B" report "$D" >"$tmp/out" 2>"$tmp/err" && ok || bad "report DIR: $(cat "$tmp/err")"
cmp -s "$D/report/data.js" "$tmp/data1.js" && ok || bad "report DIR: data.js differs from run --out's"
ls -a "$D" | grep -q '^\.report' && bad "report DIR: left $(ls -a "$D" | grep '^\.report')" || ok
[ -s "$D/report.html" ] && ok || bad "report DIR: no report.html"

# Without the libraries: the page is written, says so, and one warning goes to stderr.
mkdir -p "$tmp/web0"
cp -r "$WEB/report" "$tmp/web0/"
BMDSIM_WEB="$tmp/web0" "$B" report "$D" >"$tmp/out" 2>"$tmp/err" && ok || bad "report without libraries: $(cat "$tmp/err")"
[ "$(grep -c 'not installed' "$tmp/err")" -eq 1 ] && ok || bad "report without libraries: wanted one warning: $(cat "$tmp/err")"
check_data "$D" "$tmp/scn/small.yaml" 0 && ok || bad "report without libraries (above)"
grep -qF "bash scripts/web.sh" "$D/report/report.js" && ok || bad "page does not say how to install"
"$B" report "$D" 2>/dev/null && check_data "$D" "$tmp/scn/small.yaml" "$have_libs" && ok || bad "report back with libraries"
# run --out with no templates at all: the other outputs stand, a warning, no page.
BMDSIM_WEB="$tmp/none" "$B" run "$tmp/scn/small.yaml" --out "$tmp/out2" --threads 2 >/dev/null 2>"$tmp/err" && ok || bad "run without templates: $(cat "$tmp/err")"
[ -s "$tmp/out2/summary.json" ] && [ ! -e "$tmp/out2/report.html" ] && grep -q 'warning: no report.html' "$tmp/err" && ok ||
  bad "run without templates: $(ls "$tmp/out2" 2>&1) $(cat "$tmp/err")"

# Bad directories.
expect_fail 2 '/nonexistent: not a directory' report /nonexistent
mkdir -p "$tmp/empty"
expect_fail 2 'no summary.json' report "$tmp/empty"
[ -z "$(ls -A "$tmp/empty")" ] && ok || bad "report of an empty directory wrote $(ls -A "$tmp/empty")"
mkdir -p "$tmp/broken" && printf '{"result": {\n  "sites": [1, \n' >"$tmp/broken/summary.json"
expect_fail 2 'summary.json:3: malformed JSON' report "$tmp/broken"
mkdir -p "$tmp/other" && echo '{"x": 1}' >"$tmp/other/summary.json"
expect_fail 2 'neither "result"' report "$tmp/other"
cp -r "$D" "$tmp/badgeo" && echo '{"type": ' >"$tmp/badgeo/$(cd "$D" && ls *.geojson | head -1)"
cp "$tmp/badgeo/report/data.js" "$tmp/data2.js"
expect_fail 2 '.geojson:' report "$tmp/badgeo"
cmp -s "$tmp/badgeo/report/data.js" "$tmp/data2.js" && ok || bad "a failed report changed the old one"
expect_fail 2 'expected one directory' report
expect_fail 2 'expected one directory' report "$D" "$D"
BMDSIM_WEB="$tmp/none" expect_fail 2 'template' report "$D"
"$B" report --help | grep -q 'usage: bmdsim report DIR' && ok || bad "report --help"

echo "report: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
