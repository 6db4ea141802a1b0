package io.dso.e2e;

import io.dso.testing.DockerCli;
import io.dso.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The rotation soak: ten containers (env and file secrets, rolling and restart, HEALTHCHECK images and
 * images with an anonymous {@code VOLUME /data} holding a marker file) on a private Docker daemon, served
 * by the real agent while a driver changes their secrets with unique values, kills the agent at random
 * moments (SIGTERM or SIGKILL, seeded) and restarts the daemon; after each fault and at the end it waits
 * (bounded) for convergence, then checks the end state ({@link SoakChecks}). One harness, two sizes:
 * {@code RotationSoakIT} (reduced, in the test suite) and {@code bench/rotation-soak.sh} (full, via
 * {@link #main}).
 */
public final class RotationSoak {
  /** The size of a run: rotations to perform, faults to inject, bounds. */
  public record Settings(int rotations, int kills, int daemonRestarts, long seed, Duration convergeWithin, Duration driveWithin) {}

  static final int SECRETS = 5;
  private static final String[] IMAGES = {SoakDaemon.HC_VOLUME, SoakDaemon.VOLUME, DockerCli.HEALTHY, DockerCli.BUSYBOX};
  private static final String[] IDLE = {"sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 1 & wait $!; done"};

  final Settings settings;
  final Path work;
  final String runId = UUID.randomUUID().toString().substring(0, 8);
  final String prefix = "soak-" + runId + "-";
  final SoakReport report;
  final List<SoakProbe.Service> services = new ArrayList<>();
  final Map<String, Integer> generation = new LinkedHashMap<>();
  final Map<String, String> baselines = new LinkedHashMap<>();
  private final Random rng;
  private int changes;

  RotationSoak(Settings settings, Path work) {
    this.settings = settings;
    this.work = work;
    this.rng = new Random(settings.seed());
    this.report = new SoakReport(settings.seed(), runId);
    // 10 services: secrets s0..s4, two containers each; s1, s3, s4 in file mode; rolling and restart alternate
    int[][] table = {{0, 0}, {1, 0}, {2, 1}, {3, 1}, {0, 2}, {3, 2}, {2, 3}, {0, 3}, {1, 4}, {0, 4}};
    for (int i = 0; i < table.length; i++) {
      String image = IMAGES[table[i][0]];
      int secret = table[i][1];
      services.add(new SoakProbe.Service(prefix + "c" + i, image, "soak/s" + secret, secret == 1 || secret >= 3,
          i % 2 == 0 ? "rolling" : "restart", image.startsWith("dso-soak/")));
    }
    for (int s = 0; s < SECRETS; s++) {
      generation.put("soak/s" + s, 0);
    }
  }

  /** The canary prefix of every value this run writes: found anywhere but in a container, it is a leak. */
  String canary() {
    return "CANARY-soak-" + runId + "-";
  }

  String value(String secret) {
    return canary() + secret.substring(secret.indexOf('/') + 1) + "-g" + generation.get(secret);
  }

  Map<String, String> newest() {
    Map<String, String> out = new LinkedHashMap<>();
    generation.keySet().forEach(s -> out.put(s, value(s)));
    return out;
  }

  /** Runs the whole soak; the report says what held. */
  static SoakReport run(Settings settings, Path work) throws Exception {
    Files.createDirectories(work);
    return new RotationSoak(settings, work).execute();
  }

  private SoakReport execute() throws Exception {
    long t0 = System.nanoTime();
    System.err.printf("[soak] run %s seed %d: %d rotations, %d agent kills, %d dockerd restarts; logs in %s%n",
        runId, settings.seed(), settings.rotations(), settings.kills(), settings.daemonRestarts(), work);
    Path shm = DockerCli.shmDir();
    try (SoakDaemon daemon = new SoakDaemon(Path.of("/tmp/dso-soak-rig-" + runId))) {
      String host = daemon.up();
      daemon.buildImages();
      DockerCli docker = new DockerCli(host, prefix);
      writeSecrets();
      Path config = writeConfig();
      try (SoakLedger ledger = new SoakLedger(host, prefix, System.currentTimeMillis() * 1_000_000L - 5_000_000_000L);
           SoakAgent agent = new SoakAgent(work, config, shm, host, FreePorts.loopback(), FreePorts.loopback())) {
        SoakProbe probe = new SoakProbe(docker, prefix, services, ledger);
        startServices(docker);
        SoakDriver driver = new SoakDriver(this, daemon, agent, probe, ledger, rng);
        boolean drove = driver.drive();
        new SoakChecks(this, agent, probe, ledger, drove).finish();
      }
    } finally {
      DockerCli.deleteTree(shm);
      Files.deleteIfExists(work.resolve("secrets.json")); // the canary values; the logs stay for the report
      report.figure("total duration", Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
    }
    return report;
  }

  private void startServices(DockerCli docker) {
    for (SoakProbe.Service s : services) {
      List<String> opts = new ArrayList<>(List.of("--restart", "unless-stopped", "--label", "dso.reloader=true",
          "--label", "dso.secrets=" + s.secret(), "--label", "dso.update.strategy=" + s.strategy()));
      String[] cmd = s.image().equals(DockerCli.BUSYBOX) || s.image().equals(SoakDaemon.VOLUME) ? IDLE : new String[0];
      docker.runDetached(s.name(), opts, s.image(), cmd);
      if (s.volume()) {
        docker.exec(s.name(), "sh", "-c", "echo " + marker(s) + " >/data/marker");
      }
    }
  }

  String marker(SoakProbe.Service s) {
    return "marker-" + s.name();
  }

  /** Gives {@code secret} a new unique value (generation + 1) and writes the provider file atomically. */
  void change(String secret) throws Exception {
    generation.merge(secret, 1, Integer::sum);
    changes++;
    writeSecrets();
  }

  int changes() {
    return changes;
  }

  private void writeSecrets() throws Exception {
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    newest().forEach((s, v) -> all.put(s, Map.of(SoakProbe.KEY, v)));
    Path tmp = work.resolve(".secrets.json.tmp");
    Files.writeString(tmp, RotationFixture.JSON.writeValueAsString(all));
    Files.move(tmp, work.resolve("secrets.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private Path writeConfig() throws Exception {
    StringBuilder yaml = new StringBuilder("""
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { polling_interval: 1s }
          rotation: { strategy: rolling, health_check_timeout: 20s, max_parallel: 3, cooldown: 1s }
          restart_strategy: { grace_period: 2s }
        secrets:
        """);
    for (String s : generation.keySet()) {
      boolean file = services.stream().anyMatch(v -> v.secret().equals(s) && v.fileMode());
      yaml.append("  - name: ").append(s).append('\n')
          .append(file ? "    inject: { type: file, path: " + SoakProbe.FILE_DIR + " }\n" : "    inject: env\n")
          .append("    rotation: true\n");
    }
    Path config = work.resolve("dso.yaml");
    Files.writeString(config, yaml);
    return config;
  }

  /** Kinds of the faults in the order the driver injects them: kills (at least one of each signal) and daemon restarts. */
  List<String> faultPlan() {
    List<String> kinds = new ArrayList<>();
    for (int i = 0; i < settings.kills(); i++) {
      kinds.add(i == 0 ? "SIGTERM" : i == 1 ? "SIGKILL" : rng.nextBoolean() ? "SIGTERM" : "SIGKILL");
    }
    for (int i = 0; i < settings.daemonRestarts(); i++) {
      kinds.add("dockerd-restart");
    }
    Collections.shuffle(kinds, rng);
    return kinds;
  }

  /**
   * {@code bench/rotation-soak.sh}: {@code RotationSoak [rotations]} with {@code -Ddso.soak.seed},
   * {@code -Ddso.soak.kills}, {@code -Ddso.soak.restarts}, {@code -Ddso.soak.dir}; prints the report on
   * stdout and exits 1 when a check failed.
   */
  public static void main(String[] args) throws Exception {
    int rotations = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    long seed = Long.getLong("dso.soak.seed", System.nanoTime());
    Settings s = new Settings(rotations, Integer.getInteger("dso.soak.kills", 8), Integer.getInteger("dso.soak.restarts", 2),
        seed, Duration.ofSeconds(Long.getLong("dso.soak.converge_s", 180)), Duration.ofMinutes(Long.getLong("dso.soak.drive_min", 60)));
    Path dir = Path.of(System.getProperty("dso.soak.dir", "/tmp/dso-soak-bench")).resolve("run-" + System.currentTimeMillis());
    SoakReport report = run(s, dir);
    System.out.print(report.text());
    System.exit(report.passed() ? 0 : 1);
  }
}
