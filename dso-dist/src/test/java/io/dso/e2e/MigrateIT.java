package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dso migrate} through the real launcher, with {@code DSO_HOME} in a temp dir: a dry run
 * touches neither the project nor the vault, {@code --confirm} imports the values (then readable
 * with {@code dso secret get --reveal}) and writes {@code docker-compose.dso.yml} that
 * docker-compose accepts, the originals stay byte for byte, and no output shows a value.
 */
class MigrateIT {
  static final String DB_CANARY = "canary-migrate-it-db-7Qx";
  static final String TOKEN_CANARY = "canary-migrate-it-token-Lm2";
  static final String MULTI_CANARY = "canary-migrate-it-line1\ncanary-migrate-it-line2";

  @TempDir Path tmp;

  record Run(int exit, String stdout, String stderr) {}

  Run dso(Path home, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(AgentProcess.repoRoot().resolve("dso").toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "out", ".log");
    Path err = Files.createTempFile(tmp, "err", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("DSO_SKIP_BUILD", "1");
    pb.environment().put("DSO_HOME", home.toString());
    pb.environment().remove("DSO_MASTER_KEY");
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("dso %s finishes", List.of(args)).isTrue();
    Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  private Path project() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("shop"));
    Files.writeString(dir.resolve(".env"), "# shop settings\nexport DB_PASSWORD='" + DB_CANARY + "'\n"
        + "LOG_LEVEL=info # comment\nTLS_KEY=\"" + MULTI_CANARY.replace("\n", "\\n") + "\"\n");
    Files.writeString(dir.resolve("api.env"), "API_TOKEN=" + TOKEN_CANARY + "\nAPI_PORT=8080\n");
    Files.writeString(dir.resolve("docker-compose.yml"), """
        version: "2.4"
        services:
          db:
            image: dso-test/busybox:1
            network_mode: none
            init: true
            environment:
              POSTGRES_PASSWORD: ${DB_PASSWORD}
              LOG_LEVEL: ${LOG_LEVEL:-warn}
              TLS_KEY: ${TLS_KEY}
          api:
            image: dso-test/busybox:1
            network_mode: none
            init: true
            env_file: api.env
            environment:
              - DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app
        """);
    return dir;
  }

  @Test
  void confirmImportsIntoTheVaultAndWritesTheComposeFileWhileDryRunTouchesNothing() throws Exception {
    Path home = tmp.resolve("home");
    Path dir = project();
    Map<String, String> originals = hashes(dir);

    Run dry = dso(home, "migrate", "--dir", dir.toString(), "--dry-run");
    assertThat(dry.exit()).as(dry.stderr()).isZero();
    assertThat(dry.stdout()).contains("DB_PASSWORD").contains("API_TOKEN").contains("dry run");
    assertThat(hashes(dir)).isEqualTo(originals);
    assertThat(home).doesNotExist();
    noCanary(dry);

    Run preview = dso(home, "migrate", "--dir", dir.toString());
    assertThat(preview.exit()).isZero();
    assertThat(preview.stdout()).contains("--confirm");
    assertThat(hashes(dir)).isEqualTo(originals);
    assertThat(home).doesNotExist();

    Run confirm = dso(home, "migrate", "--dir", dir.toString(), "--confirm");
    assertThat(confirm.exit()).as(confirm.stderr()).isZero();
    noCanary(confirm);
    Map<String, String> after = hashes(dir);
    assertThat(after.remove("docker-compose.dso.yml")).isNotNull();
    assertThat(after).as("originals unchanged byte for byte").isEqualTo(originals);
    String written = Files.readString(dir.resolve("docker-compose.dso.yml"));
    assertThat(written).contains("POSTGRES_PASSWORD: dso://shop/db_password")
        .contains("DATABASE_URL=postgres://app:dso://shop/db_password@db/app")
        .contains("API_TOKEN=dso://shop/api_token").contains("LOG_LEVEL: ${LOG_LEVEL:-warn}")
        .doesNotContain("canary");

    assertThat(reveal(home, "shop/db_password")).isEqualTo(DB_CANARY);
    assertThat(reveal(home, "shop/api_token")).isEqualTo(TOKEN_CANARY);
    assertThat(reveal(home, "shop/tls_key")).isEqualTo(MULTI_CANARY);
    Run masked = dso(home, "secret", "get", "shop/db_password");
    assertThat(masked.stdout()).doesNotContain(DB_CANARY);

    // No file under DSO_HOME or the project holds a value in plain text, except the originals.
    try (Stream<Path> s = Stream.concat(Files.walk(home), Files.walk(dir))) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        if (f.getParent().equals(dir) && originals.containsKey(f.getFileName().toString())) {
          continue;
        }
        String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text).as(f.toString()).doesNotContain("canary-migrate-it");
      }
    }

    // A dry run after the import leaves the vault file and the written file alone.
    Map<String, String> vaultBefore = hashes(home);
    Map<String, String> dirBefore = hashes(dir);
    Run dryAgain = dso(home, "migrate", "--dir", dir.toString(), "--dry-run", "--force", "--json");
    assertThat(dryAgain.exit()).as(dryAgain.stderr()).isZero();
    JsonNode plan = new ObjectMapper().readTree(dryAgain.stdout());
    assertThat(plan.path("dry_run").asBoolean()).isTrue();
    assertThat(plan.path("secrets")).hasSize(3);
    assertThat(hashes(home)).isEqualTo(vaultBefore);
    assertThat(hashes(dir)).isEqualTo(dirBefore);
    noCanary(dryAgain);

    Run again = dso(home, "migrate", "--dir", dir.toString(), "--confirm");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.stderr()).contains("docker-compose.dso.yml already exists").contains("--force");
    assertThat(hashes(dir)).isEqualTo(dirBefore);
  }

  @Test
  void theWrittenFileIsAComposeFileDockerComposeAccepts() throws Exception {
    Path home = tmp.resolve("home2");
    Path dir = project();
    assertThat(dso(home, "migrate", "--dir", dir.toString(), "--confirm").exit()).isZero();
    Process p = new ProcessBuilder("docker-compose", "-f", "docker-compose.dso.yml", "config", "-q")
        .directory(dir.toFile()).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void onATerminalAYesImportsAndANoImportsNothing() throws Exception {
    Path home = tmp.resolve("home4");
    Path dir = project();
    Map<String, String> originals = hashes(dir);
    assertThat(atTerminal(home, dir, "n")).contains("[y/N]").contains("preview only");
    assertThat(home).doesNotExist();
    assertThat(hashes(dir)).isEqualTo(originals);

    String yes = atTerminal(home, dir, "y");
    assertThat(yes).contains("imported 3 value(s)").doesNotContain("canary-migrate-it");
    assertThat(dir.resolve("docker-compose.dso.yml")).exists();
    assertThat(reveal(home, "shop/db_password")).isEqualTo(DB_CANARY);
  }

  /** Runs {@code dso migrate} on a pseudo-terminal (script(1)) and answers its question. */
  private String atTerminal(Path home, Path dir, String answer) throws Exception {
    String launcher = AgentProcess.repoRoot().resolve("dso").toString();
    ProcessBuilder pb = new ProcessBuilder("script", "-qec", launcher + " migrate --dir " + dir, "/dev/null")
        .directory(tmp.toFile()).redirectErrorStream(true);
    pb.environment().put("DSO_SKIP_BUILD", "1");
    pb.environment().put("DSO_HOME", home.toString());
    pb.environment().remove("DSO_MASTER_KEY");
    Process p = pb.start();
    // The answer waits in the terminal's input until the prompt reads it; stdin stays open until the
    // end so that script(1) does not stop at end of input.
    p.getOutputStream().write((answer + "\n").getBytes());
    p.getOutputStream().flush();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void unknownSelectIsAUsageErrorAndAMissingComposeFileSaysWhatToDo() throws Exception {
    Path home = tmp.resolve("home3");
    Path dir = project();
    Run bad = dso(home, "migrate", "--dir", dir.toString(), "--select", "NOPE");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.stderr()).contains("--select NOPE").doesNotContain("\tat ");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Run none = dso(home, "migrate", "--dir", empty.toString());
    assertThat(none.exit()).isEqualTo(1);
    assertThat(none.stderr()).contains("no Compose file").contains("-f FILE");
  }

  private String reveal(Path home, String name) throws Exception {
    Run r = dso(home, "secret", "get", name, "--reveal");
    assertThat(r.exit()).as(r.stderr()).isZero();
    return r.stdout().endsWith("\n") ? r.stdout().substring(0, r.stdout().length() - 1) : r.stdout();
  }

  private static void noCanary(Run r) {
    assertThat(r.stdout() + r.stderr()).doesNotContain("canary-migrate-it");
  }

  private static Map<String, String> hashes(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
        out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(d));
      }
    }
    return out;
  }
}
