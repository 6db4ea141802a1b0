package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command's {@code --json} output parses: the real launcher runs each case below and stdout
 * must be one JSON document and nothing else. A new command with {@code --json} adds a line to
 * {@link #CASES} (or to {@link #NEEDS_MORE} with the reason); {@link #everyCommandWithJsonHasACase}
 * fails until it does.
 */
class CliJsonOutputIT {
  /**
   * One run: a name, the arguments ({@code {quickstart}}, {@code {broken}} and {@code {dir}} are
   * replaced: the quick-start config, a broken config, this run's scratch directory) and the exit
   * code expected. They run without an agent, with an empty HOME and runtime directory.
   */
  record Case(String name, int exit, List<List<String>> before, String... args) {
    Case(String name, int exit, String... args) {
      this(name, exit, List.of(), args);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<String> INIT = List.of("init");
  private static final List<String> SET = List.of("secret", "set", "demo/api_key", "--value", "not-a-real-value");

  static final List<Case> CASES = List.of(
      new Case("version", 0, "version", "--json"),
      new Case("validate a valid file", 0, "validate", "--json", "-c", "{quickstart}"),
      new Case("validate a broken file", 1, "validate", "--json", "-c", "{broken}"),
      new Case("validate a missing file", 2, "validate", "--json", "-c", "{dir}/missing.yaml"),
      new Case("install-plugin", 0, "install-plugin", "--json"),
      new Case("init", 0, "init", "--json"),
      new Case("secret set", 0, List.of(INIT), "secret", "set", "demo/api_key", "--value", "not-a-real-value", "--json"),
      new Case("secret get", 0, List.of(INIT, SET), "secret", "get", "demo/api_key", "--json"),
      new Case("secret list", 0, List.of(INIT, SET), "secret", "list", "--json"),
      new Case("secret rm", 0, List.of(INIT, SET), "secret", "rm", "demo/api_key", "--json"),
      new Case("migrate preview", 0, "migrate", "--json", "--dry-run", "--dir", "{migrate}"),
      new Case("doctor without an agent", 1, "doctor", "--json", "-c", "{quickstart}"),
      new Case("up --dry-run", 0, "up", "--dry-run", "--json", "-c", "{quickstart}", "-f", "{root}/examples/compose/docker-compose.yml"),
      new Case("compose --dry-run", 0, "compose", "--dry-run", "--json", "-c", "{quickstart}", "-f",
          "{root}/examples/compose/docker-compose.yml", "ps"));

  /** Commands whose --json needs more than this test gives (an agent, a container), and where that is tested. */
  static final Map<String, String> NEEDS_MORE = Map.of(
      "inspect", "needs a running agent and a container (the agent's container view is tested by the rotation ITs)",
      "notifications test", "needs a configured destination and a receiver (NotificationsIT parses its --json output)",
      "status", "needs a running agent (DiagCommandsIT parses its --json output)",
      "sync", "needs a running agent (DiagCommandsIT parses its --json output)",
      "fetch", "needs a running agent (DiagCommandsIT parses its --json output)",
      "logs", "needs a running agent (DiagCommandsIT parses its --json output)",
      "watch", "streams a running agent's events until interrupted (one JSON document per line)",
      "down", "runs Compose against a daemon (its --json is parsed by ComposeWorkflowIT)");

  @TempDir Path dir;

  static Stream<Case> cases() {
    return CASES.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void stdoutIsOneJsonDocument(Case c) throws Exception {
    Path root = AgentProcess.repoRoot();
    Path home = Files.createDirectories(dir.resolve("home"));
    for (List<String> step : c.before()) {
      Process p = process(root, home, step, dir.resolve("before.out"), dir.resolve("before.err")).start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("dso %s finishes", String.join(" ", step)).isTrue();
      assertThat(p.exitValue()).as("set-up step dso %s; stderr: %s", String.join(" ", step),
          Files.readString(dir.resolve("before.err"))).isZero();
    }
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process p = process(root, home, List.of(c.args()), out, err).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("dso %s finishes", String.join(" ", c.args())).isTrue();
    String stdout = Files.readString(out);
    String stderr = Files.readString(err);
    assertThat(p.exitValue()).as("exit code; stderr: %s", stderr).isEqualTo(c.exit());
    JsonNode doc = new ObjectMapper().readTree(stdout);
    assertThat(doc).as("stdout: %s", stdout).isNotNull();
    assertThat(doc.isObject() || doc.isArray()).as("stdout is a JSON object or array: %s", stdout).isTrue();
    // readTree stops after the first document: nothing else may follow it
    assertThat(new ObjectMapper().readerFor(JsonNode.class).readValues(stdout).readAll()).hasSize(1);
    assertThat(stderr).doesNotContain("\tat ");
  }

  @Test
  void everyCommandWithJsonHasACase() {
    List<String> withJson = new ArrayList<>();
    collect(Main.commandLine(), withJson);
    assertThat(withJson).contains("version", "validate", "install-plugin");
    for (String command : withJson) {
      List<String> words = List.of(command.split(" "));
      boolean covered = NEEDS_MORE.containsKey(command)
          || CASES.stream().anyMatch(c -> c.args().length >= words.size()
              && List.of(c.args()).subList(0, words.size()).equals(words));
      assertThat(covered).as("'dso %s' has --json but no case in CliJsonOutputIT.CASES (or NEEDS_MORE)", command).isTrue();
    }
  }

  /** One run of the launcher: no agent, an empty HOME and runtime directory, placeholders replaced. */
  private ProcessBuilder process(Path root, Path home, List<String> args, Path out, Path err) {
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("dist/bin/dso").toString());
    for (String a : args) {
      cmd.add(a.replace("{quickstart}", root.resolve("examples/quickstart/dso.yaml").toString())
          .replace("{broken}", root.resolve("dso-core/src/test/resources/config-corpus/01-misspelt-key.yaml").toString())
          .replace("{migrate}", root.resolve("dso-core/src/test/resources/migrate-corpus/07-env-file-list").toString())
          .replace("{dir}", dir.toString())
          .replace("{root}", root.toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("DSO_HOME");
    pb.environment().remove("DSO_MASTER_KEY");
    pb.environment().put("HOME", home.toString());
    pb.environment().put("XDG_RUNTIME_DIR", home.toString());
    pb.environment().put("DOCKER_CONFIG", home.resolve(".docker").toString());
    pb.environment().put("DSO_SOCKET", dir.resolve("no-agent.sock").toString());
    return pb;
  }

  private static void collect(CommandLine cli, List<String> out) {
    for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
      CommandLine sub = e.getValue();
      if (!e.getKey().equals(sub.getCommandName())) {
        continue; // alias
      }
      if (sub.getCommandSpec().findOption("--json") != null) {
        String path = sub.getCommandSpec().qualifiedName(" ");
        out.add(path.substring(path.indexOf(' ') + 1));
      }
      collect(sub, out);
    }
  }
}
