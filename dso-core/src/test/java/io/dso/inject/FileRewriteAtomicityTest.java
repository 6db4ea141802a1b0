package io.dso.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.config.FileFormat;
import io.dso.provider.SecretPayload;
import io.dso.testing.DockerRig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A reader loop inside a real container reads a bind-mounted secret file continuously while the
 * {@link FileInjector} rewrites it 200 times: it must never see an empty or partial value.
 */
@Tag("docker")
class FileRewriteAtomicityTest {
  private static final int REWRITES = 200;
  private static final String FILL = "x".repeat(4096);

  /**
   * Reads /run/secrets/s/value until /tmp/stop exists; a complete value is {@code v-<n>-} + 4096 x
   * + {@code -end}, so anything else (empty, cut, mixed length) prints {@code BAD:<length>}.
   */
  private static final String READER = """
      f=/run/secrets/s/value; reads=0; changes=0; last=
      echo START
      while [ ! -e /tmp/stop ]; do
        v=$(cat $f)
        case "$v" in
          v-*-*-end)
            n=${v#v-}; n=${n%%-*}
            if [ ${#v} -ne $(( 4103 + ${#n} )) ]; then echo "BAD:${#v}"; fi
            if [ "$n" != "$last" ]; then changes=$((changes+1)); last=$n; fi ;;
          *) echo "BAD:${#v}" ;;
        esac
        reads=$((reads+1))
      done
      echo "READS:$reads CHANGES:$changes"
      """;

  @Test
  void aReaderInTheContainerNeverSeesAPartialFileAcross200Rewrites() throws Exception {
    String host = DockerRig.dockerHost();
    Path root = Path.of("/dev/shm", "dso-it-" + UUID.randomUUID().toString().substring(0, 8));
    String name = "dso-t-atomic-" + UUID.randomUUID().toString().substring(0, 8);
    Files.createDirectories(root);
    try {
      assertThat(SecretsDir.filesystemType(root)).isEqualTo("tmpfs");
      FileInjector files = new FileInjector(root);
      var spec = InjectFixtures.file("app/s", "/run/secrets/s", FileFormat.FILES, Map.of());
      String generation = FileInjector.newGeneration();
      files.write(name, generation, spec, payload(0), "v0", Instant.now());
      Path data = files.dataDir(name, generation, "app/s");

      docker(host, "run", "-d", "--name", name, "--network", "none", "--init",
          "-v", data + ":/run/secrets/s:ro", "dso-test/busybox:1", "sh", "-c", READER);
      await().atMost(Duration.ofSeconds(10)).until(() -> docker(host, "logs", name).contains("START"));

      long t0 = System.nanoTime();
      for (int i = 1; i <= REWRITES; i++) {
        files.write(name, generation, spec, payload(i), "v" + i, Instant.now());
        Thread.sleep(5); // spread the rewrites over about a second of reads
      }
      long writeMs = (System.nanoTime() - t0) / 1_000_000;
      docker(host, "exec", name, "touch", "/tmp/stop");
      await().atMost(Duration.ofSeconds(20)).until(() -> docker(host, "logs", name).contains("READS:"));
      String logs = docker(host, "logs", name);
      System.out.printf("%d rewrites in %d ms; reader: %s%n", REWRITES, writeMs,
          logs.lines().filter(l -> l.startsWith("READS:")).findFirst().orElse("?"));

      assertThat(logs.lines().filter(l -> l.startsWith("BAD:")).toList()).as("partial or empty reads").isEmpty();
      Matcher m = Pattern.compile("READS:(\\d+) CHANGES:(\\d+)").matcher(logs);
      assertThat(m.find()).as(logs).isTrue();
      int reads = Integer.parseInt(m.group(1));
      int changes = Integer.parseInt(m.group(2));
      assertThat(reads).as("reads done while rewriting").isGreaterThanOrEqualTo(REWRITES);
      assertThat(changes).as("distinct values seen: the reads overlapped the rewrites").isGreaterThan(20);
      assertThat(Files.readString(data.resolve("value"))).isEqualTo(value(REWRITES));
    } finally {
      dockerQuiet(host, "rm", "-f", name);
      deleteTree(root);
    }
  }

  private static String value(int n) {
    return "v-" + n + "-" + FILL + "-end";
  }

  private static SecretPayload payload(int n) {
    return new SecretPayload(Map.of("value", value(n)));
  }

  private static String docker(String host, String... args) {
    List<String> argv = new ArrayList<>(List.of("docker"));
    argv.addAll(List.of(args));
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
      pb.environment().put("DOCKER_HOST", host);
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(argv + " failed: " + out);
      }
      return out.strip();
    } catch (IOException e) {
      throw new AssertionError(argv + " could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void dockerQuiet(String host, String... args) {
    try {
      docker(host, args);
    } catch (AssertionError e) {
      // cleanup: the container may not exist
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
