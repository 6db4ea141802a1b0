package io.dso.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The migration corpus: one directory per case under {@code migrate-corpus/} (a README line says what
 * it covers; {@code options.properties} holds select/exclude/project/file/env-file; {@code expected/}
 * the plan as JSON, the written {@code docker-compose.dso.yml} and the values that reach the vault).
 */
class MigrateCorpusTest {
  static final Path CORPUS = Path.of("src/test/resources/migrate-corpus");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> NOT_PROJECT = Set.of("README", "options.properties", "expected");

  @TempDir Path tmp;

  static List<String> cases() throws IOException {
    try (Stream<Path> s = Files.list(CORPUS)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theCorpusHasAtLeastTwelveCasesEachWithAReadmeAndExpectations() throws IOException {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(12);
    for (String c : cases()) {
      assertThat(Files.readString(CORPUS.resolve(c).resolve("README")).strip()).as(c).isNotEmpty();
      assertThat(CORPUS.resolve(c).resolve("expected/plan.json")).as(c).exists();
      assertThat(CORPUS.resolve(c).resolve("expected/docker-compose.dso.yml")).as(c).exists();
      assertThat(CORPUS.resolve(c).resolve("expected/vault.json")).as(c).exists();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachCaseGivesTheExpectedPlanComposeFileAndVaultValuesAndLeavesTheOriginalsAlone(String name) throws Exception {
    Path project = copyProject(name);
    Map<String, String> before = hashes(project);
    Properties o = options(name);
    MigrationPlan plan = MigrationPlanner.plan(new MigrationPlanner.Options(project, o.getProperty("file"),
        o.getProperty("env-file"), o.getProperty("project"), list(o, "select"), list(o, "exclude"), null));
    Map<String, String> vault = new TreeMap<>();
    List<Integer> writes = new ArrayList<>();
    if (!plan.secrets().isEmpty()) {
      Migration.apply(plan, values -> {
        writes.add(values.size());
        vault.putAll(values);
      }, false);
    }
    Path expected = CORPUS.resolve(name).resolve("expected");
    String planJson = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(plan.toJson()) + "\n";
    String vaultJson = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(vault) + "\n";
    if (Boolean.getBoolean("migrate.corpus.update")) {
      Files.createDirectories(expected);
      Files.writeString(expected.resolve("plan.json"), planJson);
      Files.writeString(expected.resolve("docker-compose.dso.yml"), plan.composeText());
      Files.writeString(expected.resolve("vault.json"), vaultJson);
    }
    assertThat(JSON.readTree(planJson)).isEqualTo(JSON.readTree(expected.resolve("plan.json").toFile()));
    assertThat(plan.composeText()).isEqualTo(Files.readString(expected.resolve("docker-compose.dso.yml")));
    assertThat(JSON.readTree(vaultJson)).isEqualTo(JSON.readTree(expected.resolve("vault.json").toFile()));
    assertThat(writes).as("one vault write, or none when nothing is secret").hasSizeLessThanOrEqualTo(1);
    if (!plan.secrets().isEmpty()) {
      assertThat(Files.readString(project.resolve(plan.output()))).isEqualTo(plan.composeText());
    }
    Map<String, String> after = hashes(project);
    after.remove(plan.output());
    assertThat(after).as("every original file unchanged, byte for byte, and nothing else written").isEqualTo(before);
    for (String value : vault.values()) {
      assertThat(plan.composeText()).doesNotContain(value);
      assertThat(planJson).doesNotContain(value);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theCliNeverPrintsAnImportedValueAndDryRunWritesNothing(String name) throws Exception {
    Path project = copyProject(name);
    Map<String, String> before = hashes(project);
    Properties o = options(name);
    List<String> base = new ArrayList<>(List.of("migrate", "--dir", project.toString()));
    for (String key : List.of("file", "env-file", "project", "select", "exclude")) {
      if (o.getProperty(key) != null) {
        base.add("--" + key);
        base.add(o.getProperty(key));
      }
    }
    Set<String> canaries = new LinkedHashSet<>();
    JSON.readTree(CORPUS.resolve(name).resolve("expected/vault.json").toFile()).forEach(v -> canaries.add(v.asText()));
    for (List<String> extra : List.<List<String>>of(List.of(), List.of("--dry-run"), List.of("--json"),
        List.of("--json", "--dry-run"), List.of("--dry-run", "--confirm"))) {
      List<String> args = new ArrayList<>(base);
      args.addAll(extra);
      Run r = run(args);
      assertThat(r.exit()).as("%s %s: %s", name, extra, r.err()).isZero();
      for (String canary : canaries) {
        assertThat(r.out() + r.err()).as("%s %s", name, extra).doesNotContain(canary);
      }
      if (extra.contains("--json")) {
        assertThat(JSON.readTree(r.out()).path("project").asText()).isNotEmpty();
      }
      assertThat(hashes(project)).as("%s %s writes nothing", name, extra).isEqualTo(before);
    }
  }

  record Run(int exit, String out, String err) {}

  static Run run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new io.dso.cli.DsoCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  private Path copyProject(String name) throws IOException {
    Path src = CORPUS.resolve(name);
    Path dst = tmp.resolve(name);
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : s.toList()) {
        Path rel = src.relativize(p);
        if (!rel.toString().isEmpty() && NOT_PROJECT.contains(rel.getName(0).toString())) {
          continue;
        }
        if (Files.isDirectory(p)) {
          Files.createDirectories(dst.resolve(rel.toString()));
        } else {
          Files.copy(p, dst.resolve(rel.toString()));
        }
      }
    }
    return dst;
  }

  private static Properties options(String name) throws IOException {
    Properties p = new Properties();
    Path f = CORPUS.resolve(name).resolve("options.properties");
    if (Files.exists(f)) {
      try (InputStream in = Files.newInputStream(f)) {
        p.load(in);
      }
    }
    return p;
  }

  private static Set<String> list(Properties p, String key) {
    String v = p.getProperty(key);
    return v == null ? Set.of() : Set.of(v.split(","));
  }

  /** Relative path -> SHA-256 of every file under {@code dir}. */
  static Map<String, String> hashes(Path dir) throws Exception {
    Map<String, String> out = new HashMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
        out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(digest));
      }
    }
    return out;
  }
}
