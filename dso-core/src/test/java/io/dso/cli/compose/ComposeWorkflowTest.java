package io.dso.cli.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.api.ApiException;
import io.dso.compose.ComposePlan;
import io.dso.compose.ComposePlanner;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeWorkflowTest {
  private static final String CANARY = "canary-wf-7f3a";
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final ByteArrayOutputStream composeOut = new ByteArrayOutputStream();
  private final List<ComposePlan.Request> planned = new ArrayList<>();
  private boolean composeAsked;
  private final List<String> wiped = new ArrayList<>();

  @BeforeEach
  void project() throws Exception {
    Files.writeString(dir.resolve("compose.yaml"), """
        services:
          api:
            image: x
            environment:
              TOKEN: dso://app/token
              PLAIN: hello
          db:
            image: y
        """);
  }

  private final ComposePlanner resolving = request -> {
    planned.add(request);
    return new ComposePlan.Response(request.project(), List.of(new ComposePlan.ServicePlan("api",
        request.dryRun() ? null : Map.of("TOKEN", CANARY), List.of(), Map.of("dso.secrets", "app/token"),
        List.of(new ComposePlan.SecretUse("app/token", List.of("value"), "env")))), false);
  };

  private ComposeWorkflow workflow(ComposePlanner inProcess) {
    return new ComposeWorkflow(dir, Map.of("DSO_HOME", dir.resolve("home").toString(), "PATH", System.getenv("PATH")),
        new PrintWriter(out, true), new PrintWriter(err, true), Optional::empty, config -> inProcess,
        () -> {
          composeAsked = true;
          return ComposeRunner.of(List.of("/bin/echo"));
        }, composeOut, project -> {
          wiped.add(project);
          return true;
        });
  }

  private static ComposeWorkflow.Options options(boolean json, boolean dryRun) {
    return new ComposeWorkflow.Options(List.of(), null, null, json, dryRun, Duration.ofSeconds(5));
  }

  @Test
  void aDryRunPrintsThePlanWithoutValuesAndStartsAndWritesNothing() throws Exception {
    int code = workflow(resolving).run(options(true, true), List.of("up", "-d"), true);
    assertThat(code).isZero();
    assertThat(planned).singleElement().satisfies(r -> assertThat(r.dryRun()).isTrue());
    assertThat(composeAsked).isFalse();
    assertThat(dir.resolve("home")).doesNotExist();
    JsonNode plan = new ObjectMapper().readTree(out.toString());
    assertThat(plan.path("project").asText()).isEqualTo(dir.getFileName().toString().toLowerCase().replaceAll("[^a-z0-9_-]", ""));
    assertThat(plan.at("/services/0/variables/TOKEN").asText()).isEqualTo("dso://app/token");
    assertThat(plan.at("/services/0/secrets/0/mode").asText()).isEqualTo("env");
    assertThat(out.toString() + err).doesNotContain(CANARY);
    assertThat(err.toString()).contains("rotation needs the agent (start it with 'dso agent')");
  }

  @Test
  void theHumanDryRunNamesServicesVariablesSecretsKeysAndMode() throws Exception {
    workflow(resolving).run(options(false, true), List.of("up"), true);
    assertThat(out.toString())
        .contains("dry run: nothing started, nothing written")
        .contains("service api")
        .contains("TOKEN")
        .contains("dso://app/token")
        .containsPattern("secret app/token +mode env +keys value")
        .doesNotContain(CANARY);
  }

  @Test
  void aRunAddsTheOverrideAsLastFileAndKeepsValuesOutOfArgumentsOutputAndFiles() throws Exception {
    int code = workflow(resolving).run(options(true, false), List.of("up", "--build"), true);
    assertThat(code).isZero();
    String args = composeOut.toString(StandardCharsets.UTF_8);
    Path override = dir.resolve("home/compose").resolve(planned.getFirst().project()).resolve(OverrideFile.FILE_NAME);
    assertThat(args.trim()).isEqualTo("-p " + planned.getFirst().project() + " -f " + dir.resolve("compose.yaml")
        + " -f " + override + " up --build");
    assertThat(out.toString() + err + args).doesNotContain(CANARY);
    assertThat(new ObjectMapper().readTree(out.toString()).path("compose_exit").asInt()).isZero();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain(CANARY);
      }
    }
  }

  @Test
  void anUnknownReferenceStopsBeforeComposeWithTheAgentsMessageAndExitCode4() throws Exception {
    ComposePlanner missing = request -> {
      throw new ApiException(404, "service 'api', variable 'TOKEN': dso://app/token: no such secret; add it with 'dso secret set app/token'");
    };
    int code = workflow(missing).run(options(false, false), List.of("up", "-d"), true);
    assertThat(code).isEqualTo(4);
    assertThat(err.toString()).contains("dso: error: service 'api', variable 'TOKEN': dso://app/token");
    assertThat(composeOut.size()).isZero();
    assertThat(dir.resolve("home")).doesNotExist();
  }

  @Test
  void aProjectWithoutReferencesRunsComposeUnchangedWithoutPlanning() throws Exception {
    Files.writeString(dir.resolve("compose.yaml"), "services: {a: {image: x, environment: {A: b}}}\n");
    int code = workflow(resolving).run(options(true, false), List.of("ps"), false);
    assertThat(code).isZero();
    assertThat(planned).isEmpty();
    assertThat(composeOut.toString(StandardCharsets.UTF_8)).doesNotContain("dso-override");
  }

  @Test
  void detachedIsRecognisedInItsForms() {
    assertThat(ComposeWorkflow.detached(List.of("up", "-d"))).isTrue();
    assertThat(ComposeWorkflow.detached(List.of("up", "--detach"))).isTrue();
    assertThat(ComposeWorkflow.detached(List.of("up", "-Vd"))).isTrue();
    assertThat(ComposeWorkflow.detached(List.of("up", "--build"))).isFalse();
  }

  @Test
  void downWithoutAnAgentRunsComposeDownAndRemovesTheFilesWrittenInProcess() throws Exception {
    int code = workflow(resolving).down(options(true, false), List.of("-v"));
    assertThat(code).isZero();
    String project = dir.getFileName().toString().toLowerCase().replaceAll("[^a-z0-9_-]", "");
    assertThat(composeOut.toString(StandardCharsets.UTF_8).trim())
        .isEqualTo("-p " + project + " -f " + dir.resolve("compose.yaml") + " down -v");
    assertThat(wiped).containsExactly(project);
    JsonNode summary = new ObjectMapper().readTree(out.toString());
    assertThat(summary.path("purged").asBoolean()).isFalse();
    assertThat(summary.path("files_removed").asBoolean()).isTrue();
    assertThat(err.toString()).contains("no agent running: nothing to purge; removed the project's secret files");
  }

  @Test
  void anAgentThatRefusesUsGivesExitCode5AfterComposeDownAndOnUpBeforeCompose() throws Exception {
    ComposeWorkflow refused = new ComposeWorkflow(dir, Map.of("DSO_HOME", dir.resolve("home").toString(), "PATH", System.getenv("PATH")),
        new PrintWriter(out, true), new PrintWriter(err, true),
        () -> {
          throw new ApiException(403, "permission denied on /run/dso/dso.sock: run as root or join group dso (usermod -aG dso $USER)");
        },
        config -> resolving, () -> ComposeRunner.of(List.of("/bin/echo")), composeOut, project -> true);
    assertThat(refused.run(options(false, false), List.of("up", "-d"), true)).isEqualTo(5);
    assertThat(composeOut.size()).as("Compose not started").isZero();
    assertThat(refused.down(options(true, false), List.of())).isEqualTo(5);
    assertThat(err.toString()).contains("dso: error: permission denied on /run/dso/dso.sock")
        .contains("dso: error: the stack is down but the agent did not purge its secrets: permission denied");
  }
}
