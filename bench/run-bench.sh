#!/usr/bin/env bash
# bench/run-bench.sh BUILD_DIR MAIN_CLASS [N] [java -D options...] - shared by the bench/*.sh scripts:
# builds dist/ and the test classes (mvn package, tests skipped) into BUILD_DIR, uses the test rig
# (scripts/test-rig.sh up; left running if it was already up or another run uses it, else stopped at
# the end) and runs MAIN_CLASS on the dso-dist test classpath with N (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
BUILD=$1 MAIN=$2 N=${3:-20}
shift $(( $# < 3 ? $# : 3 ))
. dso-dist/src/layout/bin/find-java
dso_find_java
export JAVA_HOME=$DSO_JAVA_HOME PATH="$DSO_JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
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

java -cp "$BUILD/dso-dist/test-classes:$(cat "$BUILD/cp.txt")" -Ddso.root="$root" "$@" "$MAIN" "$N" 9>&-
