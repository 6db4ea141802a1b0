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
 * Env names the real agent refuses at injection, where only a container's labels reveal them: two
 * secrets that would both set one variable, and a secret whose key is a reserved loader variable.
 * Each container is left exactly as it is and a failed {@code secret_inject} record names the
 * variable (and the secrets), never a value; a clean secret next to them is still delivered.
 */
@Tag("docker")
class EnvNameRefusalIT {
  @TempDir Path dir;

  @Test
  void clashingAndReservedVariablesFailTheInjectionAndLeaveTheContainerAsItIs() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String first = "e2e-" + tag + "/first";
    String second = "e2e-" + tag + "/second";
    String loader = "e2e-" + tag + "/loader";
    String canary = "CANARY-envname-" + UUID.randomUUID();
    Files.writeString(dir.resolve("secrets.json"), """
        {"%s": {"DB_PASSWORD": "%s-1"}, "%s": {"DB_PASSWORD": "%s-2"}, "%s": {"LD_PRELOAD": "/tmp/%s.so"}}"""
        .formatted(first, canary, second, canary, loader, canary));
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { polling_interval: 1s }
          rotation: { strategy: restart }
          restart_strategy: { grace_period: 1s }
        secrets:
          - { name: %s, inject: env }
          - { name: %s, inject: env }
          - { name: %s, inject: env }
        """.formatted(first, second, loader));
    try (DockerCli docker = new DockerCli()) {
      String clashName = docker.name("clash");
      String loaderName = docker.name("loader");
      String cleanName = docker.name("clean");
      String clashId = docker.runDetached(clashName, List.of("--label", "dso.reloader=true",
          "--label", "dso.secrets=" + first + "," + second), DockerCli.BUSYBOX, "sleep", "3600");
      String loaderId = docker.runDetached(loaderName, List.of("--label", "dso.reloader=true",
          "--label", "dso.secrets=" + loader), DockerCli.BUSYBOX, "sleep", "3600");
      docker.runDetached(cleanName, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=" + first),
          DockerCli.BUSYBOX, "sleep", "3600");
      Map<String, JsonNode> before = Map.of(clashName, docker.inspect(clashName), loaderName, docker.inspect(loaderName));

      try (AgentProcess agent = AgentProcess.start(dir, config, FreePorts.loopback(), FreePorts.loopback(),
          Map.of("DOCKER_HOST", docker.host))) {
        agent.awaitMetrics(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
          List<JsonNode> failed = failedInjects(agent);
          assertThat(failed).as("clash reported").anySatisfy(r -> {
            assertThat(r.path("container_id").asText()).isEqualTo(clashId.substring(0, 12));
            assertThat(r.path("error").asText()).contains("'" + first + "' and '" + second + "' would both set env var DB_PASSWORD");
          });
          assertThat(failed).as("reserved name reported").anySatisfy(r -> {
            assertThat(r.path("container_id").asText()).isEqualTo(loaderId.substring(0, 12));
            assertThat(r.path("error").asText()).contains("'" + loader + "' would set env var LD_PRELOAD, which is reserved")
                .contains("allow_reserved: true");
          });
          assertThat(docker.execEnv(cleanName)).containsEntry("DB_PASSWORD", canary + "-1");
        });
        for (var e : before.entrySet()) {
          JsonNode now = docker.inspect(e.getKey());
          assertThat(now.path("Id").asText()).as(e.getKey() + " same container").isEqualTo(e.getValue().path("Id").asText());
          assertThat(now.path("State").path("StartedAt").asText()).as(e.getKey() + " not restarted")
              .isEqualTo(e.getValue().path("State").path("StartedAt").asText());
          assertThat(DockerCli.labels(now)).as(e.getKey() + " labels unchanged").isEqualTo(DockerCli.labels(e.getValue()));
          assertThat(docker.execEnv(e.getKey())).doesNotContainKeys("DB_PASSWORD", "LD_PRELOAD");
        }
        agent.terminate();
      }
    }
    for (String log : List.of("audit.log", "stdout.log", "stderr.log")) {
      assertThat(Files.readString(dir.resolve(log))).as(log).doesNotContain(canary);
    }
  }

  private static List<JsonNode> failedInjects(AgentProcess agent) throws Exception {
    return AgentPrometheusIT.auditRecords(agent.audit).stream()
        .filter(r -> r.path("event").asText().equals("secret_inject") && r.path("status").asText().equals("failed"))
        .toList();
  }
}
