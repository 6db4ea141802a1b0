package io.dso.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.config.FileFormat;
import io.dso.provider.SecretPayload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileInjectorTest {
  @TempDir Path root;

  private static final String G1 = FileInjector.newGeneration();
  private static final String G2 = FileInjector.newGeneration();

  @Test
  void writesOneFilePerMappedKeyMode0400AndRecordsTheVersionOutsideTheMountedDir() throws Exception {
    FileInjector files = new FileInjector(root);
    var spec = InjectFixtures.file("app/db", "/run/secrets/db", FileFormat.FILES, Map.of("DB_PASSWORD", "password"));
    files.write("web", G1, spec, new SecretPayload(Map.of("DB_PASSWORD", "s3cret", "IGNORED", "x")), "v1", Instant.EPOCH);
    Path data = files.dataDir("web", G1, "app/db");
    assertThat(data.startsWith(root.resolve("web").resolve(G1))).isTrue();
    try (var list = Files.list(data)) {
      assertThat(list.map(p -> p.getFileName().toString())).containsExactly("password");
    }
    assertThat(Files.readString(data.resolve("password"))).isEqualTo("s3cret");
    assertThat(Files.getPosixFilePermissions(data.resolve("password"))).isEqualTo(PosixFilePermissions.fromString("r--------"));
    assertThat(files.meta("web", G1, "app/db")).hasValueSatisfying(m -> {
      assertThat(m.version()).isEqualTo("v1");
      assertThat(m.files()).containsExactly("password");
    });
    assertThat(files.metaOfMount(data.toString()).orElseThrow().version()).isEqualTo("v1");
    assertThat(Files.readString(data.getParent().resolve("meta.json"))).doesNotContain("s3cret");
    for (Path dir : java.util.List.of(data.getParent(), data.getParent().getParent(), data.getParent().getParent().getParent())) {
      assertThat(Files.getPosixFilePermissions(dir)).as(dir.toString()).isEqualTo(PosixFilePermissions.fromString("rwx--x--x"));
    }
  }

  @Test
  void rewriteReplacesContentAndDropsKeysNoLongerMapped() throws Exception {
    FileInjector files = new FileInjector(root);
    var spec = InjectFixtures.file("s", "/run/secrets/s", FileFormat.FILES, Map.of());
    files.write("c", G1, spec, new SecretPayload(Map.of("A", "1", "B", "2")), "v1", Instant.EPOCH);
    files.write("c", G1, spec, new SecretPayload(Map.of("A", "3")), "v2", Instant.EPOCH);
    Path data = files.dataDir("c", G1, "s");
    try (var list = Files.list(data)) {
      assertThat(list.map(p -> p.getFileName().toString())).containsExactly("A");
    }
    assertThat(Files.readString(data.resolve("A"))).isEqualTo("3");
    assertThat(files.meta("c", G1, "s").orElseThrow().version()).isEqualTo("v2");
  }

  @Test
  void aNewGenerationLeavesTheFilesAndVersionOfThePreviousOneUntouched() throws Exception {
    FileInjector files = new FileInjector(root);
    var spec = InjectFixtures.file("s", "/run/secrets/s", FileFormat.FILES, Map.of());
    files.write("c", G1, spec, new SecretPayload(Map.of("A", "old")), "v1", Instant.EPOCH);
    files.write("c", G2, spec, new SecretPayload(Map.of("A", "new")), "v2", Instant.EPOCH);
    assertThat(Files.readString(files.dataDir("c", G1, "s").resolve("A"))).isEqualTo("old");
    assertThat(files.meta("c", G1, "s").orElseThrow().version()).isEqualTo("v1");
    assertThat(Files.readString(files.dataDir("c", G2, "s").resolve("A"))).isEqualTo("new");
    assertThat(files.meta("c", G2, "s").orElseThrow().version()).isEqualTo("v2");
    assertThat(files.generations("c")).containsExactlyInAnyOrder(G1, G2);
  }

  @Test
  void theGenerationOfAMountIsReadFromItsSourceOnlyWhenItIsThatSecretsDataDirOfThatContainer() {
    FileInjector files = new FileInjector(root);
    String source = files.dataDir("web", G1, "app/db").toString();
    assertThat(files.generationOf("web", "app/db", source)).contains(G1);
    assertThat(files.generationOf("web", "other", source)).as("another secret's mount").isEmpty();
    assertThat(files.generationOf("api", "app/db", source)).as("another container's files").isEmpty();
    assertThat(files.generationOf("web", "app/db", root.resolve("web").resolve(FileInjector.slug("app/db")).resolve("data").toString()))
        .as("a directory that is not a generation").isEmpty();
    assertThat(files.generationOf("web", "app/db", "/srv/data")).isEmpty();
    assertThat(FileInjector.newGeneration()).matches("g-[0-9a-f]{12}").isNotEqualTo(FileInjector.newGeneration());
  }

  @Test
  void retainWipesEveryGenerationNotKeptOrHeldAndTheContainerDirWhenEmpty() {
    FileInjector files = new FileInjector(root);
    var spec = InjectFixtures.file("s", "/run/secrets/s", FileFormat.FILES, Map.of());
    String g3 = FileInjector.newGeneration();
    for (String g : java.util.List.of(G1, G2, g3)) {
      files.write("c", g, spec, new SecretPayload(Map.of("A", "1")), "v", Instant.EPOCH);
    }
    files.hold("c", g3);
    assertThat(files.retain("c", java.util.Set.of(G1))).containsExactly(G2);
    assertThat(files.generations("c")).containsExactlyInAnyOrder(G1, g3);
    files.release("c", g3);
    files.retain("c", java.util.Set.of());
    assertThat(files.containers()).isEmpty();
  }

  @Test
  void jsonFormatWritesOneJsonFile() throws Exception {
    FileInjector files = new FileInjector(root);
    var spec = InjectFixtures.file("s", "/run/secrets/s", FileFormat.JSON, Map.of());
    files.write("c", G1, spec, new SecretPayload(Map.of("A", "1", "B", "two")), "v", Instant.EPOCH);
    assertThat(Files.readString(files.dataDir("c", G1, "s").resolve("secret.json"))).isEqualTo("{\"A\":\"1\",\"B\":\"two\"}");
  }

  @Test
  void wipeRemovesAContainersTreeAndNothingElse() {
    FileInjector files = new FileInjector(root);
    var spec = InjectFixtures.file("s", "/run/secrets/s", FileFormat.FILES, Map.of());
    files.write("a", G1, spec, new SecretPayload(Map.of("A", "1")), "v", Instant.EPOCH);
    files.write("b", G1, spec, new SecretPayload(Map.of("A", "1")), "v", Instant.EPOCH);
    files.wipe("a");
    assertThat(files.containers()).containsExactly("b");
    files.wipe("..");
    assertThat(Files.isDirectory(root)).isTrue();
    assertThat(files.containers()).containsExactly("b");
  }

  @Test
  void slugsOfDifferentSecretNamesNeverCollide() {
    assertThat(FileInjector.slug("a/b")).isNotEqualTo(FileInjector.slug("a_b")).startsWith("a_b-");
  }

  @Test
  void aDirectoryOnADiskIsRefusedWithAnActionableError() throws Exception {
    Path disk = Files.createDirectories(Path.of("target", "not-tmpfs-" + System.nanoTime()));
    try {
      String type = SecretsDir.filesystemType(disk);
      org.junit.jupiter.api.Assumptions.assumeFalse(type.equals("tmpfs") || type.equals("ramfs"), "build dir is on " + type);
      assertThatThrownBy(() -> SecretsDir.prepare(disk, false))
          .isInstanceOf(InjectionException.class)
          .hasMessageContaining("is on " + type + ", not tmpfs/ramfs: secret files would reach a disk");
    } finally {
      Files.deleteIfExists(disk);
    }
  }

  @Test
  void aTmpfsDirectoryIsAccepted() throws Exception {
    Path shm = Path.of("/dev/shm");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && SecretsDir.filesystemType(shm).equals("tmpfs"));
    Path dir = shm.resolve("dso-test-" + System.nanoTime()).resolve("secrets");
    try {
      assertThat(SecretsDir.prepare(dir, false)).isEqualTo(dir);
      assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    } finally {
      Files.deleteIfExists(dir);
      Files.deleteIfExists(dir.getParent());
    }
  }
}
