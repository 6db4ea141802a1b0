#!/usr/bin/env bash
# test-rig.sh [up|down|env] - the project's test rig: Debian packages, a private loopback-only dockerd
# (no bridge, no iptables, own socket/data/exec root/containerd namespace) and three registry-free
# busybox images. Idempotent; prints per-step timings.
#
#   scripts/test-rig.sh up      start (or re-use) the rig, then:  . /tmp/dso-test-rig/env
#   scripts/test-rig.sh env     print the env file (DOCKER_HOST, DSO_NETNS_EXEC, ...) of a running rig
#   scripts/test-rig.sh down    stop ONLY the dockerd this rig started (by pid), unmount its leftovers;
#                               images stay for a warm restart (DSO_TEST_RIG_PURGE=1 deletes the state dir)
#
# Settings (environment): DSO_TEST_RIG_DIR (default /tmp/dso-test-rig), DSO_TEST_RIG_NETNS
# (auto|host|private; auto = private only when a foreign dockerd owns docker0), DSO_TEST_RIG_WAIT_S (60).
set -euo pipefail

D=${DSO_TEST_RIG_DIR:-/tmp/dso-test-rig}
SOCK=$D/docker.sock
export DOCKER_HOST=unix://$SOCK
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
NETNS=${DSO_TEST_RIG_NETNS:-auto}
WAIT_S=${DSO_TEST_RIG_WAIT_S:-60}
IMG=dso-test/busybox:1                # docker import of busybox-static, CMD /bin/sh
IMG_HC=dso-test/busybox-hc:1          # + HEALTHCHECK: httpd on 127.0.0.1:8080, healthy in about 1 s
IMG_BAD=dso-test/busybox-unhealthy:1  # + HEALTHCHECK that always fails (interval 1s, retries 1)
APPLETS="sh ash sleep cat env kill httpd wget nc ls mkdir echo grep stat df mount umount head tail wc
  sha256sum date touch mv rm id printf test [ true false ps sed awk cp chmod chown ln pwd tr cut sort
  uniq seq timeout xargs find readlink tee basename dirname hostname whoami rmdir du ip"

now() { date +%s%N; }
T0=$(now)
t_begin() { _T=$(now); }
t_end() { awk -v a="$_T" -v b="$(now)" -v s="$1" 'BEGIN{printf "[test-rig] %-60s %7.2fs\n", s, (b-a)/1e9}'; }
log() { echo "[test-rig] $*"; }
die() { echo "[test-rig] ERROR: $*" >&2; exit 1; }
alive() { local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [ "$st" != Z ]; }
ours() { # pid from our pidfile, only if it still is a dockerd (pids get reused)
  local p; p=$(cat "$D/dockerd.pid" 2>/dev/null || true)
  [ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = dockerd ] && echo "$p"
}
docker_ok() { timeout 10 docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }
# mounts a dead/stopped dockerd left under $D (nsfs of exec-root/netns/*, overlays, shm)
umount_leftovers() { { grep -o " $D/[^ ]*" /proc/mounts || true; } | sort -r | xargs -r -n1 umount -l; }

cmd=${1:-up}
case "$cmd" in
  up|down|env) ;;
  *) echo "usage: $0 up|down|env" >&2; exit 2 ;;
esac

if [ "$cmd" = env ]; then
  [ -s "$D/env" ] && docker_ok || die "the rig is not up (no daemon on $SOCK): run $0 up"
  cat "$D/env"; exit 0
fi

if [ "$cmd" = down ]; then
  t_begin
  pid=$(ours || true)
  if [ -n "$pid" ]; then
    ids=$(docker ps -aq 2>/dev/null || true)   # containers of OUR daemon only (DOCKER_HOST is ours)
    [ -z "$ids" ] || timeout 60 docker rm -f $ids >/dev/null 2>&1 || true
    kill -TERM "$pid"                          # its managed containerd child exits with it
    for _ in $(seq 150); do alive "$pid" || break; sleep 0.2; done
    ! alive "$pid" || die "dockerd $pid still running 30s after SIGTERM (log: $D/dockerd.log)"
  fi
  rm -f "$D/dockerd.pid" "$D/env"
  umount_leftovers
  [ -z "${DSO_TEST_RIG_PURGE:-}" ] || rm -rf "$D"
  t_end "down (dockerd ${pid:-none was running})"; exit 0
fi

mkdir -p "$D"

# 1. Debian packages; apt-get update only when something is missing; no service may start meanwhile
t_begin
missing=()
for p in docker.io docker-compose prometheus busybox-static; do
  dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done
if ((${#missing[@]})); then
  [ "$(id -u)" = 0 ] || die "missing packages ${missing[*]}: run as root or install them first"
  log "installing: ${missing[*]}"
  rm_policy=  # the prometheus/docker init scripts would start services (prometheus on 0.0.0.0:9090)
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; rm_policy=1
  fi
  rc=0
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >"$D/apt.log" 2>&1 || rc=$?
  [ -z "$rm_policy" ] || rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || { tail -n 30 "$D/apt.log" >&2; die "apt-get failed (rc=$rc), log: $D/apt.log"; }
fi
t_end "packages (installed: ${missing[*]:-nothing})"

# 2. private dockerd on $SOCK
t_begin
if docker_ok; then
  log "dockerd already answers on $SOCK"
else
  if [ "$NETNS" = auto ]; then
    # dockerd --bridge=none DELETES any link named docker0 in its netns at start-up: if a foreign
    # dockerd owns docker0, run ours in a private netns (only its own lo) instead.
    NETNS=host
    if ip link show docker0 >/dev/null 2>&1; then
      for p in $(pgrep -x dockerd || true); do ! alive "$p" || NETNS=private; done
    fi
  fi
  if [ -s "$D/dockerd.pid" ]; then
    old=$(ours || true)
    [ -z "$old" ] || ! alive "$old" ||
      { tail -n 40 "$D/dockerd.log" >&2; die "our dockerd pid $old is alive but does not answer on $SOCK"; }
    rm -f "$D/dockerd.pid"
  fi
  rm -f "$D/env" "$SOCK"
  umount_leftovers
  pre=()
  [ "$NETNS" = host ] || pre=(unshare --net -- sh -c 'ip link set lo up && exec "$@"' dso-rig-netns)
  # no fork in setsid/unshare/sh (all exec) -> $! is dockerd's own pid
  setsid "${pre[@]}" dockerd --host "unix://$SOCK" --data-root "$D/data" --exec-root "$D/exec" \
    --pidfile "$D/dockerd.pid" --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
    --containerd-namespace dso-rig --containerd-plugins-namespace dso-rig-plugins \
    >"$D/dockerd.log" 2>&1 </dev/null &
  pid=$!
  deadline=$(( $(date +%s) + WAIT_S ))
  until docker_ok; do
    alive "$pid" || { tail -n 40 "$D/dockerd.log" >&2; die "dockerd (pid $pid) exited, log: $D/dockerd.log"; }
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 40 "$D/dockerd.log" >&2; kill -TERM "$pid" || true
      die "dockerd (pid $pid) did not answer on $SOCK within ${WAIT_S}s (sent it SIGTERM)"
    fi
    sleep 0.2
  done
fi
pid=$(ours || true)
[ -n "$pid" ] || die "a daemon answers on $SOCK but $D/dockerd.pid names no dockerd"
NETNS=host; x=
if [ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ]; then
  NETNS=private; x="nsenter --net=/proc/$pid/ns/net --"
  log "NOTE: our dockerd runs in a private netns (a foreign dockerd owns docker0, or DSO_TEST_RIG_NETNS=private);" \
    "reach --network host containers with: $x CMD"
fi
printf 'export DOCKER_HOST=%q DSO_TEST_RIG_DIR=%q DSO_TEST_RIG_NETNS=%q DSO_NETNS_EXEC=%q\n' \
  "$DOCKER_HOST" "$D" "$NETNS" "$x" >"$D/env"
t_end "dockerd $(docker info --format '{{.ServerVersion}}') pid $(cat "$D/dockerd.pid" 2>/dev/null || echo '?')"

# images carry a recipe label: a changed recipe rebuilds them, an unchanged one is re-used
has_image() { # image recipe
  [ "$(docker image inspect -f '{{index .Config.Labels "dso.rig.recipe"}}' "$1" 2>/dev/null || true)" = "$2" ]
}
build_from() { # image recipe dockerfile-body
  local B; B=$(mktemp -d "$D/build.XXXXXX")
  printf 'FROM %s\nLABEL dso.rig.recipe=%s\n%s\n' "$IMG" "$2" "$3" >"$B/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q --network none -t "$1" "$B" >"$D/build.log" 2>&1 ||
    { cat "$D/build.log" >&2; rm -rf "$B"; die "docker build $1 failed"; }
  rm -rf "$B"
}
sum() { printf '%s' "$*" | sha256sum | cut -c1-16; }

# 3a. base image: docker import of a busybox-static rootfs (no registry)
t_begin
BB=$(command -v busybox || echo /bin/busybox)
R_BASE=$(sum "$APPLETS" "$(sha256sum "$BB")")
if ! has_image "$IMG" "$R_BASE"; then
  R=$(mktemp -d "$D/rootfs.XXXXXX")
  mkdir -p "$R/bin" "$R/tmp" "$R/etc" "$R/run" "$R/proc" "$R/sys" "$R/dev"; chmod 1777 "$R/tmp"
  cp "$BB" "$R/bin/busybox"
  for a in $APPLETS; do ln -s busybox "$R/bin/$a"; done
  printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$R/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"
  tar --numeric-owner --owner=0 --group=0 -C "$R" -c . |
    docker import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' \
      --change "LABEL dso.rig.recipe=$R_BASE" - "$IMG" >/dev/null
  rm -rf "$R"
fi
t_end "image $IMG (docker import)"

# 3b. healthy-in-1s image. sh stays PID 1 with a TERM trap, so a stop does not wait the grace period.
t_begin
HC_BODY='HEALTHCHECK --interval=1s --timeout=2s --start-period=1s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1
CMD ["/bin/sh", "-c", "mkdir -p /www; echo ok >/www/index.html; httpd -f -p 127.0.0.1:8080 -h /www & p=$!; trap \"kill $p; exit 0\" TERM INT; wait $p"]'
R_HC=$(sum "$R_BASE" "$HC_BODY")
has_image "$IMG_HC" "$R_HC" || build_from "$IMG_HC" "$R_HC" "$HC_BODY"
t_end "image $IMG_HC (docker build, legacy)"

# 3c. never-healthy image
t_begin
BAD_BODY='HEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD exit 1
CMD ["/bin/sh", "-c", "trap \"exit 0\" TERM INT; while :; do sleep 1 & wait $!; done"]'
R_BAD=$(sum "$R_BASE" "$BAD_BODY")
has_image "$IMG_BAD" "$R_BAD" || build_from "$IMG_BAD" "$R_BAD" "$BAD_BODY"
t_end "image $IMG_BAD (docker build, legacy)"

awk -v a="$T0" -v b="$(now)" 'BEGIN{printf "[test-rig] %-60s %7.2fs\n", "TOTAL up", (b-a)/1e9}'
log "ready: . $D/env   # DOCKER_HOST=$DOCKER_HOST"
