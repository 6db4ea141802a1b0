package io.dso.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dso.DsoException;
import io.dso.PrivatePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** On /dev/shm (a tmpfs), so that only the ownership and permission checks can refuse. */
class SecretsDirTest {
  private Path base;

  @BeforeEach
  void makeBase() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/dev/shm")), "needs /dev/shm");
    base = Files.createTempDirectory(Path.of("/dev/shm"), "dso-h4b-secretsdir-");
  }

  @AfterEach
  void removeBase() throws IOException {
    if (base != null) {
      try (Stream<Path> s = Files.walk(base)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void aNewDirectoryOnTmpfsIsCreated0700() throws Exception {
    Path dir = SecretsDir.prepare(base.resolve("secrets"), false);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
  }

  @Test
  void aSymbolicLinkIsRefused() throws Exception {
    Path real = Files.createDirectory(base.resolve("real"));
    Path link = Files.createSymbolicLink(base.resolve("secrets"), real);

    assertThatThrownBy(() -> SecretsDir.prepare(link, false))
        .isInstanceOf(DsoException.class)
        .hasMessageContaining("secrets directory " + link + " is a symbolic link")
        .hasMessageContaining("--secrets-dir");
  }

  @Test
  void aWorldWritableDirectoryIsRefused() throws Exception {
    Path dir = Files.createDirectory(base.resolve("secrets"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> SecretsDir.prepare(dir, false))
        .hasMessageContaining("secrets directory " + dir + " is writable by everyone")
        .hasMessageContaining("chmod 700 " + dir);
  }

  @Test
  void aDirectoryOwnedByAnotherUserIsRefused() throws Exception {
    assumeTrue(PrivatePaths.currentUid() == 0, "chown to another user needs root");
    Path dir = Files.createDirectory(base.resolve("secrets"));
    Files.setAttribute(dir, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);

    assertThatThrownBy(() -> SecretsDir.prepare(dir, false))
        .hasMessageContaining("secrets directory " + dir + " is owned by uid 65534");
  }
}
