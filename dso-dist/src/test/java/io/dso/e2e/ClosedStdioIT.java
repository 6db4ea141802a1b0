package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./dso} launcher started with stdin closed (a cron job, {@code <&-}): the JVM would
 * otherwise get one of its own files as descriptor 0 and {@code secret set} would read that file as
 * the value (or crash). A closed stdin must read as empty.
 */
class ClosedStdioIT {
  @TempDir Path dir;

  @Test
  void secretSetWithStdinClosedIsAnEmptyValueUsageErrorNotAJvmFileOrACrash() throws Exception {
    Path home = dir.resolve("dso-home");
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    String dso = AgentProcess.repoRoot().resolve("dso").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c",
        "\"$0\" init >/dev/null && exec \"$0\" secret set qa-stdio/closed 0<&-", dso))
        .directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("DSO_SKIP_BUILD", "1");
    pb.environment().put("DSO_HOME", home.toString());
    pb.environment().remove("DSO_MASTER_KEY");
    Process p = pb.start();
    p.getOutputStream().close();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("dso finishes").isTrue();

    String stderr = Files.readString(err);
    assertThat(p.exitValue()).as(stderr).isEqualTo(2);
    assertThat(stderr).contains("the value is empty").doesNotContain("larger than 4 MiB");
  }
}
