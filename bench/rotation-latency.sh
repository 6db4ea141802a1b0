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
cd "$(dirname "$0")/.."
root=$PWD
. dso-dist/src/layout/bin/find-java
dso_find_java
export JAVA_HOME=$DSO_JAVA_HOME PATH="$DSO_JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
BUILD=${DSO_BENCH_BUILD_DIR:-/tmp/dso-rotation-bench-build}
mkdir -p "$BUILD"

echo "[bench] building (mvn package, tests skipped) into $BUILD ..." >&2
# one reactor run: the modules resolve each other from this build, and the last module written,
# dso-dist, leaves its test classpath in cp.txt
mvn -B -q -DskipTests "-Ddso.build.dir=$BUILD/\${project.artifactId}" -pl dso-dist -am \
  package dependency:build-classpath -Dmdep.includeScope=test "-Dmdep.outputFile=$BUILD/cp.txt" >"$BUILD/build.log" 2>&1 ||
  { tail -n 40 "$BUILD/build.log" >&2; echo "[bench] build failed: $BUILD/build.log" >&2; exit 1; }

# the rig: a shared lock on the users lock keeps a finishing ./run-tests from stopping it under us
D=${DSO_TEST_RIG_DIR:-/tmp/dso-test-rig}
exec 9>>"$D.users.lock"
flock -s 9
started=
if ! scripts/test-rig.sh env >/dev/null 2>&1 9>&-; then
  scripts/test-rig.sh up >&2 9>&-
  started=1
fi
. "$D/env"
export DOCKER_HOST DSO_TEST_RIG=1
finish() {
  local rc=$?
  if [ -n "$started" ] && [ -z "${DSO_TEST_RIG_KEEP:-}" ] && flock -n -x 9; then
    scripts/test-rig.sh down >&2 9>&- || true
  fi
  exit "$rc"
}
trap finish EXIT

java -cp "$BUILD/dso-dist/test-classes:$(cat "$BUILD/cp.txt")" -Ddso.root="$root" "-Ddso.bench.keep=$BUILD" \
  io.dso.bench.RotationLatencyBench "${1:-20}" 9>&-
