package io.dso.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.dso.e2e.AgentProcess;
import io.dso.testing.DockerCli;
import io.dso.testing.DockerRig;
import io.dso.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Webhook-to-rotated latency of a {@code rolling} rotation with the real agent (watch mode
 * {@code event}, cooldown 1 s, env injection into a target from the HEALTHCHECK image), side by
 * side in one run with the Docker floor (bare docker-java {@code create + start} of the same image
 * with the same flags until {@code healthy}) and with {@code docker-compose up -d --force-recreate}
 * of the same service until {@code healthy}. The three kinds are interleaved round-robin (the order
 * rotates every round) so that machine noise hits them alike; every condition is polled with
 * docker-java every {@value #POLL_MS} ms. A Docker event subscription (label {@code dso.bench}) and
 * the agent's audit records give the per-step breakdown of the rolling rotation. Prints the figures
 * on stdout (progress on stderr). Run by {@code bench/rotation-latency.sh}; not a test.
 */
public final class RotationLatencyBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IMAGE = DockerCli.HEALTHY;
  private static final long POLL_MS = 20;
  private static final Duration COOLDOWN_GAP = Duration.ofMillis(1100);
  private static final Duration SAMPLE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration OVERALL_LIMIT = Duration.ofMinutes(15);
  private static final String TOKEN = "bench-token-" + UUID.randomUUID();
  /** Rolling samples that may be redone when a rotation was disturbed from outside (a shared rig). */
  private static final int MAX_DISCARDED = 5;

  /**
   * A rotation that failed and rolled back: on the shared rig another test run may remove this
   * agent's {@code _dso_new} container (e.g. a recovery test that sweeps every leftover on the
   * daemon). The sample is discarded and redone; the report says so.
   */
  static final class Disturbed extends Exception {
    private static final long serialVersionUID = 1L;

    Disturbed(String message) {
      super(message);
    }
  }

  private final DockerClient client;
  private final DockerCli docker;
  private final String tag;
  private final List<Event> events = Collections.synchronizedList(new ArrayList<>());

  private RotationLatencyBench(DockerClient client, DockerCli docker, String tag) {
    this.client = client;
    this.docker = docker;
    this.tag = tag;
  }

  /** One rolling sample: wall clock at the POST, offsets (ms) observed by polling, ids, audit records. */
  record Rolling(Instant t0, double serving, double complete, String oldId, String newId, JsonNode webhook,
      JsonNode detected, JsonNode rotate) {}

  /** One floor sample. */
  record Floor(Instant t0, double healthy, String id) {}

  /** One compose sample: healthy observed, compose returned, and the ids. */
  record Compose(Instant t0, double healthy, double composeExit, double done, String oldId, String newId) {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    if (n < 1 || n > 1000) {
      throw new IllegalArgumentException("N must be between 1 and 1000, got " + n);
    }
    String host = DockerRig.dockerHost();
    String tag = UUID.randomUUID().toString().substring(0, 8);
    Path dir = Files.createTempDirectory("dso-rotation-bench");
    Path keep = Path.of(System.getProperty("dso.bench.keep", System.getProperty("java.io.tmpdir")), "rotation-latency-" + tag);
    Files.createDirectories(keep);
    Path shm = DockerCli.shmDir();
    try (var http = new ZerodepDockerHttpClient.Builder().dockerHost(URI.create(host)).build();
        DockerCli docker = new DockerCli(host)) {
      DockerClient client = DockerClientImpl.getInstance(
          DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).withApiVersion("1.41").build(), http);
      new RotationLatencyBench(client, docker, tag).run(n, host, dir, shm, keep);
    } finally {
      for (String f : List.of("stdout.log", "stderr.log", "audit.log", "dso.yaml", "compose.yml")) {
        if (Files.exists(dir.resolve(f))) {
          Files.copy(dir.resolve(f), keep.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      DockerCli.deleteTree(shm);
      DockerCli.deleteTree(dir);
      System.err.println("[bench] agent logs, audit and compose output kept in " + keep);
    }
  }

  private void run(int n, String host, Path dir, Path shm, Path keep) throws Exception {
    String secret = "bench-" + tag + "/token";
    Path secrets = dir.resolve("secrets.json");
    writeSecrets(secrets, secret, "r-0");
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { mode: event }
          webhook: { enabled: true, auth_token: "${DSO_WEBHOOK_TOKEN}" }
          rotation: { strategy: rolling, cooldown: 1s, health_check_timeout: 30s }
          restart_strategy: { grace_period: 1s }
        secrets:
          - name: %s
            inject: env
            rotation: true
        """.formatted(secret));
    String project = "dsobench" + tag;
    String composeName = project + "_app_1";
    Path composeFile = dir.resolve("compose.yml");
    Path composeLog = keep.resolve("compose-output.log");

    List<Rolling> rolling = new ArrayList<>();
    List<Floor> floor = new ArrayList<>();
    List<Compose> compose = new ArrayList<>();
    List<String> discarded = new ArrayList<>();
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    HttpClient web = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    ResultCallback.Adapter<Event> subscription = client.eventsCmd().withLabelFilter("dso.bench=" + tag)
        .exec(new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Event e) {
            events.add(e);
          }
        });
    boolean composeUp = false;
    try (AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort,
        Map.of("DOCKER_HOST", host, "DSO_WEBHOOK_TOKEN", TOKEN), "--secrets-dir", shm.toString())) {
      agent.awaitMetrics(Duration.ofSeconds(60));
      waitFor("agent ready", Duration.ofSeconds(30), () -> {
        try {
          return AgentProcess.get(apiPort, "/ready").statusCode() == 200;
        } catch (IOException | InterruptedException e) {
          return false;
        }
      });
      String target = docker.name("bench-roll");
      startTarget(target, secret, "r-0");

      writeCompose(composeFile, "c-0");
      composeUp = true;
      compose(host, project, composeFile, composeLog, false);
      waitFor("compose service healthy", Duration.ofSeconds(60), () -> ready(inspect(composeName), null, "c-0"));

      String[] kinds = {"rolling", "floor", "compose"};
      Instant stamp = Instant.parse("2026-01-01T00:00:00Z");
      long lastPost = 0;
      int rollingValue = 0;
      long limit = System.nanoTime() + OVERALL_LIMIT.toNanos();
      int rounds = 0;
      for (int r = -1; r < n; r++) { // round -1 warms everything up and is not counted
        if (System.nanoTime() > limit) {
          System.err.printf("[bench] overall limit of %s reached after %d rounds; stopping%n", OVERALL_LIMIT, rounds);
          break;
        }
        int k = r + 1;
        StringBuilder line = new StringBuilder(String.format("round %2d:", r));
        for (int j = 0; j < 3; j++) {
          switch (kinds[(k + j) % 3]) {
            case "rolling" -> {
              Rolling s = null;
              while (s == null) {
                long wait = lastPost + COOLDOWN_GAP.toNanos() - System.nanoTime();
                if (wait > 0) {
                  TimeUnit.NANOSECONDS.sleep(wait);
                }
                String value = "r-" + (++rollingValue);
                stamp = stamp.plusSeconds(1);
                lastPost = System.nanoTime(); // the cooldown runs from the firing, just after the POST
                try {
                  s = rolling(agent, web, apiPort, secrets, secret, target, value, stamp);
                } catch (Disturbed d) {
                  discarded.add(d.getMessage());
                  System.err.printf("[bench] rolling sample to %s discarded (%d so far): %s%n", value, discarded.size(),
                      d.getMessage());
                  if (discarded.size() > MAX_DISCARDED) {
                    throw new IllegalStateException("more than " + MAX_DISCARDED + " rolling samples disturbed; giving up", d);
                  }
                  ensureTarget(target, secret, value);
                }
              }
              if (r >= 0) {
                rolling.add(s);
              }
              line.append(String.format(" rolling serving %5.0f complete %5.0f (audit %4d ms)", s.serving(), s.complete(),
                  s.rotate().path("duration_ms").asLong()));
            }
            case "floor" -> {
              Floor f = floor(docker.name("floor-" + k), "f-" + k);
              if (r >= 0) {
                floor.add(f);
              }
              line.append(String.format(" | floor %5.0f", f.healthy()));
            }
            default -> {
              Compose c = composeSample(host, project, composeFile, composeLog, composeName, "c-" + (k + 1));
              if (r >= 0) {
                compose.add(c);
              }
              line.append(String.format(" | compose %5.0f (returned %5.0f)", c.done(), c.composeExit()));
            }
          }
        }
        if (r >= 0) {
          rounds++;
        }
        System.err.println(line);
      }
      agent.terminate();
      Thread.sleep(500); // the last Docker events
    } finally {
      subscription.close();
      if (composeUp) {
        try {
          compose(host, project, composeFile, composeLog, true);
        } catch (RuntimeException e) {
          System.err.println("[bench] docker-compose down failed: " + e.getMessage());
        }
      }
    }
    report(rolling, floor, compose, discarded);
  }

  // ---------------------------------------------------------------- the three kinds

  /** New value into secrets.json, POST the webhook, poll until serving and until the old container is gone. */
  private Rolling rolling(AgentProcess agent, HttpClient web, int apiPort, Path secrets, String secret, String target,
      String value, Instant stamp) throws Exception {
    InspectContainerResponse before = inspect(target);
    if (before == null) {
      throw new Disturbed("target container " + target + " missing before the sample");
    }
    String oldId = before.getId();
    writeSecrets(secrets, secret, value);
    Instant t0 = Instant.now();
    long n0 = System.nanoTime();
    String body = "{\"provider\":\"local\",\"secret_name\":\"%s\",\"event_type\":\"updated\",\"timestamp\":\"%s\"}"
        .formatted(secret, stamp);
    HttpResponse<String> resp = web.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/events/secret-update"))
            .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 202 || resp.body().contains("duplicate")) {
      throw new IllegalStateException("webhook answered " + resp.statusCode() + " " + resp.body());
    }
    long deadline = n0 + SAMPLE_TIMEOUT.toNanos();
    double serving = -1;
    String newId = null;
    for (int poll = 1; ; poll++) {
      long now = System.nanoTime();
      if (serving < 0 && poll % 10 == 0) {
        JsonNode failed = findAudit(agent.audit, "rotation_rollback",
            r -> r.path("secret_name").asText().equals(secret) && !ts(r).isBefore(t0.minusMillis(1)));
        if (failed != null) {
          throw new Disturbed("rotation to " + value + " rolled back at step " + failed.path("step").asText() + ": "
              + failed.path("error").asText());
        }
      }
      if (now > deadline) {
        throw new IllegalStateException("rolling rotation to " + value + " not observed within " + SAMPLE_TIMEOUT
            + (serving < 0 ? " (not serving)" : " (old container " + oldId + " still there)"));
      }
      if (serving < 0) {
        InspectContainerResponse c = inspect(target);
        if (c != null && ready(c, oldId, value)) {
          serving = ms(n0, now);
          newId = c.getId();
        }
      } else if (inspect(oldId) == null) {
        double complete = ms(n0, now);
        String shortId = newId.substring(0, 12);
        JsonNode rotate;
        try {
          rotate = awaitAudit(agent.audit, "secret_rotate", r -> r.path("container_id").asText().equals(shortId));
        } catch (IllegalStateException e) {
          throw new Disturbed("rotation to " + value + ": " + e.getMessage() + " (see the agent's stderr)");
        }
        if (!rotate.path("status").asText().equals("success")) {
          throw new IllegalStateException("rotation failed: " + rotate);
        }
        JsonNode webhook = awaitAudit(agent.audit, "webhook_received", r -> !ts(r).isBefore(t0.minusMillis(1)));
        JsonNode detected = awaitAudit(agent.audit, "secret_change_detected",
            r -> r.path("secret_name").asText().equals(secret) && !ts(r).isBefore(t0.minusMillis(1)));
        return new Rolling(t0, serving, complete, oldId, newId, webhook, detected, rotate);
      }
      Thread.sleep(POLL_MS);
    }
  }

  /** The target, until the agent's first injection (it replaces the container once) is done. */
  private void startTarget(String target, String secret, String value) throws InterruptedException {
    docker.runDetached(target, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=" + secret,
        "--label", "dso.bench=" + tag), IMAGE);
    waitFor("first injection", Duration.ofSeconds(60), () -> ready(inspect(target), null, value));
    waitFor("first injection finished", Duration.ofSeconds(30), () -> docker.namesLike(target).size() == 1);
  }

  /**
   * After a disturbed sample: waits until the target runs alone under its name again, or, when it
   * is gone for good, starts it afresh (the agent injects the newest value).
   */
  private void ensureTarget(String target, String secret, String value) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      InspectContainerResponse c = inspect(target);
      if (c != null && Boolean.TRUE.equals(c.getState().getRunning()) && docker.namesLike(target).size() == 1) {
        return;
      }
      Thread.sleep(200);
    }
    System.err.println("[bench] target " + target + " gone or not alone: starting it afresh");
    docker.run("rm", "-f", target, target + "_dso_new", target + "_dso_old");
    startTarget(target, secret, value);
  }

  /** Bare create + start of the same image with the same flags, until healthy. */
  private Floor floor(String name, String value) throws Exception {
    Instant t0 = Instant.now();
    long n0 = System.nanoTime();
    String id = client.createContainerCmd(IMAGE).withName(name).withEnv("TOKEN=" + value)
        .withLabels(Map.of("dso.bench", tag))
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none").withInit(true)).exec().getId();
    try {
      client.startContainerCmd(id).exec();
      long deadline = n0 + SAMPLE_TIMEOUT.toNanos();
      while (true) {
        long now = System.nanoTime();
        InspectContainerResponse c = inspect(id);
        if (c != null && ready(c, null, value)) {
          return new Floor(t0, ms(n0, now), id);
        }
        if (now > deadline) {
          throw new IllegalStateException("floor container " + name + " not healthy within " + SAMPLE_TIMEOUT);
        }
        Thread.sleep(POLL_MS);
      }
    } finally {
      client.removeContainerCmd(id).withForce(true).exec();
    }
  }

  /** New value into the compose file, {@code up -d --force-recreate}, until healthy and compose returned. */
  private Compose composeSample(String host, String project, Path file, Path log, String name, String value) throws Exception {
    String oldId = inspect(name).getId();
    writeCompose(file, value);
    Instant t0 = Instant.now();
    long n0 = System.nanoTime();
    Process p = composeProcess(host, project, file, log, "up", "-d", "--force-recreate");
    long deadline = n0 + SAMPLE_TIMEOUT.toNanos();
    double healthy = -1;
    double exited = -1;
    String newId = null;
    try {
      while (true) {
        long now = System.nanoTime();
        if (exited < 0 && !p.isAlive()) {
          exited = ms(n0, now);
          if (p.exitValue() != 0) {
            throw new IllegalStateException("docker-compose up failed (" + p.exitValue() + "), see " + log);
          }
        }
        if (healthy < 0) {
          InspectContainerResponse c = inspect(name);
          if (c != null && ready(c, oldId, value)) {
            healthy = ms(n0, now);
            newId = c.getId();
          }
        }
        if (healthy >= 0 && exited >= 0) {
          return new Compose(t0, healthy, exited, Math.max(healthy, exited), oldId, newId);
        }
        if (now > deadline) {
          throw new IllegalStateException("compose service not recreated and healthy within " + SAMPLE_TIMEOUT);
        }
        Thread.sleep(POLL_MS);
      }
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  private void writeCompose(Path file, String value) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, """
        version: "2.4"
        services:
          app:
            image: %s
            network_mode: none
            init: true
            stop_grace_period: 1s
            labels:
              dso.bench: "%s"
            environment:
              TOKEN: "%s"
        """.formatted(IMAGE, tag, value));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static Process composeProcess(String host, String project, Path file, Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("docker-compose", "-p", project, "-f", file.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("DOCKER_HOST", host);
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }

  /** Runs {@code docker-compose up -d} or {@code down} to the end (bounded). */
  private static void compose(String host, String project, Path file, Path log, boolean down) throws Exception {
    Process p = down ? composeProcess(host, project, file, log, "down", "-t", "1")
        : composeProcess(host, project, file, log, "up", "-d");
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("docker-compose did not finish within 120 s, see " + log);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("docker-compose " + (down ? "down" : "up") + " failed (" + p.exitValue() + "), see " + log);
    }
  }

  // ---------------------------------------------------------------- docker and audit helpers

  private InspectContainerResponse inspect(String nameOrId) {
    try {
      return client.inspectContainerCmd(nameOrId).exec();
    } catch (NotFoundException e) {
      return null;
    }
  }

  /** Not {@code oldId}, running, HEALTHCHECK healthy, and TOKEN={@code value} in its env. */
  private static boolean ready(InspectContainerResponse c, String oldId, String value) {
    if (c == null || c.getId().equals(oldId) || !Boolean.TRUE.equals(c.getState().getRunning())
        || c.getState().getHealth() == null || !"healthy".equals(c.getState().getHealth().getStatus())) {
      return false;
    }
    String[] env = c.getConfig().getEnv();
    return env != null && List.of(env).contains("TOKEN=" + value);
  }

  private static JsonNode awaitAudit(Path audit, String event, java.util.function.Predicate<JsonNode> match) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode r = findAudit(audit, event, match);
      if (r != null) {
        return r;
      }
      Thread.sleep(POLL_MS);
    }
    throw new IllegalStateException("no matching " + event + " audit record within 10 s");
  }

  /** The first audit record of {@code event} that matches, or null. */
  private static JsonNode findAudit(Path audit, String event, java.util.function.Predicate<JsonNode> match) throws IOException {
    for (String line : Files.readAllLines(audit)) {
      if (line.isBlank() || !line.contains("\"" + event + "\"")) {
        continue;
      }
      JsonNode r = JSON.readTree(line);
      if (r.path("event").asText().equals(event) && match.test(r)) {
        return r;
      }
    }
    return null;
  }

  private static Instant ts(JsonNode auditRecord) {
    return Instant.parse(auditRecord.path("timestamp").asText());
  }

  private static void writeSecrets(Path file, String secret, String value) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, "{\"%s\": {\"TOKEN\": \"%s\"}}".formatted(secret, value));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void waitFor(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(POLL_MS);
    }
  }

  private static double ms(long fromNanos, long toNanos) {
    return (toNanos - fromNanos) / 1e6;
  }

  // ---------------------------------------------------------------- Docker events of one container

  /** Offset (ms) from {@code t0} of the first event of container {@code id} whose action matches, or NaN. */
  private double event(Instant t0, String id, String action) {
    long t0n = t0.getEpochSecond() * 1_000_000_000L + t0.getNano();
    synchronized (events) {
      for (Event e : events) {
        if (e.getActor() == null || !id.equals(e.getActor().getId()) || !action.equals(e.getAction())
            || e.getTimeNano() == null) {
          continue;
        }
        if (e.getTimeNano() >= t0n) {
          return (e.getTimeNano() - t0n) / 1e6;
        }
      }
    }
    return Double.NaN;
  }

  private static double auditMs(Instant t0, JsonNode r) {
    return Duration.between(t0, ts(r)).toNanos() / 1e6;
  }

  // ---------------------------------------------------------------- report

  private void report(List<Rolling> rolling, List<Floor> floor, List<Compose> compose, List<String> discarded) {
    int n = Math.min(rolling.size(), Math.min(floor.size(), compose.size()));
    if (n == 0) {
      System.out.println("no complete round: nothing to report");
      return;
    }
    List<Double> serving = rolling.stream().map(Rolling::serving).toList();
    List<Double> complete = rolling.stream().map(Rolling::complete).toList();
    List<Double> auditDuration = rolling.stream().map(s -> (double) s.rotate().path("duration_ms").asLong()).toList();
    List<Double> auditEnd = rolling.stream().map(s -> auditMs(s.t0(), s.rotate())).toList();
    List<Double> floorHealthy = floor.stream().map(Floor::healthy).toList();
    List<Double> composeDone = compose.stream().map(Compose::done).toList();
    List<Double> composeExit = compose.stream().map(Compose::composeExit).toList();

    System.out.printf("%nRotation latency, %d samples of each kind, interleaved round-robin (image %s, --network none"
        + " --init, env TOKEN; polled with docker-java every %d ms; milliseconds)%n", n, IMAGE, POLL_MS);
    if (!discarded.isEmpty()) {
      System.out.printf("(%d rolling sample(s) discarded and redone, disturbed from outside: %s)%n", discarded.size(),
          String.join("; ", discarded));
    }
    System.out.printf("%-64s %7s %7s %7s %7s%n", "", "median", "p95", "min", "max");
    row("dso rolling: webhook POST -> new container serving under the name", serving);
    row("dso rolling: webhook POST -> rotation complete (old removed)", complete);
    row("dso rolling: webhook POST -> audit secret_rotate record", auditEnd);
    row("dso rolling: audit secret_rotate duration_ms (create..remove)", auditDuration);
    row("docker floor: create+start -> healthy (docker-java)", floorHealthy);
    row("docker-compose up -d --force-recreate -> healthy (and returned)", composeDone);
    row("docker-compose up -d --force-recreate: process returned", composeExit);
    double floorMedian = median(floorHealthy);
    double rServing = median(serving) / floorMedian;
    double rComplete = median(complete) / floorMedian;
    double rCompose = median(composeDone) / floorMedian;
    System.out.printf("%nratio dso rolling (complete) / floor:  %.2f (medians)%n", rComplete);
    System.out.printf("ratio dso rolling (serving)  / floor:  %.2f (medians)%n", rServing);
    System.out.printf("ratio docker-compose         / floor:  %.2f (medians)%n", rCompose);
    System.out.printf("target rolling <= 1.2x floor: %s for rotation complete (%.2f), %s for serving (%.2f)%n",
        rComplete <= 1.2 ? "MET" : "NOT MET", rComplete, rServing <= 1.2 ? "MET" : "NOT MET", rServing);

    // rolling breakdown: milestones from the POST (audit timestamps have 1 ms resolution)
    Map<String, List<Double>> m = new LinkedHashMap<>();
    for (Rolling s : rolling) {
      put(m, "webhook_received (audit)", auditMs(s.t0(), s.webhook()));
      put(m, "secret_change_detected (audit)", auditMs(s.t0(), s.detected()));
      put(m, "rotation start (audit ts - duration_ms)", auditMs(s.t0(), s.rotate()) - s.rotate().path("duration_ms").asLong());
      put(m, "new: create (event)", event(s.t0(), s.newId(), "create"));
      put(m, "new: start (event)", event(s.t0(), s.newId(), "start"));
      put(m, "new: health_status healthy (event)", event(s.t0(), s.newId(), "health_status: healthy"));
      put(m, "old: rename to _dso_old (event)", event(s.t0(), s.oldId(), "rename"));
      put(m, "new: rename to the name = serving (event)", event(s.t0(), s.newId(), "rename"));
      put(m, "serving observed (poll)", s.serving());
      put(m, "old: kill (event)", event(s.t0(), s.oldId(), "kill"));
      put(m, "old: die (event)", event(s.t0(), s.oldId(), "die"));
      put(m, "old: stop (event)", event(s.t0(), s.oldId(), "stop"));
      put(m, "old: destroy (event)", event(s.t0(), s.oldId(), "destroy"));
      put(m, "secret_rotate (audit)", auditMs(s.t0(), s.rotate()));
      put(m, "complete observed (poll)", s.complete());
    }
    breakdown("dso rolling, from the webhook POST", m);

    Map<String, List<Double>> f = new LinkedHashMap<>();
    for (Floor s : floor) {
      put(f, "create (event)", event(s.t0(), s.id(), "create"));
      put(f, "start (event)", event(s.t0(), s.id(), "start"));
      put(f, "health_status healthy (event)", event(s.t0(), s.id(), "health_status: healthy"));
      put(f, "healthy observed (poll)", s.healthy());
    }
    breakdown("docker floor, from the create call", f);

    Map<String, List<Double>> c = new LinkedHashMap<>();
    for (Compose s : compose) {
      put(c, "old: kill (event)", event(s.t0(), s.oldId(), "kill"));
      put(c, "old: stop (event)", event(s.t0(), s.oldId(), "stop"));
      put(c, "old: rename (event)", event(s.t0(), s.oldId(), "rename"));
      put(c, "new: create (event)", event(s.t0(), s.newId(), "create"));
      put(c, "new: start (event)", event(s.t0(), s.newId(), "start"));
      put(c, "old: destroy (event)", event(s.t0(), s.oldId(), "destroy"));
      put(c, "docker-compose returned", s.composeExit());
      put(c, "new: health_status healthy (event)", event(s.t0(), s.newId(), "health_status: healthy"));
      put(c, "healthy observed (poll)", s.healthy());
    }
    breakdown("docker-compose up -d --force-recreate, from the process start", c);
    System.out.println("""

        "serving" = the container under the target's name is the new one, running, healthy, with the new value
        (the rolling strategy renames only after its health gate passed); "complete" = in addition the old
        container is gone (inspect 404), i.e. stopped (grace 1 s; this image exits on SIGTERM) and removed, which
        is when the agent considers the rotation done. The floor has no old container to retire. HEALTHCHECK of
        the image: interval 1 s, start period 1 s, so "healthy" comes about 1 s after start at the earliest, at a
        ~1 s granularity; the agent's health gate polls every 100 ms. Breakdown rows are medians of each
        milestone's offset and of the step from the previous event/audit row, over the samples that have it (Docker events
        have ns resolution, audit timestamps ms).""");
  }

  private static void put(Map<String, List<Double>> m, String key, double v) {
    m.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
  }

  private static void breakdown(String title, Map<String, List<Double>> milestones) {
    System.out.printf("%nbreakdown: %s (ms)%n", title);
    System.out.printf("%-48s %9s %9s %9s%n", "milestone", "median", "p95", "step med");
    List<Double> prev = null;
    for (Map.Entry<String, List<Double>> e : milestones.entrySet()) {
      List<Double> v = e.getValue();
      List<Double> present = v.stream().filter(d -> !d.isNaN()).toList();
      String step = "";
      if (prev != null) {
        List<Double> deltas = new ArrayList<>();
        for (int i = 0; i < v.size() && i < prev.size(); i++) {
          if (!v.get(i).isNaN() && !prev.get(i).isNaN()) {
            deltas.add(v.get(i) - prev.get(i));
          }
        }
        step = deltas.isEmpty() ? "-" : String.format("%+9.0f", median(deltas));
      }
      if (present.isEmpty()) {
        System.out.printf("%-48s %9s %9s %9s%n", e.getKey(), "-", "-", step);
      } else {
        System.out.printf("%-48s %9.0f %9.0f %9s%s%n", e.getKey(), median(present), percentile(present, 0.95), step,
            present.size() < v.size() ? "  (" + present.size() + "/" + v.size() + " samples)" : "");
      }
      if (!e.getKey().endsWith("(poll)")) {
        prev = v; // a poll observation is not a step of its own: the next step counts from the event before it
      }
    }
  }

  private static void row(String what, List<Double> values) {
    System.out.printf("%-64s %7.0f %7.0f %7.0f %7.0f%n", what, median(values), percentile(values, 0.95),
        Collections.min(values), Collections.max(values));
  }

  static double median(List<Double> values) {
    return percentile(values, 0.5);
  }

  /** Nearest-rank percentile. */
  static double percentile(List<Double> values, double p) {
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
