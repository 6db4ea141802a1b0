package io.dso.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.DsoException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@code dso install-plugin} puts the link, and what it refuses to overwrite. */
class InstallPluginCommandTest {
  @TempDir Path dir;

  private Path plugin() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("dso/bin"));
    Path p = Files.writeString(bin.resolve("docker-dso"), "#!/bin/sh\n");
    p.toFile().setExecutable(true);
    return p;
  }

  @Test
  void userInstallGoesToDockerConfigElseHomeAndSystemToTheSystemDir() {
    Path home = Path.of("/home/alice");
    assertThat(InstallPluginCommand.pluginDir(false, Map.of("DOCKER_CONFIG", "/tmp/dc"), home)).isEqualTo(Path.of("/tmp/dc/cli-plugins"));
    assertThat(InstallPluginCommand.pluginDir(false, Map.of(), home)).isEqualTo(Path.of("/home/alice/.docker/cli-plugins"));
    assertThat(InstallPluginCommand.pluginDir(false, Map.of("DOCKER_CONFIG", ""), home)).isEqualTo(Path.of("/home/alice/.docker/cli-plugins"));
    assertThat(InstallPluginCommand.pluginDir(true, Map.of("DOCKER_CONFIG", "/tmp/dc"), home))
        .isEqualTo(Path.of("/usr/local/lib/docker/cli-plugins"));
  }

  @Test
  void createsALinkToThisInstallationAndIsIdempotent() throws Exception {
    Path plugin = plugin();
    Path plugins = dir.resolve("docker/cli-plugins");
    InstallPluginCommand.Result first = InstallPluginCommand.install(plugin, plugins, false);
    assertThat(first.action()).isEqualTo(InstallPluginCommand.Action.CREATED);
    assertThat(Files.readSymbolicLink(plugins.resolve("docker-dso"))).isEqualTo(plugin);
    assertThat(InstallPluginCommand.install(plugin, plugins, false).action()).isEqualTo(InstallPluginCommand.Action.UNCHANGED);
    try (var files = Files.list(plugins)) {
      assertThat(files).as("no temporary link left").containsExactly(plugins.resolve("docker-dso"));
    }
  }

  @Test
  void refusesToReplaceAnotherProgramUnlessForced() throws Exception {
    Path plugin = plugin();
    Path plugins = Files.createDirectories(dir.resolve("docker/cli-plugins"));
    Path other = Files.writeString(plugins.resolve("docker-dso"), "#!/bin/sh\necho someone else's\n");
    assertThatThrownBy(() -> InstallPluginCommand.install(plugin, plugins, false))
        .isInstanceOf(DsoException.class)
        .hasMessage(other + " already exists and is another program, not " + plugin + "; rerun with --force to replace it");
    assertThat(Files.readString(other)).contains("someone else's");

    assertThat(InstallPluginCommand.install(plugin, plugins, true).action()).isEqualTo(InstallPluginCommand.Action.REPLACED);
    assertThat(Files.readSymbolicLink(other)).isEqualTo(plugin);
  }

  @Test
  void refusesToReplaceALinkToAnotherInstallationUnlessForced() throws Exception {
    Path plugin = plugin();
    Path plugins = Files.createDirectories(dir.resolve("docker/cli-plugins"));
    Path elsewhere = Path.of("/opt/old-dso/bin/docker-dso");
    Files.createSymbolicLink(plugins.resolve("docker-dso"), elsewhere);
    assertThatThrownBy(() -> InstallPluginCommand.install(plugin, plugins, false))
        .hasMessageContaining("already exists and links to " + elsewhere).hasMessageContaining("--force");
    InstallPluginCommand.install(plugin, plugins, true);
    assertThat(Files.readSymbolicLink(plugins.resolve("docker-dso"))).isEqualTo(plugin);
  }

  @Test
  void aDirectoryInTheWayIsNeverRemoved() throws Exception {
    Path plugin = plugin();
    Path plugins = Files.createDirectories(dir.resolve("docker/cli-plugins"));
    Files.createDirectories(plugins.resolve("docker-dso"));
    assertThatThrownBy(() -> InstallPluginCommand.install(plugin, plugins, true))
        .hasMessageContaining("is a directory, not a plugin");
    assertThat(plugins.resolve("docker-dso")).isDirectory();
  }
}
