package io.dso.provider;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The key/value content of one secret. Values are only reachable through {@link #values()};
 * {@link #toString()} prints key names only, so a payload in a log line or exception leaks nothing.
 */
public final class SecretPayload {
  private final Map<String, String> values;
  private final String changeToken;
  private final Lease lease;

  public SecretPayload(Map<String, String> values) {
    this(copyOf(values), null, null);
  }

  private SecretPayload(Map<String, String> sorted, String changeToken, Lease lease) {
    this.values = sorted;
    this.changeToken = changeToken;
    this.lease = lease;
  }

  private static Map<String, String> copyOf(Map<String, String> values) {
    // Sorted: the canonical form and every listing are independent of provider ordering.
    TreeMap<String, String> copy = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k == null || v == null) {
            throw new IllegalArgumentException("secret payload keys and values must not be null");
          }
          copy.put(k, v);
        });
    return Collections.unmodifiableMap(copy);
  }

  /**
   * The same content tagged with the provider's cheap change token (see
   * {@link SecretProvider#changeToken}); the token is metadata and takes no part in equality or hashing.
   */
  public SecretPayload withChangeToken(String token) {
    return new SecretPayload(values, token, lease);
  }

  /** The same content with the lease of a dynamic credential; metadata, as for the change token. */
  public SecretPayload withLease(Lease newLease) {
    return new SecretPayload(values, changeToken, newLease);
  }

  public Optional<String> changeToken() {
    return Optional.ofNullable(changeToken);
  }

  public Optional<Lease> lease() {
    return Optional.ofNullable(lease);
  }

  public Map<String, String> values() {
    return values;
  }

  /**
   * A byte form that is identical for equal content whatever the provider's key order: each key
   * and value as a 4-byte big-endian length followed by UTF-8 bytes, keys in sorted order.
   */
  public byte[] canonicalBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    values.forEach(
        (k, v) -> {
          writeField(out, k);
          writeField(out, v);
        });
    return out.toByteArray();
  }

  /** SHA-256 of {@link #canonicalBytes()}, lower-case hex; used for change detection only. */
  public String sha256() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(canonicalBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  private static void writeField(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >>> 24);
    out.write(b.length >>> 16);
    out.write(b.length >>> 8);
    out.write(b.length);
    out.writeBytes(b);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretPayload p && p.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.keySet().hashCode();
  }

  @Override
  public String toString() {
    return "SecretPayload" + values.keySet() + " (values hidden)";
  }
}
