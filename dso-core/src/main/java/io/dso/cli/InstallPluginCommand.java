package io.dso.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.DsoException;
import io.dso.PrivatePaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dso install-plugin}: links this distribution's {@code bin/docker-dso} into Docker's CLI
 * plugin directory, so that {@code docker dso ...} runs this {@code dso}.
 */
@Command(name = "install-plugin", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = {
      "Install docker-dso as a Docker CLI plugin, so that 'docker dso ...' runs this dso.",
      "Links $DOCKER_CONFIG/cli-plugins/docker-dso (else ~/.docker/cli-plugins/docker-dso) to this installation;"
          + " with --system (root only) " + InstallPluginCommand.SYSTEM_DIR + "/docker-dso."})
public final class InstallPluginCommand implements Callable<Integer> {
  /** The first of the Docker CLI's system-wide plugin directories on Linux. */
  static final String SYSTEM_DIR = "/usr/local/lib/docker/cli-plugins";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--system", description = "Install for every user of this host (root only).")
  boolean system;

  @Option(names = "--force", description = "Replace a docker-dso that is not this installation's.")
  boolean force;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  /** What the installation did. */
  enum Action { CREATED, REPLACED, UNCHANGED }

  /** The link written (or found), the plugin it points at, and what was done. */
  record Result(Path link, Path plugin, Action action) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String home = System.getProperty("dso.home");
    Path plugin = home == null ? null : Path.of(home, "bin", "docker-dso").toAbsolutePath().normalize();
    if (plugin == null || !Files.isExecutable(plugin)) {
      throw new DsoException("no executable docker-dso in this installation (" + (plugin == null ? "dso.home is not set" : plugin)
          + "); run install-plugin through the dso launcher of a built distribution (bin/dso)");
    }
    if (system && PrivatePaths.currentUid() != 0) {
      err.println("dso: error: --system installs into " + SYSTEM_DIR + " and needs root: run it with sudo, or drop --system to install for your user");
      return ExitCodes.PERMISSION_DENIED;
    }
    Result r = install(plugin, pluginDir(system, System.getenv(), Path.of(System.getProperty("user.home"))), force);
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("link", r.link().toString());
      m.put("plugin", r.plugin().toString());
      m.put("action", r.action().name().toLowerCase(java.util.Locale.ROOT));
      out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(m));
    } else {
      String what = switch (r.action()) {
        case CREATED -> "installed";
        case REPLACED -> "replaced";
        case UNCHANGED -> "already installed:";
      };
      out.printf("%s %s -> %s%ntry: docker dso version%n", what, r.link(), r.plugin());
    }
    return ExitCodes.OK;
  }

  /** Where Docker looks for this user's plugins, or the system-wide directory. */
  static Path pluginDir(boolean system, Map<String, String> env, Path userHome) {
    if (system) {
      return Path.of(SYSTEM_DIR);
    }
    String config = env.get("DOCKER_CONFIG");
    Path base = config == null || config.isBlank() ? userHome.resolve(".docker") : Path.of(config);
    return base.resolve("cli-plugins");
  }

  /**
   * Makes {@code dir/docker-dso} a symbolic link to {@code plugin}: a link keeps following this
   * installation (an upgrade in place needs no reinstall). Anything else already there is left
   * alone unless {@code force}; the link is swapped in with one rename, so Docker never sees a
   * half-written plugin.
   */
  static Result install(Path plugin, Path dir, boolean force) throws IOException {
    Files.createDirectories(dir);
    Path link = dir.resolve("docker-dso");
    boolean exists = Files.exists(link, LinkOption.NOFOLLOW_LINKS);
    if (exists && Files.isSymbolicLink(link) && pointsAt(link, plugin)) {
      return new Result(link, plugin, Action.UNCHANGED);
    }
    if (exists && Files.isDirectory(link, LinkOption.NOFOLLOW_LINKS)) {
      throw new DsoException(link + " is a directory, not a plugin; move it away and run install-plugin again");
    }
    if (exists && !force) {
      String what = Files.isSymbolicLink(link) ? "links to " + Files.readSymbolicLink(link) : "is another program";
      throw new DsoException(link + " already exists and " + what + ", not " + plugin + "; rerun with --force to replace it");
    }
    Path tmp = dir.resolve(".docker-dso." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, plugin);
    try {
      Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return new Result(link, plugin, exists ? Action.REPLACED : Action.CREATED);
  }

  private static boolean pointsAt(Path link, Path plugin) throws IOException {
    Path target = link.resolveSibling(Files.readSymbolicLink(link)).normalize();
    if (target.equals(plugin)) {
      return true;
    }
    // the same file reached another way (a link to a link, a different spelling of the path)
    try {
      return Files.isSameFile(target, plugin);
    } catch (IOException e) {
      return false; // a dangling link is not ours
    }
  }
}
