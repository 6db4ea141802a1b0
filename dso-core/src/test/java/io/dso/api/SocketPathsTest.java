package io.dso.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.DsoException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the socket lives and when its path is refused. */
class SocketPathsTest {
  @TempDir Path dir;

  @Test
  void defaultIsRunDsoAsRootXdgRuntimeDirOtherwiseAndHomeWithoutIt() {
    assertThat(SocketPaths.defaultFor(true, Map.of("XDG_RUNTIME_DIR", "/run/user/1000"))).isEqualTo(Path.of("/run/dso/dso.sock"));
    assertThat(SocketPaths.defaultFor(false, Map.of("XDG_RUNTIME_DIR", "/run/user/1000"))).isEqualTo(Path.of("/run/user/1000/dso/dso.sock"));
    assertThat(SocketPaths.defaultFor(false, Map.of("HOME", "/home/alice"))).isEqualTo(Path.of("/home/alice/.dso/dso.sock"));
    assertThat(SocketPaths.defaultFor(true, Map.of("DSO_SOCKET", "/tmp/x.sock"))).isEqualTo(Path.of("/tmp/x.sock"));
  }

  @Test
  void aMissingDirectoryIsCreatedReachableButNotWritableByOthers() throws Exception {
    Path sock = SocketPaths.claim(dir.resolve("run/dso.sock"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock.getParent()))).isEqualTo("rwxr-xr-x");
  }

  @Test
  void aPrivateDirectoryGetsSearchPermissionOnlyWhenGroupDsoMustReachTheSocket() throws Exception {
    Path run = Files.createDirectory(dir.resolve("run"));
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
    SocketPaths.claim(run.resolve("dso.sock"), false);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run))).isEqualTo("rwx------");
    SocketPaths.claim(run.resolve("dso.sock"), true);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run))).isEqualTo("rwx--x--x");
  }

  @Test
  void aDirectoryThatIsASymbolicLinkIsRefused() throws Exception {
    Files.createDirectory(dir.resolve("real"));
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));
    assertThatThrownBy(() -> SocketPaths.claim(dir.resolve("link/dso.sock")))
        .isInstanceOf(DsoException.class).hasMessageContaining("symbolic link").hasMessageContaining("--socket");
  }

  @Test
  void aGroupOrWorldWritableDirectoryIsRefused() throws Exception {
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> SocketPaths.claim(open.resolve("dso.sock")))
        .isInstanceOf(DsoException.class).hasMessageContaining("writable by everyone").hasMessageContaining("chmod 755");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwx---"));
    assertThatThrownBy(() -> SocketPaths.claim(open.resolve("dso.sock")))
        .isInstanceOf(DsoException.class).hasMessageContaining("writable by its group");
  }

  @Test
  void aRegularFileAtThePathIsRefusedNotDeleted() throws Exception {
    Path file = Files.writeString(dir.resolve("dso.sock"), "keep me");
    assertThatThrownBy(() -> SocketPaths.claim(file)).hasMessageContaining("not a socket");
    assertThat(Files.readString(file)).isEqualTo("keep me");
  }

  @Test
  void aStaleSocketNobodyListensOnIsReplaced() throws Exception {
    Path sock = dir.resolve("dso.sock");
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(sock));
    }
    assertThat(sock).exists();
    assertThat(SocketPaths.claim(sock)).isEqualTo(sock);
    assertThat(sock).doesNotExist();
  }

  @Test
  void aSocketSomeoneListensOnIsAnotherAgent() throws Exception {
    Path sock = dir.resolve("dso.sock");
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(sock));
      assertThatThrownBy(() -> SocketPaths.claim(sock)).hasMessageContaining("another agent runs on socket " + sock);
      assertThat(sock).exists();
    }
  }

  @Test
  void aPathTooLongForASocketAddressIsRefusedWithTheLimit() {
    Path longPath = dir.resolve("x".repeat(120) + ".sock");
    assertThatThrownBy(() -> SocketPaths.claim(longPath)).hasMessageContaining("longer than 107 bytes");
  }
}
