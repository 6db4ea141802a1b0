package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dist/bin/docker-dso} speaks the Docker CLI plugin protocol. */
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
    // `docker dso version` runs the plugin as `docker-dso dso version`
    assertThat(run(plugin, "dso", "version")).startsWith("dso " + meta.get("Version").asText());
  }

  @Test
  void theDockerCliRunsItAsDockerDso() throws Exception {
    Path config = Files.createDirectories(dir.resolve("docker-config/cli-plugins"));
    Files.createSymbolicLink(config.resolve("docker-dso"), AgentProcess.repoRoot().resolve("dist/bin/docker-dso"));
    Path out = dir.resolve("docker-out");
    ProcessBuilder pb = new ProcessBuilder("docker", "dso", "version").redirectOutput(out.toFile()).redirectErrorStream(true);
    pb.environment().put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(out)).as("docker dso version").startsWith("dso ");
    assertThat(p.exitValue()).isZero();
  }
}
