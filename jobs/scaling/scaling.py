#!/usr/bin/env python3
"""Strong and weak scaling studies of gasket: run, collect, plot, and model larger machines.

Each point of a study is one short gasket run (``time.max_steps`` steps, no snapshots) on R MPI ranks x T
rayon threads ("RxT", cores = R*T). Runs go through jobs/mpirun.sh on this machine (default) or are
submitted as one Slurm job per point and repeat with jobs/slurm/scaling_point.sbatch (--slurm). Every run
writes RUNDIR/summary.json; ``report`` gathers them into STUDY/study.csv, draws PNG plots and writes the
performance model.

Commands:
  strong   one case at a fixed size over a list of RxT points (--points 1x1,2x1,1x2,4x1).
  weak     cells per core fixed (--cells-per-core): mesh.nx, mesh.ny scaled with the point's cores
           (nx*ny ~ cells_per_core * cores, keeping the case's aspect ratio; 1D cases scale nx only).
  report   collect STUDY/runs/**/summary.json into study.csv (+ study_ranks.csv), plots, model, table.
  --quick  the preset of `make scaling`: a small local study (a few minutes on two cores): strong scaling
           of riemann2d_a at 320 x 320 = 102,400 cells, 60 steps, points 1x1,2x1,1x2,4x1 (4x1 is
           oversubscribed on fewer than 4 cores and marked so), and weak scaling at 40,000 cells per
           core over 1x1,2x1,1x2; then the report.

Timing: time per step = (wall_seconds - output_seconds) / steps_this_run of summary.json, i.e. the time
loop only (set-up, partitioning and final output excluded). With --repeat N every point runs N times and
the report keeps, per point, the run with the lowest time per step (--pick min, the default: the least
disturbed run) or the median one (--pick median; with an even N the lower median, so that the kept run is
a real run with consistent per-rank data). study.csv lists every run, with selected=1 on the kept ones.

Speed-up and efficiency (per series, relative to its point with the fewest cores c0, normally 1x1):
  strong: S(c) = T(c0)/T(c), ideal c/c0, efficiency E = S/(c/c0).
  weak:   E(c) = t(c0)/t(c) with t = time per step / cells per core (corrects the rounding of nx, ny);
          scaled speed-up (c/c0)*E.

Plots (STUDY/*.png): time_per_step.png (time per step vs cores, log-log, with the ideal line),
speedup.png (with the ideal line), efficiency.png, rank_split.png (per-rank seconds per step stacked:
compute / halo wait / I/O / other, for each kept point; more than 16 ranks are summarised by the ranks of
least, median and most compute), model.png (modelled strong-scaling efficiency vs ranks, measured points
overlaid).

Model (STUDY/model.txt, model.csv), for P ranks of one thread on the strong series' mesh of N cells:
  T(P) = T_compute(P) + T_comm(P) per time step, with
  T_compute = t_cs * s * (N/P) * lambda
      t_cs   measured compute seconds per cell per stage per core, from the series' 1-rank run
             (timing.compute if present, else the loop time); s = stages per step;
      lambda load imbalance (max/mean compute): measured at the largest measured rank count, else the
             partition's cell imbalance, else 1; --imbalance overrides.
  T_comm = x * (nb(P) * alpha + b * h(P) / beta) + ceil(log2 P) * alpha
      x      halo exchanges per step (partition.exchanges_per_step; default: s, one per stage);
      nb(P)  neighbour ranks: measured neighbours_max when measured at >= 16 ranks, else 8 in 2D
             (a METIS part of a 2D grid touches ~6 on average, up to ~8-10) and 2 in 1D; capped at P-1;
             --neighbours overrides;
      h(P)   halo cells received per rank per exchange, scaled like the partition perimeter:
             2D: h = A * sqrt(N) * (sqrt(P) - 1) / P  (-> A*sqrt(N/P) for P >> 1; the -1 removes the
             sides on the domain boundary, exact for sqrt(P) x sqrt(P) blocks), 1D: h = A * (P - 1) / P;
             A fitted to the largest-halo rank at the largest measured rank count (per_rank.halo_cells,
             else partition.halo_cells / ranks), else A = 18 in 2D (the stencils reach ~4 cells deep:
             4 sides x 4 layers, METIS perimeter ~10% above a square's; 64x64 runs on 2 and 4 ranks
             give A = 19 and 17), 2*4 in 1D;
      b      bytes per halo cell: partition.halo_bytes_per_exchange / partition.halo_cells, else 32
             (4 conserved variables x 8 bytes);
      alpha  latency per message, default 2 us; beta bandwidth per rank, default 10 GB/s: an
             InfiniBand-class (HDR/NDR) interconnect. --alpha/--beta override (e.g. 20e-6 / 1e9 for
             10 GbE; 0.5e-6 / 50e9 for ranks inside one node);
      the last term is the time-step reduction (an allreduce of the CFL speed) per step.
  Oversubscribed runs give partition geometry (halo sizes) but no timing input.
  E(P) = T(1) / (P * T(P)); also E with perfect overlap of communication and compute (max instead of
  sum), an optimistic bound. Printed for P = 64 and 1024 (--model-ranks) at the strong-scaling size
  (--model-cells adds sizes), plus the measured rank counts with their measured efficiency.
  Limits: a latency-bandwidth (Hockney) model: no network contention or topology, no message-rate or
  packing costs, messages to different neighbours counted one after another; compute per cell taken
  from one core alone, so memory-bandwidth saturation of full nodes, cache effects of small parts
  (often super-linear) and NUMA are not in it; imbalance held at its measured value; threads per rank
  not modelled (P cores = P ranks); I/O excluded. Treat it as an estimate of where communication starts
  to matter, to be checked with a measured series on the target machine.

Examples:
  python3 jobs/scaling/scaling.py --quick
  python3 jobs/scaling/scaling.py strong --case jobs/cases/double_mach.toml --cells 4000000 \\
      --points 32x1,64x1,128x1,256x1 --steps 50 --repeat 3 --slurm --sbatch-arg=--partition=compute \\
      --name dmr-strong
  python3 jobs/scaling/scaling.py weak --cells-per-core 50000 --points 1x1,4x1,16x1,64x1 --name w1
  python3 jobs/scaling/scaling.py report output/scaling/dmr-strong --alpha 1.5e-6 --beta 25e9
"""

import argparse
import csv
import datetime as _dt
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MPIRUN = REPO / "jobs" / "mpirun.sh"
POINT_SBATCH = REPO / "jobs" / "slurm" / "scaling_point.sbatch"
DEFAULT_GASKET = REPO / "target" / "release" / "gasket"

QUICK = {
    "case": "jobs/cases/riemann2d_a.toml",
    "nx": 320,
    "ny": 320,
    "steps": 60,
    "strong_points": "1x1,2x1,1x2,4x1",
    "weak_points": "1x1,2x1,1x2",
    "cells_per_core": 40000,
}


# --------------------------------------------------------------------------------------------------
# Plotting libraries: matplotlib and numpy (Debian: python3-matplotlib python3-numpy). A python3 first on
# PATH (pyenv, conda, venv) may not see Debian's packages: then re-run under /usr/bin/python3.


def _have_plot_libs():
    try:
        import matplotlib  # noqa: F401
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def _maybe_reexec():
    if _have_plot_libs() or os.environ.get("GASKET_SCALING_REEXEC"):
        return
    sysp = "/usr/bin/python3"
    if os.path.exists(sysp) and os.path.realpath(sysp) != os.path.realpath(sys.executable):
        ok = subprocess.run([sysp, "-c", "import matplotlib, numpy"], capture_output=True).returncode == 0
        if ok:
            os.environ["GASKET_SCALING_REEXEC"] = "1"
            os.execv(sysp, [sysp, os.path.abspath(__file__)] + sys.argv[1:])


# --------------------------------------------------------------------------------------------------
# Small helpers


def log(msg=""):
    print(msg, flush=True)


def warn(msg):
    print(f"warning: {msg}", file=sys.stderr, flush=True)


def get(d, *keys, default=None):
    """Nested dict lookup tolerant of missing keys and None."""
    for k in keys:
        if isinstance(d, dict) and k in d and d[k] is not None:
            d = d[k]
        elif isinstance(d, list) and isinstance(k, int) and -len(d) <= k < len(d):
            d = d[k]
        else:
            return default
    return d


def parse_points(text):
    pts = []
    for item in text.replace(" ", "").split(","):
        if not item:
            continue
        m = re.fullmatch(r"(\d+)(?:x(\d+))?", item)
        if not m or int(m.group(1)) < 1 or (m.group(2) and int(m.group(2)) < 1):
            raise SystemExit(f"bad point '{item}': expected RANKSxTHREADS, e.g. 4x2 (or just RANKS)")
        pts.append((int(m.group(1)), int(m.group(2) or 1)))
    if not pts:
        raise SystemExit("no points given")
    return pts


def physical_cores():
    """Cores usable by this process (physical cores, hardware threads of one core counted once)."""
    n = 0
    try:
        out = subprocess.run(["lscpu", "-p=SOCKET,CORE"], capture_output=True, text=True).stdout
        n = len({ln for ln in out.splitlines() if ln and not ln.startswith("#")})
    except OSError:
        pass
    avail = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(n, avail) if n else avail


def read_case(path, sets):
    """Case name and mesh size (nx, ny) after --set overrides, without depending on tomllib."""
    text = Path(path).read_text()
    data = None
    try:
        import tomllib  # Python >= 3.11

        data = tomllib.loads(text)
    except ImportError:
        pass
    if data is not None:
        name = data.get("name", Path(path).stem)
        nx = get(data, "mesh", "nx")
        ny = get(data, "mesh", "ny", default=1)
    else:  # minimal fallback: top-level name, [mesh] nx/ny
        name, nx, ny, section = Path(path).stem, None, 1, ""
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            m = re.fullmatch(r"\[([^\]]+)\]", line)
            if m:
                section = m.group(1).strip()
                continue
            m = re.fullmatch(r"(\w+)\s*=\s*(.+)", line)
            if not m:
                continue
            k, v = m.group(1), m.group(2).strip()
            if section == "" and k == "name":
                name = v.strip("\"'")
            elif section == "mesh" and k in ("nx", "ny"):
                if k == "nx":
                    nx = int(v)
                else:
                    ny = int(v)
    for s in sets:
        k, _, v = s.partition("=")
        if k.strip() == "mesh.nx":
            nx = int(v)
        elif k.strip() == "mesh.ny":
            ny = int(v)
        elif k.strip() == "name":
            name = v.strip().strip("\"'")
    if nx is None:
        raise SystemExit(f"{path}: no mesh.nx (only structured 'rectangle' meshes can be scaled)")
    return name, int(nx), int(ny)


def mesh_for_cells(cells, nx0, ny0):
    """nx, ny with nx*ny ~ cells and the aspect ratio nx0:ny0 (1D cases: ny stays 1)."""
    if ny0 <= 1:
        return max(1, round(cells)), 1
    aspect = nx0 / ny0
    ny = max(1, round(math.sqrt(cells / aspect)))
    nx = max(1, round(cells / ny))
    return nx, ny


def gasket_version(gasket):
    try:
        r = subprocess.run([str(gasket), "--version"], capture_output=True, text=True, timeout=20)
        return r.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def git_describe():
    try:
        r = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True,
                           text=True, timeout=20)
        return r.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def fmt_time(s):
    if s is None:
        return "-"
    if s >= 100:
        return f"{s:.1f}"
    if s >= 1:
        return f"{s:.3f}"
    return f"{s:.4f}"


# --------------------------------------------------------------------------------------------------
# Running a series


def study_dir(args):
    if args.study:
        d = Path(args.study)
    else:
        name = args.name or _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        d = REPO / "output" / "scaling" / name
    d.mkdir(parents=True, exist_ok=True)
    return d.resolve()


def write_study_meta(study, args, series, kind, extra):
    path = study / "study.json"
    meta = {}
    if path.exists():
        try:
            meta = json.loads(path.read_text())
        except ValueError:
            meta = {}
    meta.setdefault("created", _dt.datetime.now().isoformat(timespec="seconds"))
    meta["host"] = socket.gethostname()
    meta["machine_cores"] = physical_cores()
    meta["git"] = git_describe()
    meta["pick"] = args.pick
    meta.setdefault("series", {})
    meta["series"][series] = dict(kind=kind, command=" ".join(sys.argv), **extra)
    path.write_text(json.dumps(meta, indent=2) + "\n")


def run_series(args, kind, study):
    """Runs (or submits) every point x repeat of one series. Returns the number of failed runs."""
    case = Path(args.case)
    if not case.is_absolute():
        case = (Path.cwd() / case) if (Path.cwd() / case).exists() else (REPO / case)
    if not case.exists():
        raise SystemExit(f"case file not found: {args.case}")
    sets = list(args.set or [])
    name, nx0, ny0 = read_case(case, sets)
    points = parse_points(args.points)
    label = args.label or kind
    gasket = Path(os.environ.get("GASKET", DEFAULT_GASKET))
    if not args.dry_run and not args.slurm and not gasket.exists():
        raise SystemExit(f"{gasket} not found: build with 'make build' (or set GASKET=...)")
    cores_here = physical_cores()

    if kind == "strong":
        if args.cells:
            nx, ny = mesh_for_cells(args.cells, nx0, ny0)
        else:
            nx, ny = args.nx or nx0, args.ny or ny0
        meshes = {p: (nx, ny) for p in points}
        extra = dict(case=str(case), nx=nx, ny=ny, cells=nx * ny)
    else:
        cpc = args.cells_per_core
        if not cpc:
            raise SystemExit("weak scaling needs --cells-per-core")
        meshes = {p: mesh_for_cells(cpc * p[0] * p[1], nx0, ny0) for p in points}
        extra = dict(case=str(case), cells_per_core=cpc)
    extra.update(points=args.points, steps=args.steps, repeat=args.repeat,
                 launcher="slurm" if args.slurm else "local")
    total = len(points) * args.repeat
    if not args.slurm and not args.dry_run and hasattr(os, "getloadavg"):
        load = os.getloadavg()[0]
        if load > 0.5 * cores_here:
            warn(f"load average {load:.1f} on {cores_here} cores before the runs: other work is running, "
                 "timings will be disturbed (the study.json records it)")
        extra["load_before"] = round(load, 2)
    if not args.dry_run:
        write_study_meta(study, args, label, kind, extra)
    log(f"== {kind} scaling '{label}': case {name}, {len(points)} point(s) x {args.repeat} repeat(s), "
        f"{args.steps} steps each -> {study}")
    failed = 0
    jobs = []
    k = 0
    # Repeats in the outer loop: a slow spell of the machine then hits every point once, not one point
    # N times.
    for rep in range(1, args.repeat + 1):
        for (r, t) in points:
            k += 1
            nx, ny = meshes[(r, t)]
            rundir = study / "runs" / label / f"{r}x{t}" / f"rep{rep}"
            gargs = [f"--set={s}" for s in sets]
            gargs += [f"--set=mesh.nx={nx}", f"--set=mesh.ny={ny}", f"--set=time.max_steps={args.steps}",
                      "--set=output.every=0"]
            gargs += list(args.gasket_arg or [])
            point = dict(series=label, kind=kind, case=name, case_file=str(case), ranks=r, threads=t,
                         cores=r * t, rep=rep, nx=nx, ny=ny, cells=nx * ny, steps=args.steps,
                         host=socket.gethostname(), machine_cores=None if args.slurm else cores_here,
                         oversubscribed=(not args.slurm) and r * t > cores_here,
                         launcher="slurm" if args.slurm else "local")
            tag = f"[{k}/{total}] {label} {r}x{t} rep{rep} ({nx}x{ny} = {nx * ny} cells)"
            if (rundir / "summary.json").exists() and not args.force:
                log(f"{tag}: already done (summary.json present; --force reruns)")
                continue
            if args.slurm:
                jid = submit_point(args, case, rundir, r, t, gargs, point, tag)
                if jid:
                    jobs.append(jid)
                elif not args.dry_run:
                    failed += 1
            else:
                if not run_point_local(args, case, rundir, r, t, gargs, point, tag):
                    failed += 1
    if args.slurm and jobs:
        with open(study / "slurm_jobs.txt", "a") as f:
            f.write("\n".join(jobs) + "\n")
        log(f"submitted {len(jobs)} job(s): {' '.join(jobs)}")
        if args.report_job:
            dep = "afterany:" + ":".join(jobs)
            cmd = ["sbatch", "--parsable", f"--dependency={dep}", "--ntasks=1", "--time=00:15:00",
                   "--job-name=gasket-scaling-report", f"--output={study}/report-%j.out"]
            cmd += list(args.sbatch_arg or [])
            cmd += ["--wrap", f"{sys.executable} {Path(__file__).resolve()} report {study}"]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode == 0:
                log(f"report job {r.stdout.strip()} runs when they are done (needs matplotlib on the node)")
            else:
                warn(f"could not submit the report job: {r.stderr.strip()}")
        log(f"when the jobs are done: python3 {Path(__file__).relative_to(REPO)} report {study}")
    return failed


def _clean_outputs(rundir):
    for p in list(rundir.glob("*.h5")) + list(rundir.glob("*.xdmf")):
        try:
            p.unlink()
        except OSError:
            pass


def run_point_local(args, case, rundir, r, t, gargs, point, tag):
    cmd = [str(MPIRUN), "-n", str(r), "-t", str(t)]
    if args.bind:
        cmd += ["--bind", args.bind]
    cmd += [str(case)] + gargs + ["-o", str(rundir), "-q"]
    if args.dry_run:
        log(f"{tag}\n  {' '.join(cmd)}")
        return True
    if rundir.exists():
        shutil.rmtree(rundir)
    rundir.mkdir(parents=True)
    point["command"] = " ".join(cmd)
    point["started"] = _dt.datetime.now().isoformat(timespec="seconds")
    (rundir / "point.json").write_text(json.dumps(point, indent=2) + "\n")
    log(f"{tag}{'  [oversubscribed]' if point['oversubscribed'] else ''} ...")
    t0 = time.monotonic()
    with open(rundir / "run.log", "w") as out:
        out.write("$ " + " ".join(cmd) + "\n")
        out.flush()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=str(REPO),
                                start_new_session=True)
        try:
            status = proc.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            status = "timeout"
        except KeyboardInterrupt:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
            raise
    elapsed = time.monotonic() - t0
    point["exit_status"] = status
    point["elapsed_seconds"] = round(elapsed, 3)
    (rundir / "point.json").write_text(json.dumps(point, indent=2) + "\n")
    if not args.keep_h5:
        _clean_outputs(rundir)
    summ = rundir / "summary.json"
    if status == 0 and summ.exists():
        s = json.loads(summ.read_text())
        tps = time_per_step(s)
        log(f"    ok in {elapsed:.1f} s: {fmt_time(tps)} s/step")
        return True
    last = ""
    try:
        lines = [ln for ln in (rundir / "run.log").read_text().splitlines() if ln.strip()]
        errs = [ln for ln in lines if "error" in ln.lower()]
        last = (errs or lines or [""])[0 if errs else -1].strip()
    except OSError:
        pass
    log(f"    FAILED (exit {status}) after {elapsed:.1f} s: {last[:160]}  [{rundir / 'run.log'}]")
    return False


def submit_point(args, case, rundir, r, t, gargs, point, tag):
    job = f"gasket-{point['series']}-{r}x{t}-{point['rep']}"
    cmd = ["sbatch", "--parsable", f"--ntasks={r}", f"--cpus-per-task={t}", f"--job-name={job}",
           f"--output={rundir}/slurm-%j.out", f"--chdir={REPO}"]
    if args.time:
        cmd.append(f"--time={args.time}")
    cmd += list(args.sbatch_arg or [])
    cmd += [str(POINT_SBATCH), str(case), str(rundir)] + gargs
    if args.dry_run:
        log(f"{tag}\n  {' '.join(cmd)}")
        return None
    if shutil.which("sbatch") is None:
        raise SystemExit("--slurm: no sbatch on PATH (run on a login node of the cluster)")
    if rundir.exists():
        shutil.rmtree(rundir)
    rundir.mkdir(parents=True)
    point["command"] = " ".join(cmd)
    point["submitted"] = _dt.datetime.now().isoformat(timespec="seconds")
    env = dict(os.environ)
    env["GASKET_KEEP_H5"] = "1" if args.keep_h5 else "0"
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(REPO))
    if res.returncode != 0:
        point["exit_status"] = f"sbatch failed: {res.stderr.strip()}"
        (rundir / "point.json").write_text(json.dumps(point, indent=2) + "\n")
        log(f"{tag}: sbatch FAILED: {res.stderr.strip()}")
        return None
    jid = res.stdout.strip().split(";")[0]
    point["job_id"] = jid
    (rundir / "point.json").write_text(json.dumps(point, indent=2) + "\n")
    log(f"{tag}: job {jid}")
    return jid


# --------------------------------------------------------------------------------------------------
# Collecting


def time_per_step(s):
    steps = get(s, "steps_this_run", default=get(s, "steps", default=0))
    wall = get(s, "wall_seconds")
    if not steps or wall is None:
        return None
    return max(wall - get(s, "output_seconds", default=0.0), 1e-12) / steps


CSV_FIELDS = [
    "series", "kind", "point", "ranks", "threads", "cores", "rep", "selected", "status", "oversubscribed",
    "case", "nx", "ny", "cells", "cells_per_core", "steps", "stages_per_step",
    "wall_seconds", "output_seconds", "time_per_step", "speedup", "ideal_speedup", "efficiency",
    "cell_updates_per_second", "cell_updates_per_second_per_core", "us_per_cell_per_stage_per_core",
    "compute_min", "compute_mean", "compute_max", "halo_wait_min", "halo_wait_mean", "halo_wait_max",
    "io_mean", "io_max", "load_imbalance", "partition_source", "edge_cut", "partition_imbalance",
    "halo_cells", "halo_bytes_per_exchange", "exchanges_per_step", "neighbours_max",
    "scheme", "version", "host", "job_id", "dir",
]


def collect(study):
    """All runs of a study: one dict per run, plus the parsed summaries."""
    rows = []
    for pj in sorted((study / "runs").glob("*/*/rep*/point.json")):
        rundir = pj.parent
        try:
            p = json.loads(pj.read_text())
        except ValueError:
            warn(f"unreadable {pj}")
            continue
        s = None
        sp = rundir / "summary.json"
        if sp.exists():
            try:
                s = json.loads(sp.read_text())
            except ValueError:
                warn(f"unreadable {sp}")
        status = p.get("exit_status")
        if status is None and (rundir / "exit_status").exists():  # Slurm point script
            try:
                status = int((rundir / "exit_status").read_text().strip())
            except ValueError:
                pass
        row = dict(series=p["series"], kind=p["kind"], ranks=p["ranks"], threads=p["threads"],
                   cores=p["ranks"] * p["threads"], rep=p["rep"], case=p.get("case"), nx=p.get("nx"),
                   ny=p.get("ny"), cells=p.get("cells"), oversubscribed=int(bool(p.get("oversubscribed"))),
                   host=p.get("host"), job_id=p.get("job_id"), dir=str(rundir.relative_to(study)))
        row["point"] = f"{row['ranks']}x{row['threads']}"
        row["summary"] = s
        if s is not None and status in (None, 0):
            row["status"] = "ok"
        elif status is None:
            row["status"] = "pending"
        else:
            row["status"] = f"failed ({status})"
        if s is not None:
            row.update(
                cells=get(s, "cells", default=row["cells"]),
                steps=get(s, "steps_this_run", default=get(s, "steps")),
                stages_per_step=get(s, "stages_per_step"),
                wall_seconds=get(s, "wall_seconds"),
                output_seconds=get(s, "output_seconds"),
                time_per_step=time_per_step(s),
                cell_updates_per_second=get(s, "cell_updates_per_second"),
                cell_updates_per_second_per_core=get(s, "cell_updates_per_second_per_core"),
                us_per_cell_per_stage_per_core=get(s, "us_per_cell_per_stage_per_core"),
                load_imbalance=get(s, "load_imbalance"),
                partition_source=get(s, "partition", "source"),
                edge_cut=get(s, "partition", "edge_cut"),
                partition_imbalance=get(s, "partition", "imbalance"),
                halo_cells=get(s, "partition", "halo_cells"),
                halo_bytes_per_exchange=get(s, "partition", "halo_bytes_per_exchange"),
                exchanges_per_step=get(s, "partition", "exchanges_per_step"),
                neighbours_max=get(s, "partition", "neighbours_max"),
                scheme=get(s, "scheme"), version=get(s, "version"),
            )
            for part in ("compute", "halo_wait", "io"):
                for stat in ("min", "mean", "max"):
                    row[f"{part}_{stat}"] = get(s, "timing", part, stat)
            if s.get("ranks") not in (None, row["ranks"]) or s.get("threads") not in (None, row["threads"]):
                warn(f"{rundir}: summary says {s.get('ranks')}x{s.get('threads')}, point {row['point']}")
        if row.get("cells"):
            row["cells_per_core"] = row["cells"] / row["cores"]
        rows.append(row)
    return rows


def select_and_derive(rows, pick):
    """Marks the kept run of each point and computes speed-up / efficiency per series."""
    groups = {}
    for r in rows:
        r["selected"] = 0
        groups.setdefault((r["series"], r["ranks"], r["threads"]), []).append(r)
    for grp in groups.values():
        ok = sorted((r for r in grp if r["status"] == "ok" and r.get("time_per_step")),
                    key=lambda r: r["time_per_step"])
        if ok:
            keep = ok[0] if pick == "min" else ok[(len(ok) - 1) // 2]
            keep["selected"] = 1
    for series in sorted({r["series"] for r in rows}):
        sel = [r for r in rows if r["series"] == series and r["selected"]]
        if not sel:
            continue
        base = min(sel, key=lambda r: (r["cores"], r["ranks"], r["oversubscribed"]))
        for r in rows:
            if r["series"] != series or not r.get("time_per_step"):
                continue
            ratio = r["cores"] / base["cores"]
            r["ideal_speedup"] = ratio
            if r["kind"] == "weak":
                tb = base["time_per_step"] / base["cells_per_core"]
                t = r["time_per_step"] / r["cells_per_core"]
                r["efficiency"] = tb / t
                r["speedup"] = ratio * r["efficiency"]
            else:
                r["speedup"] = base["time_per_step"] / r["time_per_step"]
                r["efficiency"] = r["speedup"] / ratio
            r["baseline"] = base["point"]
    return rows


def write_csv(study, rows):
    path = study / "study.csv"
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
        w.writeheader()
        for r in sorted(rows, key=lambda r: (r["series"], r["cores"], r["ranks"], r["rep"])):
            w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in CSV_FIELDS})
    rpath = study / "study_ranks.csv"
    with open(rpath, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["series", "point", "rep", "selected", "rank", "compute", "halo_wait", "io", "owned_cells",
                    "halo_cells", "steps"])
        for r in rows:
            for pr in get(r, "summary", "timing", "per_rank", default=[]) or []:
                w.writerow([r["series"], r["point"], r["rep"], r["selected"], pr.get("rank"), pr.get("compute"),
                            pr.get("halo_wait"), pr.get("io"), pr.get("owned_cells"), pr.get("halo_cells"),
                            r.get("steps")])
    return path, rpath


# --------------------------------------------------------------------------------------------------
# Model


def build_model(rows, args):
    """The T(P) model of the module help from the strong series. Returns (params, table rows, text)."""
    strong = [r for r in rows if r["kind"] == "strong" and r["selected"]]
    if args.model_series:
        strong = [r for r in strong if r["series"] == args.model_series]
    if not strong:
        return None
    series = strong[0]["series"]
    sel = sorted([r for r in strong if r["series"] == series], key=lambda r: (r["cores"], r["ranks"]))
    notes = []
    N = sel[0]["cells"]
    nx, ny = sel[0].get("nx") or 0, sel[0].get("ny") or 0
    dim = 1 if (ny or 1) <= 1 else 2
    s = sel[0].get("stages_per_step") or 2

    # Compute time per cell-stage per core: prefer the 1x1 run, else the fewest cores.
    base = next((r for r in sel if r["ranks"] == 1 and r["threads"] == 1), sel[0])
    steps = base.get("steps") or 1
    comp = base.get("compute_mean")
    if comp:
        t_cs = comp * base["ranks"] * base["threads"] / (base["cells"] * steps * s)
        src = f"timing.compute of {base['point']}"
    else:
        t_cs = base["time_per_step"] * base["cores"] / (base["cells"] * s)
        src = f"loop time of {base['point']} (no timing.compute in summary.json)"
    if base["threads"] > 1:
        notes.append(f"t_cs from a {base['point']} run includes its thread efficiency")

    # Halo and partition figures from the largest measured rank count with partition data.
    multi = [r for r in sel if r["ranks"] >= 2 and r.get("halo_cells")]
    pm = max(multi, key=lambda r: (r["ranks"], r["cores"])) if multi else None
    if pm:
        Pm = pm["ranks"]
        per_rank = get(pm, "summary", "timing", "per_rank", default=[]) or []
        hmax = max((x.get("halo_cells") or 0 for x in per_rank), default=0) or pm["halo_cells"] / Pm
        shape = (math.sqrt(N) * (math.sqrt(Pm) - 1) / Pm) if dim == 2 else ((Pm - 1) / Pm)
        A = hmax / shape if shape > 0 else None
        b = pm["halo_bytes_per_exchange"] / pm["halo_cells"] if pm.get("halo_bytes_per_exchange") else 32.0
        if not 8 <= b <= 4096:
            notes.append(f"bytes per halo cell {b:.1f} implausible: using 32")
            b = 32.0
        x = pm.get("exchanges_per_step") or s
        nb_meas = pm.get("neighbours_max")
        halo_src = f"measured at {pm['point']} (max halo cells of a rank {hmax:.0f})"
    else:
        Pm, A, b, x, nb_meas = None, None, 32.0, s, None
        halo_src = "geometric estimate (no multi-rank run with partition data)"
    if A is None:
        A = 18.0 if dim == 2 else 2 * 4
    if args.neighbours:
        nb_default, nb_src = args.neighbours, "--neighbours"
    elif nb_meas and Pm and Pm >= 16:
        nb_default, nb_src = nb_meas, f"measured at {Pm} ranks"
    else:
        nb_default = 8 if dim == 2 else 2
        nb_src = "default (2D: 8, 1D: 2)" + (f"; measured {nb_meas} at {Pm} ranks is too few ranks to tell"
                                              if nb_meas else "")
    # Timing-based inputs only from runs that had their cores to themselves.
    timed = [r for r in sel if not r["oversubscribed"]] or sel[:1]
    if args.imbalance:
        lam, lam_src = args.imbalance, "--imbalance"
    else:
        big = max(timed, key=lambda r: r["ranks"])
        if big["ranks"] > 1 and big.get("load_imbalance"):
            lam, lam_src = big["load_imbalance"], f"measured load_imbalance at {big['point']}"
        elif big["ranks"] > 1 and big.get("partition_imbalance"):
            lam, lam_src = big["partition_imbalance"], f"partition imbalance at {big['point']}"
        else:
            lam, lam_src = 1.0, "1 (no multi-rank measurement)"
    alpha, beta = args.alpha, args.beta

    def model(P, n_cells):
        tc = t_cs * s * n_cells / P * (lam if P > 1 else 1.0)
        if P <= 1:
            return dict(t_compute=tc, t_latency=0.0, t_bandwidth=0.0, t_reduce=0.0, h=0.0, nb=0)
        h = A * (math.sqrt(n_cells) * (math.sqrt(P) - 1) / P if dim == 2 else (P - 1) / P)
        nb = min(nb_default, P - 1)
        return dict(t_compute=tc, t_latency=x * nb * alpha, t_bandwidth=x * b * h / beta,
                    t_reduce=math.ceil(math.log2(P)) * alpha, h=h, nb=nb)

    # Check against the measurement: halo wait per step at the largest multi-rank point vs modelled comm.
    big = max(timed, key=lambda r: (r["ranks"], r["cores"]))
    if big["ranks"] > 1 and big.get("halo_wait_mean") is not None and big.get("steps"):
        m = model(big["ranks"], N)
        comm = m["t_latency"] + m["t_bandwidth"] + m["t_reduce"]
        hw = big["halo_wait_mean"] / big["steps"]
        notes.append(f"check at {big['point']}: measured halo wait {hw * 1e3:.3f} ms/step (mean over ranks; it also "
                     f"holds waiting for slower neighbours) vs modelled communication {comm * 1e3:.3f} ms/step")
        per_msg = x * m["nb"] + math.ceil(math.log2(big["ranks"]))
        if hw > comm and per_msg > 0:
            a_eff = (hw - m["t_bandwidth"]) / per_msg
            if a_eff < 1e-3:
                notes.append(f"an alpha of {a_eff * 1e6:.3g} us would reproduce it (--alpha {a_eff:.3g}), if the "
                             "wait is message cost and not imbalance")
            else:
                notes.append("that wait is far beyond any message cost: imbalance, a slower neighbour or a busy "
                             "machine, not the network")

    params = dict(series=series, cells=N, dim=dim, stages=s, t_cs=t_cs, t_cs_source=src, A=A, halo_source=halo_src,
                  bytes_per_halo_cell=b, exchanges_per_step=x, neighbours=nb_default, neighbours_source=nb_src,
                  imbalance=lam, imbalance_source=lam_src, alpha=alpha, beta=beta, notes=notes, model=model)
    sizes = [N] + [int(c) for c in (args.model_cells or "").split(",") if c.strip()]
    ranks = sorted({int(p) for p in args.model_ranks.split(",") if p.strip()} | {r["ranks"] for r in sel
                                                                                  if r["threads"] == 1})
    measured = {r["ranks"]: r for r in timed if r["threads"] == 1}
    table = []
    for n_cells in sizes:
        t1 = model(1, n_cells)["t_compute"]
        for P in ranks:
            m = model(P, n_cells)
            comm = m["t_latency"] + m["t_bandwidth"] + m["t_reduce"]
            T = m["t_compute"] + comm
            row = dict(cells=n_cells, ranks=P, cells_per_rank=n_cells / P, halo_cells_per_rank=m["h"],
                       neighbours=m["nb"], t_compute=m["t_compute"], t_latency=m["t_latency"],
                       t_bandwidth=m["t_bandwidth"], t_reduce=m["t_reduce"], t_step=T, speedup=t1 / T,
                       efficiency=t1 / (P * T), efficiency_overlap=t1 / (P * max(m["t_compute"], comm)),
                       comm_fraction=comm / T)
            mr = measured.get(P) if n_cells == N else None
            row["measured_t_step"] = mr["time_per_step"] if mr else None
            row["measured_efficiency"] = mr.get("efficiency") if mr else None
            table.append(row)
    return params, table


def write_model(study, params, table):
    fields = ["cells", "ranks", "cells_per_rank", "halo_cells_per_rank", "neighbours", "t_compute", "t_latency",
              "t_bandwidth", "t_reduce", "t_step", "speedup", "efficiency", "efficiency_overlap", "comm_fraction",
              "measured_t_step", "measured_efficiency"]
    with open(study / "model.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for r in table:
            w.writerow({k: ("" if r.get(k) is None else (f"{r[k]:.6g}" if isinstance(r[k], float) else r[k]))
                        for k in fields})
    p = params
    lines = [
        f"Performance model of series '{p['series']}' ({p['cells']} cells, {p['dim']}D), P ranks x 1 thread",
        "",
        "  T(P) = t_cs*s*(N/P)*lambda + x*(nb*alpha + b*h(P)/beta) + ceil(log2 P)*alpha   [per time step]",
        ("  h(P) = A*sqrt(N)*(sqrt(P)-1)/P" if p["dim"] == 2 else "  h(P) = A*(P-1)/P") +
        "   (halo cells received per rank per exchange)",
        "  E(P) = T(1)/(P*T(P));  E_overlap uses max(compute, comm) instead of the sum",
        "",
        f"  t_cs   = {p['t_cs'] * 1e6:.4g} us per cell per stage per core   [{p['t_cs_source']}]",
        f"  s      = {p['stages']} stages per step",
        f"  lambda = {p['imbalance']:.4g}   [{p['imbalance_source']}]",
        f"  x      = {p['exchanges_per_step']} halo exchanges per step",
        f"  nb     = {p['neighbours']} neighbours per rank (capped at P-1)   [{p['neighbours_source']}]",
        f"  A      = {p['A']:.4g}   [{p['halo_source']}]",
        f"  b      = {p['bytes_per_halo_cell']:.4g} bytes per halo cell",
        f"  alpha  = {p['alpha'] * 1e6:.4g} us latency per message, beta = {p['beta'] / 1e9:.4g} GB/s per rank",
    ]
    for n in p["notes"]:
        lines.append(f"  note: {n}")
    lines += ["", f"  {'cells':>10} {'P':>6} {'cells/P':>9} {'halo/P':>8} {'compute':>10} {'comm':>10} "
                  f"{'T/step':>10} {'E':>6} {'E_ovl':>6} {'E_meas':>6}",
              "  " + "-" * 94]
    for r in table:
        comm = r["t_latency"] + r["t_bandwidth"] + r["t_reduce"]
        em = "" if r["measured_efficiency"] is None else f"{100 * r['measured_efficiency']:5.1f}%"
        lines.append(f"  {r['cells']:>10} {r['ranks']:>6} {r['cells_per_rank']:>9.0f} {r['halo_cells_per_rank']:>8.0f} "
                     f"{r['t_compute'] * 1e3:>8.3f}ms {comm * 1e3:>8.3f}ms {r['t_step'] * 1e3:>8.3f}ms "
                     f"{100 * r['efficiency']:5.1f}% {100 * r['efficiency_overlap']:5.1f}% {em:>6}")
    lines += ["", "  Limits: see `scaling.py --help` (Hockney model; no contention, message-rate, memory-bandwidth,",
              "  cache or NUMA effects; imbalance fixed at its measured value; 1 thread per rank; I/O excluded)."]
    text = "\n".join(lines) + "\n"
    (study / "model.txt").write_text(text)
    return text


# --------------------------------------------------------------------------------------------------
# Plots


MARKERS = {1: "o", 2: "s", 4: "^", 8: "D", 16: "v"}


def _setup_mpl():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.dpi": 110, "font.size": 9, "axes.grid": True, "grid.alpha": 0.3})
    return plt


def _cores_axis(ax, cores):
    from matplotlib.ticker import FixedLocator, NullLocator

    ax.set_xscale("log", base=2)
    ticks = sorted({int(round(c)) for c in cores})
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([str(c) for c in ticks])
    ax.set_xlabel("cores (ranks x threads)")
    lo, hi = min(ticks), max(ticks)
    ax.set_xlim(lo / 1.4, hi * 1.4)


def _log_y(ax, values, base=10):
    """Log y axis with plain-number labels (minor ticks labelled too when the range is under a decade)."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    ax.set_yscale("log", base=base)
    fmt = FuncFormatter(lambda v, _: f"{v:g}")
    ax.yaxis.set_major_formatter(fmt)
    vals = [v for v in values if v and v > 0]
    if base == 10 and vals and max(vals) / min(vals) < 10:
        ax.yaxis.set_minor_formatter(fmt)
    else:
        ax.yaxis.set_minor_formatter(NullFormatter())


def _series_lines(ax, sel, yfun, color, label):
    """One line per threads-per-rank count; markers hollow for oversubscribed points; RxT labels."""
    for t in sorted({r["threads"] for r in sel}):
        pts = sorted([r for r in sel if r["threads"] == t], key=lambda r: r["cores"])
        xs = [r["cores"] for r in pts]
        ys = [yfun(r) for r in pts]
        mk = MARKERS.get(t, "P")
        ax.plot(xs, ys, "-", color=color, alpha=0.6, lw=1.2)
        for r, xv, yv in zip(pts, xs, ys):
            ax.plot([xv], [yv], mk, color=color, mfc="white" if r["oversubscribed"] else color, ms=7)
            ax.annotate(r["point"] + (" (oversub.)" if r["oversubscribed"] else ""), (xv, yv),
                        textcoords="offset points", xytext=(5, 4), fontsize=7, color=color)
        ax.plot([], [], mk + "-", color=color, label=f"{label}, {t} thread{'s' if t > 1 else ''}/rank")


def plot_all(study, rows, params=None, table=None):
    plt = _setup_mpl()
    import numpy as np

    out = []
    sel = [r for r in rows if r["selected"]]
    kinds = [k for k in ("strong", "weak") if any(r["kind"] == k for r in sel)]
    if not kinds:
        return out
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    series_list = sorted({r["series"] for r in sel}, key=lambda s: (s != "strong", s))
    col = {s: colors[i % len(colors)] for i, s in enumerate(series_list)}
    oversub_note = any(r["oversubscribed"] for r in sel)

    def by_series(kind):
        return [(s, [r for r in sel if r["series"] == s]) for s in series_list
                if any(r["series"] == s and r["kind"] == kind for r in sel)]

    def base_of(rs):
        return min(rs, key=lambda r: (r["cores"], r["ranks"], r["oversubscribed"]))

    # 1. time per step
    fig, axes = plt.subplots(1, len(kinds), figsize=(5.8 * len(kinds), 4.4), squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        allc = []
        for s, rs in by_series(kind):
            _series_lines(ax, rs, lambda r: r["time_per_step"], col[s], s)
            b = base_of(rs)
            cs = np.array(sorted({r["cores"] for r in rs} | {b["cores"]}), dtype=float)
            allc += list(cs)
            if kind == "strong":
                ax.plot(cs, b["time_per_step"] * b["cores"] / cs, "--", color=col[s], lw=0.9, alpha=0.7,
                        label=f"{s}: ideal (T ~ 1/cores)")
            else:
                ax.plot(cs, [b["time_per_step"]] * len(cs), "--", color=col[s], lw=0.9, alpha=0.7,
                        label=f"{s}: ideal (constant)")
        _cores_axis(ax, allc)
        _log_y(ax, [y for ln in ax.get_lines() for y in ln.get_ydata()])
        ax.set_ylabel("wall time per step [s]")
        ttl = "strong scaling: fixed mesh" if kind == "strong" else "weak scaling: fixed cells per core"
        ax.set_title(ttl)
        ax.legend(fontsize=7)
    if oversub_note:
        fig.text(0.01, 0.01, "hollow markers: oversubscribed (more ranks x threads than cores): not a scaling "
                 "measurement", fontsize=7, color="0.3")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    p = study / "time_per_step.png"
    fig.savefig(p)
    plt.close(fig)
    out.append(p)

    # 2. speed-up
    fig, axes = plt.subplots(1, len(kinds), figsize=(5.8 * len(kinds), 4.4), squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        allc = []
        for s, rs in by_series(kind):
            _series_lines(ax, rs, lambda r: r["speedup"], col[s], s)
            allc += [r["cores"] for r in rs]
        b0 = min(r["cores"] for s, rs in by_series(kind) for r in rs)
        cs = np.array(sorted(set(allc)), dtype=float)
        ax.plot(cs, cs / b0, "k--", lw=0.9, label="ideal")
        _cores_axis(ax, allc)
        _log_y(ax, [y for ln in ax.get_lines() for y in ln.get_ydata()], base=2)
        ax.set_ylabel("speed-up T(base)/T" if kind == "strong" else "scaled speed-up (cores/base) x efficiency")
        ax.set_title(f"{kind} scaling: speed-up over the smallest point")
        ax.legend(fontsize=7)
    fig.tight_layout()
    p = study / "speedup.png"
    fig.savefig(p)
    plt.close(fig)
    out.append(p)

    # 3. efficiency
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    allc = []
    for kind in kinds:
        for s, rs in by_series(kind):
            _series_lines(ax, rs, lambda r: 100 * r["efficiency"], col[s], s if s == kind else f"{s} ({kind})")
            allc += [r["cores"] for r in rs]
    ax.axhline(100, color="k", ls="--", lw=0.9, label="ideal")
    ax.axhline(80, color="0.5", ls=":", lw=0.9, label="80%")
    _cores_axis(ax, allc)
    ax.set_ylim(0, max([120] + [100 * r["efficiency"] + 10 for r in sel if r.get("efficiency")]))
    ax.set_ylabel("parallel efficiency [%]")
    ax.set_title("parallel efficiency (strong: S/(cores/base); weak: t(base)/t per cell)")
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    p = study / "efficiency.png"
    fig.savefig(p)
    plt.close(fig)
    out.append(p)

    # 4. per-rank split
    p = plot_rank_split(plt, study, sel, series_list)
    if p:
        out.append(p)

    # 5. model
    if params and table:
        p = plot_model(plt, np, study, params, sel)
        if p:
            out.append(p)
    return out


def plot_rank_split(plt, study, sel, series_list):
    """Small multiples: one panel per kept point (rows: series), one stacked bar per rank, own y scale."""
    from matplotlib.patches import Patch

    parts = [("compute", "#4C72B0"), ("halo_wait", "#DD8452"), ("io", "#55A868"), ("other", "#BBBBBB")]
    names = {"compute": "compute", "halo_wait": "halo wait", "io": "I/O", "other": "other (loop - split)"}
    grid = [sorted([r for r in sel if r["series"] == s], key=lambda r: (r["cores"], r["ranks"])) for s in series_list]
    ncols = max(len(g) for g in grid)

    def nbars(r):
        n = len(get(r, "summary", "timing", "per_rank", default=[]) or []) or 1
        return n if n <= 16 else 3

    widths = [max([nbars(g[c]) for g in grid if c < len(g)] + [1]) * 0.28 + 1.1 for c in range(ncols)]
    height = 2.9 * len(grid) + 0.7
    fig, axes = plt.subplots(len(grid), ncols, figsize=(max(7.0, sum(widths) + 1.8), height),
                             squeeze=False, gridspec_kw={"width_ratios": widths})
    missing = False
    for i, (s, rs) in enumerate(zip(series_list, grid)):
        for c in range(ncols):
            ax = axes[i][c]
            if c >= len(rs):
                ax.axis("off")
                continue
            r = rs[c]
            steps = r.get("steps") or 1
            loop = r["time_per_step"]
            per = sorted(get(r, "summary", "timing", "per_rank", default=[]) or [], key=lambda q: q.get("rank", 0))
            bars = []
            if per:
                if len(per) > 16:
                    by = sorted(per, key=lambda q: q.get("compute") or 0)
                    chosen = [(by[0], "min"), (by[len(by) // 2], "med"), (by[-1], "max")]
                else:
                    chosen = [(q, str(q.get("rank", k))) for k, q in enumerate(per)]
                for q, name in chosen:
                    vals = {k: (q.get(k) or 0.0) / steps for k in ("compute", "halo_wait", "io")}
                    vals["other"] = max(loop - sum(vals.values()), 0.0)
                    bars.append((name, vals))
            else:
                missing = True
                bars.append(("all", {"compute": 0.0, "halo_wait": 0.0, "io": 0.0, "other": loop}))
            top = max(sum(v.values()) for _, v in bars)
            for x, (name, vals) in enumerate(bars):
                bottom = 0.0
                for k, col in parts:
                    hatch = "//" if (not per and k == "other") else None
                    ax.bar(x, vals[k], bottom=bottom, width=0.8, color=col, hatch=hatch,
                           edgecolor="0.4" if hatch else "white", lw=0.4)
                    bottom += vals[k]
            ax.set_xticks(range(len(bars)))
            ax.set_xticklabels([b[0] for b in bars], fontsize=6 if len(bars) > 8 else 7)
            ax.set_xlim(-0.7, len(bars) - 0.3)
            ax.set_ylim(0, 1.08 * top if top > 0 else 1)
            ax.grid(axis="x", visible=False)
            ax.tick_params(axis="y", labelsize=7)
            imb = r.get("load_imbalance")
            ttl = f"{s} {r['point']}" + (" (oversub.)" if r["oversubscribed"] else "")
            if imb and r["ranks"] > 1:
                ttl += f"\nimbalance {imb:.2f}"
            ax.set_title(ttl, fontsize=8)
            if c == 0:
                ax.set_ylabel("seconds per step")
            ax.set_xlabel("rank" if per else "", fontsize=7)
    handles = [Patch(facecolor=col, label=names[k]) for k, col in parts]
    if missing:
        handles.append(Patch(facecolor="#BBBBBB", hatch="//", edgecolor="0.4",
                             label="loop time (no per-rank split in summary.json)"))
    fig.suptitle("per-rank time split of the kept run of each point (own y scale per panel)", fontsize=9,
                 y=1 - 0.12 / height)
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1 - 0.38 / height), ncol=len(handles),
               fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.7 / height))
    p = study / "rank_split.png"
    fig.savefig(p)
    plt.close(fig)
    return p


def plot_model(plt, np, study, params, sel):
    model = params["model"]
    N = params["cells"]
    Ps = np.unique(np.round(np.logspace(0, math.log10(max(4096, 2 * max(r["ranks"] for r in sel))), 60)).astype(int))
    t1 = model(1, N)["t_compute"]
    eff, effo = [], []
    for P in Ps:
        m = model(int(P), N)
        comm = m["t_latency"] + m["t_bandwidth"] + m["t_reduce"]
        eff.append(100 * t1 / (P * (m["t_compute"] + comm)))
        effo.append(100 * t1 / (P * max(m["t_compute"], comm)))
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.plot(Ps, eff, "-", color="C0", label="model (compute + comm)")
    ax.plot(Ps, effo, ":", color="C0", label="model, perfect overlap")
    meas = [r for r in sel if r["series"] == params["series"] and r["threads"] == 1 and r.get("efficiency")
            and not r["oversubscribed"]]
    if meas:
        ax.plot([r["ranks"] for r in meas], [100 * r["efficiency"] for r in meas], "o", color="C3",
                mfc="white", label="measured (1 thread/rank)")
    for P in (64, 1024):
        m = model(P, N)
        e = 100 * t1 / (P * (m["t_compute"] + m["t_latency"] + m["t_bandwidth"] + m["t_reduce"]))
        ax.plot([P], [e], "k.", ms=8)
        ax.annotate(f"P={P}: {e:.0f}%\n({N // P} cells/rank)", (P, e), textcoords="offset points", xytext=(6, -22),
                    fontsize=7)
    _cores_axis(ax, [int(2 ** k) for k in range(0, int(math.log2(Ps[-1])) + 1, 2)])
    ax.set_ylim(0, 110)
    ax.set_xlabel("ranks P (1 thread each)")
    ax.set_ylabel("parallel efficiency [%]")
    ax.set_title(f"modelled strong scaling, {N} cells; alpha={params['alpha'] * 1e6:g} us, "
                 f"beta={params['beta'] / 1e9:g} GB/s", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    p = study / "model.png"
    fig.savefig(p)
    plt.close(fig)
    return p


# --------------------------------------------------------------------------------------------------
# Report


def report(study, args):
    study = Path(study).resolve()
    if not (study / "runs").exists():
        raise SystemExit(f"{study}: no runs/ directory (not a study?)")
    meta = {}
    if (study / "study.json").exists():
        try:
            meta = json.loads((study / "study.json").read_text())
        except ValueError:
            pass
    pick = args.pick or meta.get("pick") or "min"
    rows = select_and_derive(collect(study), pick)
    if not rows:
        raise SystemExit(f"{study}: no runs found")
    csv_path, ranks_path = write_csv(study, rows)
    model = build_model(rows, args)
    model_text = None
    if model:
        params, table = model
        model_text = write_model(study, params, table)
    pngs = []
    if _have_plot_libs():
        if any(r["selected"] for r in rows):
            pngs = plot_all(study, rows, *(model or (None, None)))
    else:
        warn("matplotlib/numpy not importable: no plots (Debian: apt-get install python3-matplotlib "
             "python3-numpy, then run `report` again)")

    # Table
    nrep = max(r["rep"] for r in rows)
    log("")
    log(f"study {study}")
    log(f"kept run per point: {'best (minimum time per step)' if pick == 'min' else 'median'} of up to "
        f"{nrep} repeat(s); speed-up and efficiency relative to each series' smallest point")
    hdr = (f"{'series':<10} {'point':>7} {'cores':>5} {'cells':>9} {'steps':>5} {'time/step [s]':>13} "
           f"{'speed-up':>8} {'effic.':>7} {'imbal.':>6} {'halo wait':>9}  note")
    log(hdr)
    log("-" * len(hdr))
    shown = set()
    for r in sorted(rows, key=lambda r: (r["series"] != "strong", r["series"], r["cores"], r["ranks"], r["rep"])):
        key = (r["series"], r["ranks"], r["threads"])
        if key in shown:
            continue
        grp = [q for q in rows if (q["series"], q["ranks"], q["threads"]) == key]
        keep = next((q for q in grp if q["selected"]), None)
        shown.add(key)
        q = keep or grp[0]
        notes = []
        if q["oversubscribed"]:
            notes.append("oversubscribed")
        bad = [g for g in grp if g["status"] != "ok"]
        if bad:
            notes.append(", ".join(sorted({g["status"] for g in bad})) + f" ({len(bad)}/{len(grp)} runs)")
        if keep and len(grp) > 1:
            tt = sorted(g["time_per_step"] for g in grp if g.get("time_per_step"))
            if len(tt) > 1:
                notes.append(f"spread {100 * (tt[-1] / tt[0] - 1):.0f}%")
        hw = None
        if keep and keep.get("halo_wait_mean") is not None and keep.get("steps"):
            hw = 100 * keep["halo_wait_mean"] / keep["steps"] / keep["time_per_step"]
        log(f"{q['series']:<10} {q['point']:>7} {q['cores']:>5} {q.get('cells') or '-':>9} "
            f"{q.get('steps') or '-':>5} {fmt_time(keep['time_per_step']) if keep else '-':>13} "
            f"{(format(keep['speedup'], '.2f') if keep and keep.get('speedup') else '-'):>8} "
            f"{(format(100 * keep['efficiency'], '.0f') + '%' if keep and keep.get('efficiency') else '-'):>7} "
            f"{(format(keep['load_imbalance'], '.2f') if keep and keep.get('load_imbalance') else '-'):>6} "
            f"{(format(hw, '.1f') + '%' if hw is not None else '-'):>9}  {'; '.join(notes)}")
    if model_text:
        log("")
        log(model_text.rstrip())
    log("")
    log(f"CSV:   {csv_path}")
    log(f"       {ranks_path}")
    if model_text:
        log(f"model: {study / 'model.txt'}, {study / 'model.csv'}")
    for p in pngs:
        log(f"PNG:   {p}")
    failed = [r for r in rows if r["status"].startswith("failed")]
    pending = [r for r in rows if r["status"] == "pending"]
    if pending:
        log(f"{len(pending)} run(s) without summary.json yet (queued or running?)")
    return 1 if failed else 0


# --------------------------------------------------------------------------------------------------
# Command line


def add_run_options(p, kind):
    p.add_argument("--case", default=None, help=f"case file (default {QUICK['case']})")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="case override for every run (repeatable)")
    p.add_argument("--points", default=None, help="RANKSxTHREADS list, e.g. 1x1,2x1,4x1,1x2 (default %s)"
                   % (QUICK["weak_points"] if kind == "weak" else QUICK["strong_points"]))
    if kind == "quick":
        p.add_argument("--weak-points", default=None,
                       help=f"points of the weak series (default {QUICK['weak_points']})")
    if kind in ("strong", "quick"):
        p.add_argument("--nx", type=int, help="mesh.nx (default: the case's; quick: %d)" % QUICK["nx"])
        p.add_argument("--ny", type=int, help="mesh.ny (default: the case's; quick: %d)" % QUICK["ny"])
        p.add_argument("--cells", type=int, help="total cells instead of --nx/--ny (case aspect ratio kept)")
    if kind in ("weak", "quick"):
        p.add_argument("--cells-per-core", type=int, default=None,
                       help=f"cells per core (default {QUICK['cells_per_core']})")
    p.add_argument("--steps", type=int, default=None,
                   help=f"time steps per run (time.max_steps; default {QUICK['steps']})")
    if kind != "quick":
        p.add_argument("--label", help=f"series name (default '{kind}'); runs go to STUDY/runs/LABEL/RxT/repK")
    p.add_argument("--gasket-arg", action="append", metavar="ARG", help="extra argument for gasket run (repeatable)")
    add_common(p)


def add_common(p):
    g = p.add_argument_group("study and execution")
    g.add_argument("--study", help="study directory (default output/scaling/NAME)")
    g.add_argument("--name", help="study name under output/scaling/ (default: a timestamp)")
    g.add_argument("--repeat", type=int, default=None, help="runs per point (default 1)")
    g.add_argument("--pick", choices=["min", "median"], default=None,
                   help="which repeat a point keeps: min (best, default) or median")
    g.add_argument("--bind", choices=["auto", "none", "core", "pe"], help="binding for jobs/mpirun.sh")
    g.add_argument("--timeout", type=float, help="seconds before a local run is stopped")
    g.add_argument("--keep-h5", action="store_true", help="keep the runs' HDF5 output (deleted by default)")
    g.add_argument("--force", action="store_true", help="rerun points that already have a summary.json")
    g.add_argument("--dry-run", action="store_true", help="print the commands only")
    g.add_argument("--no-report", action="store_true", help="do not collect/plot at the end")
    s = p.add_argument_group("Slurm")
    s.add_argument("--slurm", action="store_true", help="submit one sbatch job per point and repeat instead of "
                   "running locally (jobs/slurm/scaling_point.sbatch)")
    s.add_argument("--time", default="00:20:00", help="--time of each job (default 00:20:00)")
    s.add_argument("--sbatch-arg", action="append", metavar="ARG",
                   help="extra sbatch argument, e.g. --sbatch-arg=--partition=compute (repeatable)")
    s.add_argument("--report-job", action="store_true",
                   help="also submit a job that runs `report` once all points are done")
    add_model_options(p)


def add_model_options(p):
    m = p.add_argument_group("model (how it is built: scaling.py --help)")
    m.add_argument("--alpha", type=float, default=2e-6, help="latency per message [s] (default 2e-6)")
    m.add_argument("--beta", type=float, default=10e9, help="bandwidth per rank [B/s] (default 10e9)")
    m.add_argument("--model-ranks", default="64,1024", help="rank counts to model (default 64,1024)")
    m.add_argument("--model-cells", default="", help="extra mesh sizes to model, e.g. 4000000,64000000")
    m.add_argument("--model-series", help="strong series to model (default: the first)")
    m.add_argument("--neighbours", type=int, help="neighbour ranks per rank (default: measured at >= 16 ranks, "
                   "else 8 in 2D)")
    m.add_argument("--imbalance", type=float, help="load imbalance max/mean (default: measured)")


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--quick" in argv:
        argv.remove("--quick")
        argv.insert(0, "quick")
    if not argv:
        argv = ["--help"]
    if not any(a in ("-h", "--help", "--dry-run") for a in argv):
        _maybe_reexec()

    ap = argparse.ArgumentParser(prog="scaling.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", metavar="{strong,weak,quick,report}")
    add_run_options(sub.add_parser("strong", help="strong scaling series (fixed mesh)"), "strong")
    add_run_options(sub.add_parser("weak", help="weak scaling series (fixed cells per core)"), "weak")
    add_run_options(sub.add_parser("quick", help="the make-scaling preset (same as --quick)"), "quick")
    rp = sub.add_parser("report", help="collect, plot, model, print the table")
    rp.add_argument("study", help="study directory")
    rp.add_argument("--pick", choices=["min", "median"], default=None,
                    help="which repeat a point keeps (default: as recorded in study.json, else min)")
    add_model_options(rp)
    args = ap.parse_args(argv)
    if args.cmd is None:
        ap.print_help()
        return 2

    if args.cmd == "report":
        return report(args.study, args)

    args.case = args.case or QUICK["case"]
    args.repeat = args.repeat or 1
    args.pick = args.pick or "min"
    args.steps = args.steps or QUICK["steps"]
    args.points = args.points or (QUICK["weak_points"] if args.cmd == "weak" else QUICK["strong_points"])
    if args.cmd in ("weak", "quick"):
        args.cells_per_core = args.cells_per_core or QUICK["cells_per_core"]

    if args.cmd == "quick":
        if not args.study and not args.name:
            args.name = "quick-" + _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        if not (args.nx or args.ny or args.cells):
            args.nx, args.ny = QUICK["nx"], QUICK["ny"]
        weak_points = args.weak_points or QUICK["weak_points"]
        study = study_dir(args)
        log(f"quick scaling study on {socket.gethostname()} ({physical_cores()} cores): strong {args.points} "
            f"at {args.cells or f'{args.nx}x{args.ny}'} cells, weak {weak_points} at {args.cells_per_core} "
            f"cells/core, {args.steps} steps per run")
        args.label = None
        failed = run_series(args, "strong", study)
        wargs = argparse.Namespace(**vars(args))
        wargs.points = weak_points
        failed += run_series(wargs, "weak", study)
        if not args.dry_run and study.parent.name == "scaling":
            latest = study.parent / "latest"
            try:
                if latest.is_symlink():
                    latest.unlink()
                if not latest.exists():
                    latest.symlink_to(study.name)
            except OSError:
                pass
    else:
        study = study_dir(args)
        failed = run_series(args, args.cmd, study)
    if args.dry_run or args.slurm or args.no_report:
        return 0
    rc = report(study, args)
    if failed:
        log(f"{failed} run(s) failed: see their run.log (the table marks them)")
    return 1 if failed else rc


if __name__ == "__main__":
    sys.exit(main())
