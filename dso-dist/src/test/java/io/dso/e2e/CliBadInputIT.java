package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input through the real launcher: every broken config of the corpus makes {@code dso validate}
 * and {@code dso agent} exit non-zero with a file:line message and no stack trace.
 */
class CliBadInputIT {
  @TempDir Path dir;

  record Run(int exit, String stdout, String stderr) {}

  Run dso(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(AgentProcess.repoRoot().resolve("dso").toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".log");
    Path err = Files.createTempFile(dir, "err", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("DSO_SKIP_BUILD", "1");
    pb.environment().put("DSO_SOCKET", dir.resolve("dso.sock").toString());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("dso %s finishes", List.of(args)).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  static List<Path> corpus() throws Exception {
    Path corpus = AgentProcess.repoRoot().resolve("dso-core/src/test/resources/config-corpus");
    try (Stream<Path> s = Files.list(corpus)) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void everyBrokenConfigIsRejectedByValidateWithFileLineAndNoStackTrace() throws Exception {
    List<Path> files = corpus();
    assertThat(files).hasSizeGreaterThanOrEqualTo(20);
    for (Path f : files) {
      Run r = dso("validate", "-c", f.toString());
      assertThat(r.exit()).as("%s exit code; stderr: %s", f.getFileName(), r.stderr()).isIn(1, 2);
      assertThat(r.stderr()).as(f.getFileName().toString()).contains(f.getFileName().toString());
      assertThat(r.stderr() + r.stdout()).as(f.getFileName().toString())
          .doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void agentRefusesABrokenConfigWithExitOneAndStartsNothing() throws Exception {
    Path f = corpus().getFirst();
    Run r = dso("agent", "-c", f.toString(), "-metrics-port", "0", "--api-addr", "127.0.0.1:0",
        "--audit-log", dir.resolve("audit.log").toString(), "--state-dir", dir.resolve("state").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.stderr()).contains(f.getFileName().toString()).contains("problem(s)").doesNotContain("\tat ");
    assertThat(Files.readString(dir.resolve("audit.log"))).contains("\"config_load\"").contains("\"failed\"");
  }

  @Test
  void unknownFlagsAndBadValuesExitNonZeroWithUsage() throws Exception {
    Run unknown = dso("agent", "--no-such-flag");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.stderr()).contains("Unknown option: '--no-such-flag'");
    Run badPort = dso("agent", "-metrics-port", "70000");
    assertThat(badPort.exit()).isEqualTo(2);
    assertThat(badPort.stderr()).contains("-metrics-port must be 0..65535");
    Run notLoopback = dso("agent", "--api-addr", "0.0.0.0:8471");
    assertThat(notLoopback.exit()).isEqualTo(2);
    assertThat(notLoopback.stderr()).contains("not a loopback address");
    Run missing = dso("validate", "-c", dir.resolve("nope.yaml").toString());
    assertThat(missing.exit()).isEqualTo(2);
  }

  @Test
  void validateAcceptsTheQuickstartAndSpeaksJson() throws Exception {
    Path quickstart = AgentProcess.repoRoot().resolve("examples/quickstart/dso.yaml");
    Run r = dso("validate", "-c", quickstart.toString(), "--json");
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("\"valid\" : true");
  }
}
