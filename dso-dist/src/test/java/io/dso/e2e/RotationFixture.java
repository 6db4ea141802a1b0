package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.testing.DockerCli;
import io.dso.testing.DockerRig;
import io.dso.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the rotation end-to-end tests share: the docker CLI on the rig daemon (a {@link DockerCli} with
 * prefix {@code dso-rot-}: unique names, each removed with its {@code _dso_new}/{@code _dso_old}
 * variants on close), a local provider whose {@code secrets.json} the test rewrites atomically, the
 * agent's config, audit records and metrics.
 */
final class RotationFixture implements AutoCloseable {
  static final String BUSYBOX = "dso-test/busybox:1";
  static final String HEALTHY = "dso-test/busybox-hc:1";
  static final ObjectMapper JSON = new ObjectMapper();
  /**
   * For the hc image: httpd (and so the HEALTHCHECK) only comes up when $TOKEN is not "bad", so
   * rotating to the value "bad" yields a new container that never becomes healthy.
   */
  static final String[] GATED_HTTPD = {"sh", "-c",
      "if [ \"$TOKEN\" != bad ]; then mkdir -p /www; echo ok >/www/index.html; httpd -f -p 127.0.0.1:8080 -h /www & fi;"
          + " trap 'exit 0' TERM INT; while :; do sleep 1 & wait $!; done"};

  final Path dir;
  private final DockerCli docker = new DockerCli(DockerRig.dockerHost(), "dso-rot-");
  final String host = docker.host;
  final String suffix = docker.suffix;
  final Path secrets;
  final int metricsPort = FreePorts.loopback();
  final int apiPort = FreePorts.loopback();

  RotationFixture(Path dir) {
    this.dir = dir;
    this.secrets = dir.resolve("secrets.json");
  }

  // ---------------------------------------------------------------- docker CLI

  /** A unique container name, removed (with its temporary variants) on close. */
  String name(String base) {
    return docker.name(base);
  }

  /** {@link DockerCli#run} with stdout and stderr trimmed. */
  DockerCli.Result run(String... args) {
    return docker.run(args).trimmed();
  }

  /** Runs a CLI command that must succeed; returns its trimmed stdout. */
  String ok(String... args) {
    return docker.ok(args);
  }

  /** {@code docker run -d --name NAME OPTS IMAGE CMD}: callers add --network none / --init themselves. */
  String runDetached(String name, List<String> opts, String image, String... cmd) {
    List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name));
    args.addAll(opts);
    args.add(image);
    args.addAll(Arrays.asList(cmd));
    return ok(args.toArray(String[]::new));
  }

  /** A target: --network none --init, dso.reloader/dso.secrets labels, plus {@code opts}. */
  String runTarget(String name, String secret, List<String> opts, String image, String... cmd) {
    List<String> all = new ArrayList<>(List.of("--network", "none", "--init",
        "--label", "dso.reloader=true", "--label", "dso.secrets=" + secret));
    all.addAll(opts);
    return runDetached(name, all, image, cmd);
  }

  /** A fresh directory on /dev/shm (tmpfs) for --secrets-dir; deleted on close. */
  Path shmDir() {
    try {
      Path d = Files.createTempDirectory(Path.of("/dev/shm"), "dso-rot-" + suffix);
      shm.add(d);
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final List<Path> shm = new ArrayList<>();
  private final List<String> volumes = new ArrayList<>();

  /** A unique named volume, removed on close. */
  String volume(String base) {
    String v = "dso-rot-" + base + "-" + suffix;
    volumes.add(v);
    return v;
  }

  JsonNode inspect(String container) {
    return docker.inspect(container);
  }

  static Map<String, String> labels(JsonNode inspect) {
    return DockerCli.labels(inspect);
  }

  static Map<String, String> env(JsonNode inspect) {
    return DockerCli.env(inspect);
  }

  /** Every container whose name starts with {@code base}, as "name state". */
  List<String> family(String base) {
    String out = ok("ps", "-a", "--filter", "name=^/" + base, "--format", "{{.Names}} {{.State}}");
    return out.isEmpty() ? List.of() : List.of(out.split("\n"));
  }

  String id(String name) {
    return ok("inspect", "--format", "{{.Id}}", name);
  }

  // ---------------------------------------------------------------- provider and agent

  /** Rewrites secrets.json atomically (the poller never sees half a file). */
  void secret(String name, Map<String, String> values) {
    writeSecrets(Map.of(name, values));
  }

  void writeSecrets(Map<String, Map<String, String>> all) {
    try {
      Path tmp = dir.resolve(".secrets.json.tmp");
      Files.writeString(tmp, JSON.writeValueAsString(all));
      Files.move(tmp, secrets, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * dso.yaml: local provider, polling 1 s, cooldown 1 s, health_check_timeout 10 s, grace 2 s;
   * {@code secretsYaml} is the list under {@code secrets:} (indented by 2).
   */
  Path config(String strategy, int maxParallel, String secretsYaml) {
    String yaml = """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { polling_interval: 1s }
          rotation: { strategy: %s, health_check_timeout: 10s, max_parallel: %d, cooldown: 1s }
          restart_strategy: { grace_period: 2s }
        secrets:
        %s""".formatted(strategy, maxParallel, secretsYaml.indent(2));
    try {
      Path config = dir.resolve("dso.yaml");
      Files.writeString(config, yaml);
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  AgentProcess start(Path config, Map<String, String> extraEnv, String... extraArgs) throws Exception {
    Map<String, String> env = new LinkedHashMap<>(extraEnv);
    env.put("DOCKER_HOST", host);
    AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort, env, extraArgs);
    agent.awaitMetrics(Duration.ofSeconds(60));
    return agent;
  }

  List<JsonNode> audit(String event) throws Exception {
    Path audit = dir.resolve("audit.log");
    if (!Files.exists(audit)) {
      return List.of();
    }
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(audit)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = JSON.readTree(line);
      if (event == null || n.path("event").asText().equals(event)) {
        out.add(n);
      }
    }
    return out;
  }

  /** Audit records of {@code event} about container {@code id} (records carry the 12-character short id). */
  List<JsonNode> audit(String event, String containerId) throws Exception {
    String shortId = containerId.substring(0, Math.min(12, containerId.length()));
    return audit(event).stream().filter(r -> r.path("container_id").asText().equals(shortId)).toList();
  }

  /** Keeps the agent's logs and audit of a failed run for the report (the temp dir is deleted). */
  void keepLogs(String testName) {
    try {
      Path keep = Path.of(System.getProperty("java.io.tmpdir"), "dso-rotation-it", testName + "-" + suffix);
      Files.createDirectories(keep);
      for (String f : List.of("stdout.log", "stderr.log", "audit.log", "dso.yaml", "stderr-1.log", "stderr-2.log")) {
        if (Files.exists(dir.resolve(f))) {
          Files.copy(dir.resolve(f), keep.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      // best effort
    }
  }

  String metrics() throws Exception {
    return AgentProcess.get(metricsPort, "/metrics").body();
  }

  /** The value of one sample, e.g. {@code metric("dso_rotation_events_total", "status=\"success\",strategy=\"rolling\"")}; 0 when absent. */
  double metric(String name, String... labelPairs) throws Exception {
    for (String line : metrics().split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all = Arrays.stream(labelPairs).allMatch(line::contains);
      if (all) {
        Matcher m = Pattern.compile(" ([-+0-9.eE]+|NaN)$").matcher(line);
        if (m.find()) {
          return Double.parseDouble(m.group(1));
        }
      }
    }
    return 0;
  }

  /** [start, end] of a secret_rotate record: its timestamp minus duration_ms. */
  static Instant[] interval(JsonNode rotate) {
    Instant end = Instant.parse(rotate.path("timestamp").asText());
    return new Instant[] {end.minusMillis(rotate.path("duration_ms").asLong()), end};
  }

  /** Asserts the target invariant: one running container named {@code name}, no temporaries. */
  void assertSingleRunning(String name) {
    assertThat(family(name)).as("containers named %s*", name).containsExactly(name + " running");
  }

  @Override
  public void close() {
    docker.close();
    volumes.forEach(v -> run("volume", "rm", "-f", v));
    for (Path d : shm) {
      try (var walk = Files.walk(d)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // best effort
      }
    }
  }
}
