package io.dso.localvault;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local encrypted vault ({@code ~/.dso/vault.enc}) for development and air-gapped hosts: named
 * values, encrypted at rest, written atomically and one writer at a time.
 */
public final class LocalVault {
  /** One stored entry's metadata; never the value. */
  public record Entry(String name, java.time.Instant updatedAt, int size) {}

  private LocalVault() {}

  /** {@code $DSO_HOME}, else {@code ~/.dso}. */
  public static Path defaultDir() {
    throw new UnsupportedOperationException("LocalVault: not built yet");
  }

  /** Creates the vault (and a master key unless {@code DSO_MASTER_KEY} is set) in {@code dir}. */
  public static LocalVault init(Path dir) {
    throw new UnsupportedOperationException("LocalVault: not built yet");
  }

  /** Opens an existing vault; a missing, tampered or truncated file or a wrong key is an error naming the file. */
  public static LocalVault open(Path dir) {
    throw new UnsupportedOperationException("LocalVault: not built yet");
  }

  public Optional<String> get(String name) {
    throw new UnsupportedOperationException("LocalVault: not built yet");
  }

  public List<Entry> list() {
    throw new UnsupportedOperationException("LocalVault: not built yet");
  }

  public void put(String name, String value) {
    putAll(Map.of(name, value));
  }

  /** Stores every entry in one locked, atomic write. */
  public void putAll(Map<String, String> values) {
    throw new UnsupportedOperationException("LocalVault: not built yet");
  }

  /** Removes an entry; false when it did not exist. */
  public boolean remove(String name) {
    throw new UnsupportedOperationException("LocalVault: not built yet");
  }
}
