package io.dso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dso.DsoException;
import io.dso.PrivatePaths;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirTest {
  @TempDir Path tmp;

  @Test
  void aMissingDirectoryIsCreatedWithMode0700() throws Exception {
    Path dir = tmp.resolve("a/b/state");

    StateDir.prepare(dir);

    assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void anOwnDirectoryWithMode0755IsAcceptedAndTightened() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("state"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

    StateDir.prepare(dir);

    assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void aSymbolicLinkIsRefusedWithTheFix() throws Exception {
    Path real = Files.createDirectory(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("state"), real);

    assertThatThrownBy(() -> StateDir.prepare(link))
        .isInstanceOf(DsoException.class)
        .hasMessageContaining("state directory " + link + " is a symbolic link (to " + real + ")")
        .hasMessageContaining("--state-dir");
    assertThat(Files.isSymbolicLink(link)).isTrue();
  }

  @Test
  void aWorldWritableDirectoryIsRefusedAndLeftAsItIs() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("state"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> StateDir.prepare(dir))
        .isInstanceOf(DsoException.class)
        .hasMessageContaining("is writable by everyone (mode rwxrwxrwx)")
        .hasMessageContaining("chmod 700 " + dir);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwxrwxrwx");
  }

  @Test
  void aGroupWritableDirectoryIsRefused() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("state"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));

    assertThatThrownBy(() -> StateDir.prepare(dir)).hasMessageContaining("is writable by its group");
  }

  @Test
  void aDirectoryOwnedByAnotherUserIsRefused() throws Exception {
    assumeTrue(PrivatePaths.currentUid() == 0, "chown to another user needs root");
    Path dir = Files.createDirectory(tmp.resolve("state"));
    Files.setAttribute(dir, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);

    assertThatThrownBy(() -> StateDir.prepare(dir))
        .isInstanceOf(DsoException.class)
        .hasMessageContaining("state directory " + dir + " is owned by uid 65534, not by this user (uid 0)")
        .hasMessageContaining("chown 0 " + dir);
  }

  @Test
  void aFileInPlaceOfTheDirectoryIsRefused() throws Exception {
    Path file = Files.writeString(tmp.resolve("state"), "x");

    assertThatThrownBy(() -> StateDir.prepare(file)).hasMessageContaining("exists but is not a directory");
  }
}
