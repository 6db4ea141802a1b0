#!/usr/bin/env bash
# bench/rotation-latency.sh [N] - webhook-to-rotated latency of a rolling rotation with the real agent
# (watch mode event, HEALTHCHECK image dso-test/busybox-hc:1, env injection), side by side in one run
# with the Docker floor (bare docker-java create + start until healthy, same image and flags) and with
# `docker-compose up -d --force-recreate` of the same service; N samples of each (default 20),
# interleaved round-robin. Prints median, p95, min, max, the ratios to the floor and a per-step
# breakdown of the rolling rotation (audit records + Docker events). Needs root (the test rig's
# dockerd) and docker-compose 1.29; prints the figures on stdout, progress on stderr.
#
# Builds dist/ and the test classes (mvn package, tests skipped) into $DSO_BENCH_BUILD_DIR
# (default /tmp/dso-rotation-bench-build), uses the test rig (scripts/test-rig.sh up; left running if
# it was already up or another run uses it, else stopped at the end), and runs
# io.dso.bench.RotationLatencyBench on the dso-dist test classpath. The agent's logs and audit are
# kept in $DSO_BENCH_BUILD_DIR/rotation-latency-<tag>/.
set -euo pipefail
BUILD=${DSO_BENCH_BUILD_DIR:-/tmp/dso-rotation-bench-build}
exec "$(dirname "$0")/run-bench.sh" "$BUILD" io.dso.bench.RotationLatencyBench "${1:-20}" "-Ddso.bench.keep=$BUILD"
