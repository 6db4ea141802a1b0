package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.testing.DockerCli;
import io.dso.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent against the rig daemon: a labelled container started with plain {@code docker run}
 * gets its env secret (recreated, keeping name, labels, healthcheck and restart policy) and another its
 * file secret (0400 on the agent's tmpfs, never in Docker's data root); a changed secret rewrites the
 * file in place (same container, no restart) and recreates the env container.
 */
@Tag("docker")
class EnvAndFileInjectionIT {
  private static final Duration INJECT_WITHIN = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void envAndFileSecretsReachContainersAndFollowChanges() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String envSecret = "e2e-" + tag + "/env";
    String fileSecret = "e2e-" + tag + "/file";
    // canaries: long and unique, so a hit anywhere is ours
    String envV1 = "CANARY-env1-" + UUID.randomUUID();
    String fileV1 = "CANARY-file1-" + UUID.randomUUID();
    String envV2 = "CANARY-env2-" + UUID.randomUUID();
    String fileV2 = "CANARY-file2-" + UUID.randomUUID();
    List<String> canaries = List.of(envV1, fileV1, envV2, fileV2);

    Path secretsJson = dir.resolve("secrets.json");
    writeSecrets(secretsJson, envSecret, envV1, fileSecret, fileV1);
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
            inject: { type: file, path: /run/secrets/app }
            rotation: true
        """.formatted(envSecret, fileSecret));

    Path shm = DockerCli.shmDir();
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    List<String> apiBodies = new ArrayList<>();
    try (DockerCli docker = new DockerCli();
        AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort, Map.of("DOCKER_HOST", docker.host),
            "--secrets-dir", shm.toString())) {
      agent.awaitMetrics(Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
          assertThat(AgentProcess.get(apiPort, "/ready").statusCode()).isEqualTo(200));

      // --- plain docker run of two labelled containers ---
      String envName = docker.name("env");
      String fileName = docker.name("file");
      String envId0 = docker.runDetached(envName, List.of("--label", "team=x", "--label", "dso.reloader=true",
          "--label", "dso.secrets=" + envSecret, "--restart", "unless-stopped"), DockerCli.HEALTHY);
      // A file-watching app: strategy none updates its files in place (rolling would give a new container new files).
      String fileId0 = docker.runDetached(fileName, List.of("--label", "dso.reloader=true",
          "--label", "dso.secrets=" + fileSecret, "--label", "dso.update.strategy=none"), DockerCli.BUSYBOX, "sleep", "3600");
      JsonNode envBefore = docker.inspect(envName);
      JsonNode healthcheck = envBefore.path("Config").path("Healthcheck");
      assertThat(healthcheck.path("Test").isArray()).as("the image has a HEALTHCHECK").isTrue();

      // env: recreated with the value, everything else kept
      await().atMost(INJECT_WITHIN).ignoreExceptions().untilAsserted(() ->
          assertThat(docker.execEnv(envName)).containsEntry("API_TOKEN", envV1));
      JsonNode env1 = docker.inspect(envName);
      String envId1 = env1.path("Id").asText();
      assertThat(envId1).as("env injection recreates the container").isNotEqualTo(envId0);
      assertKept(docker, envName, env1, healthcheck);
      assertThat(DockerCli.labels(env1)).containsKey("dso.env." + envSecret);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(docker.inspect(envName).path("State").path("Health").path("Status").asText()).isEqualTo("healthy"));

      // file: content, 0400, on tmpfs, bind-mounted read-only
      await().atMost(INJECT_WITHIN).ignoreExceptions().untilAsserted(() ->
          assertThat(docker.exec(fileName, "cat", "/run/secrets/app/API_TOKEN")).isEqualTo(fileV1));
      JsonNode file1 = docker.inspect(fileName);
      String fileId1 = file1.path("Id").asText();
      String fileStarted1 = file1.path("State").path("StartedAt").asText();
      assertThat(fileId1).as("the first file injection adds the mount by recreating").isNotEqualTo(fileId0);
      assertThat(docker.exec(fileName, "stat", "-c", "%a", "/run/secrets/app/API_TOKEN")).isEqualTo("400");
      JsonNode mount = mountAt(file1, "/run/secrets/app");
      assertThat(mount.path("RW").asBoolean()).as("read-only bind").isFalse();
      Path source = Path.of(mount.path("Source").asText());
      assertThat(source.startsWith(shm)).as(source + " below --secrets-dir " + shm).isTrue();
      assertThat(Files.getFileStore(source).type()).isEqualTo("tmpfs");
      docker.awaitSole(fileName);
      assertThat(DockerCli.labels(file1)).containsEntry("dso.file." + fileSecret, "/run/secrets/app");

      // Docker's data root: the env canary is there (env is visible, as the README warns), the file one never
      Path dataRoot = Path.of(docker.dataRoot());
      assertThat(DockerCli.filesContaining(dataRoot, envV1)).as("env values sit in Docker's state (the scan works)").isNotEmpty();
      assertThat(DockerCli.filesContaining(dataRoot, fileV1)).as("file canary in " + dataRoot).isEmpty();

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        String m = AgentProcess.get(metricsPort, "/metrics").body();
        assertThat(AgentProcess.metric(m, "dso_managed_containers")).as("managed gauge after first injection").isEqualTo(2.0);
      });

      // --- change both secrets ---
      writeSecrets(secretsJson, envSecret, envV2, fileSecret, fileV2);
      await().atMost(INJECT_WITHIN).ignoreExceptions().untilAsserted(() ->
          assertThat(docker.exec(fileName, "cat", "/run/secrets/app/API_TOKEN")).isEqualTo(fileV2));
      JsonNode file2 = docker.inspect(fileName);
      assertThat(file2.path("Id").asText()).as("file update needs no new container").isEqualTo(fileId1);
      assertThat(file2.path("State").path("StartedAt").asText()).as("file update needs no restart").isEqualTo(fileStarted1);
      assertThat(docker.exec(fileName, "stat", "-c", "%a", "/run/secrets/app/API_TOKEN")).isEqualTo("400");

      await().atMost(INJECT_WITHIN).ignoreExceptions().untilAsserted(() ->
          assertThat(docker.execEnv(envName)).containsEntry("API_TOKEN", envV2));
      JsonNode env2 = docker.inspect(envName);
      assertThat(env2.path("Id").asText()).as("env change recreates").isNotEqualTo(envId1);
      assertKept(docker, envName, env2, healthcheck);
      assertThat(DockerCli.labels(env2).get("dso.env." + envSecret))
          .as("version label follows the value").isNotEqualTo(DockerCli.labels(env1).get("dso.env." + envSecret));
      assertThat(DockerCli.filesContaining(dataRoot, fileV2)).as("new file canary in " + dataRoot).isEmpty();

      // --- dso inspect and the API: names and keys, never values ---
      for (String name : List.of(envName, fileName)) {
        String out = dsoInspect(name, apiPort);
        apiBodies.add(out);
        assertThat(out).contains(name).contains("API_TOKEN");
      }
      assertThat(apiBodies.get(0)).contains(envSecret).contains("env");
      assertThat(apiBodies.get(1)).contains(fileSecret).contains("/run/secrets/app");
      var apiEnv = AgentProcess.get(apiPort, "/api/containers/" + envName);
      assertThat(apiEnv.statusCode()).isEqualTo(200);
      apiBodies.add(apiEnv.body());
      apiBodies.add(AgentProcess.get(apiPort, "/api/containers/" + fileName).body());
      apiBodies.add(AgentProcess.get(apiPort, "/api/secrets").body());
      apiBodies.add(AgentProcess.get(apiPort, "/ready").body());

      // --- audit and metrics ---
      String metrics = AgentProcess.get(metricsPort, "/metrics").body();
      apiBodies.add(metrics);
      assertThat(AgentProcess.metric(metrics, "dso_managed_containers")).isEqualTo(2.0);
      assertThat(AgentProcess.metric(metrics, "dso_secret_injections_total{mode=\"env\",status=\"success\"}")).isGreaterThanOrEqualTo(2.0);
      assertThat(AgentProcess.metric(metrics, "dso_secret_injections_total{mode=\"file\",status=\"success\"}")).isGreaterThanOrEqualTo(2.0);
      List<JsonNode> injects = AgentPrometheusIT.auditRecords(agent.audit).stream()
          .filter(r -> r.path("event").asText().equals("secret_inject")).toList();
      for (var expect : List.of(Map.entry(envSecret, env2.path("Id").asText()), Map.entry(fileSecret, fileId1))) {
        assertThat(injects).as("secret_inject for " + expect.getKey()).anySatisfy(r -> {
          assertThat(r.path("secret_name").asText()).isEqualTo(expect.getKey());
          assertThat(r.path("status").asText()).isEqualTo("success");
          assertThat(r.path("container_id").asText()).matches("[0-9a-f]{12}").isEqualTo(expect.getValue().substring(0, 12));
        });
      }
      assertThat(injects.stream().filter(r -> r.path("secret_name").asText().startsWith("e2e-" + tag)))
          .allSatisfy(r -> assertThat(r.path("status").asText()).isEqualTo("success"))
          .allSatisfy(r -> assertThat(r.path("container_id").asText()).matches("[0-9a-f]{12}"));

      // a removed container's secret files are wiped from the tmpfs
      assertThat(shm.resolve(fileName)).isDirectory();
      docker.ok("rm", "-f", fileName);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(shm.resolve(fileName)).doesNotExist());
      assertThat(source).doesNotExist();

      agent.terminate();
    } finally {
      DockerCli.deleteTree(shm);
    }
    // --- canaries: nowhere the agent wrote or answered ---
    for (Path written : List.of(dir.resolve("stdout.log"), dir.resolve("stderr.log"), dir.resolve("audit.log"))) {
      String text = Files.readString(written, StandardCharsets.UTF_8);
      for (String c : canaries) {
        assertThat(text).as(written + " leaks a value").doesNotContain(c);
      }
    }
    for (String body : apiBodies) {
      for (String c : canaries) {
        assertThat(body).as("API/inspect/metrics output leaks a value").doesNotContain(c);
      }
    }
    try (var state = Files.walk(dir.resolve("state"))) {
      for (Path p : state.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        canaries.forEach(c -> assertThat(text).as(p + " leaks a value").doesNotContain(c));
      }
    }
  }

  private static void assertKept(DockerCli docker, String name, JsonNode now, JsonNode healthcheck) {
    assertThat(now.path("Name").asText()).isEqualTo("/" + name);
    assertThat(now.path("State").path("Running").asBoolean()).isTrue();
    assertThat(DockerCli.labels(now)).containsEntry("team", "x").containsEntry("dso.reloader", "true");
    assertThat(now.path("Config").path("Healthcheck")).isEqualTo(healthcheck);
    assertThat(now.path("HostConfig").path("RestartPolicy").path("Name").asText()).isEqualTo("unless-stopped");
    assertThat(now.path("HostConfig").path("NetworkMode").asText()).isEqualTo("none");
    assertThat(now.path("HostConfig").path("Init").asBoolean()).isTrue();
    docker.awaitSole(name);
  }

  private static JsonNode mountAt(JsonNode inspect, String destination) {
    for (JsonNode m : inspect.path("Mounts")) {
      if (m.path("Destination").asText().equals(destination)) {
        return m;
      }
    }
    throw new AssertionError("no mount at " + destination + ": " + inspect.path("Mounts"));
  }

  static void writeSecrets(Path file, String envSecret, String envValue, String fileSecret, String fileValue) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, "{\"%s\": {\"API_TOKEN\": \"%s\"}, \"%s\": {\"API_TOKEN\": \"%s\"}}"
        .formatted(envSecret, envValue, fileSecret, fileValue));
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** {@code ./dso inspect NAME --api-addr ...}: stdout, failing on a non-zero exit. */
  static String dsoInspect(String name, int apiPort) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(AgentProcess.repoRoot().resolve("dso").toString(), "inspect", name,
        "--api-addr", "127.0.0.1:" + apiPort).redirectErrorStream(true);
    pb.environment().put("DSO_SKIP_BUILD", "1");
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("dso inspect: " + out).isZero();
    return out;
  }
}
