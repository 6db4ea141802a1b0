package io.dso.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.dso.e2e.AgentProcess;
import io.dso.testing.DockerCli;
import io.dso.testing.DockerRig;
import io.dso.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Injection latency against the rig daemon, with the real agent (polling 1 s): N times a file-mode
 * change (until the new content is visible inside the container, timestamped by a reader loop in the
 * container) and an env-mode change (until the recreated container runs with the new value, from its
 * {@code State.StartedAt}); beside them N bare {@code create + start} of the same image. Prints
 * median and p95. Run by {@code bench/inject-latency.sh}; not a test.
 */
public final class InjectLatencyBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IMAGE = DockerCli.BUSYBOX;
  /** Prints {@code SEEN <uptime> <content>} whenever the file content changes (about every 10 ms). */
  private static final String READER = """
      f=/run/secrets/bench/VALUE; last=
      while :; do
        v=$(cat $f 2>/dev/null)
        if [ "$v" != "$last" ]; then read u _ </proc/uptime; echo "SEEN $u $v"; last=$v; fi
        sleep 0.005
      done
      """;
  private static final Pattern SEEN = Pattern.compile("SEEN (\\d+\\.\\d+) (\\S+)");

  private InjectLatencyBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    String host = DockerRig.dockerHost();
    Path dir = Files.createTempDirectory("dso-bench");
    Path shm = DockerCli.shmDir();
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String fileSecret = "bench-" + tag + "/file";
    String envSecret = "bench-" + tag + "/env";
    Path secrets = dir.resolve("secrets.json");
    writeSecrets(secrets, fileSecret, "f-0", envSecret, "e-0");
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { polling_interval: 1s }
          restart_strategy: { grace_period: 2s }
          rotation: { cooldown: 0s }   # every change acts at once; the 30 s default would dominate
        secrets:
          - name: %s
            inject: { type: file, path: /run/secrets/bench }
            rotation: { strategy: none }   # in place: what is measured is the file write, not a new container
          - name: %s
            inject: env
            rotation: true
        """.formatted(fileSecret, envSecret));

    List<Double> fileVisible = new ArrayList<>();
    List<Double> fileDetectToVisible = new ArrayList<>();
    List<Double> envRunning = new ArrayList<>();
    List<Double> envDetectToRunning = new ArrayList<>();
    List<Double> bareJava = new ArrayList<>();
    List<Double> bareCli = new ArrayList<>();
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    try (DockerCli docker = new DockerCli(host);
        AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort, Map.of("DOCKER_HOST", host),
            "--secrets-dir", shm.toString())) {
      agent.awaitMetrics(Duration.ofSeconds(60));
      waitFor("agent ready", Duration.ofSeconds(30), () -> {
        try {
          return AgentProcess.get(apiPort, "/ready").statusCode() == 200;
        } catch (IOException | InterruptedException e) {
          return false;
        }
      });
      String fileName = docker.name("bench-file");
      String envName = docker.name("bench-env");
      docker.runDetached(fileName, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=" + fileSecret),
          IMAGE, "sh", "-c", READER);
      docker.runDetached(envName, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=" + envSecret),
          IMAGE, "sleep", "3600");
      waitFor("first file injection", Duration.ofSeconds(30), () -> seen(docker, fileName, "f-0") != null);
      waitFor("first env injection", Duration.ofSeconds(30), () -> envValue(docker, envName, "e-0") != null);
      waitFor("replacements finished", Duration.ofSeconds(30),
          () -> docker.namesLike(docker.suffix).size() == 2);
      long offsetMs = uptimeToWallOffsetMs();

      String envNow = "e-0";
      String fileNow = "f-0";
      for (int i = 1; i <= n; i++) {
        // file: change -> visible inside the container
        String fv = "f-" + i;
        Instant t0 = Instant.now();
        writeSecrets(secrets, fileSecret, fv, envSecret, envNow);
        waitFor("file " + fv, Duration.ofSeconds(30), () -> seen(docker, fileName, fv) != null);
        fileNow = fv;
        Instant visible = Instant.ofEpochMilli(offsetMs + Math.round(seen(docker, fileName, fv) * 1000));
        Instant detected = detected(agent.audit, fileSecret, t0);
        fileVisible.add(ms(t0, visible));
        fileDetectToVisible.add(ms(detected, visible));

        // env: change -> recreated container running with the new value
        String ev = "e-" + i;
        t0 = Instant.now();
        writeSecrets(secrets, fileSecret, fileNow, envSecret, ev);
        waitFor("env " + ev, Duration.ofSeconds(60), () -> envValue(docker, envName, ev) != null);
        envNow = ev;
        Instant started = envValue(docker, envName, ev);
        detected = detected(agent.audit, envSecret, t0);
        envRunning.add(ms(t0, started));
        envDetectToRunning.add(ms(detected, started));
        waitFor("old container removed", Duration.ofSeconds(30), () -> docker.namesLike(docker.suffix).size() == 2);
        System.err.printf("round %2d: file %6.0f ms (detect->visible %5.0f), env %6.0f ms (detect->running %5.0f)%n", i,
            fileVisible.getLast(), fileDetectToVisible.getLast(), envRunning.getLast(), envDetectToRunning.getLast());
      }
      agent.terminate();

      // bare create + start of the same image, with the agent's client library and with the CLI
      try (var http = new ZerodepDockerHttpClient.Builder().dockerHost(java.net.URI.create(host)).build()) {
        DockerClient client = DockerClientImpl.getInstance(
            DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).withApiVersion("1.41").build(), http);
        for (int i = -1; i < n; i++) { // round -1 warms the client up and is not counted
          String name = docker.name("bare-java-" + i);
          long t = System.nanoTime();
          String id = client.createContainerCmd(IMAGE).withName(name).withCmd("sleep", "3600")
              .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none").withInit(true)).exec().getId();
          client.startContainerCmd(id).exec();
          if (i >= 0) {
            bareJava.add((System.nanoTime() - t) / 1e6);
          }
          client.removeContainerCmd(id).withForce(true).exec();
        }
      }
      for (int i = 0; i < n; i++) {
        String name = docker.name("bare-cli-" + i);
        long t = System.nanoTime();
        docker.ok("create", "--name", name, "--network", "none", "--init", IMAGE, "sleep", "3600");
        docker.ok("start", name);
        bareCli.add((System.nanoTime() - t) / 1e6);
        docker.ok("rm", "-f", name);
      }
    } finally {
      DockerCli.deleteTree(shm);
    }

    System.out.printf("%nInjection latency, %d changes each (agent polling_interval 1s; milliseconds)%n", n);
    System.out.printf("%-52s %8s %8s%n", "", "median", "p95");
    row("file: change -> new content visible in container", fileVisible);
    row("file: secret_change_detected -> visible", fileDetectToVisible);
    row("env:  change -> recreated container running", envRunning);
    row("env:  secret_change_detected -> running", envDetectToRunning);
    row("bare docker create+start (docker-java, as the agent)", bareJava);
    row("bare docker create+start (docker CLI, 2 processes)", bareCli);
    System.out.printf("ratio env recreate (detected -> running) / bare create+start (docker-java): %.1f (median)%n",
        median(envDetectToRunning) / median(bareJava));
    System.out.printf("ratio env recreate (change -> running) / bare create+start (docker-java):   %.1f (median)%n",
        median(envRunning) / median(bareJava));
    System.out.println("""
        agent.rotation.cooldown is 0s here: with the default (30 s) a change within 30 s of the previous
        action on that secret waits for the end of the cooldown, which then dominates every figure.
        Change detection is polling: up to one polling interval (1 s, longer while nothing changed) passes
        before the agent sees a change; the "secret_change_detected ->" rows (audit timestamp, ms) isolate
        the injection itself. File visibility is timestamped inside the container from /proc/uptime
        (10 ms resolution, reader loop every ~10 ms); env "running" is the new container's State.StartedAt.""");
  }

  private static void row(String what, List<Double> values) {
    System.out.printf("%-52s %8.0f %8.0f%n", what, median(values), percentile(values, 0.95));
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

  private static double ms(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e6;
  }

  /** Container uptime of the first SEEN line for {@code value}, or null. */
  private static Double seen(DockerCli docker, String name, String value) {
    Matcher m = SEEN.matcher(docker.run("logs", name).out());
    while (m.find()) {
      if (m.group(2).equals(value)) {
        return Double.parseDouble(m.group(1));
      }
    }
    return null;
  }

  /** StartedAt of {@code name} when it runs with VALUE={@code value}, or null. */
  private static Instant envValue(DockerCli docker, String name, String value) {
    DockerCli.Result r = docker.run("inspect", "--type", "container", name);
    if (!r.ok()) {
      return null;
    }
    try {
      JsonNode c = JSON.readTree(r.out()).get(0);
      boolean has = false;
      for (JsonNode e : c.path("Config").path("Env")) {
        has |= e.asText().equals("VALUE=" + value);
      }
      return has && c.path("State").path("Running").asBoolean() ? Instant.parse(c.path("State").path("StartedAt").asText()) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Timestamp of the first secret_change_detected record for {@code secret} at or after {@code since}. */
  private static Instant detected(Path audit, String secret, Instant since) throws IOException {
    Instant floor = since.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    for (String line : Files.readAllLines(audit)) {
      JsonNode r = JSON.readTree(line);
      if (r.path("event").asText().equals("secret_change_detected") && r.path("secret_name").asText().equals(secret)) {
        Instant t = Instant.parse(r.path("timestamp").asText());
        if (!t.isBefore(floor)) {
          return t;
        }
      }
    }
    throw new IllegalStateException("no secret_change_detected for " + secret + " since " + since);
  }

  /** Wall clock minus /proc/uptime, sampled at an uptime tick so the 10 ms resolution does not add up. */
  private static long uptimeToWallOffsetMs() throws IOException {
    String first = Files.readString(Path.of("/proc/uptime")).split(" ")[0];
    String now;
    long wall;
    do {
      now = Files.readString(Path.of("/proc/uptime")).split(" ")[0];
      wall = System.currentTimeMillis();
    } while (now.equals(first));
    return wall - Math.round(Double.parseDouble(now) * 1000);
  }

  private static void writeSecrets(Path file, String fileSecret, String fileValue, String envSecret, String envValue)
      throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, "{\"%s\": {\"VALUE\": \"%s\"}, \"%s\": {\"VALUE\": \"%s\"}}"
        .formatted(fileSecret, fileValue, envSecret, envValue));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void waitFor(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
