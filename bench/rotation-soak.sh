#!/usr/bin/env bash
# bench/rotation-soak.sh [ROTATIONS] - the full rotation soak: ten containers (env and file secrets,
# rolling and restart, HEALTHCHECK images and images with an anonymous VOLUME /data holding a marker)
# on a PRIVATE Docker daemon of its own (scripts/test-rig.sh in /tmp/dso-soak-rig-<run>; the shared test
# rig is never restarted), served by the real agent while a seeded driver changes secrets, kills the
# agent at random moments (SIGTERM or SIGKILL) and restarts the private daemon; ROTATIONS (default 200)
# container rotations are performed. Prints the figures (rotations attempted/performed/rolled back, time
# to converge after each fault: median/p95/max, audit record counts) and the final checks (one running
# container per service with the newest value, volume markers intact, audit records match the
# rotations Docker shows, no value leaked, no journal left); exits 1 when a check failed.
#
# Settings (environment): DSO_SOAK_SEED (replay a run), DSO_SOAK_KILLS (8), DSO_SOAK_RESTARTS (2),
# DSO_SOAK_CONVERGE_S (180, bound per convergence), DSO_SOAK_DRIVE_MIN (60, bound of the drive).
# Builds into $DSO_BENCH_BUILD_DIR (default /tmp/dso-soak-bench-build); the agent's logs and audit stay in
# $DSO_BENCH_BUILD_DIR/soak/run-<ms>/. Needs root (dockerd).
set -euo pipefail
BUILD=${DSO_BENCH_BUILD_DIR:-/tmp/dso-soak-bench-build}
opts=("-Ddso.soak.dir=$BUILD/soak" "-Ddso.soak.kills=${DSO_SOAK_KILLS:-8}" "-Ddso.soak.restarts=${DSO_SOAK_RESTARTS:-2}"
  "-Ddso.soak.converge_s=${DSO_SOAK_CONVERGE_S:-180}" "-Ddso.soak.drive_min=${DSO_SOAK_DRIVE_MIN:-60}")
[ -z "${DSO_SOAK_SEED:-}" ] || opts+=("-Ddso.soak.seed=$DSO_SOAK_SEED")
exec "$(dirname "$0")/run-bench.sh" "$BUILD" io.dso.e2e.RotationSoak "${1:-200}" "${opts[@]}"
