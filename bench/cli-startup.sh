#!/usr/bin/env bash
# bench/cli-startup.sh [N] - start-up time of the CLI, without and with the AOT cache, side by side:
# N runs (default 20) of each one-shot command through the real launcher dist/bin/dso, wall clock
# median / p95 / min-max in ms, and the median CPU time (user + system) of the process, which a
# busy machine disturbs less than the wall clock; then the agent's start to /health and /ready
# (5 runs each way).
# Builds dist/ first when it is missing or stale (as ./dso does). Not part of ./run-tests: timings
# on a shared machine are noise for a test, a figure for a person.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
N=${1:-20}
dso="$root/dist/bin/dso"
./dso --version >/dev/null   # builds dist/ when needed
[ -f "$root/dist/lib/dso.aot" ] || echo "[bench] no dist/lib/dso.aot (JDK < 25 or training failed): both columns run without a cache" >&2
scratch=$(mktemp -d)
agent_pid=
cleanup() {
  if [ -n "$agent_pid" ]; then kill "$agent_pid" 2>/dev/null || true; wait "$agent_pid" 2>/dev/null || true; fi
  rm -rf "$scratch" "/dev/shm/dso-bench-$$"
}
trap cleanup EXIT
# the client commands find no agent and no vault here: that is the path measured
export HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/home" DSO_SOCKET="$scratch/none.sock"
mkdir -p "$HOME"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
stats() { # values... -> "median p95 min-max"
  local v n
  mapfile -t v < <(printf '%s\n' "$@" | sort -n)
  n=${#v[@]}
  printf '%5s %5s %5s-%-5s' "${v[$(( (n - 1) / 2 ))]}" "${v[$(( (n * 95 + 99) / 100 - 1 ))]}" "${v[0]}" "${v[$(( n - 1 ))]}"
}
time_runs() { # env-assignment command... -> N wall timings, then N CPU timings (ms)
  local i t wall=() cpu=() u s
  for (( i = 0; i < N; i++ )); do
    t=$(date +%s%N)
    /usr/bin/time -f '%U %S' -o "$scratch/cpu" env "$@" </dev/null >/dev/null 2>&1 || true
    wall+=("$(ms "$t")")
    read -r u s < <(tail -n 1 "$scratch/cpu")
    cpu+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%d", (u + s) * 1000 }')")
  done
  echo "${wall[*]}"
  echo "${cpu[*]}"
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

commands=("version" "--help" "validate -c examples/quickstart/dso.yaml" "validate --json -c examples/quickstart/dso.yaml")
listed=$("$dso" --help)
for extra in "status" "secret get bench/none" "fetch bench/none"; do
  # only commands this build has (others arrive with their own work)
  grep -qE "^  ${extra%% *} " <<<"$listed" && commands+=("$extra")
done

echo "dso CLI start-up, $N runs each, ms (load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs)"
printf '%-52s | %-31s | %-31s\n' "command" "without AOT cache" "with AOT cache"
printf '%-52s | %-31s | %-31s\n' "" "median   p95   min-max    cpu" "median   p95   min-max    cpu"
for c in "${commands[@]}"; do
  # shellcheck disable=SC2086
  { read -ra without; read -ra without_cpu; } < <(time_runs DSO_NO_AOT=1 "$dso" $c)
  # shellcheck disable=SC2086
  { read -ra with; read -ra with_cpu; } < <(time_runs "$dso" $c)
  printf '%-52s | %s %5s | %s %5s\n' "dso $c" "$(stats "${without[@]}")" "$(median "${without_cpu[@]}")" \
    "$(stats "${with[@]}")" "$(median "${with_cpu[@]}")"
done

# Agent: a small local config; /health answers once the HTTP API is up, /ready once Docker answers too.
[ -f /tmp/dso-test-rig/env ] && . /tmp/dso-test-rig/env
cat >"$scratch/secrets.json" <<'JSON'
{"bench/app": {"TOKEN": "bench-not-a-secret"}}
JSON
cat >"$scratch/dso.yaml" <<'YAML'
providers:
  local: {type: local, config: {path: secrets.json}}
secrets:
  - name: bench/app
    inject: env
YAML
port=$(( 20000 + $$ % 20000 ))
agent_start() { # DSO_NO_AOT value, endpoint -> ms to 200, or "-" after 20 s
  local t deadline code
  rm -rf "$scratch/state"
  t=$(date +%s%N)
  env ${1:+DSO_NO_AOT=1} "$dso" agent -c "$scratch/dso.yaml" -metrics-port 0 --api-addr "127.0.0.1:$port" \
    --audit-log "$scratch/audit.log" --state-dir "$scratch/state" --secrets-dir "/dev/shm/dso-bench-$$" \
    >"$scratch/agent.out" 2>"$scratch/agent.err" &
  agent_pid=$!
  deadline=$(( $(date +%s) + 20 ))
  code=000
  while [ "$(date +%s)" -lt "$deadline" ] && kill -0 "$agent_pid" 2>/dev/null; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port$2" 2>/dev/null || true)
    [ "$code" = 200 ] && break
    sleep 0.02
  done
  [ "$code" = 200 ] && ms "$t" || echo "-"
  kill "$agent_pid" 2>/dev/null || true
  wait "$agent_pid" 2>/dev/null || true
  agent_pid=
}
echo
echo "agent start (dso agent, small local config) until the endpoint answers 200, 5 runs, ms"
for ep in /health /ready; do
  a=() b=()
  for i in 1 2 3 4 5; do a+=("$(agent_start 1 "$ep")"); b+=("$(agent_start "" "$ep")"); done
  if [[ " ${a[*]} ${b[*]} " == *" - "* ]]; then
    printf '%-52s | %-31s | %-31s\n' "dso agent -> $ep" "${a[*]}" "${b[*]}"
    echo "  ('-': no 200 within 20 s; /ready needs Docker: DOCKER_HOST=${DOCKER_HOST:-unset}; agent stderr: $(tail -n 1 "$scratch/agent.err"))"
  else
    printf '%-52s | %s       | %s\n' "dso agent -> $ep" "$(stats "${a[@]}")" "$(stats "${b[@]}")"
  fi
done
