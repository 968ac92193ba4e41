#!/usr/bin/env bash
# The replay files against their formats (docs/replay.md, docs/testing.md):
#   test_formats.sh files DIR        bmdsim run --out for each raid scenario below, into DIR/NAME
#   test_formats.sh czml DIR...      every *.czml under the DIRs through CesiumJS's CzmlDataSource
#                                    (tests/czml_check.cjs), after checking that broken copies fail
#   test_formats.sh kml DIR...       every *.kml under the DIRs through libkml (KML_CHECK, the
#                                    kml_check program), after checking that broken copies fail
# czml and kml exit 77 (CTest's SKIP_RETURN_CODE) with a message when Node.js and CesiumJS, or
# libkml, are not installed: scripts/deps.sh and scripts/web.sh install them.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mode=${1:-}
shift || true
BMDSIM=${BMDSIM:-bmdsim}
fails=0
passes=0
pass() { passes=$((passes + 1)); echo "ok: $*"; }
failed() { fails=$((fails + 1)); echo "FAILED: $*"; }
finish() {
  echo "$passes passed, $fails failed"
  [ "$fails" -eq 0 ]
  exit $?
}

# The raid scenarios whose runs write scenario.czml and scenario.kml (bmdsim run SCENARIO --out:
# the only writer; the built-in run's phases write no replay).
scenarios=(phase1-iran-raid phase3-iran-raid-10)

case "$mode" in
files)
  dir=${1:?usage: test_formats.sh files DIR}
  rm -rf "$dir"
  mkdir -p "$dir"
  for s in "${scenarios[@]}"; do
    if "$BMDSIM" run "${BMDSIM_SCENARIOS:?}/$s.yaml" --out "$dir/$s" >"$dir/$s.log" 2>&1 &&
       [ -s "$dir/$s/scenario.czml" ] && [ -s "$dir/$s/scenario.kml" ]; then
      pass "bmdsim run $s.yaml --out wrote scenario.czml and scenario.kml"
    else
      failed "bmdsim run $s.yaml --out: no scenario.czml and scenario.kml (log: $dir/$s.log)"
      cat "$dir/$s.log"
    fi
  done
  finish
  ;;
czml)
  web=${BMDSIM_WEB:-$here/../web}
  modules="$web/node_modules"
  if ! command -v node >/dev/null; then
    echo "SKIPPED: Node.js is not installed: scripts/web.sh installs the Debian packages nodejs and npm" \
         "when run as root; the CZML was not read by CesiumJS"
    exit 77
  fi
  if [ ! -f "$modules/cesium/package.json" ] ||
     [ ! -f "$modules/@cesium/engine/Source/DataSources/CzmlDataSource.js" ]; then
    echo "SKIPPED: CesiumJS is not in $modules: scripts/web.sh installs it (npm ci in web/);" \
         "the CZML was not read by CesiumJS"
    exit 77
  fi
  files=$(find "$@" -name '*.czml' | sort)
  [ -n "$files" ] || { failed "no .czml file under $*"; finish; }
  # Broken copies of the first file must fail, each for its own reason.
  first=$(echo "$files" | head -1)
  broken=$(mktemp -d)
  trap 'rm -rf "$broken"' EXIT
  node - "$first" "$broken" <<'EOF'
const fs = require("fs");
const [src, out] = process.argv.slice(2);
const track = (c) => c.find((p) => p.position && p.position.epoch);
const cases = {
  "unknown-packet-property": (c) => { c[1].pointt = { pixelSize: 3 }; },
  "unknown-label-property": (c) => { c[1].label.pixelOfset = c[1].label.pixelOffset; },
  "unknown-enum-value": (c) => { c[1].label.horizontalOrigin = "LEFTT"; },
  "three-number-sample": (c) => { track(c).position.cartographicDegrees.pop(); },
  "time-going-back": (c) => { const a = track(c).position.cartographicDegrees; [a[4], a[8]] = [a[8], a[4]]; },
  "version-2": (c) => { c[0].version = "2.0"; },
  "document-second": (c) => { [c[0], c[1]] = [c[1], c[0]]; },
  "no-id": (c) => { delete c[2].id; },
  "month-13": (c) => { c[1].availability = c[1].availability.replace(/-12-/, "-13-"); },
  "no-clock": (c) => { delete c[0].clock; },
  "repeated-id": (c) => { c[2].id = c[1].id; },
  "latitude-91": (c) => { track(c).position.cartographicDegrees[2] = 91; },
};
for (const [name, f] of Object.entries(cases)) {
  const c = JSON.parse(fs.readFileSync(src, "utf8"));
  f(c);
  fs.writeFileSync(`${out}/${name}.czml`, JSON.stringify(c));
}
EOF
  for b in "$broken"/*.czml; do
    out=$(node "$here/czml_check.cjs" "$modules" "$b" 2>&1)
    rc=$?
    if [ $rc -eq 1 ] && echo "$out" | grep -q "^FAILED $b"; then
      pass "$(basename "$b" .czml) refused: ${out#FAILED }"
    else
      failed "$(basename "$b" .czml) not refused (exit $rc): $out"
    fi
  done
  for f in $files; do
    if out=$(node "$here/czml_check.cjs" "$modules" "$f" 2>&1); then
      pass "${out#ok }"
    else
      failed "$out"
    fi
  done
  finish
  ;;
kml)
  if [ -z "${KML_CHECK:-}" ] || [ ! -x "$KML_CHECK" ]; then
    echo "SKIPPED: libkml was not found when the tests were configured (scripts/deps.sh kml, which make test runs, installs the" \
         "Debian package libkml-dev); the KML was not checked against libkml"
    exit 77
  fi
  files=$(find "$@" -name '*.kml' | sort)
  [ -n "$files" ] || { failed "no .kml file under $*"; finish; }
  first=$(echo "$files" | head -1)
  broken=$(mktemp -d)
  trap 'rm -rf "$broken"' EXIT
  # Broken copies (one change each, the first occurrence) must fail.
  b() { sed "0,/$2/s//$3/" "$first" >"$broken/$1.kml"; cmp -s "$first" "$broken/$1.kml" &&
        failed "$1: the change did not apply"; }
  b unknown-element '<\/styleUrl>' '<\/styleUrl><foo>1<\/foo>'
  b misplaced-element '<LabelStyle>' '<Point><coordinates>1,2<\/coordinates><\/Point><LabelStyle>'
  sed -z '0,/<Placemark>\n<name>\([^<]*\)<\/name>\n<styleUrl>\([^<]*\)<\/styleUrl>/s//<Placemark>\n<styleUrl>\2<\/styleUrl>\n<name>\1<\/name>/' \
    "$first" >"$broken/name-after-styleUrl.kml"
  b altitudeMode-misspelt '<altitudeMode>absolute<' '<altitudeMode>absolut<'
  b coord-without-prefix '<gx:coord>\([^<]*\)<\/gx:coord>' '<coord>\1<\/coord>'
  b gx-namespace-2.3 'kml\/ext\/2.2' 'kml\/ext\/2.3'
  b open-yes '<open>1<' '<open>yes<'
  b colour-7-digits '<color>ff' '<color>f'
  b when-month-13 '<when>\([0-9]*\)-12-' '<when>\1-13-'
  sed -z '0,/<gx:Track>\n<altitudeMode>absolute<\/altitudeMode>\n/s//<gx:Track>\n/; 0,/<\/gx:coord>\n<\/gx:Track>/s//<\/gx:coord>\n<altitudeMode>absolute<\/altitudeMode>\n<\/gx:Track>/' \
    "$first" >"$broken/altitudeMode-after-coords.kml"
  for k in "$broken"/*.kml; do
    out=$("$KML_CHECK" "$k" 2>&1)
    rc=$?
    if [ $rc -eq 1 ] && echo "$out" | grep -q "^FAILED $k"; then
      pass "$(basename "$k" .kml) refused: ${out#FAILED }"
    else
      failed "$(basename "$k" .kml) not refused (exit $rc): $out"
    fi
  done
  for f in $files; do
    if out=$("$KML_CHECK" "$f" 2>&1); then
      pass "${out#ok }"
    else
      failed "$out"
    fi
  done
  finish
  ;;
*)
  echo "usage: test_formats.sh files DIR | czml DIR... | kml DIR..." >&2
  exit 2
  ;;
esac
