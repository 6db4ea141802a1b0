package io.dso.cli.diag;

import io.dso.api.ApiException;
import io.dso.cli.AgentClient;
import io.dso.inject.SecretsDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

/** Doctor's checks of this host: the Docker daemon, the agent's socket, and the secrets directory. */
final class SystemChecks {
  /** The Docker Engine API version the agent speaks. */
  static final String MIN_API = "1.41";

  private SystemChecks() {}

  static Check docker(String host, Duration bound) {
    try {
      DockerProbe.Version v = DockerProbe.version(host, bound);
      if (olderThan(v.apiVersion(), MIN_API)) {
        return Check.fail("docker", "Docker " + v.version() + " at " + host + " speaks API " + v.apiVersion()
            + ", older than " + MIN_API, "upgrade the Docker Engine (20.10 or newer)");
      }
      return Check.pass("docker", "Docker " + v.version() + " (API " + v.apiVersion() + ") at " + host);
    } catch (IOException | RuntimeException e) {
      return Check.fail("docker", "no Docker daemon answers at " + host + ": " + io.dso.LogText.line(String.valueOf(e.getMessage())),
          "start the Docker daemon (systemctl start docker) or point DOCKER_HOST / --docker-host at it");
    }
  }

  static boolean olderThan(String api, String min) {
    try {
      String[] a = api.split("\\.");
      String[] b = min.split("\\.");
      int major = Integer.compare(Integer.parseInt(a[0]), Integer.parseInt(b[0]));
      return major != 0 ? major < 0 : Integer.parseInt(a[1]) < Integer.parseInt(b[1]);
    } catch (RuntimeException e) {
      return false; // an unknown format is not a verdict
    }
  }

  /** The agent's socket: present, a socket, and answering us. */
  static Check socket(Path shown, Path flag) {
    String name = "agent socket";
    if (!Files.exists(shown, LinkOption.NOFOLLOW_LINKS)) {
      return Check.fail(name, "no socket at " + shown + ": the agent is not running",
          "start it with `dso agent -c dso.yaml` (or pass --socket PATH)");
    }
    String mode = "";
    try {
      PosixFileAttributes a = Files.readAttributes(shown, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isOther()) {
        return Check.fail(name, shown + " is not a socket", "remove it and restart the agent");
      }
      mode = " (" + PosixFilePermissions.toString(a.permissions()) + " " + a.owner().getName() + ":" + a.group().getName() + ")";
    } catch (IOException | UnsupportedOperationException e) {
      // permissions unknown: connecting below still tells whether we may use it
    }
    try {
      Optional<AgentClient> client = AgentClient.connect(flag);
      if (client.isEmpty()) {
        return Check.fail(name, "socket " + shown + mode + " exists but no agent answers (left over from a stopped agent?)",
            "start the agent with `dso agent -c dso.yaml`; it replaces the stale socket");
      }
      try (AgentClient c = client.get()) {
        c.get("/health");
      }
      return Check.pass(name, "the agent answers at " + shown + mode);
    } catch (ApiException e) {
      return e.status() == 403 || e.status() == 401
          ? denied(name, shown, mode)
          : Check.fail(name, "the agent at " + shown + " answered " + e.status() + ": " + e.getMessage(), "see `dso logs`");
    } catch (UnsupportedOperationException e) {
      return Check.warn(name, "socket " + shown + mode + " exists, but this build cannot talk to it yet", null);
    } catch (RuntimeException e) {
      String m = String.valueOf(e.getMessage());
      return m.toLowerCase(java.util.Locale.ROOT).contains("denied")
          ? denied(name, shown, mode)
          : Check.fail(name, "connecting to " + shown + " failed: " + io.dso.LogText.line(m), "restart the agent");
    }
  }

  private static Check denied(String name, Path shown, String mode) {
    return Check.fail(name, "permission denied on " + shown + mode,
        "run as root or as the agent's user, or join group dso: sudo usermod -aG dso $USER (then log in again)");
  }

  /** The secrets directory: memory-backed, or (not yet there) under a memory-backed parent or mounted by a root agent. */
  static Check secretsDir(Path dir, boolean root) {
    String name = "secrets dir";
    Path at = dir;
    while (at != null && !Files.exists(at)) {
      at = at.getParent();
    }
    String type;
    try {
      type = at == null ? "unknown" : SecretsDir.filesystemType(at);
    } catch (IOException e) {
      return Check.warn(name, "cannot tell the filesystem of " + dir + ": " + e.getMessage(), "check that it is a tmpfs: df -T " + dir);
    }
    boolean memory = type.equals("tmpfs") || type.equals("ramfs");
    if (at != null && at.equals(dir)) {
      return memory
          ? Check.pass(name, dir + " is on " + type)
          : Check.fail(name, dir + " is on " + type + ", not tmpfs: secret files would reach a disk",
              root ? "mount one: mount -t tmpfs -o mode=0700 tmpfs " + dir + " (the root agent does this itself on an empty dir)"
                  : "point --secrets-dir at a tmpfs, e.g. under $XDG_RUNTIME_DIR or /dev/shm");
    }
    if (memory) {
      return Check.pass(name, dir + " does not exist yet; it will be created on " + type + " (" + at + ")");
    }
    return root
        ? Check.warn(name, dir + " does not exist yet; the agent mounts a tmpfs there when it starts", null)
        : Check.fail(name, dir + " does not exist and " + at + " is on " + type + ", not tmpfs",
            "point --secrets-dir at a tmpfs, e.g. under $XDG_RUNTIME_DIR or /dev/shm");
  }
}
