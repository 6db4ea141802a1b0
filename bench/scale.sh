#!/usr/bin/env bash
# bench/scale.sh [--quick] [--window SECONDS] [--providers local,file] [--interval 30s] [SIZES...]
# How the agent's costs grow with the number of secrets (default sizes 1000 10000 50000) on the
# built-in `local` (one JSON file) and `file` (one file per secret) providers, every secret with
# `rotation: true` at `polling_interval: 30s`. Per run: time from process start until every secret
# is held (dso_active_secrets = N), steady CPU (% of one core over the window, default 300 s;
# --quick: 60 s), RSS, heap after a full GC, threads, /metrics scrape time (median/p95/p99, min-max)
# and size, the time to detect one changed secret among them, and audit records per minute while
# nothing changes. The agent talks to no Docker daemon (container work is paused), so only secrets
# are measured. Prints one table, plus how each cost grows with N. Never part of ./run-tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. dso-dist/src/layout/bin/find-java
dso_find_java
export JAVA_HOME=$DSO_JAVA_HOME PATH="$DSO_JAVA_HOME/bin:$PATH"
./dso version >/dev/null   # builds dist/ when missing or older than the sources
exec python3 - "$@" <<'PY'
import json, os, re, signal, socket, statistics, subprocess, sys, tempfile, time, shutil, urllib.request

args = sys.argv[1:]
window, providers, interval, sizes, audit_stdout = 300, ["local", "file"], "30s", [], False
while args:
    a = args.pop(0)
    if a == "--quick":
        window = 60
    elif a == "--window":
        window = int(args.pop(0))
    elif a == "--providers":
        providers = args.pop(0).split(",")
    elif a == "--interval":
        interval = args.pop(0)
    elif a == "--audit-stdout":
        audit_stdout = True  # audit records to stdout (not fsync'd) instead of --audit-log (fsync'd)
    elif a.isdigit():
        sizes.append(int(a))
    else:
        sys.exit(f"scale.sh: unknown argument {a!r}; usage: bench/scale.sh [--quick] [--window S] [--providers local,file] [--interval 30s] [--audit-stdout] [SIZES...]")
sizes = sizes or [1000, 10000, 50000]
interval_s = float(interval.rstrip("s"))
HELD_LIMIT = 600          # seconds a run may take to hold every secret
DETECT_LIMIT = 5 * interval_s + 15
CLK = os.sysconf("SC_CLK_TCK")
root = os.getcwd()
agent = None

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)

def name(i):
    return f"bench/s{i:05d}"

def prepare(work, provider, n):
    lines = ["providers:", f"  src: {{ type: {provider}, config: {{ {'path: secrets.json' if provider == 'local' else 'dir: secrets'} }} }}",
             "agent:", f"  watch: {{ polling_interval: {interval} }}", "secrets:"]
    for i in range(n):
        lines.append(f"  - {{ name: {name(i)}, rotation: true }}")
    with open(os.path.join(work, "dso.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    if provider == "local":
        write_atomic(os.path.join(work, "secrets.json"), json.dumps({name(i): {"K": f"value-{i}-0"} for i in range(n)}))
    else:
        os.makedirs(os.path.join(work, "secrets", "bench"))
        for i in range(n):
            with open(os.path.join(work, "secrets", name(i)), "w") as f:
                f.write(f"value-{i}-0\n")

def change(work, provider, n, i):
    if provider == "local":
        data = json.load(open(os.path.join(work, "secrets.json")))
        data[name(i)] = {"K": f"value-{i}-1"}
        write_atomic(os.path.join(work, "secrets.json"), json.dumps(data))
    else:
        write_atomic(os.path.join(work, "secrets", name(i)), f"value-{i}-1\n")

def cpu_ticks(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])

def status(pid, key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0

def metric(port, series):
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    m = re.search(r"^" + re.escape(series) + r"(?:\{[^}]*\})? (\S+)$", body, re.M)
    return float(m.group(1)) if m else None

def heap_after_gc(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=60)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
    used = 0
    for line in out.splitlines():
        if "total" in line and "Metaspace" not in line and "class space" not in line:
            m = re.search(r"used (\d+)K", line)
            if m:
                used += int(m.group(1))
                if "garbage-first" in line or "ZHeap" in line or "Shenandoah" in line:
                    break  # a whole-heap line: its regions follow, not more heap
    return used / 1024

def audit_lines(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

def run(provider, n):
    global agent
    work = tempfile.mkdtemp(prefix=f"dso-bench-scale-{provider}-{n}-")
    os.chmod(work, 0o700)
    try:
        prepare(work, provider, n)
        mport, aport = free_port(), free_port()
        state = os.path.join(work, "state")
        audit = os.path.join(work, "agent.out" if audit_stdout else "audit.log")
        cmd = [os.path.join(root, "dist/bin/dso"), "agent", "-c", os.path.join(work, "dso.yaml"),
               "--metrics-port", str(mport), "--api-addr", f"127.0.0.1:{aport}",
               "--state-dir", state, "--docker-host", "unix://" + os.path.join(work, "no-docker.sock")]
        if not audit_stdout:
            cmd += ["--audit-log", audit]
        t0 = time.monotonic()
        agent = subprocess.Popen(cmd, stdout=open(os.path.join(work, "agent.out"), "w"),
                                 stderr=open(os.path.join(work, "agent.err"), "w"), cwd=work)
        held = None
        while time.monotonic() - t0 < HELD_LIMIT and agent.poll() is None:
            try:
                if (metric(mport, "dso_active_secrets") or 0) >= n:
                    held = time.monotonic() - t0
                    break
            except OSError:
                pass
            time.sleep(0.2)
        if held is None:
            raise RuntimeError(f"{provider} {n}: not all secrets held within {HELD_LIMIT} s; see {work}/agent.err")
        pid = agent.pid
        time.sleep(1.2 * interval_s + 5)  # let the first polls (spread over the first interval) pass
        c0, a0, w0 = cpu_ticks(pid), audit_lines(audit), time.monotonic()
        time.sleep(window)
        c1, a1, w1 = cpu_ticks(pid), audit_lines(audit), time.monotonic()
        cpu = (c1 - c0) / CLK / (w1 - w0) * 100
        audit_per_min = (a1 - a0) / (w1 - w0) * 60
        scrapes, size = [], 0
        for _ in range(20 if window < 300 else 50):
            s = time.monotonic()
            size = len(urllib.request.urlopen(f"http://127.0.0.1:{mport}/metrics", timeout=30).read())
            scrapes.append((time.monotonic() - s) * 1000)
        rss = status(pid, "VmRSS") / 1024
        threads = status(pid, "Threads")
        heap = heap_after_gc(pid)
        # one change among them, in the middle of the file
        target = n // 2
        before = audit_lines(audit)
        change(work, provider, n, target)
        tw = time.monotonic()
        detect = None
        needle = f'"secret_change_detected"'
        while time.monotonic() - tw < DETECT_LIMIT:
            with open(audit, "rb") as f:
                for i, line in enumerate(f):
                    if i >= before and needle.encode() in line and name(target).encode() in line:
                        detect = time.monotonic() - tw
                        break
            if detect is not None:
                break
            time.sleep(0.1)
        return dict(provider=provider, n=n, held=held, cpu=cpu, rss=rss, heap=heap, threads=threads,
                    scrape_med=statistics.median(scrapes), scrape_p95=pct(scrapes, 95), scrape_p99=pct(scrapes, 99),
                    scrape_min=min(scrapes), scrape_max=max(scrapes), size=size / 1024, detect=detect,
                    audit=audit_per_min)
    finally:
        if agent is not None and agent.poll() is None:
            agent.send_signal(signal.SIGTERM)
            try:
                agent.wait(60)
            except subprocess.TimeoutExpired:
                agent.kill()
                agent.wait()
        agent = None
        shutil.rmtree(work, ignore_errors=True)

def growth(rows, key):
    a, b = rows[0], rows[-1]
    if a[key] is None or b[key] is None or a[key] <= 0:
        return "-"
    r, k = b[key] / a[key], b["n"] / a["n"]
    kind = "flat" if r < 1.5 else "sublinear" if r < 0.6 * k else "linear" if r <= 1.6 * k else "worse than linear"
    return f"x{r:.1f} ({kind})"

print(f"# scale bench: polling_interval {interval}, steady window {window} s, sizes {sizes}, providers {providers}, "
      f"audit {'to stdout' if audit_stdout else 'to a file (--audit-log)'}", flush=True)
results = []
for provider in providers:
    for n in sizes:
        print(f"[scale] {provider} {n} ...", file=sys.stderr, flush=True)
        r = run(provider, n)
        results.append(r)
        print(f"[scale] {json.dumps(r)}", file=sys.stderr, flush=True)

hdr = ("| provider | secrets | all held (s) | steady CPU (% of 1 core) | RSS (MB) | heap after GC (MB) | threads "
       "| scrape median / p95 / p99 (ms), min-max | scrape size (KB) | change detected (s) | audit records/min |")
print(hdr)
print("|" + "---|" * (hdr.count("|") - 1))
for r in results:
    d = "not within %d s" % DETECT_LIMIT if r["detect"] is None else f"{r['detect']:.1f}"
    print(f"| {r['provider']} | {r['n']} | {r['held']:.1f} | {r['cpu']:.2f} | {r['rss']:.0f} | {r['heap']:.0f} | {r['threads']} "
          f"| {r['scrape_med']:.1f} / {r['scrape_p95']:.1f} / {r['scrape_p99']:.1f}, {r['scrape_min']:.1f}-{r['scrape_max']:.1f} "
          f"| {r['size']:.0f} | {d} | {r['audit']:.0f} |")
if len(sizes) > 1:
    print()
    print(f"growth from {sizes[0]} to {sizes[-1]} secrets (x{sizes[-1] / sizes[0]:.0f}):")
    for provider in providers:
        rows = [r for r in results if r["provider"] == provider]
        print(f"- {provider}: " + ", ".join(f"{k} {growth(rows, k)}" for k in
              ["held", "cpu", "rss", "heap", "threads", "scrape_med", "size", "audit"]))
PY
