package io.dso.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationTest {
  @TempDir Path dir;

  private MigrationPlan plan() throws Exception {
    Files.writeString(dir.resolve(".env"), "DB_PASSWORD=canary-mt-db\n");
    Files.writeString(dir.resolve("docker-compose.yml"),
        "services:\n  app:\n    image: x\n    environment:\n      P: ${DB_PASSWORD}\n");
    return MigrationPlanner.plan(new MigrationPlanner.Options(dir, null, null, "mt", Set.of(), Set.of(), null));
  }

  @Test
  void anExistingOutputIsRefusedWithoutForceBeforeTheVaultIsTouched() throws Exception {
    MigrationPlan plan = plan();
    Files.writeString(dir.resolve("docker-compose.dso.yml"), "mine\n");
    List<Map<String, String>> writes = new ArrayList<>();
    assertThatThrownBy(() -> Migration.apply(plan, writes::add, false))
        .isInstanceOf(MigrateException.class).hasMessageContaining("already exists; pass --force");
    assertThat(writes).isEmpty();
    assertThat(Files.readString(dir.resolve("docker-compose.dso.yml"))).isEqualTo("mine\n");

    Migration.apply(plan, writes::add, true);
    assertThat(writes).containsExactly(Map.of("mt/db_password", "canary-mt-db"));
    assertThat(Files.readString(dir.resolve("docker-compose.dso.yml"))).contains("P: dso://mt/db_password");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temp file left").containsExactlyInAnyOrder(".env", "docker-compose.yml", "docker-compose.dso.yml");
    }
  }

  @Test
  void anOutputNamedLikeAnOriginalIsRefused() throws Exception {
    plan();
    MigrationPlan plan = MigrationPlanner.plan(new MigrationPlanner.Options(dir, null, null, "mt", Set.of(), Set.of(), ".env"));
    assertThatThrownBy(() -> Migration.apply(plan, v -> { }, true)).hasMessageContaining("one of the project's own files");
    assertThat(Files.readString(dir.resolve(".env"))).isEqualTo("DB_PASSWORD=canary-mt-db\n");
  }

  @Test
  void anEmptyValueIsNotImportedEvenWhenAnotherFileGivesTheSameVariableOne() throws Exception {
    Files.writeString(dir.resolve(".env"), "DB_PASSWORD=\n");
    Files.writeString(dir.resolve("b.env"), "DB_PASSWORD=canary-mt-b\n");
    Files.writeString(dir.resolve("docker-compose.yml"), "services:\n  a:\n    image: x\n    environment:\n"
        + "      P: ${DB_PASSWORD}\n  b:\n    image: x\n    env_file: b.env\n");
    MigrationPlan plan = MigrationPlanner.plan(new MigrationPlanner.Options(dir, null, null, "mt", Set.of(), Set.of(), null));
    assertThat(plan.values()).containsOnlyKeys("mt/db_password");
    assertThat(plan.secrets()).singleElement().satisfies(s -> assertThat(s.services()).containsExactly("b"));
    assertThat(plan.composeText()).contains("P: ${DB_PASSWORD}").contains("DB_PASSWORD: dso://mt/db_password");
  }

  @Test
  void aValueNeverAppearsInThePlansTextForms() throws Exception {
    MigrationPlan plan = plan();
    assertThat(plan.toString() + plan.toJson() + plan.composeText() + plan.secrets()).doesNotContain("canary-mt-db");
  }

  @Test
  void anAliasThatContainsItselfIsRefusedNotFollowedForever() throws Exception {
    Files.writeString(dir.resolve("compose.yaml"), "services: {a: {image: x}}\nx: &a [*a]\n");
    assertThatThrownBy(() -> ComposeProject.load(dir, null, null, null))
        .isInstanceOf(MigrateException.class).hasMessageContaining("alias that contains itself");
  }

  @Test
  void aYamlSyntaxErrorNamesFileAndLineButNotTheText() throws Exception {
    Files.writeString(dir.resolve("compose.yaml"), "services:\n  a: [\n  b: canary-yaml-text\n");
    assertThatThrownBy(() -> ComposeProject.load(dir, null, null, null))
        .hasMessageStartingWith("compose.yaml:4: not valid YAML").hasMessageNotContaining("canary-yaml-text");
  }

  @Test
  void noComposeFileSaysWhereItLookedAndWhatToPass() {
    assertThatThrownBy(() -> ComposeProject.load(dir, null, null, null))
        .hasMessageContaining("compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml")
        .hasMessageContaining("pass -f FILE");
  }
}
