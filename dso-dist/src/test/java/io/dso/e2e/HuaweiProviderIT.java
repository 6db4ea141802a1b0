package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.testing.DockerCli;
import io.dso.testing.FakeCsmsServer;
import io.dso.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent, started with {@code ./dso}, loads the {@code huawei} plugin from
 * {@code dist/plugins/huawei}, reads a secret from {@link FakeCsmsServer} on 127.0.0.1 with
 * SDK-HMAC-SHA256 signed requests, injects it into a real container on the test rig, and rotates the
 * container when a new version becomes current.
 */
@Tag("docker")
@Tag("e2e")
class HuaweiProviderIT {
  private static final String PROJECT = "e2e0a1b2c3d4e5f60718293a4b5c6d7e";
  private static final String AK = "HPUAFAKEDSOE2E000001";

  @TempDir Path dir;

  @Test
  void aContainerGetsTheCsmsSecretAndFollowsANewVersion() throws Exception {
    Path plugin = AgentProcess.repoRoot().resolve("dist/plugins/huawei");
    assertThat(plugin.resolve("dso-provider-huawei-0.1.0-SNAPSHOT.jar")).isRegularFile();
    assertNoHuaweiClassIn(AgentProcess.repoRoot().resolve("dist/lib"));

    String tag = UUID.randomUUID().toString().substring(0, 8);
    String secret = "e2e-" + tag + "-db";
    String secretKey = "CANARY-sk-" + UUID.randomUUID();
    String v1 = "CANARY-hw1-" + UUID.randomUUID();
    String v2 = "CANARY-hw2-" + UUID.randomUUID();
    try (FakeCsmsServer fake = new FakeCsmsServer(PROJECT, AK, secretKey)) {
      fake.put(secret, "{\"DB_PASSWORD\":\"" + v1 + "\",\"DB_USER\":\"app\"}");
      Path config = dir.resolve("dso.yaml");
      Files.writeString(config, """
          providers:
            hw-e2e:
              type: huawei
              config:
                region: cn-north-4
                project_id: %s
                endpoint: %s
                read_timeout: 1s
          agent:
            watch: { polling_interval: 1s }
            rotation: { cooldown: 1s }
            restart_strategy: { grace_period: 2s }
          secrets:
            - name: %s
              provider: hw-e2e
              inject: env
              rotation: true
          """.formatted(PROJECT, fake.endpoint(), secret));

      int metricsPort = FreePorts.loopback();
      int apiPort = FreePorts.loopback();
      Map<String, String> env = Map.of("HUAWEICLOUD_SDK_AK", AK, "HUAWEICLOUD_SDK_SK", secretKey);
      try (DockerCli docker = new DockerCli()) {
        var agentEnv = new java.util.HashMap<>(env);
        agentEnv.put("DOCKER_HOST", docker.host);
        try (AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort, agentEnv)) {
          agent.awaitMetrics(Duration.ofSeconds(90));
          String app = docker.name("huawei");
          docker.runDetached(app, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=" + secret),
              DockerCli.BUSYBOX, "sleep", "3600");

          await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
              assertThat(docker.execEnv(app)).containsEntry("DB_PASSWORD", v1).containsEntry("DB_USER", "app"));

          String version2 = fake.put(secret, "{\"DB_PASSWORD\":\"" + v2 + "\",\"DB_USER\":\"app\"}");
          await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
              assertThat(docker.execEnv(app)).containsEntry("DB_PASSWORD", v2));
          assertThat(version2).isNotBlank();

          // what the fake saw: reads of that secret signed with the key from the agent's environment
          assertThat(fake.requests()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.accessKey()).isEqualTo(AK);
            assertThat(r.sdkDate()).isNotBlank();
            assertThat(r.signatureValid()).isTrue();
          });
          assertThat(fake.requests()).anySatisfy(r ->
              assertThat(r.path()).isEqualTo("/v1/" + PROJECT + "/secrets/" + secret + "/versions/latest"));

          // a slow answer: the agent reports the timeout itself and retries; the SDK's own stack trace stays out of the log
          int before = fake.requests().size();
          fake.failNext(0, null, Duration.ofSeconds(4));
          await().atMost(Duration.ofSeconds(60)).until(() -> fake.requests().size() >= before + 3);

          String metrics = AgentProcess.get(metricsPort, "/metrics").body();
          assertThat(metrics).doesNotContain(v1).doesNotContain(v2).doesNotContain(secretKey);
          List<JsonNode> audit = AgentPrometheusIT.auditRecords(agent.audit);
          assertThat(audit).anySatisfy(r -> {
            assertThat(r.path("event").asText()).isEqualTo("secret_fetch");
            assertThat(r.path("provider").asText()).isEqualTo("hw-e2e");
            assertThat(r.path("status").asText()).isEqualTo("success");
          });
          agent.terminate();
        }
      }
    }
    assertThat(Files.readString(dir.resolve("stderr.log"), StandardCharsets.UTF_8)).contains("cannot reach CSMS");
    for (String log : List.of("stdout.log", "stderr.log", "audit.log")) {
      String text = Files.readString(dir.resolve(log), StandardCharsets.UTF_8);
      assertThat(text).as(log).doesNotContain(v1).doesNotContain(v2).doesNotContain(secretKey);
      assertThat(text).as(log + " reports no plugin problem").doesNotContain("plugins/huawei: ");
      assertThat(text).as(log).doesNotContain("SocketTimeoutException");
    }
  }

  /** The agent's own jars carry no Huawei SDK class: the SDK lives in the plugin's class loader only. */
  private static void assertNoHuaweiClassIn(Path lib) throws Exception {
    try (Stream<Path> jars = Files.list(lib)) {
      for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
        try (JarFile f = new JarFile(jar.toFile())) {
          assertThat(f.stream().map(e -> e.getName()).filter(n -> n.startsWith("com/huaweicloud/")).findAny())
              .as(jar + " holds Huawei SDK classes").isEmpty();
        }
      }
    }
  }
}
