#!/usr/bin/env bash
# bench/agent-memory.sh [--secrets N] [--settle S] [--runs R] [FLAGS...] - RSS, heap after GC and
# threads and /metrics scrape median of the agent on the quick start and on an N-secret (default 10000) local config, once per
# JVM flag set (each a quoted string; default: the candidates compared in bench/RESULTS.md).
# Uses dist/ (built by ./dso when stale); no Docker (an unused socket path): container work pauses,
# fetching, caching and metrics run as usual. Each run waits until every secret is held, then S
# seconds (default 20) of steady polling, then measures. Bounded: 400 s per start, R runs per set.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
N=10000 SETTLE=20 RUNS=1
while [ $# -gt 0 ]; do
  case $1 in
    --secrets) N=$2; shift 2 ;;
    --settle) SETTLE=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    *) break ;;
  esac
done
if [ $# -eq 0 ]; then
  set -- "-XX:+UseSerialGC -XX:MaxRAMPercentage=25 -XX:TieredStopAtLevel=1" \
         "-XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1" \
         "-XX:+UseG1GC -Xmx96m -XX:TieredStopAtLevel=1" \
         "-XX:+UseSerialGC -Xms16m -Xmx96m -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=128m"
fi
./dso version >/dev/null # builds dist/ when stale
# a private copy: a build of dist/ during the run (tests) must not swap jars under a running agent
work=$(mktemp -d /tmp/dso-bench-mem.XXXXXX)
cp -r dist "$work/dist"
. dso-dist/src/layout/bin/find-java
dso_find_java
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# an N-secret local config, 30 s polling (values are benchmark fillers, not secrets)
python3 - "$work" "$N" <<'PY'
import json, sys
d, n = sys.argv[1], int(sys.argv[2])
json.dump({f"bench/s{i:05d}": {"USER": f"u{i}", "PASSWORD": f"bench-filler-{i:08d}"} for i in range(n)}, open(f"{d}/secrets.json", "w"))
with open(f"{d}/dso.yaml", "w") as f:
    f.write("providers:\n  local:\n    type: local\n    config:\n      path: secrets.json\n"
            "agent:\n  watch:\n    mode: polling\n    polling_interval: 30s\nsecrets:\n")
    for i in range(n):
        f.write(f"  - name: bench/s{i:05d}\n    rotation: true\n")
PY

port=19390
measure() { # config expected flags -> "rss_mb heap_mb threads held_s"
  local cfg=$1 want=$2 flags=$3 t0 held= i
  port=$((port + 1))
  t0=$(date +%s%N)
  # the JVM directly (not dist/bin/dso): only the flags under test, none of the launcher's
  # shellcheck disable=SC2086
  "$DSO_JAVA" $flags -Ddso.home="$work/dist" -cp "$work/dist/lib/*" io.dso.cli.Main agent -c "$cfg" --metrics-port "$port" --api-addr "127.0.0.1:$((port + 100))" \
    --state-dir "$work/state" --secrets-dir /dev/shm/dso-bench-mem-$$ --audit-log "$work/audit.log" \
    --docker-host "unix://$work/no-docker.sock" >"$work/out.log" 2>"$work/err.log" &
  pid=$!
  for i in $(seq 1 4000); do
    n=$(curl -fsS "http://127.0.0.1:$port/metrics" 2>/dev/null | awk '$1=="dso_active_secrets"{print int($2)}' || true)
    if [ "${n:-0}" -ge "$want" ]; then held=$(( ($(date +%s%N) - t0) / 1000000 )); break; fi
    kill -0 "$pid" 2>/dev/null || { tail -5 "$work/err.log" >&2; return 1; }
    sleep 0.1
  done
  sleep "$SETTLE"
  local jpid scrape
  jpid=$pid
  # /metrics scrape: median of 20 (bounded: 10 s each)
  scrape=$(for _ in $(seq 1 20); do curl -fsS -o /dev/null -m 10 -w '%{time_total}\n' "http://127.0.0.1:$port/metrics"; done |
    sort -n | awk '{v[NR]=$1} END {printf "%.0f", v[int((NR+1)/2)]*1000}')
  local rss threads heap
  rss=$(awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$jpid/status")
  threads=$(awk '/Threads/{print $2}' "/proc/$jpid/status")
  "$DSO_JAVA_HOME/bin/jcmd" "$jpid" GC.run >/dev/null 2>&1 || true
  heap=$("$DSO_JAVA_HOME/bin/jcmd" "$jpid" GC.heap_info 2>/dev/null | awk '
    /^ *(DefNew|Tenured|def new generation|tenured generation|garbage-first heap).*used [0-9]+K/ { for (i=1;i<=NF;i++) if ($i=="used") { v=$(i+1); sub("K,?","",v); s+=v } }
    END { printf "%.0f", s/1024 }')
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  echo "$rss $heap $threads ${held:-timeout} $scrape"
}

printf '%-92s | %-10s | %7s | %13s | %7s | %8s | %9s\n' "flags" "config" "RSS MB" "heap MB (GC)" "threads" "held ms" "scrape ms"
for flags in "$@"; do
  for cfg in "$root/examples/quickstart/dso.yaml:2:quickstart" "$work/dso.yaml:$N:${N}-local"; do
    IFS=: read -r file want label <<<"$cfg"
    for r in $(seq 1 "$RUNS"); do
      read -r rss heap threads held scrape < <(measure "$file" "$want" "$flags")
      printf '%-92s | %-10s | %7s | %13s | %7s | %8s | %9s\n' "$flags" "$label" "$rss" "$heap" "$threads" "$held" "$scrape"
    done
  done
done
