package io.dso.provider.vault;

import io.dso.provider.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/** Where the provider's Vault token comes from; implementations are thread-safe. */
interface TokenSource {
  /** A token to send now, renewing or logging in first when its time has come. */
  String current(String secret);

  /**
   * Vault refused {@code used} (403): fetch a fresh token if there is one (log in again, re-read the
   * file). True when a retry with {@link #current} may help; callers retry once, never in a loop.
   */
  boolean refreshAfterDenied(String used, String secret);

  /**
   * A token file kept fresh by someone else (a Vault Agent sink): re-read whenever its modification
   * time or size changes, and after a refusal.
   */
  final class FromFile implements TokenSource {
    private final String provider;
    private final Path file;
    private FileTime readMtime;
    private long readSize = -1;
    private String token;

    FromFile(String provider, Path file) {
      this.provider = provider;
      this.file = file;
    }

    @Override
    public synchronized String current(String secret) {
      try {
        FileTime mtime = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        if (token == null || !mtime.equals(readMtime) || size != readSize) {
          String read = Files.readString(file, StandardCharsets.UTF_8).strip();
          if (read.isEmpty()) {
            throw new ProviderException(provider, secret, true, "token_file " + file + " is empty; is the Vault Agent sink writing it?");
          }
          token = read;
          readMtime = mtime;
          readSize = size;
        }
        return token;
      } catch (IOException e) {
        throw new ProviderException(provider, secret, true,
            "cannot read token_file " + file + " (" + e.getClass().getSimpleName() + "); check the path and that the agent may read it", e);
      }
    }

    @Override
    public synchronized boolean refreshAfterDenied(String used, String secret) {
      // The sink may have replaced the file within the same mtime tick: compare content.
      token = null;
      return !current(secret).equals(used);
    }
  }
}
