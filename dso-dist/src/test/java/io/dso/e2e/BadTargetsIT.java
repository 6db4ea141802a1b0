package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.testing.DockerCli;
import io.dso.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers that ask for something wrong are reported ({@code secret_inject} failed, with an error
 * naming the problem) and left exactly as they are: same id, still running, no {@code dso.*} label added.
 */
@Tag("docker")
class BadTargetsIT {
  @TempDir Path dir;

  @Test
  void unknownSecretBogusStrategyAndInvalidEnvKeyAreReportedAndLeaveContainersUntouched() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String known = "e2e-" + tag + "/known";
    String badKey = "e2e-" + tag + "/bad-key";
    String unknown = "e2e-" + tag + "/nosuch";
    String canary = "CANARY-bad-" + UUID.randomUUID();
    Path secretsJson = dir.resolve("secrets.json");
    Files.writeString(secretsJson, "{\"%s\": {\"TOKEN\": \"%s\"}, \"%s\": {\"not-an-env-name\": \"%s\"}}"
        .formatted(known, canary, badKey, canary));
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { polling_interval: 1s }
          restart_strategy: { grace_period: 2s }
        secrets:
          - name: %s
            inject: env
            rotation: true
          - name: %s
            inject: env
            rotation: true
        """.formatted(known, badKey));
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    try (DockerCli docker = new DockerCli()) {
      String unknownName = docker.name("unknown");
      String bogusName = docker.name("bogus");
      String keyName = docker.name("badkey");
      String unknownId = docker.runDetached(unknownName, List.of("--label", "dso.reloader=true",
          "--label", "dso.secrets=" + unknown), DockerCli.BUSYBOX, "sleep", "3600");
      String bogusId = docker.runDetached(bogusName, List.of("--label", "dso.reloader=true",
          "--label", "dso.secrets=" + known, "--label", "dso.update.strategy=bogus"), DockerCli.BUSYBOX, "sleep", "3600");
      String keyId = docker.runDetached(keyName, List.of("--label", "dso.reloader=true",
          "--label", "dso.secrets=" + badKey), DockerCli.BUSYBOX, "sleep", "3600");
      Map<String, JsonNode> before = Map.of(unknownName, docker.inspect(unknownName), bogusName, docker.inspect(bogusName),
          keyName, docker.inspect(keyName));

      try (AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort, Map.of("DOCKER_HOST", docker.host))) {
        agent.awaitMetrics(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
          List<JsonNode> failed = failedInjects(agent);
          assertThat(failed).as("unknown secret reported").anySatisfy(r -> {
            assertThat(r.path("container_id").asText()).isEqualTo(unknownId.substring(0, 12));
            assertThat(r.path("error").asText()).contains("unknown secret '" + unknown + "'").contains(unknownName);
          });
          assertThat(failed).as("bogus strategy reported").anySatisfy(r -> {
            assertThat(r.path("container_id").asText()).isEqualTo(bogusId.substring(0, 12));
            assertThat(r.path("error").asText()).contains("dso.update.strategy").contains("'bogus'").contains(bogusName);
          });
          assertThat(failed).as("invalid env key reported").anySatisfy(r -> {
            assertThat(r.path("container_id").asText()).isEqualTo(keyId.substring(0, 12));
            assertThat(r.path("error").asText()).contains("not-an-env-name").contains("environment variable");
          });
        });
        // a change of the secrets must not touch them either
        long changes = changeRecords(agent);
        Files.writeString(secretsJson, "{\"%s\": {\"TOKEN\": \"%s-2\"}, \"%s\": {\"not-an-env-name\": \"%s-2\"}}"
            .formatted(known, canary, badKey, canary));
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> changeRecords(agent) >= changes + 2);
        Thread.sleep(3000); // give a wrong reaction to the change time to happen

        for (var e : before.entrySet()) {
          JsonNode now = docker.inspect(e.getKey());
          assertThat(now.path("Id").asText()).as(e.getKey() + " same container").isEqualTo(e.getValue().path("Id").asText());
          assertThat(now.path("State").path("Running").asBoolean()).as(e.getKey() + " running").isTrue();
          assertThat(now.path("State").path("StartedAt").asText()).as(e.getKey() + " not restarted")
              .isEqualTo(e.getValue().path("State").path("StartedAt").asText());
          assertThat(DockerCli.labels(now)).as(e.getKey() + " labels unchanged").isEqualTo(DockerCli.labels(e.getValue()));
          assertThat(docker.namesLike(e.getKey())).containsExactly(e.getKey());
        }
        String metrics = AgentProcess.get(metricsPort, "/metrics").body();
        assertThat(metrics).doesNotContain(canary);
        assertThat(AgentProcess.metric(metrics, "dso_secret_injections_total{mode=\"env\",status=\"success\"}")).isZero();
        agent.terminate();
      }
    }
    for (String log : List.of("audit.log", "stdout.log", "stderr.log")) {
      assertThat(Files.readString(dir.resolve(log))).as(log).doesNotContain(canary);
    }
    assertThat(Files.readString(dir.resolve("stderr.log"))).contains("left untouched");
  }

  private static long changeRecords(AgentProcess agent) throws Exception {
    return AgentPrometheusIT.auditRecords(agent.audit).stream()
        .filter(r -> r.path("event").asText().equals("secret_change_detected")).count();
  }

  private static List<JsonNode> failedInjects(AgentProcess agent) throws Exception {
    return AgentPrometheusIT.auditRecords(agent.audit).stream()
        .filter(r -> r.path("event").asText().equals("secret_inject") && r.path("status").asText().equals("failed"))
        .toList();
  }
}
