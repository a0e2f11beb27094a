#!/usr/bin/env bash
# Runs every shipped case at its own (the paper's) resolution and draws the pictures of docs/validation.md into docs/img/.
# Usage: jobs/run_cases.sh [case ...]   (default: all; long — tens of minutes on two cores)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/gasket
[ -x "$bin" ] || cargo build --release
make -s meshes
mkdir -p docs/img
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(sod lax shu_osher blast_wave riemann2d_a riemann2d_b double_mach sod_tri double_mach_tri forward_step_tri shock_vortex_tri)
for c in "${cases[@]}"; do
  echo "== $c"
  "$bin" run "jobs/cases/$c.toml" --output "output/$c"
  "$bin" plot "output/$c/final.h5" --field density -o "docs/img/$c-density.png"
done
