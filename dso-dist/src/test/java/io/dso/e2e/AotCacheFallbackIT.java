package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher never fails because of the AOT cache: a damaged cache, one built by another JVM,
 * or none at all, and {@code dso version --json} still answers with clean JSON on stdout.
 */
class AotCacheFallbackIT {
  @TempDir Path dir;

  /** A copy of dist/bin and dist/lib (jars linked, not copied) whose cache this test may spoil. */
  private Path distCopy() throws Exception {
    Path dist = AgentProcess.repoRoot().resolve("dist");
    Path home = dir.resolve("dist");
    Files.createDirectories(home.resolve("bin"));
    Files.createDirectories(home.resolve("lib"));
    for (String f : List.of("dso", "find-java", "jvm-options")) {
      Files.copy(dist.resolve("bin").resolve(f), home.resolve("bin").resolve(f));
    }
    try (Stream<Path> jars = Files.list(dist.resolve("lib"))) {
      for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
        Files.createSymbolicLink(home.resolve("lib").resolve(jar.getFileName()), jar);
      }
    }
    return home;
  }

  private void answersCleanly(Path home) throws Exception {
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    Process p = new ProcessBuilder(home.resolve("bin/dso").toString(), "version", "--json")
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(err)).isZero();
    assertThat(new ObjectMapper().readTree(Files.readString(out)).get("version").asText()).isNotBlank();
    assertThat(Files.readString(err)).as("the JVM's complaint about the cache stays quiet").isEmpty();
  }

  @Test
  void aDamagedCacheAForeignOneOrNoneNeverStopsTheLauncher() throws Exception {
    Path home = distCopy();
    Path stamp = AgentProcess.repoRoot().resolve("dist/lib/dso.aot.jvm");
    Path cache = home.resolve("lib/dso.aot");

    answersCleanly(home); // no cache at all

    Files.writeString(cache, "not an AOT cache\n".repeat(1000));
    if (Files.exists(stamp)) {
      Files.copy(stamp, home.resolve("lib/dso.aot.jvm")); // claims to be this JVM's: the JVM itself refuses it
    }
    answersCleanly(home);

    Files.writeString(home.resolve("lib/dso.aot.jvm"), "/opt/some-other-jdk 99.0.1+1\n");
    answersCleanly(home);
  }
}
