package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.testing.DockerRig;
import io.dso.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the test rig's real Docker daemon the agent is ready; audit records go to stdout by default. */
@Tag("docker")
class AgentDockerReadinessIT {
  private static final String CANARY = "CANARY-ready-8e21c4";

  @TempDir Path dir;

  @Test
  void agentIsReadyWhenDockerAnswersAndStdoutCarriesOnlyAuditRecords() throws Exception {
    String dockerHost = DockerRig.dockerHost();
    Files.writeString(dir.resolve("secrets.json"), "{\"svc/token\": {\"TOKEN\": \"" + CANARY + "\"}}");
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        secrets:
          - name: svc/token
            inject: { type: file, path: /run/secrets/token }
        """);
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    Path stdoutAudit = dir.resolve("stdout.log");
    try (AgentProcess agent = startWithStdoutAudit(config, metricsPort, apiPort, dockerHost)) {
      agent.awaitMetrics(Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        var ready = AgentProcess.get(apiPort, "/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"docker\":\"connected\"");
      });
      assertThat(AgentProcess.get(metricsPort, "/metrics").body()).contains("dso_docker_up 1.0");
      agent.terminate();
    }
    var records = AgentPrometheusIT.auditRecords(stdoutAudit);
    assertThat(records).isNotEmpty();
    assertThat(records.getLast().get("event").asText()).isEqualTo("agent_stop");
    assertThat(Files.readString(stdoutAudit)).doesNotContain(CANARY);
    assertThat(Files.readString(dir.resolve("stderr.log"))).doesNotContain(CANARY);
  }

  /** Like {@link AgentProcess#start} but without --audit-log, so records land on stdout. */
  private AgentProcess startWithStdoutAudit(Path config, int metricsPort, int apiPort, String dockerHost) throws Exception {
    return AgentProcess.startRaw(dir, metricsPort, apiPort, Map.of("DOCKER_HOST", dockerHost),
        "agent", "-c", config.toString(), "-metrics-port", String.valueOf(metricsPort),
        "--api-addr", "127.0.0.1:" + apiPort, "--state-dir", dir.resolve("state").toString());
  }
}
