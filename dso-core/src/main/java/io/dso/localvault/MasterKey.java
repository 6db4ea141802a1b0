package io.dso.localvault;

import io.dso.DsoException;
import io.dso.PrivatePaths;
import io.dso.localvault.VaultException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Where the vault's master key comes from: {@code DSO_MASTER_KEY} when set (it wins), else
 * {@code master.key} beside the vault (32 random bytes, mode 0600). A {@code DSO_MASTER_KEY} that is
 * the base64 form of 32 bytes is decoded, so {@code DSO_MASTER_KEY=$(base64 -w0 master.key)} opens the
 * same vault as the file; any other text is a passphrase, used as its UTF-8 bytes. {@code random}
 * says whether the key is 32 random bytes (the file, or its base64 form) rather than a passphrase.
 */
record MasterKey(byte[] bytes, String source, boolean random) {
  static final String ENV = "DSO_MASTER_KEY";
  static final String FILE = "master.key";
  private static final int KEY_BYTES = 32;

  /** The key from the environment, else from {@code dir/master.key}. */
  static MasterKey load(Path dir, Map<String, String> env) {
    MasterKey fromEnv = fromEnvironment(env);
    if (fromEnv != null) {
      return fromEnv;
    }
    Path file = dir.resolve(FILE);
    try {
      byte[] key = PrivatePaths.readPrivate(file, 4096);
      if (key.length == 0) {
        throw new VaultException(Reason.NO_KEY, "master key file " + file + " is empty: restore it from your backup, or set "
            + ENV);
      }
      return new MasterKey(key, file.toString(), key.length >= KEY_BYTES);
    } catch (NoSuchFileException e) {
      throw new VaultException(Reason.NO_KEY, "no master key: " + file + " does not exist and " + ENV
          + " is not set; restore master.key from your backup, set " + ENV + ", or run 'dso init'");
    } catch (IOException e) {
      throw new VaultException(Reason.IO, "cannot read master key file " + file + ": " + e.getClass().getSimpleName()
          + "; check its owner and mode (0600), or set " + ENV, e);
    } catch (DsoException e) {
      if (e instanceof VaultException) {
        throw e;
      }
      throw new VaultException(Reason.NO_KEY, "master key file " + e.getMessage(), e);
    }
  }

  static MasterKey fromEnvironment(Map<String, String> env) {
    String text = env.get(ENV);
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      byte[] decoded = Base64.getDecoder().decode(text.strip());
      if (decoded.length == KEY_BYTES) {
        return new MasterKey(decoded, ENV, true);
      }
    } catch (IllegalArgumentException notBase64) {
      // Any passphrase is accepted as it is; Argon2id stretches it.
    }
    return new MasterKey(text.getBytes(StandardCharsets.UTF_8), ENV, false);
  }

  /** Creates {@code dir/master.key} with 32 fresh random bytes; false when one already exists (kept as it is). */
  static boolean createIfMissing(Path dir) {
    Path file = dir.resolve(FILE);
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    try {
      return PrivatePaths.createOnce(file, key);
    } catch (IOException e) {
      throw new VaultException(Reason.IO, "cannot create master key file " + file + ": " + e.getClass().getSimpleName()
          + "; check that " + dir + " is writable", e);
    }
  }

  @Override
  public String toString() {
    return "MasterKey[from " + source + "]";
  }
}
