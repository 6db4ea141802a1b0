#!/usr/bin/env bash
# bench/inject-latency.sh [N] - time from a secret change to (a) the new content visible inside a
# file-mode container and (b) the env-mode container recreated and running with the new value, with
# the real agent (polling 1 s), median and p95 of N (default 20), beside N bare docker create+start
# of the same image. Needs root (the test rig's dockerd); prints the figures on stdout.
#
# Builds dist/ and the test classes (mvn package, tests skipped) into $DSO_BENCH_BUILD_DIR
# (default /tmp/dso-bench-build), uses the test rig (scripts/test-rig.sh up; left running if it was
# already up or another run uses it, else stopped at the end), and runs io.dso.bench.InjectLatencyBench
# on the dso-dist test classpath.
set -euo pipefail
BUILD=${DSO_BENCH_BUILD_DIR:-/tmp/dso-bench-build}
exec "$(dirname "$0")/run-bench.sh" "$BUILD" io.dso.bench.InjectLatencyBench "${1:-20}"
