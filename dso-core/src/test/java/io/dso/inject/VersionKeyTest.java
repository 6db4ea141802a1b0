package io.dso.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.DsoException;
import io.dso.provider.SecretPayload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionKeyTest {
  @TempDir Path state;

  @Test
  void keyIsCreatedOnceWithMode0600AndReusedAcrossLoads() throws Exception {
    VersionKey first = VersionKey.loadOrCreate(state);
    Path file = state.resolve("hmac.key");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.size(file)).isEqualTo(32);
    SecretPayload p = new SecretPayload(Map.of("K", "v"));
    var spec = InjectFixtures.env("s", Map.of());
    assertThat(VersionKey.loadOrCreate(state).version(spec, p)).isEqualTo(first.version(spec, p));
  }

  @Test
  void versionIsAnHmacNotThePlainHashAndDependsOnKeyPayloadAndMapping() throws Exception {
    SecretPayload p = new SecretPayload(Map.of("PASSWORD", "hunter2"));
    var spec = InjectFixtures.env("s", Map.of());
    String v = VersionKey.loadOrCreate(state).version(spec, p);
    String plain = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(p.canonicalBytes()));
    assertThat(v).hasSize(64).isNotEqualTo(plain).isNotEqualTo(p.sha256());
    assertThat(new VersionKey(new byte[32]).version(spec, p)).isNotEqualTo(v);
    assertThat(VersionKey.loadOrCreate(state).version(spec, new SecretPayload(Map.of("PASSWORD", "hunter3")))).isNotEqualTo(v);
    assertThat(VersionKey.loadOrCreate(state).version(InjectFixtures.env("s", Map.of("PASSWORD", "DB_PASS")), p)).isNotEqualTo(v);
  }

  @Test
  void aCorruptKeyIsAnErrorNotSilentlyReplaced() throws Exception {
    Files.write(state.resolve("hmac.key"), new byte[5]);
    Files.setPosixFilePermissions(state.resolve("hmac.key"), PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> VersionKey.loadOrCreate(state))
        .isInstanceOf(DsoException.class)
        .hasMessageContaining("has 5 bytes, expected 32");
  }

  @Test
  void aSymbolicLinkInPlaceOfTheKeyIsRefusedNotFollowed() throws Exception {
    Path elsewhere = state.resolve("elsewhere");
    Files.createSymbolicLink(state.resolve("hmac.key"), elsewhere);

    assertThatThrownBy(() -> VersionKey.loadOrCreate(state))
        .isInstanceOf(DsoException.class)
        .hasMessageContaining("is a symbolic link");
    assertThat(Files.exists(elsewhere)).isFalse();
  }

  @Test
  void aKeyOthersCanReadIsRefused() throws Exception {
    VersionKey.loadOrCreate(state);
    Files.setPosixFilePermissions(state.resolve("hmac.key"), PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> VersionKey.loadOrCreate(state))
        .isInstanceOf(DsoException.class)
        .hasMessageContaining("chmod 600 " + state.resolve("hmac.key"));
  }

  @Test
  void creationLeavesNoTemporaryFileAndNeverReplacesAKey() throws Exception {
    byte[] theirs = new byte[32];
    theirs[0] = 7;
    assertThat(io.dso.PrivatePaths.createOnce(state.resolve("hmac.key"), theirs)).isTrue();
    assertThat(io.dso.PrivatePaths.createOnce(state.resolve("hmac.key"), new byte[32])).isFalse();

    assertThat(Files.readAllBytes(state.resolve("hmac.key"))).isEqualTo(theirs);
    try (var files = Files.list(state)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("hmac.key");
    }
  }
}
