#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mpi_bench.py: bmdsim engage's Monte Carlo throughput under MPI (docs/mpi.md).

Usage: python3 bench/mpi_bench.py [BUILD_DIR] [--runs R] [--repeats K] [--quick]
(`make bench` runs it after run_bench.sh.)

Measures runs per second of `bmdsim engage SCENARIO --runs R` in three layouts: 1 rank x 1
thread, 2 ranks x 1 thread (mpirun -np 2) and 1 rank x 2 threads, and the scaling efficiency
from 1 to 2 ranks (throughput ratio / 2). The Monte Carlo alone is timed: each layout is run with
--runs R and with --runs 1 (start, loading, raid preparation: the same work on every rank), and
the throughput is (R - 1) / (t_R - t_1), the median over K repeats (the layouts take turns
within each repeat, so that a drift of the machine's speed falls on all of them alike). Also the peak resident memory
of the largest process at R and 4R runs (flat in the number of runs: the counts are summed chunk
by chunk). Every 2-rank output is checked to be byte-identical to the 1-process one.

The same three layouts for `bmdsim sweep` (SWEEP_ARGS: the phase 4 raid against two sites, 31
burnout speeds x 2 cues x 2 delays = 124 cases): cases per second over the sweep alone (the
time of a 1-case sweep subtracted), and the efficiency from 1 to 2 ranks.

And `bmdsim run` on the phase 4 scenario at RUN_GRID_DEG (its defended areas, feasibility
matrix, guarantees, safe-zone map and raid): the whole command, of which the ranks share the
grids (the defended areas' cells, the safe-zone map's rows, the per-site guarantees) and each
does the rest itself (tables, matrix, raid); the time of an MPI start with nothing to do
subtracted. Its JSON is compared without the analyses' wall time.

Writes bench/results/mpi.json and bench/results/mpi.md (or quick-mpi.* with --quick), with
/proc/loadavg before and after: on a shared machine the scaling figures are only as good as the
machine is quiet. Exit 0; 1 when a run fails or outputs differ; 2 bad setup (no MPI build, no
mpirun: then nothing is written).
"""
import datetime
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SCENARIO = os.path.join(REPO, "scenarios", "phase3-iran-raid-10.yaml")
SWEEP_SCENARIO = os.path.join(REPO, "scenarios", "phase4-russian-icbms.yaml")
SWEEP_ARGS = ["--threats", "raid", "--site", "Redzikowo,Deveselu", "--cue", "ideal,early-warning",
              "--delay-s", "0,60", "--chunk", "8"]
SWEEP_SPEEDS, SWEEP_CASES = "3:6:0.1", 124
RUN_GRID_DEG = "1"


def fail(code, msg):
    print("mpi_bench.py: " + msg, file=sys.stderr)
    sys.exit(code)


def parse_args(argv):
    build = os.path.join(REPO, "build")
    runs, repeats, quick = 2000000, 3, False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--runs":
            runs = int(argv[i + 1])
            i += 1
        elif a == "--repeats":
            repeats = int(argv[i + 1])
            i += 1
        elif a == "--quick":
            quick = True
        elif a in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        else:
            build = a
        i += 1
    if quick:
        runs, repeats = min(runs, 10000), 1
    return os.path.abspath(build), runs, repeats, quick


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def main():
    build, runs, repeats, quick = parse_args(sys.argv[1:])
    exe = os.path.join(build, "bmdsim")
    if not os.access(exe, os.X_OK):
        fail(2, exe + " not found: build it first (make bench)")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    if "with MPI" not in version:
        fail(2, exe + " is built without MPI (" + version + "): scripts/deps.sh mpi, then rebuild")
    mpirun = shutil.which("mpirun")
    if not mpirun:
        fail(2, "mpirun not found (Debian: openmpi-bin)")
    env = dict(os.environ)
    env.setdefault("BMDSIM_DATA", os.path.join(REPO, "data"))
    # One machine, possibly as root, possibly in a container (docs/mpi.md). The ranks are not
    # bound to cores (mpirun binds 2 ranks to cores 0 and 1 by default), as the threads of one
    # process are not: on a shared machine a bound rank cannot move off a busy core.
    env.update({"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
                "OMPI_MCA_btl": "self,vader", "OMPI_MCA_btl_vader_single_copy_mechanism": "none",
                "OMPI_MCA_rmaps_base_oversubscribe": "1",
                "OMPI_MCA_hwloc_base_binding_policy": "none"})

    layouts = [("1 rank x 1 thread", 1, 1), ("2 ranks x 1 thread", 2, 1),
               ("1 rank x 2 threads", 1, 2)]

    def launch(ranks, args):
        cmd = [exe] + args
        return ([mpirun, "-np", str(ranks)] + cmd) if ranks > 1 else cmd

    def command(ranks, threads, n):
        return launch(ranks, ["engage", SCENARIO, "--runs", str(n), "--threads", str(threads),
                              "--format", "json"])

    # The sweep: cases split among the ranks chunk by chunk, gathered on rank 0.
    def sweep_command(ranks, threads, speeds):
        return launch(ranks, ["sweep", SWEEP_SCENARIO] + SWEEP_ARGS + [
            "--burnout-speed-km-s", speeds, "--threads", str(threads)])

    # The analyses of a scenario: the grids shared among the ranks, the rest done by each.
    run_grid = "3" if quick else RUN_GRID_DEG

    def run_command(ranks, threads):
        return launch(ranks, ["run", SWEEP_SCENARIO, "--grid-deg", run_grid, "--threads",
                              str(threads), "--format", "json"])

    def start_command(ranks, threads):
        return launch(ranks, ["atmosphere", "--altitude-km", "10"])

    def timed(cmd):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, env=env)
        t = time.perf_counter() - t0
        if p.returncode != 0:
            fail(1, "%s exited %d: %s" % (" ".join(cmd), p.returncode,
                                         p.stderr.decode(errors="replace")[-2000:]))
        # The run's analyses' wall time is the one field that differs between layouts.
        return t, re.sub(rb'"analyses_wall_s":\s*[0-9.eE+-]+', b"", p.stdout)

    def peak_rss_kib(ranks, threads, n):
        # A fresh interpreter per measurement: RUSAGE_CHILDREN's peak is the largest descendant's
        # (the ranks, waited for by mpirun) since that interpreter began.
        code = ("import resource,subprocess,sys; r=subprocess.run(sys.argv[1:],"
                "stdout=subprocess.DEVNULL); print(r.returncode, "
                "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        p = subprocess.run([sys.executable, "-c", code] + command(ranks, threads, n),
                           capture_output=True, text=True, env=env)
        rc, kib = p.stdout.split()
        if rc != "0":
            fail(1, "memory run failed: " + " ".join(command(ranks, threads, n)))
        return int(kib)

    def measure(what, unit, small, big, work):
        """Per layout, the median over the repeats of work / (t(big) - t(small)): the work alone,
        the start and the preparation (the same in both commands) subtracted; every output
        checked against the first layout's. The layouts take turns within each repeat, so that a
        drift of the machine's speed (a virtual machine's is 20% or more) falls on all alike."""
        rates = {name: [] for name, _r, _t in layouts}
        walls = {name: [] for name, _r, _t in layouts}
        prep = {}
        reference = None
        for _ in range(repeats):
            for name, ranks, threads in layouts:
                t1, _out = timed(small(ranks, threads))
                tn, out = timed(big(ranks, threads))
                if reference is None:
                    reference = out
                elif out != reference:
                    fail(1, "%s, %s: the output differs from %s's" % (what, name, layouts[0][0]))
                rates[name].append(work / max(tn - t1, 1e-9))
                walls[name].append(tn)
                prep[name] = t1
        rows = []
        for name, ranks, threads in layouts:
            row = {"layout": name, "ranks": ranks, "threads_per_rank": threads,
                   unit + "_per_s": statistics.median(rates[name]),
                   unit + "_per_s_all": rates[name],
                   "wall_s": statistics.median(walls[name]), "start_and_prepare_s": prep[name]}
            rows.append(row)
            print("  %-6s %-20s %10.1f %s/s  (wall %.2f s)" %
                  (what, name, row[unit + "_per_s"], unit, row["wall_s"]), file=sys.stderr)
        return rows, rows[1][unit + "_per_s"] / (2.0 * rows[0][unit + "_per_s"]), \
            rows[2][unit + "_per_s"] / (2.0 * rows[0][unit + "_per_s"])

    load_before = loadavg()
    print("mpi_bench: %s, %d runs, %d repeats, load %s" % (version, runs, repeats, load_before),
          file=sys.stderr)
    rows, eff_ranks, eff_threads = measure(
        "engage", "runs", lambda r, t: command(r, t, 1), lambda r, t: command(r, t, runs),
        runs - 1)
    sweep_rows, sweep_eff_ranks, sweep_eff_threads = measure(
        "sweep", "cases", lambda r, t: sweep_command(r, t, "3"),
        lambda r, t: sweep_command(r, t, SWEEP_SPEEDS), SWEEP_CASES - 4)
    run_rows, run_eff_ranks, run_eff_threads = measure(
        "run", "runs", start_command, run_command, 1)
    mem = {}
    for name, ranks, threads in layouts[:2]:
        mem[name] = {str(n): peak_rss_kib(ranks, threads, n) for n in (runs, 4 * runs)}
    load_after = loadavg()
    result = {
        "what": "bmdsim engage Monte Carlo throughput under MPI (bench/mpi_bench.py)",
        "scenario": os.path.relpath(SCENARIO, REPO),
        "runs": runs,
        "repeats": repeats,
        "bmdsim": version,
        "mpirun": subprocess.run([mpirun, "--version"], capture_output=True,
                                 text=True).stdout.splitlines()[0],
        "layouts": rows,
        "efficiency_2_ranks": eff_ranks,
        "efficiency_2_threads": eff_threads,
        "aim_efficiency_2_ranks": 0.90,
        "aim_met": eff_ranks >= 0.90,
        "peak_rss_kib": mem,
        "sweep": {"scenario": os.path.relpath(SWEEP_SCENARIO, REPO),
                  "args": SWEEP_ARGS + ["--burnout-speed-km-s", SWEEP_SPEEDS],
                  "cases": SWEEP_CASES, "layouts": sweep_rows,
                  "efficiency_2_ranks": sweep_eff_ranks,
                  "efficiency_2_threads": sweep_eff_threads},
        "run": {"scenario": os.path.relpath(SWEEP_SCENARIO, REPO), "grid_deg": run_grid,
                "layouts": run_rows, "efficiency_2_ranks": run_eff_ranks,
                "efficiency_2_threads": run_eff_threads},
        "outputs_identical": True,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    name = "quick-mpi" if quick else "mpi"
    out_dir = os.path.join(HERE, "results")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    lines = [
        "# MPI: engage Monte Carlo throughput",
        "",
        "Written by `bench/mpi_bench.py` (`make bench`) on %s: %s, %s, %d CPUs." %
        (result["date_utc"], version, result["mpirun"], os.cpu_count() or 0),
        "Scenario `%s`, %d runs, median of %d repeats; the Monte Carlo alone (the time of a "
        "1-run command subtracted)." % (result["scenario"], runs, repeats),
        "",
        "| layout | runs/s | wall s (%d runs) |" % runs,
        "|---|---:|---:|",
    ]
    for r in rows:
        lines.append("| %s | %.0f | %.2f |" % (r["layout"], r["runs_per_s"], r["wall_s"]))
    lines += [
        "",
        "Scaling efficiency 1 to 2 ranks: **%.2f** (aim 0.90: %s); 1 to 2 threads: %.2f." %
        (eff_ranks, "met" if eff_ranks >= 0.90 else "not met", eff_threads),
        "",
        "Peak resident memory of the largest process: " + "; ".join(
            "%s: %s" % (k, ", ".join("%d KiB at %s runs" % (v, n) for n, v in m.items()))
            for k, m in mem.items()) + ".",
        "",
        "Sweep (`bmdsim sweep %s %s --burnout-speed-km-s %s`, %d cases; the time of a 1-speed "
        "sweep, 4 cases, subtracted):" % (result["sweep"]["scenario"], " ".join(SWEEP_ARGS),
                                          SWEEP_SPEEDS, SWEEP_CASES),
        "",
        "| layout | cases/s | wall s |",
        "|---|---:|---:|",
    ] + ["| %s | %.1f | %.2f |" % (r["layout"], r["cases_per_s"], r["wall_s"]) for r in sweep_rows] + [
        "",
        "Sweep scaling efficiency 1 to 2 ranks: **%.2f** (aim 0.90: %s); 1 to 2 threads: %.2f." %
        (sweep_eff_ranks, "met" if sweep_eff_ranks >= 0.90 else "not met", sweep_eff_threads),
        "",
        "Run (`bmdsim run %s --grid-deg %s`: the whole command, an MPI start subtracted):" %
        (result["run"]["scenario"], run_grid),
        "",
        "| layout | wall s |",
        "|---|---:|",
    ] + ["| %s | %.2f |" % (r["layout"], r["wall_s"]) for r in run_rows] + [
        "",
        "Run scaling efficiency 1 to 2 ranks: **%.2f** (aim 0.90: %s); 1 to 2 threads: %.2f." %
        (run_eff_ranks, "met" if run_eff_ranks >= 0.90 else "not met", run_eff_threads),
        "",
        "Load average before and after (`/proc/loadavg`, 1, 5, 15 min): %s; %s. Figures taken on "
        "a busy machine understate the scaling." % (load_before, load_after),
        "",
    ]
    with open(os.path.join(out_dir, name + ".md"), "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
