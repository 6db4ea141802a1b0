package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.testing.DockerCli;
import io.dso.testing.FreePorts;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotation concurrency against the real daemon: a change during a rotation is followed by exactly
 * the rotations needed to reach the newest value, never overlapping; {@code max_parallel: 1}
 * rotates containers sharing a secret one at a time, in name order.
 */
@Tag("docker")
class ConcurrencyIT {
  private static final String TOKEN = "concurrency-" + UUID.randomUUID();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;
  private Instant stamp = Instant.parse("2026-04-01T10:00:00Z");

  private void write(String value) throws Exception {
    Path tmp = dir.resolve("secrets.json.tmp");
    Files.writeString(tmp, "{\"app/db\": {\"DB_PASSWORD\": \"" + value + "\"}}");
    Files.move(tmp, dir.resolve("secrets.json"), StandardCopyOption.ATOMIC_MOVE);
  }

  private void change(int apiPort, String value) throws Exception {
    write(value);
    stamp = stamp.plusSeconds(1);
    String body = "{\"provider\":\"local\",\"secret_name\":\"app/db\",\"event_type\":\"updated\",\"timestamp\":\"" + stamp + "\"}";
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/events/secret-update"))
        .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  private AgentProcess agent(DockerCli docker, int apiPort, int maxParallel) throws Exception {
    write("v0");
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { mode: event }
          webhook: { enabled: true, auth_token: "${DSO_WEBHOOK_TOKEN}" }
          rotation: { strategy: rolling, cooldown: 1s, health_check_timeout: 20s, max_parallel: %d }
          restart_strategy: { grace_period: 1s }
        secrets:
          - name: app/db
            rotation: true
        """.formatted(maxParallel));
    return AgentProcess.start(dir, config, FreePorts.loopback(), apiPort,
        Map.of("DOCKER_HOST", docker.host, "DSO_WEBHOOK_TOKEN", TOKEN));
  }

  private static List<JsonNode> rotations(AgentProcess agent) throws Exception {
    return AgentPrometheusIT.auditRecords(agent.audit).stream()
        .filter(r -> r.get("event").asText().equals("secret_rotate")).toList();
  }

  /** [start, end] of a rotation: its record is written at the end, after duration_ms. */
  private static Instant[] interval(JsonNode rotate) {
    Instant end = Instant.parse(rotate.get("timestamp").asText());
    return new Instant[] {end.minusMillis(rotate.get("duration_ms").asLong()), end};
  }

  private static void assertNoOverlap(List<JsonNode> records) {
    List<Instant[]> spans = new ArrayList<>(records.stream().map(ConcurrencyIT::interval).toList());
    spans.sort(Comparator.comparing(s -> s[0]));
    for (int i = 1; i < spans.size(); i++) {
      assertThat(spans.get(i)[0]).as("rotation %d starts after rotation %d ended", i, i - 1)
          .isAfterOrEqualTo(spans.get(i - 1)[1]);
    }
  }

  @Test
  void changeDuringRotationQueuesOneFollowUpToTheNewestValue() throws Exception {
    int apiPort = FreePorts.loopback();
    try (DockerCli docker = new DockerCli(); AgentProcess agent = agent(docker, apiPort, 2)) {
      String name = docker.name("follow");
      docker.runDetached(name, List.of("-l", "dso.reloader=true", "-l", "dso.secrets=app/db"), DockerCli.HEALTHY);
      agent.awaitMetrics(Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "v0".equals(docker.execEnv(name).get("DB_PASSWORD")));
      docker.awaitSole(name);

      change(apiPort, "A");
      // The rotation to A takes over a second (health gate); B and C land while it runs.
      await().atMost(Duration.ofSeconds(10)).until(() -> !docker.namesLike(name + "_dso_new").isEmpty());
      change(apiPort, "B");
      Thread.sleep(300);
      change(apiPort, "C");

      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> "C".equals(docker.execEnv(name).get("DB_PASSWORD")));
      Thread.sleep(3000); // a doubled follow-up would show up now
      List<JsonNode> done = rotations(agent);
      assertThat(done).allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("success"));
      assertThat(done).hasSizeBetween(2, 3);
      assertNoOverlap(done);
      docker.awaitSole(name);
      assertThat(docker.execEnv(name)).containsEntry("DB_PASSWORD", "C");
      agent.terminate();
    }
  }

  @Test
  void maxParallelOneRotatesContainersSharingASecretOneAtATimeInNameOrder() throws Exception {
    int apiPort = FreePorts.loopback();
    try (DockerCli docker = new DockerCli(); AgentProcess agent = agent(docker, apiPort, 1)) {
      List<String> names = new ArrayList<>();
      for (String base : List.of("d", "b", "a", "c")) {
        String name = docker.name("par-" + base);
        names.add(name);
        docker.runDetached(name, List.of("-l", "dso.reloader=true", "-l", "dso.secrets=app/db"), DockerCli.HEALTHY);
      }
      agent.awaitMetrics(Duration.ofSeconds(60));
      for (String n : names) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> "v0".equals(docker.execEnv(n).get("DB_PASSWORD")));
      }
      // The first injections' own container events (rename, start) each ask for a check of that
      // container; one still running when the change lands holds its name, so the change's
      // rotation of it queues behind and a later name goes first. Let them settle: no new
      // rotation record for 3 s.
      int[] seen = {-1};
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(3)).until(() -> {
        int now = rotations(agent).size();
        boolean quiet = now == seen[0];
        seen[0] = now;
        return quiet;
      });
      int before = rotations(agent).size();

      change(apiPort, "shared-1");
      for (String n : names) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> "shared-1".equals(docker.execEnv(n).get("DB_PASSWORD")));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> rotations(agent).size() >= before + 4);
      List<JsonNode> done = rotations(agent).subList(before, before + 4);
      assertNoOverlap(done);
      List<String> ids = done.stream()
          .sorted(Comparator.comparing(r -> interval(r)[0]))
          .map(r -> r.get("container_id").asText()).toList();
      List<String> expectedOrder = names.stream().sorted()
          .map(n -> docker.inspect(n).get("Id").asText().substring(0, 12)).toList();
      assertThat(ids).containsExactlyElementsOf(expectedOrder);
      agent.terminate();
    }
  }
}
