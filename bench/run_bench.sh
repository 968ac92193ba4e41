#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run_bench.sh: bmdsim against the scipy reference, in one run, on one core.
#
# Usage: bash bench/run_bench.sh [BUILD_DIR]   (as `make bench` calls it)
#
# Runs BUILD_DIR/bench/bench_flight (built by `make bench`; this script builds nothing) and
# /usr/bin/python3 bench/reference.py on the same cases, checks that their impact points agree
# within 100 m (matched accuracy), and writes bench/results/latest.json and a table.
# Exit status: 0; 1 when a program fails or an impact difference exceeds 100 m (then nothing is
# written: the comparison is not at matched accuracy and must not be reported); 2 bad setup.
#
# Environment: BUILD_DIR (when no argument; default <repo>/build); BENCH_CPU (the core both
# programs are pinned to with taskset; default the last one, which usually serves fewer
# interrupts; "none": no pinning); BENCH_QUICK=1 (short timing, a smoke test; writes
# bench/results/quick.json, not latest.json).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="${1:-${BUILD_DIR:-$repo/build}}"
[[ "$build" = /* ]] || build="$PWD/$build"
exe="$build/bench/bench_flight"
py=/usr/bin/python3
results="$here/results"
max_diff_m=100

if [[ ! -x "$exe" ]]; then
    echo "run_bench.sh: $exe not found: build it first (make bench)" >&2
    exit 2
fi
if [[ ! -x "$py" ]] || ! "$py" -c 'import scipy, yaml' 2>/dev/null; then
    echo "run_bench.sh: $py with scipy and yaml is needed (Debian: python3-scipy python3-yaml)" >&2
    exit 2
fi

# The cases, once for both programs.
case_args=(
    --launch-lat-deg 51.667 --launch-lon-deg 45.567
    # (a) ICBM free flight from burnout, about 10,000 km
    --free-alt-km 200 --free-speed-m-s 7130 --free-gamma-deg 23 --free-azimuth-deg 320
    --free-beta-kg-m2 10000
    # (b) boosted flight of the catalog's ss-27, every stage burnt
    --missile ss-27 --azimuth-deg 320 --kick-deg 67 --cutoff-s inf
)
# Tolerances (see bench/README.md): each program's impact converged to about 1 m. bmdsim: the
# library's defaults (bmd_flight_default_opts), as users get them; the reference: the fastest
# solve_ivp setting found that meets the same criterion on both cases.
bmd_tol=()
ref_tol=(--method DOP853 --rtol 1e-7 --atol 1e-6)
if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
    timing=(--repeats 1 --min-seconds 0.2)
    out_name=quick.json
else
    timing=(--repeats 5 --min-seconds 0.5)
    out_name=latest.json
fi

pin=()
cpu="${BENCH_CPU:-$(( $(nproc 2>/dev/null || echo 1) - 1 ))}"
if [[ "$cpu" != none ]] && command -v taskset >/dev/null 2>&1; then
    pin=(taskset -c "$cpu")
else
    cpu=none
fi
# One core: no helper threads in numpy's BLAS either.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
export BMDSIM_DATA="${BMDSIM_DATA:-$repo/data}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "bmdsim:    ${pin[*]} $exe ${bmd_tol[*]:-(library default tolerances)}" >&2
"${pin[@]}" "$exe" "${case_args[@]}" "${bmd_tol[@]}" "${timing[@]}" >"$tmp/bmdsim.json"
echo "reference: ${pin[*]} $py bench/reference.py ${ref_tol[*]}" >&2
"${pin[@]}" "$py" "$here/reference.py" "${case_args[@]}" "${ref_tol[@]}" "${timing[@]}" \
    >"$tmp/reference.json"

mkdir -p "$results"
"$py" - "$tmp/bmdsim.json" "$tmp/reference.json" "$results/$out_name" "$build" "$cpu" \
    "$max_diff_m" <<'EOF'
import datetime
import json
import math
import os
import platform
import re
import subprocess
import sys

bm_path, ref_path, out_path, build, cpu, max_diff = sys.argv[1:7]
max_diff = float(max_diff)
bm = json.load(open(bm_path))
ref = json.load(open(ref_path))

A = 6378137.0
F = 1.0 / 298.257223563
E2 = F * (2.0 - F)


def dist_m(lat1, lon1, lat2, lon2):
    """Distance on the WGS-84 ellipsoid between nearby points (local metric at the mean
    latitude; relative error ~1e-6 below 10 km)."""
    phi = math.radians(0.5 * (lat1 + lat2))
    w = math.sqrt(1.0 - E2 * math.sin(phi) ** 2)
    dlon = (lon2 - lon1 + 180.0) % 360.0 - 180.0
    return math.hypot(A * (1.0 - E2) / w ** 3 * math.radians(lat2 - lat1),
                      A / w * math.cos(phi) * math.radians(dlon))


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return None


cpu_model = None
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
cache = {}
try:
    for line in open(os.path.join(build, "CMakeCache.txt")):
        m = re.match(r"^(CMAKE_C_COMPILER|CMAKE_BUILD_TYPE|CMAKE_C_FLAGS_RELEASE|"
                     r"CMAKE_C_FLAGS):[A-Z]+=(.*)$", line.strip())
        if m:
            cache[m.group(1)] = m.group(2)
except OSError:
    pass
cc = cache.get("CMAKE_C_COMPILER")
cc_version = sh(cc, "--version").splitlines()[0] if cc and sh(cc, "--version") else None

refs = {c["name"]: c for c in ref["cases"]}
cases = []
bad = []
for b in bm["cases"]:
    r = refs[b["name"]]
    d = dist_m(b["impact_lat_deg"], b["impact_lon_deg"], r["impact_lat_deg"], r["impact_lon_deg"])
    conv = None
    if "check_impact_lat_deg" in r:
        conv = dist_m(b["tight_impact_lat_deg"], b["tight_impact_lon_deg"],
                      r["check_impact_lat_deg"], r["check_impact_lon_deg"])
    if not d <= max_diff:
        bad.append((b["name"], d))
    cases.append(dict(
        name=b["name"],
        bmdsim_per_s=round(b["per_s"], 3),
        reference_per_s=round(r["per_s"], 4),
        ratio=round(b["per_s"] / r["per_s"], 2),
        max_impact_difference_m=round(d, 3),
        bmdsim_us_per_flight=round(b["us_per_flight"], 3),
        reference_ms_per_flight=round(r["ms_per_flight"], 4),
        median=dict(bmdsim_per_s=round(b["per_s_median"], 3),
                    reference_per_s=round(r["per_s_median"], 4),
                    ratio=round(b["per_s_median"] / r["per_s_median"], 2),
                    bmdsim_us_per_flight=round(b["us_per_flight_median"], 3)),
        bmdsim_impact_deg=[b["impact_lat_deg"], b["impact_lon_deg"]],
        reference_impact_deg=[r["impact_lat_deg"], r["impact_lon_deg"]],
        bmdsim_self_difference_m=round(b["impact_difference_vs_tight_m"], 3),
        reference_self_difference_m=(round(r["impact_difference_vs_tight_m"], 3)
                                     if "impact_difference_vs_tight_m" in r else None),
        converged_impact_difference_m=None if conv is None else round(conv, 3),
        range_km=round(b["range_km"], 3),
        flight_time_s=round(b["flight_time_s"], 3),
        apogee_km=round(b["apogee_km"], 3),
        bmdsim_fevals=b["n_fevals"],
        reference_fevals=r["n_fevals"],
        setup={k: b[k] for k in ("kind", "burnout", "missile", "launch", "guidance") if k in b},
    ))

out = dict(
    date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    machine=dict(cpu=cpu_model, logical_cpus=os.cpu_count(), pinned_cpu=cpu,
                 load_average=os.getloadavg(), kernel=platform.release(),
                 os=platform.platform(), compiler=cc_version,
                 build_type=cache.get("CMAKE_BUILD_TYPE"),
                 c_flags=(cache.get("CMAKE_C_FLAGS", "") + " " +
                          cache.get("CMAKE_C_FLAGS_RELEASE", "")).strip(),
                 python=ref["python"], scipy=ref["scipy"], numpy=ref["numpy"]),
    bmdsim=dict(version=bm["bmdsim_version"], integrator="DOPRI5 5(4), bmd_ode_dopri5",
                rtol=bm["cases"][0]["rtol"], atol_m=bm["cases"][0]["atol_m"],
                atol_m_s=bm["cases"][0].get("atol_m_s"),
                check_rtol=bm["cases"][0]["tight_rtol"]),
    reference=dict(program="bench/reference.py", integrator="scipy.integrate.solve_ivp",
                   method=ref["method"], rtol=ref["rtol"], atol=ref["atol"]),
    timing="per_s: the fastest of 5 batches of >= 0.5 s each (median batch under 'median'); "
           "both programs in the same run, pinned to the same core",
    matched_accuracy_m=max_diff,
    cases=cases,
)
# The issue's aims: ratio >= 1000 for both cases, < 50 us per free ICBM flight.
out["aims"] = dict(ratio_at_least=1000, icbm_free_us_per_flight_below=50,
                   ratio_met=all(c["ratio"] >= 1000 for c in cases),
                   icbm_free_us_met=all(c["bmdsim_us_per_flight"] < 50 for c in cases
                                        if c["name"] == "icbm-free"))

print()
print(f"{'case':<12} {'bmdsim/s':>10} {'us/flight':>10} {'ref/s':>8} {'ms/flight':>10} "
      f"{'ratio':>7} {'(median)':>9} {'impact diff':>12} {'self: bmd':>10} {'ref':>7}")
for c in cases:
    print(f"{c['name']:<12} {c['bmdsim_per_s']:>10.0f} {c['bmdsim_us_per_flight']:>10.1f} "
          f"{c['reference_per_s']:>8.1f} {c['reference_ms_per_flight']:>10.2f} "
          f"{c['ratio']:>7.0f} {c['median']['ratio']:>9.0f} "
          f"{c['max_impact_difference_m']:>10.2f} m {c['bmdsim_self_difference_m']:>8.2f} m "
          f"{c['reference_self_difference_m'] if c['reference_self_difference_m'] is not None else float('nan'):>5.2f} m")
print()
if bad:
    for name, d in bad:
        print(f"run_bench.sh: {name}: impact points {d:.1f} m apart (> {max_diff:g} m): not at "
              f"matched accuracy; nothing written", file=sys.stderr)
    sys.exit(1)
with open(out_path, "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
print(f"wrote {out_path}")
EOF

# Sensors (issue 3): visibility of 10,000 trajectories from 5 radars against an exhaustive
# exact-look reference, and one full track (bench/bench_sensors.c).
sens="$build/bench/bench_sensors"
if [[ -x "$sens" ]]; then
    quick_arg=()
    [[ "${BENCH_QUICK:-0}" = 1 ]] && quick_arg=(--quick)
    pin=()
    if [[ "${BENCH_CPU:-}" != none ]] && command -v taskset >/dev/null; then
        pin=(taskset -c "${BENCH_CPU:-$(($(nproc) - 1))}")
    fi
    sens_out="$results/sensors.json"
    [[ "${BENCH_QUICK:-0}" = 1 ]] && sens_out="$results/sensors-quick.json"
    if "${pin[@]}" "$sens" "${quick_arg[@]}" >"$sens_out.tmp"; then
        mv "$sens_out.tmp" "$sens_out"
        echo "sensors:"
        cat "$sens_out"
        echo "wrote $sens_out"
    else
        rm -f "$sens_out.tmp"
        echo "run_bench.sh: bench_sensors failed" >&2
        exit 1
    fi
fi

# Defense (issue 4): fly-out table construction and feasibility answers per second
# (bench/bench_defense.c), against the same answers computed from scratch.
def="$build/bench/bench_defense"
if [[ -x "$def" ]]; then
    quick_arg=()
    [[ "${BENCH_QUICK:-0}" = 1 ]] && quick_arg=(--quick)
    pin=()
    if [[ "${BENCH_CPU:-}" != none ]] && command -v taskset >/dev/null; then
        pin=(taskset -c "${BENCH_CPU:-$(($(nproc) - 1))}")
    fi
    def_out="$results/defense.json"
    [[ "${BENCH_QUICK:-0}" = 1 ]] && def_out="$results/defense-quick.json"
    if "${pin[@]}" "$def" "${quick_arg[@]}" >"$def_out.tmp"; then
        mv "$def_out.tmp" "$def_out"
        echo "defense:"
        cat "$def_out"
        echo "wrote $def_out"
    else
        rm -f "$def_out.tmp"
        echo "run_bench.sh: bench_defense failed" >&2
        exit 1
    fi
fi

# Analyses (issue "scenarios and analyses", Speed): defended-area maps, the guarantees map and the
# aimer against in-process references (bench/bench_analysis.c), on all cores (not pinned: the
# aims are for the whole machine), then the wall-clock of the CLI's main job, `bmdsim run`
# (median of 3). Both go into bench/results/analysis.json with the machine and the aims.
ana="$build/bench/bench_analysis"
if [[ -x "$ana" ]]; then
    quick_arg=()
    [[ "${BENCH_QUICK:-0}" = 1 ]] && quick_arg=(--quick)
    ana_out="$results/analysis.json"
    [[ "${BENCH_QUICK:-0}" = 1 ]] && ana_out="$results/analysis-quick.json"
    echo "analyses: $ana ${quick_arg[*]} (all cores; a few minutes)" >&2
    load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)"
    if ! "$ana" "${quick_arg[@]}" >"$tmp/analysis.json"; then
        echo "run_bench.sh: bench_analysis failed" >&2
        exit 1
    fi
    run_times=()
    n_runs=3
    [[ "${BENCH_QUICK:-0}" = 1 ]] && n_runs=1
    if [[ -x "$build/bmdsim" ]]; then
        for ((r = 0; r < n_runs; r++)); do
            t0=$(date +%s.%N)
            if ! "$build/bmdsim" run >/dev/null 2>&1; then
                echo "run_bench.sh: bmdsim run failed" >&2
                exit 1
            fi
            t1=$(date +%s.%N)
            run_times+=("$("$py" -c "print($t1 - $t0)")")
        done
    fi
    BENCH_LOAD_BEFORE="$load_before" \
        "$py" - "$tmp/analysis.json" "$ana_out" "${run_times[@]}" <<'PYEOF'
import datetime
import json
import os
import platform
import statistics
import sys

src, out_path = sys.argv[1:3]
runs = [float(x) for x in sys.argv[3:]]
a = json.load(open(src))
cpu_model = None
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
a["date"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
a["machine"] = dict(cpu=cpu_model, nproc=os.cpu_count(),
                    load_average_before=os.environ.get("BENCH_LOAD_BEFORE") or None,
                    load_average_after=os.getloadavg(), kernel=platform.release())
if runs:
    a["bmdsim_run"] = dict(what="wall-clock of the CLI: bmdsim run >/dev/null (the default main "
                                f"job), median of {len(runs)}", s=round(statistics.median(runs), 3),
                           runs_s=[round(x, 3) for x in runs])
aims = {}
da = a.get("defended_area")
if da and not a.get("quick"):
    t = da["all_threads"]["s_with_tables"]
    aims["defended_area_0.25deg_3_launch_areas_s"] = dict(aim=30, s=t, met=t < 30)
gu = a.get("guarantees")
if gu and not a.get("quick"):
    t = gu["all_threads"]["s"]
    aims["guarantees_map_0.5deg_s"] = dict(aim=60, s=t, met=t < 60)
if runs:
    t = a["bmdsim_run"]["s"]
    aims["bmdsim_run_s"] = dict(aim=10, s=t, met=t < 10)
a["aims"] = dict(aims, note="the aims are for a 2-core machine; compare nproc and the load averages")
with open(out_path, "w") as f:
    json.dump(a, f, indent=2)
    f.write("\n")
print("analyses:")
for k, v in aims.items():
    print(f"  {k:<42} {v['s']:8.2f} s  (aim < {v['aim']} s: {'met' if v['met'] else 'NOT met'})")
print(f"wrote {out_path}")
PYEOF
fi

# Throughput (issue 6): the raid Monte Carlo and a defended-area map on 1 and 2 threads, memory
# against the number of runs, the 1,000,000-run raid (bench/throughput.py; a few minutes). Writes
# bench/results/throughput.json and the table bench/results/throughput.md (bench/RESULTS.md).
if [[ -x "$build/bench/bench_throughput" ]]; then
    if ! "$py" "$here/throughput.py" "$build"; then
        echo "run_bench.sh: throughput.py failed" >&2
        exit 1
    fi
fi
