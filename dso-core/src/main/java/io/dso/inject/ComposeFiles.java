package io.dso.inject;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The files behind {@code dsofile://} references of Compose services, on the agent's tmpfs secrets
 * directory: {@code <secrets>/.compose/<project>/<service>/files/<path>} (mounted read-only at
 * {@value #MOUNT_TARGET} in every container of the service, so the container reads
 * {@code /run/dso/<path>}), and beside it {@code versions.json} (the HMAC version each file holds;
 * never a value). All replicas of a service share the directory, and a file is rewritten in place
 * (temp + fsync + atomic rename): a reader sees the old or the new value, never a mix. The
 * directory is created only when the first file reference is planned.
 */
public final class ComposeFiles {
  /** Where a service's files appear inside its containers. */
  public static final String MOUNT_TARGET = "/run/dso";
  private static final String DIR = ".compose";
  /** Compose project and service names (Compose itself allows less). */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<Path> secretsDir;
  private Path root;

  /** @param secretsDir prepares (once, on first use) and returns the tmpfs secrets directory */
  public ComposeFiles(Supplier<Path> secretsDir) {
    this.secretsDir = secretsDir;
  }

  private synchronized Path root() {
    if (root == null) {
      root = secretsDir.get().toAbsolutePath().normalize().resolve(DIR);
    }
    return root;
  }

  /** Whether {@code name} can be a project or service directory. */
  public static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches() && !name.equals("..") && !name.equals(".");
  }

  /** The host directory mounted at {@value #MOUNT_TARGET} in the service's containers. */
  public Path filesDir(String project, String service) {
    return serviceDir(project, service).resolve("files");
  }

  private Path serviceDir(String project, String service) {
    if (!validName(project) || !validName(service)) {
      throw new InjectionException("Compose project '" + project + "' or service '" + service
          + "' is not a usable name (letters, digits, '_', '.', '-')");
    }
    return root().resolve(project).resolve(service);
  }

  /** The path of a reference's file inside the container. */
  public static String containerPath(String refPath) {
    return MOUNT_TARGET + "/" + refPath;
  }

  /** The version the file of {@code refPath} holds, if it was written. */
  public synchronized Optional<String> version(String project, String service, String refPath) {
    return Optional.ofNullable(versions(serviceDir(project, service)).get(refPath))
        .filter(v -> Files.isRegularFile(filesDir(project, service).resolve(refPath)));
  }

  /** Writes (or rewrites) the file of {@code refPath}: 0400, owned by uid/gid when given. */
  public synchronized void write(String project, String service, String refPath, String value, String version,
      Integer uid, Integer gid) {
    if (!ComposeRefs.safePath(refPath)) {
      throw new InjectionException("reference path '" + refPath + "' has a '.' or '..' segment; name the secret plainly");
    }
    Path svc = serviceDir(project, service);
    Path file = filesDir(project, service).resolve(refPath).normalize();
    try {
      Files.createDirectories(file.getParent());
      // The host side stays closed to others; inside the container the bind mount shows the tree.
      setMode(root(), "rwx------");
      for (Path d = file.getParent(); d.startsWith(svc); d = d.getParent()) {
        setMode(d, d.equals(svc) ? "rwx------" : "rwxr-xr-x");
      }
      setMode(root().resolve(project), "rwx------");
      FileInjector.atomicWrite(file.getParent(), file.getFileName().toString(),
          value.getBytes(StandardCharsets.UTF_8), uid, gid);
      Map<String, String> v = versions(svc);
      v.put(refPath, version);
      FileInjector.atomicWrite(svc, "versions.json", JSON.writeValueAsBytes(v), null, null);
    } catch (IOException e) {
      throw new InjectionException("writing the file of reference '" + refPath + "' for Compose service " + service
          + " below " + svc + " failed: " + e.getClass().getSimpleName() + "; check that the secrets directory is writable", e);
    }
  }

  /** Removes every file of a project (its stack went down); true when there was something. */
  public synchronized boolean wipe(String project) {
    if (!validName(project)) {
      return false;
    }
    Path dir = root().resolve(project);
    boolean existed = Files.exists(dir);
    FileInjector.deleteTree(dir);
    return existed;
  }

  private static void setMode(Path p, String mode) throws IOException {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
  }

  private static Map<String, String> versions(Path svc) {
    Path f = svc.resolve("versions.json");
    if (!Files.isRegularFile(f)) {
      return new TreeMap<>();
    }
    try {
      return new TreeMap<>(JSON.readValue(f.toFile(), new TypeReference<Map<String, String>>() {}));
    } catch (IOException e) {
      return new TreeMap<>(); // unreadable = unknown versions: every file is written again
    }
  }
}
