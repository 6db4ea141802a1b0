package io.dso.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.api.ApiException;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretNotFoundException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * The surface every command shares, checked over the whole picocli tree (so a command added later
 * is covered without touching this test): help renders, usage errors exit 2 with a hint, every
 * command takes the global --debug, exit codes are documented and mapped.
 */
class CliSurfaceTest {
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(Main.withoutPluginName(args));
    return new Run(exit, out.toString(), err.toString());
  }

  /** Every command path of the tree, e.g. {@code [agent]}, {@code [config, migrate]}. */
  static List<List<String>> commandPaths() {
    List<List<String>> paths = new ArrayList<>();
    collect(Main.commandLine(), new ArrayList<>(), paths);
    return paths;
  }

  private static void collect(CommandLine cli, List<String> path, List<List<String>> paths) {
    for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
      if (!e.getKey().equals(e.getValue().getCommandName())) {
        continue; // alias
      }
      List<String> sub = new ArrayList<>(path);
      sub.add(e.getKey());
      paths.add(sub);
      collect(e.getValue(), sub, paths);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCommandRendersItsHelpAndExitsZero() {
    List<List<String>> paths = commandPaths();
    assertThat(paths).extracting(p -> String.join(" ", p)).contains("agent", "validate", "version", "install-plugin", "config migrate");
    return paths.stream().map(path -> DynamicTest.dynamicTest("dso " + String.join(" ", path) + " --help", () -> {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Run r = run(args.toArray(String[]::new));
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).startsWith("Usage: dso " + String.join(" ", path)).contains("--debug");
      assertThat(r.err()).isEmpty();
    }));
  }

  @Test
  void topLevelHelpListsTheExitCodes() {
    Run r = run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Exit codes:");
    for (int code : new int[] {ExitCodes.OK, ExitCodes.FAILURE, ExitCodes.USAGE, ExitCodes.AGENT_UNREACHABLE,
        ExitCodes.NOT_FOUND, ExitCodes.PERMISSION_DENIED}) {
      assertThat(r.out()).containsPattern("(?m)^\\s+" + code + "\\s+\\S");
    }
    assertThat(r.out()).contains("agent not reachable").contains("not found").contains("permission denied");
  }

  @Test
  void aMisspelledCommandIsAUsageErrorWithADidYouMeanHint() {
    Run r = run("verison");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("dso: error: unknown command 'verison' for 'dso'")
        .contains("Did you mean: dso version").contains("Usage: dso");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aMisspelledOptionIsAUsageErrorThatSuggestsTheRealOne() {
    Run r = run("validate", "--jsn");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("dso: error: Unknown option: '--jsn'").contains("--json").contains("Usage: dso validate");
  }

  @Test
  void noCommandIsAUsageError() {
    Run r = run();
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("a command is required");
  }

  @Test
  void aNamedCommandIsBuiltAloneAndAnythingElseGetsTheWholeTree() {
    CommandLine one = Main.commandLine(new String[] {"--debug", "version", "--json"});
    assertThat(one.getSubcommands()).containsOnlyKeys("version");
    Object root = one.getCommand();
    assertThat(root).as("a @ParentCommand DsoCommand still gets one").isInstanceOf(DsoCommand.class);
    assertThat(one.getCommandName()).isEqualTo("dso");
    assertThat(Main.commandLine(new String[] {"config", "migrate"}).getSubcommands()).containsOnlyKeys("config");
    int all = Main.commandLine().getSubcommands().size();
    assertThat(Main.commandLine(new String[] {"verison"}).getSubcommands()).hasSize(all);
    assertThat(Main.commandLine(new String[] {"--help"}).getSubcommands()).hasSize(all);
    assertThat(Main.commandLine(new String[] {}).getSubcommands()).hasSize(all);
    assertThat(Main.commandLine(new String[] {"--help", "version"}).getSubcommands()).hasSize(all);
  }

  @Test
  void theDockerPluginsOwnNameIsDropped() {
    Run r = run("dso", "version");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("dso ");
  }

  @Test
  void debugIsAcceptedBeforeAndAfterTheCommand() {
    assertThat(run("--debug", "version").exit()).isZero();
    assertThat(run("version", "--debug").exit()).isZero();
    assertThat(run("config", "migrate", "--debug", "--help").exit()).isZero();
    assertThat(Main.run("--debug", "version", "--debug")).isZero();
  }

  @Test
  void apiRefusalsMapToTheDocumentedExitCodes() {
    assertThat(ErrorReporter.exitCode(new ApiException(404, "no secret 'x'"))).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(ErrorReporter.exitCode(new ApiException(401, "who are you"))).isEqualTo(ExitCodes.PERMISSION_DENIED);
    assertThat(ErrorReporter.exitCode(new ApiException(403, "not in group dso"))).isEqualTo(ExitCodes.PERMISSION_DENIED);
    assertThat(ErrorReporter.exitCode(new ApiException(503, "not ready"))).isEqualTo(ExitCodes.AGENT_UNREACHABLE);
    assertThat(ErrorReporter.exitCode(new ApiException(500, "boom"))).isEqualTo(ExitCodes.FAILURE);
    assertThat(ErrorReporter.exitCode(new ApiException(400, "bad"))).isEqualTo(ExitCodes.FAILURE);
  }

  @Test
  void typedRefusalsMapToTheirExitCodesAlsoWhenWrapped() {
    assertThat(ErrorReporter.exitCode(new SecretNotFoundException("local", "app/x", "secrets.json"))).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(ErrorReporter.exitCode(new SecretAccessDeniedException("vault", "app/x", "the token's policy")))
        .isEqualTo(ExitCodes.PERMISSION_DENIED);
    assertThat(ErrorReporter.exitCode(new java.io.UncheckedIOException(new AccessDeniedException("/run/dso/dso.sock"))))
        .isEqualTo(ExitCodes.PERMISSION_DENIED);
    assertThat(ErrorReporter.exitCode(new RuntimeException(new ApiException(404, "gone")))).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(ErrorReporter.exitCode(new IllegalStateException("other"))).isEqualTo(ExitCodes.FAILURE);
  }

  @Test
  void aFailingCommandPrintsOneLineAndTheStackTraceOnlyWithDebug() {
    CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.create().name("boom");
    spec.addOption(CommandLine.Model.OptionSpec.builder("--debug").build());
    CommandLine cli = new CommandLine(spec);
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    ErrorReporter reporter = new ErrorReporter();
    ApiException refusal = new ApiException(403, "peer uid 1001 is not allowed: add it to group dso");

    int quiet = reporter.handleExecutionException(refusal, cli, cli.parseArgs());
    assertThat(quiet).isEqualTo(ExitCodes.PERMISSION_DENIED);
    assertThat(err.toString()).isEqualTo("dso: error: peer uid 1001 is not allowed: add it to group dso" + System.lineSeparator());

    err.getBuffer().setLength(0);
    reporter.handleExecutionException(refusal, cli, cli.parseArgs("--debug"));
    assertThat(err.toString()).startsWith("dso: error: peer uid 1001").contains("ApiException").contains("at io.dso.cli.CliSurfaceTest");
  }
}
