package io.dso.localvault;

import io.dso.localvault.VaultException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The bytes of {@code vault.enc}, format version 1: a fixed header (marker, format version, Argon2id
 * parameters, salt, nonce, key check, body length, header checksum), authenticated as AAD, followed
 * by the AES-256-GCM ciphertext of the entries. The unkeyed header checksum and the key check let a
 * damaged header, a wrong key and a damaged body each be reported as what they are.
 */
final class VaultCodec {
  static final int VERSION = 1;
  private static final byte[] MAGIC = "DSOVAULT".getBytes(StandardCharsets.US_ASCII);
  private static final int SALT = 16;
  private static final int NONCE = 12;
  private static final int CHECK = 16;
  private static final int SUM = 16;
  private static final int TAG_BITS = 128;
  /** marker, version, kdf type+version, memory, iterations, lanes, salt, nonce, key check, body length, checksum. */
  static final int HEADER = MAGIC.length + 2 + 2 + 4 + 4 + 4 + SALT + NONCE + CHECK + 4 + SUM;
  /** A vault is a developer's handful of secrets; the cap bounds what a damaged length can make us read. */
  static final int MAX_BODY = 64 << 20;
  private static final byte[] KEY_CHECK_LABEL = "dso local vault key check v1".getBytes(StandardCharsets.US_ASCII);

  /** Seeding a SecureRandom costs a cold CLI about 20 ms; only writes need one. */
  private static final class Random {
    static final SecureRandom SOURCE = new SecureRandom();
  }

  /**
   * Argon2id cost, chosen when a vault is created and recorded in its header. A key of 32 random
   * bytes cannot be guessed, so the KDF only has to be a sound one-way derivation and {@link #RANDOM_KEY}
   * stays light enough for a CLI call; a passphrase in {@code DSO_MASTER_KEY} gets OWASP's Argon2id
   * minimum ({@link #PASSPHRASE}: 19 MiB, 2 passes, 1 lane). Figures: see LocalVault's class comment.
   */
  record Kdf(int memoryKiB, int iterations, int lanes) {
    static final Kdf RANDOM_KEY = new Kdf(4 * 1024, 1, 1);
    static final Kdf PASSPHRASE = new Kdf(19 * 1024, 2, 1);

    static Kdf forKey(MasterKey key) {
      return key.random() ? RANDOM_KEY : PASSPHRASE;
    }

    boolean sane() {
      return lanes >= 1 && lanes <= 16 && iterations >= 1 && iterations <= 16
          && memoryKiB >= 8 * lanes && memoryKiB <= 1 << 20;
    }
  }

  /** A parsed, checksum-verified header; {@code raw} is the exact bytes authenticated as AAD. */
  record Header(Kdf kdf, byte[] salt, byte[] nonce, byte[] keyCheck, int bodyLength, byte[] raw) {}

  private VaultCodec() {}

  static byte[] newSalt() {
    byte[] salt = new byte[SALT];
    Random.SOURCE.nextBytes(salt);
    return salt;
  }

  /** Checks everything that can be checked without the key: marker, version, checksum, length. */
  static Header header(byte[] file, Path where) {
    int prefix = Math.min(file.length, MAGIC.length);
    if (!Arrays.equals(file, 0, prefix, MAGIC, 0, prefix)) {
      throw new VaultException(Reason.NOT_A_VAULT, where + " is not a dso vault (it does not start with the vault marker):"
          + " restore it from a backup, or move it away and run 'dso init'");
    }
    if (file.length < MAGIC.length + 2) {
      throw truncated(where, file.length, HEADER);
    }
    ByteBuffer in = ByteBuffer.wrap(file);
    in.position(MAGIC.length);
    int version = Short.toUnsignedInt(in.getShort());
    if (version != VERSION) {
      throw new VaultException(Reason.UNSUPPORTED_VERSION, where + " has vault format version " + version
          + ", this dso reads version " + VERSION + ": use the dso release that wrote it, or restore a backup");
    }
    if (file.length < HEADER) {
      throw truncated(where, file.length, HEADER);
    }
    byte[] sum = sha256(file, HEADER - SUM);
    if (!MessageDigest.isEqual(Arrays.copyOf(sum, SUM), Arrays.copyOfRange(file, HEADER - SUM, HEADER))) {
      throw tampered(where, "its header");
    }
    int type = in.get();
    int kdfVersion = in.get() & 0xff;
    Kdf kdf = new Kdf(in.getInt(), in.getInt(), in.getInt());
    if (type != Argon2Parameters.ARGON2_id || kdfVersion != Argon2Parameters.ARGON2_VERSION_13 || !kdf.sane()) {
      throw new VaultException(Reason.UNSUPPORTED_VERSION, where + " names key derivation " + type + "/" + kdfVersion + " "
          + kdf + " which this dso does not use: use the dso release that wrote it, or restore a backup");
    }
    byte[] salt = take(in, SALT);
    byte[] nonce = take(in, NONCE);
    byte[] check = take(in, CHECK);
    int bodyLength = in.getInt();
    if (bodyLength < TAG_BITS / 8 || bodyLength > MAX_BODY) {
      throw tampered(where, "its header");
    }
    long expected = (long) HEADER + bodyLength;
    if (file.length < expected) {
      throw truncated(where, file.length, expected);
    }
    if (file.length > expected) {
      throw tampered(where, "its length (" + (file.length - expected) + " bytes after the end)");
    }
    return new Header(kdf, salt, nonce, check, bodyLength, Arrays.copyOf(file, HEADER));
  }

  /** The AES key for {@code salt} and {@code kdf}; the caller keeps it as long as it keeps the master key. */
  static byte[] deriveKey(byte[] master, Kdf kdf, byte[] salt) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(kdf.memoryKiB())
        .withIterations(kdf.iterations())
        .withParallelism(kdf.lanes())
        .withSalt(salt)
        .build();
    Argon2BytesGenerator argon = new Argon2BytesGenerator();
    argon.init(params);
    byte[] key = new byte[32];
    argon.generateBytes(master, key);
    return key;
  }

  /** Decrypts a file whose {@link #header} passed; the key check tells a wrong key from a damaged body. */
  static byte[] open(byte[] file, Header h, byte[] key, Path where) {
    if (!MessageDigest.isEqual(keyCheck(key), h.keyCheck())) {
      throw new VaultException(Reason.WRONG_KEY, where + " was not written with this master key: check DSO_MASTER_KEY"
          + " (it wins over master.key) or restore the master.key backed up when the vault was created");
    }
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, h.nonce()));
      gcm.updateAAD(h.raw());
      return gcm.doFinal(file, HEADER, h.bodyLength());
    } catch (AEADBadTagException e) {
      throw tampered(where, "its content");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is required by every JDK", e);
    }
  }

  /** A complete file holding {@code plaintext}, under a fresh nonce. */
  static byte[] seal(byte[] plaintext, byte[] key, Kdf kdf, byte[] salt) {
    byte[] nonce = new byte[NONCE];
    Random.SOURCE.nextBytes(nonce);
    int bodyLength = plaintext.length + TAG_BITS / 8;
    ByteBuffer out = ByteBuffer.allocate(HEADER + bodyLength);
    out.put(MAGIC).putShort((short) VERSION)
        .put((byte) Argon2Parameters.ARGON2_id).put((byte) Argon2Parameters.ARGON2_VERSION_13)
        .putInt(kdf.memoryKiB()).putInt(kdf.iterations()).putInt(kdf.lanes())
        .put(salt).put(nonce).put(keyCheck(key)).putInt(bodyLength);
    byte[] file = out.array();
    out.put(Arrays.copyOf(sha256(file, HEADER - SUM), SUM));
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      gcm.updateAAD(file, 0, HEADER);
      int written = gcm.doFinal(plaintext, 0, plaintext.length, file, HEADER);
      if (written != bodyLength) {
        throw new IllegalStateException("AES-GCM wrote " + written + " bytes, expected " + bodyLength);
      }
      return file;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is required by every JDK", e);
    }
  }

  private static byte[] keyCheck(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Arrays.copyOf(mac.doFinal(KEY_CHECK_LABEL), CHECK);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
    }
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(bytes, 0, length);
      return d.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  private static byte[] take(ByteBuffer in, int n) {
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  private static VaultException truncated(Path where, long have, long want) {
    return new VaultException(Reason.TRUNCATED, where + " is truncated (" + have + " of at least " + want
        + " bytes): an interrupted copy or a full disk; restore it from a backup");
  }

  private static VaultException tampered(Path where, String part) {
    return new VaultException(Reason.TAMPERED, where + " is damaged or was modified (" + part
        + " fails its integrity check): restore it from a backup; its entries cannot be trusted");
  }
}
