package io.dso.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.config.FileFormat;
import io.dso.config.SecretSpec;
import io.dso.provider.SecretPayload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes file-mode secrets below the tmpfs secrets directory, one directory per container and
 * secret: {@code <root>/<container>/<secret>/data/} (bind-mounted read-only into the container) and
 * {@code meta.json} beside it (version HMAC, keys, time; never values). Each file is replaced by
 * write-temp + fsync + atomic rename, so a reader sees the old or the new content, never a mix.
 */
public final class FileInjector {
  /** The injected version as recorded beside the files. */
  public record Meta(String version, java.util.List<String> files, Instant injectedAt) {}

  static final String JSON_FILE = "secret.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;

  public FileInjector(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** The host directory bind-mounted for {@code secret} in {@code container}. */
  public Path dataDir(String container, String secret) {
    return secretDir(container, secret).resolve("data");
  }

  private Path secretDir(String container, String secret) {
    return root.resolve(container).resolve(slug(secret));
  }

  /** A directory name for a secret name: readable, and unique thanks to a short digest. */
  static String slug(String secret) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return secret.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + HexFormat.of().formatHex(d, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes (or rewrites in place) every file of {@code secret} for {@code container}. */
  public Meta write(String container, SecretSpec spec, SecretPayload payload, String version, Instant now) {
    Map<String, String> files = spec.inject().format() == FileFormat.JSON
        ? Map.of(JSON_FILE, toJson(Materials.files(spec, payload)))
        : Materials.files(spec, payload);
    Path data = dataDir(container, spec.name());
    try {
      Files.createDirectories(data.getParent());
      if (!Files.isDirectory(data)) {
        Files.createDirectory(data);
      }
      // Traversable by the container's user (files stay 0400); the tree's root stays 0700 on the host.
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(data.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
      Files.setPosixFilePermissions(data.getParent().getParent(), PosixFilePermissions.fromString("rwx--x--x"));
      setOwner(data, spec.inject().uid(), spec.inject().gid());
      for (Map.Entry<String, String> f : files.entrySet()) {
        atomicWrite(data, f.getKey(), f.getValue().getBytes(StandardCharsets.UTF_8), spec.inject().uid(), spec.inject().gid());
      }
      removeOthers(data, files.keySet());
      Meta meta = new Meta(version, java.util.List.copyOf(files.keySet()), now);
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("version", version);
      record.put("files", meta.files());
      record.put("injected_at", now.toString());
      atomicWrite(data.getParent(), "meta.json", JSON.writeValueAsBytes(record), null, null);
      fsyncDir(data);
      return meta;
    } catch (IOException e) {
      throw new InjectionException("writing secret '" + spec.name() + "' for container " + container + " below "
          + data + " failed: " + e.getClass().getSimpleName() + "; check that the secrets directory is writable", e);
    }
  }

  /** What was last written for the pair, if anything. */
  public Optional<Meta> meta(String container, String secret) {
    Path meta = secretDir(container, secret).resolve("meta.json");
    try {
      if (!Files.isRegularFile(meta)) {
        return Optional.empty();
      }
      JsonNode n = JSON.readTree(meta.toFile());
      java.util.List<String> names = new java.util.ArrayList<>();
      n.path("files").forEach(x -> names.add(x.asText()));
      return Optional.of(new Meta(n.path("version").asText(), names, Instant.parse(n.path("injected_at").asText())));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // unreadable meta = unknown version: the secret is written again
    }
  }

  /** Removes everything written for a container (it was removed, or renamed away). */
  public void wipe(String container) {
    Path dir = root.resolve(container);
    if (!dir.normalize().startsWith(root) || dir.equals(root)) {
      return;
    }
    deleteTree(dir);
  }

  /** Container names that have a directory here. */
  public Set<String> containers() {
    if (!Files.isDirectory(root)) {
      return Set.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
    } catch (IOException e) {
      return Set.of();
    }
  }

  private static String toJson(Map<String, String> values) {
    try {
      return JSON.writeValueAsString(new LinkedHashMap<>(values));
    } catch (IOException e) {
      throw new InjectionException("cannot encode secret as JSON", e);
    }
  }

  private static void atomicWrite(Path dir, String name, byte[] content, Integer uid, Integer gid) throws IOException {
    Path tmp = dir.resolve("." + name + ".tmp-" + UUID.randomUUID());
    try {
      try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r--------"));
      setOwner(tmp, uid, gid);
      try {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("atomic rename not supported in " + dir, e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void removeOthers(Path data, Set<String> keep) throws IOException {
    try (Stream<Path> s = Files.list(data)) {
      for (Path p : s.toList()) {
        if (!keep.contains(p.getFileName().toString())) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void setOwner(Path p, Integer uid, Integer gid) throws IOException {
    if (uid == null && gid == null) {
      return;
    }
    try {
      if (uid != null) {
        Files.setAttribute(p, "unix:uid", uid);
      }
      if (gid != null) {
        Files.setAttribute(p, "unix:gid", gid);
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new IOException("cannot give " + p.getFileName() + " to uid " + uid + " gid " + gid
          + " (the agent must run as root to set another owner)", e);
    }
  }

  private static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some filesystems refuse directory fsync; tmpfs has nothing to flush anyway
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new InjectionException("cannot remove " + dir + ": " + e.getMessage(), e);
    }
  }

}
