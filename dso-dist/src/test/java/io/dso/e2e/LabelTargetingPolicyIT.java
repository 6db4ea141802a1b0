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
 * {@code agent.label_targeting: restricted} on the real daemon with the real agent: a container whose
 * own {@code dso.secrets} label asks for a secret that does not allow labels gets nothing, is left
 * exactly as it was, and the refusal is audited once for that container and secret (not on every
 * event or change); a secret with {@code targets.allow_labels: true} is still delivered by label.
 */
@Tag("docker")
class LabelTargetingPolicyIT {
  @TempDir Path dir;

  @Test
  void restrictedModeRefusesLabelRequestsForLockedSecretsAndServesAllowedOnes() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String locked = "e2e-" + tag + "/locked";
    String open = "e2e-" + tag + "/open";
    String canary = "CANARY-locked-" + UUID.randomUUID();
    Path secretsJson = dir.resolve("secrets.json");
    Files.writeString(secretsJson, "{\"%s\": {\"LOCKED_TOKEN\": \"%s\"}, \"%s\": {\"OPEN_TOKEN\": \"open-1\"}}"
        .formatted(locked, canary, open));
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          label_targeting: restricted
          watch: { polling_interval: 1s }
          rotation: { strategy: restart, cooldown: 1s }
          restart_strategy: { grace_period: 1s }
        secrets:
          - name: %s
            inject: env
            rotation: true
          - name: %s
            inject: env
            rotation: true
            targets: { allow_labels: true }
        """.formatted(locked, open));
    try (DockerCli docker = new DockerCli()) {
      String lockedName = docker.name("locked");
      String openName = docker.name("open");
      String lockedId = docker.runDetached(lockedName, List.of("--label", "dso.reloader=true",
          "--label", "dso.secrets=" + locked), DockerCli.BUSYBOX, "sleep", "3600");
      docker.runDetached(openName, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=" + open),
          DockerCli.BUSYBOX, "sleep", "3600");
      JsonNode lockedBefore = docker.inspect(lockedName);

      try (AgentProcess agent = AgentProcess.start(dir, config, FreePorts.loopback(), FreePorts.loopback(),
          Map.of("DOCKER_HOST", docker.host))) {
        agent.awaitMetrics(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
          assertThat(docker.execEnv(openName)).containsEntry("OPEN_TOKEN", "open-1");
          assertThat(refusals(agent, lockedId)).hasSize(1);
        });
        JsonNode refusal = refusals(agent, lockedId).getFirst();
        assertThat(refusal.path("status").asText()).isEqualTo("failed");
        assertThat(refusal.path("error").asText()).contains(lockedName).contains("'" + locked + "'")
            .contains("label_targeting is restricted").contains("targets.allow_labels: true");

        // A change of both secrets: the open one rotates, the locked one is still refused, and not audited again.
        long changes = changeRecords(agent);
        Files.writeString(secretsJson, "{\"%s\": {\"LOCKED_TOKEN\": \"%s-2\"}, \"%s\": {\"OPEN_TOKEN\": \"open-2\"}}"
            .formatted(locked, canary, open));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
          assertThat(changeRecords(agent)).isGreaterThanOrEqualTo(changes + 2);
          assertThat(docker.execEnv(openName)).containsEntry("OPEN_TOKEN", "open-2");
        });
        Thread.sleep(2000); // room for a wrong reaction to the change
        assertThat(refusals(agent, lockedId)).as("refusal audited once per container and secret").hasSize(1);

        JsonNode lockedNow = docker.inspect(lockedName);
        assertThat(lockedNow.path("Id").asText()).isEqualTo(lockedBefore.path("Id").asText());
        assertThat(lockedNow.path("State").path("StartedAt").asText()).isEqualTo(lockedBefore.path("State").path("StartedAt").asText());
        assertThat(DockerCli.labels(lockedNow)).isEqualTo(DockerCli.labels(lockedBefore));
        assertThat(docker.execEnv(lockedName)).doesNotContainKey("LOCKED_TOKEN");
        agent.terminate();
      }
    }
    for (String log : List.of("audit.log", "stdout.log", "stderr.log")) {
      assertThat(Files.readString(dir.resolve(log))).as(log).doesNotContain(canary);
    }
  }

  private static List<JsonNode> refusals(AgentProcess agent, String containerId) throws Exception {
    return AgentPrometheusIT.auditRecords(agent.audit).stream()
        .filter(r -> r.path("event").asText().equals("secret_inject") && r.path("status").asText().equals("failed"))
        .filter(r -> r.path("container_id").asText().equals(containerId.substring(0, 12)))
        .filter(r -> r.path("error").asText().contains("refused"))
        .toList();
  }

  private static long changeRecords(AgentProcess agent) throws Exception {
    return AgentPrometheusIT.auditRecords(agent.audit).stream()
        .filter(r -> r.path("event").asText().equals("secret_change_detected")).count();
  }
}
