#!/usr/bin/env bash
# aot-train.sh DIST - builds DIST/lib/dso.aot, the JDK's AOT cache of the CLI (JDK 25+), at package
# time: picocli's class files made cacheable (ModernClassFiles.java), then one training run of
# the one-shot commands (io.dso.cli.AotTraining) with the launcher's own
# JVM flags and class path, so that bin/dso finds the classes already parsed and linked.
# Never fails the build: without a JDK 25, or when training fails, there is simply no cache and
# bin/dso starts as before. DSO_NO_AOT=1 skips it.
set -uo pipefail
DSO_DIST=$(cd "$1" && pwd)
cache="$DSO_DIST/lib/dso.aot"
rm -f "$cache" "$cache.jvm"
[ -z "${DSO_NO_AOT:-}" ] || { echo "[aot] DSO_NO_AOT set: no AOT cache"; exit 0; }
. "$DSO_DIST/bin/find-java"
dso_find_java || exit 0
dso_java_probe "$DSO_JAVA"
if [ "${_dso_major:-0}" -lt 25 ] 2>/dev/null; then
  echo "[aot] Java $_dso_major at $DSO_JAVA_HOME has no AOT cache (JDK 25+): bin/dso runs without one"
  exit 0
fi
# picocli ships Java 5 class files, which the AOT cache cannot hold (nor our classes that implement
# its interfaces): rewrite them as Java 8 class files first, code unchanged. On failure the jar
# stays as it was and the cache simply holds less.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$DSO_JAVA" "$here/ModernClassFiles.java" "$DSO_DIST"/lib/picocli-*.jar ||
  echo "[aot] WARNING: picocli's class files were not rewritten; the CLI starts slower" >&2
. "$DSO_DIST/bin/jvm-options"
DSO_NO_AOT=1 dso_jvm_options
# An empty home and runtime dir, and a socket nobody listens on: the client commands take their
# "no agent" paths, the vault commands work on a throwaway vault made for the run, and nothing of
# this machine's is read or changed.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
log="$DSO_DIST/lib/dso.aot.log"
start=$(date +%s)
if (cd "$scratch" && unset DSO_MASTER_KEY && HOME="$scratch" DSO_HOME="$scratch/.dso" XDG_RUNTIME_DIR="$scratch" DSO_SOCKET="$scratch/none.sock" DOCKER_CONFIG="$scratch/docker" \
    DOCKER_HOST="unix://$scratch/none-docker.sock" \
    timeout 300 "$DSO_JAVA" "${DSO_JVM_FLAGS[@]}" "-XX:AOTCacheOutput=$cache" -Ddso.home="$DSO_DIST" -cp "$DSO_CP" \
      io.dso.cli.AotTraining "$DSO_DIST"/examples/*/dso.yaml) </dev/null >"$log" 2>&1 && [ -s "$cache" ]; then
  echo "$DSO_JAVA_ID" >"$cache.jvm"
  echo "[aot] built $cache ($(( $(stat -c %s "$cache") / 1048576 )) MiB, $(( $(date +%s) - start ))s) for $DSO_JAVA_ID"
  rm -f "$log"
else
  rm -f "$cache" "$cache.jvm"
  echo "[aot] WARNING: training run failed, bin/dso runs without an AOT cache; see $log" >&2
fi
exit 0
