package io.dso.localvault;

import io.dso.PrivatePaths;
import io.dso.localvault.VaultEntries.Stored;
import io.dso.localvault.VaultException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The local encrypted vault ({@code ~/.dso/vault.enc}) for development and air-gapped hosts: named
 * values, encrypted at rest, written atomically and one writer at a time.
 *
 * <p>Every call reads the file again under the lock, so several processes share one vault safely;
 * only the derived key is kept between calls (Argon2id runs once per instance and salt). Measured in
 * a cold JVM with the launcher's flags on the 2-core test machine (CPU time, the machine under a
 * load of about 12): opening a vault with the default cost for a random key (4 MiB, 1 pass) takes
 * 130-150 ms, of which Argon2id is about 50 ms (20 ms warm); with OWASP's 19 MiB / 2 passes the
 * derivation alone took 200+ ms, which is why that cost is kept for passphrases. Loading a signed
 * bcprov jar adds about 290 ms on top, so the distribution ships it unsigned.
 */
public final class LocalVault {
  /** One stored entry's metadata; never the value. */
  public record Entry(String name, java.time.Instant updatedAt, int size) {}

  private final VaultFiles files;
  private final MasterKey master;
  private final boolean createdKey;
  private byte[] keySalt;
  private VaultCodec.Kdf keyKdf;
  private byte[] key;

  private LocalVault(Path dir, MasterKey master, boolean createdKey) {
    this.files = new VaultFiles(dir);
    this.master = master;
    this.createdKey = createdKey;
  }

  /** {@code $DSO_HOME}, else {@code ~/.dso}. */
  public static Path defaultDir() {
    return defaultDir(System.getenv());
  }

  /** {@code DSO_HOME} of {@code env}, else {@code ~/.dso}. */
  public static Path defaultDir(Map<String, String> env) {
    String home = env.get("DSO_HOME");
    if (home != null && !home.isBlank()) {
      return Path.of(home).toAbsolutePath().normalize();
    }
    // $HOME first, as the shell and Docker's CLI see it: the JVM's user.home comes from the passwd
    // entry, which differs under sudo -E, in containers and in tests with their own HOME.
    String userHome = env.get("HOME");
    return Path.of(userHome != null && !userHome.isBlank() ? userHome : System.getProperty("user.home"), ".dso");
  }

  /** Creates the vault (and a master key unless {@code DSO_MASTER_KEY} is set) in {@code dir}. */
  public static LocalVault init(Path dir) {
    return init(dir, false, System.getenv());
  }

  /**
   * Creates an empty vault in {@code dir} (mode 0700), and {@code master.key} unless
   * {@code DSO_MASTER_KEY} is set or the file exists (an existing key is kept, so its backup stays
   * good). An existing vault is replaced only when {@code force}.
   */
  public static LocalVault init(Path dir, boolean force, Map<String, String> env) {
    PrivatePaths.directory(dir, "dso home directory", "DSO_HOME");
    // Refuse before creating a key: a fresh master.key beside an existing vault would turn "restore
    // your backup" into "wrong key" and could be mistaken for the backup.
    if (!force && Files.exists(dir.resolve(VaultFiles.VAULT), LinkOption.NOFOLLOW_LINKS)) {
      throw existsError(dir.resolve(VaultFiles.VAULT));
    }
    boolean created = MasterKey.fromEnvironment(env) == null && MasterKey.createIfMissing(dir);
    LocalVault vault = new LocalVault(dir, MasterKey.load(dir, env), created);
    vault.files.locked(true, () -> {
      if (vault.files.exists() && !force) {
        throw existsError(vault.file());
      }
      vault.write(VaultCodec.Kdf.forKey(vault.master), VaultCodec.newSalt(), new TreeMap<>());
      return null;
    });
    return vault;
  }

  private static VaultException existsError(Path file) {
    return new VaultException(Reason.EXISTS, "a vault already exists at " + file
        + ": keep using it, or pass --force to replace it with an empty one (its entries are lost)");
  }

  /** Opens an existing vault; a missing, tampered or truncated file or a wrong key is an error naming the file. */
  public static LocalVault open(Path dir) {
    return open(dir, System.getenv());
  }

  /** As {@link #open(Path)}, with the master key taken from {@code env} ({@code DSO_MASTER_KEY}) or the key file. */
  public static LocalVault open(Path dir, Map<String, String> env) {
    Path abs = dir.toAbsolutePath().normalize();
    Path file = abs.resolve(VaultFiles.VAULT);
    try {
      Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new VaultException(Reason.MISSING, "no local vault at " + file
          + ": create one with 'dso init' (or set DSO_HOME to the directory that holds vault.enc)");
    } catch (IOException e) {
      throw VaultFiles.io("read", file, e);
    }
    LocalVault vault = new LocalVault(abs, MasterKey.load(abs, env), false);
    vault.read(false);
    return vault;
  }

  /** The vault file. */
  public Path file() {
    return files.vault();
  }

  /** Where the master key came from: the key file's path or {@code DSO_MASTER_KEY}. */
  public String keySource() {
    return master.source();
  }

  /** True when {@link #init} created a new master key file (which must now be backed up). */
  public boolean createdKey() {
    return createdKey;
  }

  /**
   * A cheap token that changes whenever the file is replaced (size, modification time, inode), for
   * callers that re-read only on change; empty when the file is gone.
   */
  public Optional<String> changeToken() {
    try {
      BasicFileAttributes a = Files.readAttributes(file(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return Optional.of(a.size() + ":" + a.lastModifiedTime().toInstant() + ":" + a.fileKey());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw VaultFiles.io("read", file(), e);
    }
  }

  public Optional<String> get(String name) {
    return Optional.ofNullable(read(false).get(name)).map(Stored::value);
  }

  public List<Entry> list() {
    List<Entry> out = new ArrayList<>();
    read(false).forEach((name, s) -> out.add(
        new Entry(name, s.updatedAt(), s.value().getBytes(StandardCharsets.UTF_8).length)));
    return out;
  }

  public void put(String name, String value) {
    putAll(Map.of(name, value));
  }

  /** Stores every entry in one locked, atomic write. */
  public void putAll(Map<String, String> values) {
    values.keySet().forEach(VaultNames::require);
    Instant now = Instant.now();
    update(entries -> {
      values.forEach((name, value) -> entries.put(name, new Stored(value, now)));
      return true;
    });
  }

  /** Removes an entry; false when it did not exist. */
  public boolean remove(String name) {
    return update(entries -> entries.remove(name) != null);
  }

  private TreeMap<String, Stored> read(boolean exclusive) {
    return files.locked(exclusive, () -> decode(files.read()).entries());
  }

  private record Decoded(VaultCodec.Header header, TreeMap<String, Stored> entries) {}

  private Decoded decode(byte[] bytes) {
    VaultCodec.Header h = VaultCodec.header(bytes, file());
    byte[] plain = VaultCodec.open(bytes, h, keyFor(h.kdf(), h.salt()), file());
    try {
      return new Decoded(h, VaultEntries.decode(plain));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** Read-modify-write under the exclusive lock; writes only when {@code change} says it changed something. */
  private boolean update(Predicate<TreeMap<String, Stored>> change) {
    return files.locked(true, () -> {
      Decoded d = decode(files.read());
      if (!change.test(d.entries())) {
        return false;
      }
      write(d.header().kdf(), d.header().salt(), d.entries());
      return true;
    });
  }

  private void write(VaultCodec.Kdf kdf, byte[] salt, TreeMap<String, Stored> entries) throws IOException {
    byte[] plain = VaultEntries.encode(entries);
    try {
      files.replace(VaultCodec.seal(plain, keyFor(kdf, salt), kdf, salt));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private synchronized byte[] keyFor(VaultCodec.Kdf kdf, byte[] salt) {
    if (key == null || !kdf.equals(keyKdf) || !Arrays.equals(salt, keySalt)) {
      key = VaultCodec.deriveKey(master.bytes(), kdf, salt);
      keyKdf = kdf;
      keySalt = salt.clone();
    }
    return key;
  }

  @Override
  public String toString() {
    return "LocalVault[" + file() + ", key from " + master.source() + "]";
  }
}
