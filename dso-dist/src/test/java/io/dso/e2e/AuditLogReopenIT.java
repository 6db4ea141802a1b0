package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * logrotate against the real agent (./dso): the audit log is moved away, SIGHUP is sent, and the
 * records written after it land in a new file at the original path; together the two files hold
 * every record exactly once, in order. No Docker needed.
 */
@Tag("e2e")
class AuditLogReopenIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CANARY = "CANARY-audit-reopen-5d1f";

  @TempDir Path dir;

  private void writeSecrets(String value, long stamp) throws IOException {
    Path file = dir.resolve("secrets.json");
    Files.writeString(file, "{\"reopen/a\": {\"V\": \"" + value + "-a\"}, \"reopen/b\": {\"V\": \"" + value + "-b\"}}");
    Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(stamp)));
  }

  private static List<JsonNode> records(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      List<JsonNode> out = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        out.add(JSON.readTree(line));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long count(List<JsonNode> records, String event) {
    return records.stream().filter(r -> r.get("event").asText().equals(event)).count();
  }

  @Test
  void afterAMoveAndSighupNewRecordsLandInANewFileAtTheOriginalPathAndNoneIsLost() throws Exception {
    writeSecrets(CANARY + "-1", 1_800_000_000L);
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { mode: polling, polling_interval: 1s }
        secrets:
          - name: reopen/a
            rotation: true
          - name: reopen/b
            rotation: true
        """);
    try (AgentProcess agent = AgentProcess.start(dir, config, FreePorts.loopback(), FreePorts.loopback(),
        Map.of("DOCKER_HOST", "unix://" + dir.resolve("no-docker.sock")))) {
      agent.awaitMetrics(Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(30)).until(() -> count(records(agent.audit), "secret_fetch") >= 2);
      Path rotated = dir.resolve("audit.log.1");
      Files.move(agent.audit, rotated);

      Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(agent.pid())).inheritIO().start();
      assertThat(hup.waitFor(10, TimeUnit.SECONDS) && hup.exitValue() == 0).as("kill -HUP sent").isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(agent.audit));
      assertThat(agent.alive()).as("SIGHUP does not stop the agent").isTrue();

      writeSecrets(CANARY + "-2", 1_800_000_100L);
      await().atMost(Duration.ofSeconds(30)).until(() -> count(records(agent.audit), "secret_change_detected") >= 2);
      agent.terminate();

      List<JsonNode> before = records(rotated);
      List<JsonNode> after = records(agent.audit);
      assertThat(count(before, "secret_fetch")).isEqualTo(2);
      assertThat(count(before, "secret_change_detected")).isZero();
      assertThat(count(after, "secret_change_detected")).isEqualTo(2);
      assertThat(count(after, "secret_fetch")).as("one changed fetch per secret, no unchanged poll").isEqualTo(2);
      assertThat(after.getLast().get("event").asText()).isEqualTo("agent_stop");
      assertThat(count(before, "agent_stop") + count(after, "agent_stop")).isEqualTo(1);
      assertThat(before.getLast().get("timestamp").asText()).isLessThanOrEqualTo(after.getFirst().get("timestamp").asText());
      assertThat(Files.getPosixFilePermissions(agent.audit)).hasSize(2); // rw------- again
      for (Path f : List.of(rotated, agent.audit, agent.stdout, agent.stderr)) {
        assertThat(Files.readString(f)).as(f.getFileName().toString()).doesNotContain(CANARY);
      }
    }
  }
}
