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
cd "$(dirname "$0")/.."
root=$PWD
. dso-dist/src/layout/bin/find-java
dso_find_java
export JAVA_HOME=$DSO_JAVA_HOME PATH="$DSO_JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
BUILD=${DSO_BENCH_BUILD_DIR:-/tmp/dso-bench-build}
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

java -cp "$BUILD/dso-dist/test-classes:$(cat "$BUILD/cp.txt")" -Ddso.root="$root" \
  io.dso.bench.InjectLatencyBench "${1:-20}" 9>&-
