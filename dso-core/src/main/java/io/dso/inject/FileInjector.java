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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes file-mode secrets below the tmpfs secrets directory, one file set per container
 * generation: {@code <root>/<container>/<generation>/<secret>/data/} (bind-mounted read-only into
 * that generation's container) and {@code meta.json} beside it (version HMAC, keys, time; never
 * values). A replacement container gets a fresh generation, so the container it replaces keeps
 * reading its own files until it is removed. Each file is replaced by write-temp + fsync + atomic
 * rename, so a reader sees the old or the new content, never a mix.
 */
public final class FileInjector {
  /** The injected version as recorded beside the files. */
  public record Meta(String version, List<String> files, Instant injectedAt) {}

  static final String JSON_FILE = "secret.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern GENERATION = Pattern.compile("g-[0-9a-f]{12}");

  private final Path root;
  /** Generations being filled for a container that does not exist yet: no sweep may take them. */
  private final Set<Path> held = ConcurrentHashMap.newKeySet();

  public FileInjector(Path root) {
    // Absolute and normalized: bind sources must be absolute, and mount sources are compared with it.
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** A fresh generation id; random, so a plan that is never carried out leaves nothing behind. */
  public static String newGeneration() {
    return "g-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** The host directory bind-mounted for {@code secret} in {@code container}'s {@code generation}. */
  public Path dataDir(String container, String generation, String secret) {
    return secretDir(container, generation, secret).resolve("data");
  }

  private Path secretDir(String container, String generation, String secret) {
    return generationDir(container, generation).resolve(slug(secret));
  }

  private Path generationDir(String container, String generation) {
    if (!GENERATION.matcher(generation).matches()) {
      throw new IllegalArgumentException("not a generation id: " + generation);
    }
    return containerDir(container).resolve(generation);
  }

  private Path containerDir(String container) {
    Path dir = root.resolve(container).normalize();
    if (!dir.startsWith(root) || dir.equals(root) || dir.getNameCount() != root.getNameCount() + 1) {
      throw new IllegalArgumentException("not a container name: " + container);
    }
    return dir;
  }

  /**
   * The generation whose files a mount of {@code secret} shows, when {@code source} is that secret's
   * data directory of one of {@code container}'s generations; empty for anything else (another
   * container's files, an older layout, a user's own bind).
   */
  public Optional<String> generationOf(String container, String secret, String source) {
    Path base = containerDir(container);
    Path src = Path.of(source).normalize();
    if (!src.startsWith(base) || src.getNameCount() != base.getNameCount() + 3) {
      return Optional.empty();
    }
    String generation = src.getName(base.getNameCount()).toString();
    return GENERATION.matcher(generation).matches() && src.equals(dataDir(container, generation, secret))
        ? Optional.of(generation) : Optional.empty();
  }

  /** The generation directory a mount source lies in, if it lies below {@code container}'s files. */
  Optional<String> generationBelow(String container, String source) {
    Path base = containerDir(container);
    Path src = Path.of(source).normalize();
    return src.startsWith(base) && src.getNameCount() > base.getNameCount()
        ? Optional.of(src.getName(base.getNameCount()).toString()) : Optional.empty();
  }

  /** A slug directory name for a secret name: readable, and unique thanks to a short digest. */
  static String slug(String secret) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return secret.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + HexFormat.of().formatHex(d, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes (or rewrites in place) every file of {@code secret} in one generation of {@code container}. */
  public Meta write(String container, String generation, SecretSpec spec, SecretPayload payload, String version, Instant now) {
    Map<String, String> files = spec.inject().format() == FileFormat.JSON
        ? Map.of(JSON_FILE, toJson(Materials.files(spec, payload)))
        : Materials.files(spec, payload);
    Path data = dataDir(container, generation, spec.name());
    try {
      Files.createDirectories(data.getParent());
      if (!Files.isDirectory(data)) {
        Files.createDirectory(data);
      }
      // Traversable by the container's user (files stay 0400); the tree's root stays 0700 on the host.
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
      for (Path up = data.getParent(); !up.equals(root); up = up.getParent()) {
        Files.setPosixFilePermissions(up, PosixFilePermissions.fromString("rwx--x--x"));
      }
      setOwner(data, spec.inject().uid(), spec.inject().gid());
      for (Map.Entry<String, String> f : files.entrySet()) {
        atomicWrite(data, f.getKey(), f.getValue().getBytes(StandardCharsets.UTF_8), spec.inject().uid(), spec.inject().gid());
      }
      removeOthers(data, files.keySet());
      Meta meta = new Meta(version, List.copyOf(files.keySet()), now);
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

  /** What was last written for the secret in one generation of a container, if anything. */
  public Optional<Meta> meta(String container, String generation, String secret) {
    return metaAt(secretDir(container, generation, secret));
  }

  /** The record beside a data directory a container mounts; empty unless it lies below this root. */
  public Optional<Meta> metaOfMount(String source) {
    Path data = Path.of(source).normalize();
    return data.startsWith(root) && data.getParent() != null ? metaAt(data.getParent()) : Optional.empty();
  }

  private static Optional<Meta> metaAt(Path secretDir) {
    Path meta = secretDir.resolve("meta.json");
    try {
      if (!Files.isRegularFile(meta)) {
        return Optional.empty();
      }
      JsonNode n = JSON.readTree(meta.toFile());
      List<String> names = new ArrayList<>();
      n.path("files").forEach(x -> names.add(x.asText()));
      return Optional.of(new Meta(n.path("version").asText(), names, Instant.parse(n.path("injected_at").asText())));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // unreadable meta = unknown version: the secret is written again
    }
  }

  /** Marks a generation as being prepared for a container still to be created: sweeps leave it alone. */
  public void hold(String container, String generation) {
    held.add(generationDir(container, generation));
  }

  /** Ends {@link #hold}: from now on the generation lives only as long as a container mounts it. */
  public void release(String container, String generation) {
    held.remove(generationDir(container, generation));
  }

  /** Releases and wipes one generation (its container was never created). */
  public void discard(String container, String generation) {
    Path gen = generationDir(container, generation);
    held.remove(gen);
    deleteTree(gen);
  }

  /** The generation directories of a container (an older layout's directories are listed too). */
  public Set<String> generations(String container) {
    return list(containerDir(container));
  }

  /**
   * Wipes every generation of {@code container} not in {@code keep} and not held; removes the
   * container's directory once nothing is left in it. Returns the generations wiped.
   */
  public Set<String> retain(String container, Set<String> keep) {
    Path dir = containerDir(container);
    Set<String> wiped = new TreeSet<>();
    for (String g : list(dir)) {
      Path gen = dir.resolve(g);
      if (!keep.contains(g) && !held.contains(gen)) {
        deleteTree(gen);
        wiped.add(g);
      }
    }
    try {
      Files.deleteIfExists(dir);
    } catch (java.nio.file.DirectoryNotEmptyException e) {
      // a generation is kept or held: the directory stays with it
    } catch (IOException e) {
      throw new InjectionException("cannot remove " + dir + ": " + e.getMessage(), e);
    }
    return wiped;
  }

  /** Removes everything written for a container (it was removed, or renamed away), held generations aside. */
  public void wipe(String container) {
    try {
      retain(container, Set.of());
    } catch (IllegalArgumentException e) {
      // not a name below the root (e.g. ".."): nothing of ours
    }
  }

  /** Container names that have a directory here. */
  public Set<String> containers() {
    // A dot name is no container's (Docker names start with a letter or digit): the Compose files live there.
    return list(root).stream().filter(n -> !n.startsWith(".")).collect(Collectors.toSet());
  }

  private static Set<String> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Set.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(Collectors.toSet());
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

  static void atomicWrite(Path dir, String name, byte[] content, Integer uid, Integer gid) throws IOException {
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

  static void deleteTree(Path dir) {
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
