#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""throughput.py: throughput on 1 and 2 threads, memory against the number of runs, and the
1,000,000-run raid Monte Carlo (bench/README.md, "Throughput").

Usage: python3 bench/throughput.py [BUILD_DIR]     (run_bench.sh calls it)

Runs BUILD_DIR/bench/bench_throughput (raid Monte Carlo runs/s and defended-area cells/s on 1
and 2 threads, medians of 5, the efficiency t1/(2 t2), identical results checked) and
BUILD_DIR/bmdsim engage on the ten-threat raid (scenarios/phase3-iran-raid-10.yaml): its JSON on
1 and 2 threads compared byte for byte (SHA-256), the peak resident set size (the process's own
ru_maxrss, from wait4) at N = 100,000, 10 N and 100 N runs, and at 10 N with a results store
(--db); 10 N is the 1,000,000-run Monte Carlo (wall-clock, runs per second, peak RSS). Writes
bench/results/throughput.json and the table bench/results/throughput.md (bench/RESULTS.md explains
it). Exit status 1 when a program fails or a result differs between thread counts (nothing is
written then), 2 bad setup.

Environment: BUILD_DIR (when no argument; default <repo>/build); BENCH_QUICK=1 (a smoke test:
N = 10,000, 10 N and 100 N; writes throughput-quick.json and throughput-quick.md);
BENCH_THREADS (the second thread count, default 2).
"""
import atexit
import datetime
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(here)
build = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BUILD_DIR", os.path.join(repo, "build"))
build = os.path.abspath(build)
quick = os.environ.get("BENCH_QUICK", "0") == "1"
threads = int(os.environ.get("BENCH_THREADS", "2"))
scenario = os.path.join(repo, "scenarios", "phase3-iran-raid-10.yaml")
bench = os.path.join(build, "bench", "bench_throughput")
bmdsim = os.path.join(build, "bmdsim")
results = os.path.join(here, "results")
suffix = "-quick" if quick else ""
n_small = 10000 if quick else 100000

for exe in (bench, bmdsim):
    if not os.access(exe, os.X_OK):
        print(f"throughput.py: {exe} not found: build it first (make bench)", file=sys.stderr)
        sys.exit(2)
env = dict(os.environ)
env.setdefault("BMDSIM_DATA", os.path.join(repo, "data"))


def loadavg():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def run(cmd, out_path):
    """Run cmd with stdout into out_path; returns (exit status, wall s, peak RSS in KiB, stderr)."""
    with open(out_path, "wb") as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return p.returncode, wall, ru.ru_maxrss, err.read().decode(errors="replace")


def fail(msg):
    print(f"throughput.py: {msg}; nothing written", file=sys.stderr)
    sys.exit(1)


tmp = tempfile.mkdtemp(prefix="bmd-throughput-")
atexit.register(shutil.rmtree, tmp, True)
load_before = loadavg()

# (1) In-process throughput on 1 and T threads.
cmd = [bench, "--scenario", scenario, "--threads", str(threads)] + (["--quick"] if quick else [])
print("throughput: " + " ".join(cmd), file=sys.stderr)
bj = os.path.join(tmp, "bench.json")
rc, wall, rss, err = run(cmd, bj)
sys.stderr.write(err)
if rc != 0:
    fail(f"bench_throughput failed (exit {rc})")
inproc = json.load(open(bj))

# (2) The command line: identical JSON on 1 and T threads; peak RSS against the number of runs.
engage = [bmdsim, "engage", scenario, "--format", "json"]
cli = []


def engage_run(runs, thr, db=False, keep=False):
    out = os.path.join(tmp, f"engage-{runs}-{thr}-{int(db)}.json")
    cmd = engage + ["--runs", str(runs), "--threads", str(thr)]
    if db:
        path = os.path.join(tmp, f"store-{runs}.db")
        cmd += ["--db", path]
    print(f"throughput: bmdsim engage --runs {runs} --threads {thr}{' --db' if db else ''}",
          file=sys.stderr)
    rc, wall, rss, err = run(cmd, out)
    if rc != 0:
        sys.stderr.write(err)
        fail(f"bmdsim engage --runs {runs} --threads {thr} failed (exit {rc})")
    data = open(out, "rb").read()
    mc = json.loads(data)["monte_carlo"]
    row = dict(runs=runs, threads=thr, db=db, wall_s=round(wall, 3),
               runs_per_s=round(runs / wall, 1), peak_rss_kib=rss,
               sha256=hashlib.sha256(data).hexdigest(),
               leak_probability=mc.get("leak_probability"))
    cli.append(row)
    print(f"  {wall:.2f} s, peak RSS {rss / 1024:.1f} MiB", file=sys.stderr)
    return row, data


one, data1 = engage_run(n_small, 1)
two, data2 = engage_run(n_small, threads)
if data1 != data2:
    fail(f"bmdsim engage --runs {n_small}: the JSON differs between 1 and {threads} threads")
ten, _ = engage_run(10 * n_small, threads)
ten_db, data_db = engage_run(10 * n_small, threads, db=True)
hundred, _ = engage_run(100 * n_small, threads)
million = next((r for r in (ten, hundred) if r["runs"] == 1000000), None)
load_after = loadavg()


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True,
                              cwd=repo).stdout.strip()
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
commit = sh("git", "rev-parse", "--short=12", "HEAD")
dirty = bool(sh("git", "status", "--porcelain", "--untracked-files=no"))
date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
mc = inproc.get("raid_monte_carlo", {})
da = inproc.get("defended_area", {})
aims = dict(
    mc_efficiency=dict(aim=0.9, value=mc.get("efficiency"),
                       met=mc.get("efficiency", 0) >= 0.9),
    da_efficiency=dict(aim=0.9, value=da.get("efficiency"),
                       met=da.get("efficiency", 0) >= 0.9),
    memory_flat=dict(what="peak RSS at 100 N runs within 10% of that at N (both on "
                          f"{threads} threads)",
                     ratio=round(hundred["peak_rss_kib"] / two["peak_rss_kib"], 3),
                     met=hundred["peak_rss_kib"] <= 1.1 * two["peak_rss_kib"]),
)
if million:
    aims["million_runs_s"] = dict(aim=600, value=million["wall_s"],
                                  met=million["wall_s"] < 600)
out = dict(date=date, commit=commit, dirty=dirty, quick=quick,
           machine=dict(cpu=cpu_model, nproc=os.cpu_count(), kernel=platform.release(),
                        load_average_before=load_before, load_average_after=load_after),
           scenario=os.path.relpath(scenario, repo), threads=[1, threads],
           in_process=inproc, cli=cli, identical_json_1_vs_threads=data1 == data2, aims=aims)

os.makedirs(results, exist_ok=True)
json_path = os.path.join(results, f"throughput{suffix}.json")
with open(json_path + ".tmp", "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
os.replace(json_path + ".tmp", json_path)


def num(x, d=0):
    return f"{x:,.{d}f}"


def met(b):
    return "met" if b else "**not met**"


T = threads
la = ", ".join(f"{x:.2f}" for x in load_before) if load_before else "?"
lb = ", ".join(f"{x:.2f}" for x in load_after) if load_after else "?"
lines = [
    f"# Throughput{' (quick smoke run)' if quick else ''}",
    "",
    f"Written by `bench/throughput.py` (`make bench`); see `bench/RESULTS.md`.",
    "",
    f"- date: {date}",
    f"- commit: {commit}{' (with uncommitted changes)' if dirty else ''}",
    f"- machine: {cpu_model}, {os.cpu_count()} logical CPUs, Linux {platform.release()}",
    f"- load average (1, 5, 15 min) before: {la}; after: {lb}",
    f"- raid: `{os.path.relpath(scenario, repo)}` ({mc.get('threats')} threats, seed "
    f"{mc.get('seed')}); preparing it took {mc.get('prepare_s', 0):.2f} s on all threads "
    "(not in the rates)",
    "",
    f"| what | 1 thread | {T} threads | efficiency t1/({T} t{T}) | aim >= 0.90 | CPU time, 1 / {T} threads |",
    "|---|---:|---:|---:|---|---:|",
    f"| raid Monte Carlo, runs/s (median of {mc.get('repeats')} x {num(mc.get('runs', 0))} runs) "
    f"| {num(mc.get('runs_per_s_1', 0))} | {num(mc.get(f'runs_per_s_{T}', 0))} "
    f"| {mc.get('efficiency', 0):.3f} | {met(aims['mc_efficiency']['met'])} "
    f"| {mc.get('cpu_efficiency', 0):.3f} |",
    f"| defended area, cells/s ({da.get('missile')} from {da.get('launch_area')}, "
    f"{num(da.get('cells', 0))} cells at {da.get('grid_deg', 0):g} deg, refine {da.get('refine')}, "
    f"{num(da.get('evaluated', 0))} evaluated; median of {da.get('repeats')}) "
    f"| {num(da.get('cells_per_s_1', 0))} | {num(da.get(f'cells_per_s_{T}', 0))} "
    f"| {da.get('efficiency', 0):.3f} | {met(aims['da_efficiency']['met'])} "
    f"| {da.get('cpu_efficiency', 0):.3f} |",
    "| MPI, 1 and 2 ranks | see `bench/results/mpi.md` | | | | |",
    "",
    f"Efficiency: wall-clock medians; on a loaded machine it measures the load as much as the "
    f"code. CPU time, 1 / {T} threads: the process CPU time of the serial run over that of the "
    f"{T}-thread run (1.000: the threads add no work), which other load hardly moves.",
    "",
    f"Results identical on 1 and {T} threads: Monte Carlo counts and maps hashed in every repeat "
    f"({'yes' if mc.get('identical') and da.get('identical') else 'NO'}); "
    f"`bmdsim engage --runs {num(n_small)} --format json` byte for byte (SHA-256 "
    f"{one['sha256'][:16]}...: {'yes' if data1 == data2 else 'NO'}).",
    "",
    f"`bmdsim engage` on the raid, {T} threads, whole process (loading, preparation, runs):",
    "",
    "| runs | wall-clock | runs/s | peak RSS |",
    "|---:|---:|---:|---:|",
]
for r in cli:
    if r["threads"] != T:
        continue
    lines.append(f"| {num(r['runs'])}{' with --db' if r['db'] else ''} | {r['wall_s']:.2f} s "
                 f"| {num(r['runs_per_s'])} | {r['peak_rss_kib'] / 1024:.1f} MiB |")
lines += [
    "",
    f"Memory flat in the number of runs: peak RSS at {num(100 * n_small)} runs is "
    f"{aims['memory_flat']['ratio']:.3f} times that at {num(n_small)} "
    f"({met(aims['memory_flat']['met'])}).",
]
if million:
    lines += [
        "",
        f"1,000,000 raid runs on {T} threads: {million['wall_s']:.1f} s "
        f"({num(million['runs_per_s'])} runs/s, peak RSS {million['peak_rss_kib'] / 1024:.1f} MiB); "
        f"aim under 600 s: {met(aims['million_runs_s']['met'])}.",
    ]
md_path = os.path.join(results, f"throughput{suffix}.md")
with open(md_path + ".tmp", "w") as f:
    f.write("\n".join(lines) + "\n")
os.replace(md_path + ".tmp", md_path)
print("\n".join(lines))
print(f"wrote {json_path} and {md_path}")
