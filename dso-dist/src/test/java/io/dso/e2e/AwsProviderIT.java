package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.testing.DockerCli;
import io.dso.testing.FakeSecretsManagerServer;
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
 * The real agent, started with {@code ./dso}, loads the {@code aws} plugin from {@code dist/plugins/aws},
 * reads a secret from {@link FakeSecretsManagerServer} on 127.0.0.1 with signed requests, injects it
 * into a real container on the test rig, and rotates the container when a new version is staged.
 */
@Tag("docker")
@Tag("e2e")
class AwsProviderIT {
  private static final String REGION = "eu-central-1";
  private static final String KEY_ID = "AKIAFAKEDSOE2E000001";

  @TempDir Path dir;

  @Test
  void aContainerGetsTheAwsSecretAndFollowsANewVersion() throws Exception {
    Path plugin = AgentProcess.repoRoot().resolve("dist/plugins/aws");
    assertThat(plugin.resolve("dso-provider-aws-0.1.0-SNAPSHOT.jar")).isRegularFile();
    assertNoAwsClassIn(AgentProcess.repoRoot().resolve("dist/lib"));

    String tag = UUID.randomUUID().toString().substring(0, 8);
    String secret = "e2e-" + tag + "/db";
    String secretKey = "CANARY-sk-" + UUID.randomUUID();
    String v1 = "CANARY-aws1-" + UUID.randomUUID();
    String v2 = "CANARY-aws2-" + UUID.randomUUID();
    try (FakeSecretsManagerServer fake = new FakeSecretsManagerServer(REGION, KEY_ID, secretKey)) {
      fake.putString(secret, "{\"DB_PASSWORD\":\"" + v1 + "\",\"DB_USER\":\"app\"}");
      Path config = dir.resolve("dso.yaml");
      Files.writeString(config, """
          providers:
            aws-e2e:
              type: aws
              config:
                region: %s
                endpoint: %s
          agent:
            watch: { polling_interval: 1s }
            rotation: { cooldown: 1s }
            restart_strategy: { grace_period: 2s }
          secrets:
            - name: %s
              provider: aws-e2e
              inject: env
              rotation: true
          """.formatted(REGION, fake.endpoint(), secret));

      int metricsPort = FreePorts.loopback();
      int apiPort = FreePorts.loopback();
      Map<String, String> env = Map.of(
          "AWS_ACCESS_KEY_ID", KEY_ID, "AWS_SECRET_ACCESS_KEY", secretKey, "AWS_EC2_METADATA_DISABLED", "true");
      try (DockerCli docker = new DockerCli()) {
        var agentEnv = new java.util.HashMap<>(env);
        agentEnv.put("DOCKER_HOST", docker.host);
        try (AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort, agentEnv)) {
          agent.awaitMetrics(Duration.ofSeconds(90));
          String app = docker.name("aws");
          docker.runDetached(app, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=" + secret),
              DockerCli.BUSYBOX, "sleep", "3600");

          await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
              assertThat(docker.execEnv(app)).containsEntry("DB_PASSWORD", v1).containsEntry("DB_USER", "app"));

          String version2 = fake.putString(secret, "{\"DB_PASSWORD\":\"" + v2 + "\",\"DB_USER\":\"app\"}");
          await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
              assertThat(docker.execEnv(app)).containsEntry("DB_PASSWORD", v2));
          assertThat(version2).isNotBlank();

          // what the fake saw: signed reads of that secret, with the key from the agent's environment
          assertThat(fake.requests()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.accessKeyId()).isEqualTo(KEY_ID);
            assertThat(r.region()).isEqualTo(REGION);
            assertThat(r.service()).isEqualTo("secretsmanager");
          });
          assertThat(fake.requests()).anySatisfy(r -> {
            assertThat(r.action()).isEqualTo("GetSecretValue");
            assertThat(r.body().path("SecretId").asText()).isEqualTo(secret);
          });

          String metrics = AgentProcess.get(metricsPort, "/metrics").body();
          assertThat(metrics).doesNotContain(v1).doesNotContain(v2).doesNotContain(secretKey);
          List<JsonNode> audit = AgentPrometheusIT.auditRecords(agent.audit);
          assertThat(audit).anySatisfy(r -> {
            assertThat(r.path("event").asText()).isEqualTo("secret_fetch");
            assertThat(r.path("provider").asText()).isEqualTo("aws-e2e");
            assertThat(r.path("status").asText()).isEqualTo("success");
          });
          agent.terminate();
        }
      }
    }
    for (String log : List.of("stdout.log", "stderr.log", "audit.log")) {
      String text = Files.readString(dir.resolve(log), StandardCharsets.UTF_8);
      assertThat(text).as(log).doesNotContain(v1).doesNotContain(v2).doesNotContain(secretKey);
      assertThat(text).as(log + " reports no plugin problem").doesNotContain("plugins/aws: ");
    }
  }

  /** The agent's own jars carry no AWS SDK class: the SDK lives in the plugin's class loader only. */
  private static void assertNoAwsClassIn(Path lib) throws Exception {
    try (Stream<Path> jars = Files.list(lib)) {
      for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
        try (JarFile f = new JarFile(jar.toFile())) {
          assertThat(f.stream().map(e -> e.getName()).filter(n -> n.startsWith("software/amazon/")).findAny())
              .as(jar + " holds AWS SDK classes").isEmpty();
        }
      }
    }
  }
}
