package io.dso.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dso validate} names the original project's forms it saw, and {@code dso config migrate} prints a native file. */
class ValidateDialectTest {
  private static final String DIALECT = """
      version: v1.0.0
      mode: agent
      providers:
        local:
          type: local
          path: secrets.json
      agent:
        auto_sync: true
      secrets:
        - name: myapp/tls-cert
          inject: file
      """;

  @TempDir Path dir;

  @Test
  void validateListsTheFormsItTranslatedAndWarnsAboutKeysWithoutEffect() throws Exception {
    Path file = write("dso.yaml", DIALECT);
    Result r = run("validate", "-c", file.toString());
    assertThat(r.code).isZero();
    assertThat(r.out)
        .contains("written for the original Docker Secret Operator: 5 form(s) translated")
        .contains("line 1: version: version string 'v1.0.0' -> version: 1")
        .contains("line 6: providers.local.path: provider option at the provider level -> providers.local.config.path")
        .contains("line 8: agent.auto_sync (no effect: accepted, but it has no effect in this implementation; remove it)")
        .contains("secrets[0].inject.path: /run/secrets/dso/tls-cert");
  }

  @Test
  void validateJsonListsTheForms() throws Exception {
    Path file = write("dso.yaml", DIALECT);
    Result r = run("validate", "-c", file.toString(), "--json");
    JsonNode json = new ObjectMapper().readTree(r.out);
    assertThat(json.path("valid").asBoolean()).isTrue();
    List<String> keys = new ArrayList<>();
    json.path("dialect").forEach(f -> keys.add(f.path("key").asText()));
    assertThat(keys).containsExactly("version", "mode", "providers.local.path", "agent.auto_sync", "secrets[0].inject");
    assertThat(json.path("dialect").get(3).path("no_effect").asBoolean()).isTrue();
  }

  @Test
  void migrateKeepsVariablesAsWrittenAndItsOutputValidatesAsNative() throws Exception {
    Path file = write("dso.yaml", DIALECT.replace("path: secrets.json", "path: ${DSO_DIALECT_TEST_UNSET:-secrets.json}"));
    Result migrated = run("config", "migrate", "-c", file.toString());
    assertThat(migrated.code).isZero();
    assertThat(migrated.out).contains("${DSO_DIALECT_TEST_UNSET:-secrets.json}").contains("# translated line 6:");
    Result same = run("validate", "--rewrite", "-c", file.toString());
    assertThat(same.out).isEqualTo(migrated.out);
    Path nativeFile = write("native.yaml", migrated.out);
    Result again = run("validate", "-c", nativeFile.toString());
    assertThat(again.code).isZero();
    assertThat(again.out).contains(": valid (1 provider(s), 1 secret(s))").doesNotContain("original Docker Secret Operator");
  }

  private Path write(String name, String text) throws Exception {
    Files.createDirectories(dir.resolve("plugins"));
    Files.writeString(dir.resolve("secrets.json"), "{}");
    return Files.writeString(dir.resolve(name), text);
  }

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--plugins-dir", dir.resolve("plugins").toString()));
    int code = new CommandLine(new DsoCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  private record Result(int code, String out, String err) {}
}
