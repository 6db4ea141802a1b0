#!/usr/bin/env bash
# bench/jmh.sh [--quick] [JMH args...] - JMH micro-benchmarks of the hot paths (dso-bench, built with
# -Pbench into target/bench, never by the test command): canonical hashing, cache lookup among 10,000
# secrets, /metrics exposition at 10,000 per-secret series (and with metrics.per_secret: false),
# audit record serialisation, redaction of a log line with 10,000 secrets remembered. Prints one
# table: median, p95 and min-max of the measurement iterations (average time per operation).
# --quick: 1 fork, 2x1 s warm-up, 5x1 s measurement (default: 2 forks, 3x2 s warm-up, 5x2 s).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. dso-dist/src/layout/bin/find-java
dso_find_java
export JAVA_HOME=$DSO_JAVA_HOME PATH="$DSO_JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
RUN=(-f 2 -wi 3 -w 2s -i 5 -r 2s)
if [ "${1:-}" = --quick ]; then RUN=(-f 1 -wi 2 -w 1s -i 5 -r 1s); shift; fi
BUILD=$root/target/bench
mkdir -p "$BUILD"
echo "[jmh] building dso-bench (mvn -Pbench package, tests skipped) into $BUILD ..." >&2
mvn -B -q -Pbench -Dmaven.test.skip=true "-Ddso.build.dir=$BUILD/\${project.artifactId}" -pl dso-bench -am \
  package dependency:build-classpath "-Dmdep.outputFile=$BUILD/cp.txt" >"$BUILD/build.log" 2>&1 ||
  { tail -n 40 "$BUILD/build.log" >&2; echo "[jmh] build failed: $BUILD/build.log" >&2; exit 1; }
CP="$BUILD/dso-bench/classes:$(cat "$BUILD/cp.txt")"
# bounded: every benchmark runs a fixed number of fixed-length iterations
timeout 1800 java -cp "$CP" org.openjdk.jmh.Main "${RUN[@]}" -rf json -rff "$BUILD/jmh.json" "$@" >"$BUILD/jmh.log" 2>&1 ||
  { tail -n 30 "$BUILD/jmh.log" >&2; echo "[jmh] run failed: $BUILD/jmh.log" >&2; exit 1; }
python3 - "$BUILD/jmh.json" <<'PY'
import json, sys, statistics
rows = json.load(open(sys.argv[1]))
print(f"{'benchmark':<52} {'unit':>6} {'median':>11} {'p95':>11} {'min':>11} {'max':>11}")
for r in rows:
    name = r["benchmark"].rsplit(".", 2)
    name = name[-2] + "." + name[-1]
    if r.get("params"):
        name += " " + ",".join(f"{k}={v}" for k, v in r["params"].items())
    raw = sorted(v for fork in r["primaryMetric"]["rawData"] for v in fork)
    p95 = raw[min(len(raw) - 1, int(round(0.95 * (len(raw) - 1))))]
    unit = r["primaryMetric"]["scoreUnit"]
    print(f"{name:<52} {unit:>6} {statistics.median(raw):>11.3f} {p95:>11.3f} {raw[0]:>11.3f} {raw[-1]:>11.3f}")
PY
