#!/usr/bin/env bash
# Runs shipped cases at their own (the paper's) resolution and draws the pictures of docs/validation.md into docs/img/.
# Usage: jobs/run_cases.sh [--scheme KIND] [--degree P] [case[+key=value...] ...]
#   default: every case with its own scheme (long: tens of minutes on two cores). With --scheme (and --degree for
#   cpr) every case runs with that scheme instead; outputs and pictures get the tag -KIND (-cprP), and the
#   fraction of troubled elements of the runs that wrote troubled.csv is drawn to docs/img/troubled-TAG.png.
#   A case may carry overrides: double_mach_tri+mesh.nx=120+mesh.ny=40.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/gasket
[ -x "$bin" ] || cargo build --release
make -s meshes
mkdir -p docs/img
scheme="" degree=""
while [ $# -gt 0 ]; do
  case "$1" in
    --scheme) scheme="$2"; shift 2 ;;
    --degree) degree="$2"; shift 2 ;;
    *) break ;;
  esac
done
tag="" sets=()
if [ -n "$scheme" ]; then
  tag="-$scheme$degree"
  sets+=(--set "scheme.kind=\"$scheme\"")
  [ -z "$degree" ] || sets+=(--set "scheme.degree=$degree")
fi
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(sod lax shu_osher blast_wave riemann2d_a riemann2d_b double_mach sod_tri double_mach_tri forward_step_tri shock_vortex_tri)
troubled=()
for spec in "${cases[@]}"; do
  IFS=+ read -r -a parts <<< "$spec"
  c="${parts[0]}"
  extra=()
  for kv in "${parts[@]:1}"; do extra+=(--set "$kv"); done
  out="output/$c$tag"
  echo "== $c$tag"
  "$bin" run "jobs/cases/$c.toml" "${sets[@]}" "${extra[@]}" --output "$out"
  "$bin" plot "$out/final.h5" --field density -o "docs/img/$c$tag-density.png"
  [ ! -f "$out/troubled.csv" ] || troubled+=("$out:$c")
done
if [ ${#troubled[@]} -gt 0 ] && [ -n "$tag" ]; then
  "${PYTHON:-python3}" jobs/validation/troubled.py "${troubled[@]}" --png "docs/img/troubled$tag.png"
fi
