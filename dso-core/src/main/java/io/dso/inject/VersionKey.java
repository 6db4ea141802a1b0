package io.dso.inject;

import io.dso.DsoException;
import io.dso.PrivatePaths;
import io.dso.config.InjectSpec;
import io.dso.config.SecretSpec;
import io.dso.provider.SecretPayload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The agent's HMAC-SHA256 key (32 random bytes, {@code hmac.key} mode 0600 in the state dir) and
 * the version it gives a secret as injected. A plain hash of a low-entropy secret could be
 * brute-forced from a label; an HMAC cannot without the key.
 */
public final class VersionKey {
  private static final String FILE = "hmac.key";

  private final byte[] key;

  VersionKey(byte[] key) {
    this.key = key.clone();
  }

  /**
   * Reads the key, creating it on first use (0600, complete or absent, never through a symbolic
   * link); a key of the wrong size, a link, or a key others can read is an error, not replaced.
   */
  public static VersionKey loadOrCreate(Path stateDir) {
    Path file = stateDir.resolve(FILE);
    try {
      if (Files.isSymbolicLink(file)) {
        throw new DsoException("HMAC key " + file + " is a symbolic link; the agent never follows one there:"
            + " delete the link (a new key is then created and every managed container is re-injected once)");
      }
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        // false: another agent created it first, and theirs is used
        PrivatePaths.createOnce(file, fresh);
        Arrays.fill(fresh, (byte) 0);
      }
      byte[] key = PrivatePaths.readPrivate(file, 64);
      if (key.length != 32) {
        throw new DsoException(
            "HMAC key " + file + " has " + key.length + " bytes, expected 32; restore it from a backup or"
                + " delete it (every managed container is then re-injected once)");
      }
      return new VersionKey(key);
    } catch (IOException e) {
      throw new DsoException("cannot read or create HMAC key " + file + ": " + e.getMessage()
          + "; check --state-dir permissions", e);
    }
  }

  /**
   * The version of {@code payload} as injected by {@code spec}: HMAC over the canonical payload and
   * the injection settings, so that a changed mapping or path also counts as a new version.
   */
  public String version(SecretSpec spec, SecretPayload payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(payload.canonicalBytes());
      mac.update((byte) 0);
      mac.update(fingerprint(spec).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
    }
  }

  private static String fingerprint(SecretSpec spec) {
    InjectSpec in = spec.inject();
    Map<String, String> sorted = new TreeMap<>(spec.mappings());
    return in.mode() + "|" + in.path() + "|" + in.uid() + "|" + in.gid() + "|" + in.format() + "|" + sorted;
  }
}
