#!/usr/bin/env bash
# Launch one gasket run on RANKS MPI ranks with THREADS rayon threads each, on this machine (laptop,
# workstation, or an interactive allocation). Prints the full command before running it and exits with
# gasket's exit status (75 = interrupted by SIGUSR1/SIGTERM, checkpoint written; see jobs/README.md).
#
# Usage:
#   jobs/mpirun.sh [-n RANKS] [-t THREADS] [--bind auto|none|core|pe] [--dry-run] CASE.toml [gasket run args...]
#
# Examples:
#   jobs/mpirun.sh -n 4 -t 1 jobs/cases/riemann2d_a.toml -o output/r2d_4x1
#   jobs/mpirun.sh -n 2 -t 4 jobs/cases/double_mach.toml --set mesh.nx=1440 --set mesh.ny=480 -q
#   jobs/mpirun.sh -n 1 -t 2 jobs/cases/default.toml --restart output/default/checkpoint.h5
#
# Options:
#   -n, --ranks N     MPI ranks (default 1).
#   -t, --threads T   rayon threads per rank (default 1); passed to gasket as --threads T (unless the gasket
#                     arguments already carry --threads) and exported as RAYON_NUM_THREADS/OMP_NUM_THREADS.
#   --bind MODE       process binding (default auto):
#                       auto  one rank: --bind-to none (binding buys nothing; on a 2-core VM
#                             --map-by slot:PE=2 measured ~15% slower than none; and each mpirun binds
#                             from core 0, so one-rank jobs started side by side would all share core 0);
#                             T = 1, several ranks: one core per rank (--bind-to core);
#                             T > 1, several ranks (Open MPI): T cores per rank (--map-by slot:PE=T
#                             --bind-to core), so each rank's threads stay on its own cores;
#                             T > 1 (other MPIs) or RANKS*T > cores (oversubscribed): --bind-to none.
#                       If in doubt, time both `--bind pe` and `--bind none` on your machine. Several
#                       binding jobs at once on one machine overlap on the same cores: give them
#                       --bind none.
#                       none  never bind (safest with MPI + threads on a few cores, or when unsure);
#                       core  --bind-to core (each rank pinned to ONE core: only sensible with T = 1);
#                       pe    --map-by slot:PE=T --bind-to core (Open MPI).
#   --dry-run         print the command and exit.
#   -h, --help        this text.
#
# Environment:
#   GASKET        the gasket binary (default: <repo>/target/release/gasket).
#   MPIRUN        the MPI launcher (default: mpirun from PATH). Set MPIRUN=none to run without a launcher
#                 (one rank only), e.g. on a machine without MPI runtime.
#   MPIRUN_ARGS   extra launcher arguments, split on spaces, e.g. "--hostfile hosts --mca btl ^openib".
#
# Open MPI refuses to run as root and to start more ranks than cores unless told to; this script sets
# OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM)=1 when run as root and OMPI_MCA_rmaps_base_oversubscribe=1 when
# RANKS*THREADS exceeds the cores of this machine (such timings are not meaningful for scaling: the
# scaling driver marks them as oversubscribed).
#
# Inside a Slurm job, prefer `srun` (see jobs/slurm/run.sbatch): it gets the rank layout and binding from
# the allocation. Open MPI's mpirun also works inside an allocation, but with this script's core count
# taken from the first node only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

ranks=1
threads=1
bind=auto
dry=0
while [ $# -gt 0 ]; do
  case "$1" in
    -n|--ranks|-np) ranks="$2"; shift 2 ;;
    -t|--threads) threads="$2"; shift 2 ;;
    --bind) bind="$2"; shift 2 ;;
    --dry-run) dry=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    -*) echo "mpirun.sh: unknown option $1 (options for gasket go after CASE.toml)" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { usage >&2; exit 2; }
case_file="$1"; shift
for v in "$ranks" "$threads"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "mpirun.sh: ranks and threads must be positive integers (got '$v')" >&2; exit 2; }
done
case "$bind" in auto|none|core|pe) ;; *) echo "mpirun.sh: --bind must be auto, none, core or pe" >&2; exit 2 ;; esac

gasket="${GASKET:-$repo/target/release/gasket}"
if [ ! -x "$gasket" ] && [ $dry = 0 ]; then
  echo "mpirun.sh: $gasket not found; build it with 'make build' (or set GASKET=/path/to/gasket)" >&2
  exit 2
fi

# Physical cores of this machine (hardware threads of one core count once), for oversubscription.
cores="$(lscpu -p=SOCKET,CORE 2>/dev/null | grep -v '^#' | sort -u | wc -l || true)"
[ "${cores:-0}" -ge 1 ] 2>/dev/null || cores="$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null || echo 1)"
# Hardware threads usable by this process (cgroups, taskset): the effective limit if smaller.
avail="$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null || echo "$cores")"
[ "$avail" -lt "$cores" ] && cores="$avail"
total=$((ranks * threads))
oversub=0
[ "$total" -gt "$cores" ] && oversub=1

# gasket arguments: add --threads T unless the user gave one.
gargs=("$@")
has_threads=0
for a in "${gargs[@]+"${gargs[@]}"}"; do
  case "$a" in --threads|--threads=*) has_threads=1 ;; esac
done
[ $has_threads = 1 ] || gargs+=(--threads "$threads")
export RAYON_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads"

launcher="${MPIRUN:-mpirun}"
if [ "$launcher" != none ] && ! command -v "$launcher" >/dev/null 2>&1; then
  if [ "$ranks" = 1 ]; then
    echo "mpirun.sh: no '$launcher' found; running the single rank directly" >&2
    launcher=none
  else
    echo "mpirun.sh: no '$launcher' found (install openmpi-bin, or 'module load openmpi')" >&2
    exit 2
  fi
fi
if [ "$launcher" = none ]; then
  [ "$ranks" = 1 ] || { echo "mpirun.sh: MPIRUN=none runs one rank only" >&2; exit 2; }
  cmd=("$gasket" run "$case_file" "${gargs[@]}")
  echo "+ RAYON_NUM_THREADS=$threads ${cmd[*]}"
  [ $dry = 1 ] && exit 0
  exec "${cmd[@]}"
fi

# Which MPI? Open MPI and MPICH/Intel MPI (Hydra) spell binding differently.
flavour=other
ver="$("$launcher" --version 2>&1 || true)"
case "$ver" in
  *"Open MPI"*|*OpenRTE*|*"open-mpi"*) flavour=openmpi ;;
  *HYDRA*|*Hydra*|*"Intel(R) MPI"*) flavour=hydra ;;
esac

mpi=("$launcher" -n "$ranks")
why=""
if [ "$flavour" = openmpi ]; then
  if [ "$(id -u)" = 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  fi
  if [ $oversub = 1 ]; then
    export OMPI_MCA_rmaps_base_oversubscribe=1
  fi
  # Forward the thread settings to remote nodes too (local ranks inherit the environment anyway).
  mpi+=(-x RAYON_NUM_THREADS -x OMP_NUM_THREADS)
fi

mode="$bind"
if [ "$mode" = auto ]; then
  if [ $oversub = 1 ]; then
    mode=none; why="oversubscribed: $ranks x $threads > $cores cores"
  elif [ "$ranks" = 1 ]; then
    # Binding one process buys nothing, and every mpirun binds from core 0: two binding one-rank jobs
    # started side by side would share core 0 and leave the others idle.
    mode=none; why="one rank: nothing to keep apart"
  elif [ "$threads" = 1 ]; then
    mode=core; why="one thread per rank: one core each"
  elif [ "$flavour" = openmpi ]; then
    mode=pe; why="$threads threads per rank: $threads cores each"
  else
    mode=none; why="threads per rank > 1 with a non-Open MPI launcher"
  fi
fi
case "$mode:$flavour" in
  none:openmpi) mpi+=(--bind-to none) ;;
  core:openmpi) mpi+=(--map-by core --bind-to core) ;;
  pe:openmpi) mpi+=(--map-by "slot:PE=$threads" --bind-to core) ;;
  none:hydra) mpi+=(-bind-to none) ;;
  core:hydra) mpi+=(-bind-to core) ;;
  pe:hydra) mpi+=(-bind-to "core:$threads") ;;
  *) ;; # unknown launcher: no binding flags
esac
if [ "$mode" = core ] && [ "$threads" -gt 1 ]; then
  echo "mpirun.sh: warning: --bind core pins each rank to ONE core; its $threads threads will share it" >&2
fi
if [ -n "${MPIRUN_ARGS:-}" ]; then
  # shellcheck disable=SC2206
  extra=($MPIRUN_ARGS)
  mpi+=("${extra[@]}")
fi

cmd=("${mpi[@]}" "$gasket" run "$case_file" "${gargs[@]}")
echo "# $ranks rank(s) x $threads thread(s), binding: $mode${why:+ ($why)}, MPI: $flavour"
[ $oversub = 1 ] && echo "# note: $total cores requested, $cores available: oversubscribed, timings are not representative"
echo "+ ${cmd[*]}"
[ $dry = 1 ] && exit 0
# exec: signals sent to this script (Ctrl-C, SIGUSR1, SIGTERM) go straight to mpirun, which forwards
# SIGUSR1/SIGUSR2 to every rank and SIGTERM/SIGINT as a job kill. Exit status is mpirun's: the status
# of the first rank that failed, or 0.
exec "${cmd[@]}"
