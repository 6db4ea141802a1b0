package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.testing.DockerCli;
import io.dso.testing.FreePorts;
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
 * Input cannot forge the agent's stderr: a container label with a newline, an ANSI escape and 10 KB
 * of text, and a 70 KB config value, are echoed escaped on one line and cut with their length; the
 * path given to {@code dso validate} is named for what it is.
 */
@Tag("docker")
class LogForgeryIT {
  private static final String FORGED = "2026-01-01T00:00:00.000Z ERROR Agent - FORGED";
  /** A log line: timestamp, level, logger; or a tab-indented stack frame. */
  private static final String LOG_LINE = "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (TRACE|DEBUG|INFO |WARN |ERROR) .*";

  @TempDir Path dir;

  record Run(int exit, String stdout, String stderr) {}

  private Run dso(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(AgentProcess.repoRoot().resolve("dso").toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".log");
    Path err = Files.createTempFile(dir, "err", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("DSO_SKIP_BUILD", "1");
    pb.environment().put("DSO_SOCKET", dir.resolve("dso.sock").toString());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("dso %s finishes", args[0]).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void aHostileLabelIsLoggedOnOneEscapedCappedLine() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String secret = "forge-" + tag + "/s";
    Files.writeString(dir.resolve("secrets.json"), "{\"%s\": {\"TOKEN\": \"CANARY-forge-%s\"}}".formatted(secret, tag));
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        secrets:
          - name: %s
            inject: env
        """.formatted(secret));
    String hostile = "nosuch\n" + FORGED + "\u001b[2J\u001b[31m" + "A".repeat(10_240);
    try (DockerCli docker = new DockerCli();
        AgentProcess agent = AgentProcess.start(dir, config, FreePorts.loopback(), FreePorts.loopback(),
            Map.of("DOCKER_HOST", docker.host))) {
      agent.awaitMetrics(Duration.ofSeconds(60));
      docker.runDetached(docker.name("forge-secrets"), List.of("--label", "dso.reloader=true",
          "--label", "dso.secrets=" + hostile), DockerCli.BUSYBOX, "sleep", "3600");
      docker.runDetached(docker.name("forge-strategy"), List.of("--label", "dso.reloader=true",
          "--label", "dso.secrets=" + secret, "--label", "dso.update.strategy=" + hostile), DockerCli.BUSYBOX, "sleep", "3600");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        String err = Files.readString(agent.stderr);
        assertThat(err).contains("names unknown secret 'nosuch\\n" + FORGED + "\\e[2J\\e[31m");
        assertThat(err).contains("dso.update.strategy='nosuch\\n" + FORGED);
      });
      agent.terminate();
      String err = Files.readString(agent.stderr);

      assertThat(err).doesNotContain("\u001b").contains("...(" + hostile.length() + " chars)'");
      assertThat(err.lines()).allSatisfy(line -> {
        assertThat(line).matches(LOG_LINE);
        assertThat(line.length()).isLessThan(1_000);
      });
    }
  }

  @Test
  void aSeventyKilobyteConfigValueIsEchoedCutOnOneLine() throws Exception {
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { mode: "%s" }
        secrets: []
        """.formatted("x\\n" + FORGED + "\\e[31m" + "y".repeat(70_000)));

    for (Run r : List.of(dso("validate", "-c", config.toString()),
        dso("agent", "-c", config.toString(), "-metrics-port", "0", "--api-addr", "127.0.0.1:" + FreePorts.loopback(),
            "--state-dir", dir.resolve("state").toString(), "--audit-log", dir.resolve("audit.log").toString()))) {
      assertThat(r.exit()).as(r.stderr()).isEqualTo(1);
      assertThat(r.stderr()).doesNotContain("\u001b").contains("agent.watch.mode: unknown value 'x\\n" + FORGED + "\\e[31m")
          .contains("chars)'");
      assertThat(r.stderr().lines()).allSatisfy(line -> {
        assertThat(line).doesNotStartWith(FORGED);
        assertThat(line.length()).isLessThan(1_000);
      });
    }
  }

  @Test
  void validateNamesWhatThePathIs() throws Exception {
    Run devNull = dso("validate", "-c", "/dev/null");
    assertThat(devNull.exit()).isEqualTo(2);
    assertThat(devNull.stderr()).isEqualTo(
        "dso: error: config file /dev/null is a character device, not a file; pass the path of a dso.yaml file with -c\n");

    Run directory = dso("validate", "-c", dir.toString());
    assertThat(directory.exit()).isEqualTo(2);
    assertThat(directory.stderr()).contains("config file " + dir + " is a directory, not a file");

    Run json = dso("validate", "-c", "/dev/zero", "--json");
    assertThat(json.exit()).isEqualTo(2);
    assertThat(json.stdout()).contains("is a character device, not a file");

    Path empty = Files.createFile(dir.resolve("empty.yaml"));
    Run emptyRun = dso("validate", "-c", empty.toString());
    assertThat(emptyRun.exit()).isEqualTo(1);
    assertThat(emptyRun.stderr()).contains(empty + ":1: the file is empty");

    Run missing = dso("validate", "-c", dir.resolve("nope.yaml").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.stderr()).contains("not found");
  }
}
