package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dist/bin/docker-dso} speaks the Docker CLI plugin protocol, and {@code dso install-plugin}
 * puts it where the real {@code docker} CLI finds it.
 */
class DockerCliPluginIT {
  @TempDir Path dir;

  private String run(String... args) throws Exception {
    Path out = dir.resolve("out");
    Process p = new ProcessBuilder(args).redirectOutput(out.toFile()).redirectErrorStream(false).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return Files.readString(out);
  }

  @Test
  void answersTheMetadataCallAndDropsItsOwnNameFromTheArguments() throws Exception {
    String plugin = AgentProcess.repoRoot().resolve("dist/bin/docker-dso").toString();
    JsonNode meta = new ObjectMapper().readTree(run(plugin, "docker-cli-plugin-metadata"));
    assertThat(meta.get("SchemaVersion").asText()).isEqualTo("0.1.0");
    assertThat(meta.get("Vendor").asText()).isNotBlank();
    assertThat(meta.get("Version").asText()).isEqualTo(Files.readString(AgentProcess.repoRoot().resolve("dist/VERSION")).trim());
    assertThat(meta.get("ShortDescription").asText()).isNotBlank();
    assertThat(meta.get("URL").asText()).startsWith("file://");
    // `docker dso version` runs the plugin as `docker-dso dso version`
    assertThat(run(plugin, "dso", "version")).startsWith("dso " + meta.get("Version").asText());
  }

  record Run(int exit, String stdout, String stderr) {}

  /** Runs a command with {@code DOCKER_CONFIG} pointing at this test's own directory. */
  private Run runIn(Path dockerConfig, String... args) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(args).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("DOCKER_CONFIG", dockerConfig.toString());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finishes", String.join(" ", args)).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void installPluginMakesTheRealDockerCliRunDockerDso() throws Exception {
    Path dockerConfig = dir.resolve("docker-config");
    String dso = AgentProcess.repoRoot().resolve("dist/bin/dso").toString();
    Path plugin = AgentProcess.repoRoot().resolve("dist/bin/docker-dso");

    Run install = runIn(dockerConfig, dso, "install-plugin");
    assertThat(install.exit()).as(install.stderr()).isZero();
    Path link = dockerConfig.resolve("cli-plugins/docker-dso");
    assertThat(install.stdout()).startsWith("installed " + link + " -> " + plugin);
    assertThat(Files.readSymbolicLink(link)).isEqualTo(plugin);

    // The docker CLI on PATH must know plugins (19.03+): it lists ours in its help.
    Run dockerHelp = runIn(dockerConfig, "docker", "--help");
    assertThat(dockerHelp.stdout() + dockerHelp.stderr())
        .as("the docker CLI on PATH does not list CLI plugins from $DOCKER_CONFIG/cli-plugins: it needs Docker 19.03 or newer")
        .containsPattern("(?m)^\\s+dso\\*?\\s+Docker Secret Operator");

    Run version = runIn(dockerConfig, "docker", "dso", "version");
    assertThat(version.exit()).as(version.stderr()).isZero();
    assertThat(version.stdout()).startsWith("dso " + Files.readString(AgentProcess.repoRoot().resolve("dist/VERSION")).trim());

    Run help = runIn(dockerConfig, "docker", "dso", "--help");
    assertThat(help.exit()).as(help.stderr()).isZero();
    assertThat(help.stdout()).startsWith("Usage: dso").contains("install-plugin").contains("Exit codes:");

    Run again = runIn(dockerConfig, dso, "install-plugin");
    assertThat(again.exit()).isZero();
    assertThat(again.stdout()).startsWith("already installed: " + link);
  }

  @Test
  void installPluginLeavesSomeoneElsesPluginAloneUnlessForced() throws Exception {
    Path dockerConfig = dir.resolve("docker-config");
    Path link = Files.createDirectories(dockerConfig.resolve("cli-plugins")).resolve("docker-dso");
    Files.writeString(link, "#!/bin/sh\necho another docker-dso\n");
    String dso = AgentProcess.repoRoot().resolve("dist/bin/dso").toString();

    Run refused = runIn(dockerConfig, dso, "install-plugin");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.stderr().strip()).startsWith("dso: error: " + link + " already exists").endsWith("rerun with --force to replace it");
    assertThat(Files.readString(link)).contains("another docker-dso");

    Run forced = runIn(dockerConfig, dso, "install-plugin", "--force");
    assertThat(forced.exit()).as(forced.stderr()).isZero();
    assertThat(forced.stdout()).startsWith("replaced " + link);
    assertThat(Files.readSymbolicLink(link)).isEqualTo(AgentProcess.repoRoot().resolve("dist/bin/docker-dso"));
  }
}
