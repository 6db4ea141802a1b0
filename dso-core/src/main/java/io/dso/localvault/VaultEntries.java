package io.dso.localvault;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The plaintext inside {@code vault.enc}: a count, then per entry its name, value (length-prefixed
 * UTF-8) and update time in epoch milliseconds. A plain binary form keeps a JSON library off the
 * CLI's start path; it is only ever read after AES-GCM authenticated it.
 */
final class VaultEntries {
  /** One entry with its value; never printed. */
  record Stored(String value, Instant updatedAt) {
    @Override
    public String toString() {
      return "Stored[updatedAt=" + updatedAt + ", value hidden]";
    }
  }

  private VaultEntries() {}

  static byte[] encode(Map<String, Stored> entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(entries.size());
      for (Map.Entry<String, Stored> e : entries.entrySet()) {
        writeString(out, e.getKey());
        writeString(out, e.getValue().value());
        out.writeLong(e.getValue().updatedAt().toEpochMilli());
      }
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  /** Decodes authenticated plaintext; a malformed one means a writer bug, reported as such. */
  static TreeMap<String, Stored> decode(byte[] plain) {
    TreeMap<String, Stored> entries = new TreeMap<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        String name = readString(in, plain.length);
        String value = readString(in, plain.length);
        entries.put(name, new Stored(value, Instant.ofEpochMilli(in.readLong())));
      }
      if (in.available() != 0) {
        throw new IOException("trailing bytes");
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("the vault's content is authentic but not in the layout this dso writes ("
          + e.getClass().getSimpleName() + "); report this as a bug", e);
    }
    return entries;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in, int bound) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > bound) {
      throw new IOException("bad length");
    }
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new IOException("short field");
    }
    return new String(b, StandardCharsets.UTF_8);
  }
}
