package io.dso.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.agent.Agent;
import io.dso.agent.AgentOptions;
import io.dso.api.ApiException;
import io.dso.api.SocketRoute;
import io.dso.docker.DockerJavaEngine;
import io.dso.observability.AuditLog;
import io.dso.observability.Redactor;
import io.dso.testing.DockerCli;
import io.dso.testing.DockerRig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's Compose routes against the rig daemon: a service started with exactly what the plan
 * returns (labels, env, mount) is current for the agent (no rotation on first sight); a changed
 * value rotates it; {@code down} purges the project's secrets from the cache (audited with the
 * caller) and wipes its files.
 */
@Tag("docker")
class ComposeAgentDockerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aPlannedServiceIsCurrentThenRotatedOnChangeAndDownPurgesItsSecrets() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String db = "cat-" + tag + "/db";
    String project = "cat" + tag;
    String pass1 = "CANARY-cat-pass1-" + UUID.randomUUID();
    String pass2 = "CANARY-cat-pass2-" + UUID.randomUUID();
    writeSecrets(db, pass1);
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
        """.formatted(db));
    Path shm = DockerCli.shmDir();
    Redactor redactor = new Redactor();
    AuditLog audit = AuditLog.toFile(dir.resolve("audit.log"), Clock.systemUTC(), redactor);
    try (DockerCli docker = new DockerCli(DockerRig.dockerHost(), "dso-cat-");
        Agent agent = Agent.create(new AgentOptions(config, dir.resolve("state"), dir.resolve("audit.log"), docker.host,
            null, shm, false), audit, redactor, new DockerJavaEngine(docker.host), Map.of(), Clock.systemUTC(), "test")) {
      agent.start();
      assertThat(agent.awaitInitialFetch(Duration.ofSeconds(30))).isTrue();
      Map<String, SocketRoute> routes = ComposeRoutes.of(agent);
      assertThat(routes).containsOnlyKeys("POST /api/compose/plan", "POST /api/compose/down");

      JsonNode body = JSON.readTree(JSON.writeValueAsString(Map.of("project", project, "services", List.of(
          Map.of("service", "web", "env", Map.of("DB_URL", "postgresql://dso://" + db + "/user:dso://" + db + "/pass@db/app",
              "PASS_FILE", "dsofile://" + db + "/pass"))))));
      ComposePlan.Response plan = (ComposePlan.Response) routes.get("POST /api/compose/plan").handle("alice", body);
      ComposePlan.ServicePlan web = plan.services().getFirst();
      assertThat(plan.rotating()).isTrue();
      assertThat(web.env()).containsEntry("DB_URL", "postgresql://app:" + pass1 + "@db/app")
          .containsEntry("PASS_FILE", "/run/dso/" + db + "/pass");
      assertThat(web.labels().toString()).doesNotContain(pass1);

      JsonNode bad = JSON.readTree("{\"project\":\"" + project + "\",\"services\":[{\"service\":\"api\","
          + "\"env\":{\"K\":\"dso://" + db + "/nokey\"}}]}");
      assertThatThrownBy(() -> routes.get("POST /api/compose/plan").handle("alice", bad))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404))
          .hasMessageStartingWith("service 'api', variable K: secret '" + db + "' has no key 'nokey' (it has [pass, user])");

      String name = docker.name("web");
      List<String> args = new ArrayList<>();
      web.labels().forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
      web.env().forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
      web.mounts().forEach(m -> args.addAll(List.of("-v", m.source() + ":" + m.target() + ":ro")));
      String id1 = docker.runDetached(name, args, DockerCli.HEALTHY);
      assertThat(docker.exec(name, "cat", "/run/dso/" + db + "/pass")).isEqualTo(pass1);
      assertThat(agent.injector().plan(name).orElseThrow().upToDate()).as("the planned service is current").isTrue();

      writeSecrets(db, pass2);
      await().atMost(Duration.ofSeconds(40)).ignoreExceptions().untilAsserted(() -> {
        assertThat(docker.execEnv(name)).containsEntry("DB_URL", "postgresql://app:" + pass2 + "@db/app");
        assertThat(docker.exec(name, "cat", "/run/dso/" + db + "/pass")).isEqualTo(pass2);
      });
      docker.awaitSole(name);
      assertThat(docker.inspect(name).path("Id").asText()).isNotEqualTo(id1);

      @SuppressWarnings("unchecked")
      Map<String, Object> down = (Map<String, Object>) routes.get("POST /api/compose/down")
          .handle("alice", JSON.readTree("{\"project\":\"" + project + "\"}"));
      assertThat(down).containsEntry("purged", List.of(db)).containsEntry("files_removed", true);
      assertThat(shm.resolve(".compose").resolve(project)).doesNotExist();
      agent.stop();
    } finally {
      DockerCli.deleteTree(shm);
    }
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("audit.log"))) {
      assertThat(line).doesNotContain(pass1).doesNotContain(pass2);
      records.add(JSON.readTree(line));
    }
    assertThat(records).anySatisfy(r -> {
      assertThat(r.path("event").asText()).isEqualTo("compose_plan");
      assertThat(r.path("user").asText()).isEqualTo("alice");
      assertThat(r.path("secret_name").asText()).isEqualTo(db);
      assertThat(r.path("project").asText()).isEqualTo(project);
    });
    assertThat(records).anySatisfy(r -> {
      assertThat(r.path("event").asText()).isEqualTo("compose_plan");
      assertThat(r.path("status").asText()).isEqualTo("failed");
      assertThat(r.path("error").asText()).contains("no key 'nokey'");
    });
    assertThat(records).anySatisfy(r -> {
      assertThat(r.path("event").asText()).isEqualTo("secret_purge");
      assertThat(r.path("user").asText()).isEqualTo("alice");
      assertThat(r.path("secret_name").asText()).isEqualTo(db);
    });
    assertThat(records).anySatisfy(r -> {
      assertThat(r.path("event").asText()).isEqualTo("secret_rotate");
      assertThat(r.path("secret_name").asText()).isEqualTo(db);
      assertThat(r.path("status").asText()).isEqualTo("success");
    });
  }

  private void writeSecrets(String db, String pass) throws Exception {
    Path tmp = dir.resolve("secrets.json.tmp");
    Files.writeString(tmp, JSON.writeValueAsString(Map.of(db, Map.of("user", "app", "pass", pass))));
    Files.move(tmp, dir.resolve("secrets.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
