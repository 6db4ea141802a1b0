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

  @Test
  void writesOneFilePerMappedKeyMode0400AndRecordsTheVersionOutsideTheMountedDir() throws Exception {
    FileInjector files = new FileInjector(root);
    var spec = InjectFixtures.file("app/db", "/run/secrets/db", FileFormat.FILES, Map.of("DB_PASSWORD", "password"));
    files.write("web", spec, new SecretPayload(Map.of("DB_PASSWORD", "s3cret", "IGNORED", "x")), "v1", Instant.EPOCH);
    Path data = files.dataDir("web", "app/db");
    assertThat(data.startsWith(root.resolve("web"))).isTrue();
    try (var list = Files.list(data)) {
      assertThat(list.map(p -> p.getFileName().toString())).containsExactly("password");
    }
    assertThat(Files.readString(data.resolve("password"))).isEqualTo("s3cret");
    assertThat(Files.getPosixFilePermissions(data.resolve("password"))).isEqualTo(PosixFilePermissions.fromString("r--------"));
    assertThat(files.meta("web", "app/db")).hasValueSatisfying(m -> {
      assertThat(m.version()).isEqualTo("v1");
      assertThat(m.files()).containsExactly("password");
    });
    assertThat(Files.readString(data.getParent().resolve("meta.json"))).doesNotContain("s3cret");
  }

  @Test
  void rewriteReplacesContentAndDropsKeysNoLongerMapped() throws Exception {
    FileInjector files = new FileInjector(root);
    var spec = InjectFixtures.file("s", "/run/secrets/s", FileFormat.FILES, Map.of());
    files.write("c", spec, new SecretPayload(Map.of("A", "1", "B", "2")), "v1", Instant.EPOCH);
    files.write("c", spec, new SecretPayload(Map.of("A", "3")), "v2", Instant.EPOCH);
    Path data = files.dataDir("c", "s");
    try (var list = Files.list(data)) {
      assertThat(list.map(p -> p.getFileName().toString())).containsExactly("A");
    }
    assertThat(Files.readString(data.resolve("A"))).isEqualTo("3");
    assertThat(files.meta("c", "s").orElseThrow().version()).isEqualTo("v2");
  }

  @Test
  void jsonFormatWritesOneJsonFile() throws Exception {
    FileInjector files = new FileInjector(root);
    var spec = InjectFixtures.file("s", "/run/secrets/s", FileFormat.JSON, Map.of());
    files.write("c", spec, new SecretPayload(Map.of("A", "1", "B", "two")), "v", Instant.EPOCH);
    assertThat(Files.readString(files.dataDir("c", "s").resolve("secret.json"))).isEqualTo("{\"A\":\"1\",\"B\":\"two\"}");
  }

  @Test
  void wipeRemovesAContainersTreeAndNothingElse() {
    FileInjector files = new FileInjector(root);
    var spec = InjectFixtures.file("s", "/run/secrets/s", FileFormat.FILES, Map.of());
    files.write("a", spec, new SecretPayload(Map.of("A", "1")), "v", Instant.EPOCH);
    files.write("b", spec, new SecretPayload(Map.of("A", "1")), "v", Instant.EPOCH);
    files.wipe("a");
    assertThat(files.containers()).containsExactly("b");
    files.wipe("..");
    assertThat(Files.isDirectory(root)).isTrue();
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
