package io.dso.cli.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.DsoException;
import io.dso.compose.ComposePlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeProjectReaderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  private ComposeProject read(Map<String, String> env, List<String> files, String project) {
    return new ComposeProjectReader(dir, env).read(files, project);
  }

  @Test
  void findsTheDefaultFilesInComposesOrderAndAddsTheMatchingOverrideFile() throws Exception {
    write("docker-compose.yaml", "services: {a: {image: x}}\n");
    write("docker-compose.yml", "services: {a: {image: x}}\n");
    write("docker-compose.override.yml", "services: {a: {environment: {X: '1'}}}\n");
    assertThat(read(Map.of(), List.of(), null).files())
        .containsExactly(dir.resolve("docker-compose.yml"), dir.resolve("docker-compose.override.yml"));
    write("compose.yaml", "services: {a: {image: x}}\n");
    assertThat(read(Map.of(), List.of(), null).files()).containsExactly(dir.resolve("compose.yaml"));
  }

  @Test
  void noComposeFileIsAnErrorThatNamesTheDirectoryAndTheNamesTried() {
    assertThatThrownBy(() -> read(Map.of(), List.of(), null))
        .isInstanceOf(DsoException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml")
        .hasMessageContaining("-f FILE");
  }

  @Test
  void laterFilesOverrideEarlierOnesPerVariableAndComposeFileEnvIsHonoured() throws Exception {
    write("base.yml", """
        services:
          api:
            image: x
            environment:
              A: dso://app/a
              B: dso://app/b
              C: plain
        """);
    write("sub/prod.yml", """
        services:
          api:
            environment:
              - B=not-a-reference
              - D=prefix-dso://app/d-suffix
        """);
    ComposeProject p = read(Map.of(), List.of("base.yml", "sub/prod.yml"), null);
    assertThat(p.environment().get("api")).containsEntry("B", "not-a-reference").containsEntry("C", "plain");
    assertThat(p.references()).containsExactly(new ComposePlan.ServiceRequest("api",
        Map.of("A", "dso://app/a", "D", "prefix-dso://app/d-suffix")));
    assertThat(read(Map.of("COMPOSE_FILE", "base.yml:sub/prod.yml"), List.of(), null).files())
        .containsExactly(dir.resolve("base.yml"), dir.resolve("sub/prod.yml"));
  }

  @Test
  void readsBothEnvironmentFormsAndLeavesVariablesWithoutValueOrReferenceAlone() throws Exception {
    write("compose.yaml", """
        services:
          a:
            environment:
              TOKEN: dso://app/token
              PORT: 8080
              EMPTY:
              CERT: dsofile://app/tls
          b:
            environment:
              - URL=postgresql://dso://app/user:dso://app/pass@db/app
              - INHERITED
              - EQ=x=y
        """);
    ComposeProject p = read(Map.of(), List.of(), null);
    assertThat(p.environment().get("a")).containsOnlyKeys("TOKEN", "PORT", "CERT").containsEntry("PORT", "8080");
    assertThat(p.environment().get("b")).containsOnlyKeys("URL", "EQ").containsEntry("EQ", "x=y");
    assertThat(p.request(true).services()).containsExactly(
        new ComposePlan.ServiceRequest("a", Map.of("TOKEN", "dso://app/token", "CERT", "dsofile://app/tls")),
        new ComposePlan.ServiceRequest("b", Map.of("URL", "postgresql://dso://app/user:dso://app/pass@db/app")));
  }

  @Test
  void projectNameComesFromTheFlagThenTheEnvironmentThenTheFileThenTheDirectory() throws Exception {
    write("compose.yaml", "name: From-File\nservices: {a: {image: x}}\n");
    assertThat(read(Map.of("COMPOSE_PROJECT_NAME", "env_name"), List.of(), "Flag.Name").name()).isEqualTo("flagname");
    assertThat(read(Map.of("COMPOSE_PROJECT_NAME", "env_name"), List.of(), null).name()).isEqualTo("env_name");
    assertThat(read(Map.of(), List.of(), null).name()).isEqualTo("from-file");
    Path nested = write("_My App.v2/compose.yml", "services: {a: {image: x}}\n");
    assertThat(new ComposeProjectReader(nested.getParent(), Map.of()).read(List.of(), null).name()).isEqualTo("myappv2");
  }

  @Test
  void aNameThatNormalisesToNothingAsksForDashP() throws Exception {
    write("compose.yaml", "services: {a: {image: x}}\n");
    assertThatThrownBy(() -> read(Map.of(), List.of(), "__..__"))
        .hasMessageContaining("cannot make a Compose project name from '__..__'").hasMessageContaining("-p NAME");
  }

  @Test
  void malformedYamlIsReportedWithFileAndLine() throws Exception {
    Path f = write("compose.yaml", "services:\n  a:\n    image: x\n   environment: [\n");
    assertThatThrownBy(() -> read(Map.of(), List.of(), null))
        .isInstanceOf(DsoException.class)
        .hasMessageMatching("\\Q" + f + "\\E:4: malformed YAML: while parsing a block mapping .*expected <block end>.*; fix the file");
  }

  @Test
  void aMissingDashFFileIsNamed() {
    assertThatThrownBy(() -> read(Map.of(), List.of("nope.yml"), null))
        .hasMessage("Compose file " + dir.resolve("nope.yml") + " not found; check the -f path");
  }

  @Test
  void referencesAreInterpolatedAsComposeWouldFromTheEnvironmentAndDotEnvAndOtherValuesAreLeftToCompose() throws Exception {
    write(".env", "# comment\nexport HOST=db.local\nREF='dso://app/from-dotenv'\nPORT=5432\n");
    write("compose.yaml", """
        services:
          a:
            environment:
              URL: pg://dso://app/pass@${HOST}:${PORT:-1}/$$x
              FROM_ENV_FILE: ${REF}
              DEFAULTED: dso://app/${MISSING:-fallback}
              PLAIN: ${HOST}$$
        """);
    ComposeProject p = read(Map.of("PORT", "6543"), List.of(), null);
    assertThat(p.environment().get("a"))
        .containsEntry("URL", "pg://dso://app/pass@db.local:6543/$x")
        .containsEntry("FROM_ENV_FILE", "dso://app/from-dotenv")
        .containsEntry("DEFAULTED", "dso://app/fallback")
        .containsEntry("PLAIN", "${HOST}$$");
  }

  @Test
  void aRequiredVariableMissingNextToAReferenceIsNamed() throws Exception {
    write("compose.yaml", "services: {a: {environment: {URL: 'dso://app/x@${NEEDED:?set the host}'}}}\n");
    assertThatThrownBy(() -> read(Map.of(), List.of(), null))
        .hasMessage("service 'a', variable URL: required variable NEEDED is missing a value: set the host;"
            + " set NEEDED in the environment or in .env");
  }
}
