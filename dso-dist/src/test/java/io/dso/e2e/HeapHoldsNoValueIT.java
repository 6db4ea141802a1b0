package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.testing.DockerCli;
import io.dso.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code agent.cache: false} no secret value stays reachable in the agent once it is injected:
 * a heap dump of the real agent process ({@code jcmd <pid> GC.heap_dump}, live objects only) holds
 * no byte of the canary in UTF-8/Latin-1 (String and byte[]) or UTF-16 (char[]) form. The same run
 * with the cache on finds the canary, which proves the search sees values when they are there.
 */
@Tag("docker")
class HeapHoldsNoValueIT {
  @TempDir Path dir;

  @Test
  void withTheCacheOffTheHeapHoldsNoInjectedValue() throws Exception {
    Map<String, Integer> hits = injectAndSearchHeap(false);

    assertThat(hits).as("canary hits per form in the heap dump").allSatisfy((form, n) -> assertThat(n).as(form).isZero());
  }

  @Test
  void withTheCacheOnTheSameSearchFindsTheValue() throws Exception {
    Map<String, Integer> hits = injectAndSearchHeap(true);

    assertThat(hits.values().stream().mapToInt(Integer::intValue).sum()).as("canary hits with cache on: %s", hits).isPositive();
  }

  private Map<String, Integer> injectAndSearchHeap(boolean cache) throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String envSecret = "heap-" + tag + "/env";
    String fileSecret = "heap-" + tag + "/file";
    String envCanary = "HEAPCANARY-env-" + UUID.randomUUID();
    String fileCanary = "HEAPCANARY-file-" + UUID.randomUUID();
    Files.writeString(dir.resolve("secrets.json"), """
        {"%s": {"API_TOKEN": "%s"}, "%s": {"API_TOKEN": "%s"}}
        """.formatted(envSecret, envCanary, fileSecret, fileCanary));
    Path config = dir.resolve("dso.yaml");
    // No rotation and a long TTL: nothing fetches after the injection, so nothing is in flight at the dump.
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          cache: %s
          refresh_interval: 1h
        secrets:
          - name: %s
            inject: env
          - name: %s
            inject: { type: file, path: /run/secrets/app }
        """.formatted(cache, envSecret, fileSecret));
    Path shm = DockerCli.shmDir();
    try (DockerCli docker = new DockerCli();
        AgentProcess agent = AgentProcess.start(dir, config, FreePorts.loopback(), FreePorts.loopback(),
            Map.of("DOCKER_HOST", docker.host), "--secrets-dir", shm.toString())) {
      agent.awaitMetrics(Duration.ofSeconds(60));
      String envName = docker.name("heap-env");
      String fileName = docker.name("heap-file");
      docker.runDetached(envName, List.of("--label", "dso.reloader=true",
          "--label", "dso.secrets=" + envSecret), DockerCli.BUSYBOX, "sleep", "3600");
      docker.runDetached(fileName, List.of("--label", "dso.reloader=true",
          "--label", "dso.secrets=" + fileSecret), DockerCli.BUSYBOX, "sleep", "3600");
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
        assertThat(docker.execEnv(envName)).containsEntry("API_TOKEN", envCanary);
        assertThat(docker.exec(fileName, "cat", "/run/secrets/app/API_TOKEN")).isEqualTo(fileCanary);
      });
      // Let the event-driven reconcile of the new containers settle before looking.
      Thread.sleep(3_000);

      Path dump = dir.resolve("agent.hprof");
      jcmd(agent.pid(), "GC.heap_dump", dump.toString());
      byte[] heap = Files.readAllBytes(dump);
      assertThat(heap.length).as("heap dump size").isGreaterThan(1_000_000);
      Map<String, Integer> hits = new LinkedHashMap<>();
      for (String canary : List.of(envCanary, fileCanary)) {
        String which = canary.contains("-env-") ? "env" : "file";
        hits.put(which + " utf-8/latin-1", count(heap, canary.getBytes(StandardCharsets.UTF_8)));
        hits.put(which + " utf-16be", count(heap, canary.getBytes(StandardCharsets.UTF_16BE)));
        hits.put(which + " utf-16le", count(heap, canary.getBytes(StandardCharsets.UTF_16LE)));
        // A value split across objects still shares a long tail with the canary: search its random part too.
        String tail = canary.substring(canary.length() - 24);
        hits.put(which + " tail utf-8", count(heap, tail.getBytes(StandardCharsets.UTF_8)));
        hits.put(which + " tail utf-16be", count(heap, tail.getBytes(StandardCharsets.UTF_16BE)));
      }
      Files.delete(dump);
      agent.terminate();
      assertThat(Files.readString(agent.stderr)).doesNotContain(envCanary).doesNotContain(fileCanary);
      return hits;
    } finally {
      DockerCli.deleteTree(shm);
    }
  }

  /** Runs the target JVM's own jcmd (same JDK), so that attaching works whatever the test JVM is. */
  private static void jcmd(long pid, String... command) throws Exception {
    String java = ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElseThrow();
    Path jcmd = Path.of(java).resolveSibling("jcmd");
    List<String> cmd = new java.util.ArrayList<>(List.of(jcmd.toString(), String.valueOf(pid)));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("jcmd finishes").isTrue();
    assertThat(p.exitValue()).as("jcmd %s: %s", command[0], out).isZero();
  }

  private static int count(byte[] hay, byte[] needle) {
    int n = 0;
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      n++;
    }
    return n;
  }
}
