package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.testing.DockerRig;
import io.dso.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cooldown and debounce against the real daemon: after one rotation, ten changes inside the
 * cooldown produce exactly one more rotation, to the last value.
 */
@Tag("docker")
class DebounceIT {
  private static final String TOKEN = "debounce-token-" + UUID.randomUUID();

  @TempDir Path dir;

  private String docker(String host, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("DOCKER_HOST", host);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private void write(String value) throws Exception {
    Path tmp = dir.resolve("secrets.json.tmp");
    Files.writeString(tmp, "{\"app/db\": {\"DB_PASSWORD\": \"" + value + "\"}}");
    Files.move(tmp, dir.resolve("secrets.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private int webhook(int apiPort, Instant stamp) throws Exception {
    String body = "{\"provider\":\"local\",\"secret_name\":\"app/db\",\"event_type\":\"updated\",\"timestamp\":\"" + stamp + "\"}";
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/events/secret-update"))
            .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }

  private static long rotations(AgentProcess agent) throws Exception {
    return AgentPrometheusIT.auditRecords(agent.audit).stream()
        .filter(r -> r.get("event").asText().equals("secret_rotate")).count();
  }

  @Test
  void tenChangesInsideTheCooldownGiveExactlyOneRotationToTheLastValue() throws Exception {
    String host = DockerRig.dockerHost();
    String name = "dso-debounce-" + UUID.randomUUID().toString().substring(0, 8);
    write("v0");
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { mode: event }
          webhook: { enabled: true, auth_token: "${DSO_WEBHOOK_TOKEN}" }
          rotation: { strategy: rolling, cooldown: 8s, health_check_timeout: 15s }
          restart_strategy: { grace_period: 1s }
        secrets:
          - name: app/db
            rotation: true
        """);
    int apiPort = FreePorts.loopback();
    Instant stamp = Instant.parse("2026-04-01T10:00:00Z");
    try (AgentProcess agent = AgentProcess.start(dir, config, FreePorts.loopback(), apiPort,
        Map.of("DOCKER_HOST", host, "DSO_WEBHOOK_TOKEN", TOKEN))) {
      docker(host, "run", "-d", "--name", name, "--network", "none", "--init",
          "-l", "dso.reloader=true", "-l", "dso.secrets=app/db", "dso-test/busybox-hc:1");
      agent.awaitMetrics(Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(30)).until(() -> docker(host, "exec", name, "env").contains("DB_PASSWORD=v0"));

      // Rotation 1 fires at once (leading edge) and opens the cooldown.
      write("v1");
      assertThat(webhook(apiPort, stamp = stamp.plusSeconds(1))).isEqualTo(202);
      await().atMost(Duration.ofSeconds(20)).until(() -> rotations(agent) == 1);
      assertThat(docker(host, "exec", name, "env")).contains("DB_PASSWORD=v1");

      // Ten changes inside the cooldown.
      for (int i = 2; i <= 11; i++) {
        write("v" + i);
        assertThat(webhook(apiPort, stamp = stamp.plusSeconds(1))).isEqualTo(202);
        Thread.sleep(150);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> rotations(agent) >= 2);
      await().atMost(Duration.ofSeconds(10)).until(() -> docker(host, "exec", name, "env").contains("DB_PASSWORD=v11"));
      Thread.sleep(10_000); // longer than the cooldown: nothing else may follow
      assertThat(rotations(agent)).isEqualTo(2);
      List<JsonNode> changes = AgentPrometheusIT.auditRecords(agent.audit).stream()
          .filter(r -> r.get("event").asText().equals("secret_change_detected")).toList();
      assertThat(changes).hasSizeGreaterThanOrEqualTo(2);
      assertThat(docker(host, "ps", "-a", "--filter", "name=" + name, "--format", "{{.Names}}").lines().toList())
          .containsExactly(name);
      agent.terminate();
    } finally {
      docker(host, "rm", "-f", name);
    }
  }
}
