package io.dso.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("docker")
class EventStreamTest {

  /** Events with their arrival time (System.nanoTime). */
  private final List<ContainerEvent> events = new CopyOnWriteArrayList<>();
  private final Map<String, Long> arrival = new ConcurrentHashMap<>();
  private final List<Boolean> connection = new CopyOnWriteArrayList<>();
  private final AtomicLong lastConnectionChange = new AtomicLong();
  private final List<AutoCloseable> toClose = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  private AutoCloseable subscribe(DockerEngine engine) {
    AutoCloseable sub = engine.events(e -> {
      events.add(e);
      arrival.putIfAbsent(e.action() + " " + e.id(), System.nanoTime());
    }, up -> {
      connection.add(up);
      lastConnectionChange.set(System.nanoTime());
    });
    toClose.add(sub);
    return sub;
  }

  private long awaitEvent(String action, String id, long since) {
    // Latency is printed, not asserted (a stopwatch fails on a loaded machine); the bench measures it.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
        .until(() -> arrival.containsKey(action + " " + id));
    long ms = (arrival.get(action + " " + id) - since) / 1_000_000;
    System.out.printf("event %s after %d ms%n", action, ms);
    return ms;
  }

  @Test
  void eventsReportCreateStartRenameDieDestroyAndNoHealthNoise() {
    RigContainers rig = new RigContainers();
    toClose.add(rig);
    subscribe(rig.engine);
    await().atMost(Duration.ofSeconds(5)).until(() -> connection.contains(true));

    String name = rig.name("ev");
    String renamed = rig.name("ev-renamed");
    long t = System.nanoTime();
    String id = rig.create(name, RigContainers.HEALTHY, cmd -> cmd);
    awaitEvent("create", id, t);
    t = System.nanoTime();
    rig.engine.start(id);
    awaitEvent("start", id, t);
    // let the healthcheck run (interval 1 s): its exec_* and health_status events must stay out
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> "healthy".equals(rig.engine.inspect(id).orElseThrow().health()));
    sleep(Duration.ofMillis(1500));
    t = System.nanoTime();
    rig.engine.rename(id, renamed);
    awaitEvent("rename", id, t);
    t = System.nanoTime();
    rig.engine.stop(id, Duration.ofSeconds(5));
    awaitEvent("die", id, t);
    t = System.nanoTime();
    rig.engine.remove(id, false);
    awaitEvent("destroy", id, t);

    List<ContainerEvent> ours = events.stream().filter(e -> e.id().equals(id)).toList();
    assertThat(ours).extracting(ContainerEvent::action).containsExactly("create", "start", "rename", "die", "destroy");
    assertThat(ours.get(0).name()).isEqualTo(name);
    assertThat(ours.get(2).name()).isEqualTo(renamed);
    assertThat(events).extracting(ContainerEvent::action).allMatch(EventStream.ACTIONS::contains);
    assertThat(connection).containsExactly(true);
  }

  @Test
  void eventsReconnectAfterDaemonRestart() throws Exception {
    Path dir = Path.of("/tmp/dso-rig-restart-" + UUID.randomUUID().toString().substring(0, 8));
    PrivateRig second = new PrivateRig(dir);
    try {
      second.run("up");
      String host = second.dockerHost();
      RigContainers rig = new RigContainers(host);
      toClose.add(rig);
      subscribe(rig.engine);
      await().atMost(Duration.ofSeconds(5)).until(() -> connection.contains(true));

      long down = System.nanoTime();
      second.run("down");
      await().atMost(Duration.ofSeconds(5)).until(() -> connection.size() == 2);
      assertThat(connection).containsExactly(true, false);
      System.out.printf("lost after down started: %d ms%n", (lastConnectionChange.get() - down) / 1_000_000);

      // a private probe records when the restarted daemon first answers
      AtomicLong firstAnswer = new AtomicLong();
      Thread probe = Thread.ofVirtual().start(() -> {
        try (DockerJavaEngine p = new DockerJavaEngine(host)) {
          while (firstAnswer.get() == 0 && !Thread.currentThread().isInterrupted()) {
            if (p.ping()) {
              firstAnswer.set(System.nanoTime());
            }
            sleep(Duration.ofMillis(20));
          }
        }
      });
      try {
        second.run("up");
        await().atMost(Duration.ofSeconds(5)).until(() -> firstAnswer.get() != 0);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> connection.size() == 3);
      } finally {
        probe.interrupt();
      }
      assertThat(connection).containsExactly(true, false, true);
      long reconnectMs = (lastConnectionChange.get() - firstAnswer.get()) / 1_000_000;
      System.out.printf("reconnected %d ms after the restarted daemon first answered%n", reconnectMs);
      assertThat(reconnectMs).isLessThan(5_000);

      String name = rig.name("after-restart");
      long t = System.nanoTime();
      String id = rig.create(name, RigContainers.BUSYBOX, cmd -> cmd);
      awaitEvent("create", id, t);
    } finally {
      for (AutoCloseable c : toClose.reversed()) {
        c.close();
      }
      toClose.clear();
      second.purge();
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A second dockerd via scripts/test-rig.sh with its own state dir, for the restart test only. */
  private static final class PrivateRig {
    private final Path dir;
    private final Path script;

    PrivateRig(Path dir) {
      this.dir = dir;
      Path p = Path.of("").toAbsolutePath();
      while (p != null && !Files.isRegularFile(p.resolve("scripts/test-rig.sh"))) {
        p = p.getParent();
      }
      if (p == null) {
        throw new AssertionError("no scripts/test-rig.sh above " + Path.of("").toAbsolutePath());
      }
      this.script = p.resolve("scripts/test-rig.sh");
    }

    void run(String command) throws IOException, InterruptedException {
      run(command, false);
    }

    private void run(String command, boolean purge) throws IOException, InterruptedException {
      Path log = Files.createTempFile("dso-rig-restart", ".log");
      try {
        ProcessBuilder pb = new ProcessBuilder(script.toString(), command)
            .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("DOCKER_HOST");
        pb.environment().put("DSO_TEST_RIG_DIR", dir.toString());
        if (purge) {
          pb.environment().put("DSO_TEST_RIG_PURGE", "1");
        }
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroy();
          throw new AssertionError("test-rig.sh " + command + " hung:\n" + Files.readString(log) + daemonLog());
        }
        if (p.exitValue() != 0) {
          throw new AssertionError("test-rig.sh " + command + " failed (" + p.exitValue() + "):\n"
              + Files.readString(log) + daemonLog());
        }
      } finally {
        Files.deleteIfExists(log);
      }
    }

    private String daemonLog() {
      try {
        List<String> lines = Files.readAllLines(dir.resolve("dockerd.log"), StandardCharsets.UTF_8);
        return "\n--- dockerd.log (tail) ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
      } catch (IOException e) {
        return "\n(no dockerd.log: " + e.getMessage() + ")";
      }
    }

    String dockerHost() throws IOException {
      String env = Files.readString(dir.resolve("env"));
      var m = java.util.regex.Pattern.compile("DOCKER_HOST=(\\S+)").matcher(env);
      if (!m.find()) {
        throw new AssertionError("no DOCKER_HOST in " + dir.resolve("env") + ": " + env);
      }
      return m.group(1);
    }

    void purge() throws IOException, InterruptedException {
      run("down", true);
    }
  }
}
