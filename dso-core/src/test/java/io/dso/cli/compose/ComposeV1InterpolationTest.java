package io.dso.cli.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dso.compose.ComposePlan;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real docker-compose (v1) reads the override and takes the values from its environment
 * unchanged: no second interpolation of {@code $}, quotes, spaces or newlines. {@code config} needs
 * no daemon; its output stays in memory.
 */
class ComposeV1InterpolationTest {
  @TempDir Path dir;

  @Test
  void composeGivesServicesTheValuesFromTheEnvironmentExactlyAsPlanned() throws Exception {
    Path v1 = ComposeRunner.onPath(System.getenv().getOrDefault("PATH", ""), "docker-compose");
    assumeTrue(v1 != null, "docker-compose is not installed");
    Files.writeString(dir.resolve("docker-compose.yml"), """
        version: "3.8"
        services:
          api:
            image: dso-test/busybox:1
            environment:
              TRICKY: dso://app/tricky
              URL: pg://dso://app/user@db
              KEEP: $$literal
        """);
    String tricky = "a$b ${HOME} $$c 'single' \"double\" spaces  here\nsecond line\\n";
    ComposeProject project = new ComposeProjectReader(dir, Map.of()).read(List.of(), "dsocompv1");
    ComposePlan.Response plan = new ComposePlan.Response(project.name(), List.of(new ComposePlan.ServicePlan("api",
        Map.of("TRICKY", tricky, "URL", "pg://u$er@db"), List.of(new ComposePlan.Mount("/tmp/x$y", "/run/dso")),
        Map.of("dso.secrets", "app/tricky,app/user"), List.of())), false);
    OverrideFile override = new OverrideFile(project, plan);
    List<Path> files = new ArrayList<>(project.files());
    files.add(override.write(dir.resolve("home")));
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(override.childEnvironment());
    ComposeRunner runner = ComposeRunner.of(List.of(v1.toString()));
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int code = runner.run(dir, runner.command(project.name(), files, List.of("config")), env, stdout);
    assertThat(code).isZero();
    JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(stdout.toString(StandardCharsets.UTF_8));
    JsonNode api = config.at("/services/api");
    // `config` prints a file Compose could read again, so it escapes each `$` as `$$`: one escape
    // there means the value was taken literally, with no second interpolation.
    assertThat(api.at("/environment/TRICKY").asText()).isEqualTo(tricky.replace("$", "$$"));
    assertThat(api.at("/environment/URL").asText()).isEqualTo("pg://u$$er@db");
    assertThat(api.at("/environment/KEEP").asText()).isEqualTo("$$literal");
    assertThat(api.at("/labels").toString()).contains("app/tricky,app/user");
    assertThat(api.at("/volumes").toString()).contains("\"/tmp/x$y:/run/dso:ro\"");
  }
}
