package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.testing.DockerCli;
import io.dso.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's side of Compose, without Compose: a container started with plain {@code docker run}
 * and the labels {@code dso up} gives a service ({@code dso.compose.env} templates with a reference
 * embedded in a longer value and a {@code dsofile://} reference) gets exactly those variables
 * rendered and the file on the agent's tmpfs, and when the values change it is rotated (rolling) onto
 * them. Labels, logs, audit, state and Docker's data root never hold the file value; labels never
 * hold any value.
 */
@Tag("docker")
class ComposeLabelsRotationIT {
  private static final Duration WITHIN = Duration.ofSeconds(40);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aServiceContainerCarryingComposeLabelsGetsItsTemplatesAndIsRotatedWhenValuesChange() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String db = "ca-" + tag + "/db";
    String token = "ca-" + tag + "/token";
    String project = "ca" + tag;
    String pass1 = "CANARY-pass1-" + UUID.randomUUID();
    String pass2 = "CANARY-pass2-" + UUID.randomUUID();
    String tok1 = "CANARY-tok1-" + UUID.randomUUID();
    String tok2 = "CANARY-tok2-" + UUID.randomUUID();
    List<String> canaries = List.of(pass1, pass2, tok1, tok2);
    Path secretsJson = dir.resolve("secrets.json");
    writeSecrets(secretsJson, db, pass1, token, tok1);
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { polling_interval: 1s }
          rotation: { health_check_timeout: 20s, cooldown: 1s }
          restart_strategy: { grace_period: 2s }
        secrets:
          - name: %s
            rotation: true
          - name: %s
            rotation: true
        """.formatted(db, token));
    Map<String, String> templates = new LinkedHashMap<>();
    templates.put("DB_URL", "postgresql://dso://" + db + "/user:dso://" + db + "/pass@db/app");
    templates.put("TOKEN_FILE", "dsofile://" + token);

    Path shm = DockerCli.shmDir();
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    List<String> outputs = new ArrayList<>();
    try (DockerCli docker = new DockerCli();
        AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort, Map.of("DOCKER_HOST", docker.host),
            "--secrets-dir", shm.toString())) {
      agent.awaitMetrics(Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(AgentProcess.get(apiPort, "/ready").statusCode()).isEqualTo(200));

      String web = docker.name("web");
      String id0 = docker.runDetached(web, List.of(
          "--label", "dso.reloader=true", "--label", "dso.secrets=" + db + "," + token,
          "--label", "dso.update.strategy=rolling", "--label", "dso.compose.project=" + project,
          "--label", "dso.compose.service=web", "--label", "dso.compose.env=" + JSON.writeValueAsString(templates),
          "-e", "DB_URL=" + templates.get("DB_URL")), DockerCli.HEALTHY);

      // first sight: a new container with the rendered variables and the service's file mount
      String tokenPath = "/run/dso/" + token;
      await().atMost(WITHIN).ignoreExceptions().untilAsserted(() -> {
        assertThat(docker.execEnv(web)).containsEntry("DB_URL", "postgresql://app:" + pass1 + "@db/app")
            .containsEntry("TOKEN_FILE", tokenPath);
        assertThat(docker.exec(web, "cat", tokenPath)).isEqualTo(tok1);
      });
      docker.awaitSole(web);
      JsonNode first = docker.inspect(web);
      String id1 = first.path("Id").asText();
      assertThat(id1).isNotEqualTo(id0);
      assertThat(DockerCli.env(first)).as("only the template variables, not every key").doesNotContainKeys("user", "pass", "value");
      assertThat(docker.exec(web, "stat", "-c", "%a", tokenPath)).isEqualTo("400");
      JsonNode mount = mountAt(first, "/run/dso");
      assertThat(mount.path("RW").asBoolean()).as("read-only").isFalse();
      Path source = Path.of(mount.path("Source").asText());
      assertThat(source).isEqualTo(shm.resolve(".compose").resolve(project).resolve("web").resolve("files"));
      assertThat(Files.getFileStore(source).type()).isEqualTo("tmpfs");
      String version1 = DockerCli.labels(first).get("dso.env." + db);
      assertThat(version1).as("HMAC version label").matches("[0-9a-f]{64}");
      assertLabelsHoldNoValue(first, canaries);

      // change both: rolled onto a new container with the new values, the file rewritten
      writeSecrets(secretsJson, db, pass2, token, tok2);
      await().atMost(WITHIN).ignoreExceptions().untilAsserted(() -> {
        assertThat(docker.execEnv(web)).containsEntry("DB_URL", "postgresql://app:" + pass2 + "@db/app");
        assertThat(docker.exec(web, "cat", tokenPath)).isEqualTo(tok2);
      });
      docker.awaitSole(web);
      JsonNode second = docker.inspect(web);
      assertThat(second.path("Id").asText()).as("rotated").isNotEqualTo(id1);
      assertThat(DockerCli.labels(second)).containsEntry("dso.compose.project", project)
          .containsEntry("dso.compose.env", JSON.writeValueAsString(templates));
      assertThat(DockerCli.labels(second).get("dso.env." + db)).isNotEqualTo(version1);
      assertLabelsHoldNoValue(second, canaries);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(AgentPrometheusIT.auditRecords(agent.audit)).anySatisfy(r -> {
            assertThat(r.path("event").asText()).isEqualTo("secret_rotate");
            assertThat(r.path("secret_name").asText()).isEqualTo(db);
            assertThat(r.path("status").asText()).isEqualTo("success");
            assertThat(r.path("strategy").asText()).isEqualTo("rolling");
          }));

      Path dataRoot = Path.of(docker.dataRoot());
      for (String c : List.of(tok1, tok2)) {
        assertThat(DockerCli.filesContaining(dataRoot, c)).as("file value in Docker's data root").isEmpty();
      }
      outputs.add(AgentProcess.get(apiPort, "/api/secrets").body());
      outputs.add(AgentProcess.get(apiPort, "/api/containers/" + web).body());
      outputs.add(AgentProcess.get(metricsPort, "/metrics").body());
      agent.terminate();
    } finally {
      DockerCli.deleteTree(shm);
    }
    for (Path written : List.of(dir.resolve("stdout.log"), dir.resolve("stderr.log"), dir.resolve("audit.log"))) {
      if (Files.exists(written)) {
        String text = Files.readString(written, StandardCharsets.UTF_8);
        canaries.forEach(c -> assertThat(text).as(written + " leaks a value").doesNotContain(c));
      }
    }
    outputs.forEach(o -> canaries.forEach(c -> assertThat(o).as("API output leaks a value").doesNotContain(c)));
    try (var state = Files.walk(dir.resolve("state"))) {
      for (Path p : state.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        canaries.forEach(c -> assertThat(text).as(p + " leaks a value").doesNotContain(c));
      }
    }
  }

  private static void assertLabelsHoldNoValue(JsonNode inspect, List<String> canaries) {
    String labels = DockerCli.labels(inspect).toString();
    canaries.forEach(c -> assertThat(labels).as("labels").doesNotContain(c));
  }

  private static JsonNode mountAt(JsonNode inspect, String destination) {
    for (JsonNode m : inspect.path("Mounts")) {
      if (m.path("Destination").asText().equals(destination)) {
        return m;
      }
    }
    throw new AssertionError("no mount at " + destination + ": " + inspect.path("Mounts"));
  }

  private static void writeSecrets(Path file, String db, String pass, String token, String tok) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, JSON.writeValueAsString(Map.of(db, Map.of("user", "app", "pass", pass), token, Map.of("value", tok))));
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
